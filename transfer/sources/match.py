"""``--match``: finding by search the songs a file names without a Spotify id.

One search per distinct title and artist (``track:"<title>" artist:"<artist>"``, songs only,
the 10 best; an entry without an artist is not looked up), and a result is taken only when its
title and one of its artists are the file's, and its album too when the file names one,
compared without case, accents or punctuation. No guess is ever taken: what finds no such
result stays "no Spotify id". The searching is given as a function, so this module makes no
request itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from transfer.models import Category, Kind, Library, Playlist, PlaylistEntry, SavedItem
from transfer.sources.build import entries_digest
from transfer.sources.exportify import newest_first
from transfer.sources.model import SourceFile, Unidentified

Search = Callable[[str], Sequence[PlaylistEntry]]


def normalised(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def query_of(item: Unidentified) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace('"', " ").strip() + '"'

    words = [f"track:{quoted(item.name)}"]
    if item.artists:
        words.append(f"artist:{quoted(item.artists[0])}")
    return " ".join(words)


def is_exact(item: Unidentified, found: PlaylistEntry) -> bool:
    """The same title, an artist in common, and the same album when the file names one."""
    if normalised(found.name) != normalised(item.name):
        return False
    mine = {normalised(artist) for artist in item.artists}
    if mine:  # a CSV's artists were split at commas: "Tyler, The Creator" is one artist too
        mine.add(normalised(", ".join(item.artists)))
        if not mine & {normalised(artist) for artist in found.artists}:
            return False
    return not item.album or normalised(found.album) == normalised(item.album)


@dataclass(frozen=True)
class MatchResult:
    item: Unidentified
    query: str
    """Empty when the entry was not looked up (it names no artist)."""
    found: PlaylistEntry | None
    searched: bool
    """False when an earlier search for the same title and artist answered it (no call)."""


@dataclass(frozen=True)
class Matching:
    """The source with what was found put in place, and what each search gave."""

    source: SourceFile
    results: tuple[MatchResult, ...]

    @property
    def calls(self) -> int:
        return sum(result.searched for result in self.results)

    @property
    def matched(self) -> int:
        return sum(result.found is not None for result in self.results)


def match_source(source: SourceFile, search: Search) -> Matching:
    answers: dict[str, Sequence[PlaylistEntry]] = {}
    results: list[MatchResult] = []
    for item in source.unidentified:
        if not item.name or not item.artists:  # a title alone is too little to be sure
            results.append(MatchResult(item, "", None, searched=False))
            continue
        query = query_of(item)
        searched = query not in answers
        if searched:
            answers[query] = search(query)
        found = next((entry for entry in answers[query]
                      if entry.uri and entry.kind is Kind.TRACK and is_exact(item, entry)), None)
        results.append(MatchResult(item, query, found, searched))
    return Matching(_with_matches(source, results), tuple(results))


def _with_matches(source: SourceFile, results: Sequence[MatchResult]) -> SourceFile:
    by_playlist: dict[str, dict[int, PlaylistEntry]] = {}
    liked: list[SavedItem] = []
    for result in results:
        found, item = result.found, result.item
        if found is None or found.uri is None:
            continue
        if item.category is Category.LIKED_SONGS:
            liked.append(SavedItem(uri=found.uri, name=found.name, artists=found.artists,
                                   added_at=item.added_at))
        elif item.playlist_id is not None and item.position is not None:
            by_playlist.setdefault(item.playlist_id, {})[item.position] = found
    library = source.library
    playlists = tuple(_filled(playlist, by_playlist.get(playlist.id, {}))
                      for playlist in library.playlists)
    updated = library.model_copy(update={
        "playlists": playlists,
        "liked_songs": _liked(library, liked)})
    matched = {id(result.item) for result in results if result.found is not None}
    left = tuple(item for item in source.unidentified if id(item) not in matched)
    return replace(source, library=updated, unidentified=left)


def _filled(playlist: Playlist, found: dict[int, PlaylistEntry]) -> Playlist:
    if not found or playlist.entries is None:
        return playlist
    entries = tuple(
        entry.model_copy(update={"uri": found[at].uri, "kind": Kind.TRACK, "no_id": False})
        if at in found else entry for at, entry in enumerate(playlist.entries))
    return playlist.model_copy(update={"entries": entries,
                                       "snapshot_id": entries_digest(entries)})


def _liked(library: Library, matched: list[SavedItem]) -> tuple[SavedItem, ...]:
    """Matched Liked Songs join the others in date order when all have dates, else last
    (the oldest end)."""
    if not matched:
        return library.liked_songs
    return tuple(newest_first([*library.liked_songs, *matched]))
