"""The end-of-run summary for a person: how the run ended, what moved per category, what did
not and why (local files and unavailable items by name), what failed, warnings, API calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from pathlib import Path

from transfer.journal import RunState
from transfer.journal.counts import COVERS, PLAYLIST_DETAILS, PLAYLIST_ITEMS
from transfer.models import Account, Category
from transfer.plan import SkipReason
from transfer.render.safe import safe_name
from transfer.render.words import (
    CATEGORY_NAMES,
    list_place,
    number,
    plural,
    quoted,
    resume_time,
)
from transfer.report.document import ReportDocument
from transfer.report.results import CategoryResult, SkippedItem

LISTED_PER_REASON = 25
"""Skipped items named per reason unless ``full``; the JSON report names every one."""

LABELS: dict[str, tuple[str, str]] = {
    **{category.value: (CATEGORY_NAMES[category], "saved") for category in Category},
    Category.ARTISTS.value: ("Artists", "followed"),
    PLAYLIST_ITEMS: ("Playlist items", "added"),
    COVERS: ("Covers", "uploaded"),
    PLAYLIST_DETAILS: ("Playlist details", "changed"),
}
ORDER = (Category.PLAYLISTS.value, PLAYLIST_ITEMS, COVERS, PLAYLIST_DETAILS,
         *(category.value for category in Category if category is not Category.PLAYLISTS))


def render_summary(
    document: ReportDocument,
    report_path: Path | None = None,
    full: bool = False,
    session_calls: int | None = None,
    heading: bool = True,
    html_path: Path | None = None,
) -> str:
    """The summary as text; ``session_calls`` are the calls made by this command alone.
    Without ``heading`` it leaves out how the run ended (when an error message says it)."""
    sections = [
        _heading(document) if heading else "",
        _moved(document),
        _not_moved(document.skipped, full),
        _failures(document),
        _lines("Warnings:", document.warnings),
        _calls(document, session_calls),
        _paths(report_path, html_path),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _paths(report_path: Path | None, html_path: Path | None) -> str:
    lines = [f"Report: {report_path}"] if report_path is not None else []
    if html_path is not None:
        lines.append(f"Readable report: {html_path}")
    return "\n".join(lines)


def _account(account: Account) -> str:
    return f"{safe_name(account.display_name)} ({account.id})" if account.display_name \
        else account.id


def _heading(document: ReportDocument) -> str:
    run = document.run
    pair = f"{_account(document.source)} → {_account(document.target)}"
    kind = run.kind.value.capitalize()
    if run.state is RunState.DONE:
        verdict = "complete" if run.complete else "done, with failures"
        line = f"{kind} {verdict}: {pair} (run {run.id}"
        line += ", resumed)." if run.resumed else ")."
        return line
    if run.state is RunState.PAUSED:
        when = resume_time(run.resume_at) if run.resume_at else "a while"
        return (f"{kind} paused: {pair} (run {run.id}). {run.message or ''}\n"
                f"Run `{run.resume_command}` after {when} to finish it.")
    stopped = "interrupted" if run.state is RunState.INTERRUPTED else "stopped"
    reason = f": {run.message}" if run.message and run.state is not RunState.INTERRUPTED else ""
    return (f"{kind} {stopped}{reason} ({pair}, run {run.id}).\n"
            f"Progress is saved: run `{run.resume_command}` to finish it.")


def _moved(document: ReportDocument) -> str:
    rows = {row.category: row for row in document.categories}
    followed = sum(1 for p in document.playlists if p.change == "follow" and p.status == "done")
    lines = []
    for group in ORDER:
        row = rows.get(group)
        if row is None or not (row.done or row.left or row.failed or row.already_there
                               or row.skipped or row.removed):
            continue
        label, verb = LABELS[group]
        what = f"{number(row.done)} {verb}"
        if group == Category.PLAYLISTS.value:
            what = f"{number(row.done - followed)} created, {number(followed)} followed"
            adopted = sum(1 for p in document.playlists if p.adopted)
            what += f", {number(adopted)} adopted" if adopted else ""
        if row.removed:
            alone = group != Category.PLAYLISTS.value and not (row.done or row.left
                                                                or row.failed)
            removed = f"{number(row.removed)} removed"
            what = removed if alone else f"{what}, {removed}"
        lines.append(f"  {label:<20}{what}{_extras(row)}")
    heading = "What changed:" if any(row.removed for row in rows.values()) else "What moved:"
    return "\n".join([heading, *lines]) if lines else "Nothing was moved."


def _extras(row: CategoryResult) -> str:
    extras = [(row.already_there, "already there"), (row.skipped, "not moved"),
              (row.left, "left to do"), (row.failed, "failed")]
    said = ", ".join(f"{number(count)} {label}" for count, label in extras if count)
    return f" ({said})" if said else ""


def _not_moved(skipped: Iterable[SkippedItem], full: bool) -> str:
    losses = sorted((item for item in skipped if not item.already_there),
                    key=lambda item: list(SkipReason).index(item.reason))
    if not losses:
        return ""
    total = sum(item.count for item in losses)
    lines = [f"Not moved ({number(total)}):"]
    for reason, group in groupby(losses, key=lambda item: item.reason):
        items = list(group)
        lines.append(f"  {reason.text} ({number(sum(item.count for item in items))}):")
        shown = items if full else items[:LISTED_PER_REASON]
        lines.extend(f"    {_named(item)}" for item in shown)
        if len(items) > len(shown):
            lines.append(f"    … and {number(len(items) - len(shown))} more (see the report)")
    return "\n".join(lines)


def _named(item: SkippedItem) -> str:
    if item.reason is SkipReason.CATEGORY_OFF and item.category is not Category.PLAYLISTS:
        return f"{CATEGORY_NAMES[item.category]}: {plural(item.count, 'item')}"
    name = quoted(item.name) if item.name else "(no name)"
    artists = [artist for artist in item.artists if artist]
    by = f" by {', '.join(map(safe_name, artists))}" if artists else ""
    detail = f" ({item.detail})" if item.detail else ""
    if item.position is not None and item.playlist_id is None:
        return f"{list_place(item.category, item.position)}{detail}"
    if item.position is not None:
        where = f"#{item.position + 1} in {quoted(item.playlist_name or '')}"
        return f"{name}{by}, {where}{detail}" if item.name else \
            f"{where} (Spotify gives no name){detail}"
    if item.category is Category.PLAYLISTS:
        return f"{name}{detail}"
    return f"{name}{by} ({CATEGORY_NAMES[item.category]}){detail}"


def _failures(document: ReportDocument) -> str:
    lines = [f"{failure.description}: {failure.reason}" for failure in document.failures]
    return _lines(f"Failed ({number(len(lines))}):", lines)


def _lines(title: str, lines: Sequence[str]) -> str:
    return "\n".join([title, *(f"  ! {line}" for line in lines)]) if lines else ""


def _calls(document: ReportDocument, session_calls: int | None) -> str:
    calls = document.api_calls
    line = (f"API calls: {number(calls.total)} ({number(calls.reads)} reads, "
            f"{number(calls.writes)} writes)")
    if session_calls is not None and document.run.resumed:
        line += f"; {number(session_calls)} in this session"
    return line + "."
