"""Sandbox objects as the JSON the Spotify Web API answers (shapes of the OpenAPI spec).

Development Mode leaves out the fields the February 2026 change removed (``popularity``,
``available_markets``, ``label``, ``linked_from``; ``country``, ``email``, ``product`` and
``followers`` of the current user); ``extended`` mode keeps them. Rendered catalogue objects
are cached: the catalogue never changes while the sandbox runs.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from transfer.sandbox import images, shapes
from transfer.sandbox.seed import LocalFile, Playlist, PlaylistEntry, SavedRef
from transfer.sandbox.state import SandboxState, cover_hash, local_uri

Json = dict[str, Any]
OPEN = "https://open.spotify.com"
MARKETS = ["DE", "FR", "GB", "JP", "US"]
PLAYLIST_PAGE = 50


def escape_description(text: str) -> str:
    """Spotify answers playlist descriptions HTML-escaped (``'`` as ``&#x27;``, ``/`` as
    ``&#x2F;``): a client must unescape them before writing them anywhere."""
    return html.escape(text, quote=True).replace("/", "&#x2F;")


def release_precision(date: str) -> str:
    return {4: "year", 7: "month"}.get(len(date), "day")


class Renderer:
    def __init__(self, state: SandboxState, base_url: str, extended: bool,
                 aliases: bool = False) -> None:
        self.state = state
        self.base_url = base_url
        self.api_url = base_url + "/v1"
        self.extended = extended
        self.aliases = aliases
        """Also send the deprecated ``tracks`` (playlist summary) and ``track`` (entry)
        aliases, as Spotify still does."""
        self._cache: dict[tuple[str, str], Json] = {}
        self._mosaics: dict[tuple[str, int], list[images.Image]] = {}

    # -- shared pieces ----------------------------------------------------------------------

    def page(
        self, path: str, items: list[Any], total: int, offset: int, limit: int,
        query: dict[str, str] | None = None,
    ) -> Json:
        """An offset paging object with absolute URLs back at the sandbox."""
        extra = query or {}

        def url(at: int) -> str:
            return f"{self.api_url}{path}?" + urlencode({"offset": at, "limit": limit, **extra})

        return {
            "href": url(offset),
            "items": items,
            "limit": limit,
            "next": url(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": url(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }

    def _cached(self, kind: str, item_id: str, build: Callable[[str], Json]) -> Json:
        key = (kind, item_id)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = build(item_id)
        return found

    def _links(self, kind: str, item_id: str, path: str) -> Json:
        return {
            "external_urls": {"spotify": f"{OPEN}/{kind}/{item_id}"},
            "href": f"{self.api_url}/{path}/{item_id}",
            "id": item_id,
            "type": kind,
            "uri": f"spotify:{kind}:{item_id}",
        }

    def _removed_fields(self, item_id: str) -> Json:
        if not self.extended:
            return {}
        popularity = int(hashlib.sha1(item_id.encode()).hexdigest()[:4], 16) % 101
        return {"available_markets": MARKETS, "popularity": popularity}

    # -- users ------------------------------------------------------------------------------

    def user_ref(self, user_id: str) -> Json:
        """A PlaylistUserObject (``added_by``)."""
        return self._links("user", user_id, "users")

    def owner(self, user_id: str) -> Json:
        user = self.state.users.get(user_id)
        return {**self.user_ref(user_id), "display_name": user.display_name if user else None}

    def me(self, user_id: str) -> Json:
        user = self.state.users[user_id]
        body: Json = {
            **self._links("user", user_id, "users"),
            "display_name": user.display_name,
            "images": [],
            "account_id": hashlib.sha1(f"account:{user_id}".encode()).hexdigest()[:22],
            "explicit_content": {"filter_enabled": False, "filter_locked": False},
        }
        if self.extended:
            body |= {
                "country": "DE", "email": f"{user_id}@example.invalid", "product": "premium",
                "followers": {"href": None, "total": 0},
            }
        return body

    # -- catalogue --------------------------------------------------------------------------

    def artist_simple(self, artist_id: str) -> Json:
        def build(item_id: str) -> Json:
            artist = self.state.artists.get(item_id)
            return {**self._links("artist", item_id, "artists"),
                    "name": artist.name if artist else ""}
        return self._cached("artist-simple", artist_id, build)

    def artist(self, artist_id: str) -> Json:
        def build(item_id: str) -> Json:
            return {
                **self.artist_simple(item_id),
                "followers": {"href": None, "total": 0},
                "genres": [],
                "images": images.generated(self.base_url, images.ARTIST_PREFIXES, item_id),
                **self._removed_fields(item_id),
            }
        return self._cached("artist", artist_id, build)

    def album_simple(self, album_id: str) -> Json:
        def build(item_id: str) -> Json:
            album = self.state.albums[item_id]
            body: Json = {
                "album_type": album.album_type,
                "total_tracks": album.total_tracks,
                **self._links("album", item_id, "albums"),
                "images": images.generated(self.base_url, images.ALBUM_PREFIXES, item_id),
                "name": album.name,
                "release_date": album.release_date,
                "release_date_precision": release_precision(album.release_date),
                "artists": [self.artist_simple(a) for a in album.artist_ids],
            }
            if self.extended:
                body["available_markets"] = MARKETS
            return body
        return self._cached("album-simple", album_id, build)

    def album(self, album_id: str) -> Json:
        track_ids = self.state.album_tracks.get(album_id, [])
        first = [self.track_simple(t) for t in track_ids[:PLAYLIST_PAGE]]
        body = {
            **self.album_simple(album_id),
            "tracks": self.page(f"/albums/{album_id}/tracks", first, len(track_ids), 0,
                                PLAYLIST_PAGE),
            "copyrights": [],
            "external_ids": {"upc": _digits(album_id, 12)},
            "genres": [],
        }
        if self.extended:
            body |= {"label": "Sandbox Records", **self._removed_fields(album_id)}
        return body

    def _track_common(self, track_id: str) -> Json:
        track = self.state.tracks[track_id]
        body: Json = {
            "artists": [self.artist_simple(a) for a in track.artist_ids],
            "disc_number": 1,
            "duration_ms": track.duration_ms,
            "explicit": track.explicit,
            **self._links("track", track_id, "tracks"),
            "is_playable": track.available,
            "name": track.name,
            "preview_url": None,
            "track_number": track.track_number,
            "is_local": False,
        }
        if not track.available:
            body["restrictions"] = {"reason": "market"}
        return body

    def track(self, track_id: str) -> Json:
        def build(item_id: str) -> Json:
            track = self.state.tracks[item_id]
            return {
                "album": self.album_simple(track.album_id),
                **self._track_common(item_id),
                "external_ids": {"isrc": "QZ" + _digits(item_id, 10)},
                **self._removed_fields(item_id),
            }
        return self._cached("track", track_id, build)

    def track_simple(self, track_id: str) -> Json:
        return self._cached("track-simple", track_id, self._track_common)

    def show_simple(self, show_id: str) -> Json:
        def build(item_id: str) -> Json:
            show = self.state.shows[item_id]
            body: Json = {
                "copyrights": [],
                "description": show.description,
                "html_description": f"<p>{html.escape(show.description)}</p>",
                "explicit": False,
                **self._links("show", item_id, "shows"),
                "images": images.generated(self.base_url, images.SHOW_PREFIXES, item_id),
                "is_externally_hosted": False,
                "languages": ["en"],
                "media_type": "audio",
                "name": show.name,
                "publisher": show.publisher,
                "total_episodes": len(self.state.show_episodes.get(item_id, [])),
            }
            if self.extended:
                body["available_markets"] = MARKETS
            return body
        return self._cached("show-simple", show_id, build)

    def show(self, show_id: str) -> Json:
        episode_ids = self.state.show_episodes.get(show_id, [])
        first = [self.episode_simple(e) for e in episode_ids[:PLAYLIST_PAGE]]
        return {
            **self.show_simple(show_id),
            "episodes": self.page(f"/shows/{show_id}/episodes", first, len(episode_ids), 0,
                                  PLAYLIST_PAGE),
        }

    def episode_simple(self, episode_id: str) -> Json:
        def build(item_id: str) -> Json:
            episode = self.state.episodes[item_id]
            return {
                "audio_preview_url": None,
                "description": episode.description,
                "html_description": f"<p>{html.escape(episode.description)}</p>",
                "duration_ms": episode.duration_ms,
                "explicit": False,
                **self._links("episode", item_id, "episodes"),
                "images": images.generated(self.base_url, images.SHOW_PREFIXES, episode.show_id),
                "is_externally_hosted": False,
                "is_playable": True,
                "languages": ["en"],
                "name": episode.name,
                "release_date": episode.release_date,
                "release_date_precision": release_precision(episode.release_date),
                "resume_point": {"fully_played": False, "resume_position_ms": 0},
            }
        return self._cached("episode-simple", episode_id, build)

    def episode(self, episode_id: str) -> Json:
        def build(item_id: str) -> Json:
            show_id = self.state.episodes[item_id].show_id
            return {**self.episode_simple(item_id), "show": self.show_simple(show_id)}
        return self._cached("episode", episode_id, build)

    def episode_as_track(self, episode_id: str) -> Json:
        """An episode the way Spotify shows it to a client that did not ask for episodes:
        a track whose album and artist are the show; only ``uri`` and ``episode`` tell."""
        def build(item_id: str) -> Json:
            episode = self.state.episodes[item_id]
            show = self.show_simple(episode.show_id)
            show_links = {key: show[key] for key in ("external_urls", "href", "id", "uri")}
            return {
                "album": {
                    "album_type": "compilation", "total_tracks": show["total_episodes"],
                    **show_links, "type": "album", "images": show["images"],
                    "name": show["name"], "release_date": episode.release_date,
                    "release_date_precision": release_precision(episode.release_date),
                    "artists": [{**show_links, "type": "artist", "name": show["name"]}],
                },
                "artists": [{**show_links, "type": "artist", "name": show["name"]}],
                "disc_number": 0,
                "duration_ms": episode.duration_ms,
                "episode": True,
                "track": False,
                "explicit": False,
                **self._links("episode", item_id, "episodes"),
                "type": "track",
                "external_ids": {},
                "is_local": False,
                "is_playable": True,
                "name": episode.name,
                "preview_url": None,
                "track_number": 0,
            }
        return self._cached("episode-as-track", episode_id, build)

    def audiobook(self, audiobook_id: str) -> Json:
        def build(item_id: str) -> Json:
            book = self.state.audiobooks[item_id]
            return {
                "authors": [{"name": name} for name in book.authors],
                "copyrights": [],
                "description": book.description,
                "html_description": f"<p>{html.escape(book.description)}</p>",
                "edition": "Unabridged",
                "explicit": False,
                **self._links("audiobook", item_id, "audiobooks"),
                "images": images.generated(self.base_url, images.AUDIOBOOK_PREFIXES, item_id),
                "languages": ["en"],
                "media_type": "audio",
                "name": book.name,
                "narrators": [{"name": name} for name in book.narrators],
                "publisher": book.publisher,
                "total_chapters": 0,
                "chapters": self.page(f"/audiobooks/{item_id}/chapters", [], 0, 0, PLAYLIST_PAGE),
                **({"available_markets": MARKETS} if self.extended else {}),
            }
        return self._cached("audiobook", audiobook_id, build)

    def saved(self, kind: str, ref: SavedRef) -> Json | None:
        """A SavedTrackObject / SavedAlbumObject / ... of ``GET /me/<kind>s`` (``null`` for a
        ref of that odd shape)."""
        if ref.shape == "null":
            return None
        render: dict[str, Callable[[str], Json]] = {
            "track": self.track, "album": self.album, "show": self.show_simple,
            "episode": self.episode, "audiobook": self.audiobook,
        }
        return {"added_at": ref.added_at, kind: render[kind](ref.id)}

    # -- playlists --------------------------------------------------------------------------

    def playlist_images(self, playlist: Playlist) -> Sequence[images.Image | None]:
        if playlist.shape in shapes.IMAGE_SHAPES:
            return shapes.odd_images(playlist.shape)
        image_hash = cover_hash(playlist)
        if image_hash is not None and playlist.shape == "old_cover":
            return images.old_custom_cover(self.base_url, image_hash)
        if image_hash is not None:
            return images.custom_cover(self.base_url, image_hash)
        key = (playlist.id, playlist.snapshot_version)
        found = self._mosaics.get(key)
        if found is None:
            found = self._mosaics[key] = images.mosaic(self.base_url, self._first_albums(playlist))
        return found

    def _first_albums(self, playlist: Playlist) -> list[str]:
        albums: list[str] = []
        for entry in playlist.entries:
            uri = entry.uri or ""
            if not uri.startswith("spotify:track:"):
                continue
            album_id = self.state.tracks[uri[len("spotify:track:"):]].album_id
            if album_id not in albums:
                albums.append(album_id)
                if len(albums) == 4:
                    break
        return albums

    def _playlist_common(self, playlist: Playlist) -> Json:
        body = {
            "collaborative": playlist.collaborative,
            "description": escape_description(playlist.description),
            **self._links("playlist", playlist.id, "playlists"),
            "images": self.playlist_images(playlist),
            "name": playlist.name,
            "owner": self.owner(playlist.owner_id),
            "public": playlist.public,
            "snapshot_id": snapshot_id(playlist),
            "primary_color": None,
        }
        return shapes.odd_owner(body, playlist.shape)

    def listed_playlist(self, playlist: Playlist, with_items: bool) -> Json | None:
        """A playlist as ``GET /me/playlists`` lists it: ``null`` for one of that odd shape."""
        if playlist.shape == "null":
            return None
        return self.playlist_simple(playlist, with_items)

    def playlist_simple(self, playlist: Playlist, with_items: bool) -> Json:
        body = self._playlist_common(playlist)
        if with_items:
            summary = {"href": f"{self.api_url}/playlists/{playlist.id}/items",
                       "total": len(playlist.entries)}
            self._summary(body, playlist, summary)
        return body

    def playlist(self, playlist: Playlist, with_items: bool, episodes: bool = True) -> Json:
        body = self._playlist_common(playlist)
        body["followers"] = {"href": None, "total": self.state.followers(playlist)}
        if with_items:
            entries = self.entries(playlist, 0, PLAYLIST_PAGE, episodes)
            self._summary(body, playlist, self.page(f"/playlists/{playlist.id}/items", entries,
                                                    len(playlist.entries), 0, PLAYLIST_PAGE))
        return body

    def _summary(self, body: Json, playlist: Playlist, summary: Json) -> None:
        """The item summary as ``items``, also as ``tracks`` with the aliases on, and only as
        ``tracks`` in the older shape."""
        if playlist.shape != "older_shape":
            body["items"] = summary
        if self.aliases or playlist.shape == "older_shape":
            body["tracks"] = dict(summary)

    def entries(
        self, playlist: Playlist, offset: int, limit: int, episodes: bool = True
    ) -> list[Json | None]:
        """Entries of a page. ``episodes`` False (the client's ``additional_types`` has no
        ``episode``): episodes come track-shaped, as Spotify sends them to such clients."""
        older = playlist.shape == "older_shape"
        return [self.entry(entry, episodes, older)
                for entry in playlist.entries[offset:offset + limit]]

    def entry(self, entry: PlaylistEntry, episodes: bool = True, older: bool = False
              ) -> Json | None:
        """A PlaylistTrackObject: ``item``, and its deprecated alias ``track`` with the aliases
        on (only ``track`` in the ``older`` shape); an entry of an odd shape as that shape
        says."""
        item: Json | None
        if entry.local is not None:
            item = self.local_track(entry.local)
        else:
            item = self._entry_item(entry.uri or "", episodes)
        body: Json = {
            "added_at": entry.added_at,
            "added_by": self.user_ref(entry.added_by),
            "is_local": entry.local is not None,
            "primary_color": None,
            "video_thumbnail": {"url": None},
        }
        if not older:
            body["item"] = item
        if older or self.aliases:
            body["track"] = item
        return shapes.odd_entry(body, entry.shape)

    def _entry_item(self, uri: str, episodes: bool) -> Json | None:
        _, kind, item_id = uri.split(":", 2)
        if kind == "episode":
            return self.episode(item_id) if episodes else self.episode_as_track(item_id)
        track = self.state.tracks[item_id]
        return self.track(item_id) if track.available else None

    def local_track(self, local: LocalFile) -> Json:
        """A local file as Spotify shows it: ids, hrefs and links are null."""
        none_links: Json = {"external_urls": {}, "href": None, "id": None, "uri": None}
        return {
            "album": {
                "album_type": None, "total_tracks": None, **none_links, "images": [],
                "name": local.album, "release_date": None, "release_date_precision": None,
                "type": "album", "artists": [],
            },
            "artists": [{**none_links, "name": local.artist, "type": "artist"}],
            "disc_number": 0,
            "duration_ms": local.duration_ms,
            "explicit": False,
            "external_ids": {},
            **none_links,
            "uri": local_uri(local),
            "is_local": True,
            "name": local.name,
            "preview_url": None,
            "track_number": 0,
            "type": "track",
        }


def snapshot_id(playlist: Playlist) -> str:
    """An opaque id of the playlist's version; changes on every change."""
    digest = hashlib.sha1(f"{playlist.id}:{playlist.snapshot_version}".encode()).digest()
    raw = playlist.snapshot_version.to_bytes(4, "big") + digest[:20]
    return base64.b64encode(raw).decode("ascii")


def parse_snapshot_id(playlist: Playlist, text: str) -> int | None:
    """The version a snapshot id names, if it was ever issued for this playlist."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 24:
        return None
    version = int.from_bytes(raw[:4], "big")
    digest = hashlib.sha1(f"{playlist.id}:{version}".encode()).digest()
    if raw[4:] != digest[:20] or version > playlist.snapshot_version:
        return None
    return version


def _digits(item_id: str, count: int) -> str:
    return str(int(hashlib.sha1(item_id.encode()).hexdigest(), 16))[:count]
