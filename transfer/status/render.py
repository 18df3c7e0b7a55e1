"""``status`` as text: per pair, the last transfer and sync (how it ended, what moved, what did
not and why, when and how a stopped run resumes) and the last undo."""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

from transfer.journal import RunKind, RunState
from transfer.models import Account
from transfer.plan.selection import described
from transfer.render.safe import safe_name
from transfer.render.words import local_time, number, plural, resume_time
from transfer.report import ReportDocument, render_summary
from transfer.status.collect import PairView, StatusView
from transfer.status.document import PairStatus, RunStatus, RunTiming, UndoStatus

NOTHING_YET = "Nothing yet: no transfer, sync or undo has run (no journal in {folder})."


def render_status(view: StatusView, full: bool = False) -> str:
    document = view.document
    if not document.pairs:
        return NOTHING_YET.format(folder=f"{document.home}/journals") + "\n"
    pairs = [_pair(pair, document.generated_at, full) for pair in view.pairs]
    return "\n\n".join(pairs) + "\n"


def _pair(view: PairView, now: datetime, full: bool) -> str:
    pair = view.status
    heading = f"{_account(pair.source)} → {_account(pair.target)}"
    if pair.error is not None:
        advice = f"\n    {pair.error.advice}" if pair.error.advice else ""
        return f"{heading}\n  ! {pair.error.message}{advice}"
    sections = [
        heading,
        _run("Transfer", pair.transfer, view.reports.get(RunKind.TRANSFER), now, full),
        _run("Sync", pair.sync, view.reports.get(RunKind.SYNC), now, full),
        _undo(pair.undo, now),
        _in_target(pair),
        _selection(pair),
        _library_order(pair),
    ]
    return "\n".join(section for section in sections if section)


def _selection(pair: PairStatus) -> str:
    if pair.selection is None:
        return ""
    return (f"  Selection kept (the next transfer and sync follow it; flags replace it, --all "
            f"clears it): {'; '.join(described(pair.selection))}.")


def _library_order(pair: PairStatus) -> str:
    if pair.library_order is None:
        return ""
    return f"  Learnt: Spotify {pair.library_order.text} (later runs send saves accordingly)."


def _account(account: Account) -> str:
    return f"{safe_name(account.display_name)} ({account.id})" if account.display_name \
        else account.id


def _run(label: str, run: RunStatus | None, report: ReportDocument | None, now: datetime,
         full: bool) -> str:
    if run is None or report is None:
        return f"  {label}: none yet."
    lines = [f"  {label}, run {run.id}: {_how(run, run.complete)}"]
    if run.taken_back_by is not None:
        lines.append(f"    Taken back since by undo run {run.taken_back_by}.")
    lines.extend(_next_step(run, now))
    details = render_summary(report, _report_path(run), full=full, heading=False)
    lines.append(textwrap.indent(details.rstrip("\n"), "    "))
    return "\n".join(lines)


def _how(run: RunTiming, complete: bool) -> str:
    """How a run stands, in one line: its state, when, and why it stopped."""
    if run.in_progress:
        return f"running now (started {_when(run.started_at)})."
    if run.killed:
        return (f"stopped without a word (the process was killed) after starting "
                f"{_when(run.started_at)}.")
    ended = _when(run.ended_at) if run.ended_at else "?"
    if run.state is RunState.DONE:
        verdict = "complete" if complete else "done, with failures"
        closed = f" ({run.message})" if run.message else ""
        return f"{verdict}, {ended}{closed}."
    reason = f": {run.message.rstrip('.')}" if run.message and \
        run.state is not RunState.INTERRUPTED else ""
    since = "since" if run.state is RunState.PAUSED else "at"
    return f"{run.state.value} {since} {ended}{reason}."


def _next_step(run: RunTiming, now: datetime) -> list[str]:
    if run.resume_command is None:
        return []
    command = f"`{run.resume_command}`"
    if run.state is RunState.PAUSED and run.resume_at is not None and not run.may_resume_now:
        sooner = (f", or `{run.resume_command} --now` to try sooner with one request"
                  if isinstance(run, RunStatus) else "")
        return [f"    May resume after {resume_time(run.resume_at, now)}: run {command}{sooner}."]
    if run.state is RunState.DONE:
        return [f"    To retry what failed: run {command}."]
    return [f"    May resume now: run {command}."]


def _when(moment: datetime) -> str:
    return local_time(moment)


def _report_path(run: RunStatus) -> Path | None:
    if run.report is None:
        return None
    return Path(run.report.html_file or run.report.json_file)


def _undo(undo: UndoStatus | None, now: datetime) -> str:
    if undo is None:
        return ""
    lines = [f"  Undo, run {undo.id}: {_how(undo, undo.failed == 0)}",
             f"    {plural(undo.removed, 'item')} taken back"
             + (f", {number(undo.left)} left" if undo.left else "")
             + (f", {number(undo.failed)} refused by Spotify" if undo.failed else "") + "."]
    lines.extend(_next_step(undo, now))
    return "\n".join(lines)


def _in_target(pair: PairStatus) -> str:
    if not pair.in_target:
        return ""
    return (f"  In the target now: {plural(pair.in_target, 'item')} added by spotify-transfer "
            "(`spotify-transfer undo` takes them back).")
