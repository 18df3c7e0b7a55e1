"""Which pair of accounts the app works on: the connected source (or the uploaded file) and
the connected target, and that pair's journal (the CLI's, at the same path)."""

from __future__ import annotations

from pathlib import Path

from transfer.app.state import AppState
from transfer.journal import Journal, journal_path
from transfer.plan.selection import Selection, load_selection
from transfer.sources import SourceFile, read_source

_read: dict[tuple[Path, int], SourceFile] = {}


def source_file_read(state: AppState) -> SourceFile | None:
    """The uploaded source file, read (once per file and change)."""
    path = state.source_file
    if path is None:
        return None
    key = (path, path.stat().st_mtime_ns)
    if key not in _read:
        _read[key] = read_source(path)
    return _read[key]


def pair_ids(state: AppState) -> tuple[str, str] | None:
    """The source and target user ids, when both are known."""
    logins = state.logins()
    source = source_file_read(state)
    source_id = source.library.account.id if source is not None else (
        logins["source"].user_id if logins["source"] else None)
    target_id = logins["target"].user_id if logins["target"] else None
    if not source_id or not target_id:
        return None
    return source_id, target_id


def pair_journal(state: AppState) -> Path | None:
    """The pair's journal file, when the pair is known and has one."""
    ids = pair_ids(state)
    if ids is None:
        return None
    path = journal_path(state.settings().home, *ids)
    return path if path.exists() else None


def current_selection(state: AppState) -> Selection:
    """The selection chosen on this launch, else the one kept for the pair, else none."""
    if state.chosen is not None:
        return state.chosen
    path = pair_journal(state)
    if path is None:
        return Selection()
    with Journal.open(path) as journal:
        return load_selection(journal)
