"""What a failed attempt means: a final error, or a failure worth another attempt.

The rule for writes: a 429 was not applied, so it is always retried. A 5xx, a timeout or a
dropped connection may have been applied; an endpoint that is not safe to send twice (adding
playlist items, creating a playlist) then raises ``OutcomeUnknown`` for the caller to reconcile,
unless the connection was never made (nothing was sent).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests
import urllib3.exceptions

from transfer.errors import (
    Forbidden,
    MissingScope,
    NotFound,
    NotRegistered,
    OutcomeUnknown,
    RateLimited,
    SpotifyError,
    TransferError,
)
from transfer.spotify.endpoints import SAVE_TRACKS_TIMESTAMPED, Endpoint
from transfer.spotify.errors import DatesNotSupported
from transfer.spotify.retry import Throttled, Transient, Unauthorized

QUOTA_REASON = "QUOTA_EXCEEDED"
SCOPE_MESSAGE = "insufficient client scope"
NOT_REGISTERED = re.compile(r"\bnot\s+(?:be\s+)?registered\b", re.IGNORECASE)
"""Spotify's 403 for a user the app's dashboard does not list, in each wording met: "User not
registered in the Developer Dashboard", "the user may not be registered", "Check settings on
developer.spotify.com/dashboard, the user may not be registered."."""
DASHBOARD = "https://developer.spotify.com/dashboard"

RateLimitedFactory = Callable[[float, bool], RateLimited]


@dataclass(frozen=True)
class ErrorAnswer:
    """An HTTP error answer as Spotify sent it: the status, the ``error`` object's message and
    reason when the body is Spotify's JSON error (else the body's text), and the headers."""

    http_status: int
    message: str | None = None
    reason: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, response: requests.Response) -> ErrorAnswer:
        message: str | None
        reason: str | None = None
        try:
            body = response.json()
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            message, reason = _text(error.get("message")), _text(error.get("reason"))
        elif isinstance(error, str):  # the accounts service's form: {"error": "invalid_grant"}
            message = _text(body.get("error_description")) if isinstance(body, dict) else None
            message = message or error
        else:
            message = response.text.strip()[:500] or None
        return cls(response.status_code, message, reason, dict(response.headers))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def from_status(
    error: ErrorAnswer,
    endpoint: Endpoint,
    path: str,
    account: str,
    max_retry_after: float,
    rate_limited: RateLimitedFactory,
) -> Exception:
    """The exception to raise for an HTTP error answer."""
    status = int(error.http_status)
    message = _message(error)
    if status == 429:
        retry_after = _retry_after(error)
        if error.reason == QUOTA_REASON:
            return rate_limited(retry_after if retry_after is not None else 3600.0, True)
        if retry_after is not None and retry_after > max_retry_after:
            return rate_limited(retry_after, False)
        return Throttled(retry_after)
    if status == 401:
        return Unauthorized(account)
    if status >= 500:
        if endpoint.idempotent:
            return Transient(f"{status} from {endpoint}", status)
        return unknown(endpoint, path, f"Spotify answered {status}")
    return _client_error(status, message, error.reason, endpoint, account)


def from_connection(error: requests.RequestException, endpoint: Endpoint, path: str) -> Exception:
    """The exception to raise when no HTTP answer came back."""
    description = f"{type(error).__name__} on {endpoint}"
    if never_sent(error) or endpoint.idempotent:
        return Transient(description)
    return unknown(endpoint, path, "the connection failed before an answer came",
                    in_flight=True)


def never_sent(error: requests.RequestException) -> bool:
    """Whether the request surely did not reach the server (the connection was never made)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(error, requests.exceptions.ConnectionError) or not error.args:
        return False
    cause = error.args[0]
    if isinstance(cause, urllib3.exceptions.MaxRetryError):
        cause = cause.reason
    return isinstance(cause, urllib3.exceptions.NewConnectionError | ConnectionRefusedError)


def unknown(endpoint: Endpoint, path: str, what: str, in_flight: bool = False
             ) -> OutcomeUnknown:
    return OutcomeUnknown(
        f"{endpoint.method} {path}: {what}; it may or may not have been applied.",
        method=endpoint.method,
        path=path,
        in_flight=in_flight,
    )


def _client_error(
    status: int, message: str, reason: str | None, endpoint: Endpoint, account: str
) -> TransferError:
    text = f"Spotify refused {endpoint} for the {account} account ({status}: {message})"
    if status == 403 and SCOPE_MESSAGE in message.lower():
        return MissingScope(
            f"The log-in of the {account} account lacks a permission {endpoint} needs "
            f"({', '.join(endpoint.scopes) or 'unknown scope'}).",
            account=account,
            advice=f"Run `spotify-transfer login {account}` to grant every permission.",
        )
    if status == 403 and NOT_REGISTERED.search(message):
        return NotRegistered(
            f"Spotify refused the {account} account: the app does not list it as one of its "
            f"users ({status}: {message}).",
            account=account,
            advice=f"Add the e-mail address the {account} account signs in with under User "
                   f"Management of your app at {DASHBOARD}, then run the command again.",
        )
    if status == 403 and endpoint == SAVE_TRACKS_TIMESTAMPED:
        return DatesNotSupported(
            "Spotify refused to set the dates of Liked Songs (an Extended-Quota app is needed).",
            status=status,
            reason=reason,
        )
    if status == 403:
        return Forbidden(text, status=status, reason=reason)
    if status == 404:
        return NotFound(text, status=status, reason=reason)
    return SpotifyError(text, status=status, reason=reason)


def _message(error: ErrorAnswer) -> str:
    return (error.message or "").strip() or "no message"


def _retry_after(error: ErrorAnswer) -> float | None:
    """``Retry-After`` in seconds: a number of seconds or an HTTP date (RFC 9110); None when
    absent or not a finite, non-negative time (a hostile or broken header is not obeyed)."""
    value = next((value for name, value in error.headers.items()
                  if name.lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = max(0.0, (when - datetime.now(UTC)).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
