"""Settling writes whose answer was lost: read the target, then mark each done or to be sent.

Nothing is sent again before this check. A created playlist is recognised as a playlist of
the target named as planned that was not there when the run began and is no copy yet; an add
as its items found at the planned position; saves through ``/me/library/contains``. Cover
uploads and detail changes are safe to repeat and are simply sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from transfer.journal import ActionRecord, Journal
from transfer.plan import (
    AddPlaylistItems,
    CreatePlaylist,
    SaveLibraryItems,
    SaveLikedWithDates,
)
from transfer.spotify import SpotifyAdapter

log = logging.getLogger(__name__)

TARGET_PLAYLISTS_FACT = "target_playlists"
"""The run fact: ids of the target's playlists before the run created any."""


class Reconciler:
    def __init__(self, target: SpotifyAdapter, journal: Journal, run_id: int) -> None:
        self.target = target
        self.journal = journal
        self.run_id = run_id

    def settle(self, record: ActionRecord) -> bool:
        """Mark an action of unknown outcome done or pending; True when it was done."""
        action = record.action
        if isinstance(action, CreatePlaylist):
            landed = self._created(action)
        elif isinstance(action, AddPlaylistItems):
            landed = self._added(action)
        elif isinstance(action, SaveLibraryItems | SaveLikedWithDates):
            landed = all(self.target.library_contains(action.uris))
            if landed:
                self.journal.mark_done(self.run_id, record.key)
        else:
            landed = False
        if not landed:
            self.journal.mark_pending(self.run_id, record.key)
        log.info("%s: the lost answer was %s", record.key, "applied" if landed else "not applied")
        return landed

    def _created(self, action: CreatePlaylist) -> bool:
        before = set(self.journal.facts(self.run_id).get(TARGET_PLAYLISTS_FACT, []))
        copies = {link.target_playlist_id for link in self.journal.links().values()}
        me = self.target.me().id
        for playlist in self.target.my_playlists():
            if (playlist.owner_id == me and playlist.name == action.name
                    and playlist.id not in before and playlist.id not in copies):
                self.journal.mark_done(self.run_id, action.key, target_playlist_id=playlist.id,
                                       snapshot_id=playlist.snapshot_id)
                return True
        return False

    def _added(self, action: AddPlaylistItems) -> bool:
        link = self.journal.links().get(action.source_playlist_id)
        if link is None:
            return False
        window, length = self._stretch(link.target_playlist_id, action.position,
                                       len(action.uris))
        if not batch_landed_at(window, length, len(link.target_uris), action):
            return False
        self.journal.mark_done(self.run_id, action.key)
        return True

    def _stretch(self, playlist_id: str, start: int, count: int
                 ) -> tuple[list[str | None], int]:
        """Up to ``count`` URIs of a copy from ``start`` on, and the copy's length: only the
        pages over that stretch are read (two or three calls, whatever the copy's size)."""
        uris: list[str | None] = []
        length = start
        while len(uris) < count:
            page = self.target.playlist_entry_page(playlist_id, start + len(uris))
            uris.extend(entry.uri for entry in page.items)
            length = page.total if page.total is not None else start + len(uris)
            if not page.items or start + len(uris) >= length:
                break
        return uris[:count], length


def batch_landed(present: Sequence[str | None], known_length: int, action: AddPlaylistItems
                 ) -> bool:
    """Whether a copy holding ``present`` got the batch (see :func:`batch_landed_at`)."""
    start, end = action.position, action.position + len(action.uris)
    return batch_landed_at(present[start:end], len(present), known_length, action)


def batch_landed_at(window: Sequence[str | None], length: int, known_length: int,
                    action: AddPlaylistItems) -> bool:
    """Whether a copy of ``length`` items holding ``window`` at the batch's planned position got
    the batch: its URIs stand there and the copy grew by the batch (an unavailable entry, None,
    matches anything)."""
    end = action.position + len(action.uris)
    if length < max(end, known_length + len(action.uris)) or len(window) < len(action.uris):
        return False
    return all(have is None or have == want for have, want in zip(window, action.uris,
                                                                  strict=True))
