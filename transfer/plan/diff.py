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
- Liked Songs go through ``timestamped_ids`` batches of 50 instead when ``preserve_liked_dates``
  is on and the app has Extended Quota.
- ``sync --mirror`` (with a :class:`MirrorInput`): what the tool added to the target and the
  source no longer has is taken out, after every other write (:mod:`transfer.plan.mirror`).
- Writes come first in the order they run; skips (what cannot or need not move) follow in
  source order.
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
    WriteAction,
)
from transfer.plan.adoption import Adoptions, find_adoptions
from transfer.plan.links import PlaylistLink
from transfer.plan.mirror import MirrorInput, plan_removals
from transfer.plan.model import CategoryOutline, Plan, PlaylistChange, PlaylistOutline
from transfer.plan.options import PlanOptions
from transfer.plan.playlists import PlaylistPlan, plan_playlist, untitled_notes
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
    writes = [*pack_library_saves(playlists.steps, filler), *_dated_batches(dated)]
    removals: tuple[RemoveLibraryItems, ...] = ()
    mirror_outline = None
    if options.mirror and mirror is not None:
        removed_entries = sum(outline.removing for outline in playlists.outlines)
        removals, mirror_outline = plan_removals(options.categories, links, mirror,
                                                 removed_entries)
    return Plan(
        source=source.account,
        target=target.account,
        options=options,
        actions=(*writes, *removals, *playlists.skips,
                 *(skip for part in saved for skip in part.skips)),
        playlists=tuple(playlists.outlines),
        categories=(_playlist_category(playlists.outlines), *(part.outline for part in saved)),
        notes=(*adoptions.notes(fresh_journal), *untitled_notes(playlists.outlines),
               *_notes(options, saved)),
        mirror=mirror_outline,
    )


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
