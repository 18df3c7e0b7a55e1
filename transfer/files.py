"""Writing the tool's files: whole or not at all, and only over a regular file."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from transfer.errors import ConfigError, DiskFull, TransferError, is_disk_full
from transfer.private import private_folder

_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"))


def check_replaceable(path: Path, what: str = "file") -> None:
    """Refuse (``ConfigError``) a ``path`` that is there and is not a regular file: a write
    renames a new file over it, which would replace a device, a FIFO or a symbolic link (and
    not what the link points to). A link is never followed."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return  # missing, or its folder is at fault: the write says so
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise ConfigError(
        f"The {what} {path} is {kind}, not a regular file: it is left as it is.",
        advice="Give the path of a regular file or of a new one (a symbolic link is not "
               "followed: give the file it points to).",
    )


def write_atomically(path: Path, data: bytes, what: str = "file") -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``: no
    half-written file is ever left at ``path``. ``what`` names the file in the error. The file
    is 0600 (``mkstemp``); folders made for it are 0700. Only a regular file is replaced
    (:func:`check_replaceable`)."""
    check_replaceable(path, what)
    try:
        private_folder(path.parent)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                                 suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        if is_disk_full(error):
            raise DiskFull(f"Disk full: cannot write the {what} {path}.") from None
        raise TransferError(
            f"Cannot write the {what} {path}: {error.strerror}",
            advice="Check that SPOTIFY_TRANSFER_HOME points at a folder you can write.",
        ) from None
