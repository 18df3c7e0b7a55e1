"""The SQLite connection under the journal: opening with checks, explicit transactions, and
every SQLite failure turned into a ``JournalError`` that says what to do.

SQLite goes on writing to a database file that was deleted or replaced under it (the state
folder removed while a run goes on), so what it records would be lost without a word: each
write transaction first checks that the file is still the one opened (``JournalGone``)."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from transfer.errors import DISK_FULL_ADVICE, ExitStatus, JournalError
from transfer.journal.schema import SCHEMA_VERSION, migrate, read_version
from transfer.private import open_private, private_folder

log = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_S = 10.0
_SQLITE_HEADER = b"SQLite format 3\x00"

DAMAGED_ADVICE = (
    "The journal records what was already moved and which playlists this tool created. "
    "Restore it from a backup if you have one. Otherwise move it aside and run again: saved "
    "items are never doubled and the copies already in the target are adopted, not made "
    "again; `undo` then reaches those copies but not the saves the old journal recorded."
)
UNWRITABLE_ADVICE = (
    "Check the folder's permissions and free space, or set SPOTIFY_TRANSFER_HOME to a folder "
    "you can write."
)


GONE_ADVICE = (
    "Run the same command again: the copies already in the target are adopted, not made "
    "twice, and saved items are never doubled."
)

FileIdentity = tuple[int, int]


class JournalBusy(JournalError):
    """Another run holds this journal (another process, or the database stayed locked)."""

    exit_status = ExitStatus.BUSY


class JournalGone(JournalError):
    """The journal file was deleted or replaced while it was open."""


class Database:
    """One connection in autocommit mode; ``transaction()`` makes explicit transactions."""

    def __init__(self, connection: sqlite3.Connection, label: str,
                 identity: FileIdentity | None = None) -> None:
        self.connection = connection
        self.label = label
        self.identity = identity
        """The file's device and inode once opened; None in memory."""

    @classmethod
    def open(cls, path: Path | str) -> Database:
        label = str(path)
        if label != MEMORY:
            _prepare(Path(path))
        with translated_errors(label):
            connection = sqlite3.connect(
                label, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        database = cls(connection, label)
        try:
            database._configure(check=label != MEMORY)
            if label != MEMORY:
                database.identity = file_identity(Path(path))
            database._bring_up_to_date()
        except BaseException:
            connection.close()
            raise
        return database

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once (``BEGIN IMMEDIATE``) so it never deadlocks;
        refused when the file is no longer the one opened (:meth:`check_still_there`)."""
        self.check_still_there()
        with translated_errors(self.label):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                # SQLite has already rolled back after some errors (SQLITE_FULL): a ROLLBACK
                # then would fail and hide the error that matters.
                if self.connection.in_transaction:
                    self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def check_still_there(self) -> None:
        """Raise ``JournalGone`` when the journal file was deleted or replaced since it was
        opened: whatever is written from then on would be lost."""
        if self.identity is None:
            return
        now = file_identity(Path(self.label))
        if now != self.identity:
            how = "removed" if now is None else "replaced by another file"
            raise JournalGone(
                f"The journal {self.label} was {how} while this run was going on (the state "
                "folder deleted?): what the run did from then on is not recorded.",
                GONE_ADVICE,
            )

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with translated_errors(self.label):
            yield self.connection

    def _configure(self, check: bool) -> None:
        with translated_errors(self.label):
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.execute("PRAGMA synchronous = FULL")
            if check:
                mode = self.connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    log.warning("journal %s: WAL refused, using %s", self.label, mode)
                self._check_integrity()

    def _check_integrity(self) -> None:
        problems = [row[0] for row in self.connection.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise JournalError(
                f"The journal {self.label} is damaged: {'; '.join(problems)}.", DAMAGED_ADVICE
            )

    def _bring_up_to_date(self) -> None:
        with self.transaction() as connection:
            version = read_version(connection)
            if version is None:
                raise JournalError(
                    f"{self.label} is not a spotify-transfer journal.",
                    "Point SPOTIFY_TRANSFER_HOME at the tool's own folder, or move the file away.",
                )
            if version > SCHEMA_VERSION:
                raise JournalError(
                    f"The journal {self.label} was written by a newer spotify-transfer "
                    f"(schema {version}; this version knows up to {SCHEMA_VERSION}).",
                    "Upgrade spotify-transfer to use this journal.",
                )
            if version < SCHEMA_VERSION:
                log.info("journal %s: migrating schema %d -> %d", self.label, version,
                         SCHEMA_VERSION)
                migrate(connection, version)


def file_identity(path: Path) -> FileIdentity | None:
    """A file's device and inode; None when it does not exist."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _prepare(path: Path) -> None:
    """Make the folder (0700) and the file (0600, not through a symbolic link), and refuse at
    once a file that is not SQLite at all."""
    try:
        private_folder(path.parent)
    except OSError as error:
        raise JournalError(
            f"The journal folder {path.parent} cannot be created: {error.strerror}.",
            UNWRITABLE_ADVICE,
        ) from None
    try:
        # Made 0600 before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
        with os.fdopen(open_private(path, os.O_RDONLY), "rb") as stream:
            header = stream.read(len(_SQLITE_HEADER))
    except OSError as error:
        raise JournalError(
            f"The journal {path} cannot be read: {error.strerror}.", UNWRITABLE_ADVICE
        ) from None
    if header and header != _SQLITE_HEADER:
        raise JournalError(f"The journal {path} is damaged: not a SQLite database.",
                           DAMAGED_ADVICE)


@contextmanager
def translated_errors(label: str) -> Iterator[None]:
    """Turn SQLite's exceptions into ``JournalError`` with advice."""
    try:
        yield
    except sqlite3.Error as error:
        raise journal_error(label, error) from error


def journal_error(label: str, error: sqlite3.Error) -> JournalError:
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(error):
        return JournalError(f"The journal {label} is damaged: {error}.", DAMAGED_ADVICE)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return JournalBusy(
            f"Another spotify-transfer run is using the journal {label} (it is locked).",
            "Wait for the other spotify-transfer run to finish, then try again.",
        )
    if name.startswith("SQLITE_FULL"):
        return JournalError(f"Disk full: the journal {label} cannot be written.",
                            DISK_FULL_ADVICE)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR")):
        return JournalError(f"The journal {label} cannot be written: {error}.",
                            UNWRITABLE_ADVICE)
    return JournalError(f"The journal {label} failed: {error}.", DAMAGED_ADVICE)
