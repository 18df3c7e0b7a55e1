"""One exception tree for the whole tool.

Every error a user can meet is one of these, with structured fields. The CLI maps each to an
exit code and a line of advice in one place (``transfer.cli``); nothing else prints errors.
"""

from __future__ import annotations

import errno
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


EXIT_MEANINGS: dict[ExitStatus, str] = {
    ExitStatus.OK: "done",
    ExitStatus.ERROR: "error",
    ExitStatus.USAGE: "usage or settings error",
    ExitStatus.BUSY: "another run of the same two accounts is going on (nothing was done)",
    ExitStatus.PAUSED: "paused: Spotify asked to wait (run it again after the time shown)",
    ExitStatus.INTERRUPTED: "interrupted (state saved: run it again to resume)",
}
"""What each exit code means, as every command's --help says it (the README's table says
the same at more length)."""


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


class NotRegistered(AuthError):
    """Spotify refused every request of an account the app's dashboard does not list (403: a
    Development-Mode app lets in only the users added under User Management)."""


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


DISK_FULL_ADVICE = (
    "Free some space (or set SPOTIFY_TRANSFER_HOME to a folder on another disk) and run the "
    "same command again: what was done before is recorded, and nothing is done twice."
)


class DiskFull(TransferError):
    """A file could not be written for want of space (ENOSPC, a disk quota). The file being
    written is left as it was; what the journal recorded before stays."""

    def __init__(self, message: str, advice: str | None = DISK_FULL_ADVICE) -> None:
        super().__init__(message, advice)


def is_disk_full(error: OSError) -> bool:
    """Whether ``error`` says the disk or the user's quota is full."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


class Differs(TransferError):
    """``verify`` found the target lacking or holding otherwise something that can move."""


class JournalError(TransferError):
    """The journal database is corrupt, of a newer schema, or cannot be written."""


class Interrupted(TransferError):
    """The user pressed Ctrl-C; state was saved."""

    exit_status = ExitStatus.INTERRUPTED


class Declined(TransferError):
    """A run asked before spending more calls than planned and was told no. Nothing is lost:
    running the same command again asks again."""
