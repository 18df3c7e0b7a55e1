"""Reading only what changed in the source since the marks: where a walk down a saved
collection stops, when the totals send it to a full read, the artists followed after the last
one, and the playlist list read a page at a time in turn."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from transfer.engine.changes import read_collection, read_list
from transfer.engine.marks import ListMark, SavedMark, saved_mark
from transfer.errors import SpotifyError
from transfer.models import Category, Playlist, SavedItem
from transfer.progress import NoProgress
from transfer.spotify import Page

START = datetime(2024, 1, 1, tzinfo=UTC)


class FakeSource:
    """Just enough of an adapter: collections newest first, artists in follow order, a list."""

    concurrency = 1

    def __init__(self, liked: list[SavedItem] | None = None, artists: list[str] | None = None,
                 playlists: list[str | None] | None = None) -> None:
        self.liked = liked or []
        self.artists = artists or []
        self.playlists = playlists or []
        self.sent: list[str] = []  # appended from reading threads: a list is thread-safe

    @property
    def calls(self) -> int:
        return len(self.sent)

    unreadable = 0
    """Liked songs Spotify counts in the total but sent unreadable (left out of the pages)."""

    def unreadable_count(self, category: Category) -> int:
        return self.unreadable if category is Category.LIKED_SONGS else 0

    def saved_pages(self, category: Category) -> Iterator[Page[SavedItem]]:
        if category is Category.ARTISTS:
            yield from self.followed_artist_pages()
            return
        for start in range(0, max(len(self.liked), 1), 50):
            self.sent.append("request")
            yield Page(tuple(self.liked[start:start + 50]), len(self.liked) + self.unreadable)

    def saved(self, category: Category) -> Iterator[SavedItem]:
        for page in self.saved_pages(category):
            yield from page.items

    def saved_page(self, category: Category, offset: int) -> Page[SavedItem]:
        self.sent.append("request")
        return Page(tuple(self.liked[offset:offset + 50]), len(self.liked) + self.unreadable)

    def followed_artist_pages(self, after: str | None = None) -> Iterator[Page[SavedItem]]:
        self.sent.append("request")
        ids = self.artists
        if after is not None:
            if after not in ids:
                raise SpotifyError("not followed", status=400)
            ids = ids[ids.index(after) + 1:]
        yield Page(tuple(SavedItem(uri=f"spotify:artist:{a}") for a in ids), len(self.artists))

    def my_playlists_page(self, offset: int) -> Page[Playlist]:
        """A page; a ``None`` id is an element Spotify sent that could not be read (left out,
        its slot still counted)."""
        self.sent.append("request")
        return Page(tuple(_playlist(pid) for pid in self.playlists[offset:offset + 50]
                          if pid is not None), len(self.playlists))


def _playlist(playlist_id: str) -> Playlist:
    return Playlist(id=playlist_id, name=playlist_id, owner_id="me", relation="owned")


def liked(count: int, since: datetime = START, prefix: str = "t") -> list[SavedItem]:
    """``count`` liked songs a minute apart, newest first."""
    return [SavedItem(uri=f"spotify:track:{prefix}{n}", added_at=since + timedelta(minutes=n))
            for n in reversed(range(count))]


def _read(source: FakeSource, mark: SavedMark | None, mirror: bool = False,
          category: Category = Category.LIKED_SONGS) -> Any:
    return read_collection(source, category, mark, mirror, NoProgress())  # type: ignore[arg-type]


def _marked(items: list[SavedItem]) -> SavedMark:
    return saved_mark(Category.LIKED_SONGS, tuple(items), exact=True)


def test_nothing_new_costs_one_page_however_long_the_collection() -> None:
    items = liked(500)
    source = FakeSource(liked=items)
    read = _read(source, _marked(items))
    assert read.new == () and source.calls == 1 and read.everything is None
    assert read.mark == _marked(items)


def test_new_items_on_top_are_read_down_to_the_known_ones() -> None:
    items = liked(200)
    mark = _marked(items)
    newer = liked(60, since=START + timedelta(days=1), prefix="n")
    source = FakeSource(liked=newer + items)
    read = _read(source, mark)
    assert [item.uri for item in read.new] == [item.uri for item in newer]
    assert source.calls == 2 and read.mark.count == 260 and read.mark.exact
    assert read.mark.newest_uris == (newer[0].uri,)


def test_the_newest_known_item_taken_out_does_not_stop_the_walk_wrongly() -> None:
    items = liked(100)
    mark = _marked(items)
    source = FakeSource(liked=items[1:])
    read = _read(source, mark)
    assert read.new == () and source.calls == 1
    assert not read.mark.exact, "a removal: a mirror must look at the whole collection"
    again = _read(FakeSource(liked=items[1:]), read.mark)
    assert again.new == () and not again.mark.exact


def test_a_new_item_in_the_newest_known_minute_is_new() -> None:
    items = liked(10)
    mark = _marked(items)
    twin = SavedItem(uri="spotify:track:twin", added_at=items[0].added_at)
    read = _read(FakeSource(liked=[twin, *items]), mark)
    assert [item.uri for item in read.new] == ["spotify:track:twin"]


def test_items_saved_below_the_marks_send_it_to_a_full_read() -> None:
    items = liked(100)
    mark = _marked(items)
    old = SavedItem(uri="spotify:track:dated", added_at=START - timedelta(days=1))
    read = _read(FakeSource(liked=[*items, old]), mark)
    assert read.hidden and read.everything is not None and len(read.everything) == 101


def test_a_mirror_reads_in_full_where_something_was_taken_out() -> None:
    items = liked(120)
    mark = _marked(items)
    newer = liked(1, since=START + timedelta(days=1), prefix="n")
    source = FakeSource(liked=newer + items[:50] + items[51:])
    read = _read(source, mark, mirror=True)
    assert read.everything is not None and len(read.everything) == 120
    assert [item.uri for item in read.new] == [newer[0].uri] and not read.hidden
    unchanged = FakeSource(liked=items)
    assert _read(unchanged, mark, mirror=True).everything is None, "nothing taken out"
    debt = mark.model_copy(update={"exact": False})
    assert _read(FakeSource(liked=items), debt, mirror=True).everything is not None


def test_artists_followed_after_the_last_one() -> None:
    mark = saved_mark(Category.ARTISTS, tuple(SavedItem(uri=f"spotify:artist:{a}")
                                              for a in "abc"), exact=True)
    source = FakeSource(artists=["a", "b", "c", "d"])
    read = _read(source, mark, category=Category.ARTISTS)
    assert [item.uri for item in read.new] == ["spotify:artist:d"] and source.calls == 1
    assert read.mark.last_uri == "spotify:artist:d" and read.mark.count == 4
    gone = _read(FakeSource(artists=["a", "b", "d"]), mark, category=Category.ARTISTS)
    assert gone.everything is not None, "the cursor's artist is gone: read them all"
    assert gone.hidden, "which are new is for the target to say"
    refollowed = _read(FakeSource(artists=["a", "c", "d", "b"]), mark,
                       category=Category.ARTISTS)
    assert [item.uri for item in refollowed.new] == ["spotify:artist:d", "spotify:artist:b"]
    assert not refollowed.mark.exact, "b was unfollowed on the way"


@pytest.mark.parametrize("pages", [2, 3])
def test_the_playlist_list_is_read_first_page_and_others_in_turn(pages: int) -> None:
    ids = [f"p{n}" for n in range(230)]  # 5 pages
    mark = ListMark(ids=tuple(ids))
    seen_pages: set[int] = set()
    for _ in range(4):
        source = FakeSource(playlists=ids)
        read = read_list(source, mark, pages)  # type: ignore[arg-type]
        assert source.calls == pages and not read.complete
        seen_pages |= {ids.index(p.id) // 50 for p in read.seen}
        mark = mark.model_copy(update={"next_page": read.next_page})
    assert seen_pages == {0, 1, 2, 3, 4}


def test_new_playlists_on_top_fit_the_marks() -> None:
    ids = [f"p{n}" for n in range(120)]
    source = FakeSource(playlists=["new1", "new2", *ids])
    read = read_list(source, ListMark(ids=tuple(ids)), 2)  # type: ignore[arg-type]
    assert read.ids[:2] == ("new1", "new2") and not read.complete
    assert {"new1", "new2"} <= {p.id for p in read.seen} and "new1" not in read.known


def test_a_list_that_does_not_fit_the_marks_is_read_in_full() -> None:
    ids = [f"p{n}" for n in range(120)]
    removed = FakeSource(playlists=[*ids[:70], *ids[71:]])
    read = read_list(removed, ListMark(ids=tuple(ids)), 2)  # type: ignore[arg-type]
    assert read.complete and len(read.ids) == 119 and removed.calls == 3
    moved = FakeSource(playlists=[*ids[:60], ids[100], *ids[60:100], *ids[101:]])
    turned = read_list(moved, ListMark(ids=tuple(ids), next_page=1), 2)  # type: ignore[arg-type]
    assert turned.complete, "a page read in turn that is not as marked"
    assert read_list(FakeSource(playlists=ids), ListMark(ids=tuple(ids)),  # type: ignore[arg-type]
                     0).complete


@pytest.mark.parametrize("first_page", ["one null", "all null"])
def test_a_list_whose_first_page_held_unreadable_elements_is_still_read_to_its_end(
    first_page: str,
) -> None:
    ids: list[str | None] = [f"p{n}" for n in range(100)]
    nulls = [3] if first_page == "one null" else list(range(50))
    for position in nulls:
        ids[position] = None
    for mark in (None, ListMark(ids=tuple(i for i in ids if i))):
        read = read_list(FakeSource(playlists=ids), mark, 2)  # type: ignore[arg-type]
        assert read.complete
        assert [p.id for p in read.seen] == [i for i in ids if i], "the last one too"


def test_an_unreadable_liked_song_does_not_send_every_sync_to_a_full_read() -> None:
    source = FakeSource(liked=liked(120))
    source.unreadable = 1
    first = _read(source, None)
    assert first.mark.count == 121, "counted as Spotify counts it"
    source.sent.clear()
    again = _read(source, first.mark)
    assert again.new == () and again.everything is None and source.calls == 1
