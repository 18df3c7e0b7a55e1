"""The sync's log file: ``$SPOTIFY_TRANSFER_HOME/logs/sync.log``, kept a few megabytes long.

A scheduled job has no terminal: what it did and why it stopped must be findable afterwards.
Every sync appends its INFO lines there (the console keeps its own level), and its one-line
summary.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import RotatingFileHandler
from pathlib import Path

from transfer.errors import ConfigError, is_disk_full
from transfer.private import open_private, private_folder
from transfer.render.safe import SafeFormatter

LOG_FILE = "sync.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger(__name__)


class PrivateLogHandler(RotatingFileHandler):
    """The log file opened 0600 and never through a symbolic link (rotation renames it, so the
    older files keep the mode)."""

    failed: OSError | None = None
    """Why a line could not be written; the file then gets no more lines this run."""

    def _open(self) -> io.TextIOWrapper:
        descriptor = open_private(self.baseFilename, os.O_WRONLY | os.O_APPEND)
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:
        """A line that cannot be written (a full disk) stops the file, with one warning on the
        console instead of logging's traceback; the run goes on."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
            return
        self._stop(error)

    def close(self) -> None:
        try:
            super().close()
        except OSError as error:  # the last lines, flushed on closing
            if self.failed is None:
                self._stop(error)

    def _stop(self, error: OSError) -> None:
        self.failed = error
        what = "disk full" if is_disk_full(error) else error.strerror
        log.warning("The log file %s cannot be written (%s): it gets no more lines this run.",
                    self.baseFilename, what)


def log_path(home: Path) -> Path:
    return home / "logs" / LOG_FILE


@contextmanager
def logging_to_file(home: Path) -> Iterator[Path]:
    """Log INFO and above to the sync's log file while the block runs; the console handlers
    keep the level they had."""
    path = log_path(home)
    try:
        private_folder(path.parent)
        handler = PrivateLogHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                    encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"The log file {path} cannot be written: {error.strerror}.",
            advice="Set SPOTIFY_TRANSFER_HOME to a folder you can write.",
        ) from None
    handler.setLevel(logging.INFO)
    handler.setFormatter(SafeFormatter(FORMAT))
    root = logging.getLogger()
    level = root.level
    pinned = [console for console in root.handlers if console.level == logging.NOTSET]
    for console in pinned:
        console.setLevel(level)
    root.addHandler(handler)
    root.setLevel(min(level, logging.INFO) if level else logging.INFO)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)
        for console in pinned:
            console.setLevel(logging.NOTSET)
