"""How the items of a copy the tool made are brought in line with its source playlist.

``present`` is what the copy holds now, ``wanted`` what the source holds that can be copied.
When the copy is a prefix of the source (the usual case: items were appended), the rest is
appended. Otherwise only a sync goes on, and only while the copy still holds exactly what the
tool put there (``carried``, from the link): a copy someone changed in the target account is
left alone.

- ``sync``: the source's new items (those the copy does not hold yet, counted with their
  duplicates) are appended; what the source took out or moved stays as it was in the copy,
  which is then ``behind`` until a mirror.
- ``sync --mirror``: the copy is made to hold exactly the source's items in their order. The
  longest start of the source that the copy holds in order is kept; the rest of the copy is
  taken out and the rest of the source appended. Spotify removes by URI (every occurrence),
  so when a URI to take out also stays elsewhere in the copy, the copy is replaced instead:
  its first 100 items in one call, then the others appended.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transfer.plan.actions import (
    ADD_BATCH,
    AddPlaylistItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    WriteAction,
)


@dataclass(frozen=True)
class CopyTarget:
    """Where the writes go: the source playlist, its copy (None while to be created), and the
    name people know it by."""

    source_playlist_id: str
    target_playlist_id: str | None
    playlist_name: str


@dataclass(frozen=True)
class ItemsChange:
    """The writes that bring a copy's items in line, and what they mean."""

    writes: tuple[WriteAction, ...]
    adding: int
    kept: int
    removing: int = 0
    behind: bool = False


def is_prefix(present: Sequence[str | None], wanted: Sequence[str]) -> bool:
    """Whether a copy's URIs begin what the source holds (None, unavailable, matches any)."""
    if len(present) > len(wanted):
        return False
    return all(have is None or have == want for have, want in zip(present, wanted, strict=False))


def holds_what_was_carried(present: Sequence[str | None], carried: Sequence[str | None]
                           ) -> bool:
    """Whether the copy holds exactly what the tool put there (None matches any)."""
    return len(present) == len(carried) and all(
        have is None or put is None or have == put
        for have, put in zip(present, carried, strict=True)
    )


def appended(target: CopyTarget, present: Sequence[str | None], wanted: Sequence[str]
             ) -> ItemsChange:
    """The copy is a prefix of the source: append the rest."""
    tail = wanted[len(present):]
    return ItemsChange(add_batches(target, tail, len(present)), adding=len(tail),
                       kept=len(present))


def new_ones_appended(target: CopyTarget, carried: Sequence[str | None], wanted: Sequence[str]
                      ) -> ItemsChange:
    """``sync``: append what the copy does not hold yet; the copy stays behind."""
    held = Counter(uri for uri in carried if uri is not None)
    new: list[str] = []
    for uri in wanted:
        if held[uri] > 0:
            held[uri] -= 1
        else:
            new.append(uri)
    return ItemsChange(add_batches(target, new, len(carried)), adding=len(new),
                       kept=len(carried) - sum(held.values()), behind=True)


def mirrored(target: CopyTarget, carried: Sequence[str | None], wanted: Sequence[str]
             ) -> ItemsChange:
    """``sync --mirror``: make the copy hold exactly ``wanted``."""
    kept = kept_positions(carried, wanted)
    removing = len(carried) - len(kept)
    gone = [uri for position, uri in enumerate(carried) if position not in kept]
    staying = {carried[position] for position in kept}
    if None in gone or set(gone) & staying:
        writes: tuple[WriteAction, ...] = (
            ReplacePlaylistItems(**_where(target), uris=tuple(wanted[:ADD_BATCH])),
            *add_batches(target, wanted[ADD_BATCH:], ADD_BATCH),
        )
        return ItemsChange(writes, adding=len(wanted) - len(kept), kept=len(kept),
                           removing=removing)
    unique = [uri for uri in dict.fromkeys(gone) if uri is not None]
    removals: tuple[WriteAction, ...] = tuple(
        RemovePlaylistItems(**_where(target), uris=tuple(unique[start : start + ADD_BATCH]))
        for start in range(0, len(unique), ADD_BATCH)
    )
    rest = wanted[len(kept):]
    return ItemsChange((*removals, *add_batches(target, rest, len(kept))), adding=len(rest),
                       kept=len(kept), removing=removing)


def kept_positions(carried: Sequence[str | None], wanted: Sequence[str]) -> set[int]:
    """Positions of the copy that hold, in order, the longest start of ``wanted`` they can
    (leftmost matching, which finds the longest such start)."""
    kept: set[int] = set()
    position = 0
    for want in wanted:
        while position < len(carried) and carried[position] != want:
            position += 1
        if position == len(carried):
            break
        kept.add(position)
        position += 1
    return kept


def add_batches(target: CopyTarget, uris: Sequence[str], start: int
                ) -> tuple[AddPlaylistItems, ...]:
    return tuple(
        AddPlaylistItems(**_where(target), uris=tuple(uris[offset : offset + ADD_BATCH]),
                         position=start + offset)
        for offset in range(0, len(uris), ADD_BATCH)
    )


def _where(target: CopyTarget) -> dict[str, str | None]:
    return {
        "source_playlist_id": target.source_playlist_id,
        "target_playlist_id": target.target_playlist_id,
        "playlist_name": target.playlist_name,
    }
