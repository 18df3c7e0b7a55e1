"""The current user and their library: saved collections, followed artists, ``/me/library``."""

from __future__ import annotations

from urllib.parse import urlencode

from transfer.sandbox.apierror import bad_request
from transfer.sandbox.routing import Call, Reply, RouteSpec
from transfer.sandbox.state import SAVED_KINDS
from transfer.sandbox.uris import LIBRARY_KINDS, parse_existing, parse_uri

MAX_LIBRARY_URIS = 40
WRITE_KINDS = LIBRARY_KINDS
"""``PUT``/``DELETE /me/library``: the spec lists no artist, the migration guide's example
follows artists with it; the sandbox accepts both."""

WRITE_SCOPES: dict[str, tuple[str, ...]] = {
    "artist": ("user-follow-modify",), "user": ("user-follow-modify",),
    "playlist": ("playlist-modify-public", "playlist-modify-private"),
}
READ_SCOPES: dict[str, tuple[str, ...]] = {
    "artist": ("user-follow-read",), "user": ("user-follow-read",),
    "playlist": ("playlist-read-private",),
}


def me(call: Call) -> Reply:
    return Reply(200, call.render.me(call.user_id))


def saved_page(kind: str) -> RouteSpec:
    """``GET /me/<kind>s``: newest first, offset paging."""
    collection_name = SAVED_KINDS[kind]

    def handler(call: Call) -> Reply:
        call.require_scope("user-library-read")
        limit, offset = call.limit(), call.offset()
        collection = call.state.library(call.user_id).saved[collection_name]
        items = [call.render.saved(kind, ref) for ref in collection.newest_first(offset, limit)]
        return Reply(200, call.render.page(f"/me/{collection_name}", items, len(collection),
                                           offset, limit, call.passthrough_query("market")))

    return "GET", f"/me/{collection_name}", handler


def followed_artists(call: Call) -> Reply:
    if call.arg("type") != "artist":
        raise bad_request("Bad type: only artist is supported")
    call.require_scope("user-follow-read")
    limit = call.limit()
    artists = call.state.library(call.user_id).artists
    after = call.arg("after")
    start = 0
    if after:
        position = artists.position(after)
        if position is None:
            raise bad_request("Invalid after cursor")
        start = position + 1
    ids = artists.page(start, limit)
    last = ids[-1] if ids and start + len(ids) < len(artists) else None

    def url(cursor: str | None) -> str:
        query = {"type": "artist", **({"after": cursor} if cursor else {}), "limit": limit}
        return f"{call.render.api_url}/me/following?{urlencode(query)}"

    return Reply(200, {"artists": {
        "href": url(after),
        "items": [call.render.artist(artist_id) for artist_id in ids],
        "limit": limit,
        "next": url(last) if last else None,
        "cursors": {"after": last},
        "total": len(artists),
    }})


def _library_uris(call: Call) -> list[str]:
    uris = call.list_arg("uris")
    if uris is None:
        body = call.json()
        listed = body.get("uris") if isinstance(body, dict) else None
        if isinstance(listed, list) and all(isinstance(uri, str) for uri in listed):
            uris = listed
    if not uris:
        raise bad_request("Missing required parameter: uris")
    if len(uris) > MAX_LIBRARY_URIS:
        raise bad_request("Too many URIs: the maximum is 40")
    return uris


def _require_kind_scopes(call: Call, kinds: set[str], scopes: dict[str, tuple[str, ...]],
                         default: tuple[str, ...]) -> None:
    for kind in kinds:
        call.require_scope(*scopes.get(kind, default))


def save_to_library(call: Call) -> Reply:
    items = parse_existing(call.state, _library_uris(call), WRITE_KINDS)
    _require_kind_scopes(call, {kind for kind, _ in items}, WRITE_SCOPES, ("user-library-modify",))
    call.state.save(call.user_id, items)
    return Reply(200)


def remove_from_library(call: Call) -> Reply:
    items = [parse_uri(uri, WRITE_KINDS) for uri in _library_uris(call)]
    _require_kind_scopes(call, {kind for kind, _ in items}, WRITE_SCOPES, ("user-library-modify",))
    call.state.unsave(call.user_id, items)
    return Reply(200)


def library_contains(call: Call) -> Reply:
    items = [parse_uri(uri, LIBRARY_KINDS) for uri in _library_uris(call)]
    _require_kind_scopes(call, {kind for kind, _ in items}, READ_SCOPES, ("user-library-read",))
    return Reply(200, call.state.contains(call.user_id, items))


ROUTES: list[RouteSpec] = [
    ("GET", "/me", me),
    *(saved_page(kind) for kind in SAVED_KINDS),
    ("GET", "/me/following", followed_artists),
    ("PUT", "/me/library", save_to_library),
    ("DELETE", "/me/library", remove_from_library),
    ("GET", "/me/library/contains", library_contains),
]
