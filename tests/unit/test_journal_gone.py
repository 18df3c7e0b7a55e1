"""A journal file removed or replaced while it is open: SQLite would go on writing to the old
file unseen, so the journal refuses the next write with one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from transfer.journal import Journal, JournalGone


def _write(journal: Journal) -> None:
    journal.keep_latest_fact("marks", 1)  # a write transaction that needs no run


def test_a_removed_journal_refuses_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "journals" / "a__b.sqlite"
    with Journal.open(path) as journal:
        _write(journal)
        for leftover in path.parent.iterdir():
            leftover.unlink()
        with pytest.raises(JournalGone, match="was removed while this run was going on"):
            _write(journal)


def test_a_replaced_journal_refuses_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "a__b.sqlite"
    with Journal.open(path) as journal:
        _write(journal)
        path.unlink()  # the open connection keeps the old file's inode from being reused
        Journal.open(path).close()
        with pytest.raises(JournalGone, match="replaced by another file") as raised:
            _write(journal)
    assert "Run the same command again" in (raised.value.advice or "")

