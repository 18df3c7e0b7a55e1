"""``GET /search``: the catalogue by words, with Spotify's field filters.

As Spotify answers a Development-Mode app: ``q`` and ``type`` are required; ``type`` is a
comma-separated list of album, artist, playlist, track, show, episode, audiobook; ``limit`` is
1 to 10 (default 5) and ``offset`` 0 to 1000. ``q`` holds free words and the filters
``track:``, ``artist:``, ``album:`` and ``year:`` (a value in double quotes may hold spaces);
each filter applies to the types the spec says, and a type it does not apply to finds nothing
for it. Matching ignores case, accents and punctuation: every word must be found. Exact names
come first, then the catalogue's order. One paging object per type asked for, whose ``next``
keeps the query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from transfer.sandbox.apierror import bad_request
from transfer.sandbox.routing import Call, Reply, RouteSpec
from transfer.sandbox.state import SandboxState

TYPES = ("album", "artist", "playlist", "track", "show", "episode", "audiobook")
MAX_LIMIT = 10
DEFAULT_LIMIT = 5
MAX_OFFSET = 1000
FILTERS = ("track", "artist", "album", "year", "genre", "isrc", "upc", "tag")
APPLIES: dict[str, tuple[str, ...]] = {
    "track": ("track",), "artist": ("album", "artist", "track"), "album": ("album", "track"),
    "year": ("album", "artist", "track"), "genre": ("artist", "track"), "isrc": ("track",),
    "upc": ("album",), "tag": ("album",),
}
_TOKEN = re.compile(r'(?:(?P<field>[a-z]+):)?(?:"(?P<quoted>[^"]*)"|(?P<word>\S+))')


def words(text: str) -> list[str]:
    """``text`` as lower-case words without accents or punctuation."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    return re.sub(r"[^\w]+", " ", plain).split()


@dataclass
class Query:
    free: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Query:
        query = cls()
        for token in _TOKEN.finditer(text):
            value = token["quoted"] if token["quoted"] is not None else token["word"]
            name = token["field"]
            if name in FILTERS:
                query.filters.setdefault(name, []).extend(words(value))
            else:
                query.free.extend(words(f"{name}:{value}" if name else value))
        return query

    def applies_to(self, kind: str) -> bool:
        return all(kind in APPLIES[name] for name in self.filters)


def _contains(haystack: Iterable[str], needles: list[str]) -> bool:
    have = set()
    for text in haystack:
        have.update(words(text))
    return all(needle in have for needle in needles)


@dataclass(frozen=True)
class Candidate:
    item_id: str
    name: str
    fields: dict[str, list[str]]
    """What each filter is matched against (``track``, ``artist``, ``album``, ``year``)."""


def _candidates(state: SandboxState, kind: str) -> list[Candidate]:
    def artist_names(ids: list[str]) -> list[str]:
        return [state.artists[a].name for a in ids if a in state.artists]

    if kind == "track":
        return [Candidate(t.id, t.name, {
            "track": [t.name], "artist": artist_names(t.artist_ids),
            "album": [state.albums[t.album_id].name] if t.album_id in state.albums else [],
            "year": [state.albums[t.album_id].release_date[:4]]
            if t.album_id in state.albums else []}) for t in state.tracks.values()
            if t.available]
    if kind == "album":
        return [Candidate(a.id, a.name, {"album": [a.name], "artist": artist_names(a.artist_ids),
                                         "year": [a.release_date[:4]]})
                for a in state.albums.values()]
    if kind == "artist":
        return [Candidate(a.id, a.name, {"artist": [a.name]}) for a in state.artists.values()]
    if kind == "show":
        return [Candidate(s.id, s.name, {"publisher": [s.publisher]}) for s in state.shows.values()]
    if kind == "episode":
        return [Candidate(e.id, e.name, {}) for e in state.episodes.values()]
    if kind == "audiobook":
        return [Candidate(b.id, b.name, {"author": list(b.authors)})
                for b in state.audiobooks.values()]
    return [Candidate(p.id, p.name, {}) for p in state.playlists.values() if p.public]


def find(state: SandboxState, kind: str, query: Query) -> list[str]:
    """The ids of ``kind`` the query finds, best first."""
    if not query.applies_to(kind) or not (query.free or query.filters):
        return []
    found: list[tuple[int, int, str]] = []
    for order, candidate in enumerate(_candidates(state, kind)):
        if not all(_contains(candidate.fields.get(name, []), values)
                   for name, values in query.filters.items()):
            continue
        everything = [candidate.name, *(text for texts in candidate.fields.values()
                                        for text in texts)]
        if not _contains(everything, query.free):
            continue
        named = query.filters.get(kind, query.free)
        exact = words(candidate.name) == named
        found.append((0 if exact else 1, order, candidate.item_id))
    return [item_id for _, _, item_id in sorted(found)]


def _render(call: Call, kind: str) -> Callable[[str], Any]:
    render = call.render
    if kind == "audiobook":
        return lambda item_id: {key: value for key, value in render.audiobook(item_id).items()
                                if key != "chapters"}
    if kind == "playlist":
        return lambda item_id: render.playlist_simple(call.state.playlists[item_id], True)
    renderers: dict[str, Callable[[str], Any]] = {
        "track": render.track, "album": render.album_simple, "artist": render.artist,
        "show": render.show_simple, "episode": render.episode_simple,
    }
    return renderers[kind]


def search(call: Call) -> Reply:
    text = call.arg("q") or call.arg("query")  # the ``next`` links Spotify gives use ``query``
    if not text or not text.strip():
        raise bad_request("No search query")
    kinds = call.list_arg("type")
    if not kinds:
        raise bad_request("Missing parameter type")
    if any(kind not in TYPES for kind in kinds):
        raise bad_request("Bad search type field")
    limit = call.limit(MAX_LIMIT, DEFAULT_LIMIT)
    offset = call.offset(MAX_OFFSET)
    query = Query.parse(text)
    body: dict[str, Any] = {}
    with call.state.lock:
        for kind in dict.fromkeys(kinds):
            ids = find(call.state, kind, query)
            render = _render(call, kind)
            items = [render(item_id) for item_id in ids[offset:offset + limit]]
            body[f"{kind}s"] = call.render.page(
                "/search", items, len(ids), offset, limit,
                query={"query": text, "type": kind})
    return Reply(200, body)


ROUTES: list[RouteSpec] = [("GET", "/search", search)]
