"""Applying a run's actions to the target, one at a time, each journaled around its request.

For each pending action in plan order: ``mark_sent``, the request, ``mark_done`` (which also
records its effect). A lost answer (``OutcomeUnknown``) is marked unknown and settled by reading
the target before anything is sent again. Spotify refusing one item for good (4xx) marks that
action failed (and the items of a playlist that could not be created) and the run goes on.
Anything that stops the run (a pause, a dropped network, Ctrl-C) leaves the action pending, or
unknown when a write that is not safe to repeat may be on its way.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any

from transfer.engine.calibration import Calibration
from transfer.engine.reconcile import Reconciler
from transfer.errors import OutcomeUnknown, ServerError, SpotifyError
from transfer.journal import ActionRecord, Journal, Outcome
from transfer.journal.counts import action_units
from transfer.models import id_of
from transfer.plan import (
    Action,
    AddPlaylistItems,
    AdoptPlaylist,
    CreatePlaylist,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    UpdatePlaylistDetails,
    UploadCover,
    plain_batches,
)
from transfer.plan.save_order import SaveOrder, arranged
from transfer.progress import Progress
from transfer.spotify import CoverTooLarge, DatesNotSupported, SpotifyAdapter

log = logging.getLogger(__name__)

MAX_UNKNOWN_PER_ACTION = 3
"""Lost answers tolerated for one action in one run before the run stops."""
DATES_REFUSED = (
    "Spotify refused to set the dates of Liked Songs; they are saved oldest first instead, "
    "so their order is kept but not their dates."
)
_UNSAFE = (CreatePlaylist, AddPlaylistItems)
PlaylistWrite = (
    AddPlaylistItems | UploadCover | UpdatePlaylistDetails | RemovePlaylistItems
    | ReplacePlaylistItems
)


class Applier:
    """Executes the pending actions of one journaled run against the target account."""

    def __init__(
        self,
        target: SpotifyAdapter,
        journal: Journal,
        run_id: int,
        progress: Progress,
        warn: Callable[[str], None],
        plan_order: SaveOrder | None = None,
        approve_extra_calls: Callable[[int], bool] = lambda calls: True,
    ) -> None:
        """``plan_order``: the order within one save the plan was made for (None: still to be
        learnt, see :mod:`transfer.engine.calibration`); ``approve_extra_calls`` is asked
        before the run spends more calls than planned to keep that order."""
        self.target = target
        self.journal = journal
        self.run_id = run_id
        self.progress = progress
        self.warn = warn
        self.reconciler = Reconciler(target, journal, run_id)
        self.calibration = Calibration(target, journal, run_id, plan_order, approve_extra_calls,
                                       warn)
        self._copies = {s: link.target_playlist_id for s, link in journal.links().items()}
        self._lost: dict[str, int] = {}

    def settle_unknown(self) -> None:
        """Before sending anything: settle what an earlier attempt left without an answer."""
        for record in self.journal.actions(self.run_id, [Outcome.UNKNOWN, Outcome.SENT]):
            if self.reconciler.settle(record):
                self._advance(record.action)
        self._copies = {s: link.target_playlist_id for s, link in self.journal.links().items()}

    def run(self) -> None:
        self.calibration.catch_up()
        while (record := self.journal.next_pending(self.run_id)) is not None:
            self.calibration.before(record)
            self._step(record)
            self.calibration.after(record)

    def _step(self, record: ActionRecord) -> None:
        try:
            self._send(record.action, record.key)
        except OutcomeUnknown as lost:
            self._lost_answer(record, lost)
        except DatesNotSupported:
            self._without_dates()
        except ServerError:
            self.journal.mark_pending(self.run_id, record.key)
            raise
        except (SpotifyError, CoverTooLarge) as refusal:
            self._refused(record, refusal)
        except KeyboardInterrupt:
            self._stopped(record, interrupted=True)
            raise
        except BaseException:
            self._stopped(record, interrupted=False)
            raise
        else:
            self._advance(record.action)

    def _send(self, action: Action, key: str) -> None:
        if isinstance(action, Skip):
            raise ValueError(f"{key} is a skip: nothing to send")
        sender: dict[type, Callable[[Any, str], None]] = {
            CreatePlaylist: self._create,
            AdoptPlaylist: self._adopt,
            AddPlaylistItems: self._add,
            UploadCover: self._cover,
            UpdatePlaylistDetails: self._details,
            RemovePlaylistItems: self._remove_items,
            ReplacePlaylistItems: self._replace_items,
            SaveLibraryItems: self._save,
            RemoveLibraryItems: self._unsave,
            SaveLikedWithDates: self._save_dated,
        }
        sender[type(action)](action, key)

    def _create(self, action: CreatePlaylist, key: str) -> None:
        self.journal.mark_sent(self.run_id, key)
        playlist_id = self.target.create_playlist(
            action.name, action.description, action.public, action.collaborative
        )
        self.journal.mark_done(self.run_id, key, target_playlist_id=playlist_id)
        self._copies[action.source_playlist_id] = playlist_id

    def _adopt(self, action: AdoptPlaylist, key: str) -> None:
        """No request: the journal records the copy found in the target as the tool's."""
        self.journal.mark_done(self.run_id, key, target_playlist_id=action.target_playlist_id,
                               snapshot_id=action.target_snapshot_id)
        self._copies[action.source_playlist_id] = action.target_playlist_id

    def _add(self, action: AddPlaylistItems, key: str) -> None:
        copy_id = self._copy_of(action)
        self.journal.mark_sent(self.run_id, key)
        snapshot = self.target.add_items(copy_id, action.uris, action.position)
        self.journal.mark_done(self.run_id, key, snapshot_id=snapshot)

    def _cover(self, action: UploadCover, key: str) -> None:
        copy_id = self._copy_of(action)
        if action.jpeg_base64 is not None:
            image = base64.b64decode(action.jpeg_base64)
        else:
            image = self.target.download_image(action.cover_url)
        self.journal.mark_sent(self.run_id, key)
        self.target.upload_cover(copy_id, image)
        self.journal.mark_done(self.run_id, key)

    def _details(self, action: UpdatePlaylistDetails, key: str) -> None:
        copy_id = self._copy_of(action)
        self.journal.mark_sent(self.run_id, key)
        self.target.change_playlist_details(
            copy_id, name=action.name, description=action.description, public=action.public,
            collaborative=action.collaborative,
        )
        self.journal.mark_done(self.run_id, key)

    def _remove_items(self, action: RemovePlaylistItems, key: str) -> None:
        copy_id = self._copy_of(action)
        self.journal.mark_sent(self.run_id, key)
        snapshot = self.target.remove_items(copy_id, action.uris)
        self.journal.mark_done(self.run_id, key, snapshot_id=snapshot)

    def _replace_items(self, action: ReplacePlaylistItems, key: str) -> None:
        copy_id = self._copy_of(action)
        self.journal.mark_sent(self.run_id, key)
        snapshot = self.target.replace_items(copy_id, action.uris)
        self.journal.mark_done(self.run_id, key, snapshot_id=snapshot)

    def _unsave(self, action: RemoveLibraryItems, key: str) -> None:
        self.journal.mark_sent(self.run_id, key)
        self.target.remove_from_library(action.uris)
        self.journal.mark_done(self.run_id, key)

    def _save(self, action: SaveLibraryItems, key: str) -> None:
        self.journal.mark_sent(self.run_id, key)
        self.target.save_to_library(action.uris)
        self.journal.mark_done(self.run_id, key)

    def _save_dated(self, action: SaveLikedWithDates, key: str) -> None:
        self.journal.mark_sent(self.run_id, key)
        self.target.save_tracks_with_dates(
            (id_of(track.uri), track.added_at) for track in action.tracks
        )
        self.journal.mark_done(self.run_id, key)

    def _copy_of(self, action: PlaylistWrite) -> str:
        copy_id = action.target_playlist_id or self._copies.get(action.source_playlist_id)
        if copy_id is None:
            raise SpotifyError(
                f"The copy of {action.playlist_name!r} was never created.", status=0
            )
        return copy_id

    def _lost_answer(self, record: ActionRecord, lost: OutcomeUnknown) -> None:
        self.journal.mark_unknown(self.run_id, record.key, lost.message)
        count = self._lost[record.key] = self._lost.get(record.key, 0) + 1
        if self.reconciler.settle(record):
            self._after_create(record.action)
            self._advance(record.action)
        elif count >= MAX_UNKNOWN_PER_ACTION:
            raise ServerError(
                f"Spotify lost the answer to {record.key} {count} times.", status=0,
                advice="Run the same command again later to resume.",
            )

    def _after_create(self, action: Action) -> None:
        if isinstance(action, CreatePlaylist):
            link = self.journal.links().get(action.source_playlist_id)
            if link is not None:
                self._copies[action.source_playlist_id] = link.target_playlist_id

    def _without_dates(self) -> None:
        dated = [
            record for record in self.journal.actions(self.run_id, [Outcome.PENDING, Outcome.SENT])
            if isinstance(record.action, SaveLikedWithDates)
        ]
        plain = arranged(plain_batches(tuple(r.action for r in dated
                                             if isinstance(r.action, SaveLikedWithDates))),
                         self.calibration.order)
        self.journal.replace_actions(self.run_id, [r.key for r in dated], plain, "dates refused")
        self.journal.set_fact(self.run_id, "dates_refused", True)
        self.warn(DATES_REFUSED)

    def _refused(self, record: ActionRecord, refusal: Exception) -> None:
        self.journal.mark_failed(self.run_id, record.key, str(refusal))
        self.warn(f"Spotify refused {_described(record.action)}: {refusal}")
        if isinstance(record.action, CreatePlaylist):
            self._fail_dependents(record.action.source_playlist_id)

    def _fail_dependents(self, source_playlist_id: str) -> None:
        for record in self.journal.actions(self.run_id, [Outcome.PENDING]):
            if getattr(record.action, "source_playlist_id", None) == source_playlist_id:
                self.journal.mark_failed(self.run_id, record.key,
                                         "its playlist could not be created")

    def _stopped(self, record: ActionRecord, interrupted: bool) -> None:
        """Leave the action as a resumed run must find it."""
        if self.journal.outcome(self.run_id, record.key) is not Outcome.SENT:
            return
        if interrupted and isinstance(record.action, _UNSAFE):
            self.journal.mark_unknown(self.run_id, record.key, "interrupted while sending")
        else:
            self.journal.mark_pending(self.run_id, record.key)

    def _advance(self, action: Action) -> None:
        for group, count in action_units(action):
            self.progress.advance(group, count)


def _described(action: Action) -> str:
    if isinstance(action, CreatePlaylist):
        return f"creating the playlist {action.name!r}"
    if isinstance(action, PlaylistWrite):
        return f"a change to the copy of {action.playlist_name!r}"
    if isinstance(action, SaveLibraryItems | SaveLikedWithDates):
        return f"saving {len(action.uris)} items"
    if isinstance(action, RemoveLibraryItems):
        again = " to save them again in order" if action.redo else ""
        return f"removing {len(action.uris)} items{again}"
    return action.key
