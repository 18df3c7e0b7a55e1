"""Finding the journals of ``status`` and ``undo`` by file name, ids read back from it."""

from __future__ import annotations

from pathlib import Path

from transfer.journal import journal_path
from transfer.status.journals import find_journals, journals_into


def test_pairs_are_read_back_from_journal_names_even_with_unsafe_characters(
    tmp_path: Path,
) -> None:
    pairs = [("alex.old", "alex.new"), ("a/b c", "alex.new"), ("x_y", "z:w")]
    for source, target in pairs:
        path = journal_path(tmp_path, source, target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    (tmp_path / "journals" / "stray.sqlite").write_bytes(b"")
    (tmp_path / "journals" / "alex.old__alex.new.sqlite.lock").write_bytes(b"")
    found = {(journal.source_id, journal.target_id) for journal in find_journals(tmp_path)}
    assert found == set(pairs)
    into = journals_into(tmp_path, "alex.new")
    assert sorted(journal.source_id for journal in into) == ["a/b c", "alex.old"]
    assert all(journal.path == journal_path(tmp_path, journal.source_id, journal.target_id)
               for journal in into)


def test_no_journal_folder_is_no_journal(tmp_path: Path) -> None:
    assert find_journals(tmp_path / "nowhere") == []
