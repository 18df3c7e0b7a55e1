"""The Spotify endpoints the tool calls, named as ``"METHOD template"``.

The templates are the OpenAPI spec's paths, the same ones the sandbox's request log counts by,
so a plan's predicted cost and a measured one compare key by key.
"""

from __future__ import annotations

from enum import StrEnum

from transfer.models import Category


class Endpoint(StrEnum):
    # writes
    CREATE_PLAYLIST = "POST /me/playlists"
    ADD_ITEMS = "POST /playlists/{playlist_id}/items"
    REMOVE_ITEMS = "DELETE /playlists/{playlist_id}/items"
    REPLACE_ITEMS = "PUT /playlists/{playlist_id}/items"
    UPLOAD_COVER = "PUT /playlists/{playlist_id}/images"
    CHANGE_DETAILS = "PUT /playlists/{playlist_id}"
    SAVE_LIBRARY = "PUT /me/library"
    SAVE_TRACKS = "PUT /me/tracks"
    REMOVE_LIBRARY = "DELETE /me/library"
    # reads
    ME = "GET /me"
    MY_PLAYLISTS = "GET /me/playlists"
    PLAYLIST_ITEMS = "GET /playlists/{playlist_id}/items"
    SAVED_TRACKS = "GET /me/tracks"
    SAVED_ALBUMS = "GET /me/albums"
    FOLLOWED_ARTISTS = "GET /me/following"
    SAVED_SHOWS = "GET /me/shows"
    SAVED_EPISODES = "GET /me/episodes"
    SAVED_AUDIOBOOKS = "GET /me/audiobooks"
    LIBRARY_CONTAINS = "GET /me/library/contains"

    @property
    def method(self) -> str:
        return self.value.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.value.split(" ", 1)[1]

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


SAVED_COLLECTION_READS: dict[Category, Endpoint] = {
    Category.LIKED_SONGS: Endpoint.SAVED_TRACKS,
    Category.ALBUMS: Endpoint.SAVED_ALBUMS,
    Category.ARTISTS: Endpoint.FOLLOWED_ARTISTS,
    Category.SHOWS: Endpoint.SAVED_SHOWS,
    Category.EPISODES: Endpoint.SAVED_EPISODES,
    Category.AUDIOBOOKS: Endpoint.SAVED_AUDIOBOOKS,
}
"""The endpoint that lists each saved collection (50 a page)."""
