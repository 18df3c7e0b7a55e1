"""What a ``--from-file`` source held, as text shown before the plan: the formats found, the
lines left out and why (``file:line``), the entries without a Spotify id, and with ``--match``
each search's result and what the searches cost."""

from __future__ import annotations

from transfer.render.words import number, plural
from transfer.sources import SourceFile, Unidentified
from transfer.sources.match import Matching, MatchResult

LISTED = 10
"""Lines listed per group unless ``verbose``."""


def render_source(source: SourceFile, matching: Matching | None = None,
                  verbose: bool = False) -> str:
    library = source.library
    held = [plural(len(library.playlists), "playlist"),
            plural(len(library.liked_songs), "Liked Song"),
            plural(len(library.albums), "album"), plural(len(library.artists), "artist"),
            plural(len(library.shows), "show"), plural(len(library.episodes), "episode"),
            plural(len(library.audiobooks), "audiobook")]
    lines = [f"Read {source.path} ({source.described}): "
             + ", ".join(text for text in held if not text.startswith("0 ")) + "."]
    if source.problems:
        lines.append(f"Left out ({plural(len(source.problems), 'line')} of the file):")
        lines += _listed([f"  - {problem}" for problem in source.problems], verbose)
    if matching is not None:
        lines.append(_matching_heading(matching))
        lines += _listed([_result_line(result) for result in matching.results], verbose)
    elif source.unidentified:
        lines.append(f"{plural(len(source.unidentified), 'entry', 'entries')} without a Spotify "
                     "id (not moved; `--match` looks them up by title and artist):")
        lines += _listed([f"  - {_named(item)}  ({item.where})" for item in source.unidentified],
                         verbose)
    return "\n".join(lines) + "\n"


def _matching_heading(matching: Matching) -> str:
    return (f"Matched by search (--match): {number(matching.matched)} of "
            f"{plural(len(matching.results), 'entry', 'entries')} without a Spotify id, "
            f"{plural(matching.calls, 'search', 'searches')} ({plural(matching.calls, 'API call')}"
            "):")


def _result_line(result: MatchResult) -> str:
    item, found = result.item, result.found
    if found is not None and found.uri:
        album = f", {found.album}" if found.album else ""
        return (f"  + {_named(item)}  ->  {found.uri} ({found.name}, "
                f"{', '.join(found.artists)}{album})")
    why = "no exact match" if result.query else "no artist in the file to look it up by"
    return f"  - {_named(item)}  ->  {why}; not moved  ({item.where})"


def _named(item: Unidentified) -> str:
    by = f" by {', '.join(item.artists)}" if item.artists else ""
    album = f" ({item.album})" if item.album else ""
    where = "Liked Songs" if item.playlist_id is None else "playlist"
    return f"{item.name!r}{by}{album} [{where}]"


def _listed(lines: list[str], verbose: bool) -> list[str]:
    if verbose or len(lines) <= LISTED:
        return lines
    return [*lines[:LISTED], f"  ... and {number(len(lines) - LISTED)} more (--full lists all)"]
