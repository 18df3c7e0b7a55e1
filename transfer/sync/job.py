"""One scheduled sync, source -> target, from the lock to the last write.

1. Who the accounts are (remembered from earlier runs where possible), refused when the same.
2. The pair's journal, locked for the whole sync: a second sync of the same pair started
   meanwhile stops at once (``JournalBusy``, exit 73) instead of waiting or overlapping.
3. A run that stopped before it was done (a pause, Ctrl-C, a crash) is resumed first; then a
   new run reads what changed since the last one (:class:`transfer.engine.ChangesReader`) and
   applies the plan on the same engine and journal as a transfer (``RunKind.SYNC``).
4. With ``mirror``, the plan also takes out of the target what the source took out, but only
   what the tool added there; it is refused (``MirrorRefused``) unless ``force`` when the
   source looks emptied or more than ``[sync] max_removal_share`` would go.

Nothing here prompts or prints: the command and the scheduler loop report what
:class:`SyncJob` leaves in :attr:`SyncJob.tally`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from transfer.engine import CallMeter, Engine, PreparedPlan, RunReport
from transfer.engine.incremental import ChangesReader
from transfer.engine.reading import check_accounts
from transfer.errors import TransferError
from transfer.journal import Journal, RunKind
from transfer.models import Account
from transfer.plan import PlanOptions, refusal
from transfer.plan.selection import Selection, load_selection
from transfer.progress import NoProgress, Progress
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now
from transfer.sync.summary import Changes

log = logging.getLogger(__name__)


class MirrorRefused(TransferError):
    """``sync --mirror`` would remove too much of what the tool added: refused without
    ``--force``."""


@dataclass(frozen=True)
class SyncRequest:
    """What one sync is asked to do."""

    mirror: bool = False
    force: bool = False
    full: bool = False
    """Read everything this time instead of only what changed."""
    selection: Selection | None = None
    """A selection given for this sync (it then replaces the one kept for the pair)."""
    now: bool = False
    """Resume a paused run before its time if one probe request is taken (``--now``)."""


@dataclass
class SyncTally:
    """What a sync got done so far: enough to report it however it ended."""

    source: Account | None = None
    target: Account | None = None
    reports: list[RunReport] = field(default_factory=list)
    calls: int = 0
    planned: PreparedPlan | None = None
    changes: Changes = field(default_factory=Changes)
    run_ids: list[int] = field(default_factory=list)
    """The runs this sync resumed or began."""


@dataclass
class SyncJob:
    """One sync between the accounts of ``source`` and ``target``.

    ``options`` are the ``[transfer]`` settings as plan options; ``identify_*`` say who each
    account is and ``open_journal`` opens the journal of the pair. The selection kept for the
    pair (or the one in ``request``, which replaces it) applies over ``options``.
    """

    source: SpotifyAdapter
    target: SpotifyAdapter
    options: PlanOptions
    identify_source: Callable[[], Account]
    identify_target: Callable[[], Account]
    open_journal: Callable[[Account, Account], Journal]
    request: SyncRequest = SyncRequest()
    max_removal_share: float = 0.25
    playlist_pages: int = 4
    progress: Progress = field(default_factory=NoProgress)
    clock: Callable[[], datetime] = utc_now
    tally: SyncTally = field(default_factory=SyncTally)

    def run(self) -> SyncTally:
        meter = CallMeter([self.source, self.target])
        try:
            self._run()
        finally:
            self.tally.calls = sum(meter.delta().values())
        return self.tally

    def _run(self) -> None:
        self.tally.source = source = self.identify_source()
        self.tally.target = target = self.identify_target()
        check_accounts(source, target)
        with self.open_journal(source, target) as journal:
            journal.hold()
            started = self.clock()
            latest = _latest_run_id(journal)
            try:
                self._runs(journal)
            finally:
                self._count(journal, latest, started)

    def _runs(self, journal: Journal) -> None:
        engine = self._engine(journal)
        stopped = engine.unfinished()
        if stopped is not None:
            log.info("Resuming run %d (%s)", stopped.id, stopped.state.value)
            self.tally.run_ids.append(stopped.id)
            self.tally.reports.append(engine.resume(stopped))
        prepared = engine.prepare()
        self.tally.planned = prepared
        self._refuse_suspicious(prepared)
        self.tally.reports.append(engine.apply(prepared))

    def _count(self, journal: Journal, latest: int, started: datetime) -> None:
        """Count what the runs did during this sync (a resumed run's earlier work aside)."""
        newer = [run.id for run in journal.runs(limit=5) if run.id > latest]
        self.tally.run_ids.extend(run_id for run_id in reversed(newer)
                                  if run_id not in self.tally.run_ids)
        for run_id in self.tally.run_ids:
            self.tally.changes.add(record for record in journal.actions(run_id)
                                   if record.updated_at >= started)

    def _engine(self, journal: Journal) -> Engine:
        given = self.request.selection
        selection = given if given is not None else load_selection(journal)
        options = selection.plan_options(self.options).model_copy(
            update={"sync": True, "mirror": self.request.mirror})
        reader = ChangesReader(playlist_pages=self.playlist_pages, full=self.request.full)
        return Engine(target=self.target, journal=journal, source=self.source, options=options,
                      progress=self.progress, clock=self.clock, kind=RunKind.SYNC,
                      reader=reader, selection=selection, try_now=self.request.now)

    def _refuse_suspicious(self, prepared: PreparedPlan) -> None:
        outline = prepared.plan.mirror
        if outline is None or self.request.force:
            return
        reason = refusal(outline, self.max_removal_share)
        if reason is not None:
            raise MirrorRefused(
                f"sync --mirror refused: {reason}.",
                advice="Check the source account. If the removals are meant, run "
                       "`spotify-transfer sync --mirror --force` once.",
            )


def _latest_run_id(journal: Journal) -> int:
    runs = journal.runs(limit=1)
    return runs[0].id if runs else 0
