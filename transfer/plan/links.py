"""What the journal knows about the playlists this tool created: the diff's memory.

Only a playlist reached through a link is ever continued. A playlist of the target's own that
merely shares a name with a source playlist has no link, so it is never touched; one that also
holds the source's items is a copy whose journal was lost, and is adopted (it gets a link):
see :mod:`transfer.plan.adoption`.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from transfer.models import Playlist


class PlaylistDetails(BaseModel):
    """A playlist's details as the tool sets them on a copy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str = ""
    public: bool
    collaborative: bool = False


class PlaylistLink(BaseModel):
    """A source playlist and the copy this tool created for it in the target account.

    ``target_uris`` is what the tool knows to be in the copy, in order (``len`` of it is how many
    entries were carried); ``target_snapshot_id`` is the copy's snapshot after the tool's last
    write, so a copy whose snapshot is unchanged need not be read again. ``source_snapshot_id``
    is the source snapshot that was carried completely (None until one was).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_playlist_id: str
    target_playlist_id: str
    details: PlaylistDetails
    target_uris: tuple[str | None, ...] = ()
    target_snapshot_id: str | None = None
    source_snapshot_id: str | None = None
    cover_url: str | None = Field(None, description="the source cover URL last uploaded")


Links = Mapping[str, PlaylistLink]
"""Source playlist id -> its link."""


def known_copy_uris(link: PlaylistLink, copy: Playlist) -> tuple[str | None, ...] | None:
    """The URIs in a copy: as read if it was read, else from the link if the copy's snapshot is
    the one the tool left; None when neither can be trusted (the copy must be read)."""
    if copy.entries is not None:
        return tuple(entry.uri for entry in copy.entries)
    if link.target_snapshot_id is not None and link.target_snapshot_id == copy.snapshot_id:
        return link.target_uris
    return None


def copy_needs_reading(link: PlaylistLink | None, source: Playlist, copy: Playlist) -> bool:
    """Whether the engine must read a linked copy's items before diffing (for ``sync``)."""
    if link is None or source.relation != "owned":
        return False
    if source.entries is None and link.source_snapshot_id == source.snapshot_id:
        return False
    return known_copy_uris(link, copy) is None


def source_needs_reading(link: PlaylistLink | None, source: Playlist) -> bool:
    """Whether an owned source playlist's items must be read: not when the link says that very
    snapshot was already carried completely."""
    if source.relation != "owned":
        return False
    if link is None or source.snapshot_id is None:
        return True
    return link.source_snapshot_id != source.snapshot_id
