"""Transfer and sync runs that stopped before they were done, as ``undo`` meets them.

Such a run may have sent a write whose answer never came back: a playlist may exist, or items
be saved, that the journal does not list as added. Before planning, ``undo`` settles those
writes by reading the target (through the engine's own checks), so what landed is taken back
too. Only these can be in doubt: the writes left ``sent`` or ``unknown``, and the first one left
``pending`` (a run sends in plan order, and the write it was sending when it stopped goes back
to ``pending`` when it is safe to repeat).

Once the undo is confirmed, those runs are closed: what they had not done is set aside, so a
later ``transfer`` plans afresh instead of resuming a plan that was taken back.
"""

from __future__ import annotations

import logging

from transfer.engine.reconcile import Reconciler
from transfer.journal import ActionRecord, Journal, Outcome, RunKind, RunRecord, RunState
from transfer.plan import CreatePlaylist, SaveLibraryItems, SaveLikedWithDates
from transfer.spotify import SpotifyAdapter

log = logging.getLogger(__name__)

OPEN_OUTCOMES = (Outcome.PENDING, Outcome.SENT, Outcome.UNKNOWN)
TAKEN_BACK = "taken back by undo"
CLOSED_MESSAGE = "closed by undo: what it had done was taken back; what it had left was not sent"
_ADDING = (CreatePlaylist, SaveLibraryItems, SaveLikedWithDates)


def stopped_runs(journal: Journal) -> list[RunRecord]:
    """The transfer and sync runs that stopped before they were done (at most one of each)."""
    runs = (journal.unfinished_run([kind]) for kind in (RunKind.TRANSFER, RunKind.SYNC))
    return [run for run in runs if run is not None]


def in_doubt(records: list[ActionRecord]) -> list[ActionRecord]:
    """The writes of a stopped run (its open actions, in plan order) that may have landed."""
    doubtful = [record for record in records if record.outcome is not Outcome.PENDING]
    first_pending = next((r for r in records if r.outcome is Outcome.PENDING), None)
    if first_pending is not None:
        doubtful.append(first_pending)
    return sorted(doubtful, key=lambda record: record.seq)


def settle_in_doubt(journal: Journal, target: SpotifyAdapter, runs: list[RunRecord]) -> int:
    """Read the target to learn whether the writes in doubt of ``runs`` landed; what did is
    recorded as done (and so as added). Returns how many were settled as landed."""
    landed = 0
    for run in runs:
        reconciler = Reconciler(target, journal, run.id)
        for record in in_doubt(journal.actions(run.id, OPEN_OUTCOMES)):
            if isinstance(record.action, _ADDING) and reconciler.settle(record):
                landed += 1
    if landed:
        log.info("%d write(s) of stopped runs had landed; they are taken back too", landed)
    return landed


def close_stopped(journal: Journal, runs: list[RunRecord]) -> None:
    """Set aside what the stopped runs had left and mark them done with ``CLOSED_MESSAGE``."""
    for run in runs:
        keys = [record.key for record in journal.actions(run.id, OPEN_OUTCOMES)]
        journal.replace_actions(run.id, keys, (), TAKEN_BACK)
        journal.finish_run(run.id, RunState.DONE, message=CLOSED_MESSAGE)
