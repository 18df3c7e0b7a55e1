"""Single look-ups in the catalogue (the batch look-ups are legacy: ``routes_legacy``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from transfer.sandbox.apierror import not_found
from transfer.sandbox.render import Renderer
from transfer.sandbox.routing import Call, Reply, RouteSpec
from transfer.sandbox.uris import valid_id

RENDERERS: dict[str, Callable[[Renderer], Callable[[str], Any]]] = {
    "track": lambda render: render.track,
    "album": lambda render: render.album,
    "artist": lambda render: render.artist,
    "show": lambda render: render.show,
    "episode": lambda render: render.episode,
    "audiobook": lambda render: render.audiobook,
}


def lookup(kind: str) -> RouteSpec:
    def handler(call: Call) -> Reply:
        item_id = call.params["id"]
        if not valid_id(kind, item_id) or item_id not in call.state.catalog(kind):
            raise not_found()
        return Reply(200, RENDERERS[kind](call.render)(item_id))

    return "GET", f"/{kind}s/{{id}}", handler


def album_tracks(call: Call) -> Reply:
    album_id = call.params["id"]
    if album_id not in call.state.albums:
        raise not_found()
    limit, offset = call.limit(), call.offset()
    track_ids = call.state.album_tracks.get(album_id, [])
    items = [call.render.track_simple(t) for t in track_ids[offset:offset + limit]]
    return Reply(200, call.render.page(f"/albums/{album_id}/tracks", items, len(track_ids),
                                       offset, limit))


def show_episodes(call: Call) -> Reply:
    show_id = call.params["id"]
    if show_id not in call.state.shows:
        raise not_found()
    limit, offset = call.limit(), call.offset()
    episode_ids = call.state.show_episodes.get(show_id, [])
    items = [call.render.episode_simple(e) for e in episode_ids[offset:offset + limit]]
    return Reply(200, call.render.page(f"/shows/{show_id}/episodes", items, len(episode_ids),
                                       offset, limit))


ROUTES: list[RouteSpec] = [
    *(lookup(kind) for kind in RENDERERS),
    ("GET", "/albums/{id}/tracks", album_tracks),
    ("GET", "/shows/{id}/episodes", show_episodes),
]
