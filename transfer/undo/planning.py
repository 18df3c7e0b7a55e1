"""The undo plan: removals of what the tool added, computed without any I/O.

Everything goes through ``DELETE /me/library`` (40 URIs a call, kinds mixed): saved items are
unsaved, followed playlists and artists unfollowed, and the playlists the tool created are
removed from the target's list, which is how the Web API deletes a playlist one owns. The
newest additions are taken back first, so an undo stopped half-way leaves the older part of a
transfer, as a transfer stopped half-way would have.

The tool never adds items to a playlist it did not create, so there is nothing to take out of
the target's own playlists: removing a copy removes the items in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from transfer.models import Account
from transfer.plan import LIBRARY_BATCH, Plan, RemoveLibraryItems
from transfer.undo.items import UndoItem

UNDO_ITEMS_FACT = "undo_items"
"""The run fact: the items an undo run takes back, with their names (for its preview and
summary when it is resumed)."""


def undo_plan(source: Account, target: Account, items: Sequence[UndoItem]) -> Plan:
    """The removals that take ``items`` (oldest first, as the journal lists them) back out of
    ``target``. ``source`` is the account they were moved from."""
    uris = list(dict.fromkeys(item.uri for item in reversed(items)))
    removals = tuple(
        RemoveLibraryItems(uris=tuple(uris[start : start + LIBRARY_BATCH]))
        for start in range(0, len(uris), LIBRARY_BATCH)
    )
    return Plan(source=source, target=target, actions=removals)
