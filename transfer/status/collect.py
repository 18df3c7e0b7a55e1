"""Gathering ``status`` from the journals under ``SPOTIFY_TRANSFER_HOME``, without any request
to Spotify.

For each source -> target journal: the last transfer and sync (as their run report describes
them, rebuilt from the journal, so a run killed outright is described as it stands), the last
undo, and how much of what the tool added is still in the target. A journal that cannot be read
(damaged, of a newer version, unreadable) is reported for its pair; the others are still shown.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from transfer.errors import TransferError
from transfer.journal import Journal, RunKind, RunRecord, RunState
from transfer.models import Account
from transfer.plan.save_order import LEARNT, SaveOrder, learnt_order
from transfer.plan.selection import load_selection
from transfer.report import ReportDocument, build_report, report_files
from transfer.report.html import html_report_path
from transfer.status.document import (
    PairError,
    PairStatus,
    ReportFiles,
    RunStatus,
    StatusDocument,
    UndoStatus,
)
from transfer.status.journals import JournalFile, find_journals

LIVE = "live"


@dataclass(frozen=True)
class StatusContext:
    """Where state lives, the time now, and the settings file given on the command line (so
    the resume commands shown are the exact ones to type)."""

    home: Path
    now: datetime
    config_path: Path | None = None


@dataclass(frozen=True)
class PairView:
    """A pair's status, and the reports of its last transfer and sync (the text of ``status``
    prints them as the end-of-run summary does)."""

    status: PairStatus
    reports: dict[RunKind, ReportDocument] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusView:
    document: StatusDocument
    pairs: list[PairView]


def collect_status(context: StatusContext) -> StatusView:
    pairs = [pair_status(journal, context) for journal in find_journals(context.home)]
    document = StatusDocument(generated_at=context.now, home=str(context.home),
                              pairs=[pair.status for pair in pairs])
    return StatusView(document, pairs)


def pair_status(file: JournalFile, context: StatusContext) -> PairView:
    """One pair's status; a journal that cannot be read gives its error instead of runs."""
    try:
        with Journal.open(file.path) as journal:
            return _read_pair(journal, file, context)
    except TransferError as error:
        status = PairStatus(source=Account(id=file.source_id), target=Account(id=file.target_id),
                            journal=str(file.path),
                            error=PairError(message=error.message, advice=error.advice))
        return PairView(status)


def _read_pair(journal: Journal, file: JournalFile, context: StatusContext) -> PairView:
    undo = _last(journal, RunKind.UNDO)
    runs = {kind: run for kind in (RunKind.TRANSFER, RunKind.SYNC)
            if (run := _last(journal, kind)) is not None}
    reports = {kind: build_report(journal, run.id, context.now) for kind, run in runs.items()}
    statuses = {kind: _run_status(journal, runs[kind], report, undo, context)
                for kind, report in reports.items()}
    latest = max(reports.values(), key=lambda report: report.run.id, default=None)
    selection = load_selection(journal)
    status = PairStatus(
        source=latest.source if latest else Account(id=file.source_id),
        target=latest.target if latest else Account(id=file.target_id),
        journal=str(file.path),
        transfer=statuses.get(RunKind.TRANSFER),
        sync=statuses.get(RunKind.SYNC),
        undo=_undo_status(journal, undo, context) if undo is not None else None,
        in_target=len(journal.added()),
        selection=None if selection.is_empty else selection,
        library_order=_library_order(journal),
    )
    return PairView(status, reports)


def _library_order(journal: Journal) -> SaveOrder | None:
    return learnt_order(journal.learnt(LEARNT))


def _last(journal: Journal, kind: RunKind) -> RunRecord | None:
    runs = journal.runs(kind, limit=1)
    return runs[0] if runs else None


def _run_status(
    journal: Journal,
    run: RunRecord,
    document: ReportDocument,
    undo: RunRecord | None,
    context: StatusContext,
) -> RunStatus:
    info = document.run
    taken_back = undo is not None and undo.id > run.id and undo.state is RunState.DONE
    return RunStatus(
        **_timing(journal, run, context, complete=info.complete, mirror=document.options.mirror),
        kind=run.kind, complete=info.complete, origin=run.origin,
        taken_back_by=undo.id if taken_back and undo is not None else None,
        summary=document.summary, categories=document.categories, skipped=document.skipped,
        failures=document.failures, api_calls=document.api_calls.total,
        report=_report_files(context.home, run),
    )


def _undo_status(journal: Journal, run: RunRecord, context: StatusContext) -> UndoStatus:
    totals = {"done": 0, "removed": 0, "left": 0, "failed": 0}
    for columns in run.counts.values():
        for column in totals:
            totals[column] += columns.get(column, 0)
    # Undo runs journaled before removals had a column of their own counted them as done.
    return UndoStatus(**_timing(journal, run, context, complete=totals["failed"] == 0),
                      removed=totals["removed"] + totals["done"], left=totals["left"],
                      failed=totals["failed"])


def _timing(journal: Journal, run: RunRecord, context: StatusContext, complete: bool,
            mirror: bool = False) -> dict[str, Any]:
    in_progress = run.state is RunState.RUNNING and journal.in_progress_elsewhere()
    stopped = run.state is not RunState.DONE and not in_progress
    if run.state is RunState.PAUSED and run.resume_at is not None:
        may_resume_now = run.resume_at <= context.now
    else:
        may_resume_now = stopped
    wants_command = stopped or (run.state is RunState.DONE and not complete)
    return {
        "id": run.id, "state": run.state, "in_progress": in_progress,
        "killed": run.state is RunState.RUNNING and not in_progress,
        "started_at": run.started_at, "ended_at": run.ended_at, "resume_at": run.resume_at,
        "may_resume_now": may_resume_now, "message": run.message,
        "resume_command": (resume_command(run, context.config_path, mirror) if wants_command
                           else None),
    }


def resume_command(run: RunRecord, config_path: Path | None = None, mirror: bool = False
                   ) -> str:
    """The exact command that takes ``run`` up again (or retries what failed): with the
    settings file given, the snapshot a transfer was planned from, ``--mirror`` for a mirror
    sync."""
    words = ["spotify-transfer"]
    if config_path is not None:
        words += ["--config", str(config_path)]
    words.append(run.kind.value)
    if run.kind is RunKind.TRANSFER and run.origin != LIVE:
        words += ["--from-snapshot", run.origin]
    if run.kind is RunKind.SYNC and mirror:
        words.append("--mirror")
    return shlex.join(words)


def _report_files(home: Path, run: RunRecord) -> ReportFiles | None:
    mine = [path for path in report_files(home, run.source_id, run.target_id)
            if path.name.startswith(f"{run.id}-")]
    if not mine:
        return None
    html = html_report_path(mine[-1])
    return ReportFiles(json_file=str(mine[-1]), html_file=str(html) if html.exists() else None)
