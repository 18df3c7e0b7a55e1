"""Adopting copies no journal records, so a lost, emptied or new journal never doubles a
library (a state folder removed, a journal truncated, a run from another machine).

A playlist of the target is taken as the copy of a source playlist that has no link when:

- the target owns it and no link names it already;
- its name is the one the tool gives the copy (``name_prefix`` and ``name_suffix`` applied);
- its items are the source's movable items in the same order; or a start of them (a run
  stopped midway: only the rest is then added) when its description is also the source's, as
  the tool set it at the create. A start is weaker evidence than the whole (an empty playlist
  is the start of anything), so a playlist of the user's own that shares the name and the
  first items but has a description of its own is left alone.

A playlist holding anything else is never adopted: it stays as it is and the source playlist
gets a new copy beside it. No marker is written on copies: a copy carries the source's very
description (what "moved correctly" means) and a token in it would show in every Spotify app.
The price is that candidates are read: only playlists named as a copy is named, and only those
no longer than the source (the playlist list gives their size).

When several playlists qualify for one source playlist (a library doubled by an earlier lost
journal), the fullest is adopted, the first listed of equals, and the others are left as they
are; a playlist is adopted for one source playlist at most. The plan's notes say all of this.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from transfer.models import Library, Playlist
from transfer.plan.copies import is_prefix
from transfer.plan.links import PlaylistLink
from transfer.plan.options import PlanOptions
from transfer.plan.playlists import carried_entries, is_selected

LISTED_NAMES = 8
"""Playlist names a note lists before it says how many more there are."""


@dataclass(frozen=True)
class Adoptions:
    """What was recognised in the target: the copies adopted, by source playlist id; the
    playlists named like a copy that hold other items; the extra copies left alone."""

    copies: Mapping[str, Playlist] = field(default_factory=dict)
    other_items: tuple[Playlist, ...] = ()
    spare: tuple[Playlist, ...] = ()

    def notes(self, fresh_journal: bool = False) -> tuple[str, ...]:
        """What the plan says about them. ``fresh_journal``: no run was ever journaled for this
        pair, so whatever looks like a copy was made elsewhere or recorded in a lost journal."""
        notes: list[str] = []
        looks_like = len(self.copies) + len(self.other_items) + len(self.spare)
        if fresh_journal and looks_like:
            notes.append(
                f"No journal records a transfer between these accounts, yet the target already "
                f"holds {_count(looks_like, 'playlist')} named like the copies this tool makes "
                "(a state folder removed, or a transfer run from another machine)."
            )
        if self.copies:
            notes.append(
                f"Adopting {_count(len(self.copies), 'copy', 'copies')} already in the target "
                f"that no journal records: {_names(self.copies.values())}. They hold the source "
                "playlist's items (or the first of them), so they are continued, not created "
                "again; `undo` may remove them like the copies it made."
            )
        if self.other_items:
            notes.append(
                f"Not adopted: {_count(len(self.other_items), 'playlist')} of the target named "
                f"like a copy but holding other items, or only the first of them under a "
                f"description of their own ({_names(self.other_items)}); left as they are."
            )
        if self.spare:
            notes.append(
                f"Not adopted: {_count(len(self.spare), 'more copy', 'more copies')} of the same "
                f"playlists ({_names(self.spare)}), a library doubled earlier; the fullest copy "
                "is adopted, these are left as they are (remove them in Spotify if unwanted)."
            )
        return tuple(notes)


def unlinked_by_name(
    source: Library, options: PlanOptions, links: Mapping[str, PlaylistLink]
) -> dict[str, list[Playlist]]:
    """The copy's name -> the selected owned source playlists with no linked copy, in source
    order: those a copy in the target could be adopted for."""
    names: dict[str, list[Playlist]] = {}
    seen: set[str] = set()
    for playlist in source.playlists:
        if (playlist.id in seen or playlist.relation != "owned" or playlist.id in links
                or not is_selected(playlist, options)):
            continue
        seen.add(playlist.id)
        names.setdefault(options.target_name(playlist.name), []).append(playlist)
    return names


def worth_reading(
    playlist: Playlist, names: Mapping[str, list[Playlist]], linked_ids: Iterable[str]
) -> bool:
    """Whether a playlist of the target may be a copy to adopt, so its items must be read: it
    is the target's own, linked to nothing, named as a copy, and no longer than the longest
    source playlist of that name."""
    if not _candidate(playlist, names, set(linked_ids)):
        return False
    if playlist.total is None:
        return True
    return playlist.total <= max(_size(original) for original in names[playlist.name])


def find_adoptions(
    source: Library, target: Library, options: PlanOptions, links: Mapping[str, PlaylistLink]
) -> Adoptions:
    """The copies in ``target`` to adopt (their items must have been read; see
    :func:`worth_reading`)."""
    names = unlinked_by_name(source, options, links)
    linked = {link.target_playlist_id for link in links.values()}
    pool = [playlist for playlist in target.playlists if _candidate(playlist, names, linked)]
    copies: dict[str, Playlist] = {}
    fitting: set[str] = set()
    for name, originals in names.items():
        for original in originals:
            fits = [copy for copy in pool if copy.name == name and _fits(copy, original)]
            fitting.update(copy.id for copy in fits)
            free = [copy for copy in fits if copy.id not in _ids(copies.values())]
            if free:
                copies[original.id] = max(free, key=_length)
    taken = _ids(copies.values())
    spare = tuple(copy for copy in pool if copy.id in fitting and copy.id not in taken)
    other = tuple(copy for copy in pool if copy.id not in fitting)
    return Adoptions(copies=copies, other_items=other, spare=spare)


def _candidate(playlist: Playlist, names: Mapping[str, list[Playlist]], linked: set[str]
               ) -> bool:
    return playlist.relation == "owned" and playlist.id not in linked and playlist.name in names


def _fits(copy: Playlist, original: Playlist) -> bool:
    """Whether ``copy`` holds ``original``'s movable items, or a start of them and the same
    description."""
    if copy.entries is None or original.entries is None:
        return False
    present = [entry.uri for entry in copy.entries]
    wanted = carried_entries(original)[0]
    if not is_prefix(present, wanted):
        return False
    return len(present) == len(wanted) or same_text(copy.description, original.description)


def same_text(one: str, other: str) -> bool:
    """Spotify answers descriptions HTML-escaped; compare them unescaped."""
    return html.unescape(one).strip() == html.unescape(other).strip()


def _size(playlist: Playlist) -> int:
    if playlist.entries is not None:
        return len(carried_entries(playlist)[0])
    return playlist.total or 0


def _length(playlist: Playlist) -> int:
    return len(playlist.entries or ())


def _ids(playlists: Iterable[Playlist]) -> set[str]:
    return {playlist.id for playlist in playlists}


def _count(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _names(playlists: Iterable[Playlist]) -> str:
    names = [f"“{playlist.name}”" for playlist in playlists]
    shown = ", ".join(names[:LISTED_NAMES])
    more = len(names) - LISTED_NAMES
    return f"{shown} and {more} more" if more > 0 else shown
