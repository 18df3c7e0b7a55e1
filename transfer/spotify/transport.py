"""The one choke point: every request to the Web API goes through ``Transport.request``.

It waits for a slot under the rate limit (``Pacer``), counts the request, makes sure the access
token is fresh, sends it with spotipy over our own ``requests.Session`` (so no hidden urllib3
retries), and hands failures to the retry policy. Several threads may send through one
transport at once: the count, the pacer and the token source are thread-safe.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

import requests
import spotipy
from spotipy.exceptions import SpotifyException

from transfer.errors import OutcomeUnknown, SpotifyError
from transfer.spotify import failures
from transfer.spotify.endpoints import UPLOAD_COVER, Endpoint
from transfer.spotify.pacing import Pacing
from transfer.spotify.retry import RetryPolicy, Transient

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


class _SpotipyAuth:
    """What spotipy asks for a token: the one ``Transport`` made fresh just before."""

    def __init__(self, tokens: TokenSource) -> None:
        self._tokens = tokens

    def get_access_token(self, as_dict: bool = False) -> str:
        return self._tokens.current_token()


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
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.tokens = tokens
        self.policy = policy
        self.timeout = timeout
        self.session = session or requests.Session()
        self.pacer = pacer
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._spotify = spotipy.Spotify(
            auth_manager=_SpotipyAuth(tokens),
            requests_session=self.session,
            requests_timeout=timeout,
        )
        self._spotify.prefix = self.api_url + "/"

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

        return self.policy.run(attempt, on_unauthorized=self._refresh)

    def _attempt(
        self,
        endpoint: Endpoint,
        path: str,
        target: str,
        params: Mapping[str, Any] | None,
        payload: Any,
        content_type: str | None,
    ) -> Any:
        self._fresh_token()
        arguments = dict(params or {})
        if content_type is not None:
            arguments["content_type"] = content_type
        if self.pacer is not None:
            self.pacer.wait(upload=endpoint.key == UPLOAD_COVER.key)
        self._count(endpoint)
        try:
            return self._spotify._internal_call(endpoint.method, target, payload, arguments)
        except SpotifyException as error:
            raise self._status_failure(error, endpoint, path) from None
        except requests.RequestException as error:
            failure = failures.from_connection(error, endpoint, path)
            if isinstance(failure, OutcomeUnknown) and failure.in_flight:
                self._let_it_land(endpoint)
            raise failure from None

    def _let_it_land(self, endpoint: Endpoint) -> None:
        """A write that got no answer may still be executing at Spotify, and land after the
        caller has looked for it and sent it again (twice in the end). Give it one more
        request timeout before the caller looks."""
        logger.info("No answer to %s within %g s; waiting as long again before it is "
                    "checked", endpoint, self.timeout)
        self.policy.sleep(self.timeout)

    def _status_failure(self, error: SpotifyException, endpoint: Endpoint, path: str) -> Exception:
        logger.debug("%s %s answered %s", endpoint.method, path, error.http_status)
        return failures.from_status(
            error,
            endpoint,
            path,
            account=self.tokens.account,
            max_retry_after=self.policy.max_retry_after,
            rate_limited=lambda seconds, quota: self.policy.rate_limited(seconds, quota),
        )

    def _fresh_token(self) -> None:
        """Get a valid token before sending; a failure to reach the accounts service is retried
        like any transient failure (the API request itself was not sent)."""
        try:
            self.tokens.access_token()
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
