"""The undo preview and summary as text, in the plan's style: ``-`` for what is taken out,
counts per category, the API calls and the time it will take."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from transfer.journal import AddedHow, RunRecord, RunState
from transfer.models import SAVED_CATEGORIES, Account, Category
from transfer.plan import Plan, estimated_seconds
from transfer.render.safe import safe_name
from transfer.render.words import CATEGORY_NAMES, duration, number, plural, quoted
from transfer.undo.items import UndoItem
from transfer.undo.runner import UndoReport

LISTED_PLAYLISTS = 25
"""Playlists named in the preview unless ``full``."""
REMOVE_CALL = "remove from library"


def render_undo_plan(
    plan: Plan,
    items: Sequence[UndoItem],
    reads: Mapping[str, int] | None = None,
    stopped: Sequence[RunRecord] = (),
    full: bool = False,
) -> str:
    """What ``undo`` will take out of the target, for a person to confirm."""
    sections = [
        _heading(plan.source, plan.target),
        _playlists(items, full),
        _saved(items),
        _closing(stopped),
        "" if plan.is_empty else _cost(plan, reads or {}),
        _verdict(items),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def render_resume(run: RunRecord, items: Sequence[UndoItem], left: int) -> str:
    how = "was killed" if run.state is RunState.RUNNING else f"is {run.state.value}"
    return (f"Undo run {run.id} {how}, with {plural(left, 'removal')} left "
            f"({plural(len(items), 'item')} in all): resuming it.\n")


def _account(account: Account) -> str:
    return f"{safe_name(account.display_name)} ({account.id})" if account.display_name \
        else account.id


def _heading(source: Account, target: Account) -> str:
    return (f"Undo: {_account(source)} → {_account(target)}\n"
            "Takes back what spotify-transfer added to the target account; what it had "
            "before stays as it is.")


def _playlists(items: Sequence[UndoItem], full: bool) -> str:
    playlists = [item for item in items if item.is_playlist]
    if not playlists:
        return ""
    created = sum(1 for item in playlists if item.how is AddedHow.CREATED)
    counts = [(created, "to remove"), (len(playlists) - created, "to unfollow")]
    said = ", ".join(f"{number(count)} {label}" for count, label in counts if count)
    lines = [f"Playlists ({number(len(playlists))}): {said}"]
    shown = playlists if full else playlists[:LISTED_PLAYLISTS]
    lines.extend(_playlist_line(item) for item in shown)
    if len(playlists) > len(shown):
        lines.append(f"  … and {number(len(playlists) - len(shown))} more (--full lists them)")
    return "\n".join(lines)


def _playlist_line(item: UndoItem) -> str:
    name = quoted(item.name) if item.name else item.uri
    if item.how is AddedHow.CREATED:
        held = "empty" if not item.entries else plural(item.entries, "item")
        made = ("a copy adopted when its journal was lost" if item.adopted
                else "the copy this tool made")
        return f"  - {'remove':<9} {name}: {made} ({held})"
    owner = f" by {safe_name(item.owner_name)}" if item.owner_name else ""
    return f"  - {'unfollow':<9} {name}{owner}"


def _saved(items: Iterable[UndoItem]) -> str:
    counts = Counter(item.category for item in items if not item.is_playlist)
    if not counts:
        return ""
    lines = [f"{'Saved items':<22}{'remove':>8}"]
    lines.extend(f"  {CATEGORY_NAMES[category]:<20}{number(counts[category]):>8}"
                 for category in SAVED_CATEGORIES if counts[category])
    return "\n".join(lines)


def _closing(stopped: Sequence[RunRecord]) -> str:
    lines = [
        f"  ! {run.kind.value} run {run.id} ({_state(run)}) is closed: what it had left is not "
        f"sent, and the next {run.kind.value} plans afresh."
        for run in stopped
    ]
    return "\n".join(["Stopped runs:", *lines]) if lines else ""


def _state(run: RunRecord) -> str:
    return "killed" if run.state is RunState.RUNNING else run.state.value


def _cost(plan: Plan, reads: Mapping[str, int]) -> str:
    writes = sum(plan.calls().values())
    line = f"API calls: {plural(writes, 'write')}"
    if writes:
        line += f" ({number(writes)} {REMOVE_CALL})"
    if reads:
        line += f"; {plural(sum(reads.values()), 'read')} made to build this plan"
    return (f"{line}\nEstimated time: {duration(estimated_seconds(plan.calls()))}, if Spotify "
            "does not ask to wait.")


def _verdict(items: Sequence[UndoItem]) -> str:
    if not items:
        return "Nothing to undo: the target holds nothing this tool added."
    created = sum(1 for item in items if item.how is AddedHow.CREATED)
    followed = sum(1 for item in items if item.is_playlist and item.how is not AddedHow.CREATED)
    saved = len(items) - created - followed
    parts = [plural(created, "playlist to remove", "playlists to remove"),
             plural(followed, "playlist to unfollow", "playlists to unfollow"),
             plural(saved, "saved item or artist to remove", "saved items and artists to remove")]
    counts = (created, followed, saved)
    return "Undo: " + ", ".join(part for part, count in zip(parts, counts, strict=True)
                                if count) + "."


def render_undo_summary(report: UndoReport, target: Account) -> str:
    """How an undo run ended: what was taken back, per category, and what Spotify refused."""
    taken = [item for item in report.items if item.uri in report.removed]
    if report.complete:
        heading = (f"Undo complete: {_account(target)} no longer holds anything "
                   f"spotify-transfer added (run {report.run_id}"
                   f"{', resumed' if report.resumed else ''}).")
    else:
        heading = f"Undo done, with failures (run {report.run_id})."
    sections = [heading, _taken_back(taken), _refused(report), _calls(report.calls)]
    return "\n\n".join(section for section in sections if section) + "\n"


def _taken_back(items: Sequence[UndoItem]) -> str:
    if not items:
        return "Nothing was taken back."
    created = sum(1 for item in items if item.how is AddedHow.CREATED)
    followed = sum(1 for item in items if item.is_playlist) - created
    lines = ["Taken back:"]
    if created or followed:
        lines.append(f"  {'Playlists':<20}{number(created)} removed, {number(followed)} "
                     "unfollowed")
    counts = Counter(item.category for item in items if not item.is_playlist)
    for category in SAVED_CATEGORIES:
        if counts[category]:
            verb = "unfollowed" if category is Category.ARTISTS else "removed"
            lines.append(f"  {CATEGORY_NAMES[category]:<20}{number(counts[category])} {verb}")
    return "\n".join(lines)


def _refused(report: UndoReport) -> str:
    lines = [f"  ! {plural(len(getattr(record.action, 'uris', ())), 'item')}: {record.reason}"
             for record in report.failures]
    return "\n".join(["Spotify refused:", *lines]) if lines else ""


def _calls(calls: Mapping[str, int]) -> str:
    reads = sum(count for endpoint, count in calls.items() if endpoint.startswith("GET "))
    total = sum(calls.values())
    return (f"API calls: {number(total)} ({plural(reads, 'read')}, "
            f"{plural(total - reads, 'write')}).")
