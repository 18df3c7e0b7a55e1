"""The order Spotify gives the items of one ``PUT /me/library`` among themselves, and how a
plan's saves are sent for each order. Pure: no I/O.

Spotify orders saved items by ``added_at`` at minute granularity and does not document how it
dates the items of one request among themselves. A transfer learns it from its first batch
holding three Liked Songs or more (else three items of another kind:
:mod:`transfer.engine.calibration`) and sends the rest so that the target lists them as the
source does (saves planned before that batch, two items of a kind at most, go one per
request, as do all saves of a plan where no batch can teach it):

- ``kept``: the first URI sent is the oldest; batches go as planned.
- ``reversed``: the first sent shows as the newest; each batch's saved items go reversed.
- ``arbitrary``: no order within a request; one item of each kind per request (the first
  request of a batch keeps the follows it carries).

Only dated items (tracks, albums, shows, episodes, audiobooks) are concerned: a follow's place
is a list position. The order is assumed the same for every kind of saved item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from transfer.models import Kind, kind_of
from transfer.plan.actions import RemoveLibraryItems, SaveLibraryItems, WriteAction

MIN_PROBE = 3
"""Items of one kind a batch needs to teach the order: one teaches nothing, and two cannot tell
an arbitrary order from a kept or a reversed one."""

LEARNT = "library_order"
"""The journal's name for the order learnt (``Journal.learnt``)."""

PROBE_KINDS = (Kind.TRACK, Kind.ALBUM, Kind.SHOW, Kind.EPISODE, Kind.AUDIOBOOK)
"""Dated kinds, Liked Songs first: the kinds a save may teach the order from."""
DATED_KINDS = frozenset(PROBE_KINDS)


class SaveOrder(StrEnum):
    KEPT = "kept"
    REVERSED = "reversed"
    ARBITRARY = "arbitrary"

    @property
    def text(self) -> str:
        return _TEXT[self]


_TEXT = {
    SaveOrder.KEPT: "keeps the order of the items of one save",
    SaveOrder.REVERSED: "reverses the order of the items of one save",
    SaveOrder.ARBITRARY: "mixes up the order of the items of one save",
}


def is_dated(uri: str) -> bool:
    return kind_of(uri) in DATED_KINDS


def probe_items(action: object) -> tuple[str, ...]:
    """The items of one kind a save would teach the order from: its Liked Songs when there
    are enough of them, else the first other kind with enough; none when no kind has."""
    if not isinstance(action, SaveLibraryItems) or action.redo:
        return ()
    for kind in PROBE_KINDS:
        items = tuple(uri for uri in action.uris if kind_of(uri) is kind)
        if len(items) >= MIN_PROBE:
            return items
    return ()


def unlearnt(actions: Sequence[WriteAction]) -> list[WriteAction]:
    """The saves of a plan made while the order is unknown: as planned from the first one
    that can teach the order on (the run learns it there and rewrites the rest), and before
    it (or in a plan where none can) one saved item per request, since those cannot be
    repaired from what the read-back shows; they hold at most two items of a kind."""
    first = next((index for index, action in enumerate(actions) if probe_items(action)),
                 len(actions))
    return [*arranged(actions[:first], SaveOrder.ARBITRARY), *actions[first:]]


def judge(sent: Sequence[str], newest_first: Sequence[str]) -> SaveOrder | None:
    """The order of one request from the URIs sent (oldest meant first) and the collection
    read back newest first; only the URIs sent count (the target may hold others). None when
    too few of them are shown to tell."""
    wanted = set(sent)
    shown = [uri for uri in newest_first if uri in wanted][::-1]
    if len(shown) < MIN_PROBE:
        return None
    present = set(shown)
    expected = [uri for uri in sent if uri in present]
    if shown == expected:
        return SaveOrder.KEPT
    if shown == expected[::-1]:
        return SaveOrder.REVERSED
    return SaveOrder.ARBITRARY


def arrange(action: WriteAction, order: SaveOrder | None) -> tuple[WriteAction, ...]:
    """The requests that save ``action``'s items so they are dated in the order given."""
    if not isinstance(action, SaveLibraryItems):
        return (action,)
    return _arrange_save(action, order)


def _arrange_save(action: SaveLibraryItems, order: SaveOrder | None
                  ) -> tuple[SaveLibraryItems, ...]:
    if order in (None, SaveOrder.KEPT):
        return (action,)
    follows = [uri for uri in action.uris if not is_dated(uri)]
    dated = [uri for uri in action.uris if is_dated(uri)]
    if len(dated) < 2:
        return (action,)
    if order is SaveOrder.REVERSED:
        return (SaveLibraryItems(uris=(*follows, *dated[::-1]), redo=action.redo),)
    rounds: list[list[str]] = []
    for kind in PROBE_KINDS:
        for index, uri in enumerate(uri for uri in dated if kind_of(uri) is kind):
            if index == len(rounds):
                rounds.append([])
            rounds[index].append(uri)
    if len(rounds) < 2:
        return (action,)
    rounds[0][:0] = follows
    return tuple(SaveLibraryItems(uris=tuple(uris), redo=action.redo) for uris in rounds)


def arranged(actions: Iterable[WriteAction], order: SaveOrder | None) -> list[WriteAction]:
    return [request for action in actions for request in arrange(action, order)]


def repair(sent: Sequence[str], shown: Sequence[str], order: SaveOrder
           ) -> tuple[RemoveLibraryItems | SaveLibraryItems, ...]:
    """The fewest writes that put the items of a request sent as planned (``sent``, oldest
    first) in their order, once ``order`` is known. ``shown``: the items it was learnt from
    (one kind), as read back, oldest first. The oldest items already in order stay; the rest
    are removed and saved again as ``order`` asks (for the kind read back, the read-back says
    which; other kinds are judged by ``order``, and for an arbitrary one only the oldest
    stays)."""
    read_kind = kind_of(shown[0]) if shown else None
    redo: list[str] = []
    for kind in PROBE_KINDS:
        group = [uri for uri in sent if kind_of(uri) is kind]
        observed: Sequence[str] | None
        if kind is read_kind:
            observed = shown
        elif order is SaveOrder.KEPT:
            observed = group
        elif order is SaveOrder.REVERSED:
            observed = group[::-1]
        else:
            observed = None
        redo.extend(group[_in_place(group, observed):])
    if not redo:
        return ()
    resave = SaveLibraryItems(uris=tuple(redo), redo=True)
    return (RemoveLibraryItems(uris=tuple(redo), redo=True), *_arrange_save(resave, order))


def _in_place(wanted: Sequence[str], observed: Sequence[str] | None) -> int:
    """How many of the oldest ``wanted`` already stand in order in ``observed``."""
    if observed is None:
        return min(1, len(wanted))
    position = {uri: index for index, uri in enumerate(observed)}
    count, last = 0, -1
    for uri in wanted:
        where = position.get(uri)
        if where is None or where < last:
            break
        count, last = count + 1, where
    return count


def learnt_order(value: object) -> SaveOrder | None:
    """The order a journal holds (:data:`LEARNT`), None when none (or one this tool does not
    know)."""
    return SaveOrder(value) if isinstance(value, str) and value in set(SaveOrder) else None
