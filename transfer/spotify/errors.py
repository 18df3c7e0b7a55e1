"""Errors only the adapter raises, beyond the shared tree of ``transfer.errors``."""

from __future__ import annotations

from transfer.errors import Forbidden, TransferError


class DatesNotSupported(Forbidden):
    """``PUT /me/tracks`` with ``timestamped_ids`` was refused: a Development-Mode app cannot set
    the dates of Liked Songs. The engine falls back to saving oldest first, with a warning."""


class CoverTooLarge(TransferError):
    """A cover image is larger than Spotify accepts (256 KB of base64)."""

    def __init__(self, message: str, size: int) -> None:
        super().__init__(message)
        self.size = size
