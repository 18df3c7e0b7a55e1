"""Work the app runs in the server, one job at a time: a transfer (read, plan, wait for the
person's go, apply) or an undo (preview, wait, remove), with its progress for the page.

A job goes on when the browser tab is closed: the page shows it again when reopened. A pause by
Spotify (``RateLimited``: the CLI's exit 75) is waited out in the job, with the time it ends
shown as a countdown, and the run is resumed from the journal as ``transfer`` would. A killed
server leaves the run in the journal: the next ``app`` offers to resume it.

The work is the CLI's own: :func:`transfer.commands.pair.open_pair`, ``make_engine``,
``Engine.prepare/apply/resume``, ``write_reports``; :class:`transfer.undo.Undo`.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from transfer.environment import Environment
from transfer.errors import RateLimited, TransferError
from transfer.journal import JournalBusy
from transfer.plan.selection import Selection
from transfer.progress import LABELS

log = logging.getLogger(__name__)

READING = "reading"
PLANNED = "planned"
STOPPED = "stopped"
RUNNING = "running"
PAUSED = "paused"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
BUSY = "busy"
ENDED = (DONE, FAILED, CANCELLED, BUSY)
ANOTHER_RUN = ("Another run between these accounts is going on (a transfer, sync or undo "
               "started from a terminal or a schedule). Wait for it to end, then try again.")


class WebProgress:
    """The engine's :class:`transfer.progress.Progress`, kept for the page (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, dict[str, Any]] = {}

    def begin(self, category: str, total: int | None = None) -> None:
        with self._lock:
            self._rows[category] = {"category": category,
                                    "label": LABELS.get(category, category),
                                    "done": 0, "total": total, "ended": False}

    def set_total(self, category: str, total: int) -> None:
        with self._lock:
            if category in self._rows:
                self._rows[category]["total"] = total

    def advance(self, category: str, count: int = 1) -> None:
        with self._lock:
            if category in self._rows:
                self._rows[category]["done"] += count

    def end(self, category: str) -> None:
        with self._lock:
            if category in self._rows:
                self._rows[category]["ended"] = True

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(row) for row in self._rows.values()]


@dataclass
class Job:
    """A transfer or undo going on in a thread; ``view`` is what the page shows of it."""

    kind: str
    phase: str = READING
    message: str | None = None
    advice: str | None = None
    resume_at: datetime | None = None
    run_id: int | None = None
    progress: WebProgress = field(default_factory=WebProgress)
    result: Any = None
    """What the page of a planned job shows (a ``PlanDocument``, an undo preview)."""
    report: Any = None
    """How it ended (a ``ReportDocument``, an ``UndoReport``)."""
    report_html: Path | None = None
    pauses: int = 0
    _go: threading.Event = field(default_factory=threading.Event)
    _cancel: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ended(self) -> bool:
        return self.phase in ENDED

    def go(self) -> None:
        self._go.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._go.set()

    def view(self) -> dict[str, Any]:
        left = None
        if self.phase == PAUSED and self.resume_at is not None:
            left = max(0, round((self.resume_at - datetime.now(UTC)).total_seconds()))
        return {"kind": self.kind, "phase": self.phase, "message": self.message,
                "advice": self.advice, "seconds_left": left, "run_id": self.run_id,
                "resume_at": self.resume_at.isoformat() if self.resume_at else None,
                "progress": self.progress.rows(), "pauses": self.pauses}

    def start(self, work: Callable[[Job], None]) -> None:
        def body() -> None:
            try:
                work(self)
            except JournalBusy:
                self._end(BUSY, ANOTHER_RUN)
            except RateLimited as error:  # a pause the job could not wait out
                self.resume_at = error.resume_at
                self._end(FAILED, error.message, "Open this page again later to resume.")
            except TransferError as error:
                self._end(FAILED, error.message, error.advice)
            except Exception as error:  # the server goes on; the page says what happened
                log.exception("The %s job failed", self.kind)
                self._end(FAILED, f"Unexpected error: {error}")

        threading.Thread(target=body, daemon=True, name=f"job-{self.kind}").start()

    def _end(self, phase: str, message: str | None = None, advice: str | None = None) -> None:
        self.message, self.advice, self.phase = message, advice, phase

    def wait_for_go(self, phase: str) -> bool:
        """Show ``phase`` and wait for the person; False when they cancelled."""
        self.phase = phase
        self._go.wait()
        if self._cancel.is_set():
            self.phase = CANCELLED
            self.message = "Cancelled: nothing was changed."
            return False
        return True

    def run_through_pauses(self, start: Callable[[], Any], resume: Callable[[], Any]) -> Any:
        """``start()``, and after each pause by Spotify, once its time is over, ``resume()``."""
        attempt = start
        while True:
            self.phase = RUNNING
            try:
                return attempt()
            except RateLimited as pause:
                self.pauses += 1
                self.resume_at = pause.resume_at
                self.phase = PAUSED
                self.message = pause.message
                wait = (pause.resume_at - datetime.now(UTC)).total_seconds()
                if self._cancel.wait(max(0.0, wait) + 0.5):
                    self.phase = FAILED
                    self.message = "Stopped while paused; the run resumes when started again."
                    return None
                self.message = None
                attempt = resume


def transfer_work(env: Environment, source_file: Path | None, chosen: Selection | None
                  ) -> Callable[[Job], None]:
    """A transfer as ``spotify-transfer transfer`` runs it: resume a stopped run (after the
    person's go), else read, plan, wait for the go, apply; then the reports."""
    from transfer.commands.pair import (
        make_engine,
        open_journal,
        open_pair,
        use_source_file,
        write_reports,
    )
    from transfer.plan.selection import load_selection
    from transfer.render import plan_document
    from transfer.report import build_report
    from transfer.report.files import utc_now

    def work(job: Job) -> None:
        pair = open_pair(env, source_file)
        with open_journal(env.settings, pair) as journal:
            if journal.in_progress_elsewhere():
                job._end(BUSY, ANOTHER_RUN)
                return
            selection = chosen if chosen is not None else load_selection(journal)
            engine = make_engine(env, pair, journal, selection)
            engine.progress = job.progress
            stopped = engine.unfinished()
            if stopped is not None:
                job.run_id = stopped.id
                job.result = journal.plan_of(stopped.id)
                if not job.wait_for_go(STOPPED):
                    return
                report = job.run_through_pauses(lambda: engine.resume(stopped),
                                                lambda: _resume(engine))
            else:
                use_source_file(env, engine, pair, match=False, stream=io.StringIO())
                prepared = engine.prepare()
                job.result = plan_document(prepared.plan, utc_now(), prepared.reads,
                                           prepared.origin, selection)
                if not job.wait_for_go(PLANNED):
                    return
                if prepared.plan.is_empty:
                    job._end(DONE, "Nothing to do: the target has everything chosen.")
                    return
                report = job.run_through_pauses(lambda: engine.apply(prepared),
                                                lambda: _resume(engine))
            if report is None:
                return
            job.run_id = report.run_id
            document = build_report(journal, report.run_id, utc_now(), resumed=report.resumed,
                                    warnings=report.warnings)
            _, job.report_html = write_reports(env.settings.home, document)
            job.report = document
            job.phase = DONE

    return work


def _resume(engine: Any) -> Any:
    stopped = engine.unfinished()
    if stopped is None:
        raise TransferError("The paused run is gone from the journal.",
                            advice="Open the Transfer page again to plan anew.")
    return engine.resume(stopped)


def undo_work(env: Environment, journal_file: Path) -> Callable[[Job], None]:
    """``spotify-transfer undo`` for one pair: preview, wait for the go, remove."""
    from transfer.journal import Journal
    from transfer.undo import Undo, render_undo_plan

    def work(job: Job) -> None:
        target = env.adapter("target")
        target.me()
        with Journal.open(journal_file) as journal:
            if journal.in_progress_elsewhere():
                job._end(BUSY, ANOTHER_RUN)
                return
            undo = Undo(target=target, journal=journal, progress=job.progress)
            stopped = undo.unfinished()
            if stopped is not None:
                job.result = {"text": f"Undo run {stopped.id} stopped before it was done.",
                              "items": undo.items_of(stopped.id), "empty": False}
                if not job.wait_for_go(STOPPED):
                    return
                report = job.run_through_pauses(lambda: undo.resume(stopped),
                                                lambda: _resume_undo(undo))
            else:
                prepared = undo.prepare()
                job.result = {"text": render_undo_plan(prepared.plan, prepared.items,
                                                       prepared.reads, prepared.stopped, True),
                              "items": prepared.items, "empty": prepared.plan.is_empty}
                if not job.wait_for_go(PLANNED):
                    return
                report = job.run_through_pauses(lambda: undo.apply(prepared),
                                                lambda: _resume_undo(undo))
            job.report = report
            job.phase = DONE
            if report is not None and report.failures:
                job.message = f"Spotify refused {len(report.failures)} removal(s)."
                job.advice = "Undo again to retry them."

    return work


def _resume_undo(undo: Any) -> Any:
    stopped = undo.unfinished()
    if stopped is None:
        raise TransferError("The paused undo is gone from the journal.")
    return undo.resume(stopped)
