"""The library snapshot: what an account holds, as plain typed values.

These models do no I/O. ``export`` fills them from the adapter and writes them as a versioned
JSON document; ``plan`` diffs two of them. Unknown fields in a snapshot are ignored so an older
tool can still read what it understands, but a newer ``schema_version`` is refused.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class Kind(StrEnum):
    """What a Spotify URI points at. ``LOCAL`` is a local file inside a playlist."""

    TRACK = "track"
    EPISODE = "episode"
    ALBUM = "album"
    ARTIST = "artist"
    SHOW = "show"
    AUDIOBOOK = "audiobook"
    PLAYLIST = "playlist"
    USER = "user"
    LOCAL = "local"


def kind_of(uri: str) -> Kind:
    """The kind named by a ``spotify:<kind>:<id>`` URI (``spotify:local:...`` is LOCAL)."""
    parts = uri.split(":")
    if len(parts) < 3 or parts[0] != "spotify":
        raise ValueError(f"not a Spotify URI: {uri!r}")
    return Kind(parts[1])


def id_of(uri: str) -> str:
    """The id part of a ``spotify:<kind>:<id>`` URI."""
    kind_of(uri)
    return uri.split(":", 2)[2]


FILE_ID_PREFIX = "file-"
"""How the ids begin that the tool gives what a file names without a Spotify id: the unknown
account of a ``--from-file`` source and its playlists. Spotify has no page for them."""


def uri_of(kind: Kind | str, item_id: str) -> str:
    return f"spotify:{Kind(kind).value}:{item_id}"


class Category(StrEnum):
    """The parts of a library a user can choose to move."""

    PLAYLISTS = "playlists"
    LIKED_SONGS = "liked_songs"
    ALBUMS = "albums"
    ARTISTS = "artists"
    SHOWS = "shows"
    EPISODES = "episodes"
    AUDIOBOOKS = "audiobooks"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Account(_Model):
    id: str
    display_name: str | None = None


class SavedItem(_Model):
    """An item of a saved collection (Liked Songs, albums, shows, episodes, audiobooks) or a
    followed artist. ``added_at`` is None for followed artists (Spotify gives no date)."""

    uri: str
    name: str = ""
    artists: tuple[str, ...] = ()
    added_at: datetime | None = None

    @property
    def kind(self) -> Kind:
        return kind_of(self.uri)


class PlaylistEntry(_Model):
    """One entry of a playlist, in playlist order.

    ``uri`` is None for an unavailable entry (Spotify answers ``item: null``); local files keep
    their ``spotify:local:...`` URI and ``is_local``. Name, artists and album are for humans.
    """

    uri: str | None
    kind: Kind | None = None
    added_at: datetime | None = None
    added_by: str | None = None
    is_local: bool = False
    name: str = ""
    artists: tuple[str, ...] = ()
    album: str = ""
    no_id: bool = Field(False, description="read from a file that names the item but gives no "
                        "Spotify id (``uri`` is None): it cannot be added unless it is matched")
    malformed: str = Field("", description="what was wrong with an entry Spotify sent in a shape "
                           "the tool cannot read (e.g. ``null``); ``uri`` is then None and the "
                           "entry keeps its place")

    @property
    def unavailable(self) -> bool:
        return self.uri is None


class Cover(_Model):
    url: str
    custom: bool = Field(
        description="True for an uploaded image; False for Spotify's generated mosaic or album art"
    )
    jpeg_base64: str | None = Field(
        None,
        description="a custom cover's JPEG bytes (base64), kept by export because Spotify's "
        "image URLs expire: a transfer from an old snapshot still has the cover to upload",
    )


Relation = Literal["owned", "collaborator", "followed"]


class Playlist(_Model):
    """A playlist in the user's list.

    ``relation`` is how the user holds it: ``owned``; ``collaborator`` (owned by someone else,
    collaborative, and readable by this user); ``followed`` (owned by someone else, items not
    readable since February 2026). ``entries`` is None when the items were not read.
    """

    id: str
    name: str
    description: str = ""
    public: bool | None = None
    collaborative: bool = False
    owner_id: str
    owner_name: str | None = None
    snapshot_id: str | None = None
    relation: Relation
    cover: Cover | None = None
    total: int | None = None
    entries: tuple[PlaylistEntry, ...] | None = None

    @property
    def uri(self) -> str:
        return uri_of(Kind.PLAYLIST, self.id)


class Malformed(_Model):
    """An element of a list Spotify sent that the tool cannot read (a ``null`` where a playlist
    or a saved item should be, one without an id): skipped where it was, and reported."""

    category: Category
    position: int = Field(ge=0, description="zero-based position in the list Spotify sent")
    problem: str = Field(description="what was wrong, for people")


class Library(_Model):
    """A whole account's library at one moment: the snapshot document."""

    schema_version: int = SCHEMA_VERSION
    exported_at: datetime
    account: Account
    playlists: tuple[Playlist, ...] = ()
    liked_songs: tuple[SavedItem, ...] = Field(default=(), description="newest first, as Spotify")
    albums: tuple[SavedItem, ...] = ()
    artists: tuple[SavedItem, ...] = ()
    shows: tuple[SavedItem, ...] = ()
    episodes: tuple[SavedItem, ...] = ()
    audiobooks: tuple[SavedItem, ...] = ()
    malformed: tuple[Malformed, ...] = Field(
        default=(), description="elements of the playlist list and the saved collections that "
        "could not be read, in the order met (a malformed playlist entry is kept in its place)")


SAVED_CATEGORIES: tuple[Category, ...] = (
    Category.LIKED_SONGS,
    Category.ALBUMS,
    Category.ARTISTS,
    Category.SHOWS,
    Category.EPISODES,
    Category.AUDIOBOOKS,
)
