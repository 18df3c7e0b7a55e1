"""Endpoints removed for Development-Mode apps in February 2026. The sandbox answers them 403
in ``development`` mode and serves them in ``extended`` mode (Extended Quota apps keep them),
including ``PUT /me/tracks`` with ``timestamped_ids`` that sets ``added_at`` exactly."""

from __future__ import annotations

from typing import Any

from transfer.sandbox import routes_playlists
from transfer.sandbox.apierror import bad_request, forbidden, not_found
from transfer.sandbox.clock import parse_iso
from transfer.sandbox.routing import Call, Reply, RouteSpec
from transfer.sandbox.state import SAVED_KINDS
from transfer.sandbox.uris import check_ids

MAX_IDS = {"track": 50, "album": 20, "show": 50, "episode": 50, "audiobook": 50}
BATCH_MAX = {"track": 50, "album": 20, "artist": 50, "show": 50, "episode": 50, "audiobook": 50}


def _ids(call: Call, maximum: int, body_key: str = "ids") -> list[str]:
    """Ids from the query string or the body's ``ids``."""
    ids = call.list_arg("ids")
    if ids is None:
        body = call.json()
        listed = body.get(body_key) if isinstance(body, dict) else None
        ids = listed if isinstance(listed, list) else None
    if not ids:
        raise bad_request("Missing required parameter: ids")
    if len(ids) > maximum:
        raise bad_request("Too many ids requested")
    if not all(isinstance(item_id, str) for item_id in ids):
        raise bad_request("Invalid ids")
    return ids


def _existing(call: Call, kind: str, ids: list[str]) -> list[tuple[str, str]]:
    check_ids(kind, ids)
    if any(not call.state.exists(kind, item_id) for item_id in ids):
        raise bad_request("Payload contains a non-existing ID")
    return [(kind, item_id) for item_id in ids]


# -- saved collections by kind ---------------------------------------------------------------

def save_kind(kind: str) -> RouteSpec:
    def handler(call: Call) -> Reply:
        call.require_scope("user-library-modify")
        body = call.json()
        stamped = body.get("timestamped_ids") if isinstance(body, dict) else None
        if kind == "track" and stamped is not None:
            _save_timestamped(call, stamped)
        else:
            call.state.save(call.user_id, _existing(call, kind, _ids(call, MAX_IDS[kind])))
        return Reply(200)
    return "PUT", f"/me/{SAVED_KINDS[kind]}", handler


def _save_timestamped(call: Call, stamped: Any) -> None:
    if not isinstance(stamped, list) or not stamped:
        raise bad_request("Invalid timestamped_ids")
    if len(stamped) > MAX_IDS["track"]:
        raise bad_request("Too many ids requested")
    pairs = []
    for item in stamped:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(
                item.get("added_at"), str):
            raise bad_request("Each timestamped id needs id and added_at")
        try:
            parse_iso(item["added_at"])
        except ValueError:
            raise bad_request(f"Invalid added_at: {item['added_at']}") from None
        pairs.append((item["id"], item["added_at"]))
    _existing(call, "track", [item_id for item_id, _ in pairs])
    call.state.save_dated(call.user_id, "track", pairs)


def remove_kind(kind: str) -> RouteSpec:
    def handler(call: Call) -> Reply:
        call.require_scope("user-library-modify")
        ids = check_ids(kind, _ids(call, MAX_IDS[kind]))
        call.state.unsave(call.user_id, [(kind, item_id) for item_id in ids])
        return Reply(200)
    return "DELETE", f"/me/{SAVED_KINDS[kind]}", handler


def contains_kind(kind: str) -> RouteSpec:
    def handler(call: Call) -> Reply:
        call.require_scope("user-library-read")
        ids = check_ids(kind, _ids(call, MAX_IDS[kind]))
        return Reply(200, call.state.contains(call.user_id, [(kind, i) for i in ids]))
    return "GET", f"/me/{SAVED_KINDS[kind]}/contains", handler


# -- follows ---------------------------------------------------------------------------------

def _follow_type(call: Call) -> str:
    kind = call.arg("type")
    if kind not in ("artist", "user"):
        raise bad_request("type must be artist or user")
    return kind


def follow(call: Call) -> Reply:
    call.require_scope("user-follow-modify")
    kind = _follow_type(call)
    call.state.save(call.user_id, _existing(call, kind, _ids(call, 50)))
    return Reply(204)


def unfollow(call: Call) -> Reply:
    call.require_scope("user-follow-modify")
    kind = _follow_type(call)
    ids = check_ids(kind, _ids(call, 50))
    call.state.unsave(call.user_id, [(kind, item_id) for item_id in ids])
    return Reply(204)


def following_contains(call: Call) -> Reply:
    call.require_scope("user-follow-read")
    kind = _follow_type(call)
    ids = check_ids(kind, _ids(call, 50))
    return Reply(200, call.state.contains(call.user_id, [(kind, i) for i in ids]))


def follow_playlist(call: Call) -> Reply:
    call.require_scope("playlist-modify-public", "playlist-modify-private")
    playlist = routes_playlists.find_playlist(call)
    call.state.save(call.user_id, [("playlist", playlist.id)])
    return Reply(200)


def unfollow_playlist(call: Call) -> Reply:
    call.require_scope("playlist-modify-public", "playlist-modify-private")
    playlist = routes_playlists.find_playlist(call)
    call.state.unsave(call.user_id, [("playlist", playlist.id)])
    return Reply(200)


def playlist_followers_contains(call: Call) -> Reply:
    playlist = routes_playlists.find_playlist(call)
    ids = call.list_arg("ids") or [call.user_id]
    answers = [
        playlist.id in call.state.library(user_id).playlists if user_id in call.state.users
        else False
        for user_id in ids
    ]
    return Reply(200, answers)


# -- users and their playlists ---------------------------------------------------------------

def get_user(call: Call) -> Reply:
    user = call.state.users.get(call.params["user_id"])
    if user is None:
        raise not_found()
    body = {**call.render.owner(user.id), "images": [], "followers": {"href": None, "total": 0}}
    return Reply(200, body)


def user_playlists(call: Call) -> Reply:
    user_id = call.params["user_id"]
    if user_id not in call.state.users:
        raise not_found()
    limit, offset = call.limit(), call.offset(maximum=100_000)
    listed = [pid for pid in call.state.library(user_id).playlists
              if call.state.playlists[pid].public]
    items = [call.render.playlist_simple(call.state.playlists[pid], with_items=True)
             for pid in listed[offset:offset + limit]]
    return Reply(200, call.render.page(f"/users/{user_id}/playlists", items, len(listed),
                                       offset, limit))


def create_for_user(call: Call) -> Reply:
    if call.params["user_id"] != call.user_id:
        raise forbidden("You cannot create a playlist for another user")
    return routes_playlists.create_playlist(call)


# -- playlist tracks (the old name of items) -------------------------------------------------

def get_tracks(call: Call) -> Reply:
    return routes_playlists.get_items(call, max_limit=100)


def remove_tracks(call: Call) -> Reply:
    return routes_playlists.remove_items(call, key="tracks")


# -- batch look-ups --------------------------------------------------------------------------

def batch(kind: str) -> RouteSpec:
    def handler(call: Call) -> Reply:
        ids = check_ids(kind, _ids(call, BATCH_MAX[kind]))
        render = {
            "track": call.render.track, "album": call.render.album,
            "artist": call.render.artist, "show": call.render.show_simple,
            "episode": call.render.episode, "audiobook": call.render.audiobook,
        }[kind]
        table = call.state.catalog(kind)
        items = [render(item_id) if item_id in table else None for item_id in ids]
        return Reply(200, {f"{kind}s": items})
    return "GET", f"/{kind}s", handler


ROUTES: list[RouteSpec] = [
    *(save_kind(kind) for kind in MAX_IDS),
    *(remove_kind(kind) for kind in MAX_IDS),
    *(contains_kind(kind) for kind in MAX_IDS),
    ("PUT", "/me/following", follow),
    ("DELETE", "/me/following", unfollow),
    ("GET", "/me/following/contains", following_contains),
    ("PUT", "/playlists/{playlist_id}/followers", follow_playlist),
    ("DELETE", "/playlists/{playlist_id}/followers", unfollow_playlist),
    ("GET", "/playlists/{playlist_id}/followers/contains", playlist_followers_contains),
    ("GET", "/users/{user_id}", get_user),
    ("GET", "/users/{user_id}/playlists", user_playlists),
    ("POST", "/users/{user_id}/playlists", create_for_user),
    ("GET", "/playlists/{playlist_id}/tracks", get_tracks),
    ("POST", "/playlists/{playlist_id}/tracks", routes_playlists.add_items),
    ("PUT", "/playlists/{playlist_id}/tracks", routes_playlists.update_items),
    ("DELETE", "/playlists/{playlist_id}/tracks", remove_tracks),
    *(batch(kind) for kind in BATCH_MAX),
]
