"""Read, diff, apply: a transfer (or sync) run from start to end, resumable at any moment.

``prepare`` reads both accounts and computes the plan without writing anything (what ``plan``
shows). ``apply`` journals that very plan as a new run and executes it. ``resume`` takes up the
latest run that stopped before it was done: it does not read the libraries again, it settles
the writes whose answer was lost and sends what is left, so resuming costs little.
A pause (``RateLimited``) is journaled with the time to resume and re-raised, as are Ctrl-C
(the run is ``interrupted``) and any other error (``failed``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from transfer.engine.apply import Applier
from transfer.engine.marks import MARKS_FACT
from transfer.engine.reading import (
    FullReader,
    LibraryReader,
    ReadJob,
    SnapshotReader,
    check_accounts,
)
from transfer.engine.reconcile import TARGET_PLAYLISTS_FACT
from transfer.errors import JournalError, RateLimited, TransferError
from transfer.export import load_snapshot
from transfer.journal import (
    ActionRecord,
    Journal,
    JournalBusy,
    JournalGone,
    Outcome,
    RunKind,
    RunRecord,
    RunState,
)
from transfer.journal.counts import action_units
from transfer.models import Library
from transfer.plan import Plan, PlanOptions, PlaylistChange, SkipReason, diff
from transfer.plan.save_order import LEARNT, SaveOrder, learnt_order
from transfer.plan.selection import SELECTION_FACT, Selection
from transfer.progress import NoProgress, Progress
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now

log = logging.getLogger(__name__)

LIVE = "live"
KEPT_MARKS = 5
"""Runs that keep their marks of the source; only the latest is read, the others are a margin
for runs that did not end done."""


@dataclass(frozen=True)
class PreparedPlan:
    """A plan with what it took to make it: where the source came from, the reads it cost."""

    plan: Plan
    origin: str
    reads: dict[str, int]
    target_playlist_ids: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    """What the run keeps once begun (e.g. the marks the next sync reads from)."""
    planned_after: int | None = None
    """The journal's latest run when reading began: a run begun since makes the plan stale."""


@dataclass(frozen=True)
class RunReport:
    """How a run ended: its counts per category, the API calls it used, what failed."""

    run_id: int
    kind: RunKind
    state: RunState
    resumed: bool
    plan: Plan
    counts: dict[str, dict[str, int]]
    calls: dict[str, int]
    failures: tuple[ActionRecord, ...] = ()
    warnings: tuple[str, ...] = ()


class CallMeter:
    """API calls the adapters made since the meter was made, per ``"METHOD /template"``."""

    def __init__(self, adapters: Iterable[SpotifyAdapter | None]) -> None:
        self._adapters = [adapter for adapter in adapters if adapter is not None]
        self._start = self._total()

    def _total(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for adapter in self._adapters:
            for (method, template), count in adapter.calls.items():
                total[f"{method} {template}"] += count
        return total

    def delta(self) -> dict[str, int]:
        return dict(sorted((self._total() - self._start).items()))


@dataclass
class Engine:
    """The transfer engine for one source -> target pair and its journal.

    The source is live (``source``) or an earlier export (``snapshot``). Progress is reported
    per category through ``progress``; warnings go to the log and into the report. A command
    uses it so::

        stopped = engine.unfinished()
        if stopped is not None:          # show journal.plan_of(stopped.id), then
            report = engine.resume(stopped)
        else:                            # show prepared.plan, confirm, then
            report = engine.apply(engine.prepare())
    """

    target: SpotifyAdapter
    journal: Journal
    source: SpotifyAdapter | None = None
    snapshot: Path | None = None
    source_library: Library | None = None
    """The library read from ``snapshot`` (any format ``transfer.sources`` reads), when the
    command read it already; else the snapshot is loaded when a plan is made."""
    options: PlanOptions = field(default_factory=PlanOptions)
    progress: Progress = field(default_factory=NoProgress)
    clock: Callable[[], datetime] = utc_now
    kind: RunKind = RunKind.TRANSFER
    reader: LibraryReader = field(default_factory=FullReader)
    """How much of the libraries a plan reads (a sync passes one that reads only changes)."""
    selection: Selection | None = None
    """The selection ``options`` were made with, kept with each run begun so the next one
    follows it (:mod:`transfer.plan.selection`); None keeps nothing."""
    approve_extra_calls: Callable[[int], bool] = lambda calls: True
    """Asked, with the number of calls, before a run spends more calls than its plan to keep
    the order of saved items (Spotify's order within one save turned out arbitrary: see
    :mod:`transfer.engine.calibration`); a no stops the run with ``Declined``."""
    try_now: bool = False
    """Resume a paused run before the time Spotify gave, if one probe request shows it takes
    requests again (``--now``)."""

    def __post_init__(self) -> None:
        if (self.source is None) == (self.snapshot is None):
            raise ValueError("an engine reads its source live or from a snapshot, one of them")

    # -- planning ---------------------------------------------------------------------------

    def unfinished(self) -> RunRecord | None:
        """The run to resume before planning anew, if the last transfer or sync stopped early
        (either kind: both write to the same target, and what one left in doubt must be
        settled before the other plans)."""
        return self.journal.unfinished_run([RunKind.TRANSFER, RunKind.SYNC])

    def prepare(self) -> PreparedPlan:
        """Read both accounts and compute the plan. Makes no write request."""
        meter = CallMeter([self.source, self.target])
        planned_after = self.journal.latest_run_id()
        reader = self._reader()
        job = ReadJob(self.source, self.target, self.options, self.journal, self.progress)
        libraries = reader.read(job)
        links = self.journal.links()
        options = self.options.model_copy(update={"library_order": self._learnt_order()})
        plan = diff(libraries.source, libraries.target, options, links, libraries.mirror,
                    fresh_journal=planned_after == 0 and not links)
        origin = LIVE if self.snapshot is None else str(self.snapshot)
        facts = dict(libraries.facts(plan))
        if self.selection is not None:
            facts[SELECTION_FACT] = self.selection.fact()
        return PreparedPlan(plan, origin, meter.delta(), libraries.target_playlist_ids,
                            facts, planned_after)

    def _learnt_order(self) -> SaveOrder | None:
        return learnt_order(self.journal.learnt(LEARNT))

    def _reader(self) -> LibraryReader:
        if self.source_library is not None:
            return SnapshotReader(self.source_library)
        if self.snapshot is not None:
            return SnapshotReader(load_snapshot(self.snapshot))
        assert self.source is not None
        check_accounts(self.source.me(), self.target.me())
        return self.reader

    # -- applying ---------------------------------------------------------------------------

    def apply(self, prepared: PreparedPlan) -> RunReport:
        """Journal ``prepared.plan`` as a new run and execute it. Refused while an earlier run
        stopped early: its lost answers must be settled first (``resume``); while an undo is
        half done (the target is then half taken back); and when another run began after the
        plan was read (``StalePlan``: the target may have changed under it)."""
        stopped = self.unfinished()
        if stopped is not None and self.journal.in_progress_elsewhere():
            raise JournalBusy(
                f"Run {stopped.id} is going on in another spotify-transfer process.",
                "Wait for it to finish; two runs between the same accounts never overlap.",
            )
        if stopped is not None:
            raise TransferError(
                f"Run {stopped.id} stopped before it was done ({stopped.state.value}).",
                advice="Resume it first: run the same command again.",
            )
        undoing = self.journal.unfinished_run([RunKind.UNDO])
        if undoing is not None:
            raise TransferError(
                f"Undo run {undoing.id} stopped before it was done ({undoing.state.value}).",
                advice="Finish it first: run `spotify-transfer undo` again.",
            )
        run_id = self.journal.begin_run(self.kind, prepared.plan, prepared.origin,
                                        planned_after=prepared.planned_after)
        self.journal.set_fact(run_id, TARGET_PLAYLISTS_FACT, list(prepared.target_playlist_ids))
        for name, value in prepared.facts.items():
            self.journal.set_fact(run_id, name, value)
        if MARKS_FACT in prepared.facts:
            self.journal.keep_latest_fact(MARKS_FACT, KEPT_MARKS)
        if SELECTION_FACT in prepared.facts:
            self.journal.keep_latest_fact(SELECTION_FACT, 1)
        self.journal.add_calls(run_id, prepared.reads)
        return self._execute(run_id, prepared.plan, resumed=False)

    def resume(self, run: RunRecord) -> RunReport:
        """Take up a run that stopped: settle lost answers, then send what is left."""
        now = self.clock()
        if run.state is RunState.PAUSED and run.resume_at is not None and run.resume_at > now:
            if not self.try_now:
                wait = (run.resume_at - now).total_seconds()
                raise RateLimited(
                    f"Spotify asked to wait before the run may go on ({wait:.0f} s left).",
                    retry_after=wait, resume_at=run.resume_at,
                )
            self._probe(run)
        sent_at = self.journal.resume_run(run.id)
        if sent_at is not None:
            self.target.let_land_since(sent_at, self.clock())
        return self._execute(run.id, self.journal.plan_of(run.id), resumed=True)

    def _probe(self, run: RunRecord) -> None:
        """One request, before the time to resume: refused, the run stays paused until the
        new time Spotify gives (and the call is counted with the run)."""
        meter = CallMeter([self.source, self.target])
        try:
            self.target.probe()
        except RateLimited as pause:
            log.info("Run %d: Spotify still asks to wait (%s)", run.id, pause.message)
            self._close(run.id, meter, RunState.PAUSED, pause.resume_at, pause.message)
            raise
        self.journal.add_calls(run.id, meter.delta())

    def run(self) -> RunReport:
        """Resume the unfinished run if there is one, else plan and apply."""
        unfinished = self.unfinished()
        if unfinished is not None:
            return self.resume(unfinished)
        return self.apply(self.prepare())

    def _execute(self, run_id: int, plan: Plan, resumed: bool) -> RunReport:
        meter = CallMeter([self.source, self.target])
        warnings: list[str] = []
        applier = Applier(self.target, self.journal, run_id, self.progress,
                          lambda text: _warn(warnings, text), plan.options.library_order,
                          self.approve_extra_calls)
        groups = self._begin_progress(run_id)
        try:
            applier.settle_unknown()
            applier.run()
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
        self._record_synced(run_id, plan)
        self._close(run_id, meter, RunState.DONE)
        return self._report(run_id, plan, resumed, warnings)

    def _begin_progress(self, run_id: int) -> list[str]:
        totals: Counter[str] = Counter()
        open_outcomes = [Outcome.PENDING, Outcome.SENT, Outcome.UNKNOWN]
        for record in self.journal.actions(run_id, open_outcomes):
            for group, count in action_units(record.action):
                totals[group] += count
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
        except JournalError as error:
            if state is RunState.DONE:
                raise
            if isinstance(error, JournalGone):
                return  # the error that stopped the run says so already
            log.warning("The journal could not record how run %d ended: %s", run_id,
                        error.message)

    def _record_synced(self, run_id: int, plan: Plan) -> None:
        """Copies holding all of their source's snapshot: the next run need not read them."""
        unsettled = {
            getattr(record.action, "source_playlist_id", None)
            for record in self.journal.actions(run_id)
            if not record.outcome.settled
        }
        links = self.journal.links()
        for outline in plan.playlists:
            carried = outline.change in (PlaylistChange.CREATE, PlaylistChange.UPDATE) or (
                outline.skip_reason in (SkipReason.UP_TO_DATE, SkipReason.NOT_MIRRORED))
            if carried and outline.source_id in links and outline.source_id not in unsettled:
                self.journal.record_synced(outline.source_id, outline.snapshot_id)

    def _report(self, run_id: int, plan: Plan, resumed: bool, warnings: list[str]) -> RunReport:
        run = self.journal.run(run_id)
        failures = tuple(self.journal.actions(run_id, [Outcome.FAILED]))
        return RunReport(run_id=run_id, kind=run.kind, state=run.state, resumed=resumed, plan=plan,
                         counts=run.counts, calls=run.calls, failures=failures,
                         warnings=tuple(warnings))


def _warn(warnings: list[str], text: str) -> None:
    log.warning("%s", text)
    warnings.append(text)
