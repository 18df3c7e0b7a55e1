"""The sandbox's state as a JSON document: what it loads at start and dumps on request.

This is the contract between the server (``transfer.sandbox.state``), the built-in seed
generator, tests and benchmarks. It describes a small Spotify: a catalogue, users, playlists,
each user's saved library, the registered app and its tokens. Every collection is in the order
the API shows it, except where a field says otherwise.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PlaylistShape = Literal["null", "owner_id_null", "no_owner", "images_null", "image_url_null",
                        "old_cover", "older_shape"]
"""How a playlist is served beyond the spec (``transfer.sandbox.shapes`` says what each is)."""
EntryShape = Literal["null", "no_item", "added_by_empty", "artist_name_null"]
"""How a playlist entry is served beyond the spec."""
SavedShape = Literal["null"]
"""How a saved item is served beyond the spec."""


class _Seed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Artist(_Seed):
    id: str
    name: str


class Album(_Seed):
    id: str
    name: str
    artist_ids: list[str]
    release_date: str = "2020-01-01"
    album_type: str = "album"
    total_tracks: int = 10


class Track(_Seed):
    id: str
    name: str
    artist_ids: list[str]
    album_id: str
    duration_ms: int = 200_000
    explicit: bool = False
    track_number: int = 1
    available: bool = Field(
        True, description="False: the track was withdrawn; playlist entries show `item: null`"
    )


class Show(_Seed):
    id: str
    name: str
    publisher: str = ""
    description: str = ""


class Episode(_Seed):
    id: str
    name: str
    show_id: str
    duration_ms: int = 1_800_000
    release_date: str = "2024-01-01"
    description: str = ""


class Audiobook(_Seed):
    id: str
    name: str
    authors: list[str]
    narrators: list[str] = []
    publisher: str = ""
    description: str = ""


class Catalog(_Seed):
    artists: list[Artist] = []
    albums: list[Album] = []
    tracks: list[Track] = []
    shows: list[Show] = []
    episodes: list[Episode] = []
    audiobooks: list[Audiobook] = []


class User(_Seed):
    id: str
    display_name: str


class LocalFile(_Seed):
    """A local file inside a playlist: ``spotify:local:<artist>:<album>:<name>:<seconds>``."""

    name: str
    artist: str = ""
    album: str = ""
    duration_ms: int = 180_000


class PlaylistEntry(_Seed):
    """One entry. Exactly one of ``uri`` (a catalogue track or episode) and ``local``."""

    uri: str | None = None
    local: LocalFile | None = None
    added_at: str = Field(description="ISO 8601, e.g. 2021-03-04T05:06:07Z")
    added_by: str = Field(description="user id")
    shape: EntryShape | None = Field(None, description="served in this odd shape (None: as "
                                     "the spec says); see transfer.sandbox.shapes")


class Cover(_Seed):
    """A custom (uploaded) cover: base64 JPEG bytes. Playlists without one show a mosaic."""

    jpeg_base64: str


class Playlist(_Seed):
    id: str
    owner_id: str
    name: str
    description: str = ""
    public: bool = False
    collaborative: bool = False
    collaborator_ids: list[str] = Field(
        [], description="users who may read and change a collaborative playlist"
    )
    cover: Cover | None = None
    snapshot_version: int = Field(1, description="bumped on every change; feeds snapshot_id")
    entries: list[PlaylistEntry] = []
    shape: PlaylistShape | None = Field(None, description="served in this odd shape (None: as "
                                        "the spec says); see transfer.sandbox.shapes")


class SavedRef(_Seed):
    """An item in a saved collection, with the time it was saved."""

    id: str
    added_at: str
    shape: SavedShape | None = Field(None, description="served in this odd shape (None: as the "
                                     "spec says); see transfer.sandbox.shapes")


class UserLibrary(_Seed):
    """One user's saved items. Each list is oldest first (the order they were saved in);
    the API shows saved collections newest first."""

    tracks: list[SavedRef] = []
    albums: list[SavedRef] = []
    shows: list[SavedRef] = []
    episodes: list[SavedRef] = []
    audiobooks: list[SavedRef] = []
    artists: list[str] = Field([], description="followed artist ids, in the order followed")
    playlists: list[str] = Field(
        [], description="the user's playlist list (own and followed), as GET /me/playlists shows it"
    )
    users: list[str] = Field([], description="followed user ids, in the order followed")


class App(_Seed):
    """The registered Spotify app (Development Mode: at most 5 allow-listed users)."""

    client_id: str
    redirect_uris: list[str]
    allowed_user_ids: list[str] = Field(description="the app's user allow-list")


class RefreshToken(_Seed):
    """A refresh token issued before the sandbox started, for headless log-in."""

    token: str
    user_id: str
    scopes: list[str]
    issued_at: str | None = Field(
        None, description="sign-in time (ISO 8601); the token expires six months later "
                          "(Spotify, since July 2026). None: it never expires"
    )


class SandboxSeed(_Seed):
    schema_version: int = 1
    app: App
    users: list[User]
    catalog: Catalog
    playlists: list[Playlist] = []
    libraries: dict[str, UserLibrary] = Field(
        {}, description="user id -> saved library; a missing user has an empty one"
    )
    refresh_tokens: list[RefreshToken] = []
