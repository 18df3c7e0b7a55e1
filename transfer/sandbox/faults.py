"""Faults the sandbox injects: latency, a rolling rate limit, quota exhaustion, 5xx answered
before a request is applied, and writes applied whose answer is then lost.

Every random decision comes from one ``random.Random(rng_seed)``, and every API request draws
the same number of values whatever the settings, so the same requests in the same order meet
the same faults: a failing run can be replayed with its seed.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.sandbox.clock import Clock

QUOTA_RETRY_AFTER = 86_400
DEFAULT_WINDOW = 30.0
SPOTIFY_LIKE_RATE_LIMIT = 300
"""Requests per 30 s: about the 10 a second client authors found to pass without 429s
(Spotify publishes no number)."""
SPOTIFY_LIKE_COVER_LIMIT = 20

AfterApply = Literal["502", "drop"]


class Faults(BaseModel):
    """Fault settings. All off by default: the sandbox then answers like a healthy Spotify.

    ``only`` targets the per-request faults (latency, ``error_rate``, the after-apply faults)
    at some endpoints: entries are ``"METHOD /template"`` or ``"/template"``, for example
    ``"POST /playlists/{playlist_id}/items"``. The rate limits and the quota count every API
    request whatever ``only`` says.
    """

    model_config = ConfigDict(extra="forbid")

    latency: float = Field(0.0, ge=0, description="seconds added to every API request")
    latency_jitter: float = Field(0.0, ge=0, description="up to this many seconds more, random")
    rate_limit: int | None = Field(
        None, ge=1, description="API requests allowed per rolling window (per app); then 429"
    )
    rate_window: float = Field(DEFAULT_WINDOW, gt=0, description="the rolling window, seconds")
    cover_rate_limit: int | None = Field(
        None, ge=1, description="cover uploads allowed per rolling window; then 429"
    )
    quota: int | None = Field(
        None, ge=0, description="API requests before the quota is spent (429 QUOTA_EXCEEDED)"
    )
    quota_retry_after: int = Field(QUOTA_RETRY_AFTER, ge=0, description="Retry-After once spent")
    error_rate: float = Field(0.0, ge=0, le=1, description="share answered 5xx, not applied")
    error_statuses: list[int] = Field([500, 502, 503], min_length=1)
    fail_after_apply_rate: float = Field(
        0.0, ge=0, le=1, description="share of writes applied, then answered 502"
    )
    drop_after_apply_rate: float = Field(
        0.0, ge=0, le=1, description="share of writes applied, then the connection closed"
    )
    only: list[str] = Field([], description='"METHOD /template" or "/template" to target')

    @classmethod
    def spotify_like(cls) -> Faults:
        """A healthy Spotify with a rate limit like the real one's (an estimate)."""
        return cls(rate_limit=SPOTIFY_LIKE_RATE_LIMIT, cover_rate_limit=SPOTIFY_LIKE_COVER_LIMIT)

    def targets(self, method: str, template: str) -> bool:
        if not self.only:
            return True
        return any(rule in (template, f"{method} {template}") for rule in self.only)


@dataclass(frozen=True)
class Decision:
    """What the faults do to one request: drawn once, when it arrives."""

    latency: float = 0.0
    error_status: int | None = None
    after_apply: AfterApply | None = None


RefusalKind = Literal["rate_limit", "cover_rate_limit", "quota"]


@dataclass(frozen=True)
class Refusal:
    """A request refused by a rate limit or the quota: answer 429 with this."""

    retry_after: int
    kind: RefusalKind

    @property
    def quota(self) -> bool:
        return self.kind == "quota"


class FaultInjector:
    """Applies :class:`Faults`; thread-safe. Counters survive ``set_faults``."""

    def __init__(self, faults: Faults | None, rng_seed: int, clock: Clock) -> None:
        self._faults = faults or Faults()
        self._rng = random.Random(rng_seed)
        self._clock = clock
        self._lock = threading.Lock()
        self._window: deque[float] = deque()
        self._cover_window: deque[float] = deque()
        self._quota_used = 0
        self._quota_spent_at: float | None = None

    @property
    def faults(self) -> Faults:
        return self._faults

    def set_faults(self, faults: Faults, rng_seed: int | None = None) -> None:
        with self._lock:
            self._faults = faults
            if rng_seed is not None:
                self._rng = random.Random(rng_seed)

    def reset_quota(self) -> None:
        with self._lock:
            self._quota_used, self._quota_spent_at = 0, None

    def reset_rate_limit(self) -> None:
        with self._lock:
            self._window.clear()
            self._cover_window.clear()

    @property
    def quota_used(self) -> int:
        return self._quota_used

    def draw(self, method: str, template: str, is_write: bool) -> Decision:
        """Decide the per-request faults. Always draws four values, so decisions depend only
        on the order of requests, not on which faults are switched on."""
        with self._lock:
            faults = self._faults
            u_latency, u_error, u_status, u_after = (self._rng.random() for _ in range(4))
        if not faults.targets(method, template):
            return Decision()
        latency = faults.latency + u_latency * faults.latency_jitter
        error_status = None
        if u_error < faults.error_rate:
            statuses = faults.error_statuses
            error_status = statuses[min(int(u_status * len(statuses)), len(statuses) - 1)]
        after_apply: AfterApply | None = None
        if is_write and u_after < faults.fail_after_apply_rate:
            after_apply = "502"
        elif is_write and u_after < faults.fail_after_apply_rate + faults.drop_after_apply_rate:
            after_apply = "drop"
        return Decision(latency, error_status, after_apply)

    def admit(self, is_cover_upload: bool) -> Refusal | None:
        """Count one API request against the rate limits and the quota, or refuse it.

        A refused request is not counted: retrying while limited does not extend the wait.
        A spent quota answers the time left of ``quota_retry_after`` since it ran out, and
        comes back whole when that has passed.
        """
        with self._lock:
            faults = self._faults
            now = self._clock.monotonic()
            wait = _window_wait(self._window, faults.rate_limit, faults.rate_window, now)
            if wait is not None:
                return Refusal(wait, "rate_limit")
            if is_cover_upload:
                wait = _window_wait(
                    self._cover_window, faults.cover_rate_limit, faults.rate_window, now
                )
                if wait is not None:
                    return Refusal(wait, "cover_rate_limit")
            if faults.quota is not None and self._quota_used >= faults.quota:
                if self._quota_spent_at is None:
                    self._quota_spent_at = now
                remaining = self._quota_spent_at + faults.quota_retry_after - now
                if remaining > 0:
                    return Refusal(max(1, math.ceil(remaining)), "quota")
                self._quota_used, self._quota_spent_at = 0, None
            self._quota_used += 1
            self._window.append(now)
            if is_cover_upload:
                self._cover_window.append(now)
            return None


def _window_wait(window: deque[float], limit: int | None, length: float, now: float) -> int | None:
    """Seconds until the window has a free slot (at least 1), or None when it has one now."""
    while window and window[0] <= now - length:
        window.popleft()
    if limit is None or len(window) < limit:
        return None
    return max(1, math.ceil(window[-limit] + length - now))
