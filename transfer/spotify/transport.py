"""The one choke point: every request to the Web API goes through ``Transport.request``.

It waits for a slot under the rate limit (``Pacer``), counts the request, makes sure the access
token is fresh, sends it over our own ``requests.Session`` (so no hidden urllib3 retries, and no
library logging the token's header at debug level), and hands failures to the retry policy.

Several threads may send through one transport at once: the count, the pacer and the token
source are thread-safe, and at most ``in_flight`` requests are on the wire at any moment
(``[network] concurrency``; 1 sends one at a time, whatever the number of threads).

Once Spotify has asked for a pause (a ``Retry-After`` beyond the maximum, a spent quota), the
transport sends nothing more until the time to resume: every other request, on any thread,
meets the same pause at once instead of being refused by Spotify one after another.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

import requests

from transfer.errors import OutcomeUnknown, RateLimited, SpotifyError
from transfer.spotify import failures
from transfer.spotify.endpoints import UPLOAD_COVER, Endpoint
from transfer.spotify.pacing import Pacing
from transfer.spotify.retry import RetryableFailure, RetryPolicy, Throttled, Transient

logger = logging.getLogger(__name__)


class TokenSource(Protocol):
    """Where access tokens of one account come from (``transfer.auth.AccountTokens``)."""

    account: str

    def access_token(self) -> str:
        """A token valid for at least a minute, refreshing it first if needed."""
        ...

    def current_token(self) -> str:
        """The token last handed out, without any request."""
        ...

    def invalidate(self) -> None:
        """Forget the access token (Spotify refused it): the next ``access_token`` refreshes."""
        ...


class Transport:
    """Sends requests for one account and keeps the count per ``(method, template)``."""

    def __init__(
        self,
        api_url: str,
        tokens: TokenSource,
        policy: RetryPolicy,
        timeout: float,
        session: requests.Session | None = None,
        pacer: Pacing | None = None,
        in_flight: int | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.tokens = tokens
        self.policy = policy
        self.timeout = timeout
        self.session = session or requests.Session()
        self.pacer = pacer
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._wire = threading.BoundedSemaphore(in_flight) if in_flight else None
        self._paused: RateLimited | None = None

    def request(
        self,
        endpoint: Endpoint,
        path: str | None = None,
        *,
        url: str | None = None,
        params: Mapping[str, Any] | None = None,
        payload: Any = None,
        content_type: str | None = None,
    ) -> Any:
        """Send ``endpoint`` to ``path`` (or a paging ``url`` the server gave) and return the
        decoded answer (None when the answer has no JSON body)."""
        path = path if path is not None else endpoint.template
        target = self._checked_url(url) if url is not None else self.api_url + path

        def attempt() -> Any:
            return self._attempt(endpoint, path, target, params, payload, content_type)

        try:
            return self.policy.run(attempt, on_unauthorized=self._refresh)
        except RateLimited as pause:  # also when waits added up past the maximum
            self._pause(pause)
            raise

    def probe(self, endpoint: Endpoint) -> Any:
        """Send ``endpoint`` once and never again: whether Spotify takes requests now. A 429
        of any length is the pause it asks for (``RateLimited``); no failure is retried."""
        path = endpoint.template
        try:
            return self._attempt(endpoint, path, self.api_url + path, None, None, None)
        except Throttled as refused:
            retry_after = refused.retry_after if refused.retry_after is not None else 60.0
            pause = self.policy.rate_limited(retry_after, quota=False)
        except RetryableFailure as failure:
            raise self.policy.final_error(failure, waited=0.0) from None
        self._pause(pause)
        raise pause

    def _attempt(
        self,
        endpoint: Endpoint,
        path: str,
        target: str,
        params: Mapping[str, Any] | None,
        payload: Any,
        content_type: str | None,
    ) -> Any:
        token = self._fresh_token()
        headers = {"Authorization": f"Bearer {token}",
                   "Content-Type": content_type or "application/json"}
        body: str | bytes | None = None
        if payload is not None:
            body = payload if content_type is not None else json.dumps(payload)
        if self.pacer is not None:
            self.pacer.wait(upload=endpoint.key == UPLOAD_COVER.key)
        failure: Exception | None = None
        with self._wire or contextlib.nullcontext():
            self._raise_if_paused()
            self._count(endpoint)
            try:
                response = self.session.request(endpoint.method, target, params=params or None,
                                                data=body, headers=headers,
                                                timeout=self.timeout)
                content = response.content  # read here: a cut body is a connection error
            except requests.RequestException as error:
                failure = failures.from_connection(error, endpoint, path)
            else:
                if response.status_code >= 400:
                    failure = self._status_failure(failures.ErrorAnswer.of(response),
                                                   endpoint, path)
                    if isinstance(failure, RateLimited):
                        self._pause(failure)
        if failure is not None:
            if isinstance(failure, OutcomeUnknown) and failure.in_flight:
                self._let_it_land(endpoint)
            raise failure
        return self._decoded(content, endpoint, path)

    @staticmethod
    def _decoded(content: bytes, endpoint: Endpoint, path: str) -> Any:
        """A success answer's JSON, or None when it has no body (a 202 to a cover upload).

        A body that is not JSON (a proxy's or a load balancer's page) did not come from the
        API: a read is tried again, and a write's outcome is unknown (the caller checks)."""
        if not content.strip():
            return None
        try:
            return json.loads(content)
        except ValueError:
            if endpoint.idempotent:
                raise Transient(f"an answer to {endpoint} that is not JSON") from None
            raise failures.unknown(endpoint, path, "Spotify's answer was not JSON") from None

    def _pause(self, pause: RateLimited) -> None:
        with self._lock:
            if self._paused is None or pause.resume_at > self._paused.resume_at:
                self._paused = pause

    def _raise_if_paused(self) -> None:
        """The pause Spotify asked for, while it lasts: nothing is sent meanwhile."""
        with self._lock:
            pause = self._paused
        if pause is None:
            return
        if self.policy.clock() >= pause.resume_at:
            with self._lock:
                self._paused = None
            return
        raise RateLimited(pause.message, retry_after=pause.retry_after,
                          resume_at=pause.resume_at, quota=pause.quota)

    def _let_it_land(self, endpoint: Endpoint) -> None:
        """A write that got no answer may still be executing at Spotify, and land after the
        caller has looked for it and sent it again (twice in the end). Give it one more
        request timeout before the caller looks."""
        logger.info("No answer to %s within %g s; waiting as long again before it is "
                    "checked", endpoint, self.timeout)
        self.policy.sleep(self.timeout)

    def let_land_since(self, sent_at: datetime, now: datetime) -> float:
        """A write that a stopped process sent at ``sent_at`` and never heard back from may
        still be executing at Spotify (``kill -9`` leaves the request on the wire): wait until
        one request timeout has passed since it was sent, as :meth:`_let_it_land` does for this
        process's own writes, before the caller looks for it. Returns the seconds waited."""
        wait = self.timeout - (now - sent_at).total_seconds()
        if wait <= 0:
            return 0.0
        wait = min(wait, self.timeout)
        logger.info("The stopped run sent a write %g s ago and got no answer; waiting %g s "
                    "before it is checked", self.timeout - wait, wait)
        self.policy.sleep(wait)
        return wait

    def _status_failure(self, error: failures.ErrorAnswer, endpoint: Endpoint, path: str
                        ) -> Exception:
        logger.debug("%s %s answered %s", endpoint.method, path, error.http_status)
        return failures.from_status(
            error,
            endpoint,
            path,
            account=self.tokens.account,
            max_retry_after=self.policy.max_retry_after,
            rate_limited=lambda seconds, quota: self.policy.rate_limited(seconds, quota),
        )

    def _fresh_token(self) -> str:
        """A valid token to send; a failure to reach the accounts service is retried like any
        transient failure (the API request itself was not sent)."""
        try:
            return self.tokens.access_token()
        except requests.RequestException as error:
            raise Transient(f"{type(error).__name__} while refreshing the token") from None

    def _refresh(self) -> None:
        logger.info("Access token of the %s account refused; refreshing it", self.tokens.account)
        self.tokens.invalidate()

    def _count(self, endpoint: Endpoint) -> None:
        with self._lock:
            self.calls[endpoint.key] += 1

    def counts(self) -> Counter[tuple[str, str]]:
        """A copy of the count so far, safe to read while other threads send."""
        with self._lock:
            return Counter(self.calls)

    def _checked_url(self, url: str) -> str:
        """A paging URL from the server must point back at the API: the token goes with it."""
        if not url.startswith(self.api_url + "/"):
            raise SpotifyError(f"Spotify gave a paging link outside the API: {url}", status=0)
        return url

    def download(self, url: str) -> bytes:
        """GET a public URL (a cover image): retried like a read, sent without the token and
        not counted as an API call."""

        def attempt() -> bytes:
            try:
                response = self.session.get(url, timeout=self.timeout)
            except requests.RequestException as error:
                raise Transient(f"{type(error).__name__} downloading {url}") from None
            if response.status_code >= 500 or response.status_code == 429:
                raise Transient(f"{response.status_code} downloading {url}", response.status_code)
            if response.status_code >= 400:
                raise SpotifyError(
                    f"Downloading {url} failed ({response.status_code})",
                    status=response.status_code,
                )
            return response.content

        return self.policy.run(attempt, on_unauthorized=lambda: None)

