"""The demo's check of a transfer: it passes a faithful copy and catches each way a transfer can
go wrong (a missing or doubled playlist, items out of order, a lost cover, wrong flags, a lost
Liked Song, an unsaved album, an unfollowed artist or playlist, an unreported local file)."""

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
from transfer.models import Cover, Library, Playlist
from transfer.plan import diff
from transfer.report import ReportDocument, build_report
from transfer.report.check import check_transfer, movable

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
