"""Every endpoint the tool calls, declared once: method, path template, batch limit, scope,
and whether repeating it after a lost answer is safe.

Paths and limits follow the API as it is for Development-Mode apps since February 2026
(``../shared/SPOTIFY_API.md``). Nothing else in the code spells a path or a limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

READ_SCOPES: tuple[str, ...] = (
    "user-read-private",
    "playlist-read-private",
    "playlist-read-collaborative",
    "user-library-read",
    "user-follow-read",
    "user-read-playback-position",
)
WRITE_SCOPES: tuple[str, ...] = (
    "playlist-modify-public",
    "playlist-modify-private",
    "ugc-image-upload",
    "user-library-modify",
    "user-follow-modify",
)
ALL_SCOPES: tuple[str, ...] = READ_SCOPES + WRITE_SCOPES

READ_PAGE = 50
"""Items per page of every paged read (``limit`` maximum)."""
PLAYLIST_BATCH = 100
"""URIs per playlist add or remove."""
LIBRARY_BATCH = 40
"""URIs per ``/me/library`` save, remove or contains call, kinds mixed."""
TIMESTAMPED_BATCH = 50
"""Tracks per ``PUT /me/tracks`` with ``timestamped_ids`` (Extended Quota only)."""
SEARCH_LIMIT = 10
"""Results per type of one search (the Development-Mode maximum)."""
COVER_MAX_BYTES = 256 * 1024
"""Largest base64 payload of a cover upload."""


@dataclass(frozen=True)
class Endpoint:
    """One method on one path template, e.g. ``GET /playlists/{playlist_id}/items``.

    ``idempotent`` says whether sending it twice does no harm: only then is it retried after a
    5xx, a dropped connection or a timeout that may have reached Spotify.
    """

    method: str
    template: str
    scopes: tuple[str, ...] = ()
    limit: int | None = None
    idempotent: bool = True

    def path(self, **ids: str) -> str:
        """The template with its ``{placeholders}`` filled in, each id quoted."""
        return self.template.format(**{name: quote(value, safe="") for name, value in ids.items()})

    @property
    def key(self) -> tuple[str, str]:
        """How calls are counted: ``(method, template)``."""
        return (self.method, self.template)

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


ME = Endpoint("GET", "/me", ("user-read-private",))
MY_PLAYLISTS = Endpoint("GET", "/me/playlists", ("playlist-read-private",), READ_PAGE)
PLAYLIST = Endpoint("GET", "/playlists/{playlist_id}")
PLAYLIST_ITEMS = Endpoint(
    "GET", "/playlists/{playlist_id}/items", ("playlist-read-private",), READ_PAGE
)
PLAYLIST_COVER = Endpoint("GET", "/playlists/{playlist_id}/images")
CREATE_PLAYLIST = Endpoint(
    "POST", "/me/playlists", ("playlist-modify-private",), idempotent=False
)
CHANGE_PLAYLIST = Endpoint("PUT", "/playlists/{playlist_id}", ("playlist-modify-private",))
ADD_ITEMS = Endpoint(
    "POST",
    "/playlists/{playlist_id}/items",
    ("playlist-modify-private",),
    PLAYLIST_BATCH,
    idempotent=False,
)
REPLACE_ITEMS = Endpoint(
    "PUT", "/playlists/{playlist_id}/items", ("playlist-modify-private",), PLAYLIST_BATCH
)
REMOVE_ITEMS = Endpoint(
    "DELETE", "/playlists/{playlist_id}/items", ("playlist-modify-private",), PLAYLIST_BATCH
)
UPLOAD_COVER = Endpoint("PUT", "/playlists/{playlist_id}/images", ("ugc-image-upload",))
SAVED_TRACKS = Endpoint("GET", "/me/tracks", ("user-library-read",), READ_PAGE)
SAVED_ALBUMS = Endpoint("GET", "/me/albums", ("user-library-read",), READ_PAGE)
SAVED_SHOWS = Endpoint("GET", "/me/shows", ("user-library-read",), READ_PAGE)
SAVED_EPISODES = Endpoint(
    "GET", "/me/episodes", ("user-library-read", "user-read-playback-position"), READ_PAGE
)
SAVED_AUDIOBOOKS = Endpoint("GET", "/me/audiobooks", ("user-library-read",), READ_PAGE)
FOLLOWED_ARTISTS = Endpoint("GET", "/me/following", ("user-follow-read",), READ_PAGE)
LIBRARY_SAVE = Endpoint(
    "PUT", "/me/library", ("user-library-modify", "user-follow-modify"), LIBRARY_BATCH
)
LIBRARY_REMOVE = Endpoint(
    "DELETE", "/me/library", ("user-library-modify", "user-follow-modify"), LIBRARY_BATCH
)
LIBRARY_CONTAINS = Endpoint(
    "GET", "/me/library/contains", ("user-library-read", "user-follow-read"), LIBRARY_BATCH
)
SEARCH = Endpoint("GET", "/search", (), SEARCH_LIMIT)
SAVE_TRACKS_TIMESTAMPED = Endpoint(
    "PUT", "/me/tracks", ("user-library-modify",), TIMESTAMPED_BATCH
)
