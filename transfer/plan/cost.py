"""What a transfer costs in API calls, and the least any tool could spend on a library.

The yardstick (``../shared/PRODUCT.md``, "Cost is API calls"): reads at 50 a page, playlist
adds at 100, library saves at 40 across kinds, one create per playlist, one upload per custom
cover. It counts the reading of both libraries and the writes; identity look-ups (``GET /me``)
and token refreshes are outside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from math import ceil

from transfer.models import SAVED_CATEGORIES, Category, Library, Playlist
from transfer.plan.actions import ADD_BATCH, LIBRARY_BATCH, WriteAction
from transfer.plan.endpoints import SAVED_COLLECTION_READS, Endpoint
from transfer.plan.playlists import carried_entries
from transfer.plan.save_order import SaveOrder, arrange

READ_PAGE = 50

SECONDS_PER_CALL = 0.3
"""A typical round trip to the Web API, for estimates."""
SECONDS_PER_UPLOAD = 1.5
"""A cover upload: a fetch of the image and a slower, separately rate-limited upload."""


@dataclass(frozen=True)
class CallBudget:
    """API calls per endpoint, split into reads and writes."""

    calls: Mapping[Endpoint, int]

    @property
    def reads(self) -> int:
        return sum(count for endpoint, count in self.calls.items() if not endpoint.is_write)

    @property
    def writes(self) -> int:
        return sum(count for endpoint, count in self.calls.items() if endpoint.is_write)

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def least_calls(source: Library, target: Library | None = None) -> CallBudget:
    """The fewest calls that could move ``source`` into ``target`` (empty when None).

    Every owned playlist is copied and everything else followed or saved, as with default
    options; with a non-empty target, what it already holds is still read but not written.
    """
    calls: Counter[Endpoint] = Counter()
    _add_reads(calls, source, owned_items=True)
    _add_reads(calls, target, owned_items=False)
    _add_writes(calls, source, target)
    return CallBudget(calls={endpoint: count for endpoint, count in calls.items() if count})


def least_reads(library: Library, playlist_ids: Collection[str],
                categories: Iterable[Category]) -> int:
    """The fewest calls that read ``library``'s playlist list, the items of the playlists
    ``playlist_ids`` names and its collections of ``categories`` (what ``verify`` reads)."""
    calls = _pages(len(library.playlists))
    calls += sum(_pages(len(getattr(library, category.value))) for category in categories)
    return calls + sum(_pages(_size(playlist), minimum=0) for playlist in library.playlists
                       if playlist.id in playlist_ids)


def _pages(count: int, minimum: int = 1) -> int:
    return max(minimum, ceil(count / READ_PAGE))


def _add_reads(calls: Counter[Endpoint], library: Library | None, owned_items: bool) -> None:
    calls[Endpoint.MY_PLAYLISTS] += _pages(len(library.playlists) if library else 0)
    for category in SAVED_CATEGORIES:
        items = getattr(library, category.value) if library else ()
        calls[SAVED_COLLECTION_READS[category]] += _pages(len(items))
    if owned_items and library is not None:
        for playlist in library.playlists:
            if playlist.relation == "owned":
                calls[Endpoint.PLAYLIST_ITEMS] += _pages(_size(playlist), minimum=0)


def _size(playlist: Playlist) -> int:
    if playlist.entries is not None:
        return len(playlist.entries)
    return playlist.total or 0


def _add_writes(calls: Counter[Endpoint], source: Library, target: Library | None) -> None:
    saved, followed = _target_holdings(target)
    to_save = sum(
        1 for category in SAVED_CATEGORIES for item in getattr(source, category.value)
        if item.uri not in saved
    )
    for playlist in source.playlists:
        if playlist.relation != "owned":
            to_save += playlist.id not in followed
            continue
        calls[Endpoint.CREATE_PLAYLIST] += 1
        calls[Endpoint.ADD_ITEMS] += ceil(len(carried_entries(playlist)[0]) / ADD_BATCH)
        calls[Endpoint.UPLOAD_COVER] += bool(playlist.cover and playlist.cover.custom)
    calls[Endpoint.SAVE_LIBRARY] += ceil(to_save / LIBRARY_BATCH)


def _target_holdings(target: Library | None) -> tuple[set[str], set[str]]:
    """The URIs the target has saved and the ids of the playlists in its list."""
    if target is None:
        return set(), set()
    saved = {item.uri for category in SAVED_CATEGORIES for item in getattr(target, category.value)}
    return saved, {playlist.id for playlist in target.playlists}


def estimated_seconds(calls: Mapping[Endpoint, int]) -> float:
    """A rough duration for these calls, when Spotify does not ask to wait."""
    uploads = calls.get(Endpoint.UPLOAD_COVER, 0)
    others = sum(calls.values()) - uploads
    return others * SECONDS_PER_CALL + uploads * SECONDS_PER_UPLOAD


def one_per_request_calls(actions: Iterable[WriteAction]) -> int:
    """The calls these saves would take more if Spotify's order within a request turns out to
    be arbitrary, so that each saved item needs a request of its own
    (:mod:`transfer.plan.save_order`)."""
    return sum(len(arrange(action, SaveOrder.ARBITRARY)) - 1 for action in actions)
