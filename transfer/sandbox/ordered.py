"""Ordered collections with constant-time membership, for libraries of tens of thousands."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from transfer.sandbox.seed import SavedRef


class OrderedIds:
    """Ids in a meaningful order (a playlist list, followed artists) with O(1) ``in``."""

    def __init__(self, ids: list[str]) -> None:
        self._ids = list(dict.fromkeys(ids))
        self._members = set(self._ids)
        self._positions: dict[str, int] | None = None

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._members

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def page(self, offset: int, limit: int) -> list[str]:
        return self._ids[offset:offset + limit]

    def position(self, item_id: str) -> int | None:
        if self._positions is None:
            self._positions = {value: index for index, value in enumerate(self._ids)}
        return self._positions.get(item_id)

    def add_first(self, item_id: str) -> bool:
        if item_id in self._members:
            return False
        self._ids.insert(0, item_id)
        self._members.add(item_id)
        self._positions = None
        return True

    def add_last(self, item_id: str) -> bool:
        if item_id in self._members:
            return False
        self._ids.append(item_id)
        self._members.add(item_id)
        if self._positions is not None:
            self._positions[item_id] = len(self._ids) - 1
        return True

    def remove(self, item_id: str) -> bool:
        if item_id not in self._members:
            return False
        self._ids.remove(item_id)
        self._members.discard(item_id)
        self._positions = None
        return True

    def to_list(self) -> list[str]:
        return list(self._ids)


def _minute(ref: SavedRef) -> str:
    return ref.added_at[:16]


class SavedCollection:
    """Saved items of one kind, oldest first (the seed's order); the API pages newest first.

    Refs are never changed in place (a new save is a new ref), so they are shared, not copied.
    """

    def __init__(self, refs: list[SavedRef]) -> None:
        self._refs = list(refs)
        self._by_id = {ref.id: ref for ref in self._refs}

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._by_id

    def __len__(self) -> int:
        return len(self._refs)

    def newest(self) -> SavedRef | None:
        return self._refs[-1] if self._refs else None

    def newest_first(self, offset: int, limit: int) -> list[SavedRef]:
        end = len(self._refs) - offset
        start = max(0, end - limit)
        return self._refs[start:end][::-1] if end > 0 else []

    def add_newest(self, item_id: str, added_at: str) -> bool:
        """Save as the newest; a saved item keeps its date. True when it was added."""
        if item_id in self._by_id:
            return False
        ref = SavedRef(id=item_id, added_at=added_at)
        self._refs.append(ref)
        self._by_id[item_id] = ref
        return True

    def add_dated(self, item_id: str, added_at: str) -> bool:
        """Save with a given date, placed by that date at minute granularity (as Spotify
        orders): within one minute, later saves count as newer."""
        if item_id in self._by_id:
            return False
        ref = SavedRef(id=item_id, added_at=added_at)
        where = bisect.bisect_right(self._refs, _minute(ref), key=_minute)
        self._refs.insert(where, ref)
        self._by_id[item_id] = ref
        return True

    def remove(self, item_id: str) -> bool:
        ref = self._by_id.pop(item_id, None)
        if ref is None:
            return False
        index = next(i for i in range(len(self._refs) - 1, -1, -1) if self._refs[i] is ref)
        del self._refs[index]
        return True

    def to_list(self) -> list[SavedRef]:
        return list(self._refs)
