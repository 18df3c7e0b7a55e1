"""The check of a transfer (``demo``'s and ``verify``'s): it passes a faithful copy and catches
each way a transfer can go wrong (a missing or doubled playlist, items out of order, a lost
cover, wrong flags or name, a lost Liked Song or date, an unsaved album, an unfollowed artist or
playlist, an unreported local file); what cannot move is listed, not a difference; only what
the options choose is checked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.unit.plan_support import (
    CUSTOM_COVER,
    entry,
    followed,
    library,
    local,
    owned,
    saved,
    tracks,
)
from transfer.journal import Journal, RunKind, RunState
from transfer.models import Category, Cover, Library, Playlist
from transfer.plan import PlanOptions, SkipReason, diff
from transfer.report import ReportDocument, build_report
from transfer.report.check import cannot_move, check_target, check_transfer, movable

NOW = datetime(2026, 5, 1, tzinfo=UTC)
COVER = Cover(url=f"{CUSTOM_COVER}1", custom=True, jpeg_base64="/9j/AAAA")


def source_playlist() -> Playlist:
    base = owned("p1", tracks("t", 5), name="Mix", description="d", public=True, cover=COVER)
    entries = (*(base.entries or ()), local("Demo tape"), entry(None))
    return base.model_copy(update={"entries": entries})


SOURCE = library(
    playlists=(source_playlist(), followed("f1", name="Friends")),
    liked_songs=saved(*tracks("l", 3)),
    albums=saved("spotify:album:a1"),
    artists=saved("spotify:artist:r1", dated=False),
)


def faithful_target() -> Library:
    original = source_playlist()
    copy = original.model_copy(update={
        "id": "c1", "owner_id": "alex.new",
        "cover": Cover(url=f"{CUSTOM_COVER}2", custom=True, jpeg_base64=COVER.jpeg_base64),
        "entries": tuple(e for e in original.entries or () if e.uri and not e.is_local),
    })
    return library("alex.new", playlists=(copy, followed("f1", name="Friends")),
                   liked_songs=SOURCE.liked_songs, albums=SOURCE.albums, artists=SOURCE.artists)


def run_report(target_id: str = "c1") -> ReportDocument:
    """The report of a transfer of SOURCE whose copy of p1 is ``target_id``."""
    plan = diff(SOURCE, library("alex.new"))
    with Journal.open(":memory:") as journal:
        run_id = journal.begin_run(RunKind.TRANSFER, plan)
        for action in plan.writes:
            copy = target_id if getattr(action, "source_playlist_id", None) else None
            journal.mark_done(run_id, action.key, target_playlist_id=copy)
        journal.finish_run(run_id, RunState.DONE)
        return build_report(journal, run_id, NOW)


def test_a_faithful_transfer_passes_every_rule() -> None:
    result = check_transfer(SOURCE, faithful_target(), run_report())
    assert result.ok, result.render()
    assert result.problems == 0
    rendered = result.render()
    assert "✘" not in rendered and rendered.count("✔") == len(result.findings)
    assert "items in order and custom cover (5 items, 1 cover)" in rendered
    assert "2 items that cannot move (1 local file, 1 unavailable)" in rendered


def with_copy(**changes: object) -> Library:
    target = faithful_target()
    copy = target.playlists[0].model_copy(update=changes)
    return target.model_copy(update={"playlists": (copy, *target.playlists[1:])})


def reordered() -> Library:
    entries = faithful_target().playlists[0].entries or ()
    return with_copy(entries=(entries[1], entries[0], *entries[2:]))


def doubled() -> Library:
    target = faithful_target()
    twin = target.playlists[0].model_copy(update={"id": "c2"})
    return target.model_copy(update={"playlists": (*target.playlists, twin)})


BROKEN: dict[str, tuple[Callable[[], Library], str]] = {
    "items out of order": (reordered, "first difference at #1"),
    "an item missing": (lambda: with_copy(entries=(faithful_target().playlists[0].entries
                                                    or ())[:-1]), "4 items instead of 5"),
    "the cover lost": (lambda: with_copy(cover=None), "custom cover missing"),
    "another image": (lambda: with_copy(cover=COVER.model_copy(update={"jpeg_base64": "eA=="})),
                      "the cover's image differs"),
    "made private": (lambda: with_copy(public=False), "public=False"),
    "description lost": (lambda: with_copy(description=""), "description"),
    "a copy doubled": (doubled, "2 playlists of that name"),
    "a follow lost": (lambda: faithful_target().model_copy(
        update={"playlists": faithful_target().playlists[:1]}), "“Friends” is not followed"),
    "a Liked Song lost": (lambda: faithful_target().model_copy(
        update={"liked_songs": SOURCE.liked_songs[1:]}), "missing: spotify:track:l0"),
    "Liked Songs reordered": (lambda: faithful_target().model_copy(
        update={"liked_songs": tuple(reversed(SOURCE.liked_songs))}), "not in the source's order"),
    "an album unsaved": (lambda: faithful_target().model_copy(update={"albums": ()}),
                         "Albums: missing spotify:album:a1"),
    "an artist unfollowed": (lambda: faithful_target().model_copy(update={"artists": ()}),
                             "not followed: spotify:artist:r1"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_way_of_going_wrong_is_caught(case: str) -> None:
    make, problem = BROKEN[case]
    result = check_transfer(SOURCE, make(), run_report())
    assert not result.ok
    assert problem in result.render(), result.render()


def test_a_copy_the_report_does_not_know_is_no_copy() -> None:
    result = check_transfer(SOURCE, faithful_target(), run_report(target_id="elsewhere"))
    assert not result.ok
    assert "“Mix”: no copy in the target" in result.render()


def test_an_unreported_local_file_is_caught() -> None:
    report = run_report()
    hidden = report.model_copy(update={"skipped": [item for item in report.skipped
                                                   if item.reason != "local_file"]})
    result = check_transfer(SOURCE, faithful_target(), hidden)
    assert "#6 in “Mix” is not in the report" in result.render()


def test_playlists_the_target_had_before_are_not_extra() -> None:
    target = faithful_target()
    own = owned("mine", name="Mine").model_copy(update={"owner_id": "alex.new"})
    with_own = target.model_copy(update={"playlists": (*target.playlists, own)})
    assert not check_transfer(SOURCE, with_own, run_report()).ok
    assert check_transfer(SOURCE, with_own, run_report(), target_had={"mine"}).ok


def test_movable_items_leave_out_local_files_and_unavailable_entries() -> None:
    assert movable(source_playlist()) == tracks("t", 5)


# --- check_target: the rules verify applies ---------------------------------------------------

COPIES = {"p1": "c1"}


def test_check_target_passes_a_faithful_target_and_counts_what_can_move() -> None:
    result = check_target(SOURCE, faithful_target(), PlanOptions(), COPIES)
    assert result.ok, result.render()
    # 5 items of the copy, 1 playlist followed, 3 Liked Songs, 1 album, 1 artist
    assert result.checked == 5 + 1 + 3 + 1 + 1
    assert {finding.group for finding in result.findings} == {
        "playlists", "followed_playlists", "liked_songs", "saved", "artists"}


def test_what_cannot_move_is_listed_with_the_plans_reasons_not_as_a_difference() -> None:
    skips = cannot_move(SOURCE, PlanOptions())
    assert [(skip.reason, skip.item.position) for skip in skips] == [
        (SkipReason.LOCAL_FILE, 5), (SkipReason.UNAVAILABLE, 6)]
    unreadable = library(playlists=(owned("p9", name="Refused").model_copy(
        update={"entries": None}),))
    assert [skip.reason for skip in cannot_move(unreadable, PlanOptions())] == [
        SkipReason.ITEMS_UNKNOWN]
    assert check_target(unreadable, library("alex.new"), PlanOptions(), {}).ok


def test_an_item_withdrawn_from_a_copy_later_is_no_difference() -> None:
    entries = faithful_target().playlists[0].entries or ()
    withdrawn = with_copy(entries=(entry(None), *entries[1:]))
    assert check_target(SOURCE, withdrawn, PlanOptions(), COPIES).ok


def test_a_copy_renamed_in_the_target_or_named_without_the_prefix_differs() -> None:
    renamed = with_copy(name="Something else")
    result = check_target(SOURCE, renamed, PlanOptions(), COPIES)
    assert "named “Something else” instead of “Mix”" in result.render()
    prefixed = PlanOptions(name_prefix="Old: ")
    assert "instead of “Old: Mix”" in check_target(SOURCE, faithful_target(), prefixed,
                                                    COPIES).render()


def test_only_what_the_options_choose_is_checked() -> None:
    empty = library("alex.new")
    likes = PlanOptions(categories=(Category.LIKED_SONGS,))
    result = check_target(SOURCE, empty, likes, {})
    assert [finding.group for finding in result.findings] == ["playlists", "liked_songs"]
    assert "missing: spotify:track:l0" in result.render()
    assert check_target(SOURCE, faithful_target(), likes, {}).ok


def test_liked_songs_dates_are_checked_when_they_are_to_be_kept() -> None:
    moved = faithful_target().model_copy(update={"liked_songs": tuple(
        item.model_copy(update={"added_at": NOW}) for item in SOURCE.liked_songs)})
    assert check_target(SOURCE, moved, PlanOptions(), COPIES).ok
    dated = PlanOptions(preserve_liked_dates=True, extended_quota=True)
    result = check_target(SOURCE, moved, dated, COPIES)
    assert not result.ok
    assert "saved on 2026-05-01 00:00:00 instead of" in result.render()


def test_differences_are_capped_per_rule_unless_all_are_asked_for() -> None:
    result = check_target(SOURCE.model_copy(update={"albums": saved(
        *(f"spotify:album:a{n}" for n in range(8)))}), faithful_target(), PlanOptions(), COPIES)
    assert "… and 2 more" in result.render()
    assert "… and" not in result.render(listed=None)
    assert result.render(listed=None).count("Albums: missing") == 7
