"""An exclusive lock on a journal while a run is going, held through the operating system so
a killed process releases it at once (no stale lock files to clear by hand)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from transfer.private import open_private

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


PID_WIDTH = 19
"""The lock file holds the id of the process holding it, space-padded to this width."""


class RunLock:
    """A lock file beside the journal. ``acquire`` never waits: it says whether it got it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._stream is not None

    def acquire(self) -> bool:
        if self._stream is not None:
            return True
        # Never through a symbolic link, never truncated: a planted link cannot make the tool
        # empty another file. The process id is written over the start, at a fixed width.
        stream = os.fdopen(open_private(self.path, os.O_RDWR), "r+b")
        try:
            _lock(stream)
        except OSError:
            stream.close()
            return False
        stream.seek(0)
        stream.write(f"{os.getpid():<{PID_WIDTH}}\n".encode())
        stream.flush()
        self._stream = stream
        return True

    def release(self) -> None:
        if self._stream is None:
            return
        stream, self._stream = self._stream, None
        try:
            _unlock(stream)
        finally:
            stream.close()


def _lock(stream: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        stream.seek(0)
        msvcrt.locking(stream.fileno(), msvcrt.LK_NBLCK, 1)


def _unlock(stream: IO[bytes]) -> None:
    if fcntl is not None:
        fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
    else:  # pragma: no cover - Windows
        stream.seek(0)
        msvcrt.locking(stream.fileno(), msvcrt.LK_UNLCK, 1)
