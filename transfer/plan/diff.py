"""The pure core: ``diff(source, target, options, links) -> Plan``. No I/O.

How the plan is shaped:

- A copy already in the target that no link names (its journal lost) is adopted rather than
  created again, when its items are the source's or a start of them
  (:mod:`transfer.plan.adoption`); the notes say which.
- Playlists are handled bottom of the source list first, because Spotify puts a new or newly
  followed playlist at the top of ``/me/playlists``: so the target's list ends in the source's
  order. An owned playlist without a link gets a new copy (create, upload a custom cover, add in
  batches of 100); one with a link is continued (see :mod:`transfer.plan.playlists`). Playlists
  of others, and those the source collaborates on, are followed, unless the target has them.
- Saved collections (newest first in a snapshot) are saved oldest first so their order
  survives (followed artists, listed in the order followed, keep that order); items the target
  already has are left alone. Follows and saves share
  ``PUT /me/library`` batches of 40, across kinds: follows that must land between two creates
  are sent before the later create, their batch topped up with saved items, so the number of
  calls is the least the playlist order allows.
- Saves are sent as Spotify's order within one request asks (``options.library_order``, learnt
  by an earlier run: reversed, or one item per request when it is arbitrary); while it is not
  known they are planned in the order sent and the run learns it from its first batch of Liked
  Songs (:mod:`transfer.plan.save_order`), as the notes say.
- Liked Songs go through ``timestamped_ids`` batches of 50 instead when ``preserve_liked_dates``
  is on and the app has Extended Quota.
- ``sync --mirror`` (with a :class:`MirrorInput`): what the tool added to the target and the
  source no longer has is taken out, after every other write (:mod:`transfer.plan.mirror`).
- Writes come first in the order they run; skips (what cannot or need not move) follow in
  source order, after one for each element of the source's lists that could not be read
  (``Library.malformed``: a ``null`` where a playlist or saved item should be).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from transfer.models import SAVED_CATEGORIES, Category, Library, Playlist
from transfer.plan.actions import (
    DATED_BATCH,
    LIBRARY_BATCH,
    CreatePlaylist,
    DatedTrack,
    RemoveLibraryItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    SkippedItem,
    SkipReason,
    WriteAction,
)
from transfer.plan.adoption import Adoptions, find_adoptions
from transfer.plan.cost import one_per_request_calls
from transfer.plan.links import PlaylistLink
from transfer.plan.mirror import MirrorInput, plan_removals
from transfer.plan.model import CategoryOutline, Plan, PlaylistChange, PlaylistOutline
from transfer.plan.options import PlanOptions
from transfer.plan.playlists import PlaylistPlan, plan_playlist, untitled_notes
from transfer.plan.save_order import SaveOrder, arranged, probe_items, unlearnt
from transfer.plan.saved import SavedPlan, plan_saved

NO_DATES_NOTE = (
    "preserve_liked_dates needs an Extended-Quota app: Liked Songs are saved oldest first "
    "without their original dates."
)

Step = str | tuple[WriteAction, ...]
"""A playlist's writes, or the URI of a playlist to follow."""


@dataclass
class _Parts:
    steps: list[Step] = field(default_factory=list)
    outlines: list[PlaylistOutline] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


def diff(
    source: Library,
    target: Library,
    options: PlanOptions | None = None,
    links: Mapping[str, PlaylistLink] | None = None,
    mirror: MirrorInput | None = None,
    fresh_journal: bool = False,
) -> Plan:
    """The plan that makes ``target`` hold what ``source`` holds, as ``options`` choose.

    ``links`` (from the journal) are the copies this tool made earlier; only those are continued.
    With ``options.mirror``, ``mirror`` says what the tool added to the target and what the
    source holds, so that what it no longer holds is removed. ``fresh_journal``: no run was
    ever journaled for this pair (the notes then say when the target looks like it holds
    copies already).
    """
    options = options or PlanOptions()
    links = links or {}
    adoptions = find_adoptions(source, target, options, links)
    playlists = _plan_playlists(source, target, options, links, adoptions)
    saved = [plan_saved(category, source, target, options) for category in SAVED_CATEGORIES]
    filler = [uri for part in saved for uri in part.plain_uris]
    dated = [track for part in saved for track in part.dated]
    saves = pack_library_saves(playlists.steps, filler)
    order = options.library_order
    sent = unlearnt(saves) if order is None else arranged(saves, order)
    writes = [*sent, *_dated_batches(dated)]
    removals: tuple[RemoveLibraryItems, ...] = ()
    mirror_outline = None
    if options.mirror and mirror is not None:
        removed_entries = sum(outline.removing for outline in playlists.outlines)
        removals, mirror_outline = plan_removals(options.categories, links,
                                                 without_unsure(mirror, source), removed_entries)
    return Plan(
        source=source.account,
        target=target.account,
        options=options,
        actions=(*writes, *removals, *malformed_skips(source), *playlists.skips,
                 *(skip for part in saved for skip in part.skips)),
        playlists=tuple(playlists.outlines),
        categories=(_playlist_category(playlists.outlines), *(part.outline for part in saved)),
        notes=(*adoptions.notes(fresh_journal), *untitled_notes(playlists.outlines),
               *_notes(options, saved), *_order_notes(options.library_order, saves),
               *_unsure_notes(options, mirror, source)),
        mirror=mirror_outline,
    )


def malformed_skips(source: Library) -> tuple[Skip, ...]:
    """A skip for each element of the source's lists that could not be read, at its place."""
    return tuple(
        Skip(item=SkippedItem(category=element.category, position=element.position),
             reason=SkipReason.MALFORMED, detail=element.problem)
        for element in source.malformed
    )


def without_unsure(mirror: MirrorInput, source: Library) -> MirrorInput:
    """``mirror`` without the categories whose list held an element that could not be read: its
    absence from the source proves nothing, so a mirror removes nothing of them this time."""
    unsure = {element.category for element in source.malformed}
    if not unsure & set(mirror.present):
        return mirror
    present = {category: uris for category, uris in mirror.present.items()
               if category not in unsure}
    return mirror.model_copy(update={"present": present})


def _unsure_notes(options: PlanOptions, mirror: MirrorInput | None, source: Library
                  ) -> tuple[str, ...]:
    if not options.mirror or mirror is None:
        return ()
    unsure = sorted({element.category for element in source.malformed} & set(mirror.present),
                    key=list(Category).index)
    return tuple(
        f"Spotify sent part of the source's {category.value.replace('_', ' ')} in a shape "
        "that cannot be read: sync --mirror removes nothing of it this time." for category in
        unsure)


def _plan_playlists(
    source: Library,
    target: Library,
    options: PlanOptions,
    links: Mapping[str, PlaylistLink],
    adoptions: Adoptions,
) -> _Parts:
    target_by_id = {playlist.id: playlist for playlist in target.playlists}
    planned = [
        plan_playlist(playlist, options, links.get(playlist.id), target_by_id,
                      adoptions.copies.get(playlist.id))
        for playlist in _unique(source.playlists)
    ]
    parts = _Parts()
    for part in reversed(planned):
        parts.steps.extend(_steps(part))
    for part in planned:
        parts.outlines.append(part.outline)
        parts.skips.extend(part.skips)
    return parts


def _steps(part: PlaylistPlan) -> list[Step]:
    steps: list[Step] = []
    if part.follow is not None:
        steps.append(part.follow)
    if part.writes:
        steps.append(part.writes)
    return steps


def _unique(playlists: Iterable[Playlist]) -> list[Playlist]:
    seen: set[str] = set()
    unique = []
    for playlist in playlists:
        if playlist.id not in seen:
            seen.add(playlist.id)
            unique.append(playlist)
    return unique


def pack_library_saves(steps: Sequence[Step], filler: Sequence[str]) -> list[WriteAction]:
    """Interleave playlist writes with ``PUT /me/library`` batches in the fewest calls.

    Follows must reach Spotify before the next playlist is created (or the list order breaks),
    so a batch of follows is sent before each create, topped up with ``filler`` (saved items,
    whose order relative to playlists does not matter). Whatever is left goes last.
    """
    rest = deque(filler)
    pending: list[str] = []
    packed: list[WriteAction] = []
    for step in steps:
        if isinstance(step, str):
            pending.append(step)
            if len(pending) == LIBRARY_BATCH:
                packed.append(SaveLibraryItems(uris=tuple(pending)))
                pending = []
            continue
        if pending and any(isinstance(action, CreatePlaylist) for action in step):
            while len(pending) < LIBRARY_BATCH and rest:
                pending.append(rest.popleft())
            packed.append(SaveLibraryItems(uris=tuple(pending)))
            pending = []
        packed.extend(step)
    tail = [*pending, *rest]
    packed.extend(
        SaveLibraryItems(uris=tuple(tail[start : start + LIBRARY_BATCH]))
        for start in range(0, len(tail), LIBRARY_BATCH)
    )
    return packed


def _dated_batches(tracks: Sequence[DatedTrack]) -> list[SaveLikedWithDates]:
    return [
        SaveLikedWithDates(tracks=tuple(tracks[start : start + DATED_BATCH]))
        for start in range(0, len(tracks), DATED_BATCH)
    ]


def _playlist_category(outlines: Sequence[PlaylistOutline]) -> CategoryOutline:
    changes = [outline.change for outline in outlines]
    return CategoryOutline(
        category=Category.PLAYLISTS,
        in_source=len(outlines),
        new=changes.count(PlaylistChange.CREATE) + changes.count(PlaylistChange.FOLLOW),
        updated=changes.count(PlaylistChange.UPDATE),
        already_there=changes.count(PlaylistChange.UNCHANGED),
        skipped=changes.count(PlaylistChange.SKIP),
    )


def _notes(options: PlanOptions, saved: Sequence[SavedPlan]) -> tuple[str, ...]:
    notes: list[str] = []
    if options.preserve_liked_dates and not options.extended_quota:
        notes.append(NO_DATES_NOTE)
    notes.extend(note for part in saved for note in part.notes)
    return tuple(notes)


def _order_notes(order: SaveOrder | None, saves: Sequence[WriteAction]) -> tuple[str, ...]:
    if order is None and any(probe_items(action) for action in saves):
        extra = one_per_request_calls(unlearnt(saves)) + 1
        return (
            "The order Spotify gives the items of one save is not documented: the first batch "
            "of Liked Songs is read back to learn it (1 call). Should the order come back mixed "
            f"up, the rest is saved one per request, up to {extra} more call(s), asked before "
            "they are spent.",
        )
    if order is SaveOrder.REVERSED:
        return ("Spotify reverses the items of one save (learnt earlier): each batch is sent "
                "reversed.",)
    if order is SaveOrder.ARBITRARY and any(len(action.uris) > 1 for action in saves
                                            if isinstance(action, SaveLibraryItems)):
        return ("Spotify mixes up the items of one save (learnt earlier): saved items are "
                "sent one per request, as the calls show.",)
    return ()
