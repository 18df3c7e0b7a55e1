"""The sandbox's in-memory Spotify: catalogue, users, playlists, libraries, tokens.

Built from a :class:`SandboxSeed` and dumped back to one (a load-dump round trip is exact).
Lookups are dicts keyed by id and orders are lists, so a request costs O(page), not O(library).
Every mutation holds ``lock`` (re-entrant; the server also holds it around each handler).
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Mapping, Sequence, Sized
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus

from transfer.sandbox.clock import Clock, iso, parse_iso
from transfer.sandbox.library_order import SaveDating
from transfer.sandbox.ordered import OrderedIds, SavedCollection
from transfer.sandbox.seed import (
    Album,
    Artist,
    Audiobook,
    Cover,
    Episode,
    LocalFile,
    Playlist,
    PlaylistEntry,
    SandboxSeed,
    Show,
    Track,
    User,
    UserLibrary,
)
from transfer.sandbox.seedcheck import check_seed
from transfer.sandbox.tokens import DEFAULT_TOKEN_LIFETIME, TokenStore

SAVED_KINDS = {
    "track": "tracks", "album": "albums", "show": "shows", "episode": "episodes",
    "audiobook": "audiobooks",
}
"""URI kind -> the saved collection holding it."""

CatalogItem = Artist | Album | Track | Show | Episode | Audiobook

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


class UserLibraryState:
    """One user's saved collections, follows and playlist list."""

    def __init__(self, library: UserLibrary) -> None:
        self.saved = {
            name: SavedCollection(getattr(library, name)) for name in SAVED_KINDS.values()
        }
        self.artists = OrderedIds(library.artists)
        self.users = OrderedIds(library.users)
        self.playlists = OrderedIds(library.playlists)

    def is_empty(self) -> bool:
        collections: list[Sized] = [
            *self.saved.values(), self.artists, self.users, self.playlists,
        ]
        return all(len(collection) == 0 for collection in collections)

    def dump(self) -> UserLibrary:
        return UserLibrary(
            **{name: collection.to_list() for name, collection in self.saved.items()},
            artists=self.artists.to_list(),
            playlists=self.playlists.to_list(),
            users=self.users.to_list(),
        )


class SandboxState:
    """Thread-safe state of one sandbox.

    The seed is not changed. The sandbox never mutates a seed object other than a playlist
    (its fields and entry list, which are copied); entries, saved refs, the catalogue and
    users are replaced rather than changed, so they are shared with the seed.
    """

    def __init__(
        self,
        seed: SandboxSeed,
        clock: Clock | None = None,
        token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
        id_seed: int = 0,
        save_order: SaveDating | None = None,
    ) -> None:
        check_seed(seed)
        self.save_order = save_order or SaveDating()
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.schema_version = seed.schema_version
        self.app = seed.app
        self.users: dict[str, User] = {user.id: user for user in seed.users}
        self.artists = {item.id: item for item in seed.catalog.artists}
        self.albums = {item.id: item for item in seed.catalog.albums}
        self.tracks = {item.id: item for item in seed.catalog.tracks}
        self.shows = {item.id: item for item in seed.catalog.shows}
        self.episodes = {item.id: item for item in seed.catalog.episodes}
        self.audiobooks = {item.id: item for item in seed.catalog.audiobooks}
        self.album_tracks: dict[str, list[str]] = {}
        for track in seed.catalog.tracks:
            self.album_tracks.setdefault(track.album_id, []).append(track.id)
        self.show_episodes: dict[str, list[str]] = {}
        for episode in seed.catalog.episodes:
            self.show_episodes.setdefault(episode.show_id, []).append(episode.id)
        self.playlists: dict[str, Playlist] = {
            playlist.id: playlist.model_copy(update={"entries": list(playlist.entries)})
            for playlist in seed.playlists
        }
        self._seeded_libraries = list(seed.libraries)
        self.libraries = {
            user_id: UserLibraryState(library) for user_id, library in seed.libraries.items()
        }
        self.tokens = TokenStore(seed.refresh_tokens, token_lifetime)
        self._id_rng = random.Random(f"sandbox-ids-{id_seed}")
        self._last_stamp: dict[str, datetime] = {}
        self._covers: dict[str, str] = {}
        for playlist in self.playlists.values():
            self._remember_cover(playlist)

    # -- look-ups -------------------------------------------------------------------------

    def catalog(self, kind: str) -> Mapping[str, CatalogItem]:
        tables: dict[str, Mapping[str, CatalogItem]] = {
            "artist": self.artists, "album": self.albums, "track": self.tracks,
            "show": self.shows, "episode": self.episodes, "audiobook": self.audiobooks,
        }
        return tables.get(kind, {})

    def exists(self, kind: str, item_id: str) -> bool:
        if kind == "user":
            return item_id in self.users
        if kind == "playlist":
            return item_id in self.playlists
        return item_id in self.catalog(kind)

    def library(self, user_id: str) -> UserLibraryState:
        library = self.libraries.get(user_id)
        if library is None:
            library = self.libraries[user_id] = UserLibraryState(UserLibrary())
        return library

    def can_edit(self, playlist: Playlist, user_id: str) -> bool:
        """Owner, or collaborator of a collaborative playlist."""
        return playlist.owner_id == user_id or (
            playlist.collaborative and user_id in playlist.collaborator_ids
        )

    def followers(self, playlist: Playlist) -> int:
        return sum(
            1 for user_id, library in self.libraries.items()
            if user_id != playlist.owner_id and playlist.id in library.playlists
        )

    def refresh_token(self, user_id: str, all_scopes: list[str]) -> str:
        with self.lock:
            return self.tokens.refresh_token_for(user_id, all_scopes, self.clock.now())

    # -- library --------------------------------------------------------------------------

    def save(self, user_id: str, items: Sequence[tuple[str, str]]) -> None:
        """Save or follow ``(kind, id)`` pairs. New saves get increasing dates, each kind's in
        the order ``save_order`` puts them (the order sent unless the sandbox was told
        otherwise)."""
        with self.lock:
            library = self.library(user_id)
            for kind, collection_name in SAVED_KINDS.items():
                collection = library.saved[collection_name]
                new = [item_id for item_kind, item_id in dict.fromkeys(items)
                       if item_kind == kind and item_id not in collection]
                for item_id in self.save_order.arrange(new):
                    collection.add_newest(item_id, self._next_stamp(user_id, library))
            for kind, item_id in items:
                if kind in SAVED_KINDS:
                    continue
                if kind == "artist":
                    library.artists.add_last(item_id)
                elif kind == "user":
                    library.users.add_last(item_id)
                elif kind == "playlist":
                    library.playlists.add_first(item_id)

    def save_dated(self, user_id: str, kind: str, items: Sequence[tuple[str, str]]) -> None:
        """Save ``(id, added_at)`` pairs with their dates (Extended Quota ``timestamped_ids``)."""
        with self.lock:
            collection = self.library(user_id).saved[SAVED_KINDS[kind]]
            for item_id, added_at in items:
                collection.add_dated(item_id, iso(parse_iso(added_at)))

    def unsave(self, user_id: str, items: Sequence[tuple[str, str]]) -> None:
        with self.lock:
            library = self.library(user_id)
            for kind, item_id in items:
                if kind in SAVED_KINDS:
                    library.saved[SAVED_KINDS[kind]].remove(item_id)
                elif kind == "artist":
                    library.artists.remove(item_id)
                elif kind == "user":
                    library.users.remove(item_id)
                elif kind == "playlist":
                    library.playlists.remove(item_id)

    def contains(self, user_id: str, items: Sequence[tuple[str, str]]) -> list[bool]:
        with self.lock:
            library = self.library(user_id)
            answers = []
            for kind, item_id in items:
                if kind in SAVED_KINDS:
                    answers.append(item_id in library.saved[SAVED_KINDS[kind]])
                elif kind == "artist":
                    answers.append(item_id in library.artists)
                elif kind == "user":
                    answers.append(item_id in library.users)
                else:
                    answers.append(item_id in library.playlists)
            return answers

    def _next_stamp(self, user_id: str, library: UserLibraryState) -> str:
        """Now, but strictly after every date this user's saves were given."""
        last = self._last_stamp.get(user_id)
        if last is None:
            newest = [ref.added_at for c in library.saved.values() if (ref := c.newest())]
            last = max((parse_iso(text) for text in newest), default=EPOCH)
        stamp = max(self.clock.now().replace(microsecond=0), last + timedelta(seconds=1))
        self._last_stamp[user_id] = stamp
        return iso(stamp)

    # -- playlists ------------------------------------------------------------------------

    def create_playlist(
        self, owner_id: str, name: str, public: bool, collaborative: bool, description: str
    ) -> Playlist:
        with self.lock:
            playlist = Playlist(
                id=self._new_id(), owner_id=owner_id, name=name, public=public,
                collaborative=collaborative, description=description,
            )
            self.playlists[playlist.id] = playlist
            self.library(owner_id).playlists.add_first(playlist.id)
            return playlist

    def change_details(self, playlist: Playlist, changes: dict[str, object]) -> None:
        with self.lock:
            for field, value in changes.items():
                setattr(playlist, field, value)
            self._changed(playlist)

    def add_entries(
        self, playlist: Playlist, uris: Sequence[str], position: int | None, user_id: str
    ) -> None:
        with self.lock:
            entries = self._new_entries(uris, user_id)
            at = len(playlist.entries) if position is None else position
            playlist.entries[at:at] = entries
            self._changed(playlist)

    def replace_entries(self, playlist: Playlist, uris: Sequence[str], user_id: str) -> None:
        with self.lock:
            playlist.entries = self._new_entries(uris, user_id)
            self._changed(playlist)

    def reorder(self, playlist: Playlist, start: int, insert_before: int, length: int) -> None:
        with self.lock:
            entries = playlist.entries
            moved = entries[start:start + length]
            if not start <= insert_before <= start + length:
                rest = entries[:start] + entries[start + length:]
                at = insert_before if insert_before < start else insert_before - length
                playlist.entries = rest[:at] + moved + rest[at:]
            self._changed(playlist)

    def remove_entries(self, playlist: Playlist, uris: set[str], positions: set[int]) -> None:
        """Remove every entry whose URI is in ``uris`` and the entries at ``positions``."""
        with self.lock:
            playlist.entries = [
                entry for index, entry in enumerate(playlist.entries)
                if index not in positions and entry_uri(entry) not in uris
            ]
            self._changed(playlist)

    def set_cover(self, playlist: Playlist, jpeg_base64: str) -> None:
        with self.lock:
            playlist.cover = Cover(jpeg_base64=jpeg_base64)
            self._remember_cover(playlist)
            self._changed(playlist)

    def cover_owner(self, image_hash: str) -> Playlist | None:
        """The playlist whose current custom cover has this hash."""
        with self.lock:
            playlist = self.playlists.get(self._covers.get(image_hash, ""))
            if playlist is None or cover_hash(playlist) != image_hash:
                return None
            return playlist

    def _remember_cover(self, playlist: Playlist) -> None:
        image_hash = cover_hash(playlist)
        if image_hash is not None:
            self._covers[image_hash] = playlist.id

    def _changed(self, playlist: Playlist) -> None:
        playlist.snapshot_version += 1

    def _new_entries(self, uris: Sequence[str], user_id: str) -> list[PlaylistEntry]:
        added_at = iso(self.clock.now())
        return [
            PlaylistEntry.model_construct(uri=uri, local=None, added_at=added_at, added_by=user_id)
            for uri in uris
        ]

    def _new_id(self) -> str:
        while True:
            new_id = "".join(self._id_rng.choice(_BASE62) for _ in range(22))
            if new_id not in self.playlists:
                return new_id

    # -- dump -----------------------------------------------------------------------------

    def dump(self) -> SandboxSeed:
        """The current state as a seed; later changes do not show in it.

        Fast at any size: playlists and every list are copied, the objects that never change
        (catalogue items, users, entries, saved refs) are shared. Do not mutate those.
        """
        with self.lock:
            seed = SandboxSeed(
                schema_version=self.schema_version,
                app=self.app,
                users=list(self.users.values()),
                catalog={
                    "artists": list(self.artists.values()), "albums": list(self.albums.values()),
                    "tracks": list(self.tracks.values()), "shows": list(self.shows.values()),
                    "episodes": list(self.episodes.values()),
                    "audiobooks": list(self.audiobooks.values()),
                },
                playlists=[
                    playlist.model_copy(update={"entries": list(playlist.entries)})
                    for playlist in self.playlists.values()
                ],
                libraries=self._dump_libraries(),
                refresh_tokens=self.tokens.refresh_tokens(),
            )
            return seed

    def _dump_libraries(self) -> dict[str, UserLibrary]:
        order = self._seeded_libraries + [
            user_id for user_id in self.libraries if user_id not in self._seeded_libraries
        ]
        return {
            user_id: self.libraries[user_id].dump() for user_id in order
            if user_id in self._seeded_libraries or not self.libraries[user_id].is_empty()
        }


def entry_uri(entry: PlaylistEntry) -> str:
    """The URI Spotify shows for an entry (``spotify:local:...`` for a local file)."""
    if entry.local is not None:
        return local_uri(entry.local)
    return entry.uri or ""


def local_uri(local: LocalFile) -> str:
    parts = [quote_plus(part) for part in (local.artist, local.album, local.name)]
    return "spotify:local:" + ":".join([*parts, str(local.duration_ms // 1000)])


def cover_hash(playlist: Playlist) -> str | None:
    if playlist.cover is None:
        return None
    text = f"{playlist.id}:{playlist.cover.jpeg_base64}"
    return hashlib.sha1(text.encode()).hexdigest()
