"""Property tests of the diff: a plan played against a simulated target gives exactly the
expected library; a second plan is empty; batches respect Spotify's limits; an interrupted
transfer re-planned from its links ends the same."""

from __future__ import annotations

from itertools import pairwise
from math import ceil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.plan_support import (
    SimulatedTarget,
    carried,
    every_page_readable,
    expected_saved,
    libraries,
    plan_options,
    saved_uris,
    unread_copies,
)
from transfer.models import SAVED_CATEGORIES, Category, Library, Playlist
from transfer.plan import (
    ADD_BATCH,
    DATED_BATCH,
    LIBRARY_BATCH,
    AddPlaylistItems,
    Plan,
    PlanOptions,
    PlaylistChange,
    SaveLibraryItems,
    SaveLikedWithDates,
    diff,
)
from transfer.plan.playlists import target_details
from transfer.plan.save_order import SaveOrder

PROPERTIES = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _selected(source: Library, options: PlanOptions) -> list[Playlist]:
    if not options.wants(Category.PLAYLISTS):
        return []
    unique = {p.id: p for p in reversed(source.playlists)}
    chosen = [p for p in source.playlists if unique.pop(p.id, None) is not None]
    return [
        p for p in chosen
        if options.excluding_pattern(p.name) is None and options.is_included(p.name)
        and (p.relation != "owned" or every_page_readable(p))
    ]


def _check_result(
    source: Library, target: Library, options: PlanOptions, result: SimulatedTarget
) -> None:
    """The expected target, computed independently of the diff."""
    for category in SAVED_CATEGORIES:
        expected = expected_saved(source, target, category) if options.wants(category) else \
            saved_uris(target, category)
        dated = category is Category.LIKED_SONGS and options.preserve_liked_dates and \
            options.extended_quota
        if dated:
            everything = [*getattr(source, category.value), *getattr(target, category.value)]
            dates = {item.uri: item.added_at for item in everything}
            expected = sorted(expected, key=lambda uri: dates[uri], reverse=True)
        assert saved_uris(result.library, category) == expected, category
    had = {p.id for p in target.playlists}
    new = [p for p in _selected(source, options) if p.relation == "owned" or p.id not in had]
    new_ids = [result.links[p.id].target_playlist_id if p.relation == "owned" else p.id
               for p in new]
    assert [p.id for p in result.library.playlists] == [*new_ids, *(p.id for p in target.playlists)]
    copies = {p.id: p for p in result.library.playlists}
    for playlist in new:
        if playlist.relation == "owned":
            copy = copies[result.links[playlist.id].target_playlist_id]
            assert [e.uri for e in copy.entries or ()] == carried(playlist)
            assert copy.name == options.target_name(playlist.name)
            details = target_details(playlist, options)
            assert (copy.public, copy.collaborative) == (details.public, details.collaborative)
            assert (copy.cover is not None) == bool(playlist.cover and playlist.cover.custom)


@PROPERTIES
@given(libraries("alex.old"), libraries("alex.new", source=False), plan_options)
def test_a_plan_applied_gives_the_expected_target_and_a_second_plan_is_empty(
    source: Library, target: Library, options: PlanOptions
) -> None:
    plan = diff(source, target, options)
    result = SimulatedTarget(target).apply_plan(plan)
    _check_result(source, target, options, result)
    again = diff(source, result.library, options, result.links)
    assert again.is_empty, again.writes[:3]
    assert diff(source, unread_copies(result.library), options, result.links).is_empty


@PROPERTIES
@given(libraries("alex.old"), libraries("alex.new", source=False), plan_options)
def test_batches_respect_spotify_limits_and_saves_use_the_fewest_calls(
    source: Library, target: Library, options: PlanOptions
) -> None:
    """With the order within one save known to be kept (how each order rearranges the saves
    is ``test_save_order``'s)."""
    plan = diff(source, target, options.model_copy(update={"library_order": SaveOrder.KEPT}))
    saves = [a for a in plan.writes if isinstance(a, SaveLibraryItems)]
    adds = [a for a in plan.writes if isinstance(a, AddPlaylistItems)]
    dated = [a for a in plan.writes if isinstance(a, SaveLikedWithDates)]
    assert all(0 < len(a.uris) <= ADD_BATCH for a in adds)
    assert all(0 < len(a.uris) <= LIBRARY_BATCH for a in saves)
    assert all(0 < len(a.tracks) <= DATED_BATCH for a in dated)
    assert len(saves) == _fewest_library_calls(plan)
    for playlist_id in {a.source_playlist_id for a in adds}:
        batches = [a for a in adds if a.source_playlist_id == playlist_id]
        assert batches[0].position == 0, "a fresh plan fills each copy from the start"
        for previous, batch in pairwise(batches):
            assert batch.position == previous.position + len(previous.uris)


def _fewest_library_calls(plan: Plan) -> int:
    """The fewest ``PUT /me/library`` calls the playlist order allows, from the outline.

    Follows between two creates (bottom of the list first) must be sent before the later
    create: each such run takes whole batches, whose spare room saved items may fill; the
    follows after the last create and the saved items left over share the final batches.
    """
    runs, run = [], 0
    for outline in reversed(plan.playlists):
        if outline.change is PlaylistChange.FOLLOW:
            run += 1
        elif outline.change is PlaylistChange.CREATE and run:
            runs, run = [*runs, run], 0
    saved_items = sum(plan.category(category).new for category in SAVED_CATEGORIES)
    if any(isinstance(action, SaveLikedWithDates) for action in plan.writes):
        saved_items -= plan.category(Category.LIKED_SONGS).new
    spare = sum(LIBRARY_BATCH * ceil(r / LIBRARY_BATCH) - r for r in runs)
    return sum(ceil(r / LIBRARY_BATCH) for r in runs) + ceil(
        (run + max(0, saved_items - spare)) / LIBRARY_BATCH
    )


@PROPERTIES
@given(
    libraries("alex.old"), libraries("alex.new", source=False), plan_options,
    st.floats(0, 1), st.booleans(),
)
def test_an_interrupted_transfer_replanned_from_its_links_ends_the_same(
    source: Library, target: Library, options: PlanOptions, share: float, unread: bool
) -> None:
    """What a re-run after a crash does: plan again against the target as it is, continuing
    copies through the links (read again, or trusted from the journal)."""
    plan = diff(source, target, options)
    cut = int(len(plan.writes) * share)
    partial = SimulatedTarget(target).apply(plan.writes[:cut])
    seen = unread_copies(partial.library) if unread else partial.library
    rest = diff(source, seen, options, partial.links)
    assert not {a.key for a in rest.writes} & {a.key for a in plan.writes[:cut]}, "redone"
    partial.apply_plan(rest)
    _check_result(source, target, options, partial)
    assert partial.calls <= len(plan.writes) + ceil(len(plan.writes) / LIBRARY_BATCH) + 1


@PROPERTIES
@given(libraries("alex.old"), libraries("alex.new", source=False), plan_options)
def test_the_outline_accounts_for_every_playlist_and_item(
    source: Library, target: Library, options: PlanOptions
) -> None:
    plan = diff(source, target, options)
    assert [o.source_id for o in plan.playlists] == list(dict.fromkeys(p.id for p in
                                                                       source.playlists))
    for outline in plan.categories:
        assert outline.in_source == (
            outline.new + outline.updated + outline.already_there + outline.skipped
        ), outline
    for category in SAVED_CATEGORIES:
        new = sum(
            1 for action in plan.writes
            if isinstance(action, SaveLibraryItems | SaveLikedWithDates)
            for uri in action.uris
            if uri.split(":")[1] == _KIND[category]
        )
        assert new == plan.category(category).new


_KIND = {
    Category.LIKED_SONGS: "track", Category.ALBUMS: "album", Category.ARTISTS: "artist",
    Category.SHOWS: "show", Category.EPISODES: "episode", Category.AUDIOBOOKS: "audiobook",
}
