"""Reading what changed in the source since the marks (:mod:`transfer.engine.marks`), in as
few calls as can be done safely.

Saved collections (newest first) are read page by page until the first item saved before the
newest minute the marks know; the collection's ``total`` then checks the read: it must be the
marked count plus the new items. More means items were saved with an older date (a dated save):
the collection is read in full. Fewer means items were taken out: that matters only to
``--mirror``, which then reads it in full. Followed artists are read after the one followed last
(new follows go last), with the same check.

The playlist list: its first page every time (new and newly followed playlists go on top), then
``pages - 1`` further pages in turn, each checked against the marked list; a playlist of a page
not read this time is looked at in a later run. When the first page or the total does not fit
the marks (a playlist removed, or moved), the whole list is read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from math import ceil

from transfer.engine.marks import ListMark, SavedMark, minute_of, newest_mark, saved_mark
from transfer.errors import SpotifyError
from transfer.export import read_saved
from transfer.models import Category, Playlist, SavedItem, id_of
from transfer.progress import Progress
from transfer.spotify import READ_PAGE, Page, SpotifyAdapter

log = logging.getLogger(__name__)

READERS = 4
"""Requests a sync's reading sends at once where their order does not matter."""


@dataclass(frozen=True)
class CollectionRead:
    """One saved collection as a sync read it."""

    new: tuple[SavedItem, ...]
    """Items saved since the marks, newest first (artists: in the order followed); every item
    when ``hidden``."""
    total: int
    mark: SavedMark
    """The marks for the next sync (``exact`` as far as this read can tell)."""
    everything: tuple[SavedItem, ...] | None = None
    """The whole collection, when it was read in full."""
    hidden: bool = False
    """Which items are new cannot be told from the marks (there are none, or items were saved
    below them): the target's collection must be read to know."""


def read_collection(adapter: SpotifyAdapter, category: Category, mark: SavedMark | None,
                    mirror: bool, progress: Progress) -> CollectionRead:
    """A saved collection (or the followed artists): only its new part when the marks allow;
    in full where a mirror needs to know what was taken out."""
    if mark is None or (mirror and not mark.exact):
        return _in_full(adapter, category, mark, progress)
    if category is Category.ARTISTS:
        found = _artists_after(adapter, mark)
    else:
        found = _newest(adapter, category, mark)
    if found is None:
        return _in_full(adapter, category, mark, progress)
    new, total = found
    expected = mark.count + len(new)
    if total > expected or (mirror and total < expected):
        log.info("%s: %d items where %d were expected; reading it in full", category.value,
                 total, expected)
        return _in_full(adapter, category, mark, progress)
    exact = mark.exact and total == expected
    if category is Category.ARTISTS:
        last = new[-1].uri if new else mark.last_uri
        next_mark = SavedMark(count=total, last_uri=last if total else None, exact=exact)
    else:
        next_mark = newest_mark(total, new, mark, exact)
    return CollectionRead(new=new, total=total, mark=next_mark)


def _in_full(adapter: SpotifyAdapter, category: Category, mark: SavedMark | None,
             progress: Progress) -> CollectionRead:
    items = read_saved(adapter, category, progress)
    next_mark = saved_mark(category, items, exact=True,
                           unreadable=adapter.unreadable_count(category))
    new = None if mark is None else _split(category, items, mark)
    if new is None:
        return CollectionRead(new=items, total=next_mark.count, mark=next_mark,
                              everything=items, hidden=True)
    return CollectionRead(new=new, total=next_mark.count, mark=next_mark, everything=items)


def _split(category: Category, items: tuple[SavedItem, ...], mark: SavedMark
           ) -> tuple[SavedItem, ...] | None:
    """The new items of a whole collection by the marks; None when the marks cannot tell them
    (items saved below them, or the last followed artist gone)."""
    if category is Category.ARTISTS:
        uris = [item.uri for item in items]
        if mark.last_uri is None or mark.last_uri not in uris:
            return None if items else ()
        new = items[uris.index(mark.last_uri) + 1:]
    else:
        walked = _walk(iter(items), mark)
        if walked is None:
            return None
        new = walked
    return new if len(items) - len(new) <= mark.count else None


def _walk(items: Iterator[SavedItem], mark: SavedMark) -> tuple[SavedItem, ...] | None:
    """The items newer than the marks, from a newest-first stream read only as far as needed;
    None when an item has no date."""
    new: list[SavedItem] = []
    for item in items:
        if item.added_at is None:
            return None
        minute = minute_of(item.added_at)
        if mark.newest_minute is not None and minute < mark.newest_minute:
            break
        if minute != mark.newest_minute or item.uri not in mark.newest_uris:
            new.append(item)
    return tuple(new)


def _newest(adapter: SpotifyAdapter, category: Category, mark: SavedMark
            ) -> tuple[tuple[SavedItem, ...], int] | None:
    """Items newer than the marks and the collection's total, read page by page only as far
    as needed; None when an item has no date."""
    totals: list[int] = []

    def items() -> Iterator[SavedItem]:
        for page in adapter.saved_pages(category):
            if not totals:
                totals.append(page.total or 0)
            yield from page.items

    new = _walk(items(), mark)
    if new is None:
        return None
    return new, totals[0] if totals else 0


def _artists_after(adapter: SpotifyAdapter, mark: SavedMark
                   ) -> tuple[tuple[SavedItem, ...], int] | None:
    """Artists followed after the one followed last; None when that one is no longer followed
    (Spotify refuses the cursor) or none was."""
    if mark.last_uri is None:
        return None
    new: list[SavedItem] = []
    total = 0
    try:
        for number, page in enumerate(adapter.followed_artist_pages(after=id_of(mark.last_uri))):
            if number == 0:
                total = page.total or 0
            new.extend(page.items)
    except SpotifyError as error:
        if error.status != 400:
            raise
        log.info("The artist followed last is no longer followed; reading them all")
        return None
    return tuple(new), total


@dataclass(frozen=True)
class ListRead:
    """The playlist list as a sync read it."""

    seen: tuple[Playlist, ...]
    """The playlists of the pages read, in list order."""
    ids: tuple[str, ...]
    """The whole list's ids as now known, in order."""
    complete: bool
    known: frozenset[str]
    """The ids the marks knew (what is not among them is new)."""
    next_page: int = 1


def read_list(adapter: SpotifyAdapter, mark: ListMark | None, pages: int) -> ListRead:
    """The playlist list: the first page and ``pages - 1`` more in turn (all when ``pages`` is
    0 or the marks do not fit)."""
    first = adapter.my_playlists_page(0)
    total = first.total if first.total is not None else len(first.items)
    if mark is None:
        return _whole_list(adapter, first, total, frozenset())
    known = frozenset(mark.ids)
    new = _new_on_top(first.items, known)
    ids = (*(playlist.id for playlist in new), *mark.ids)
    if not _fits(first.items, ids, total):
        log.info("The playlist list changed below its top; reading it in full")
        return _whole_list(adapter, first, total, known)
    count = ceil(total / READ_PAGE)
    if pages == 0 or count <= pages:
        return _whole_list(adapter, first, total, known)
    return _some_pages(adapter, first, ids, count, pages, mark.next_page, known)


def _new_on_top(playlists: tuple[Playlist, ...], known: frozenset[str]) -> list[Playlist]:
    new = []
    for playlist in playlists:
        if playlist.id in known:
            break
        new.append(playlist)
    return new


def _fits(page: tuple[Playlist, ...], ids: tuple[str, ...], total: int) -> bool:
    """Whether a page read at offset 0 is what the marks (with the new playlists on top) say,
    and the list's total is theirs too."""
    return total == len(ids) and tuple(playlist.id for playlist in page) == ids[: len(page)]


def _whole_list(adapter: SpotifyAdapter, first: Page[Playlist], total: int,
                known: frozenset[str]) -> ListRead:
    offsets = range(READ_PAGE, total, READ_PAGE)  # not len(first.items): an unreadable element
    # Spotify sent is left out of a page but keeps its slot
    playlists = list(first.items)
    for page in pages_at(adapter, offsets):
        playlists.extend(page.items)
    ids = tuple(dict.fromkeys(playlist.id for playlist in playlists))
    unique = {playlist.id: playlist for playlist in playlists}
    return ListRead(seen=tuple(unique[playlist_id] for playlist_id in ids), ids=ids,
                    complete=True, known=known)


def _some_pages(adapter: SpotifyAdapter, first: Page[Playlist], ids: tuple[str, ...],
                count: int, pages: int, next_page: int, known: frozenset[str]) -> ListRead:
    seen = list(first.items)
    numbers = list(_turns(count, pages - 1, next_page))
    for number, page in zip(numbers, pages_at(adapter, [n * READ_PAGE for n in numbers]),
                            strict=True):
        offset = number * READ_PAGE
        if tuple(playlist.id for playlist in page.items) != ids[offset : offset + READ_PAGE]:
            log.info("Page %d of the playlist list is not as marked; reading it in full", number)
            return _whole_list(adapter, first, len(ids), known)
        seen.extend(page.items)
    following = (next_page - 1 + pages - 1) % (count - 1) + 1
    order = {playlist_id: index for index, playlist_id in enumerate(ids)}
    seen.sort(key=lambda playlist: order[playlist.id])
    return ListRead(seen=tuple(seen), ids=ids, complete=False, known=known,
                    next_page=following)


def pages_at(adapter: SpotifyAdapter, offsets: Sequence[int]) -> list[Page[Playlist]]:
    """Pages of the playlist list at these offsets, read side by side, in order."""
    if len(offsets) <= 1:
        return [adapter.my_playlists_page(offset) for offset in offsets]
    with ThreadPoolExecutor(max_workers=min(READERS, len(offsets))) as pool:
        return list(pool.map(adapter.my_playlists_page, offsets))


def _turns(count: int, how_many: int, next_page: int) -> Iterator[int]:
    """Page numbers 1..count-1 from ``next_page`` on, wrapping, ``how_many`` of them."""
    start = (next_page - 1) % (count - 1)
    for step in range(how_many):
        yield (start + step) % (count - 1) + 1
