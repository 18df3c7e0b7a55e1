"""Source files as users have them, written for tests: Spotify's data download (zip or
folder), Exportify CSVs, lists of links. Shapes follow real exports; ids are made up."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

T1 = "4iV5W9uYEdYUVa79Axb7Rh"
T2 = "1301WleyT98MSxVHPZCA6M"
T3 = "6rqhFgbbKwnb9MLmUQDhG6"
E1 = "512ojhOuo1ktJprKbVcKyQ"
AL1 = "1ATL5GLyefJaxhQzSPVrLX"
AR1 = "0OdUWJ0sBjDrqHygGUXeCF"
SH1 = "5CfCWKI5pZ28U0uOzXkDHe"
PL1 = "37i9dQZF1DXcBWIGoYBM5M"

EXPORTIFY_HEADER = [
    "Track URI", "Track Name", "Album Name", "Artist Name(s)", "Release Date", "Duration (ms)",
    "Popularity", "Explicit", "Added By", "Added At", "Genres", "Record Label",
]
OLD_EXPORTIFY_HEADER = [
    "Spotify URI", "Track Name", "Artist Name", "Album Name", "Disc Number", "Track Number",
    "Track Duration (ms)", "Added By", "Added At",
]


def track_item(uri: str | None, name: str, artist: str, album: str, added: str
               ) -> dict[str, Any]:
    return {"track": {"trackName": name, "artistName": artist, "albumName": album,
                      "trackUri": uri or ""},
            "episode": None, "localTrack": None, "audiobook": None, "addedDate": added}


def episode_item(uri: str, name: str, show: str, added: str) -> dict[str, Any]:
    return {"track": None, "localTrack": None, "audiobook": None, "addedDate": added,
            "episode": {"episodeName": name, "showName": show, "episodeUri": uri}}


def local_item(uri: str, added: str) -> dict[str, Any]:
    return {"track": None, "episode": None, "audiobook": None, "addedDate": added,
            "localTrack": {"uri": uri}}


def playlist(name: str, items: Sequence[Mapping[str, Any]], description: str | None = None
             ) -> dict[str, Any]:
    return {"name": name, "lastModifiedDate": "2024-05-06", "collaborators": [],
            "description": description, "numberOfFollowers": 0, "items": list(items)}


def small_download() -> dict[str, Any]:
    """The files of a small data download: two playlists, a library, the user data."""
    playlists = {"playlists": [
        playlist("Road trip", [
            track_item(f"spotify:track:{T1}", "Song One", "Artist A", "Album X", "2021-03-04"),
            episode_item(f"spotify:episode:{E1}", "Episode 1", "A Show", "2021-03-05"),
            local_item("spotify:local:Me:Demos:Garage+take:215", "2021-03-06"),
            track_item(f"spotify:track:{T2}", "Song Two", "Artist B", "Album Y", "2021-03-07"),
        ], description="Songs for the car"),
        playlist("Empty one", []),
    ]}
    library = {
        "tracks": [
            {"artist": "Artist C", "album": "Album Z", "track": "Song Three",
             "uri": f"spotify:track:{T3}"},
            {"artist": "Artist A", "album": "Album X", "track": "Song One",
             "uri": f"spotify:track:{T1}"},
        ],
        "albums": [{"artist": "Artist A", "album": "Album X", "uri": f"spotify:album:{AL1}"}],
        "shows": [{"name": "A Show", "publisher": "Someone", "uri": f"spotify:show:{SH1}"}],
        "episodes": [],
        "artists": [{"name": "Artist A", "uri": f"spotify:artist:{AR1}"}],
        "bannedTracks": [], "bannedArtists": [], "other": [],
    }
    return {
        "Spotify Account Data/Playlist1.json": playlists,
        "Spotify Account Data/YourLibrary.json": library,
        "Spotify Account Data/Userdata.json": {"username": "oldname", "email": "a@example.org",
                                               "country": "DE"},
        "Spotify Account Data/StreamingHistory_music_0.json": [
            {"endTime": "2024-01-01 10:00", "artistName": "A", "trackName": "B",
             "msPlayed": 1000}],
        "Spotify Account Data/ReadMeFirst_YourAccountData.pdf": b"%PDF-1.4 not a library",
    }


def write_files(folder: Path, files: Mapping[str, Any]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_bytes(content))
    return folder


def write_zip(path: Path, files: Mapping[str, Any]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, _bytes(content))
    return path


def _bytes(content: Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    return json.dumps(content, indent=2).encode()


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue()


def exportify_row(uri: str, name: str, album: str, artists: str, added: str) -> list[str]:
    return [uri, name, album, artists, "2020-01-01", "200000", "50", "false",
            "spotify:user:oldname", added, "pop", "Label"]
