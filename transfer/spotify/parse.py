"""Spotify's JSON objects turned into the snapshot models. Pure functions, no I/O.

Only the field names of the API after February 2026 are read: a playlist's item summary is
``items`` and a playlist entry's object is ``item``; the deprecated ``tracks``/``track`` aliases
are ignored (a saved-track object's ``track`` is its current, not deprecated, name).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from transfer.models import Cover, Kind, Playlist, PlaylistEntry, Relation, SavedItem, kind_of

Json = Mapping[str, Any]

CUSTOM_COVER_PREFIX = "ab67706c"
"""An uploaded playlist cover's image id starts with this; mosaics and album art do not."""


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def description_text(description: str | None) -> str:
    """A playlist description as written: Spotify answers it HTML-escaped (``&#x27;`` for
    ``'``, ``&#x2F;`` for ``/``), and it must not be escaped twice when copied."""
    return html.unescape(description or "")


def cover_of(images: list[Json] | None) -> Cover | None:
    """The playlist's cover: its first (largest) image, and whether it was uploaded."""
    if not images:
        return None
    url = str(images[0]["url"])
    last_segment = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return Cover(url=url, custom=last_segment.startswith(CUSTOM_COVER_PREFIX))


def relation_of(playlist: Json, me_id: str) -> Relation:
    """Owned; collaborator (someone else's collaborative playlist whose items we may read, which
    Spotify signals by sending the ``items`` summary); or followed."""
    if playlist["owner"]["id"] == me_id:
        return "owned"
    if playlist.get("collaborative") and playlist.get("items") is not None:
        return "collaborator"
    return "followed"


def playlist_of(playlist: Json, me_id: str) -> Playlist:
    """A playlist object (full or simplified) as a snapshot ``Playlist`` without entries."""
    owner = playlist["owner"]
    summary = playlist.get("items")
    return Playlist(
        id=playlist["id"],
        name=playlist.get("name") or "",
        description=description_text(playlist.get("description")),
        public=playlist.get("public"),
        collaborative=bool(playlist.get("collaborative")),
        owner_id=owner["id"],
        owner_name=owner.get("display_name"),
        snapshot_id=playlist.get("snapshot_id"),
        relation=relation_of(playlist, me_id),
        cover=cover_of(playlist.get("images")),
        total=summary.get("total") if isinstance(summary, Mapping) else None,
    )


def _names(people: list[Json] | None) -> tuple[str, ...]:
    return tuple(str(person.get("name", "")) for person in people or ())


def entry_of(entry: Json) -> PlaylistEntry:
    """One playlist entry; ``item: null`` is an unavailable entry, kept with its date."""
    item = entry.get("item")
    added_by = entry.get("added_by")
    common: dict[str, Any] = {
        "added_at": parse_time(entry.get("added_at")),
        "added_by": added_by.get("id") if isinstance(added_by, Mapping) else None,
        "is_local": bool(entry.get("is_local")),
    }
    if not item or not item.get("uri"):
        return PlaylistEntry(uri=None, **common)
    uri = str(item["uri"])
    kind = kind_of(uri)
    if kind is Kind.EPISODE:
        show = item.get("show") or {}
        return PlaylistEntry(
            uri=uri, kind=kind, name=item.get("name") or "", album=show.get("name") or "",
            **common,
        )
    album = item.get("album") or {}
    return PlaylistEntry(
        uri=uri,
        kind=kind,
        name=item.get("name") or "",
        artists=_names(item.get("artists")),
        album=album.get("name") or "",
        **common,
    )


def _people_of(item: Json) -> tuple[str, ...]:
    """Who made a saved item, for humans: artists, authors, or the show or its publisher."""
    if item.get("artists"):
        return _names(item["artists"])
    if item.get("authors"):
        return _names(item["authors"])
    if isinstance(item.get("show"), Mapping):
        return (str(item["show"].get("name", "")),)
    if item.get("publisher"):
        return (str(item["publisher"]),)
    return ()


def saved_item_of(saved: Json, key: str) -> SavedItem:
    """An entry of a saved collection, e.g. ``{"added_at": ..., "album": {...}}`` with key
    ``album``."""
    item = saved[key]
    return SavedItem(
        uri=str(item["uri"]),
        name=item.get("name") or "",
        artists=_people_of(item),
        added_at=parse_time(saved.get("added_at")),
    )


def artist_of(artist: Json) -> SavedItem:
    """A followed artist (Spotify gives no date)."""
    return SavedItem(uri=str(artist["uri"]), name=artist.get("name") or "")
