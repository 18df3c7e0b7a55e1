"""The journal: runs, the outcome protocol, links and what was added, counts and calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.unit.plan_support import (
    CUSTOM_COVER,
    SimulatedTarget,
    followed,
    library,
    owned,
    saved,
    tracks,
)
from transfer.errors import JournalError
from transfer.journal import (
    AddedHow,
    Journal,
    Outcome,
    RunKind,
    RunState,
    journal_path,
)
from transfer.models import Cover
from transfer.plan import (
    AddPlaylistItems,
    CreatePlaylist,
    Plan,
    PlanOptions,
    RemoveLibraryItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    diff,
    plain_batches,
)

SOURCE = library(
    playlists=(
        owned("p1", tracks("t", 130), cover=Cover(url=f"{CUSTOM_COVER}1", custom=True)),
        owned("p2", [None, "spotify:track:x"]),
        followed("f1"),
    ),
    liked_songs=saved(*tracks("l", 3)),
    artists=saved("spotify:artist:a1", dated=False),
)
TARGET = library("alex.new")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal.open(":memory:", clock=Clock()) as opened:
        yield opened


def _execute(journal: Journal, run_id: int, plan: Plan, target: SimulatedTarget,
             stop_after: int | None = None) -> None:
    """What the engine does, against a simulated target: sent, apply, done."""
    for index, action in enumerate(plan.writes):
        if stop_after is not None and index >= stop_after:
            return
        journal.mark_sent(run_id, action.key)
        target.apply([action])
        copy_id = None
        snapshot = None
        source_id = getattr(action, "source_playlist_id", None)
        if source_id is not None:
            copy_id = target.links[source_id].target_playlist_id
            snapshot = target.links[source_id].target_snapshot_id
        journal.mark_done(run_id, action.key, target_playlist_id=copy_id, snapshot_id=snapshot)


def test_journal_files_are_named_per_pair_and_safe() -> None:
    home = Path("/state")
    assert journal_path(home, "alex.old", "alex.new") == Path(
        "/state/journals/alex.old__alex.new.sqlite")
    assert journal_path(home, "a/b", "c:d").name == "a%2Fb__c%3Ad.sqlite"
    assert journal_path(home, "a_b", "c") != journal_path(home, "a", "b_c")


def test_a_run_records_its_plan_with_writes_pending_and_skips_skipped(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    records = journal.actions(run_id)
    assert [r.key for r in records] == [a.key for a in plan.actions]
    assert {r.outcome for r in records if r.key.startswith("skip:")} == {Outcome.SKIPPED}
    assert {r.outcome for r in records if not r.key.startswith("skip:")} == {Outcome.PENDING}
    assert next(r.reason for r in records if r.key.startswith("skip:")) == "unavailable"
    assert journal.plan_of(run_id) == plan
    run = journal.run(run_id)
    assert (run.kind, run.state, run.source_id, run.target_id) == (
        RunKind.TRANSFER, RunState.RUNNING, "alex.old", "alex.new")


def test_done_writes_build_the_links_that_make_the_next_plan_empty(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    target = SimulatedTarget(TARGET)
    _execute(journal, run_id, plan, target)
    assert journal.links() == target.links
    assert diff(SOURCE, target.library, links=journal.links()).is_empty
    assert not journal.actions(run_id, [Outcome.PENDING, Outcome.SENT, Outcome.UNKNOWN])


def test_what_the_tool_added_is_remembered_by_how(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    _execute(journal, run_id, plan, SimulatedTarget(TARGET))
    added = {item.uri: item.how for item in journal.added()}
    assert added == {
        "spotify:playlist:copy1": AddedHow.CREATED,
        "spotify:playlist:copy2": AddedHow.CREATED,
        "spotify:playlist:f1": AddedHow.FOLLOWED,
        "spotify:artist:a1": AddedHow.FOLLOWED,
        **{uri: AddedHow.SAVED for uri in tracks("l", 3)},
    }
    journal.record_removed(["spotify:artist:a1"])
    assert "spotify:artist:a1" not in {item.uri for item in journal.added()}
    removed = [item for item in journal.added(include_removed=True) if item.removed_at]
    assert [item.uri for item in removed] == ["spotify:artist:a1"]


def test_an_interrupted_run_resumes_with_lost_answers_marked_unknown(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    target = SimulatedTarget(TARGET)
    _execute(journal, run_id, plan, target, stop_after=2)
    in_flight = plan.writes[2]
    journal.mark_sent(run_id, in_flight.key)
    assert journal.unfinished_run() == journal.run(run_id)  # left running, as after kill -9
    journal.resume_run(run_id)
    assert journal.outcome(run_id, in_flight.key) is Outcome.UNKNOWN
    journal.mark_pending(run_id, in_flight.key)
    assert journal.outcome(run_id, in_flight.key) is Outcome.PENDING


def test_a_paused_run_keeps_when_it_may_resume(journal: Journal) -> None:
    run_id = journal.begin_run(RunKind.SYNC, diff(SOURCE, TARGET))
    resume_at = datetime(2026, 5, 2, tzinfo=UTC)
    journal.finish_run(run_id, RunState.PAUSED, resume_at=resume_at, message="429")
    run = journal.unfinished_run([RunKind.SYNC])
    assert run is not None and (run.state, run.resume_at, run.message) == (
        RunState.PAUSED, resume_at, "429")
    assert journal.unfinished_run([RunKind.TRANSFER]) is None
    journal.resume_run(run_id)
    journal.finish_run(run_id, RunState.DONE)
    assert journal.unfinished_run() is None
    assert journal.runs()[0].ended_at is not None


def test_only_the_latest_run_counts_as_unfinished(journal: Journal) -> None:
    first = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
    journal.finish_run(first, RunState.INTERRUPTED)
    second = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
    journal.finish_run(second, RunState.DONE)
    assert journal.unfinished_run() is None
    assert [run.id for run in journal.runs()] == [second, first]
    assert [run.id for run in journal.runs(RunKind.SYNC)] == []


def test_counts_per_category(journal: Journal) -> None:
    plan = diff(SOURCE, library("alex.new", playlists=(followed("f1"),)))
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    _execute(journal, run_id, plan, SimulatedTarget(TARGET), stop_after=3)
    journal.mark_failed(run_id, plan.writes[3].key, "403 forbidden")
    counts = journal.counts(run_id)
    assert counts["playlists"] == {"done": 2, "already_there": 1}
    assert counts["playlist_items"] == {"done": 1, "left": 130, "skipped": 1}
    assert counts["covers"] == {"failed": 1}
    assert counts["liked_songs"] == {"left": 3}
    journal.finish_run(run_id, RunState.FAILED, message="403")
    assert journal.run(run_id).counts == counts


def test_api_calls_add_up_per_endpoint(journal: Journal) -> None:
    run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
    journal.add_calls(run_id, {"GET /me/playlists": 2, "PUT /me/library": 1})
    journal.add_calls(run_id, {"PUT /me/library": 2, "GET /me/tracks": 0})
    assert journal.calls(run_id) == {"GET /me/playlists": 2, "PUT /me/library": 3}
    assert journal.run(run_id).calls == journal.calls(run_id)


def test_an_effect_that_cannot_be_recorded_leaves_the_outcome_alone(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    add = next(a for a in plan.writes if isinstance(a, AddPlaylistItems))
    journal.mark_sent(run_id, add.key)
    with pytest.raises(JournalError, match="no copy"):
        journal.mark_done(run_id, add.key)  # its playlist was never created
    assert journal.outcome(run_id, add.key) is Outcome.SENT
    create = next(a for a in plan.writes if isinstance(a, CreatePlaylist))
    with pytest.raises(ValueError, match="id"):
        journal.mark_done(run_id, create.key)
    assert journal.links() == {}


def test_notes_keep_facts_for_a_later_check(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    key = plan.writes[0].key
    journal.note(run_id, key, playlists_before=["x", "y"])
    journal.mark_unknown(run_id, key, "connection dropped")
    (record,) = [r for r in journal.actions(run_id, [Outcome.UNKNOWN])]
    assert record.detail == {"playlists_before": ["x", "y"]}
    assert record.reason == "connection dropped"


def test_a_copy_read_after_a_lost_answer_updates_the_link(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    _execute(journal, run_id, plan, SimulatedTarget(TARGET), stop_after=4)
    with pytest.raises(JournalError, match="p9"):
        journal.record_synced("p9", "snap")
    journal.record_copy_state("p1", tracks("t", 150), "snap-read")
    journal.record_synced("p1", "snap-p1")
    link = journal.links()["p1"]
    assert (len(link.target_uris), link.target_snapshot_id, link.source_snapshot_id) == (
        150, "snap-read", "snap-p1")
    journal.forget_link("p1")
    assert "p1" not in journal.links()


def test_unknown_runs_and_actions_are_errors(journal: Journal) -> None:
    with pytest.raises(JournalError):
        journal.run(99)
    with pytest.raises(JournalError):
        journal.plan_of(99)
    run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
    with pytest.raises(JournalError):
        journal.mark_sent(run_id, "nope")
    skip_key = journal.actions(run_id, [Outcome.SKIPPED])[0].key
    with pytest.raises(JournalError, match="skip"):
        journal.mark_done(run_id, skip_key)


def test_a_journal_file_persists_and_uses_wal(tmp_path: Path) -> None:
    path = journal_path(tmp_path, "alex.old", "alex.new")
    plan = diff(SOURCE, TARGET, PlanOptions(name_prefix="x "))
    with Journal.open(path) as journal:
        run_id = journal.begin_run(RunKind.TRANSFER, plan, origin="snapshot.json")
        journal.mark_done(run_id, plan.writes[0].key)  # the library batch before the creates
        assert isinstance(plan.writes[0], SaveLibraryItems)
        journal.finish_run(run_id, RunState.INTERRUPTED)
    with Journal.open(path) as journal:
        assert journal.plan_of(run_id) == plan
        assert journal.run(run_id).origin == "snapshot.json"
        assert journal.outcome(run_id, plan.writes[0].key) is Outcome.DONE
        mode = journal._db.connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"



def test_facts_about_a_run_are_kept(journal: Journal) -> None:
    run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
    journal.set_fact(run_id, "target_playlists", ["a", "b"])
    journal.set_fact(run_id, "dates_refused", True)
    assert journal.facts(run_id) == {"target_playlists": ["a", "b"], "dates_refused": True}
    with pytest.raises(JournalError):
        journal.set_fact(99, "x", 1)


def test_refused_actions_are_set_aside_and_their_replacements_appended(journal: Journal) -> None:
    options = PlanOptions(preserve_liked_dates=True, extended_quota=True)
    plan = diff(library(liked_songs=saved(*tracks("l", 60))), TARGET, options)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    dated = [action for action in plan.writes if isinstance(action, SaveLikedWithDates)]
    plain = plain_batches(tuple(dated))
    journal.replace_actions(run_id, [a.key for a in dated], plain, "dates refused")
    records = journal.actions(run_id)
    assert [r.outcome for r in records] == [Outcome.SKIPPED] * 2 + [Outcome.PENDING] * 2
    assert [r.action for r in records[2:]] == list(plain)
    assert records[0].reason == "dates refused"


def test_a_failed_run_is_the_one_to_resume(journal: Journal) -> None:
    run_id = journal.begin_run(RunKind.TRANSFER, diff(SOURCE, TARGET))
    journal.finish_run(run_id, RunState.FAILED, message="network down")
    unfinished = journal.unfinished_run([RunKind.TRANSFER])
    assert unfinished is not None and unfinished.id == run_id


def test_rearrange_replaces_pending_saves_and_inserts_after_one_in_one_step(
    tmp_path: Path
) -> None:
    source = library(liked_songs=saved(*tracks("l", 90)))
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        run_id = journal.begin_run(RunKind.TRANSFER, diff(source, library("alex.new")))
        first, second, third = journal.actions(run_id)
        journal.mark_sent(run_id, first.key)
        journal.mark_done(run_id, first.key)
        repaired = (RemoveLibraryItems(uris=first.action.uris[1:], redo=True),
                    SaveLibraryItems(uris=first.action.uris[1:], redo=True))
        split = tuple(SaveLibraryItems(uris=(uri,)) for uri in third.action.uris)
        journal.rearrange(run_id, {third.key: split}, {first.key: repaired},
                          facts={"library_order": "arbitrary"},
                          learnt={"library_order": "arbitrary"})
        records = journal.actions(run_id)
        assert [record.action for record in records] == [
            first.action, *repaired, second.action, *split]
        assert [record.outcome for record in records][:2] == [Outcome.DONE, Outcome.PENDING]
        assert journal.facts(run_id)["library_order"] == "arbitrary"
        assert journal.learnt("library_order") == "arbitrary"
        counts = journal.counts(run_id)["liked_songs"]
        assert counts == {"done": 40, "left": 50}, "repairs are not counted twice"
        with pytest.raises(JournalError, match="was sent"):
            journal.rearrange(run_id, {first.key: split}, {}, facts={}, learnt={})
