"""CSV exports of playlists (Exportify and tools that copy its columns): one file a playlist,
named after it (Exportify writes ``my_playlist.csv``; a file named ``Liked Songs`` or
``liked_songs`` holds the Liked Songs).

Columns are found by name, whatever their case, spacing or underscores: the id from ``Track
URI`` (older versions: ``Spotify URI``, or a bare ``Spotify ID``), the rest for people and for
``--match``: ``Track Name``, ``Artist Name(s)`` (older: ``Artist Name``), ``Album Name``,
``Added At``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from transfer.models import Category, Kind, PlaylistEntry, SavedItem, kind_of
from transfer.sources.ids import date_from, local_name, track_uri
from transfer.sources.model import Collected, FilePlaylist, Problem, Unidentified

KIND = "Exportify CSV"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ID_COLUMNS = ("track uri", "spotify uri", "uri", "spotify id", "track id", "id")
NAME_COLUMNS = ("track name", "name", "title", "track")
ARTIST_COLUMNS = ("artist name(s)", "artist names", "artist name", "artist", "artists")
ALBUM_COLUMNS = ("album name", "album")
ADDED_COLUMNS = ("added at", "added")
LIKED_NAMES = ("liked songs", "liked", "liked tracks", "your library", "saved tracks")


def _column(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lstrip("\ufeff")).lower()


def delimiter_of(text: str) -> str:
    """``,`` unless the header line holds more ``;`` or tabs (a CSV saved again by a
    spreadsheet set to a European locale)."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    return max((",", ";", "\t"), key=lambda delimiter: (first.count(delimiter),
                                                          delimiter == ","))


def header_of(text: str) -> list[str] | None:
    """The CSV header when ``text`` starts with one this reader understands."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        row = next(csv.reader([first], delimiter=delimiter_of(text)))
    except (csv.Error, StopIteration):
        return None
    columns = [_column(cell) for cell in row]
    has_id = any(column in ID_COLUMNS for column in columns)
    has_names = (any(column in NAME_COLUMNS for column in columns)
                 and any(column in ARTIST_COLUMNS for column in columns))
    return columns if len(columns) > 1 and (has_id or has_names) else None


def playlist_name(stem: str) -> str:
    return stem.replace("_", " ").strip() or stem


def is_liked(stem: str) -> bool:
    return playlist_name(stem).lower() in LIKED_NAMES


@dataclass(frozen=True)
class _Columns:
    """Where each field is in a row (None: the file has no such column)."""

    indexes: dict[str, int | None]
    width: int

    @classmethod
    def of(cls, columns: list[str]) -> _Columns:
        def find(options: tuple[str, ...]) -> int | None:
            return next((columns.index(option) for option in options if option in columns), None)

        return cls({"id": find(ID_COLUMNS), "name": find(NAME_COLUMNS),
                    "artists": find(ARTIST_COLUMNS), "album": find(ALBUM_COLUMNS),
                    "added": find(ADDED_COLUMNS)}, len(columns))

    def cell(self, row: list[str], key: str) -> str:
        index = self.indexes[key]
        return row[index].strip() if index is not None else ""


def read_csv(name: str, stem: str, text: str, into: Collected) -> None:
    into.kind(KIND)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""),
                        delimiter=delimiter_of(text))
    columns = _Columns.of([_column(cell) for cell in next(reader)])
    liked = is_liked(stem)
    entries: list[PlaylistEntry] = []
    saved: list[SavedItem] = []
    try:
        for row in reader:
            where = f"{name}:{reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            entry = _row_entry(row, columns, where, into)
            if entry is None:
                continue
            if liked:
                _liked(entry, where, saved, into)
                continue
            if entry.uri is None:
                into.unidentified.append(Unidentified(where, Category.PLAYLISTS, entry.name,
                                                      entry.artists, entry.album,
                                                      position=len(entries),
                                                      playlist_index=len(into.playlists)))
            entries.append(entry)
    except csv.Error as error:
        into.problems.append(Problem(f"{name}:{reader.line_num}", f"not readable as CSV "
                                     f"({error}); the rest of the file left out"))
    if liked:
        into.saved[Category.LIKED_SONGS].extend(newest_first(saved))
    else:
        into.playlists.append(FilePlaylist(playlist_name(stem), entries))


def _row_entry(row: list[str], columns: _Columns, where: str, into: Collected
               ) -> PlaylistEntry | None:
    if len(row) != columns.width:
        into.problems.append(Problem(where, f"{len(row)} fields where the header has "
                                            f"{columns.width}; line left out"))
        return None
    artists = tuple(part.strip() for part in columns.cell(row, "artists").split(",")
                    if part.strip())
    added = columns.cell(row, "added")
    try:
        added_at = date_from(added)
    except ValueError:
        into.problems.append(Problem(where, f"{added!r} is not a date; line kept without it"))
        added_at = None
    entry = PlaylistEntry(uri=None, added_at=added_at, name=columns.cell(row, "name"),
                          artists=artists, album=columns.cell(row, "album"))
    item_id = columns.cell(row, "id")
    if not item_id:
        if entry.name:
            return entry.model_copy(update={"no_id": True})
        into.problems.append(Problem(where, "neither a Spotify id nor a title; line left out"))
        return None
    try:
        uri = track_uri(item_id)
    except ValueError as error:
        into.problems.append(Problem(where, f"{error}; line left out"))
        return None
    kind = kind_of(uri)
    if kind is not Kind.LOCAL:
        return entry.model_copy(update={"uri": uri, "kind": kind})
    title, people, album = local_name(uri)
    return entry.model_copy(update={
        "uri": uri, "kind": kind, "is_local": True, "name": entry.name or title,
        "artists": entry.artists or people, "album": entry.album or album})


def _liked(entry: PlaylistEntry, where: str, saved: list[SavedItem], into: Collected) -> None:
    if entry.uri is None:
        into.unidentified.append(Unidentified(where, Category.LIKED_SONGS, entry.name,
                                              entry.artists, entry.album,
                                              added_at=entry.added_at))
    elif entry.kind is Kind.TRACK:
        saved.append(SavedItem(uri=entry.uri, name=entry.name, artists=entry.artists,
                               added_at=entry.added_at))
    else:
        into.problems.append(Problem(where, f"{entry.uri} is not a song; Liked Songs hold "
                                            "songs only; line left out"))


def newest_first(items: list[SavedItem]) -> list[SavedItem]:
    """Liked Songs in Spotify's order (newest first) when every one has its date; otherwise
    as the file lists them."""
    if items and all(item.added_at is not None for item in items):
        return sorted(items, key=lambda item: item.added_at or EPOCH, reverse=True)
    return items
