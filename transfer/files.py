"""Writing the tool's files: whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from transfer.errors import DiskFull, TransferError, is_disk_full
from transfer.private import private_folder


def write_atomically(path: Path, data: bytes, what: str = "file") -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``: no
    half-written file is ever left at ``path``. ``what`` names the file in the error. The file
    is 0600 (``mkstemp``); folders made for it are 0700."""
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
