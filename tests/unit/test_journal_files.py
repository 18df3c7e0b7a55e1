"""The journal on disk: damaged, foreign, newer or unwritable files are clear errors, never
silently ignored or recreated; two processes never run on one journal at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.unit.plan_support import library, owned, saved, tracks
from transfer.errors import JournalError, StalePlan
from transfer.journal import Journal, JournalBusy, Outcome, RunKind, RunState, journal_path
from transfer.journal import database as database_module
from transfer.journal import schema as schema_module
from transfer.plan import diff

SOURCE = library(playlists=(owned("p1", tracks("t", 30)),), liked_songs=saved(*tracks("l", 90)))
TARGET = library("alex.new")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return journal_path(tmp_path, "alex.old", "alex.new")


def _filled(path: Path, runs: int = 1) -> None:
    with Journal.open(path) as journal:
        for _ in range(runs):
            run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
            journal.finish_run(run_id, RunState.DONE)


def test_garbage_is_refused_and_left_in_place(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(JournalError, match="damaged") as caught:
        Journal.open(path)
    assert caught.value.advice and "backup" in caught.value.advice
    assert path.read_bytes().startswith(b"this is not"), "never recreated"


def test_a_truncated_journal_is_refused(path: Path) -> None:
    _filled(path, runs=30)
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(JournalError, match="damaged"), Journal.open(path) as journal:
        journal.runs()  # some damage only shows when the pages are read


def test_a_journal_with_a_damaged_page_is_refused(path: Path) -> None:
    _filled(path, runs=30)
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 3 * page + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    with pytest.raises(JournalError, match="damaged"), Journal.open(path) as journal:
        journal.runs()


def test_a_journal_of_a_newer_schema_is_refused(path: Path) -> None:
    _filled(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(JournalError, match="newer") as caught:
        Journal.open(path)
    assert caught.value.advice and "Upgrade" in caught.value.advice


def test_another_sqlite_database_is_not_taken_for_a_journal(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE photos (id INTEGER)")
    with pytest.raises(JournalError, match="not a spotify-transfer journal"):
        Journal.open(path)


def test_a_folder_that_cannot_be_made_is_an_error_with_advice(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.write_text("a file where the state folder should be")
    with pytest.raises(JournalError, match="cannot be created") as caught:
        Journal.open(journal_path(home, "a", "b"))
    assert caught.value.advice and "SPOTIFY_TRANSFER_HOME" in caught.value.advice


def test_a_journal_path_that_is_a_folder_is_an_error(path: Path) -> None:
    path.mkdir(parents=True)
    with pytest.raises(JournalError):
        Journal.open(path)


def test_a_failed_migration_changes_nothing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(path)
    current = schema_module.SCHEMA_VERSION
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(database_module, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(schema_module.MIGRATIONS, current,
                        "CREATE TABLE extra (x INTEGER); INSERT INTO missing VALUES (1)")
    with pytest.raises(JournalError):
        Journal.open(path)
    monkeypatch.undo()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM schema_version").fetchone() == (current,)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in tables
    with Journal.open(path) as journal:
        assert len(journal.runs()) == 1


def test_two_handles_read_together_but_only_one_runs(path: Path) -> None:
    with Journal.open(path) as first, Journal.open(path) as second:
        run_id = first.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
        assert second.run(run_id).state is RunState.RUNNING
        assert second.in_progress_elsewhere() and not first.in_progress_elsewhere()
        with pytest.raises(JournalBusy, match="Another"):
            second.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
        first.mark_sent(run_id, first.actions(run_id)[0].key)
        assert second.actions(run_id)[0].outcome is Outcome.SENT
        first.finish_run(run_id, RunState.DONE)
        assert not second.in_progress_elsewhere()
        second.finish_run(second.begin_run(RunKind.SYNC, diff(SOURCE, TARGET)), RunState.DONE)


def test_a_plan_read_before_another_run_began_is_refused_and_frees_the_lock(path: Path
                                                                           ) -> None:
    """Two processes: the second read the accounts (or waited for its confirmation) while the
    first ran; its plan may redo what the first did."""
    with Journal.open(path) as first, Journal.open(path) as second:
        planned_after = second.latest_run_id()
        assert planned_after == 0
        first.finish_run(first.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET)), RunState.DONE)
        with pytest.raises(StalePlan, match="Run 1 began after this plan was read"):
            second.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET), planned_after=planned_after)
        assert len(second.runs()) == 1 and not second.in_progress_elsewhere()
        assert not first.in_progress_elsewhere(), "the refused handle let go of the lock"
        run_id = second.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET), planned_after=1)
        assert second.latest_run_id() == run_id == 2


_HOLDER = """
import sys
from transfer.journal import Journal, RunKind
from tests.unit.test_journal_files import SOURCE, TARGET
from transfer.plan import diff
journal = Journal.open(sys.argv[1])
run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
journal.mark_sent(run_id, journal.actions(run_id)[0].key)
print(run_id, flush=True)
sys.stdin.read()
"""


def test_a_run_killed_outright_frees_the_journal_and_can_be_resumed(path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_HOLDER), str(path)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None
        run_id = int(holder.stdout.readline())
        with Journal.open(path) as journal:
            assert journal.in_progress_elsewhere()
            with pytest.raises(JournalBusy):
                journal.resume_run(run_id)
            holder.kill()
            holder.wait(timeout=10)
            assert not journal.in_progress_elsewhere()
            unfinished = journal.unfinished_run()
            assert unfinished is not None and unfinished.id == run_id
            journal.resume_run(run_id)
            assert journal.actions(run_id)[0].outcome is Outcome.UNKNOWN
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_an_empty_file_holds_nothing_and_becomes_a_journal(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.touch()
    with Journal.open(path) as journal:
        assert journal.runs() == []


def test_a_version_1_journal_is_brought_to_version_2_keeping_its_runs(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 2 adds what runs learnt of Spotify (the order within one save); a journal
    written by a tool that knew only version 1 opens with its runs and nothing learnt yet."""
    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", 1)
    monkeypatch.setattr(database_module, "SCHEMA_VERSION", 1)
    _filled(path)
    monkeypatch.undo()
    with Journal.open(path) as journal:
        assert len(journal.runs()) == 1
        assert journal.learnt("library_order") is None
        run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
        journal.rearrange(run_id, {}, {}, facts={}, learnt={"library_order": "reversed"})
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM schema_version").fetchone() == (2,)
    with Journal.open(path) as journal:
        assert journal.learnt("library_order") == "reversed"
