"""Spotify's JSON objects turned into the snapshot models. Pure functions, no I/O.

The field names of the API after February 2026 are read first: a playlist's item summary is
``items`` and a playlist entry's object is ``item``. Their deprecated aliases ``tracks`` and
``track`` are read only when the new name is absent (older answers carry only those); a
saved-track object's ``track`` is its current, not deprecated, name.

Spotify's answers do not always have the shape the spec gives them. What each odd field is
taken to mean:

- **An element of a list that is not an object** (``null`` in ``/me/playlists`` or a saved
  collection), a playlist **without an id**, a saved item **without a URI**: it cannot be
  named, moved or followed. :class:`Unreadable` says what was wrong; the adapter skips the
  element and records it as a :class:`transfer.models.Malformed` at its position.
- **A playlist entry** that is not an object, or whose item has no URI (and is not a local
  file), is kept in its place as an entry without a URI and with ``malformed`` set, so the
  positions of the others do not move; ``item: null`` is an unavailable (withdrawn) entry,
  as Spotify documents.
- **An owner with ``id: null``**, an owner that is missing or not an object: an unknown owner
  (``owner_id`` empty), so the playlist is never taken as the user's own: it is followed, or
  read as a collaborator's when Spotify sends its item summary. A ``display_name`` that is
  not a string is no name.
- **Images**: ``null`` elements and images whose ``url`` is null or empty are not images; a
  playlist with none left has no cover.
- **A custom cover** is told by exclusion: any image that is not Spotify's generated art (a
  ``mosaic.scdn.co`` mosaic, album art ``ab67616d...``, an editorial cover ``ab67706f...``,
  artist, show or audiobook art, a ``misc.scdn.co`` placeholder) is one the user uploaded,
  whatever its address: ``ab67706c...`` today, ``u.scdn.co/images/pl/default/<hex>`` in older
  answers.
- **Names**: a null playlist, item, album, show or artist name is no name (``""``), never the
  text ``None``; an artist without a name is left out of the artists.
- **``added_by``** that is missing, not an object, or whose ``id`` is null or empty: unknown
  (None). **``added_at``** null or not a date: unknown (the spec says very old playlists send
  null in both).
- **Numbers and flags** of the wrong type (a ``total`` that is not an integer, a ``public``
  that is not a boolean): unknown.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from transfer.models import (
    Category,
    Cover,
    Kind,
    Malformed,
    Playlist,
    PlaylistEntry,
    Relation,
    SavedItem,
    kind_of,
)

Json = Mapping[str, Any]
T = TypeVar("T")

CUSTOM_COVER_PREFIX = "ab67706c"
"""An uploaded playlist cover's image id starts with this today; older uploads have other
addresses (see :func:`is_custom_cover`)."""
GENERATED_ART_PREFIXES = (
    "ab67616d",  # album art (a playlist of fewer than four albums shows its first)
    "ab67706f",  # Spotify's editorial covers
    "ab676161",  # artist images
    "ab676563",  # show art
    "ab676663",  # audiobook art
)
"""Image ids of art Spotify makes or owns: never a cover the user uploaded."""
GENERATED_HOSTS = ("mosaic.scdn.co", "misc.scdn.co")
"""Hosts of generated mosaics and of placeholders."""


class Unreadable(ValueError):
    """An element of an answer that cannot be read; the message says what was wrong."""


def parse_time(value: object) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _text(value: object) -> str:
    """A name as text: anything but a string (null, a number) is no name."""
    return value if isinstance(value, str) else ""


def _mapping(value: object) -> Json:
    return value if isinstance(value, Mapping) else {}


def description_text(description: str | None) -> str:
    """A playlist description as written: Spotify answers it HTML-escaped (``&#x27;`` for
    ``'``, ``&#x2F;`` for ``/``), and it must not be escaped twice when copied."""
    return html.unescape(_text(description))


def is_custom_cover(url: str) -> bool:
    """Whether an image address is a cover the user uploaded: by exclusion, any that is not
    Spotify's generated art or a placeholder."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments or host in GENERATED_HOSTS or "mosaic" in segments[:1]:
        return False
    return not segments[-1].lower().startswith(GENERATED_ART_PREFIXES)


def cover_of(images: object) -> Cover | None:
    """The playlist's cover: its first (largest) image that has an address, and whether it was
    uploaded."""
    if not isinstance(images, list):
        return None
    for image in images:
        url = _mapping(image).get("url")
        if isinstance(url, str) and url.strip():
            return Cover(url=url, custom=is_custom_cover(url))
    return None


def owner_id_of(playlist: Json) -> str:
    """The owner's user id; empty when Spotify did not say (the owner is then unknown)."""
    owner_id = _mapping(playlist.get("owner")).get("id")
    return owner_id if isinstance(owner_id, str) else ""


def _summary(playlist: Json) -> Json | None:
    """The item summary (``items``, or its old name ``tracks`` when that is all there is)."""
    summary = playlist.get("items", playlist.get("tracks"))
    return summary if isinstance(summary, Mapping) else None


def relation_of(playlist: Json, me_id: str) -> Relation:
    """Owned; collaborator (someone else's collaborative playlist whose items we may read, which
    Spotify signals by sending the item summary); or followed. A playlist whose owner is
    unknown is never owned."""
    owner_id = owner_id_of(playlist)
    if owner_id and owner_id == me_id:
        return "owned"
    if playlist.get("collaborative") is True and _summary(playlist) is not None:
        return "collaborator"
    return "followed"


def playlist_of(playlist: object, me_id: str) -> Playlist:
    """A playlist object (full or simplified) as a snapshot ``Playlist`` without entries.
    Raises :class:`Unreadable` for one that is not an object or has no id."""
    if not isinstance(playlist, Mapping):
        raise Unreadable(f"a {_shape(playlist)} instead of a playlist")
    playlist_id = playlist.get("id")
    if not isinstance(playlist_id, str) or not playlist_id:
        raise Unreadable("a playlist without an id")
    owner_name = _mapping(playlist.get("owner")).get("display_name")
    summary = _summary(playlist)
    total = summary.get("total") if summary is not None else None
    public = playlist.get("public")
    return Playlist(
        id=playlist_id,
        name=_text(playlist.get("name")),
        description=description_text(playlist.get("description")),
        public=public if isinstance(public, bool) else None,
        collaborative=playlist.get("collaborative") is True,
        owner_id=owner_id_of(playlist),
        owner_name=owner_name if isinstance(owner_name, str) and owner_name else None,
        snapshot_id=playlist.get("snapshot_id") if isinstance(playlist.get("snapshot_id"), str)
        else None,
        relation=relation_of(playlist, me_id),
        cover=cover_of(playlist.get("images")),
        total=total if isinstance(total, int) and not isinstance(total, bool) else None,
    )


def _names(people: object) -> tuple[str, ...]:
    """The names of artists or authors; those without one are left out."""
    if not isinstance(people, list):
        return ()
    return tuple(name for person in people if (name := _text(_mapping(person).get("name"))))


def entry_of(entry: object) -> PlaylistEntry:
    """One playlist entry; ``item: null`` is an unavailable entry, kept with its date. An entry
    that cannot be read is kept in its place with ``malformed`` saying why."""
    if not isinstance(entry, Mapping):
        return PlaylistEntry(uri=None, malformed=f"a {_shape(entry)} instead of an entry")
    item = entry.get("item") if "item" in entry else entry.get("track")
    added_by = _mapping(entry.get("added_by")).get("id")
    common: dict[str, Any] = {
        "added_at": parse_time(entry.get("added_at")),
        "added_by": added_by if isinstance(added_by, str) and added_by else None,
        "is_local": entry.get("is_local") is True,
    }
    if item is None:
        if "item" not in entry and "track" not in entry:
            return PlaylistEntry(uri=None, malformed="an entry without an item", **common)
        return PlaylistEntry(uri=None, **common)
    uri = _mapping(item).get("uri")
    if not isinstance(uri, str) or not _is_uri(uri):
        return PlaylistEntry(uri=None, malformed="an item without a Spotify URI",
                             name=_text(_mapping(item).get("name")),
                             artists=_names(_mapping(item).get("artists")), **common)
    return _item_entry(_mapping(item), uri, common)


def _item_entry(item: Json, uri: str, common: dict[str, Any]) -> PlaylistEntry:
    kind = kind_of(uri)
    if kind is Kind.EPISODE:
        return PlaylistEntry(
            uri=uri, kind=kind, name=_text(item.get("name")),
            album=_text(_mapping(item.get("show")).get("name")), **common,
        )
    return PlaylistEntry(
        uri=uri,
        kind=kind,
        name=_text(item.get("name")),
        artists=_names(item.get("artists")),
        album=_text(_mapping(item.get("album")).get("name")),
        **common,
    )


def _is_uri(uri: str) -> bool:
    try:
        kind_of(uri)
    except ValueError:
        return False
    return True


def _people_of(item: Json) -> tuple[str, ...]:
    """Who made a saved item, for humans: artists, authors, or the show or its publisher."""
    for key in ("artists", "authors"):
        if names := _names(item.get(key)):
            return names
    if show := _text(_mapping(item.get("show")).get("name")):
        return (show,)
    if publisher := _text(item.get("publisher")):
        return (publisher,)
    return ()


def saved_item_of(saved: object, key: str) -> SavedItem:
    """An entry of a saved collection, e.g. ``{"added_at": ..., "album": {...}}`` with key
    ``album``. Raises :class:`Unreadable` for one that is not an object or names no item."""
    if not isinstance(saved, Mapping):
        raise Unreadable(f"a {_shape(saved)} instead of a saved {key}")
    item = saved.get(key)
    if not isinstance(item, Mapping):
        raise Unreadable(f"a saved {key} without the {key}")
    return SavedItem(
        uri=_uri_of(item, key),
        name=_text(item.get("name")),
        artists=_people_of(item),
        added_at=parse_time(saved.get("added_at")),
    )


def artist_of(artist: object) -> SavedItem:
    """A followed artist (Spotify gives no date). Raises :class:`Unreadable` for one that is
    not an object or has no URI."""
    if not isinstance(artist, Mapping):
        raise Unreadable(f"a {_shape(artist)} instead of an artist")
    return SavedItem(uri=_uri_of(artist, "artist"), name=_text(artist.get("name")))


def _uri_of(item: Json, what: str) -> str:
    uri = item.get("uri")
    if not isinstance(uri, str) or not _is_uri(uri):
        raise Unreadable(f"a {what} without a Spotify URI")
    return uri


def each(
    elements: object, read: Callable[[object], T], category: Category, offset: int = 0
) -> tuple[tuple[T, ...], tuple[Malformed, ...]]:
    """Every element of a page's ``items`` read with ``read``; those it cannot read skipped and
    listed with their position (the page starts at ``offset``)."""
    items: list[T] = []
    malformed: list[Malformed] = []
    for index, element in enumerate(elements if isinstance(elements, list) else ()):
        try:
            items.append(read(element))
        except Unreadable as problem:
            malformed.append(Malformed(category=category, position=offset + index,
                                       problem=str(problem)))
    return tuple(items), tuple(malformed)


def _shape(value: object) -> str:
    """What was sent instead of an object, for people."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return type(value).__name__
