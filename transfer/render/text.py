"""The plan as text for a person: per category what is new, already there and skipped (and
why), per playlist the counts, then the API calls and the time it will take.

Symbols as an infrastructure tool uses them: ``+`` made or followed, ``~`` changed, ``=``
already there, ``-`` not moved. What the selection leaves out (categories not chosen, playlists
excluded or not chosen) has a section of its own; the playlists it leaves out are listed one by
one only with ``verbose`` (there may be hundreds), those excluded by name always.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import groupby

from transfer.models import SAVED_CATEGORIES, Category
from transfer.plan import (
    Plan,
    PlaylistChange,
    PlaylistOutline,
    Skip,
    SkipReason,
    estimated_seconds,
)
from transfer.plan.selection import LeftOut, left_out
from transfer.render.safe import safe_name
from transfer.render.words import (
    CATEGORY_NAMES,
    ENDPOINT_NAMES,
    duration,
    list_place,
    number,
    plural,
    quoted,
)

LISTED_SKIPS = 10
"""Skipped items listed per reason unless ``verbose``; the JSON document lists all."""


def render_plan(
    plan: Plan,
    reads: Mapping[str, int] | None = None,
    origin: str = "live",
    verbose: bool = False,
) -> str:
    """The whole plan as text. ``reads`` are the calls made to build it, per endpoint."""
    sections = [
        _heading(plan, origin),
        _playlists(plan, verbose),
        _saved(plan),
        _left_out(left_out(plan)),
        cannot_move_section(plan.skips, verbose),
        _notes(plan.notes),
        _cost(plan, reads or {}),
        _verdict(plan),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _heading(plan: Plan, origin: str) -> str:
    source = _account(plan.source.id, plan.source.display_name)
    target = _account(plan.target.id, plan.target.display_name)
    where = "the live account" if origin == "live" else f"the file {origin}"
    return f"Plan: {source} → {target}\nSource read from {where}."


def _account(user_id: str, display_name: str | None) -> str:
    return f"{safe_name(display_name)} ({user_id})" if display_name else user_id


def _playlists(plan: Plan, verbose: bool) -> str:
    outline = plan.category(Category.PLAYLISTS)
    if not outline.in_source:
        return "Playlists: none in the source."
    counts = [
        (outline.new, "new"),
        (outline.updated, "to update"),
        (outline.already_there, "already there"),
        (outline.skipped, "skipped"),
    ]
    summary = ", ".join(f"{number(count)} {label}" for count, label in counts if count)
    lines = [f"Playlists ({number(outline.in_source)}): {summary}"]
    unchanged = [p for p in plan.playlists
                 if p.change is PlaylistChange.UNCHANGED and not p.adopted]
    unchosen = [p for p in plan.playlists if p.skip_reason in _NOT_CHOSEN]
    hidden = [] if verbose else [*unchanged, *unchosen]
    lines.extend(_playlist_line(p) for p in plan.playlists if p not in hidden)
    if unchanged and not verbose:
        lines.append(f"  = {plural(len(unchanged), 'playlist')} already there, not listed")
    if unchosen and not verbose:
        lines.append(f"  - {plural(len(unchosen), 'playlist')} not chosen, not listed "
                     "(--full lists them)")
    return "\n".join(lines)


_NOT_CHOSEN = (SkipReason.NOT_INCLUDED, SkipReason.CATEGORY_OFF)


def _playlist_line(playlist: PlaylistOutline) -> str:
    symbol, verb, what = _playlist_words(playlist)
    name = quoted(playlist.name)
    if playlist.target_name is not None and playlist.target_name != playlist.name:
        source = f"from {name}" if playlist.name.strip() else "its source has no name"
        name = f"{quoted(playlist.target_name)} ({source})"
    return f"  {symbol} {verb:<9} {name}{what}"


def _playlist_words(playlist: PlaylistOutline) -> tuple[str, str, str]:
    change = playlist.change
    if change is PlaylistChange.CREATE:
        return "+", "create", _create_counts(playlist)
    if change is PlaylistChange.FOLLOW:
        owner = f" by {safe_name(playlist.owner_name)}" if playlist.owner_name else ""
        kind = " (you collaborate on it)" if playlist.relation == "collaborator" else ""
        return "+", "follow", f"{owner}{kind}"
    if change is PlaylistChange.UPDATE:
        return "~", "update", _update_counts(playlist)
    reason = playlist.skip_reason.text if playlist.skip_reason else ""
    if playlist.skip_detail:
        reason += f" ({playlist.skip_detail})"
    if change is PlaylistChange.UNCHANGED and playlist.adopted:
        return "=", "adopt", ": a copy found in the target, up to date"
    if change is PlaylistChange.UNCHANGED:
        return "=", "keep", f": {reason}"
    return "-", "skip", f": {reason}"


def _create_counts(playlist: PlaylistOutline) -> str:
    parts = [plural(playlist.adding, "item")]
    if playlist.skipped_entries:
        parts.append(f"{number(playlist.skipped_entries)} cannot move")
    if playlist.cover:
        parts.append("custom cover")
    return f": {', '.join(parts)}"


def _update_counts(playlist: PlaylistOutline) -> str:
    parts = ["adopting the copy found in the target"] if playlist.adopted else []
    if playlist.adding:
        parts.append(f"+{plural(playlist.adding, 'item')} "
                     f"({number(playlist.already_there)} already there)")
    if playlist.details:
        parts.append("new details")
    if playlist.cover:
        parts.append("new cover")
    return f": {', '.join(parts)}"


def _saved(plan: Plan) -> str:
    rows = [plan.category(category) for category in SAVED_CATEGORIES]
    if not any(row.in_source for row in rows):
        return "Saved items: none in the source."
    turned_off = {skip.item.category for skip in plan.skips
                  if skip.reason is SkipReason.CATEGORY_OFF}
    lines = [f"{'Saved items':<22}{'new':>8}{'already there':>15}{'skipped':>9}"]
    for row in rows:
        if not row.in_source:
            continue
        note = "  (not chosen)" if row.category in turned_off else ""
        lines.append(
            f"  {CATEGORY_NAMES[row.category]:<20}{number(row.new):>8}"
            f"{number(row.already_there):>15}{number(row.skipped):>9}{note}"
        )
    return "\n".join(lines)


def _left_out(out: LeftOut) -> str:
    """What the selection leaves out: categories not chosen, playlists by the pattern that
    excluded them, and how many are not among those chosen."""
    if out.is_empty:
        return ""
    lines = ["Left out by the selection:"]
    if out.categories:
        categories = ", ".join(CATEGORY_NAMES[category] for category in out.categories)
        lines.append(f"  - not chosen: {categories}")
    excluded: dict[str, list[str]] = {}
    unchosen: dict[str, int] = {}
    for playlist in out.playlists:
        if playlist.reason is SkipReason.EXCLUDED:
            excluded.setdefault(playlist.by, []).append(quoted(playlist.name))
        elif playlist.reason is SkipReason.NOT_INCLUDED:
            unchosen[playlist.by] = unchosen.get(playlist.by, 0) + 1
    for pattern, names in excluded.items():
        lines.append(f"  - excluded by {quoted(pattern)}: {', '.join(names)}")
    for patterns, count in unchosen.items():
        lines.append(f"  - {plural(count, 'playlist')} matching none of: {patterns}")
    lines.extend(f"  ! {quoted(pattern)} matches no playlist of the source: a typo?"
                 for pattern in out.unmatched)
    return "\n".join(lines)


def cannot_move_section(skips: Iterable[Skip], verbose: bool,
                        everything: str = "plan --json") -> str:
    """Each item that cannot move, grouped by reason; without ``verbose`` the first of each
    group, and where to see ``everything``."""
    losses = [skip for skip in skips if skip.item.position is not None or _is_saved_item(skip)]
    if not losses:
        return ""
    lines = [f"Cannot move ({number(len(losses))}):"]
    for reason, group in groupby(sorted(losses, key=lambda s: s.reason.value), lambda s: s.reason):
        items = list(group)
        lines.append(f"  {reason.text} ({number(len(items))}):")
        shown = items if verbose else items[:LISTED_SKIPS]
        lines.extend(f"    {_skipped_item(skip)}" for skip in shown)
        if len(items) > len(shown):
            lines.append(f"    … and {number(len(items) - len(shown))} more "
                         f"(see {everything})")
    return "\n".join(lines)


def _is_saved_item(skip: Skip) -> bool:
    return skip.item.category is not Category.PLAYLISTS and skip.reason is not \
        SkipReason.CATEGORY_OFF


def _skipped_item(skip: Skip) -> str:
    item = skip.item
    artists = [artist for artist in item.artists if artist]
    by = f" by {', '.join(map(safe_name, artists))}" if artists else ""
    detail = f" ({safe_name(skip.detail)})" if skip.detail else ""
    if item.position is None:
        name = quoted(item.name) if item.name else "an item with no name"
        return f"{name}{by} ({CATEGORY_NAMES[item.category]})"
    if item.playlist_id is None:
        return f"{list_place(item.category, item.position)}{detail}"
    where = f"#{item.position + 1} in {quoted(item.playlist_name or '')}"
    if not item.name:
        return f"{where} (Spotify gives no name){detail}"
    return f"{quoted(item.name)}{by}, {where}{detail}"


def _notes(notes: Iterable[str]) -> str:
    lines = [f"  ! {note}" for note in notes]
    return "\n".join(["Notes:", *lines]) if lines else ""


def _cost(plan: Plan, reads: Mapping[str, int]) -> str:
    writes = plan.calls()
    parts = ", ".join(
        f"{number(count)} {ENDPOINT_NAMES.get(endpoint, str(endpoint))}"
        for endpoint, count in sorted(writes.items())
    )
    line = f"API calls: {plural(sum(writes.values()), 'write')}" + (f" ({parts})" if parts else "")
    if reads:
        line += f"; {plural(sum(reads.values()), 'read')} made to build this plan"
    return f"{line}\nEstimated time: {duration(estimated_seconds(writes))}, if Spotify does not " \
        "ask to wait."


def _verdict(plan: Plan) -> str:
    if plan.is_empty:
        chosen = "" if left_out(plan).is_empty else " chosen"
        return f"Nothing to do: the target already has everything{chosen} that can move."
    changes = [outline.change for outline in plan.playlists]
    parts = [
        (changes.count(PlaylistChange.CREATE), "playlist to create", "playlists to create"),
        (changes.count(PlaylistChange.FOLLOW), "playlist to follow", "playlists to follow"),
        (sum(o.adopted for o in plan.playlists), "copy to adopt (no call)",
         "copies to adopt (no call)"),
        (sum(o.adding for o in plan.playlists), "item to add to playlists",
         "items to add to playlists"),
        (sum(plan.category(c).new for c in SAVED_CATEGORIES), "item to save", "items to save"),
    ]
    said = ", ".join(plural(count, one, many) for count, one, many in parts if count)
    return f"Plan: {said or 'playlist details to bring up to date'}."
