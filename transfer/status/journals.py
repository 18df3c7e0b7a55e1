"""The journals under ``SPOTIFY_TRANSFER_HOME``: one file per source -> target pair, named
``<source>__<target>.sqlite`` with characters unsafe in file names written as ``%XX``.

The pair's ids are read back from the name, so a journal too damaged to open can still be
named in ``status``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from transfer.journal import journal_path

_ESCAPED = re.compile(r"%([0-9A-F]{2})")
SEPARATOR = "__"


@dataclass(frozen=True)
class JournalFile:
    path: Path
    source_id: str
    target_id: str


def journals_folder(home: Path) -> Path:
    return journal_path(home, "source", "target").parent


def find_journals(home: Path) -> list[JournalFile]:
    """Every journal under ``home``, by file name."""
    folder = journals_folder(home)
    if not folder.is_dir():
        return []
    found = (_journal_file(path) for path in sorted(folder.glob("*.sqlite")))
    return [journal for journal in found if journal is not None]


def journals_into(home: Path, target_id: str) -> list[JournalFile]:
    """The journals of transfers into the account ``target_id``."""
    return [journal for journal in find_journals(home) if journal.target_id == target_id]


def _journal_file(path: Path) -> JournalFile | None:
    source, separator, target = path.stem.partition(SEPARATOR)
    if not separator:
        return None
    return JournalFile(path, _unescape(source), _unescape(target))


def _unescape(name: str) -> str:
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), name)
