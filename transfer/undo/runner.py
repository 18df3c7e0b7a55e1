"""An undo run from start to end, journaled like a transfer and resumable at any moment.

``prepare`` settles the writes in doubt of stopped runs (reads only) and computes the undo
plan. ``apply`` closes the stopped runs, journals the plan as a ``RunKind.UNDO`` run and sends
each removal between ``mark_sent`` and ``mark_done`` (which records, in the same transaction,
that the items are no longer the tool's to remove). Removing is safe to repeat, so ``resume``
simply sends again what was left, sent or unknown. A pause (``RateLimited``), Ctrl-C and any
other error close the run as paused, interrupted or failed and are raised again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from transfer.engine import CallMeter
from transfer.errors import JournalError, RateLimited, ServerError, SpotifyError, TransferError
from transfer.journal import (
    ActionRecord,
    Journal,
    JournalBusy,
    Outcome,
    RunKind,
    RunRecord,
    RunState,
)
from transfer.journal.counts import action_units
from transfer.models import Account
from transfer.plan import Plan, RemoveLibraryItems
from transfer.progress import NoProgress, Progress
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now
from transfer.undo.items import UndoItem, items_to_take_back
from transfer.undo.planning import UNDO_ITEMS_FACT, undo_plan
from transfer.undo.stopped import OPEN_OUTCOMES, close_stopped, settle_in_doubt, stopped_runs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedUndo:
    """An undo plan, the items it takes back, the reads it cost, the stopped runs it closes."""

    plan: Plan
    items: tuple[UndoItem, ...]
    reads: dict[str, int]
    stopped: tuple[RunRecord, ...] = ()


@dataclass(frozen=True)
class UndoReport:
    """How an undo run ended."""

    run_id: int
    state: RunState
    resumed: bool
    items: tuple[UndoItem, ...]
    removed: frozenset[str]
    failures: tuple[ActionRecord, ...]
    calls: dict[str, int]

    @property
    def complete(self) -> bool:
        return self.state is RunState.DONE and not self.failures


@dataclass
class Undo:
    """Takes back what the tool added to the target of one journal (one source -> target pair).

    Used like the engine::

        stopped = undo.unfinished()
        report = undo.resume(stopped) if stopped else undo.apply(undo.prepare())
    """

    target: SpotifyAdapter
    journal: Journal
    progress: Progress = field(default_factory=NoProgress)
    clock: Callable[[], datetime] = utc_now

    def unfinished(self) -> RunRecord | None:
        """The undo run to resume, if the last one stopped early."""
        return self.journal.unfinished_run([RunKind.UNDO])

    def prepare(self) -> PreparedUndo:
        """Settle what stopped runs left in doubt, then plan. Reads only."""
        self._refuse_while_busy()
        meter = CallMeter([self.target])
        target = self.target.me()
        stopped = stopped_runs(self.journal)
        settle_in_doubt(self.journal, self.target, stopped)
        items = items_to_take_back(self.journal)
        plan = undo_plan(self._source_account(), target, items)
        return PreparedUndo(plan, tuple(items), meter.delta(), tuple(stopped))

    def apply(self, prepared: PreparedUndo) -> UndoReport | None:
        """Close the stopped runs and take the items back; None when there was nothing to take
        back (no run is journaled then)."""
        stopped = self.unfinished()
        if stopped is not None:
            raise TransferError(
                f"Undo run {stopped.id} stopped before it was done ({stopped.state.value}).",
                advice="Resume it first: run `spotify-transfer undo` again.",
            )
        self._refuse_while_busy()
        close_stopped(self.journal, list(prepared.stopped))
        if prepared.plan.is_empty:
            return None
        run_id = self.journal.begin_run(RunKind.UNDO, prepared.plan)
        self.journal.set_fact(run_id, UNDO_ITEMS_FACT,
                              [item.model_dump(mode="json") for item in prepared.items])
        self.journal.add_calls(run_id, prepared.reads)
        return self._execute(run_id, resumed=False)

    def resume(self, run: RunRecord) -> UndoReport:
        """Take up an undo run that stopped: send again whatever it had not finished."""
        now = self.clock()
        if run.state is RunState.PAUSED and run.resume_at is not None and run.resume_at > now:
            wait = (run.resume_at - now).total_seconds()
            raise RateLimited(
                f"Spotify asked to wait before the undo may go on ({wait:.0f} s left).",
                retry_after=wait, resume_at=run.resume_at,
            )
        self.journal.resume_run(run.id)
        return self._execute(run.id, resumed=True)

    def items_of(self, run_id: int) -> tuple[UndoItem, ...]:
        """The items an undo run takes back, as it recorded them when it began."""
        listed = self.journal.facts(run_id).get(UNDO_ITEMS_FACT, [])
        return tuple(UndoItem.model_validate(item) for item in listed)

    def _refuse_while_busy(self) -> None:
        if self.journal.in_progress_elsewhere():
            raise JournalBusy(
                "Another spotify-transfer run is using this journal right now.",
                "Wait for it to finish (or stop it), then run undo again.",
            )

    def _source_account(self) -> Account:
        runs = [run for run in self.journal.runs(limit=50) if run.kind is not RunKind.UNDO]
        if not runs:
            latest = self.journal.runs(limit=1)
            return Account(id=latest[0].source_id) if latest else Account(id="unknown")
        return self.journal.plan_of(runs[0].id).source

    def _execute(self, run_id: int, resumed: bool) -> UndoReport:
        meter = CallMeter([self.target])
        groups = self._begin_progress(run_id)
        try:
            for record in self.journal.actions(run_id, OPEN_OUTCOMES):
                self._remove(run_id, record)
        except RateLimited as pause:
            self._close(run_id, meter, RunState.PAUSED, pause.resume_at, pause.message)
            raise
        except KeyboardInterrupt:
            self._close(run_id, meter, RunState.INTERRUPTED, message="interrupted")
            raise
        except BaseException as error:
            self._close(run_id, meter, RunState.FAILED, message=str(error) or type(error).__name__)
            raise
        finally:
            for group in groups:
                self.progress.end(group)
        self._close(run_id, meter, RunState.DONE)
        return self._report(run_id, resumed)

    def _remove(self, run_id: int, record: ActionRecord) -> None:
        action = record.action
        if not isinstance(action, RemoveLibraryItems):
            raise TransferError(f"Undo run {run_id} holds {record.key!r}, which undo never sends.")
        self.journal.mark_sent(run_id, record.key)
        try:
            self.target.remove_from_library(action.uris)
        except ServerError:
            raise
        except SpotifyError as refusal:
            self.journal.mark_failed(run_id, record.key, str(refusal))
            log.warning("Spotify refused to remove %d items: %s", len(action.uris), refusal)
            return
        self.journal.mark_done(run_id, record.key)
        for group, count in action_units(action):
            self.progress.advance(group, count)

    def _begin_progress(self, run_id: int) -> list[str]:
        totals: dict[str, int] = {}
        for record in self.journal.actions(run_id, OPEN_OUTCOMES):
            for group, count in action_units(record.action):
                totals[group] = totals.get(group, 0) + count
        for group, total in totals.items():
            self.progress.begin(group, total)
        return list(totals)

    def _close(
        self,
        run_id: int,
        meter: CallMeter,
        state: RunState,
        resume_at: datetime | None = None,
        message: str | None = None,
    ) -> None:
        try:
            self.journal.add_calls(run_id, meter.delta())
            self.journal.finish_run(run_id, state, resume_at=resume_at, message=message)
        except JournalError:
            if state is RunState.DONE:
                raise
            log.exception("The journal could not record how undo run %d ended", run_id)

    def _report(self, run_id: int, resumed: bool) -> UndoReport:
        records = self.journal.actions(run_id)
        removed = frozenset(uri for record in records if record.outcome is Outcome.DONE
                            for uri in getattr(record.action, "uris", ()))
        failures = tuple(record for record in records if record.outcome is Outcome.FAILED)
        run = self.journal.run(run_id)
        return UndoReport(run_id=run_id, state=run.state, resumed=resumed,
                          items=self.items_of(run_id), removed=removed, failures=failures,
                          calls=run.calls)
