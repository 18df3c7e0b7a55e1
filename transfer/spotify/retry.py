"""When to try a request again, and for how long: the one retry policy of the adapter.

A failed attempt is first classified (``transfer.spotify.failures``) into either a final error
or one of three retryable failures below; tenacity then waits and retries those:

- ``Throttled`` (429): wait what ``Retry-After`` asks plus a little jitter, as long as the total
  wait for this request stays within ``max_retry_after``; beyond it the run pauses
  (``RateLimited``) instead of sleeping for hours.
- ``Transient`` (5xx, dropped connection, timeout, on a request that is safe to send again):
  exponential backoff, at most ``max_attempts`` attempts.
- ``Unauthorized`` (401): the caller refreshes the token; one retry.

Sleeping and the clock are injected so tests run without real waits and check the waits asked.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import tenacity

from transfer.errors import AuthError, RateLimited, ServerError, TransferError

T = TypeVar("T")


class RetryableFailure(Exception):
    """An attempt failed in a way that another attempt may get past."""


class Throttled(RetryableFailure):
    def __init__(self, retry_after: float | None) -> None:
        super().__init__(f"429 Too Many Requests (Retry-After: {retry_after})")
        self.retry_after = retry_after


class Transient(RetryableFailure):
    def __init__(self, description: str, status: int = 0) -> None:
        super().__init__(description)
        self.description = description
        self.status = status


class Unauthorized(RetryableFailure):
    def __init__(self, account: str) -> None:
        super().__init__("401 Unauthorized")
        self.account = account


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RetryPolicy:
    """How long to keep trying. ``sleep``, ``clock`` and ``rng`` are injectable for tests."""

    max_retry_after: float = 600.0
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    jitter: float = 0.5
    """Largest random delay added to a wait, in seconds."""
    max_throttled_attempts: int = 100
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], datetime] = utc_now
    rng: random.Random = field(default_factory=random.Random)

    def run(self, attempt: Callable[[], T], on_unauthorized: Callable[[], None]) -> T:
        """Call ``attempt`` until it succeeds or a final error is due; return its result."""
        tally = _Tally()

        def one_attempt() -> T:
            try:
                return attempt()
            except Unauthorized:
                tally.unauthorized += 1
                if tally.unauthorized == 1:
                    on_unauthorized()
                raise
            except Transient:
                tally.transient += 1
                raise

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(RetryableFailure),
            stop=lambda state: self._should_stop(state, tally),
            wait=lambda state: self._wait(state, tally),
            sleep=self.sleep,
            before_sleep=lambda state: tally.slept(
                state.next_action.sleep if state.next_action is not None else 0.0),
            reraise=True,
        )
        try:
            return retrying(one_attempt)
        except RetryableFailure as failure:
            raise self.final_error(failure, tally.waited) from None

    def _failure(self, state: tenacity.RetryCallState) -> BaseException | None:
        return state.outcome.exception() if state.outcome is not None else None

    def _should_stop(self, state: tenacity.RetryCallState, tally: _Tally) -> bool:
        failure = self._failure(state)
        if isinstance(failure, Unauthorized):
            return tally.unauthorized > 1
        if isinstance(failure, Transient):
            return tally.transient >= self.max_attempts
        if isinstance(failure, Throttled):
            asked = self._throttle_wait(failure, state.attempt_number)
            return (
                tally.waited + asked > self.max_retry_after
                or state.attempt_number >= self.max_throttled_attempts
            )
        return True

    def _wait(self, state: tenacity.RetryCallState, tally: _Tally) -> float:
        failure = self._failure(state)
        if isinstance(failure, Throttled):
            return self._throttle_wait(failure, state.attempt_number) + self._jitter()
        if isinstance(failure, Transient):
            return self._backoff(tally.transient) + self._jitter()
        return 0.0

    def _throttle_wait(self, failure: Throttled, attempt_number: int) -> float:
        if failure.retry_after is None:
            return self._backoff(attempt_number)
        return max(0.0, failure.retry_after)

    def _backoff(self, failures: int) -> float:
        return float(min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1)))

    def _jitter(self) -> float:
        return self.rng.uniform(0, self.jitter) if self.jitter > 0 else 0.0

    def rate_limited(self, retry_after: float, quota: bool, waited: float = 0.0) -> RateLimited:
        """The pause error: resume after ``retry_after`` seconds from now."""
        resume_at = self.clock() + timedelta(seconds=retry_after)
        if quota:
            message = "Spotify's request quota for this app is spent."
        elif waited:
            message = (
                f"Spotify kept limiting the request rate; waiting {retry_after:.0f} s more "
                f"would pass the configured maximum of {self.max_retry_after:.0f} s."
            )
        else:
            message = (
                f"Spotify asked to wait {retry_after:.0f} s, longer than the configured maximum "
                f"of {self.max_retry_after:.0f} s (network.max_retry_after)."
            )
        return RateLimited(message, retry_after=retry_after, resume_at=resume_at, quota=quota)

    def final_error(self, failure: RetryableFailure, waited: float) -> TransferError:
        if isinstance(failure, Throttled):
            retry_after = failure.retry_after if failure.retry_after is not None else 60.0
            return self.rate_limited(retry_after, quota=False, waited=waited)
        if isinstance(failure, Unauthorized):
            return AuthError(
                f"Spotify does not accept the log-in of the {failure.account} account.",
                account=failure.account,
                advice=f"Run `spotify-transfer login {failure.account}`.",
            )
        assert isinstance(failure, Transient)
        return ServerError(
            f"Spotify did not answer properly after {self.max_attempts} attempts: "
            f"{failure.description}",
            status=failure.status,
        )


@dataclass
class _Tally:
    """What happened so far to one request."""

    unauthorized: int = 0
    transient: int = 0
    waited: float = 0.0

    def slept(self, seconds: float) -> None:
        self.waited += seconds
