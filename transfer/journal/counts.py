"""A run's counts per category, from its actions: what is done, left, failed or skipped.

Saved items count under their category (a followed playlist under ``playlists``); a created
playlist counts under ``playlists`` and the entries of copies (added or skipped) under
``playlist_items``; ``covers`` and ``playlist_details`` count uploads and detail changes, and
``playlist_items_removed`` the URIs ``sync --mirror`` takes out of copies (as progress units).
``already_there`` holds what needed no work (already followed, copies up to date).

A removal done (``sync --mirror``, ``undo``) counts as ``removed``, never as ``done``: it took
something out of the target. The URIs taken out of copies count under ``playlist_items``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from transfer.journal.records import ActionRecord, Outcome
from transfer.models import Category
from transfer.plan import (
    AddPlaylistItems,
    CreatePlaylist,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    UpdatePlaylistDetails,
    UploadCover,
    category_of,
)

PLAYLIST_ITEMS = "playlist_items"
COVERS = "covers"
PLAYLIST_DETAILS = "playlist_details"
PLAYLIST_ITEMS_REMOVED = "playlist_items_removed"


def run_counts(records: Iterable[ActionRecord]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for record in records:
        action = record.action
        if isinstance(action, Skip):
            column = "already_there" if action.reason.already_there else "skipped"
            group = PLAYLIST_ITEMS if action.item.position is not None else action.item.category
            counts[group][column] += action.item.count
            continue
        if record.outcome is Outcome.SKIPPED:
            continue  # set aside for replacements, which are counted instead
        for group, column, amount in count_cells(action, _column(record.outcome)):
            counts[group][column] += amount
    return {group: dict(columns) for group, columns in counts.items()}


REMOVED = "removed"


def count_cells(action: object, column: str) -> list[tuple[str, str, int]]:
    """What ``action``, ended in ``column`` (done, left, failed), adds to a run's counts, as
    ``(group, column, count)``: a removal done adds to ``removed``."""
    removal = isinstance(action, RemoveLibraryItems | RemovePlaylistItems)
    if removal and column == "done":
        column = REMOVED
    return [(PLAYLIST_ITEMS if group == PLAYLIST_ITEMS_REMOVED else group, column, amount)
            for group, amount in action_units(action)]


def _column(outcome: Outcome) -> str:
    if outcome is Outcome.DONE:
        return "done"
    return "failed" if outcome is Outcome.FAILED else "left"


def action_units(action: object) -> list[tuple[str, int]]:
    """What one action moves, as ``(group, count)`` pairs (also the engine's progress units);
    for a removal, what it takes out of the target."""
    if isinstance(action, CreatePlaylist):
        return [(Category.PLAYLISTS.value, 1)]
    if isinstance(action, AddPlaylistItems | ReplacePlaylistItems):
        return [(PLAYLIST_ITEMS, len(action.uris))]
    if isinstance(action, RemovePlaylistItems):
        return [(PLAYLIST_ITEMS_REMOVED, len(action.uris))]
    if isinstance(action, UploadCover):
        return [(COVERS, 1)]
    if isinstance(action, UpdatePlaylistDetails):
        return [(PLAYLIST_DETAILS, 1)]
    if isinstance(action, SaveLibraryItems | RemoveLibraryItems) and action.redo:
        return []  # an order repaired: the items were counted by the save before
    if isinstance(action, SaveLibraryItems | SaveLikedWithDates | RemoveLibraryItems):
        groups: dict[str, int] = defaultdict(int)
        for uri in action.uris:
            groups[category_of(uri).value] += 1
        return list(groups.items())
    return []
