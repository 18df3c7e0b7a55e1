"""Example-based tests of the pure diff: one behaviour each."""

from __future__ import annotations

from math import ceil

import pytest

from tests.unit.plan_support import (
    CUSTOM_COVER,
    SimulatedTarget,
    entry,
    followed,
    library,
    local,
    owned,
    saved,
    tracks,
    unread_copies,
)
from transfer.models import Category, Cover, Playlist
from transfer.plan import (
    AddPlaylistItems,
    CreatePlaylist,
    Plan,
    PlanOptions,
    PlaylistChange,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    SkipReason,
    UpdatePlaylistDetails,
    UploadCover,
    diff,
)
from transfer.plan.diff import NO_DATES_NOTE
from transfer.plan.save_order import SaveOrder

TARGET = library("alex.new")


def _of(plan: Plan, kind: type) -> list:
    return [action for action in plan.actions if isinstance(action, kind)]


def _skip_reasons(plan: Plan) -> list[SkipReason]:
    return [skip.reason for skip in plan.skips]


def _saved_uris(plan: Plan) -> list[str]:
    return [uri for action in _of(plan, SaveLibraryItems) for uri in action.uris]


# --- new copies -----------------------------------------------------------------------------


def test_an_owned_playlist_is_created_with_its_details_then_filled_in_order() -> None:
    uris = [*tracks("t", 150), "spotify:episode:e1", "spotify:track:t0"]
    source = library(playlists=(owned("p1", uris, name="Road trip", description="vroom",
                                      public=True),))
    plan = diff(source, TARGET)
    create, first, second = plan.writes
    assert create == CreatePlaylist(source_playlist_id="p1", name="Road trip",
                                    description="vroom", public=True, collaborative=False)
    assert isinstance(first, AddPlaylistItems) and isinstance(second, AddPlaylistItems)
    assert (first.position, second.position) == (0, 100)
    assert first.uris + second.uris == tuple(uris), "duplicates and episodes are kept, in order"
    assert first.target_playlist_id is None and first.create_key == create.key


def test_local_files_and_unavailable_entries_are_skipped_with_their_place() -> None:
    playlist = owned("p1", ["spotify:track:a"], name="Mix").model_copy(
        update={"entries": (entry("spotify:track:a"), local("home demo"),
                            entry(None, name="withdrawn song"), entry("spotify:track:b"))}
    )
    plan = diff(library(playlists=(playlist,)), TARGET)
    (add,) = _of(plan, AddPlaylistItems)
    assert add.uris == ("spotify:track:a", "spotify:track:b")
    local_skip, unavailable = plan.skips
    assert (local_skip.reason, local_skip.item.position) == (SkipReason.LOCAL_FILE, 1)
    assert local_skip.item.name == "home demo" and local_skip.item.playlist_name == "Mix"
    assert (unavailable.reason, unavailable.item.position) == (SkipReason.UNAVAILABLE, 2)
    assert plan.playlists[0].skipped_entries == 2 and plan.playlists[0].adding == 2


def test_an_entry_of_a_kind_playlists_cannot_hold_is_unsupported() -> None:
    plan = diff(library(playlists=(owned("p1", ["spotify:album:x"]),)), TARGET)
    assert _skip_reasons(plan) == [SkipReason.UNSUPPORTED]


def test_an_empty_playlist_is_still_created() -> None:
    plan = diff(library(playlists=(owned("p1", []),)), TARGET)
    assert [type(action) for action in plan.writes] == [CreatePlaylist]


def test_only_a_custom_cover_is_uploaded() -> None:
    custom = owned("p1", cover=Cover(url=f"{CUSTOM_COVER}1", custom=True))
    mosaic = owned("p2", cover=Cover(url="https://mosaic.scdn.co/640/x", custom=False))
    plan = diff(library(playlists=(custom, mosaic)), TARGET)
    (upload,) = _of(plan, UploadCover)
    assert upload.cover_url == f"{CUSTOM_COVER}1" and upload.target_playlist_id is None
    assert plan.writes.index(upload) > plan.writes.index(plan.action("create:p1"))


def test_prefix_and_suffix_name_the_copy_but_patterns_match_the_source_name() -> None:
    options = PlanOptions(name_prefix="[old] ", name_suffix=" ✓", include_playlists=("road*",))
    plan = diff(library(playlists=(owned("p1", name="Road trip"),)), TARGET, options)
    (create,) = _of(plan, CreatePlaylist)
    assert create.name == "[old] Road trip ✓"


@pytest.mark.parametrize(
    ("privacy", "public", "collaborative", "expected"),
    [
        ("keep", True, False, True),
        ("keep", False, False, False),
        ("keep", None, False, False),
        ("public", False, False, True),
        ("private", True, False, False),
        ("public", False, True, False),
    ],
)
def test_privacy_override(
    privacy: str, public: bool | None, collaborative: bool, expected: bool
) -> None:
    source = library(playlists=(owned("p1", public=public, collaborative=collaborative),))
    (create,) = _of(diff(source, TARGET, PlanOptions(privacy=privacy)), CreatePlaylist)
    assert create.public is expected and create.collaborative is collaborative


def test_a_target_playlist_that_merely_shares_the_name_is_not_reused() -> None:
    theirs = owned("theirs", ["spotify:track:x"], name="Road trip").model_copy(
        update={"owner_id": "alex.new"}
    )
    plan = diff(library(playlists=(owned("p1", ["spotify:track:a"], name="Road trip"),)),
                library("alex.new", playlists=(theirs,)))
    assert [action.key for action in _of(plan, CreatePlaylist)] == ["create:p1"]
    assert all(getattr(action, "target_playlist_id", None) != "theirs" for action in plan.writes)


# --- follows and playlist order --------------------------------------------------------------


def test_playlists_of_others_and_collaborations_are_followed_not_copied() -> None:
    source = library(playlists=(followed("f1"), followed("c1", relation="collaborator")))
    plan = diff(source, TARGET)
    assert _saved_uris(plan) == ["spotify:playlist:c1", "spotify:playlist:f1"]
    assert [o.change for o in plan.playlists] == [PlaylistChange.FOLLOW] * 2


def test_a_playlist_the_target_already_has_is_not_followed_again() -> None:
    target = library("alex.new", playlists=(followed("f1"),))
    plan = diff(library(playlists=(followed("f1"),)), target)
    assert plan.is_empty
    assert _skip_reasons(plan) == [SkipReason.ALREADY_FOLLOWED]
    assert plan.playlists[0].change is PlaylistChange.UNCHANGED


def test_playlists_are_made_bottom_first_so_the_target_list_keeps_the_source_order() -> None:
    source = library(playlists=(owned("a"), followed("b"), followed("c"), owned("d"),
                                followed("e")))
    result = SimulatedTarget(TARGET).apply_plan(diff(source, TARGET)).library
    by_source = {"a": "copy2", "d": "copy1"}
    assert [p.id for p in result.playlists] == [by_source.get(x, x) for x in "abcde"]


def test_follows_before_a_create_share_a_batch_with_saved_items() -> None:
    liked = tracks("l", 45)
    source = library(playlists=(owned("a"), followed("b"), owned("c")), liked_songs=saved(*liked))
    plan = diff(source, TARGET)
    kinds = [type(action).__name__ for action in plan.writes]
    assert kinds == ["CreatePlaylist", "SaveLibraryItems", "CreatePlaylist", "SaveLibraryItems"]
    first, second = _of(plan, SaveLibraryItems)
    assert first.uris[0] == "spotify:playlist:b" and len(first.uris) == 40
    assert first.uris[1:] + second.uris == tuple(reversed(liked)), "oldest first, in order"


# --- saved collections ----------------------------------------------------------------------


def test_saved_items_go_oldest_first_in_batches_of_40_across_kinds() -> None:
    source = library(liked_songs=saved(*tracks("l", 50)),
                     albums=saved("spotify:album:a2", "spotify:album:a1"),
                     artists=saved("spotify:artist:r1", dated=False),
                     audiobooks=saved("spotify:audiobook:b1"))
    plan = diff(source, TARGET)
    batches = _of(plan, SaveLibraryItems)
    assert [len(batch.uris) for batch in batches] == [40, 14]
    assert _saved_uris(plan) == [*reversed(tracks("l", 50)), "spotify:album:a1",
                                 "spotify:album:a2", "spotify:artist:r1", "spotify:audiobook:b1"]
    two_artists = library(artists=saved("spotify:artist:r1", "spotify:artist:r2", dated=False))
    assert _saved_uris(diff(two_artists, TARGET)) == ["spotify:artist:r1", "spotify:artist:r2"]


def test_artists_are_followed_in_the_order_listed() -> None:
    artists = saved("spotify:artist:first", "spotify:artist:second", dated=False)
    target = library("alex.new", artists=saved("spotify:artist:mine", dated=False))
    plan = diff(library(artists=artists), target)
    assert _saved_uris(plan) == ["spotify:artist:first", "spotify:artist:second"]
    result = SimulatedTarget(target).apply_plan(plan).library
    assert [a.uri for a in result.artists] == ["spotify:artist:mine", "spotify:artist:first",
                                               "spotify:artist:second"]


def test_what_the_target_already_saved_is_counted_and_not_saved_again() -> None:
    source = library(liked_songs=saved("spotify:track:new", "spotify:track:old"))
    target = library("alex.new", liked_songs=saved("spotify:track:old"))
    plan = diff(source, target)
    assert _saved_uris(plan) == ["spotify:track:new"]
    liked = plan.category(Category.LIKED_SONGS)
    assert (liked.in_source, liked.new, liked.already_there, liked.skipped) == (2, 1, 1, 0)


def test_a_saved_item_listed_twice_is_saved_once() -> None:
    doubled = (*saved("spotify:album:a"), *saved("spotify:album:a"))
    assert _saved_uris(diff(library(albums=doubled), TARGET)) == ["spotify:album:a"]


def test_a_saved_local_file_or_odd_uri_is_skipped() -> None:
    source = library(liked_songs=saved("spotify:local:a:b:c:1", "spotify:user:bob"))
    assert _skip_reasons(diff(source, TARGET)) == [SkipReason.LOCAL_FILE, SkipReason.UNSUPPORTED]


def test_liked_songs_with_dates_on_an_extended_quota_app() -> None:
    liked = saved(*tracks("l", 60))
    options = PlanOptions(preserve_liked_dates=True, extended_quota=True)
    plan = diff(library(liked_songs=liked), TARGET, options)
    batches = _of(plan, SaveLikedWithDates)
    assert [len(batch.tracks) for batch in batches] == [50, 10]
    sent = [track for batch in batches for track in batch.tracks]
    assert [(t.uri, t.added_at) for t in sent] == [(i.uri, i.added_at) for i in reversed(liked)]
    assert not _of(plan, SaveLibraryItems) and not plan.notes


def test_liked_dates_without_extended_quota_fall_back_to_order_with_a_note() -> None:
    options = PlanOptions(preserve_liked_dates=True, extended_quota=False,
                          library_order=SaveOrder.KEPT)
    plan = diff(library(liked_songs=saved(*tracks("l", 3))), TARGET, options)
    assert not _of(plan, SaveLikedWithDates) and len(_saved_uris(plan)) == 3
    assert plan.notes == (NO_DATES_NOTE,)


def test_liked_songs_without_dates_are_saved_plainly_even_with_extended_quota() -> None:
    options = PlanOptions(preserve_liked_dates=True, extended_quota=True,
                          library_order=SaveOrder.KEPT)
    plan = diff(library(liked_songs=saved(*tracks("l", 3), dated=False)), TARGET, options)
    assert not _of(plan, SaveLikedWithDates) and len(_saved_uris(plan)) == 3
    assert len(plan.notes) == 1


# --- choosing what moves --------------------------------------------------------------------


def test_patterns_are_case_insensitive_globs_and_exclude_wins() -> None:
    source = library(playlists=(owned("p1", name="Work Mix"), owned("p2", name="Workout"),
                                owned("p3", name="Chill")))
    options = PlanOptions(include_playlists=("work*",), exclude_playlists=("*MIX",))
    plan = diff(source, TARGET, options)
    assert [a.source_playlist_id for a in _of(plan, CreatePlaylist)] == ["p2"]
    skips = {skip.item.playlist_id: skip for skip in plan.skips}
    assert skips["p1"].reason is SkipReason.EXCLUDED and skips["p1"].detail == "*MIX"
    assert skips["p3"].reason is SkipReason.NOT_INCLUDED


def test_a_category_turned_off_is_skipped_whole() -> None:
    source = library(playlists=(owned("p1"), followed("f1")), albums=saved("spotify:album:a"),
                     liked_songs=saved("spotify:track:t"))
    plan = diff(source, TARGET, PlanOptions(categories=("liked_songs",)))
    assert _saved_uris(plan) == ["spotify:track:t"] and len(plan.writes) == 1
    reasons = {(skip.item.category, skip.item.count): skip.reason for skip in plan.skips}
    assert reasons == {(Category.PLAYLISTS, 1): SkipReason.CATEGORY_OFF,
                       (Category.ALBUMS, 1): SkipReason.CATEGORY_OFF}
    assert len(plan.skips) == 3, "one skip per playlist, one for the albums"


# --- continuing a copy made earlier ---------------------------------------------------------


def _transferred(source_playlist: Playlist) -> SimulatedTarget:
    """A target after a first transfer of one playlist."""
    return SimulatedTarget(TARGET).apply_plan(diff(library(playlists=(source_playlist,)), TARGET))


def test_a_copy_gets_only_the_missing_tail_appended() -> None:
    first = owned("p1", tracks("t", 120))
    done = _transferred(first)
    grown = owned("p1", tracks("t", 130), snapshot_id="snap-2")
    plan = diff(library(playlists=(grown,)), done.library, links=done.links)
    (append,) = plan.writes
    assert isinstance(append, AddPlaylistItems)
    assert (append.position, append.target_playlist_id) == (120, "copy1")
    assert append.uris == tuple(tracks("t", 130)[120:])
    outline = plan.playlists[0]
    assert (outline.change, outline.already_there, outline.adding) == (PlaylistChange.UPDATE,
                                                                       120, 10)


def test_a_complete_copy_is_up_to_date() -> None:
    first = owned("p1", tracks("t", 5))
    done = _transferred(first)
    plan = diff(library(playlists=(first,)), done.library, links=done.links)
    assert plan.is_empty and _skip_reasons(plan) == [SkipReason.UP_TO_DATE]


def test_a_copy_changed_in_the_target_is_left_alone() -> None:
    done = _transferred(owned("p1", tracks("t", 5)))
    changed = owned("p1", tracks("x", 5), snapshot_id="snap-2")
    plan = diff(library(playlists=(changed,)), done.library, links=done.links)
    assert plan.is_empty and _skip_reasons(plan) == [SkipReason.DIVERGED]
    assert plan.playlists[0].change is PlaylistChange.SKIP


def test_a_copy_removed_from_the_target_is_not_made_again() -> None:
    done = _transferred(owned("p1", tracks("t", 5)))
    plan = diff(library(playlists=(owned("p1", tracks("t", 5)),)), TARGET, links=done.links)
    assert plan.is_empty and _skip_reasons(plan) == [SkipReason.COPY_REMOVED]


def test_an_unread_copy_is_trusted_while_its_snapshot_is_the_one_the_tool_left() -> None:
    done = _transferred(owned("p1", tracks("t", 5)))
    grown = library(playlists=(owned("p1", tracks("t", 7), snapshot_id="snap-2"),))
    plan = diff(grown, unread_copies(done.library), links=done.links)
    assert [a.uris for a in _of(plan, AddPlaylistItems)] == [tuple(tracks("t", 7)[5:])]
    touched = unread_copies(done.library).model_copy(
        update={"playlists": (done.library.playlists[0].model_copy(
            update={"entries": None, "snapshot_id": "edited"}),)}
    )
    plan = diff(grown, touched, links=done.links)
    assert plan.is_empty and _skip_reasons(plan) == [SkipReason.ITEMS_UNKNOWN]


def test_an_unread_source_whose_snapshot_was_carried_is_up_to_date() -> None:
    first = owned("p1", tracks("t", 5))
    done = _transferred(first)
    links = {"p1": done.links["p1"].model_copy(update={"source_snapshot_id": "snap-p1"})}
    unread = first.model_copy(update={"entries": None, "total": 5})
    plan = diff(library(playlists=(unread,)), unread_copies(done.library), links=links)
    assert plan.is_empty and _skip_reasons(plan) == [SkipReason.UP_TO_DATE]
    changed = unread.model_copy(update={"snapshot_id": "snap-2"})
    plan = diff(library(playlists=(changed,)), unread_copies(done.library), links=links)
    assert _skip_reasons(plan) == [SkipReason.ITEMS_UNKNOWN]


def test_a_source_playlist_whose_items_were_never_read_is_not_created() -> None:
    unread = owned("p1").model_copy(update={"entries": None})
    plan = diff(library(playlists=(unread,)), TARGET)
    assert plan.is_empty and _skip_reasons(plan) == [SkipReason.ITEMS_UNKNOWN]


def test_an_entry_withdrawn_from_the_copy_is_not_a_divergence() -> None:
    done = _transferred(owned("p1", tracks("t", 3)))
    copy = done.library.playlists[0]
    withdrawn = copy.model_copy(update={"entries": (entry("spotify:track:t0"), entry(None),
                                                    entry("spotify:track:t2"))})
    target = done.library.model_copy(update={"playlists": (withdrawn,)})
    grown = library(playlists=(owned("p1", tracks("t", 4)),))
    assert [a.uris for a in _of(diff(grown, target, links=done.links), AddPlaylistItems)] == [
        ("spotify:track:t3",)
    ]


def test_details_follow_the_source_not_edits_made_in_the_target() -> None:
    done = _transferred(owned("p1", name="Old name"))
    copy = done.library.playlists[0].model_copy(update={"name": "renamed by hand"})
    target = done.library.model_copy(update={"playlists": (copy,)})
    same = diff(library(playlists=(owned("p1", name="Old name"),)), target, links=done.links)
    assert same.is_empty
    renamed = diff(library(playlists=(owned("p1", name="New name", public=True),)), target,
                   links=done.links)
    (update,) = renamed.writes
    assert isinstance(update, UpdatePlaylistDetails)
    assert (update.name, update.public, update.target_playlist_id) == ("New name", True, "copy1")


def test_a_new_source_cover_is_uploaded_again() -> None:
    first = owned("p1", cover=Cover(url=f"{CUSTOM_COVER}1", custom=True))
    done = _transferred(first)
    assert diff(library(playlists=(first,)), done.library, links=done.links).is_empty
    recovered = first.model_copy(update={"cover": Cover(url=f"{CUSTOM_COVER}2", custom=True)})
    (upload,) = diff(library(playlists=(recovered,)), done.library, links=done.links).writes
    assert isinstance(upload, UploadCover) and upload.target_playlist_id == "copy1"


# --- the plan as a whole ----------------------------------------------------------------------


def test_every_skip_reason_has_words_for_people() -> None:
    assert all(reason.text and reason.text[0].islower() for reason in SkipReason)
    assert {reason for reason in SkipReason if reason.already_there} == {
        SkipReason.ALREADY_FOLLOWED, SkipReason.UP_TO_DATE}


def test_keys_are_stable_across_runs_and_the_plan_round_trips_through_json() -> None:
    source = library(playlists=(owned("p1", tracks("t", 130), cover=Cover(url="u", custom=True)),
                                followed("f1"), owned("p2", [None, "spotify:track:x"])),
                     liked_songs=saved(*tracks("l", 3)))
    options = PlanOptions(name_prefix="x ", preserve_liked_dates=True, extended_quota=True)
    first, second = diff(source, TARGET, options), diff(source, TARGET, options)
    assert [a.key for a in first.actions] == [a.key for a in second.actions]
    assert Plan.model_validate_json(first.model_dump_json()) == first


def test_doubled_keys_are_refused() -> None:
    skip = Skip.model_validate({"item": {"category": "albums"}, "reason": "category_off"})
    with pytest.raises(ValueError, match="unique"):
        Plan(source=TARGET.account, target=TARGET.account, actions=(skip, skip))


def test_a_playlist_listed_twice_in_the_source_is_planned_once() -> None:
    plan = diff(library(playlists=(owned("p1"), owned("p1"))), TARGET)
    assert len(_of(plan, CreatePlaylist)) == 1


def test_calls_are_counted_per_endpoint() -> None:
    source = library(playlists=(owned("p1", tracks("t", 250), cover=Cover(url="u", custom=True)),),
                     albums=saved(*(f"spotify:album:a{n}" for n in range(41))))
    calls = diff(source, TARGET).calls()
    assert {str(endpoint): count for endpoint, count in calls.items()} == {
        "POST /me/playlists": 1, "POST /playlists/{playlist_id}/items": ceil(250 / 100),
        "PUT /playlists/{playlist_id}/images": 1, "PUT /me/library": 2,
    }


def test_a_copy_of_a_playlist_without_a_name_gets_the_placeholder() -> None:
    from transfer.plan import PlanOptions
    from transfer.plan.options import UNTITLED

    options = PlanOptions(name_prefix="Old: ", name_suffix=" (2019)")
    assert options.target_name("Road") == "Old: Road (2019)"
    assert options.target_name("") == f"Old: {UNTITLED} (2019)"
    assert options.target_name("  \t") == f"Old: {UNTITLED} (2019)"
    assert PlanOptions().target_name("") == "Untitled playlist"
