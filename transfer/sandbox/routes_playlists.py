"""Playlist endpoints: details, items, covers, creation, the user's playlist list."""

from __future__ import annotations

from typing import Any

from transfer.sandbox import images
from transfer.sandbox.apierror import ApiError, bad_request, forbidden, not_found
from transfer.sandbox.fields import apply_fields, parse_fields
from transfer.sandbox.render import parse_snapshot_id, snapshot_id
from transfer.sandbox.routing import Call, Reply, RouteSpec
from transfer.sandbox.seed import Playlist
from transfer.sandbox.state import entry_uri
from transfer.sandbox.uris import PLAYLIST_ITEM_KINDS, parse_existing, parse_uri

EDITORIAL_OWNER = "spotify"
MAX_ITEMS_PER_WRITE = 100
ITEMS_QUERY = ("market", "fields", "additional_types")


def find_playlist(call: Call) -> Playlist:
    """The playlist of the path; 404 when unknown, and (Development Mode) for Spotify-owned
    editorial playlists, which new apps cannot read since November 2024."""
    playlist = call.state.playlists.get(call.params["playlist_id"])
    if playlist is None or (not call.extended and playlist.owner_id == EDITORIAL_OWNER):
        raise not_found()
    return playlist


def can_read_items(call: Call, playlist: Playlist) -> bool:
    return call.extended or call.state.can_edit(playlist, call.user_id)


def require_write(call: Call, playlist: Playlist, owner_only: bool = False) -> None:
    """403 unless the user may change the playlist and holds the scope for its visibility."""
    allowed = (playlist.owner_id == call.user_id if owner_only
               else call.state.can_edit(playlist, call.user_id))
    if not allowed:
        raise forbidden("You cannot change a playlist you do not own or collaborate on.")
    call.require_scope("playlist-modify-public" if playlist.public else "playlist-modify-private")


def snapshot_reply(playlist: Playlist, status: int = 200) -> Reply:
    return Reply(status, {"snapshot_id": snapshot_id(playlist)})


def check_snapshot(playlist: Playlist, body: dict[str, Any]) -> None:
    given = body.get("snapshot_id")
    if given is not None and (
        not isinstance(given, str) or parse_snapshot_id(playlist, given) is None
    ):
        raise bad_request("Invalid snapshot id")


# -- the user's playlists --------------------------------------------------------------------

def my_playlists(call: Call) -> Reply:
    limit, offset = call.limit(), call.offset(maximum=100_000)
    listed = call.state.library(call.user_id).playlists
    if {"playlist-read-private", "playlist-read-collaborative"} <= call.scopes:
        ids, total = listed.page(offset, limit), len(listed)
    else:
        visible = [pid for pid in listed if _listable(call, call.state.playlists[pid])]
        ids, total = visible[offset:offset + limit], len(visible)
    items = []
    for playlist_id in ids:
        playlist = call.state.playlists[playlist_id]
        with_items = call.extended or call.state.can_edit(playlist, call.user_id)
        items.append(call.render.listed_playlist(playlist, with_items))
    return Reply(200, call.render.page("/me/playlists", items, total, offset, limit))


def _listable(call: Call, playlist: Playlist) -> bool:
    """Without the read scopes Spotify leaves private and collaborative playlists out."""
    if playlist.collaborative:
        return "playlist-read-collaborative" in call.scopes
    return playlist.public or "playlist-read-private" in call.scopes


def create_playlist(call: Call, owner_id: str | None = None) -> Reply:
    body = call.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request("Missing required field: name")
    public = body.get("public", True)
    collaborative = body.get("collaborative", False)
    description = body.get("description", "")
    if not isinstance(public, bool) or not isinstance(collaborative, bool):
        raise bad_request("Invalid value for public or collaborative")
    if not isinstance(description, str):
        raise bad_request("Invalid description")
    if collaborative and public:
        raise bad_request("Collaborative playlists can only be private.")
    call.require_scope("playlist-modify-public" if public else "playlist-modify-private")
    if collaborative:
        call.require_scope("playlist-modify-public")
    playlist = call.state.create_playlist(
        owner_id or call.user_id, name, public, collaborative, description
    )
    return Reply(201, call.render.playlist(playlist, with_items=True))


# -- one playlist ----------------------------------------------------------------------------

def filtered(call: Call, body: Any) -> Any:
    """The answer cut down to the ``fields`` asked for, if any."""
    text = call.arg("fields")
    return apply_fields(body, parse_fields(text)) if text else body


def wants_episodes(call: Call) -> bool:
    """Whether the client lists ``episode`` in ``additional_types``."""
    return "episode" in (call.list_arg("additional_types") or [])


def get_playlist(call: Call) -> Reply:
    playlist = find_playlist(call)
    body = call.render.playlist(playlist, can_read_items(call, playlist), wants_episodes(call))
    return Reply(200, filtered(call, body))


def change_details(call: Call) -> Reply:
    playlist = find_playlist(call)
    require_write(call, playlist, owner_only=True)
    body = call.json_object()
    changes: dict[str, object] = {}
    for field, kind in (("name", str), ("description", str), ("public", bool),
                        ("collaborative", bool)):
        if field in body and body[field] is not None:
            if not isinstance(body[field], kind):
                raise bad_request(f"Invalid value for {field}")
            changes[field] = body[field]
    if isinstance(changes.get("name"), str) and not str(changes["name"]).strip():
        raise bad_request("Playlist name must not be empty")
    public = changes.get("public", playlist.public)
    if changes.get("collaborative", playlist.collaborative) and public:
        raise bad_request("Collaborative playlists can only be private.")
    if public != playlist.public:
        call.require_scope("playlist-modify-public" if public else "playlist-modify-private")
    if changes:
        call.state.change_details(playlist, changes)
    return Reply(200)


def get_items(call: Call, max_limit: int = 50) -> Reply:
    playlist = find_playlist(call)
    limit, offset = call.limit(maximum=max_limit), call.offset()
    if not can_read_items(call, playlist):
        raise forbidden()
    if not playlist.public:
        call.require_scope("playlist-read-private", "playlist-read-collaborative")
    entries = call.render.entries(playlist, offset, limit, wants_episodes(call))
    path = call.path.rstrip("/")
    page = call.render.page(path, entries, len(playlist.entries), offset, limit,
                            call.passthrough_query(*ITEMS_QUERY))
    return Reply(200, filtered(call, page))


def _uris_to_write(call: Call, body: Any) -> list[str] | None:
    """``uris`` from the query string (which wins) or the body (a list or ``{"uris"}``)."""
    from_query = call.list_arg("uris")
    if from_query is not None:
        return from_query
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and "uris" in body:
        uris = body["uris"]
        if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
            raise bad_request("Invalid uris")
        return uris
    return None


def _checked_item_uris(call: Call, uris: list[str]) -> list[str]:
    if len(uris) > MAX_ITEMS_PER_WRITE:
        raise bad_request("You can add a maximum of 100 tracks per request.")
    for uri in uris:
        if not isinstance(uri, str):
            raise bad_request("Invalid uris")
        if uri.startswith("spotify:local:"):
            raise bad_request(f"Invalid track uri: {uri}")
    parse_existing(call.state, uris, PLAYLIST_ITEM_KINDS)
    return uris


def add_items(call: Call) -> Reply:
    playlist = find_playlist(call)
    require_write(call, playlist)
    body = call.json()
    uris = _uris_to_write(call, body)
    if not uris:
        raise bad_request("No uris provided")
    _checked_item_uris(call, uris)
    position_text = call.arg("position")
    position: Any = position_text if position_text is not None else (
        body.get("position") if isinstance(body, dict) else None)
    if position is not None:
        try:
            position = int(position)
        except (TypeError, ValueError):
            raise bad_request("Invalid position") from None
        if not 0 <= position <= len(playlist.entries):
            raise bad_request("Index out of bounds")
    call.state.add_entries(playlist, uris, position, call.user_id)
    return snapshot_reply(playlist, 201)


def update_items(call: Call) -> Reply:
    playlist = find_playlist(call)
    require_write(call, playlist)
    body = call.json()
    uris = _uris_to_write(call, body)
    fields = body if isinstance(body, dict) else {}
    if "range_start" in fields:
        if uris is not None:
            raise bad_request("Replace and reorder cannot be combined")
        check_snapshot(playlist, fields)
        _reorder(call, playlist, fields)
    elif uris is not None:
        _checked_item_uris(call, uris)
        call.state.replace_entries(playlist, uris, call.user_id)
    else:
        raise bad_request("Missing uris or range_start")
    return snapshot_reply(playlist)


def _reorder(call: Call, playlist: Playlist, fields: dict[str, Any]) -> None:
    start = _integer(fields, "range_start", None)
    before = _integer(fields, "insert_before", None)
    length = _integer(fields, "range_length", 1)
    total = len(playlist.entries)
    if not (0 <= start < total and length >= 1 and start + length <= total
            and 0 <= before <= total):
        raise bad_request("Index out of bounds")
    call.state.reorder(playlist, start, before, length)


def _integer(fields: dict[str, Any], name: str, default: int | None) -> int:
    value = fields.get(name)
    if value is None and default is not None:
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise bad_request(f"{name} must be an integer")
    return value


def remove_items(call: Call, key: str = "items") -> Reply:
    playlist = find_playlist(call)
    require_write(call, playlist)
    body = call.json_object()
    listed = body.get(key, body.get("tracks" if key == "items" else "items"))
    if not isinstance(listed, list) or not listed:
        raise bad_request(f"Missing {key}")
    if len(listed) > MAX_ITEMS_PER_WRITE:
        raise bad_request("You can remove a maximum of 100 tracks per request.")
    check_snapshot(playlist, body)
    everywhere: set[str] = set()
    positions: set[int] = set()
    for item in listed:
        uri = item.get("uri") if isinstance(item, dict) else None
        if not isinstance(uri, str):
            raise bad_request("Invalid uri")
        if not uri.startswith("spotify:local:"):
            parse_uri(uri, PLAYLIST_ITEM_KINDS)
        at = item.get("positions")
        if at is None:
            everywhere.add(uri)
        else:
            positions |= _checked_positions(playlist, uri, at)
    call.state.remove_entries(playlist, everywhere, positions)
    return snapshot_reply(playlist)


def _checked_positions(playlist: Playlist, uri: str, positions: Any) -> set[int]:
    if not isinstance(positions, list) or not all(isinstance(p, int) for p in positions):
        raise bad_request("Invalid positions")
    for position in positions:
        if not 0 <= position < len(playlist.entries) or (
            entry_uri(playlist.entries[position]) != uri
        ):
            raise bad_request("Could not remove tracks, please check parameters.")
    return set(positions)


# -- covers ----------------------------------------------------------------------------------

def get_images(call: Call) -> Reply:
    return Reply(200, call.render.playlist_images(find_playlist(call)))


def upload_cover(call: Call) -> Reply:
    playlist = find_playlist(call)
    require_write(call, playlist, owner_only=True)
    call.require_scope("ugc-image-upload")
    if len(call.body) > images.MAX_COVER_PAYLOAD:
        raise ApiError(413, "Payload too large: the maximum is 256 KB")
    jpeg = images.decode_cover(call.body)
    if jpeg is None:
        raise bad_request("Image must be a base64-encoded JPEG")
    call.state.set_cover(playlist, jpeg)
    return Reply(202)


ROUTES: list[RouteSpec] = [
    ("GET", "/me/playlists", my_playlists),
    ("POST", "/me/playlists", create_playlist),
    ("GET", "/playlists/{playlist_id}", get_playlist),
    ("PUT", "/playlists/{playlist_id}", change_details),
    ("GET", "/playlists/{playlist_id}/items", get_items),
    ("POST", "/playlists/{playlist_id}/items", add_items),
    ("PUT", "/playlists/{playlist_id}/items", update_items),
    ("DELETE", "/playlists/{playlist_id}/items", remove_items),
    ("GET", "/playlists/{playlist_id}/images", get_images),
    ("PUT", "/playlists/{playlist_id}/images", upload_cover),
]
