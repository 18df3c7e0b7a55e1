"""From a run's journaled actions to the report's parts: counts per category, the fate of each
source playlist, and the refused writes in words.

An action's outcome decides its column: ``done``; ``failed``; ``left`` while it is pending,
sent or unknown (a stopped run). A write set aside for replacements (``skipped``, e.g. dated
saves Spotify refused, replaced by plain saves) is counted through its replacements only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from transfer.journal import ActionRecord, Outcome
from transfer.journal.counts import COVERS, PLAYLIST_DETAILS, PLAYLIST_ITEMS, count_cells
from transfer.models import Category, Kind, kind_of, uri_of
from transfer.plan import (
    Action,
    AddPlaylistItems,
    AdoptPlaylist,
    CreatePlaylist,
    Plan,
    PlaylistChange,
    PlaylistLink,
    PlaylistOutline,
    RemoveLibraryItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    UpdatePlaylistDetails,
    UploadCover,
    category_of,
)
from transfer.report.links import playlist_url
from transfer.report.results import (
    CategoryResult,
    FailedAction,
    PlaylistResult,
    PlaylistStatus,
    skipped_item,
)

CONTENT_GROUPS = (PLAYLIST_ITEMS, COVERS, PLAYLIST_DETAILS)
_LEFT = (Outcome.PENDING, Outcome.SENT, Outcome.UNKNOWN)


def column(outcome: Outcome) -> str | None:
    """The count an action with this outcome adds to; None for one set aside."""
    if outcome is Outcome.SKIPPED:
        return None
    if outcome in _LEFT:
        return "left"
    return outcome.value


def category_counts(plan: Plan, records: Sequence[ActionRecord]) -> list[CategoryResult]:
    """One row per category, then one per part of the copies' contents. What moved, is left
    or failed comes from the actions; what was already there from the plan's outline."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for record in records:
        action = record.action
        if isinstance(action, Skip):
            if not action.reason.already_there:
                group = PLAYLIST_ITEMS if action.item.position is not None else action.item.category
                counts[group]["skipped"] += action.item.count
            continue
        name = column(record.outcome)
        if name is not None:
            for group, cell, amount in count_cells(action, name):
                counts[group][cell] += amount
    for category in Category:
        counts[category.value]["already_there"] = plan.category(category).already_there
    counts[PLAYLIST_ITEMS]["already_there"] = sum(p.already_there for p in plan.playlists)
    rows = [CategoryResult(category=category.value, in_source=plan.category(category).in_source,
                           **counts[category.value]) for category in Category]
    rows.extend(CategoryResult(category=group, **counts[group]) for group in CONTENT_GROUPS)
    return rows


def playlist_results(
    plan: Plan, records: Sequence[ActionRecord], links: Mapping[str, PlaylistLink]
) -> list[PlaylistResult]:
    writes: dict[str, list[ActionRecord]] = defaultdict(list)
    skips: dict[str, list[Skip]] = defaultdict(list)
    follows: dict[str, ActionRecord] = {}
    for record in records:
        action = record.action
        if isinstance(action, Skip):
            if action.item.category is Category.PLAYLISTS and action.item.position is not None:
                skips[action.item.playlist_id or ""].append(action)
        elif isinstance(action, SaveLibraryItems):
            follows.update({uri: record for uri in action.uris if _is_playlist(uri)})
        elif record.outcome is not Outcome.SKIPPED:
            source_id = getattr(action, "source_playlist_id", None)
            if source_id is not None:
                writes[source_id].append(record)
    return [
        _playlist_result(outline, writes[outline.source_id], skips[outline.source_id],
                         follows.get(uri_of(Kind.PLAYLIST, outline.source_id)),
                         links.get(outline.source_id))
        for outline in plan.playlists
    ]


def _is_playlist(uri: str) -> bool:
    return kind_of(uri) is Kind.PLAYLIST


def _playlist_result(
    outline: PlaylistOutline,
    writes: list[ActionRecord],
    entry_skips: list[Skip],
    follow: ActionRecord | None,
    link: PlaylistLink | None,
) -> PlaylistResult:
    own = writes + ([follow] if follow is not None else [])
    adds = [record for record in writes if isinstance(record.action, AddPlaylistItems)]
    target_id = outline.target_id or (link.target_playlist_id if link else None)
    return PlaylistResult(
        source_id=outline.source_id,
        source_url=playlist_url(outline.source_id),
        name=outline.name,
        relation=outline.relation,
        owner_name=outline.owner_name,
        change=outline.change,
        status=_status(outline.change, own),
        target_id=target_id,
        adopted=outline.adopted,
        target_url=playlist_url(target_id),
        target_name=_target_name(writes, link) if outline.relation == "owned" else None,
        entries=outline.entries,
        items_added=_items(adds, Outcome.DONE),
        items_left=sum(_items(adds, outcome) for outcome in _LEFT),
        items_failed=_items(adds, Outcome.FAILED),
        items_already_there=outline.already_there,
        items_skipped=len(entry_skips),
        cover=_cover(writes),
        details_changed=any(isinstance(record.action, UpdatePlaylistDetails)
                            and record.outcome is Outcome.DONE for record in writes),
        skip_reason=outline.skip_reason,
        skip_reason_text=outline.skip_reason.text if outline.skip_reason else None,
        skip_detail=outline.skip_detail,
        skipped_items=[skipped_item(skip) for skip in entry_skips],
    )


def _status(change: PlaylistChange, records: list[ActionRecord]) -> PlaylistStatus:
    if change is PlaylistChange.SKIP:
        return "skipped"
    if change is PlaylistChange.UNCHANGED:
        return "already_there"
    columns = {column(record.outcome) for record in records} - {None}
    if columns <= {"done"}:
        return "done"
    if "done" in columns:
        return "partial"
    return "left" if "left" in columns else "failed"


def _items(adds: list[ActionRecord], outcome: Outcome) -> int:
    return sum(len(record.action.uris) for record in adds if record.outcome is outcome
               and isinstance(record.action, AddPlaylistItems))


def _cover(writes: list[ActionRecord]) -> str | None:
    for record in writes:
        if isinstance(record.action, UploadCover):
            name = column(record.outcome)
            return "uploaded" if name == "done" else name
    return None


def _target_name(writes: list[ActionRecord], link: PlaylistLink | None) -> str | None:
    for record in writes:
        if isinstance(record.action, CreatePlaylist | AdoptPlaylist | UpdatePlaylistDetails):
            return record.action.name
    return link.details.name if link is not None else None


def failure_of(record: ActionRecord) -> FailedAction:
    action = record.action
    return FailedAction(
        key=record.key,
        type=action.type,
        description=describe(action),
        reason=record.reason or "",
        playlist_id=getattr(action, "source_playlist_id", None),
        playlist_name=getattr(action, "playlist_name", None) or getattr(action, "name", None),
        uris=list(getattr(action, "uris", ())),
    )


def describe(action: Action) -> str:
    """What an action does, in words."""
    if isinstance(action, CreatePlaylist):
        return f"create the playlist “{action.name}”"
    if isinstance(action, AdoptPlaylist):
        return f"adopt “{action.name}”, a copy already in the target, as the tool's"
    if isinstance(action, AddPlaylistItems):
        return (f"add {len(action.uris)} items to the copy of “{action.playlist_name}” "
                f"(from #{action.position + 1})")
    if isinstance(action, UploadCover):
        return f"upload the cover of the copy of “{action.playlist_name}”"
    if isinstance(action, UpdatePlaylistDetails):
        return f"change the details of the copy of “{action.playlist_name}”"
    if isinstance(action, SaveLikedWithDates):
        return f"save {len(action.uris)} Liked Songs with their dates"
    if isinstance(action, SaveLibraryItems | RemoveLibraryItems) and action.redo:
        how = "save again" if isinstance(action, SaveLibraryItems) else "take out, to save again,"
        return f"{how} {len(action.uris)} items in their order"
    if isinstance(action, SaveLibraryItems):
        kinds: dict[str, int] = defaultdict(int)
        for uri in action.uris:
            kinds[category_of(uri).value.replace("_", " ")] += 1
        return "save or follow " + ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    if isinstance(action, RemoveLibraryItems):
        return f"remove {len(action.uris)} items from the library (undo)"
    if isinstance(action, Skip):
        return f"skip {action.item.name or action.item.ref}"
    playlist = getattr(action, "playlist_name", None)
    where = f" on the copy of “{playlist}”" if playlist else ""
    return f"{action.type.replace('_', ' ')}{where}"
