"""The operations benchmarked, in the order they run against one sandbox, and the least API
calls each could cost for a library (the yardstick of ``transfer.plan.cost``).

The yardstick counts reads at 50 a page, playlist adds at 100, library saves at 40 across kinds,
one create per playlist and one upload per custom cover; identity look-ups (``GET /me``) are
outside it, so they are left out of the measured count it is compared with.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from pathlib import Path

from transfer.models import SAVED_CATEGORIES, Library
from transfer.plan.cost import READ_PAGE, least_calls

OPERATION_NAMES = ("export", "plan", "transfer", "re-run", "sync", "no-op sync")
NO_OP_SYNC_BOUND = 10
"""A sync where nothing changed may cost at most this many calls, whatever the size."""


@dataclass(frozen=True)
class Operation:
    """One command run against the sandbox. ``least`` gives the least calls it could cost
    for the source library (None when the bound is a constant, ``bound``)."""

    name: str
    arguments: tuple[str, ...]
    least: Callable[[Library], int] | None = None
    bound: int | None = None


def pages(count: int, minimum: int = 1) -> int:
    """Pages of 50 to read ``count`` items (a collection is read at least once to know it)."""
    return max(minimum, ceil(count / READ_PAGE))


def library_reads(library: Library, item_relations: tuple[str, ...] = ()) -> int:
    """Reading the playlist list and every saved collection, and the items of the playlists
    whose relation is in ``item_relations`` (an empty one costs no read: the list says so)."""
    reads = pages(len(library.playlists))
    reads += sum(pages(len(getattr(library, category.value))) for category in SAVED_CATEGORIES)
    reads += sum(pages(len(playlist.entries or ()), minimum=0) for playlist in library.playlists
                 if playlist.relation in item_relations)
    return reads


def least_export(library: Library) -> int:
    """A whole snapshot: the items of every playlist that can be read, too."""
    return library_reads(library, ("owned", "collaborator"))


def least_plan(library: Library) -> int:
    """Both libraries read, nothing written (the target is empty before the transfer)."""
    return least_calls(library).reads


def least_transfer(library: Library) -> int:
    return least_calls(library).total


def least_rerun(library: Library) -> int:
    """Both libraries read again, except the items of playlists unchanged since they were
    copied (the list gives each playlist's snapshot); the target then holds as much."""
    return 2 * library_reads(library)


def sync_available() -> bool:
    """Whether the tool has a ``sync`` command yet."""
    from transfer.commands import COMMAND_MODULES

    return "sync" in COMMAND_MODULES and importlib.util.find_spec("transfer.commands.sync") \
        is not None


def operations(snapshot: Path, with_sync: bool) -> list[Operation]:
    """Export, plan, a fresh transfer, a re-run and, when the tool has ``sync``, a first sync
    after the transfer and a second one where nothing changed at all."""
    chosen = [
        Operation("export", ("export", "-o", str(snapshot)), least_export),
        Operation("plan", ("plan",), least_plan),
        Operation("transfer", ("transfer", "--yes"), least_transfer),
        Operation("re-run", ("transfer", "--yes"), least_rerun),
    ]
    if with_sync:
        chosen += [
            Operation("sync", ("sync",)),
            Operation("no-op sync", ("sync",), bound=NO_OP_SYNC_BOUND),
        ]
    return chosen
