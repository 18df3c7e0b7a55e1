"""The state folder is private: it holds log-ins, the library's contents and what was done.

- Folders the tool makes are 0700 and files 0600 whatever the umask (the mode is set after
  creating, not left to the umask).
- A state folder that belongs to another user is refused: its owner could read or replace
  everything in it.
- The files the tool opens in place (the run lock, the log file, the journal) are opened
  without following a symbolic link, so a link planted in the folder cannot make the tool
  write through it to another file; lock files are never truncated.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from transfer.errors import ConfigError

FOLDER_MODE = 0o700
FILE_MODE = 0o600
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
STATE_ADVICE = "Set SPOTIFY_TRANSFER_HOME to a folder of your own."


def private_folder(folder: Path) -> Path:
    """``folder`` and the folders missing above it, each made 0700 as it is created; folders
    that already exist are left as they are. Raises ``OSError``."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another process
            path.mkdir(mode=FOLDER_MODE)
            os.chmod(path, FOLDER_MODE)
    return folder


def open_private(path: Path | str, flags: int) -> int:
    """A descriptor of ``path`` opened with ``flags`` plus create, never through a symbolic
    link, made 0600 when it is ours and is not already. Raises ``OSError`` (``ELOOP`` for a
    link)."""
    try:
        descriptor = os.open(path, flags | os.O_CREAT | NOFOLLOW, FILE_MODE)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "it is a symbolic link, which is never followed; "
                          "remove it", str(path)) from None
        raise
    try:
        status = os.fstat(descriptor)
        if stat.S_IMODE(status.st_mode) != FILE_MODE and owned_by_user(status) \
                and hasattr(os, "fchmod"):
            os.fchmod(descriptor, FILE_MODE)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def check_state_folder(home: Path) -> None:
    """Refuse a state folder (or a folder in it) that belongs to another user."""
    for path in (home, *_children(home)):
        try:
            status = path.lstat()
        except OSError:
            continue
        if not owned_by_user(status):
            what = "The state folder" if path == home else "The folder"
            raise ConfigError(
                f"{what} {path} belongs to another user (uid {status.st_uid}): "
                "it is not used, as its owner could read or change your log-ins and journals.",
                advice=STATE_ADVICE,
            )


def _children(home: Path) -> list[Path]:
    try:
        return [path for path in home.iterdir() if path.is_dir()]
    except OSError:
        return []


def owned_by_user(status: os.stat_result) -> bool:
    """Whether the file of ``status`` belongs to the user running the tool."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or status.st_uid == getuid()
