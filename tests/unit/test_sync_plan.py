"""The plan of a sync: copies continued when the source lost or moved items, mirror removals
and the mirror's refusal. Pure, no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.plan_support import SimulatedTarget, library, owned, saved, tracks
from transfer.models import Category, Kind, Malformed, PlaylistEntry, uri_of
from transfer.plan import (
    AddPlaylistItems,
    MirrorInput,
    MirrorOutline,
    PlanOptions,
    PlaylistChange,
    PlaylistDetails,
    PlaylistLink,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SkipReason,
    WriteAction,
    diff,
    refusal,
)
from transfer.plan.copies import CopyTarget, kept_positions, mirrored, new_ones_appended
from transfer.plan.mirror import FEWEST_JUDGED, Share

TARGET = library("alex.new")
SYNC = PlanOptions(sync=True)
MIRROR = PlanOptions(mirror=True)
WHERE = CopyTarget("p1", "copy1", "Road trip")

uri_lists = st.lists(st.sampled_from([f"spotify:track:{c}" for c in "abcdef"]), max_size=12)


def played(copy: Sequence[str], writes: Sequence[WriteAction]) -> list[str]:
    """The copy after the writes, as Spotify applies them."""
    result = list(copy)
    for write in writes:
        if isinstance(write, RemovePlaylistItems):
            result = [uri for uri in result if uri not in write.uris]
        elif isinstance(write, ReplacePlaylistItems):
            result = list(write.uris)
        elif isinstance(write, AddPlaylistItems):
            assert write.position <= len(result)
            result[write.position : write.position] = write.uris
    return result


@given(uri_lists, uri_lists)
def test_a_mirror_makes_the_copy_hold_exactly_the_source(carried: list[str],
                                                        wanted: list[str]) -> None:
    change = mirrored(WHERE, carried, wanted)
    assert played(carried, change.writes) == wanted
    assert change.kept + change.adding == len(wanted)
    assert change.removing == len(carried) - change.kept


@given(uri_lists, uri_lists)
def test_a_sync_appends_only_what_the_copy_lacks(carried: list[str], wanted: list[str]) -> None:
    change = new_ones_appended(WHERE, carried, wanted)
    after = played(carried, change.writes)
    assert after[: len(carried)] == carried, "nothing in the copy is touched"
    assert not Counter(wanted) - Counter(after), "everything the source holds is in the copy"
    assert len(after) - len(carried) == change.adding
    assert change.adding == sum((Counter(wanted) - Counter(carried)).values())


def test_removing_by_uri_is_preferred_and_replacing_used_when_a_duplicate_must_stay() -> None:
    a, b, c = (f"spotify:track:{name}" for name in "abc")
    by_uri = mirrored(WHERE, [a, b, c], [a, c])
    assert [type(write) for write in by_uri.writes] == [RemovePlaylistItems]
    duplicate = mirrored(WHERE, [a, b, a], [a, b])
    assert [type(write) for write in duplicate.writes] == [ReplacePlaylistItems]
    assert played([a, b, a], duplicate.writes) == [a, b]


def test_a_long_copy_is_replaced_100_then_appended() -> None:
    carried = [*tracks("t", 150), tracks("t", 1)[0]]
    wanted = tracks("t", 150)[1:] + tracks("t", 1)
    change = mirrored(WHERE, carried, wanted)
    assert played(carried, change.writes) == wanted
    assert all(len(getattr(write, "uris", ())) <= 100 for write in change.writes)


def test_kept_positions_are_the_longest_start_held_in_order() -> None:
    a, b, c, d = (f"spotify:track:{name}" for name in "abcd")
    assert kept_positions([a, b, c, d], [b, c, d, a]) == {1, 2, 3}
    assert kept_positions([a, b], []) == set()
    assert kept_positions([], [a]) == set()


def _synced(first_uris: list[str]) -> SimulatedTarget:
    source = library(playlists=(owned("p1", first_uris),))
    return SimulatedTarget(TARGET).apply_plan(diff(source, TARGET))


def test_without_mirror_a_source_that_lost_items_still_gets_its_new_ones() -> None:
    done = _synced(tracks("t", 5))
    changed = owned("p1", [*tracks("t", 5)[1:], "spotify:track:new"], snapshot_id="snap-2")
    plan = diff(library(playlists=(changed,)), done.library, SYNC, done.links)
    (append,) = plan.writes
    assert isinstance(append, AddPlaylistItems)
    assert (append.uris, append.position) == (("spotify:track:new",), 5)
    outline = plan.playlists[0]
    assert (outline.change, outline.behind, outline.removing) == (PlaylistChange.UPDATE, True, 0)


def test_without_mirror_a_source_that_only_lost_items_leaves_the_copy_behind() -> None:
    done = _synced(tracks("t", 5))
    shorter = owned("p1", tracks("t", 3), snapshot_id="snap-2")
    plan = diff(library(playlists=(shorter,)), done.library, SYNC, done.links)
    assert plan.is_empty
    assert plan.playlists[0].skip_reason is SkipReason.NOT_MIRRORED
    assert plan.playlists[0].behind
    transfer = diff(library(playlists=(shorter,)), done.library, PlanOptions(), done.links)
    assert transfer.playlists[0].skip_reason is SkipReason.DIVERGED


def test_a_mirror_takes_out_what_the_source_took_out() -> None:
    done = _synced(tracks("t", 5))
    shorter = owned("p1", tracks("t", 3), snapshot_id="snap-2")
    plan = diff(library(playlists=(shorter,)), done.library, MIRROR, done.links,
                MirrorInput())
    (removal,) = plan.writes
    assert isinstance(removal, RemovePlaylistItems)
    assert removal.uris == tuple(tracks("t", 5)[3:]) and removal.target_playlist_id == "copy1"
    assert plan.playlists[0].removing == 2
    assert plan.mirror is not None
    assert (plan.mirror.removing, plan.mirror.held) == (2, 0)
    assert plan.mirror.categories[Category.PLAYLISTS] == Share(removing=2, held=0)


def test_a_copy_changed_in_the_target_account_is_left_alone_even_by_a_mirror() -> None:
    done = _synced(tracks("t", 5))
    copy = done.library.playlists[0]
    edited = copy.model_copy(update={"entries": (copy.entries or ())[:4],
                                     "snapshot_id": "edited"})
    target = done.library.model_copy(update={"playlists": (edited,)})
    shorter = owned("p1", tracks("t", 3), snapshot_id="snap-2")
    for options in (SYNC, MIRROR):
        plan = diff(library(playlists=(shorter,)), target, options, done.links, MirrorInput())
        assert plan.is_empty and plan.playlists[0].skip_reason is SkipReason.DIVERGED


def _link(source_id: str, copy_id: str, entries: int) -> PlaylistLink:
    return PlaylistLink(source_playlist_id=source_id, target_playlist_id=copy_id,
                        details=PlaylistDetails(name=source_id, public=False),
                        target_uris=tuple(tracks(source_id, entries)))


def test_mirror_removals_touch_only_what_the_tool_added() -> None:
    liked = saved(*tracks("l", 3))
    links = {"gone": _link("gone", "copyA", 4), "kept": _link("kept", "copyB", 2)}
    copy_a, copy_b = (uri_of(Kind.PLAYLIST, copy) for copy in ("copyA", "copyB"))
    followed_gone, followed_kept = "spotify:playlist:f1", "spotify:playlist:f2"
    mirror = MirrorInput(
        held={Category.LIKED_SONGS: frozenset(tracks("l", 5)),
              Category.PLAYLISTS: frozenset({copy_a, copy_b, followed_gone, followed_kept})},
        present={Category.LIKED_SONGS: frozenset(item.uri for item in liked),
                 Category.PLAYLISTS: frozenset({"spotify:playlist:kept", followed_kept})},
        totals={Category.LIKED_SONGS: 3, Category.PLAYLISTS: 2},
    )
    source = library(liked_songs=liked)
    target = library("alex.new", liked_songs=liked)
    plan = diff(source, target, MIRROR, links, mirror)
    (removal,) = plan.removals
    assert isinstance(removal, RemoveLibraryItems)
    assert set(removal.uris) == {*tracks("l", 5)[3:], copy_a, followed_gone}
    assert plan.mirror is not None
    assert plan.mirror.removing == 2 + (1 + 4) + 1
    assert plan.mirror.held == 5 + 4 + (4 + 2)


def test_a_category_not_read_in_full_loses_nothing() -> None:
    mirror = MirrorInput(held={Category.ALBUMS: frozenset({"spotify:album:a"})},
                         totals={Category.ALBUMS: 7})
    plan = diff(library(), TARGET, MIRROR, {}, mirror)
    assert not plan.removals and plan.mirror is not None
    assert (plan.mirror.removing, plan.mirror.held) == (0, 1)


def test_the_refusal() -> None:
    assert refusal(MirrorOutline(removing=0, held=10, emptied=(Category.ALBUMS,)), 0.25) is None
    assert refusal(MirrorOutline(removing=2, held=10), 0.25) is None
    too_many = refusal(MirrorOutline(removing=3, held=10), 0.25)
    assert too_many is not None and "30%" in too_many and "25%" in too_many
    emptied = refusal(MirrorOutline(removing=1, held=100, emptied=(Category.LIKED_SONGS,)), 0.25)
    assert emptied is not None and "liked songs" in emptied


def test_an_emptied_source_category_is_named() -> None:
    mirror = MirrorInput(held={Category.ALBUMS: frozenset({"spotify:album:a"})},
                         present={Category.ALBUMS: frozenset()}, totals={Category.ALBUMS: 0})
    plan = diff(library(), TARGET, MIRROR, {}, mirror)
    assert plan.mirror is not None and plan.mirror.emptied == (Category.ALBUMS,)
    assert refusal(plan.mirror, 1.0) is not None


def test_a_mirror_removes_nothing_of_a_list_that_held_an_unreadable_element() -> None:
    """A null in the source's playlist list may be the very playlist whose copy would go."""
    links = {"gone": _link("gone", "copyA", 4)}
    copy_a = uri_of(Kind.PLAYLIST, "copyA")
    liked = saved(*tracks("l", 2))
    mirror = MirrorInput(
        held={Category.PLAYLISTS: frozenset({copy_a}),
              Category.LIKED_SONGS: frozenset(tracks("l", 3))},
        present={Category.PLAYLISTS: frozenset(),
                 Category.LIKED_SONGS: frozenset(item.uri for item in liked)},
        totals={Category.PLAYLISTS: 0, Category.LIKED_SONGS: 2})
    unread = Malformed(category=Category.PLAYLISTS, position=0, problem="a null")
    source = library(liked_songs=liked).model_copy(update={"malformed": (unread,)})
    plan = diff(source, library("alex.new", liked_songs=liked), MIRROR, links, mirror)
    (removal,) = plan.removals
    assert removal.uris == (tracks("l", 3)[2],), "Liked Songs read whole: mirrored"
    assert any("playlists in a shape that cannot be read" in note for note in plan.notes)


def test_a_playlist_with_an_unreadable_entry_is_not_mirrored() -> None:
    done = _synced(tracks("t", 5))
    broken = PlaylistEntry(uri=None, malformed="a null instead of an entry")
    source = owned("p1", [], snapshot_id="snap-2").model_copy(update={"entries": (
        *(PlaylistEntry(uri=uri) for uri in tracks("t", 2)), broken,
        *(PlaylistEntry(uri=uri) for uri in tracks("t", 5)[3:]),
        PlaylistEntry(uri="spotify:track:new"))})
    plan = diff(library(playlists=(source,)), done.library, MIRROR, done.links, MirrorInput())
    assert not any(isinstance(write, RemovePlaylistItems | ReplacePlaylistItems)
                   for write in plan.writes)
    (append,) = [w for w in plan.writes if isinstance(w, AddPlaylistItems)]
    assert append.uris == ("spotify:track:new",)


def test_the_share_is_held_to_each_category_too() -> None:
    """90% of the Liked Songs going is refused even when they are a sliver of the whole."""
    outline = MirrorOutline(removing=9, held=1000, categories={
        Category.LIKED_SONGS: Share(removing=9, held=10),
        Category.ALBUMS: Share(removing=0, held=990),
    })
    reason = refusal(outline, 0.25)
    assert reason is not None and "liked songs" in reason and "90%" in reason, reason
    assert "in any one category" in reason
    assert refusal(outline, 0.95) is None


def test_a_category_losing_a_couple_of_items_is_judged_with_the_whole() -> None:
    outline = MirrorOutline(removing=FEWEST_JUDGED - 1, held=100, categories={
        Category.SHOWS: Share(removing=FEWEST_JUDGED - 1, held=FEWEST_JUDGED),
    })
    assert refusal(outline, 0.25) is None


def test_the_plan_counts_removals_per_category() -> None:
    liked = frozenset(f"spotify:track:t{number}" for number in range(10))
    mirror = MirrorInput(held={Category.LIKED_SONGS: liked},
                         present={Category.LIKED_SONGS: frozenset({"spotify:track:t0"})},
                         totals={Category.LIKED_SONGS: 1})
    plan = diff(library(), TARGET, MIRROR, {}, mirror)
    assert plan.mirror is not None
    assert plan.mirror.categories[Category.LIKED_SONGS] == Share(removing=9, held=10)
    reason = refusal(plan.mirror, 0.25)
    assert reason is not None and "9 of the 10 liked songs" in reason
