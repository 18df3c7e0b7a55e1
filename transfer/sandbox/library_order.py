"""The order one ``PUT /me/library`` gives the items it saves among themselves.

Spotify documents that saved items are ordered by ``added_at`` at minute granularity; how it
dates the items of one request among themselves is not documented (``SPOTIFY_API.md``). The
sandbox can answer each way a client must be ready for: ``kept`` (the order sent: the first
is the oldest), ``reversed`` (the first sent shows as the newest) and ``arbitrary`` (a
shuffle drawn from the sandbox's ``rng_seed``; with three items or more it is never the order
sent nor its reverse, the hardest case for a client that learns the order from one request).
Only saved items (tracks, albums, shows, episodes, audiobooks) are affected: a follow's place
is a list position, not a date.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from typing import Literal, TypeVar, get_args

LibraryOrder = Literal["kept", "reversed", "arbitrary"]
LIBRARY_ORDERS: tuple[LibraryOrder, ...] = get_args(LibraryOrder)

_T = TypeVar("_T")


class SaveDating:
    """Puts the new items of one save in the order they are dated; thread-safe."""

    def __init__(self, order: LibraryOrder = "kept", rng_seed: int = 0) -> None:
        if order not in LIBRARY_ORDERS:
            raise ValueError(f"unknown library order {order!r}")
        self.order: LibraryOrder = order
        self._rng = random.Random(f"library-order-{rng_seed}")
        self._lock = threading.Lock()

    def arrange(self, items: Sequence[_T]) -> list[_T]:
        if self.order == "kept" or len(items) < 2:
            return list(items)
        if self.order == "reversed":
            return list(reversed(items))
        with self._lock:
            return _shuffled(list(items), self._rng)


def _shuffled(items: list[_T], rng: random.Random) -> list[_T]:
    """A shuffle that is neither the order given nor its reverse (when three or more)."""
    if len(items) == 2:
        return items if rng.random() < 0.5 else items[::-1]
    indexes = list(range(len(items)))
    while True:
        rng.shuffle(indexes)
        if indexes != sorted(indexes) and indexes != sorted(indexes, reverse=True):
            return [items[index] for index in indexes]
