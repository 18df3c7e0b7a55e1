"""What an export of a sandbox user must hold, computed from the sandbox seed itself.

Kept apart from the tool's code on purpose: it reads the seed document (the sandbox's input),
never the API, so it checks the adapter and the sandbox against each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from transfer.models import Kind, PlaylistEntry, Relation, SavedItem
from transfer.sandbox.seed import Playlist as SeedPlaylist
from transfer.sandbox.seed import PlaylistEntry as SeedEntry
from transfer.sandbox.seed import SandboxSeed, SavedRef
from transfer.sandbox.state import local_uri

PAGE = 50


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class SeedView:
    """A seed seen by one user, with catalogue look-ups."""

    def __init__(self, seed: SandboxSeed, user_id: str) -> None:
        self.seed = seed
        self.user_id = user_id
        self.library = seed.libraries[user_id]
        catalog = seed.catalog
        self.artists = {artist.id: artist for artist in catalog.artists}
        self.albums = {album.id: album for album in catalog.albums}
        self.tracks = {track.id: track for track in catalog.tracks}
        self.shows = {show.id: show for show in catalog.shows}
        self.episodes = {episode.id: episode for episode in catalog.episodes}
        self.audiobooks = {book.id: book for book in catalog.audiobooks}
        self.playlists = {playlist.id: playlist for playlist in seed.playlists}
        self.users = {user.id: user for user in seed.users}

    # -- playlists ----------------------------------------------------------------------------

    def listed_playlists(self) -> list[SeedPlaylist]:
        return [self.playlists[playlist_id] for playlist_id in self.library.playlists]

    def relation(self, playlist: SeedPlaylist) -> Relation:
        if playlist.owner_id == self.user_id:
            return "owned"
        if playlist.collaborative and self.user_id in playlist.collaborator_ids:
            return "collaborator"
        return "followed"

    def entries(self, playlist: SeedPlaylist) -> tuple[PlaylistEntry, ...]:
        return tuple(self.entry(entry) for entry in playlist.entries)

    def entry(self, entry: SeedEntry) -> PlaylistEntry:
        common = {"added_at": moment(entry.added_at), "added_by": entry.added_by}
        if entry.local is not None:
            local = entry.local
            return PlaylistEntry(uri=local_uri(local), kind=Kind.LOCAL, is_local=True,
                                 name=local.name, artists=(local.artist,) if local.artist else (),
                                 album=local.album, **common)
        assert entry.uri is not None
        kind, item_id = entry.uri.split(":")[1:]
        if kind == "episode":
            episode = self.episodes[item_id]
            return PlaylistEntry(uri=entry.uri, kind=Kind.EPISODE, name=episode.name,
                                 album=self.shows[episode.show_id].name, **common)
        track = self.tracks[item_id]
        if not track.available:
            return PlaylistEntry(uri=None, **common)
        return PlaylistEntry(uri=entry.uri, kind=Kind.TRACK, name=track.name,
                             artists=self.artist_names(track.artist_ids),
                             album=self.albums[track.album_id].name, **common)

    def artist_names(self, artist_ids: list[str]) -> tuple[str, ...]:
        return tuple(self.artists[artist_id].name for artist_id in artist_ids)

    # -- saved collections --------------------------------------------------------------------

    def liked_songs(self) -> list[SavedItem]:
        def item(ref: SavedRef) -> SavedItem:
            track = self.tracks[ref.id]
            return SavedItem(uri=f"spotify:track:{ref.id}", name=track.name,
                             artists=self.artist_names(track.artist_ids),
                             added_at=moment(ref.added_at))

        return [item(ref) for ref in reversed(self.library.tracks)]

    def saved(self, kind: str) -> list[tuple[str, str, datetime]]:
        """``(uri, name, added_at)`` of a saved collection, newest first."""
        catalogs: dict[str, Mapping[str, Any]] = {
            "album": self.albums, "show": self.shows, "episode": self.episodes,
            "audiobook": self.audiobooks}
        names = catalogs[kind]
        refs: list[SavedRef] = getattr(self.library, f"{kind}s")
        return [(f"spotify:{kind}:{ref.id}", names[ref.id].name, moment(ref.added_at))
                for ref in reversed(refs)]

    def followed_artists(self) -> list[tuple[str, str]]:
        return [(f"spotify:artist:{artist_id}", self.artists[artist_id].name)
                for artist_id in self.library.artists]

    # -- cost ---------------------------------------------------------------------------------

    def least_read_calls(self) -> dict[tuple[str, str], int]:
        """The fewest requests that read this library at 50 a page: ``GET /me``, the playlist
        list, each readable non-empty playlist, and each collection (one call even when empty,
        to learn that it is)."""

        def pages(count: int) -> int:
            return max(1, math.ceil(count / PAGE))

        listed = self.listed_playlists()
        readable = [playlist for playlist in listed if self.relation(playlist) != "followed"]
        library = self.library
        return {
            ("GET", "/me"): 1,
            ("GET", "/me/playlists"): pages(len(listed)),
            ("GET", "/playlists/{playlist_id}/items"): sum(
                math.ceil(len(playlist.entries) / PAGE) for playlist in readable),
            ("GET", "/me/tracks"): pages(len(library.tracks)),
            ("GET", "/me/albums"): pages(len(library.albums)),
            ("GET", "/me/following"): pages(len(library.artists)),
            ("GET", "/me/shows"): pages(len(library.shows)),
            ("GET", "/me/episodes"): pages(len(library.episodes)),
            ("GET", "/me/audiobooks"): pages(len(library.audiobooks)),
        }
