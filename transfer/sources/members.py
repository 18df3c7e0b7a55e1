"""The files a source path holds: one file, the files of a folder, or the files of a zip.

Each is a ``Member`` with a name to show (``Playlist1.json``, ``exports/mix.csv``) and its
bytes. Folders and zips are read in name order (numbers by value: ``Playlist2`` before
``Playlist10``); hidden files and macOS resource forks are left
out. A zip is read with limits, so a damaged or hostile one cannot fill the memory.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from transfer.errors import InputError

MAX_MEMBER_BYTES = 200 * 1024 * 1024
"""Largest single file read from a source (a data download's biggest file is a few MB)."""
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MEMBERS = 10_000


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


def members(path: Path) -> Iterator[Member]:
    """The files ``path`` holds; ``InputError`` when it cannot be read."""
    if path.is_dir():
        yield from _folder(path)
    elif not path.exists():
        raise InputError(f"The file {path} does not exist.")
    elif zipfile.is_zipfile(path):
        yield from _zip(path)
    else:
        yield Member(path.name, _read(path))


def natural(name: str) -> list[object]:
    """A sort key that puts ``Playlist2.json`` before ``Playlist10.json``."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", name)]


def _hidden(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _folder(folder: Path) -> Iterator[Member]:
    files = sorted((p for p in folder.rglob("*") if p.is_file()
                    and not _hidden(p.relative_to(folder).parts)),
                   key=lambda p: natural(p.relative_to(folder).as_posix()))
    for count, file in enumerate(files):
        if count >= MAX_MEMBERS:
            raise InputError(f"The folder {folder} holds more than {MAX_MEMBERS} files.",
                             advice="Point --from-file at the export's own folder.")
        relative = file.relative_to(folder).as_posix()
        if zipfile.is_zipfile(file):
            continue
        yield Member(relative, _read(file))


def _read(file: Path) -> bytes:
    try:
        size = file.stat().st_size
        if size > MAX_MEMBER_BYTES:
            raise InputError(f"The file {file} is too large to be a library export "
                             f"({size // (1024 * 1024)} MB).")
        return file.read_bytes()
    except OSError as error:
        raise InputError(f"The file {file} cannot be read: {error.strerror}") from None


def _zip(path: Path) -> Iterator[Member]:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = sorted((info for info in archive.infolist() if not info.is_dir()
                            and not _hidden(PurePosixPath(info.filename).parts)),
                           key=lambda info: natural(info.filename))
            if len(infos) > MAX_MEMBERS:
                raise InputError(f"The zip {path} holds more than {MAX_MEMBERS} files.")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    raise InputError(f"The zip {path} is too large to be a library export "
                                     f"({info.filename} unpacks to {info.file_size} bytes).")
                yield Member(info.filename, archive.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
            zlib.error) as error:
        raise InputError(f"The zip {path} is damaged or cannot be read ({error}).",
                         advice="Download it again, or unpack it and give the folder.") from None
    except OSError as error:
        raise InputError(f"The zip {path} cannot be read: {error.strerror}") from None
