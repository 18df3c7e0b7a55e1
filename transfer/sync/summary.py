"""The one line a sync prints, fit for the mail cron sends::

    sync alex.old -> alex.new: +3 liked, +1 playlist (12 items), 0 removed, 7 calls, done

Counted from what the runs' journaled actions did (done ones; failed ones are counted apart).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from transfer.journal import ActionRecord, Outcome
from transfer.models import Account, Category
from transfer.plan import (
    AddPlaylistItems,
    CreatePlaylist,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    UpdatePlaylistDetails,
    UploadCover,
    category_of,
)
from transfer.render.words import number

_SAVED_WORDS = {
    Category.LIKED_SONGS: ("liked", "liked"),
    Category.ALBUMS: ("album", "albums"),
    Category.ARTISTS: ("artist", "artists"),
    Category.SHOWS: ("show", "shows"),
    Category.EPISODES: ("episode", "episodes"),
    Category.AUDIOBOOKS: ("audiobook", "audiobooks"),
    Category.PLAYLISTS: ("followed playlist", "followed playlists"),
}


@dataclass
class Changes:
    """What the sync's runs changed in the target."""

    saved: Counter[Category] = field(default_factory=Counter)
    created: int = 0
    created_items: int = 0
    appended: int = 0
    continued: set[str] = field(default_factory=set)
    removed: int = 0
    failed: int = 0

    def add(self, records: Iterable[ActionRecord]) -> None:
        """Count one run's actions."""
        listed = list(records)
        created = {record.action.source_playlist_id for record in listed
                   if isinstance(record.action, CreatePlaylist)
                   and record.outcome is Outcome.DONE}
        for record in listed:
            if record.outcome is Outcome.FAILED:
                self.failed += 1
            elif record.outcome is Outcome.DONE:
                self._count(record.action, created)

    def _count(self, action: object, created: set[str]) -> None:
        if getattr(action, "redo", False):
            return  # saved again to repair their order: counted by the save before
        if isinstance(action, CreatePlaylist):
            self.created += 1
        elif isinstance(action, AddPlaylistItems | ReplacePlaylistItems):
            if action.source_playlist_id in created:
                self.created_items += len(action.uris)
            else:
                self.appended += len(action.uris)
                self.continued.add(action.source_playlist_id)
        elif isinstance(action, UploadCover | UpdatePlaylistDetails | RemovePlaylistItems):
            if action.source_playlist_id not in created:
                self.continued.add(action.source_playlist_id)
            if isinstance(action, RemovePlaylistItems):
                self.removed += len(action.uris)
        elif isinstance(action, SaveLibraryItems | SaveLikedWithDates):
            self.saved.update(category_of(uri) for uri in action.uris)
        elif isinstance(action, RemoveLibraryItems):
            self.removed += len(action.uris)

    @property
    def empty(self) -> bool:
        return not (self.saved or self.created or self.continued or self.removed)

    def parts(self) -> list[str]:
        parts = [f"+{number(count)} {_word(category, count)}"
                 for category in Category if (count := self.saved[category])]
        if self.created:
            parts.append(f"+{_plural(self.created, 'playlist')} "
                         f"({_plural(self.created_items, 'item')})")
        if self.continued:
            parts.append(f"{_plural(len(self.continued), 'copy', 'copies')} updated "
                         f"(+{_plural(self.appended, 'item')})")
        return parts or ["nothing new"]


def _word(category: Category, count: int) -> str:
    one, many = _SAVED_WORDS[category]
    return one if count == 1 else many


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{number(count)} {one if count == 1 else (many or one + 's')}"


def summary_line(source: Account | None, target: Account | None, changes: Changes, calls: int,
                 ending: str) -> str:
    """``sync SOURCE -> TARGET: what changed, N removed, N calls, how it ended``."""
    pair = f"{_name(source)} -> {_name(target)}"
    parts = [*changes.parts(), f"{number(changes.removed)} removed"]
    if changes.failed:
        parts.append(f"{number(changes.failed)} failed")
    parts.append(_plural(calls, "call"))
    parts.append(ending)
    return f"sync {pair}: {', '.join(parts)}"


def _name(account: Account | None) -> str:
    return account.id if account is not None else "?"
