"""The actions a plan is made of: frozen, typed, serialisable, each with a stable identity key.

``transfer`` executes them in plan order; the journal records each by its ``key`` so a re-run
recognises what it already did. A key depends only on what the action does (which playlist,
where, which items), never on when it was planned, so the same work gets the same key in every
run. Following a playlist or an artist is saving its URI (``PUT /me/library``), so follows travel
in :class:`SaveLibraryItems` batches together with saved tracks, albums and the rest.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.models import Category, Kind, kind_of
from transfer.plan.endpoints import Endpoint

ADD_BATCH = 100
"""Most URIs one ``POST /playlists/{id}/items`` takes."""
LIBRARY_BATCH = 40
"""Most URIs one ``PUT /me/library`` takes, of any mix of kinds."""
DATED_BATCH = 50
"""Most tracks one ``PUT /me/tracks`` with ``timestamped_ids`` takes."""

_CATEGORY_OF_KIND: dict[Kind, Category] = {
    Kind.TRACK: Category.LIKED_SONGS,
    Kind.ALBUM: Category.ALBUMS,
    Kind.ARTIST: Category.ARTISTS,
    Kind.SHOW: Category.SHOWS,
    Kind.EPISODE: Category.EPISODES,
    Kind.AUDIOBOOK: Category.AUDIOBOOKS,
    Kind.PLAYLIST: Category.PLAYLISTS,
}


def category_of(uri: str) -> Category:
    """The library category a saved URI belongs to (a saved track is a Liked Song)."""
    kind = kind_of(uri)
    if kind not in _CATEGORY_OF_KIND:
        raise ValueError(f"{uri!r} cannot be saved to a library")
    return _CATEGORY_OF_KIND[kind]


def digest(*parts: str) -> str:
    """A short stable fingerprint of some strings (the same in every process, unlike hash())."""
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:12]


class _Action(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: ClassVar[Endpoint | None] = None

    @property
    def key(self) -> str:
        raise NotImplementedError


class CreatePlaylist(_Action):
    """Create the target's copy of a source playlist, with its details (one call)."""

    endpoint: ClassVar[Endpoint | None] = Endpoint.CREATE_PLAYLIST
    type: Literal["create_playlist"] = "create_playlist"
    source_playlist_id: str
    name: str = Field(description="the target name, prefix and suffix applied")
    description: str = ""
    public: bool = Field(description="after the privacy override")
    collaborative: bool = False

    @property
    def key(self) -> str:
        return f"create:{self.source_playlist_id}"


class _PlaylistWrite(_Action):
    """A write to the target copy of a source playlist.

    ``target_playlist_id`` is None when the copy is made by this plan's :class:`CreatePlaylist`
    for the same ``source_playlist_id``; the engine learns its id when that action is done.
    """

    source_playlist_id: str
    target_playlist_id: str | None = None
    playlist_name: str = Field("", description="the source playlist's name, for people")

    @property
    def create_key(self) -> str:
        return f"create:{self.source_playlist_id}"


class AddPlaylistItems(_PlaylistWrite):
    """Add one batch of items (tracks and episodes, duplicates kept) at ``position``."""

    endpoint: ClassVar[Endpoint | None] = Endpoint.ADD_ITEMS
    type: Literal["add_playlist_items"] = "add_playlist_items"
    uris: tuple[str, ...] = Field(min_length=1, max_length=ADD_BATCH)
    position: int = Field(ge=0, description="where the first URI lands in the target copy")

    @property
    def key(self) -> str:
        return f"add:{self.source_playlist_id}:{self.position}:{digest(*self.uris)}"


class UploadCover(_PlaylistWrite):
    """Copy a custom cover: the engine uploads ``jpeg_base64`` when a snapshot kept the bytes,
    else fetches ``cover_url`` and uploads those."""

    endpoint: ClassVar[Endpoint | None] = Endpoint.UPLOAD_COVER
    type: Literal["upload_cover"] = "upload_cover"
    cover_url: str
    jpeg_base64: str | None = Field(
        None, description="the cover's bytes from a snapshot; when set they are uploaded "
                          "instead of fetching cover_url (image URLs expire)",
    )

    @property
    def key(self) -> str:
        return f"cover:{self.source_playlist_id}:{digest(self.cover_url)}"


class UpdatePlaylistDetails(_PlaylistWrite):
    """Bring a copy's name, description and flags in line with the source (``sync``)."""

    endpoint: ClassVar[Endpoint | None] = Endpoint.CHANGE_DETAILS
    type: Literal["update_playlist_details"] = "update_playlist_details"
    name: str
    description: str = ""
    public: bool
    collaborative: bool = False

    @property
    def key(self) -> str:
        fingerprint = digest(self.name, self.description, str(self.public), str(self.collaborative))
        return f"details:{self.source_playlist_id}:{fingerprint}"


class RemovePlaylistItems(_PlaylistWrite):
    """Take every occurrence of each URI out of a copy (``sync --mirror``); safe to repeat.

    Planned only where no occurrence of these URIs is to stay in the copy, so removing them all
    is exactly what is meant (Spotify's remove takes URIs, not positions).
    """

    endpoint: ClassVar[Endpoint | None] = Endpoint.REMOVE_ITEMS
    type: Literal["remove_playlist_items"] = "remove_playlist_items"
    uris: tuple[str, ...] = Field(min_length=1, max_length=ADD_BATCH)

    @property
    def key(self) -> str:
        return f"remove-items:{self.source_playlist_id}:{digest(*self.uris)}"


class ReplacePlaylistItems(_PlaylistWrite):
    """Make a copy hold exactly ``uris`` (at most 100, none empties it); the rest of the source
    follows as adds from position 100 (``sync --mirror``, when removing by URI cannot give the
    source's order). Safe to repeat."""

    endpoint: ClassVar[Endpoint | None] = Endpoint.REPLACE_ITEMS
    type: Literal["replace_playlist_items"] = "replace_playlist_items"
    uris: tuple[str, ...] = Field(max_length=ADD_BATCH)

    @property
    def key(self) -> str:
        return f"replace:{self.source_playlist_id}:{digest(*self.uris)}"


class AdoptPlaylist(_Action):
    """Take a playlist already in the target as the copy of a source playlist: a copy an
    earlier run made whose journal is gone (see :mod:`transfer.plan.adoption`). No call is
    made; the journal links it and lists it among the playlists the tool created, so later
    runs continue it and ``undo`` can remove it. Its details are those the tool would give the
    copy; ``target_uris`` are the items the copy was found to hold."""

    type: Literal["adopt_playlist"] = "adopt_playlist"
    source_playlist_id: str
    target_playlist_id: str
    playlist_name: str = Field("", description="the source playlist's name, for people")
    name: str = Field(description="the copy's name, prefix and suffix applied")
    description: str = ""
    public: bool
    collaborative: bool = False
    target_uris: tuple[str | None, ...] = Field(
        (), description="what the copy holds, in order (None: an unavailable entry)")
    target_snapshot_id: str | None = None
    cover_url: str | None = Field(
        None, description="the source cover taken as uploaded (the copy has a custom cover)")

    @property
    def key(self) -> str:
        return f"adopt:{self.source_playlist_id}"


class SaveLibraryItems(_Action):
    """Save (or follow) up to 40 URIs of any kinds in one ``PUT /me/library``.

    The URIs are saved in the order given, the first being the oldest, so a collection that
    Spotify lists newest first keeps its order when sent oldest first.
    """

    endpoint: ClassVar[Endpoint | None] = Endpoint.SAVE_LIBRARY
    type: Literal["save_library_items"] = "save_library_items"
    uris: tuple[str, ...] = Field(min_length=1, max_length=LIBRARY_BATCH)
    redo: bool = Field(False, description="saved again to repair their order (counted once, "
                                          "by the save before)")

    @property
    def key(self) -> str:
        return f"{'resave' if self.redo else 'save'}:{digest(*self.uris)}"


class RemoveLibraryItems(_Action):
    """Take up to 40 URIs of any kinds out of the library in one ``DELETE /me/library``:
    unsave, unfollow, and for a playlist the user owns, remove it from the user's list (the
    API's way of deleting one). ``undo`` and ``sync --mirror`` send these; removing is safe to
    repeat."""

    endpoint: ClassVar[Endpoint | None] = Endpoint.REMOVE_LIBRARY
    type: Literal["remove_library_items"] = "remove_library_items"
    uris: tuple[str, ...] = Field(min_length=1, max_length=LIBRARY_BATCH)
    redo: bool = Field(False, description="taken out to be saved again in order (a transfer "
                                          "repairing the order of a save)")

    @property
    def key(self) -> str:
        return f"{'unsave-redo' if self.redo else 'remove'}:{digest(*self.uris)}"


class DatedTrack(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    uri: str
    added_at: datetime


class SaveLikedWithDates(_Action):
    """Save up to 50 Liked Songs with their original dates (``timestamped_ids``).

    Only Extended-Quota apps may; when Spotify refuses, :func:`plain_batches` gives the plain
    saves that replace the remaining dated ones, in the same order.
    """

    endpoint: ClassVar[Endpoint | None] = Endpoint.SAVE_TRACKS
    type: Literal["save_liked_with_dates"] = "save_liked_with_dates"
    tracks: tuple[DatedTrack, ...] = Field(min_length=1, max_length=DATED_BATCH)

    @property
    def uris(self) -> tuple[str, ...]:
        return tuple(track.uri for track in self.tracks)

    @property
    def key(self) -> str:
        stamps = (f"{track.uri}@{track.added_at.isoformat()}" for track in self.tracks)
        return f"save-dated:{digest(*stamps)}"


class SkipReason(StrEnum):
    """Why something in the source is not moved. ``text`` says it to a person."""

    LOCAL_FILE = "local_file"
    UNAVAILABLE = "unavailable"
    UNSUPPORTED = "unsupported"
    EXCLUDED = "excluded"
    NOT_INCLUDED = "not_included"
    CATEGORY_OFF = "category_off"
    ALREADY_FOLLOWED = "already_followed"
    UP_TO_DATE = "up_to_date"
    DIVERGED = "diverged"
    NOT_MIRRORED = "not_mirrored"
    COPY_REMOVED = "copy_removed"
    ITEMS_UNKNOWN = "items_unknown"
    NO_ID = "no_id"
    MALFORMED = "malformed"
    UNREADABLE = "unreadable"

    @property
    def text(self) -> str:
        return _SKIP_TEXT[self]

    @property
    def already_there(self) -> bool:
        """True when nothing moves because the target has it already (not a loss)."""
        return self in (SkipReason.ALREADY_FOLLOWED, SkipReason.UP_TO_DATE)


_SKIP_TEXT: dict[SkipReason, str] = {
    SkipReason.LOCAL_FILE: "local file: the Spotify API cannot add local files",
    SkipReason.UNAVAILABLE: "unavailable on Spotify (withdrawn or not playable)",
    SkipReason.UNSUPPORTED: "a kind of item Spotify cannot save or add",
    SkipReason.EXCLUDED: "left out by --exclude-playlist or exclude_playlists",
    SkipReason.NOT_INCLUDED: "not among the playlists chosen (--playlist or include_playlists)",
    SkipReason.CATEGORY_OFF: "category not chosen (--only or categories in the settings)",
    SkipReason.ALREADY_FOLLOWED: "the target account already has it",
    SkipReason.UP_TO_DATE: "the copy in the target account is up to date",
    SkipReason.DIVERGED: (
        "the copy in the target account was changed outside this tool; left as it is"
    ),
    SkipReason.NOT_MIRRORED: (
        "items were taken out of the source playlist or moved; the copy keeps them as they "
        "were (sync --mirror carries that too)"
    ),
    SkipReason.COPY_REMOVED: (
        "the copy this tool made was removed from the target account; not made again"
    ),
    SkipReason.ITEMS_UNKNOWN: "its items were not read, so they cannot be copied",
    SkipReason.NO_ID: "no Spotify id in the file (`--match` looks it up by title and artist)",
    SkipReason.MALFORMED: "sent by Spotify in a shape that cannot be read; skipped where it was",
    SkipReason.UNREADABLE: (
        "a page of its items held none that could be read (all null, unavailable or "
        "malformed): not copied, so no empty or incomplete copy is made; transfer reads it "
        "again, sync once the playlist changes"
    ),
}


class SkippedItem(BaseModel):
    """What a skip is about: a playlist entry, a playlist, a saved item or a whole category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: Category
    name: str = ""
    uri: str | None = None
    artists: tuple[str, ...] = ()
    playlist_id: str | None = Field(None, description="the playlist itself, or the one holding it")
    playlist_name: str | None = None
    position: int | None = Field(None, description="zero-based position in the source playlist "
                                 "(or, with no playlist_id, in the list Spotify sent)")
    count: int = Field(1, ge=0, description="how many items this stands for (a whole category)")

    @property
    def ref(self) -> str:
        if self.position is not None:
            return f"{self.playlist_id or self.category.value}#{self.position}"
        return self.uri or self.playlist_id or self.category.value


class Skip(_Action):
    """Something that is not moved, and why. Skips make no call; they are reported."""

    type: Literal["skip"] = "skip"
    item: SkippedItem
    reason: SkipReason
    detail: str = Field("", description="e.g. the pattern that excluded a playlist")

    @property
    def key(self) -> str:
        return f"skip:{self.reason.value}:{self.item.ref}"


WriteAction = (
    CreatePlaylist
    | AdoptPlaylist
    | AddPlaylistItems
    | UploadCover
    | UpdatePlaylistDetails
    | RemovePlaylistItems
    | ReplacePlaylistItems
    | SaveLibraryItems
    | SaveLikedWithDates
)
UndoAction = RemoveLibraryItems
"""What takes items out of the library: all an ``undo`` sends, and the library removals of
``sync --mirror``. Not a :data:`WriteAction` (a transfer never holds one)."""
Action = Annotated[WriteAction | UndoAction | Skip, Field(discriminator="type")]
PLAYLIST_WRITES = (AddPlaylistItems, UploadCover, UpdatePlaylistDetails, RemovePlaylistItems,
                   ReplacePlaylistItems)


def plain_batches(dated: tuple[SaveLikedWithDates, ...]) -> tuple[SaveLibraryItems, ...]:
    """The plain saves that replace dated ones Spotify refused: same tracks, same order."""
    uris = [uri for action in dated for uri in action.uris]
    return tuple(
        SaveLibraryItems(uris=tuple(uris[start : start + LIBRARY_BATCH]))
        for start in range(0, len(uris), LIBRARY_BATCH)
    )
