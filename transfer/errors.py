"""One exception tree for the whole tool.

Every error a user can meet is one of these, with structured fields. The CLI maps each to an
exit code and a line of advice in one place (``transfer.cli``); nothing else prints errors.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum


class ExitStatus(IntEnum):
    """The exit-code contract of ``../shared/PRODUCT.md``."""

    OK = 0
    ERROR = 1
    USAGE = 2
    BUSY = 73
    """Another run between the same accounts holds the lock (a sync started while one runs)."""
    PAUSED = 75
    INTERRUPTED = 130


class TransferError(Exception):
    """Base of every error the tool raises on purpose. ``advice`` says what to do."""

    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, advice: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.advice = advice

    def __str__(self) -> str:
        return self.message


class ConfigError(TransferError):
    """A setting is missing or wrong, or a command was used wrongly."""

    exit_status = ExitStatus.USAGE


class InputError(TransferError):
    """A file the user gave (snapshot, config) is unreadable, corrupt or of a newer version."""

    exit_status = ExitStatus.USAGE


class AuthError(TransferError):
    """An account cannot be used: not logged in, refresh token revoked or expired, scope missing."""

    def __init__(self, message: str, account: str, advice: str | None = None) -> None:
        super().__init__(message, advice)
        self.account = account


class MissingScope(AuthError):
    """Spotify refused a request for want of a scope (403)."""


class AccountMixup(TransferError):
    """Source and target are the same Spotify user, or a token belongs to the other account."""

    exit_status = ExitStatus.USAGE


class SpotifyError(TransferError):
    """Spotify answered with an error we do not retry (4xx other than 401/403/429)."""

    def __init__(
        self, message: str, status: int, reason: str | None = None, advice: str | None = None
    ) -> None:
        super().__init__(message, advice)
        self.status = status
        self.reason = reason


class Forbidden(SpotifyError):
    """403: the resource exists but this user may not read or change it."""


class NotFound(SpotifyError):
    """404."""


class ServerError(SpotifyError):
    """5xx or a dropped connection that retries did not get past."""


class RateLimited(TransferError):
    """Spotify asked to wait longer than the configured maximum, or the quota is spent.

    ``resume_at`` is when the work may go on; the run checkpoints and exits 75.
    """

    exit_status = ExitStatus.PAUSED

    def __init__(
        self, message: str, retry_after: float, resume_at: datetime, quota: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.resume_at = resume_at
        self.quota = quota


class OutcomeUnknown(TransferError):
    """A write that is not safe to repeat was sent and its answer was lost (5xx after send,
    dropped connection, timeout). The caller must check the target before sending it again.

    ``in_flight``: no answer of any kind came back (a timeout, a connection lost after
    sending), so Spotify may still be executing the request; the adapter has waited a while
    before raising this, so that a check of the target sees a request that lands late.
    """

    def __init__(self, message: str, method: str, path: str, in_flight: bool = False) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.in_flight = in_flight


class StalePlan(TransferError):
    """Another run changed the target after this plan was read: applying the plan could do
    again what that run did. Nothing was sent; plan again."""


class Differs(TransferError):
    """``verify`` found the target lacking or holding otherwise something that can move."""


class JournalError(TransferError):
    """The journal database is corrupt, of a newer schema, or cannot be written."""


class Interrupted(TransferError):
    """The user pressed Ctrl-C; state was saved."""

    exit_status = ExitStatus.INTERRUPTED
