"""Undo without I/O: the removal plan, what the journal says was added and how it is named,
the writes in doubt of a stopped run, and what a done removal does to the journal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.unit.plan_support import SimulatedTarget, followed, library, owned, saved, tracks
from transfer.journal import AddedHow, Journal, Outcome, RunKind, RunState
from transfer.models import Account, Category
from transfer.plan import (
    Endpoint,
    Plan,
    RemoveLibraryItems,
    SaveLibraryItems,
    SkipReason,
    diff,
)
from transfer.undo import UndoItem, items_to_take_back, render_undo_plan, undo_plan
from transfer.undo.stopped import OPEN_OUTCOMES, close_stopped, in_doubt, stopped_runs

SOURCE = library(
    playlists=(owned("p1", tracks("t", 3), name="Road trip"),
               followed("f1", name="Hits", owner_name="Spotify")),
    liked_songs=saved(*tracks("l", 130)),
    artists=saved("spotify:artist:a1", dated=False),
)
TARGET = library("alex.new", liked_songs=saved("spotify:track:mine"))
ALEX_OLD, ALEX_NEW = Account(id="alex.old"), Account(id="alex.new", display_name="Alex")


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


def _transfer(journal: Journal, stop_after: int | None = None) -> tuple[int, Plan]:
    """A transfer run of SOURCE into TARGET, journaled as the engine does it."""
    plan = diff(SOURCE, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    target = SimulatedTarget(TARGET)
    for index, action in enumerate(plan.writes):
        if stop_after is not None and index >= stop_after:
            journal.finish_run(run_id, RunState.INTERRUPTED)
            return run_id, plan
        journal.mark_sent(run_id, action.key)
        target.apply([action])
        source_id = getattr(action, "source_playlist_id", None)
        copy_id = target.links[source_id].target_playlist_id if source_id else None
        journal.mark_done(run_id, action.key, target_playlist_id=copy_id)
    journal.finish_run(run_id, RunState.DONE)
    return run_id, plan


def _item(uri: str, how: AddedHow = AddedHow.SAVED) -> UndoItem:
    return UndoItem(uri=uri, category=Category.LIKED_SONGS, how=how, run_id=1)


def test_removals_go_40_a_call_across_kinds_newest_first() -> None:
    items = [_item(uri) for uri in tracks("x", 85)]
    items.append(_item("spotify:playlist:copy", AddedHow.CREATED))
    plan = undo_plan(ALEX_OLD, ALEX_NEW, items)
    assert all(isinstance(action, RemoveLibraryItems) for action in plan.actions)
    removed = [uri for action in plan.removals for uri in action.uris]
    assert removed == [item.uri for item in reversed(items)]
    assert [len(action.uris) for action in plan.removals] == [40, 40, 6]
    assert plan.calls() == {Endpoint.REMOVE_LIBRARY: 3}
    assert not plan.writes and not plan.is_empty


def test_nothing_added_is_an_empty_undo_plan() -> None:
    plan = undo_plan(ALEX_OLD, ALEX_NEW, [])
    assert plan.is_empty and plan.calls() == {}
    assert "Nothing to undo" in render_undo_plan(plan, [])


def test_only_what_the_tool_added_is_taken_back_and_named(journal: Journal) -> None:
    _transfer(journal)
    items = {item.uri: item for item in items_to_take_back(journal)}
    copy = journal.links()["p1"].target_playlist_id
    assert set(items) == {f"spotify:playlist:{copy}", "spotify:playlist:f1",
                          "spotify:artist:a1", *tracks("l", 130)}
    assert "spotify:track:mine" not in items, "what the target had stays"
    created = items[f"spotify:playlist:{copy}"]
    assert (created.how, created.name, created.entries) == (AddedHow.CREATED, "Road trip", 3)
    follow = items["spotify:playlist:f1"]
    assert (follow.how, follow.name, follow.owner_name) == (AddedHow.FOLLOWED, "Hits", "Spotify")


def test_a_done_removal_forgets_the_items_and_the_copy(journal: Journal) -> None:
    _transfer(journal)
    items = items_to_take_back(journal)
    plan = undo_plan(ALEX_OLD, ALEX_NEW, items)
    run_id = journal.begin_run(RunKind.UNDO, plan)
    first, *rest = plan.removals
    journal.mark_sent(run_id, first.key)
    journal.mark_done(run_id, first.key)
    left = {item.uri for item in journal.added()}
    assert left == {item.uri for item in items} - set(first.uris)
    for action in rest:
        journal.mark_done(run_id, action.key)
    journal.finish_run(run_id, RunState.DONE)
    assert journal.added() == [] and journal.links() == {}
    assert journal.counts(run_id)[Category.LIKED_SONGS.value] == {"removed": 130}
    again = diff(SOURCE, TARGET, links=journal.links())
    assert not any(skip.reason is SkipReason.COPY_REMOVED for skip in again.skips), \
        "a transfer after an undo makes a new copy"


def test_the_writes_in_doubt_of_a_stopped_run(journal: Journal) -> None:
    run_id, plan = _transfer(journal, stop_after=2)
    writes = plan.writes
    journal.mark_sent(run_id, writes[3].key)
    journal.mark_unknown(run_id, writes[4].key, "answer lost")
    doubtful = in_doubt(journal.actions(run_id, OPEN_OUTCOMES))
    assert [record.key for record in doubtful] == [writes[2].key, writes[3].key, writes[4].key]
    assert [record.outcome for record in doubtful] == [Outcome.PENDING, Outcome.SENT,
                                                       Outcome.UNKNOWN]


def test_closing_a_stopped_run_sets_its_work_aside_so_the_next_transfer_plans_afresh(
    journal: Journal,
) -> None:
    run_id, _ = _transfer(journal, stop_after=2)
    stopped = stopped_runs(journal)
    assert [run.id for run in stopped] == [run_id]
    close_stopped(journal, stopped)
    assert stopped_runs(journal) == [] and journal.unfinished_run() is None
    assert journal.run(run_id).state is RunState.DONE
    assert "closed by undo" in (journal.run(run_id).message or "")
    assert not journal.actions(run_id, OPEN_OUTCOMES)
    set_aside = [r for r in journal.actions(run_id, [Outcome.SKIPPED])
                 if isinstance(r.action, SaveLibraryItems)]
    assert set_aside and {r.reason for r in set_aside} == {"taken back by undo"}


def test_the_preview_names_copies_and_follows_and_counts_saved_items(journal: Journal) -> None:
    _transfer(journal)
    items = items_to_take_back(journal)
    text = render_undo_plan(undo_plan(ALEX_OLD, ALEX_NEW, items), items)
    assert "Undo: alex.old → Alex (alex.new)" in text
    assert "- remove    “Road trip”: the copy this tool made (3 items)" in text
    assert "- unfollow  “Hits” by Spotify" in text
    assert "Liked Songs              130" in text
    assert "API calls: 4 writes (4 remove from library)" in text
