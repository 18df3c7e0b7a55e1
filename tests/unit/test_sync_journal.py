"""What the journal records of a mirror's writes: a copy's known items follow its removals and
replacements, library removals leave what the tool holds; the marks a sync reads back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.unit.plan_support import library, owned, saved, tracks
from transfer.engine.marks import (
    MARKS_FACT,
    SavedMark,
    SyncMarks,
    load_marks,
    minute_of,
    newest_mark,
    options_fingerprint,
)
from transfer.journal import Journal, RunKind, RunState
from transfer.models import Category
from transfer.plan import (
    Plan,
    PlanOptions,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SaveLikedWithDates,
    diff,
    plain_batches,
)

TARGET = library("alex.new")


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal.open(":memory:") as opened:
        yield opened


def _transferred(journal: Journal) -> int:
    plan = diff(library(playlists=(owned("p1", tracks("t", 4)),),
                        liked_songs=saved(*tracks("l", 2))), TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    for record in journal.actions(run_id):
        if record.action.type == "create_playlist":
            journal.mark_done(run_id, record.key, target_playlist_id="copy1")
        elif record.action.type != "skip":
            journal.mark_done(run_id, record.key, snapshot_id="s1")
    journal.finish_run(run_id, RunState.DONE)
    return run_id


def _run_of(journal: Journal, *actions: object) -> int:
    plan = Plan(source=library().account, target=TARGET.account, actions=actions)
    return journal.begin_run(RunKind.SYNC, plan)


def test_removals_and_replacements_change_what_the_link_knows(journal: Journal) -> None:
    _transferred(journal)
    a, b, c, d = tracks("t", 4)
    where = {"source_playlist_id": "p1", "target_playlist_id": "copy1"}
    remove = RemovePlaylistItems(**where, uris=(b, d))
    replace = ReplacePlaylistItems(**where, uris=(c, a))
    run_id = _run_of(journal, remove, replace)
    journal.mark_done(run_id, remove.key, snapshot_id="s2")
    link = journal.links()["p1"]
    assert (link.target_uris, link.target_snapshot_id) == ((a, c), "s2")
    journal.mark_done(run_id, replace.key, snapshot_id="s3")
    assert journal.links()["p1"].target_uris == (c, a)


def test_library_removals_leave_what_the_tool_holds(journal: Journal) -> None:
    _transferred(journal)
    first, _ = tracks("l", 2)
    removal = RemoveLibraryItems(uris=(first,))
    run_id = _run_of(journal, removal)
    journal.mark_done(run_id, removal.key)
    held = {item.uri for item in journal.added()}
    assert first not in held and tracks("l", 2)[1] in held


def _marks(options: PlanOptions) -> SyncMarks:
    mark = SavedMark(count=2, newest_minute="2024-01-01T00:00")
    return SyncMarks(options=options_fingerprint(options), saved={Category.LIKED_SONGS: mark,
                                                                  Category.ALBUMS: mark})


def test_marks_are_read_back_from_the_latest_finished_run(journal: Journal) -> None:
    options = PlanOptions()
    run_id = _transferred(journal)
    assert load_marks(journal, options) is None
    journal.set_fact(run_id, MARKS_FACT, _marks(options).model_dump(mode="json"))
    assert load_marks(journal, options) == _marks(options)
    assert load_marks(journal, PlanOptions(name_prefix="old: ")) is None, "other options"
    assert load_marks(journal, PlanOptions(mirror=True)) == _marks(options), "mirror reads alike"


def test_a_failed_save_drops_the_marks_of_its_category(journal: Journal) -> None:
    options = PlanOptions()
    run_id = _transferred(journal)
    failing = RemoveLibraryItems(uris=("spotify:album:x",))
    second = _run_of(journal, failing)
    journal.set_fact(second, MARKS_FACT, _marks(options).model_dump(mode="json"))
    journal.mark_failed(second, failing.key, "refused")
    journal.finish_run(second, RunState.DONE)
    marks = load_marks(journal, options)
    assert marks is not None and set(marks.saved) == {Category.LIKED_SONGS}
    assert run_id < second


def test_an_undo_since_the_marks_makes_them_unusable(journal: Journal) -> None:
    options = PlanOptions()
    run_id = _transferred(journal)
    journal.set_fact(run_id, MARKS_FACT, _marks(options).model_dump(mode="json"))
    undo = journal.begin_run(RunKind.UNDO, Plan(source=library().account, target=TARGET.account))
    journal.finish_run(undo, RunState.DONE)
    assert load_marks(journal, options) is None


def test_the_newest_minute_keeps_every_item_saved_in_it() -> None:
    at = datetime(2024, 5, 6, 7, 8, 30, tzinfo=UTC)
    items = saved("spotify:track:a", "spotify:track:b", since=at)
    mark = newest_mark(2, items, None, exact=True)
    assert mark.newest_minute == minute_of(items[0].added_at or at)
    assert mark.newest_uris == ("spotify:track:a",), "b was saved a minute before"
    assert newest_mark(0, (), mark, exact=True).newest_minute is None


def test_a_held_lock_is_kept_across_runs_and_refuses_others(tmp_path: object) -> None:
    from pathlib import Path

    from transfer.journal import JournalBusy

    path = Path(str(tmp_path)) / "pair.sqlite"
    plan = Plan(source=library().account, target=TARGET.account)
    with Journal.open(path) as mine, Journal.open(path) as other:
        mine.hold()
        run_id = mine.begin_run(RunKind.SYNC, plan)
        mine.finish_run(run_id, RunState.DONE)
        with pytest.raises(JournalBusy) as busy:
            other.hold()
        assert busy.value.exit_status == 73
        assert other.in_progress_elsewhere()
        mine.release()
        other.hold()
        assert mine.in_progress_elsewhere()


def test_a_write_set_aside_for_replacements_is_not_left(journal: Journal) -> None:
    plan = diff(library(liked_songs=saved(*tracks("l", 3))), TARGET,
                PlanOptions(preserve_liked_dates=True, extended_quota=True))
    run_id = journal.begin_run(RunKind.SYNC, plan)
    dated = [record for record in journal.actions(run_id)
             if isinstance(record.action, SaveLikedWithDates)]
    replacements = plain_batches(tuple(r.action for r in dated
                                       if isinstance(r.action, SaveLikedWithDates)))
    journal.replace_actions(run_id, [record.key for record in dated], replacements,
                            "dates refused")
    assert journal.counts(run_id)["liked_songs"] == {"left": 3}, "the replacements only"


def test_holding_for_a_block(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "pair.sqlite"
    with Journal.open(path) as mine, Journal.open(path) as other:
        with mine.holding():
            assert other.in_progress_elsewhere()
        assert not other.in_progress_elsewhere()


def test_an_unfinished_undo_stops_a_new_transfer_or_sync(journal: Journal) -> None:
    from transfer.engine import Engine, PreparedPlan
    from transfer.errors import TransferError
    from transfer.spotify import SpotifyAdapter

    undo = journal.begin_run(RunKind.UNDO, Plan(source=library().account,
                                                target=TARGET.account))
    journal.finish_run(undo, RunState.PAUSED)
    untouched = SpotifyAdapter.__new__(SpotifyAdapter)  # never asked: refused before any call
    engine = Engine(target=untouched, journal=journal, source=untouched, kind=RunKind.SYNC)
    prepared = PreparedPlan(plan=diff(library(), TARGET), origin="live", reads={})
    with pytest.raises(TransferError, match=f"Undo run {undo} stopped"):
        engine.apply(prepared)
    assert len(journal.runs()) == 1


def test_only_the_latest_runs_keep_their_marks(journal: Journal) -> None:
    plan = Plan(source=library().account, target=TARGET.account)
    runs = [journal.begin_run(RunKind.SYNC, plan) for _ in range(4)]
    for run_id in runs:
        journal.set_fact(run_id, MARKS_FACT, {"version": 1, "run": run_id})
        journal.set_fact(run_id, "other", run_id)
        journal.finish_run(run_id, RunState.DONE)
    journal.keep_latest_fact(MARKS_FACT, 2)
    assert [MARKS_FACT in journal.facts(run_id) for run_id in runs] == [False, False, True, True]
    assert all(journal.facts(run_id)["other"] == run_id for run_id in runs)
