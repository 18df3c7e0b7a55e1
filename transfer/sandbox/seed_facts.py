"""Facts about a seed as one user sees it: counts, and which playlist holds which tricky case.

Computed from the seed itself, so tests compare what the sandbox serves with what the seed
holds instead of with numbers kept by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from transfer.sandbox.seed import Playlist, SandboxSeed


@dataclass(frozen=True)
class SeedFacts:
    user_id: str
    liked_songs: int
    saved_albums: int
    saved_shows: int
    saved_episodes: int
    saved_audiobooks: int
    followed_artists: int
    playlist_ids: tuple[str, ...]
    """The user's playlist list, in the order ``GET /me/playlists`` shows it."""
    owned_playlist_ids: tuple[str, ...]
    collaborating_playlist_ids: tuple[str, ...]
    """Others' collaborative playlists in the list on which the user is a collaborator."""
    followed_playlist_ids: tuple[str, ...]
    """Others' playlists in the list that the user may not read (editorial ones included)."""
    editorial_playlist_ids: tuple[str, ...]
    playlist_sizes: Mapping[str, int]
    """Entries of every playlist in the seed, by id."""
    empty_playlist_ids: tuple[str, ...]
    duplicate_playlist_ids: tuple[str, ...]
    episode_playlist_ids: tuple[str, ...]
    local_file_playlist_ids: tuple[str, ...]
    unavailable_playlist_ids: tuple[str, ...]
    custom_cover_playlist_ids: tuple[str, ...]
    collaborative_owned_ids: tuple[str, ...]
    largest_playlist_id: str | None
    liked_in_playlists: int
    """Liked songs that also appear in a playlist the user owns."""
    owned_entries: int

    @property
    def readable_playlist_ids(self) -> tuple[str, ...]:
        """Playlists whose items the user may read: owned or collaborated on."""
        return self.owned_playlist_ids + self.collaborating_playlist_ids

    @property
    def total_items(self) -> int:
        """Everything the user's library holds: saved items, follows and owned entries."""
        return (
            self.liked_songs + self.saved_albums + self.saved_shows + self.saved_episodes
            + self.saved_audiobooks + self.followed_artists + self.owned_entries
            + len(self.collaborating_playlist_ids) + len(self.followed_playlist_ids)
        )


def describe(seed: SandboxSeed, user_id: str) -> SeedFacts:
    library = seed.libraries.get(user_id)
    if library is None:
        raise ValueError(f"the seed has no library for {user_id!r}")
    playlists = {playlist.id: playlist for playlist in seed.playlists}
    listed = [playlists[playlist_id] for playlist_id in library.playlists]
    owned = [playlist for playlist in listed if playlist.owner_id == user_id]
    withdrawn = {f"spotify:track:{track.id}" for track in seed.catalog.tracks
                 if not track.available}
    owned_uris = {entry.uri for playlist in owned for entry in playlist.entries if entry.uri}

    def ids(predicate: object) -> tuple[str, ...]:
        return tuple(playlist.id for playlist in owned if predicate(playlist))  # type: ignore[operator]

    return SeedFacts(
        user_id=user_id,
        liked_songs=len(library.tracks),
        saved_albums=len(library.albums),
        saved_shows=len(library.shows),
        saved_episodes=len(library.episodes),
        saved_audiobooks=len(library.audiobooks),
        followed_artists=len(library.artists),
        playlist_ids=tuple(library.playlists),
        owned_playlist_ids=tuple(playlist.id for playlist in owned),
        collaborating_playlist_ids=tuple(
            playlist.id for playlist in listed
            if playlist.owner_id != user_id and user_id in playlist.collaborator_ids
        ),
        followed_playlist_ids=tuple(
            playlist.id for playlist in listed
            if playlist.owner_id != user_id and user_id not in playlist.collaborator_ids
        ),
        editorial_playlist_ids=tuple(p.id for p in listed if p.owner_id == "spotify"),
        playlist_sizes={playlist.id: len(playlist.entries) for playlist in seed.playlists},
        empty_playlist_ids=ids(lambda p: not p.entries),
        duplicate_playlist_ids=ids(_has_duplicates),
        episode_playlist_ids=ids(lambda p: any(_is_episode(e.uri) for e in p.entries)),
        local_file_playlist_ids=ids(lambda p: any(e.local for e in p.entries)),
        unavailable_playlist_ids=ids(lambda p: any(e.uri in withdrawn for e in p.entries)),
        custom_cover_playlist_ids=ids(lambda p: p.cover is not None),
        collaborative_owned_ids=ids(lambda p: p.collaborative),
        largest_playlist_id=max(owned, key=lambda p: len(p.entries)).id if owned else None,
        liked_in_playlists=sum(
            f"spotify:track:{saved.id}" in owned_uris for saved in library.tracks
        ),
        owned_entries=sum(len(playlist.entries) for playlist in owned),
    )


def _is_episode(uri: str | None) -> bool:
    return uri is not None and uri.startswith("spotify:episode:")


def _has_duplicates(playlist: Playlist) -> bool:
    uris = [entry.uri for entry in playlist.entries if entry.uri]
    return len(uris) != len(set(uris))
