"""What a sync asks of the target: only what the source's changes make it need to know.

The target is not read in full. New saved items and newly followed playlists are looked up with
``GET /me/library/contains`` (40 a call, kinds mixed): what the target already has is neither
saved again nor counted as added by the tool, so ``--mirror`` and ``undo`` never take it away.
The copies of changed source playlists are checked (still in the target's list? at the snapshot
the tool left?) one by one, or by reading the target's playlist list when that is cheaper or
when a playlist is to be created (a lost answer to a create is recognised against that list).
A collection whose new items cannot be told from the marks is read in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil

from transfer.export import read_saved, with_entries
from transfer.models import Category, Kind, Playlist, SavedItem, uri_of
from transfer.plan import PlaylistLink, copy_needs_reading
from transfer.progress import Progress
from transfer.spotify import READ_PAGE, SpotifyAdapter


@dataclass(frozen=True)
class TargetView:
    """As much of the target as the plan needs."""

    playlists: tuple[Playlist, ...]
    saved: dict[Category, tuple[SavedItem, ...]]
    listed: tuple[str, ...] | None
    """The target's whole playlist list, when it was read."""


def look_up(
    adapter: SpotifyAdapter,
    candidates: Mapping[Category, Sequence[SavedItem]],
    in_full: Iterable[Category],
    follows: Sequence[Playlist],
    changed: Sequence[tuple[Playlist, PlaylistLink]],
    list_pages: int | None,
    progress: Progress,
) -> TargetView:
    """The target for a plan: ``candidates`` (new saved items) and ``follows`` (playlists to
    follow) checked, the collections ``in_full`` read, and the copies of ``changed`` source
    playlists found (with their items where the link cannot vouch for them). ``list_pages`` is
    what reading the target's playlist list would cost at least; None when it must be read."""
    full = set(in_full)
    saved = {category: read_saved(adapter, category, progress) for category in full}
    copy_uris = [uri_of(Kind.PLAYLIST, link.target_playlist_id) for _, link in changed]
    listing = list_pages is None or (bool(changed) and len(changed) >= list_pages)
    uris = [item.uri for category, items in candidates.items() if category not in full
            for item in items]
    if not listing:
        uris += [playlist.uri for playlist in follows] + copy_uris
    held = _contained(adapter, uris)
    for category, items in candidates.items():
        if category not in full:
            saved[category] = tuple(item for item in items if item.uri in held)
    if listing:
        listed = tuple(adapter.my_playlists())
        playlists = _copies_read(adapter, listed, changed)
        return TargetView(playlists, saved, tuple(playlist.id for playlist in listed))
    found = [playlist for playlist in follows if playlist.uri in held]
    copies = [_copy(adapter, source, link) for source, link in changed
              if uri_of(Kind.PLAYLIST, link.target_playlist_id) in held]
    return TargetView((*found, *copies), saved, None)


def list_pages(playlists: int) -> int:
    """Calls to read a playlist list of (at least) this many."""
    return max(1, ceil(playlists / READ_PAGE))


def _contained(adapter: SpotifyAdapter, uris: Sequence[str]) -> set[str]:
    unique = list(dict.fromkeys(uris))
    if not unique:
        return set()
    answers = adapter.library_contains(unique)
    return {uri for uri, held in zip(unique, answers, strict=True) if held}


def _copy(adapter: SpotifyAdapter, source: Playlist, link: PlaylistLink) -> Playlist:
    copy = adapter.playlist(link.target_playlist_id)
    if copy_needs_reading(link, source, copy):
        copy = with_entries(adapter, copy)
    return copy


def _copies_read(adapter: SpotifyAdapter, listed: tuple[Playlist, ...],
                 changed: Sequence[tuple[Playlist, PlaylistLink]]) -> tuple[Playlist, ...]:
    sources = {link.target_playlist_id: (source, link) for source, link in changed}
    playlists = []
    for playlist in listed:
        if playlist.id in sources:
            source, link = sources[playlist.id]
            if copy_needs_reading(link, source, playlist):
                playlist = with_entries(adapter, playlist)
        playlists.append(playlist)
    return tuple(playlists)
