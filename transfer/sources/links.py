"""A text file of Spotify links or URIs, one a line.

Songs and episodes make a playlist, in the file's order; albums, shows and audiobooks are
saved, artists followed, playlists followed. The playlist is named by a ``# name: ...`` line
(which starts a new playlist when links came before it), else by the first comment line
before any link, else by the file's name. Blank lines and other ``#`` comments are skipped.
"""

from __future__ import annotations

import re

from transfer.models import Category, Kind, PlaylistEntry, SavedItem, kind_of
from transfer.sources.ids import uri_from
from transfer.sources.model import Collected, FilePlaylist, Problem

KIND = "list of links"
_NAME = re.compile(r"^#\s*(?:name|playlist)\s*:\s*(?P<name>.+)$", re.IGNORECASE)
_SAVES = {Kind.ALBUM: Category.ALBUMS, Kind.SHOW: Category.SHOWS,
          Kind.AUDIOBOOK: Category.AUDIOBOOKS, Kind.ARTIST: Category.ARTISTS}


def looks_like_links(text: str) -> bool:
    """True when the first line that is neither blank nor a comment is a Spotify link or URI."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return "spotify.com/" in line or line.startswith("spotify:")
    return False


def read_links(name: str, stem: str, text: str, into: Collected) -> None:
    into.kind(KIND)
    title: str | None = None
    entries: list[PlaylistEntry] = []
    seen_link = False

    def close() -> None:
        if entries:
            into.playlists.append(FilePlaylist(title or stem.replace("_", " "), list(entries)))
            entries.clear()

    for number, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        named = _NAME.match(line)
        if named:
            close()
            title = named["name"].strip()
            continue
        if line.startswith("#"):
            if title is None and not seen_link and line.lstrip("#").strip():
                title = line.lstrip("#").strip()
            continue
        if not line:
            continue
        seen_link = True
        try:
            uri = uri_from(line)
        except ValueError as error:
            into.problems.append(Problem(f"{name}:{number}", f"{error}; line left out"))
            continue
        kind = kind_of(uri)
        if kind in (Kind.TRACK, Kind.EPISODE):
            entries.append(PlaylistEntry(uri=uri, kind=kind))
        elif kind in _SAVES:
            into.saved[_SAVES[kind]].append(SavedItem(uri=uri))
        elif kind is Kind.PLAYLIST:
            into.followed_playlists.append(uri.split(":")[2])
        else:
            into.problems.append(Problem(f"{name}:{number}", f"a {kind.value} cannot be saved or "
                                                             "followed; line left out"))
    close()
