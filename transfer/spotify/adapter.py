"""``SpotifyAdapter``: what the tool reads from and writes to one Spotify account.

Reads are paged at the API maximum (50), following the server's ``next`` links. Writes:

- ``add_items`` sends at most 100 URIs and does **not** chunk: each add is a write that is not
  safe to repeat, so the caller sends (and journals) one batch at a time. ``OutcomeUnknown``
  means that batch may or may not be in the playlist.
- Library saves, removals and look-ups, playlist removals and dated saves are safe to repeat;
  they take any number of URIs and are sent in order in chunks of the API maximum (40, 100, 50).
  Callers that journal per batch pass at most ``LIBRARY_BATCH`` at a time.

``calls`` counts every request sent (retries included) per ``(method, template)``.

An element of the playlist list or of a saved collection that cannot be read (a ``null``, a
playlist without an id: see :mod:`transfer.spotify.parse`) is left out of the page and kept,
with its position, until ``take_malformed`` hands it to whoever builds the library.

One adapter may be used from several threads at once (``concurrency`` of them, per the
``[network]`` settings): reading pages at a given offset (``playlist_entry_page``,
``saved_page``) is how the reading layer reads several pages at a time.
"""

from __future__ import annotations

import base64
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import requests
from requests.adapters import HTTPAdapter

from transfer.config import Settings
from transfer.errors import SpotifyError
from transfer.models import (
    SAVED_CATEGORIES,
    Account,
    Category,
    Cover,
    Malformed,
    Playlist,
    PlaylistEntry,
    SavedItem,
)
from transfer.spotify import endpoints as ep
from transfer.spotify import parse
from transfer.spotify.errors import CoverTooLarge
from transfer.spotify.pacing import Pacing, pacer_for
from transfer.spotify.retry import RetryPolicy, utc_now
from transfer.spotify.transport import TokenSource, Transport

T = TypeVar("T")

SAVED_ENDPOINTS: dict[Category, tuple[ep.Endpoint, str]] = {
    Category.LIKED_SONGS: (ep.SAVED_TRACKS, "track"),
    Category.ALBUMS: (ep.SAVED_ALBUMS, "album"),
    Category.SHOWS: (ep.SAVED_SHOWS, "show"),
    Category.EPISODES: (ep.SAVED_EPISODES, "episode"),
    Category.AUDIOBOOKS: (ep.SAVED_AUDIOBOOKS, "audiobook"),
}
"""Each saved collection: its endpoint and the key of the item in each saved object."""

ITEM_FIELDS = "(uri,name,album.name,artists(name),show.name)"
ENTRY_FIELDS = (
    f"items(added_at,added_by.id,is_local,item{ITEM_FIELDS},track{ITEM_FIELDS}),next,total"
)
"""What is read of playlist entries (``fields``): a page is a tenth of the whole objects' size,
quicker to send and to decode. ``track`` is the entry's deprecated name for ``item``, read
only from answers that lack ``item``; where Spotify sends both, the filter asks for the same
few fields twice."""
_ORDER = {category: number for number, category in enumerate((Category.PLAYLISTS,
                                                               *SAVED_CATEGORIES))}
ENTRY_PARAMS = {"additional_types": "track,episode", "fields": ENTRY_FIELDS}


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a paged read: its items and the collection's total."""

    items: tuple[T, ...]
    total: int | None


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SpotifyAdapter:
    """The Web API of one account, in the words the engine needs."""

    def __init__(self, transport: Transport, concurrency: int = 1) -> None:
        self._transport = transport
        self._me: Account | None = None
        self.concurrency = concurrency
        self._malformed: dict[tuple[Category, int], Malformed] = {}
        self._malformed_lock = threading.Lock()
        """How many requests the reading layer may have in flight at once."""

    @classmethod
    def connect(
        cls,
        settings: Settings,
        tokens: TokenSource,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        pacer: Pacing | None = None,
    ) -> SpotifyAdapter:
        """An adapter for the account behind ``tokens``, per the ``[network]`` settings.

        ``pacer`` keeps the requests under the rate limit; give both accounts of a run the same
        one (the limit is the app's). Without it the adapter gets one of its own."""
        network = settings.network
        policy = RetryPolicy(
            max_retry_after=settings.network.max_retry_after,
            max_attempts=settings.network.max_attempts,
            sleep=sleep,
            clock=clock,
            rng=rng or random.Random(),
        )
        session = requests.Session()
        connections = HTTPAdapter(pool_maxsize=max(10, network.concurrency))
        session.mount("http://", connections)
        session.mount("https://", connections)
        transport = Transport(
            settings.api_base, tokens, policy, network.request_timeout, session=session,
            pacer=pacer if pacer is not None else pacer_for(settings, sleep),
            in_flight=network.concurrency,
        )
        return cls(transport, network.concurrency)

    @property
    def account(self) -> str:
        """Which account this is: ``source`` or ``target``."""
        return self._transport.tokens.account

    @property
    def pacer(self) -> Pacing | None:
        """What keeps this adapter's requests under the rate limit (None: nothing)."""
        return self._transport.pacer

    def let_land_since(self, sent_at: datetime, now: datetime) -> float:
        """Wait until a write a stopped process sent at ``sent_at`` can no longer land
        (:meth:`Transport.let_land_since`); the seconds waited."""
        return self._transport.let_land_since(sent_at, now)

    @property
    def calls(self) -> Counter[tuple[str, str]]:
        """Requests sent so far per ``(method, template)``, retries included (a copy)."""
        return self._transport.counts()

    # -- reading ------------------------------------------------------------------------------

    def me(self) -> Account:
        """The user behind the token (asked once, then remembered)."""
        if self._me is None:
            profile = self._transport.request(ep.ME)
            self._me = Account(id=profile["id"], display_name=profile.get("display_name"))
        return self._me

    def probe(self) -> Account:
        """``GET /me`` sent once, not retried: ``RateLimited`` when Spotify still asks to wait
        (a 429 of any length), else the user (remembered as ``me`` is)."""
        profile = self._transport.probe(ep.ME)
        self._me = Account(id=profile["id"], display_name=profile.get("display_name"))
        return self._me

    def assume(self, account: Account) -> None:
        """Take ``account`` as the user behind the token without asking Spotify: for a caller
        that learnt it earlier from ``GET /me`` with these very tokens (a scheduled sync)."""
        self._me = account

    def take_malformed(self) -> tuple[Malformed, ...]:
        """The elements met so far that could not be read (each once, in list order), and
        forget them."""
        with self._malformed_lock:
            found, self._malformed = self._malformed, {}
        return tuple(sorted(found.values(), key=lambda m: (_ORDER[m.category], m.position)))

    def unreadable_count(self, category: Category) -> int:
        """How many elements of ``category`` met so far could not be read (not yet taken)."""
        with self._malformed_lock:
            return sum(1 for found, _ in self._malformed if found is category)

    def _read(self, page: dict[str, Any], read: Callable[[object], T], category: Category,
              offset: int) -> tuple[T, ...]:
        items, malformed = parse.each(page["items"], read, category, offset)
        if malformed:
            with self._malformed_lock:
                for element in malformed:
                    self._malformed.setdefault((element.category, element.position), element)
        return items

    def _playlists_of(self, page: dict[str, Any], offset: int) -> Page[Playlist]:
        me_id = self.me().id
        items = self._read(page, lambda item: parse.playlist_of(item, me_id),
                           Category.PLAYLISTS, offset)
        return Page(items, page.get("total"))

    def my_playlist_pages(self) -> Iterator[Page[Playlist]]:
        """The user's playlist list (owned, collaborated and followed), without entries."""
        self.me()
        for offset, page in self._pages(ep.MY_PLAYLISTS, ep.MY_PLAYLISTS.template):
            yield self._playlists_of(page, offset)

    def my_playlists(self) -> Iterator[Playlist]:
        for page in self.my_playlist_pages():
            yield from page.items

    def my_playlists_page(self, offset: int) -> Page[Playlist]:
        """One page of the playlist list, from ``offset`` (one call)."""
        self.me()
        answer = self._transport.request(
            ep.MY_PLAYLISTS, params={"limit": ep.MY_PLAYLISTS.limit, "offset": offset}
        )
        return self._playlists_of(self._page_of(answer, ep.MY_PLAYLISTS, None), offset)

    def playlist(self, playlist_id: str) -> Playlist:
        """One playlist's details (its entries are read with ``playlist_entries``)."""
        answer = self._transport.request(ep.PLAYLIST, ep.PLAYLIST.path(playlist_id=playlist_id))
        try:
            return parse.playlist_of(answer, self.me().id)
        except parse.Unreadable as problem:
            raise SpotifyError(f"{ep.PLAYLIST} answered {problem}", status=0) from None

    def playlist_entry_pages(self, playlist_id: str) -> Iterator[Page[PlaylistEntry]]:
        """The entries of a playlist the user owns or collaborates on, in order."""
        path = ep.PLAYLIST_ITEMS.path(playlist_id=playlist_id)
        for _, page in self._pages(ep.PLAYLIST_ITEMS, path, ENTRY_PARAMS):
            yield Page(tuple(parse.entry_of(item) for item in page["items"]), page.get("total"))

    def playlist_entry_page(self, playlist_id: str, offset: int) -> Page[PlaylistEntry]:
        """The page of a playlist's entries that starts at ``offset`` (one call)."""
        path = ep.PLAYLIST_ITEMS.path(playlist_id=playlist_id)
        page = self._page_at(ep.PLAYLIST_ITEMS, path, offset, ENTRY_PARAMS)
        return Page(tuple(parse.entry_of(item) for item in page["items"]), page.get("total"))

    def playlist_entries(self, playlist_id: str) -> Iterator[PlaylistEntry]:
        for page in self.playlist_entry_pages(playlist_id):
            yield from page.items

    def playlist_cover(self, playlist_id: str) -> Cover | None:
        path = ep.PLAYLIST_COVER.path(playlist_id=playlist_id)
        return parse.cover_of(self._transport.request(ep.PLAYLIST_COVER, path))

    def download_image(self, url: str) -> bytes:
        """A cover's bytes (an image server, not an API call: not counted)."""
        return self._transport.download(url)

    def saved_pages(self, category: Category) -> Iterator[Page[SavedItem]]:
        """A saved collection, newest first as Spotify lists it; artists are the followed ones."""
        if category is Category.ARTISTS:
            yield from self._followed_artist_pages()
            return
        if category not in SAVED_ENDPOINTS:
            raise ValueError(f"{category} is not a saved collection")
        endpoint, key = SAVED_ENDPOINTS[category]
        for offset, page in self._pages(endpoint, endpoint.template):
            yield self._saved_of(page, category, key, offset)

    def saved_page(self, category: Category, offset: int) -> Page[SavedItem]:
        """The page of a saved collection that starts at ``offset`` (one call). Not for the
        followed artists, which Spotify pages with a cursor."""
        if category not in SAVED_ENDPOINTS:
            raise ValueError(f"{category} is not read by offset")
        endpoint, key = SAVED_ENDPOINTS[category]
        page = self._page_at(endpoint, endpoint.template, offset)
        return self._saved_of(page, category, key, offset)

    def _saved_of(self, page: dict[str, Any], category: Category, key: str, offset: int
                  ) -> Page[SavedItem]:
        items = self._read(page, lambda item: parse.saved_item_of(item, key), category, offset)
        return Page(items, page.get("total"))

    def saved(self, category: Category) -> Iterator[SavedItem]:
        for page in self.saved_pages(category):
            yield from page.items

    def followed_artists(self) -> Iterator[SavedItem]:
        return self.saved(Category.ARTISTS)

    def followed_artist_pages(self, after: str | None = None) -> Iterator[Page[SavedItem]]:
        """The followed artists in the order followed; with ``after`` (an artist id) only those
        followed after it. ``total`` is always the number followed. Spotify refuses (400) an
        ``after`` that is not followed."""
        return self._followed_artist_pages(after)

    def _followed_artist_pages(self, after: str | None = None) -> Iterator[Page[SavedItem]]:
        endpoint = ep.FOLLOWED_ARTISTS
        params = {"type": "artist", **({"after": after} if after is not None else {})}
        for offset, page in self._pages(endpoint, endpoint.template, params, unwrap="artists"):
            items = self._read(page, parse.artist_of, Category.ARTISTS, offset)
            yield Page(items, page.get("total"))

    def _pages(
        self,
        endpoint: ep.Endpoint,
        path: str,
        params: dict[str, Any] | None = None,
        unwrap: str | None = None,
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each page of a paged read, following the server's ``next`` links, with the position
        of its first item (counted: a cursor page has no offset)."""
        answer = self._transport.request(
            endpoint, path, params={**(params or {}), "limit": endpoint.limit}
        )
        offset = 0
        while True:
            page = self._page_of(answer, endpoint, unwrap)
            yield offset, page
            offset += len(page["items"])
            if not page.get("next"):
                return
            answer = self._transport.request(endpoint, path, url=page["next"])

    def _page_at(
        self, endpoint: ep.Endpoint, path: str, offset: int, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        answer = self._transport.request(
            endpoint, path, params={**(params or {}), "limit": endpoint.limit, "offset": offset}
        )
        return self._page_of(answer, endpoint, None)

    @staticmethod
    def _page_of(answer: Any, endpoint: ep.Endpoint, unwrap: str | None) -> dict[str, Any]:
        page = answer.get(unwrap) if unwrap and isinstance(answer, dict) else answer
        if not isinstance(page, dict) or not isinstance(page.get("items"), list):
            raise SpotifyError(f"{endpoint} answered without a page of items", status=0)
        return page

    # -- writing ------------------------------------------------------------------------------

    def create_playlist(
        self, name: str, description: str = "", public: bool = False, collaborative: bool = False
    ) -> str:
        """Create an empty playlist owned by the user; its id. Not retried after a lost answer
        (``OutcomeUnknown``): look for it by name before creating it again."""
        body = {
            "name": name,
            "description": description,
            "public": public,
            "collaborative": collaborative,
        }
        answer = self._transport.request(ep.CREATE_PLAYLIST, payload=body)
        return str(answer["id"])

    def change_playlist_details(
        self,
        playlist_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        public: bool | None = None,
        collaborative: bool | None = None,
    ) -> None:
        fields = {"name": name, "description": description, "public": public,
                  "collaborative": collaborative}
        body = {key: value for key, value in fields.items() if value is not None}
        if body:
            path = ep.CHANGE_PLAYLIST.path(playlist_id=playlist_id)
            self._transport.request(ep.CHANGE_PLAYLIST, path, payload=body)

    def add_items(self, playlist_id: str, uris: Sequence[str], position: int | None = None) -> str:
        """Add up to 100 track or episode URIs at ``position`` (appended when None); the new
        ``snapshot_id``. Raises ``OutcomeUnknown`` when the answer was lost."""
        if not 0 < len(uris) <= ep.PLAYLIST_BATCH:
            raise ValueError(f"add_items takes 1 to {ep.PLAYLIST_BATCH} URIs, not {len(uris)}")
        body: dict[str, Any] = {"uris": list(uris)}
        if position is not None:
            body["position"] = position
        path = ep.ADD_ITEMS.path(playlist_id=playlist_id)
        answer = self._transport.request(ep.ADD_ITEMS, path, payload=body)
        return str(answer["snapshot_id"])

    def replace_items(self, playlist_id: str, uris: Sequence[str]) -> str:
        """Make the playlist hold exactly ``uris`` (at most 100; none empties it); the new
        ``snapshot_id``. Safe to repeat."""
        if len(uris) > ep.PLAYLIST_BATCH:
            raise ValueError(f"replace_items takes at most {ep.PLAYLIST_BATCH} URIs")
        path = ep.REPLACE_ITEMS.path(playlist_id=playlist_id)
        answer = self._transport.request(ep.REPLACE_ITEMS, path, payload={"uris": list(uris)})
        return str(answer["snapshot_id"])

    def remove_items(
        self, playlist_id: str, uris: Sequence[str], snapshot_id: str | None = None
    ) -> str | None:
        """Remove every occurrence of each URI; the last ``snapshot_id``."""
        path = ep.REMOVE_ITEMS.path(playlist_id=playlist_id)
        latest = None
        for chunk in chunks(uris, ep.PLAYLIST_BATCH):
            body: dict[str, Any] = {"items": [{"uri": uri} for uri in chunk]}
            if snapshot_id is not None:
                body["snapshot_id"] = snapshot_id
            answer = self._transport.request(ep.REMOVE_ITEMS, path, payload=body)
            latest = answer.get("snapshot_id") if isinstance(answer, dict) else None
        return latest

    def upload_cover(self, playlist_id: str, jpeg: bytes) -> None:
        """Make ``jpeg`` the playlist's custom cover."""
        encoded = base64.b64encode(jpeg).decode("ascii")
        if len(encoded) > ep.COVER_MAX_BYTES:
            raise CoverTooLarge(
                f"The cover is {len(encoded)} bytes as base64; Spotify takes at most "
                f"{ep.COVER_MAX_BYTES}.",
                size=len(encoded),
            )
        path = ep.UPLOAD_COVER.path(playlist_id=playlist_id)
        self._transport.request(ep.UPLOAD_COVER, path, payload=encoded, content_type="image/jpeg")

    def save_to_library(self, uris: Sequence[str]) -> None:
        """Save tracks, albums, shows, episodes, audiobooks; follow artists, playlists, users.
        Kinds may be mixed; sent in order, 40 a call."""
        for chunk in chunks(uris, ep.LIBRARY_BATCH):
            self._transport.request(ep.LIBRARY_SAVE, params={"uris": ",".join(chunk)})

    def remove_from_library(self, uris: Sequence[str]) -> None:
        for chunk in chunks(uris, ep.LIBRARY_BATCH):
            self._transport.request(ep.LIBRARY_REMOVE, params={"uris": ",".join(chunk)})

    def library_contains(self, uris: Sequence[str]) -> list[bool]:
        """For each URI, whether the library holds it (or the user follows it)."""
        found: list[bool] = []
        for chunk in chunks(uris, ep.LIBRARY_BATCH):
            answer = self._transport.request(ep.LIBRARY_CONTAINS, params={"uris": ",".join(chunk)})
            if not isinstance(answer, list) or len(answer) != len(chunk):
                raise SpotifyError(f"{ep.LIBRARY_CONTAINS} answered {answer!r}", status=0)
            found.extend(bool(value) for value in answer)
        return found

    def search_tracks(self, query: str) -> list[PlaylistEntry]:
        """The songs a search finds (one call, at most ``SEARCH_LIMIT``), best first, as
        entries: URI, title, artists, album. ``query`` may use Spotify's field filters
        (``track:"..." artist:"..."``)."""
        answer = self._transport.request(
            ep.SEARCH, params={"q": query, "type": "track", "limit": ep.SEARCH.limit})
        tracks = answer.get("tracks") if isinstance(answer, dict) else None
        items = tracks.get("items") if isinstance(tracks, dict) else None
        return [parse.entry_of({"item": item}) for item in items or ()
                if isinstance(item, dict) and item.get("uri")]

    def save_tracks_with_dates(self, tracks: Iterable[tuple[str, datetime]]) -> None:
        """Save Liked Songs with their original dates (Extended-Quota apps only: a
        Development-Mode app gets ``DatesNotSupported``). ``tracks`` are ``(id, added_at)``."""
        stamped = [{"id": track_id, "added_at": _timestamp(added_at)} for track_id, added_at
                   in tracks]
        for chunk in chunks(stamped, ep.TIMESTAMPED_BATCH):
            self._transport.request(
                ep.SAVE_TRACKS_TIMESTAMPED, payload={"timestamped_ids": list(chunk)}
            )


def _timestamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
