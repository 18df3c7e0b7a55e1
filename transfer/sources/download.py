"""Spotify's "Download your data" package: ``Playlist1.json``..., ``YourLibrary.json``,
``Userdata.json`` (the rest of the package, e.g. streaming history, is not a library).

``Playlist*.json``: ``{"playlists": [{"name", "description", "items": [{"track": {"trackName",
"artistName", "albumName", "trackUri"}, "episode": {"episodeName", "showName", "episodeUri"},
"localTrack": {"uri"}, "audiobook": {...}, "addedDate": "2021-03-04"}]}]}`` (one of track,
episode, localTrack, audiobook is set). ``YourLibrary.json``: ``{"tracks": [{"artist", "album",
"track", "uri"}], "albums": [{"artist", "album", "uri"}], "shows": [{"name", "publisher",
"uri"}], "episodes": [{"name", "show", "uri"}], "artists": [{"name", "uri"}], "bannedTracks",
"other"}``: it has no dates, and lists Liked Songs as the app does, newest first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from transfer.models import Category, Kind, PlaylistEntry, SavedItem, kind_of
from transfer.sources.ids import date_from, local_name, uri_from
from transfer.sources.model import Collected, FilePlaylist, Problem, Unidentified

KIND = "Spotify data download"
LIBRARY_KEYS = ("tracks", "albums", "shows", "episodes", "artists")


def is_playlists(document: object) -> bool:
    return (isinstance(document, Mapping) and "schema_version" not in document
            and isinstance(document.get("playlists"), list))


def is_library(document: object) -> bool:
    return (isinstance(document, Mapping) and "schema_version" not in document
            and any(isinstance(document.get(key), list) for key in LIBRARY_KEYS)
            and all(isinstance(document.get(key, []), list) for key in LIBRARY_KEYS))


def is_userdata(document: object) -> bool:
    return (isinstance(document, Mapping) and isinstance(document.get("username"), str)
            and "playlists" not in document)


def read_playlists(name: str, document: Mapping[str, Any], into: Collected) -> None:
    into.kind(KIND)
    for number, playlist in enumerate(document["playlists"], start=1):
        where = f"{name}: playlist {number}"
        if not isinstance(playlist, Mapping) or not str(playlist.get("name") or "").strip():
            into.problems.append(Problem(where, "a playlist without a name; left out"))
            continue
        title = str(playlist["name"])
        items = playlist.get("items") or []
        if not isinstance(items, list):
            into.problems.append(Problem(f"{where} ({title})", "its items are not a list"))
            continue
        entries: list[PlaylistEntry] = []
        for position, item in enumerate(items, start=1):
            entry = _entry(item, f"{name}: {title!r} item {position}", into)
            if entry is not None:
                if entry.uri is None:
                    into.unidentified.append(Unidentified(
                        f"{name}: {title!r} item {position}", Category.PLAYLISTS, entry.name,
                        entry.artists, entry.album, position=len(entries),
                        playlist_index=len(into.playlists)))
                entries.append(entry)
        description = playlist.get("description")
        into.playlists.append(FilePlaylist(title, entries,
                                           description if isinstance(description, str) else ""))


def _entry(item: object, where: str, into: Collected) -> PlaylistEntry | None:
    if not isinstance(item, Mapping):
        into.problems.append(Problem(where, "not an item object; left out"))
        return None
    try:
        added_at = date_from(item.get("addedDate"))
    except ValueError:
        into.problems.append(Problem(where, f"addedDate {item.get('addedDate')!r} is not a "
                                            "date; kept without it"))
        added_at = None
    for key, build in (("track", _track), ("episode", _episode), ("localTrack", _local),
                       ("audiobook", _audiobook)):
        part = item.get(key)
        if isinstance(part, Mapping):
            try:
                return build(part, added_at)
            except ValueError as error:
                into.problems.append(Problem(where, f"{error}; left out"))
                return None
    into.problems.append(Problem(where, "no track, episode or local file in it; left out"))
    return None


def _optional_uri(text: object, kind: Kind) -> str | None:
    if not text:
        return None
    uri = uri_from(str(text))
    if kind_of(uri) is not kind:
        raise ValueError(f"{uri} is not a {kind.value}")
    return uri


def _track(part: Mapping[str, Any], added_at: Any) -> PlaylistEntry:
    uri = _optional_uri(part.get("trackUri"), Kind.TRACK)
    artist = str(part.get("artistName") or "")
    return PlaylistEntry(uri=uri, kind=Kind.TRACK if uri else None, added_at=added_at,
                         name=str(part.get("trackName") or ""), no_id=uri is None,
                         artists=(artist,) if artist else (),
                         album=str(part.get("albumName") or ""))


def _episode(part: Mapping[str, Any], added_at: Any) -> PlaylistEntry:
    uri = _optional_uri(part.get("episodeUri"), Kind.EPISODE)
    return PlaylistEntry(uri=uri, kind=Kind.EPISODE if uri else None, added_at=added_at,
                         name=str(part.get("episodeName") or ""), no_id=uri is None,
                         album=str(part.get("showName") or ""))


def _local(part: Mapping[str, Any], added_at: Any) -> PlaylistEntry:
    uri = str(part.get("uri") or "")
    title, artists, album = local_name(uri) if uri.startswith("spotify:local:") else (
        str(part.get("trackName") or part.get("name") or "local file"), (), "")
    return PlaylistEntry(uri=uri if uri.startswith("spotify:local:") else None, kind=Kind.LOCAL,
                         added_at=added_at, is_local=True, name=title, artists=artists,
                         album=album)


def _audiobook(part: Mapping[str, Any], added_at: Any) -> PlaylistEntry:
    uri = _optional_uri(part.get("audiobookUri") or part.get("uri"), Kind.AUDIOBOOK)
    return PlaylistEntry(uri=uri, kind=Kind.AUDIOBOOK if uri else None, added_at=added_at,
                         name=str(part.get("audiobookName") or part.get("name") or ""),
                         no_id=uri is None)


_SAVED: dict[str, tuple[Category, Kind, str, str]] = {
    "tracks": (Category.LIKED_SONGS, Kind.TRACK, "track", "artist"),
    "albums": (Category.ALBUMS, Kind.ALBUM, "album", "artist"),
    "shows": (Category.SHOWS, Kind.SHOW, "name", "publisher"),
    "episodes": (Category.EPISODES, Kind.EPISODE, "name", "show"),
    "artists": (Category.ARTISTS, Kind.ARTIST, "name", ""),
}


def read_library(name: str, document: Mapping[str, Any], into: Collected) -> None:
    into.kind(KIND)
    for key, (category, kind, title_key, people_key) in _SAVED.items():
        for number, item in enumerate(document.get(key) or [], start=1):
            where = f"{name}: {key} {number}"
            if not isinstance(item, Mapping):
                into.problems.append(Problem(where, "not an item object; left out"))
                continue
            title = str(item.get(title_key) or "")
            person = str(item.get(people_key) or "") if people_key else ""
            people = (person,) if person else ()
            try:
                uri = _optional_uri(item.get("uri"), kind)
            except ValueError as error:
                into.problems.append(Problem(where, f"{error}; left out"))
                continue
            if uri is not None:
                into.saved[category].append(SavedItem(uri=uri, name=title, artists=people))
            elif category is Category.LIKED_SONGS and title:
                into.unidentified.append(Unidentified(where, category, title, people,
                                                      str(item.get("album") or "")))
            else:
                into.problems.append(Problem(where, f"{title or 'an item'} has no Spotify id; "
                                                    "left out"))
