"""Odd shapes: answers the real Spotify sends now and then, beyond what its spec says.

A seed marks a playlist, a playlist entry or a saved item with a ``shape``; the sandbox then
serves it that way. What each shape is:

Playlists (``Playlist.shape``):

- ``null``: ``GET /me/playlists`` lists ``null`` in its place (the slot still counts in
  ``total``); ``GET /playlists/{id}`` serves it as usual.
- ``owner_id_null``: the owner is ``{"id": null, "display_name": null, ...}``.
- ``no_owner``: the playlist object has no ``owner`` at all.
- ``images_null``: ``images`` is ``[null]``.
- ``image_url_null``: ``images`` is one image whose ``url`` is ``null``.
- ``old_cover``: its custom cover is served at an older address,
  ``<sandbox>/images/pl/default/<40 hex>`` (Spotify's ``u.scdn.co/images/pl/default/...``),
  which has no ``ab67706c`` prefix.
- ``older_shape``: the item summary comes only as ``tracks`` and each entry's object only as
  ``track`` (no ``items``/``item``), as older answers had them.

Playlist entries (``PlaylistEntry.shape``):

- ``null``: the entry is ``null``.
- ``no_item``: the entry has neither ``item`` nor ``track``.
- ``added_by_empty``: ``added_by.id`` is ``""``.
- ``artist_name_null``: the item's artists have ``name: null``.

Saved items (``SavedRef.shape``): ``null``: the saved collection lists ``null`` in its place.

A user off the app's allow-list gets the 403 in another of Spotify's wordings,
:data:`ODD_NOT_REGISTERED`, instead of "User not registered in the Developer Dashboard".

:func:`with_odd_shapes` adds one of each to a seed, at fixed places (the same every time);
``SandboxServer(..., hostile_shapes=True)`` and ``spotify-transfer sandbox --hostile-shapes``
use it.
"""

from __future__ import annotations

from typing import Any

from transfer.sandbox.covers import cover_base64
from transfer.sandbox.seed import (
    Cover,
    EntryShape,
    Playlist,
    PlaylistEntry,
    PlaylistShape,
    SandboxSeed,
    SavedRef,
    User,
    UserLibrary,
)

Json = dict[str, Any]

IMAGE_SHAPES: tuple[PlaylistShape, ...] = ("images_null", "image_url_null")
ODD_OWNER = "odd.owner"
"""The user who owns the followed playlists of odd shapes (not on the app's allow-list)."""
PREFIX = "odd"
"""Ids of the playlists :func:`with_odd_shapes` adds begin with this."""
ODD_ADDED_AT = "2021-06-01T10:00:00Z"
ODD_NOT_REGISTERED = ("Check settings on developer.spotify.com/dashboard, the user may not be "
                      "registered.")


def odd_images(shape: PlaylistShape | None) -> list[Any]:
    if shape == "images_null":
        return [None]
    return [{"url": None, "height": 640, "width": 640}]


def odd_owner(body: Json, shape: PlaylistShape | None) -> Json:
    if shape == "owner_id_null":
        body["owner"] = {**body["owner"], "id": None, "uri": None, "href": None,
                         "display_name": None, "external_urls": {}}
    elif shape == "no_owner":
        del body["owner"]
    return body


def odd_entry(body: Json, shape: EntryShape | None) -> Json | None:
    if shape == "null":
        return None
    if shape == "no_item":
        body.pop("item", None)
        body.pop("track", None)
    elif shape == "added_by_empty":
        body["added_by"] = {**body["added_by"], "id": "", "uri": "spotify:user:",
                            "href": None, "external_urls": {}}
    elif shape == "artist_name_null":
        for key in ("item", "track"):
            item = body.get(key)
            if isinstance(item, dict):
                body[key] = {**item, "artists": [{**artist, "name": None}
                                                 for artist in item.get("artists", [])]}
    return body


def with_odd_shapes(seed: SandboxSeed, user_id: str | None = None) -> SandboxSeed:
    """``seed`` with one playlist, entry and saved item of each odd shape in the library of
    ``user_id`` (default: ``alex.old`` if there is one, else the first allow-listed user).

    Added to the user's playlist list after its first playlist, in this order:
    ``oddNull`` (null in the list; 2 entries), ``oddOwnerNull`` and ``oddNoOwner``
    (followed, owned by ``odd.owner``), ``oddImagesNull``, ``oddImageUrlNull``, ``oddOldCover``
    (a custom cover at the old address), ``oddOlder`` (3 entries in the older shape),
    ``oddHoles`` (5 entries: a track, a null, one with ``added_by.id`` empty, one whose artists
    have no names, one with no item), ``oddAllNull`` (3 entries, every one null). A null
    is listed as the second newest Liked Song. Everything else of the seed is kept.
    """
    seed = seed.model_copy(deep=True)
    user = user_id or _default_user(seed)
    tracks = [track.id for track in seed.catalog.tracks if track.available][:6]
    if len(tracks) < 6:
        raise ValueError("odd shapes need a catalogue of at least 6 available tracks")
    uris = [f"spotify:track:{track}" for track in tracks]

    def entries(*shapes: EntryShape | None) -> list[PlaylistEntry]:
        return [PlaylistEntry(uri=uris[number % len(uris)], added_at=ODD_ADDED_AT,
                              added_by=user, shape=shape)
                for number, shape in enumerate(shapes)]

    def owned(suffix: str, shape: PlaylistShape | None, listed: list[PlaylistEntry],
              **fields: Any) -> Playlist:
        return Playlist(id=f"{PREFIX}{suffix}", owner_id=user, name=f"Odd {suffix}",
                        shape=shape, entries=listed, **fields)

    added = [
        owned("Null", "null", entries(None, None)),
        Playlist(id=f"{PREFIX}OwnerNull", owner_id=ODD_OWNER, name="Odd owner without id",
                 public=True, shape="owner_id_null", entries=entries(None)),
        Playlist(id=f"{PREFIX}NoOwner", owner_id=ODD_OWNER, name="Odd without owner",
                 public=True, shape="no_owner", entries=entries(None)),
        owned("ImagesNull", "images_null", entries(None, None)),
        owned("ImageUrlNull", "image_url_null", entries(None, None)),
        owned("OldCover", "old_cover", entries(None), cover=Cover(jpeg_base64=cover_base64(5))),
        owned("Older", "older_shape", entries(None, None, None)),
        owned("Holes", None, entries(None, "null", "added_by_empty", "artist_name_null",
                                     "no_item")),
        owned("AllNull", None, entries("null", "null", "null")),
    ]
    if not any(known.id == ODD_OWNER for known in seed.users):
        seed.users.append(User(id=ODD_OWNER, display_name="Odd Owner"))
    seed.playlists.extend(added)
    library = seed.libraries.setdefault(user, UserLibrary())
    listed = library.playlists
    library.playlists = [*listed[:1], *(playlist.id for playlist in added), *listed[1:]]
    owner_library = seed.libraries.setdefault(ODD_OWNER, UserLibrary())
    owner_library.playlists.extend(p.id for p in added if p.owner_id == ODD_OWNER)
    saved = {ref.id for ref in library.tracks}
    spare = next((track.id for track in seed.catalog.tracks if track.id not in saved), None)
    if spare is not None:
        moment = library.tracks[-1].added_at if library.tracks else ODD_ADDED_AT
        library.tracks.insert(max(0, len(library.tracks) - 1),
                              SavedRef(id=spare, added_at=moment, shape="null"))
    return seed


def _default_user(seed: SandboxSeed) -> str:
    if any(user.id == "alex.old" for user in seed.users):
        return "alex.old"
    return seed.app.allowed_user_ids[0]
