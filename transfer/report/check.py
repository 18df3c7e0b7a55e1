"""Checking a transfer: the target, read afresh, against the source, rule by rule as
"What moved correctly means" (``../shared/PRODUCT.md``) says. Pure: it compares libraries.

:func:`check_target` is the check ``verify`` makes: for what the options choose, each owned
playlist's copy (which copy is which comes from the caller: journal links or adoption) has the
name, description and flags the tool sets, the items in order and the custom cover's bytes;
followed and collaborative playlists are followed; Liked Songs are all there in the same order
(and with their dates under ``preserve_liked_dates``); albums, shows, episodes and audiobooks
saved; artists followed. What cannot move (:func:`cannot_move`: the plan's skip reasons) is no
difference; an owned playlist with a page of nothing readable cannot move either (the plan's
``unreadable``). :func:`check_transfer` is the demo's: the same rules after one run, plus that
the target holds no other new playlist, that a playlist the report calls unreadable truly is
and has no copy, and that the run's report names each item that cannot move (what Spotify sent
that could not be read, at its place).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from transfer.models import SAVED_CATEGORIES, Category, Library, Playlist, SavedItem
from transfer.plan import PlanOptions, Skip, SkipReason
from transfer.plan.adoption import same_text
from transfer.plan.copies import is_prefix
from transfer.plan.playlists import carried_entries, is_selected, playlist_skip, unreadable_page
from transfer.plan.saved import unsavable
from transfer.render.safe import safe_name
from transfer.render.words import CATEGORY_NAMES, number, plural, quoted
from transfer.report.document import ReportDocument

LISTED_PROBLEMS = 5


@dataclass(frozen=True)
class Finding:
    """One rule: whether it holds, what was checked, and what is wrong. ``group`` names the
    rule in documents (``playlists``, ``liked_songs``...); ``checked`` counts what it looked
    at (items, playlists followed, saves)."""

    ok: bool
    text: str
    problems: tuple[str, ...] = ()
    group: str = ""
    checked: int = 0


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def problems(self) -> int:
        return sum(len(finding.problems) for finding in self.findings)

    @property
    def checked(self) -> int:
        return sum(finding.checked for finding in self.findings)

    def render(self, listed: int | None = LISTED_PROBLEMS) -> str:
        """One line per rule, its problems under it; ``listed`` caps them per rule (None: all)."""
        lines = []
        for finding in self.findings:
            lines.append(f"  {'✔' if finding.ok else '✘'} {finding.text}")
            shown = finding.problems if listed is None else finding.problems[:listed]
            lines.extend(f"      - {problem}" for problem in shown)
            if len(finding.problems) > len(shown):
                lines.append(f"      - … and {len(finding.problems) - len(shown)} more")
        return "\n".join(lines)


def check_transfer(
    source: Library,
    target: Library,
    report: ReportDocument,
    options: PlanOptions | None = None,
    target_had: Collection[str] = (),
) -> CheckResult:
    """Check ``target`` against ``source`` after the run ``report`` describes (the demo's check).

    ``target_had`` are the ids of the target's playlists before the run: any other playlist the
    target owns must be a copy of a source playlist, and each copy's name is that of exactly
    one playlist the target owns.
    """
    options = options or PlanOptions()
    copies = {p.source_id: p.target_id for p in report.playlists if p.target_id is not None}
    unread = {p.source_id for p in report.playlists if p.skip_reason is SkipReason.UNREADABLE}
    chosen = [p for p in source.playlists if p.relation == "owned" and _chosen(p, options)]
    owned = [p for p in chosen if p.id not in unread]
    not_copied = [p for p in chosen if p.id in unread]
    checked = check_target(source, target, options, copies, names_once=True)
    return CheckResult(findings=(
        checked.findings[0],
        _no_extra_playlists(owned, target, target_had, options),
        *((_not_copied(not_copied, target, options),) if not_copied else ()),
        *checked.findings[1:],
        _reported(owned, report, source),
    ))


def check_target(
    source: Library,
    target: Library,
    options: PlanOptions,
    copies: Mapping[str, str],
    names_once: bool = False,
) -> CheckResult:
    """Whether ``target`` holds what can move of ``source`` under ``options``, rule by rule.

    ``copies`` maps a source playlist id to its copy's id in the target (from the journal's
    links, the adoption rules or a run's report). Only what the options choose is checked; what
    cannot move (:func:`cannot_move`) is no difference. With ``names_once`` each copy's name
    must also be that of no other playlist the target owns (a target that started empty).
    """
    chosen = [p for p in source.playlists if _chosen(p, options)]
    owned = [p for p in chosen if p.relation == "owned" and unreadable_page(p) is None]
    findings = [_copies(owned, target, copies, options, names_once)]
    if options.wants(Category.PLAYLISTS):
        findings.append(_followed(chosen, target))
    if options.wants(Category.LIKED_SONGS):
        findings.append(_liked_songs(source, target, options))
    findings.extend(_saved(source, target, options))
    return CheckResult(findings=tuple(findings))


def cannot_move(source: Library, options: PlanOptions) -> tuple[Skip, ...]:
    """What the options choose that cannot move, as the plan says why (a local file, an
    unavailable item, an entry without an id, a playlist whose items cannot be read...)."""
    skips: list[Skip] = []
    for playlist in source.playlists:
        if playlist.relation != "owned" or not _chosen(playlist, options):
            continue
        broken = unreadable_page(playlist)
        if playlist.entries is None:
            skips.append(playlist_skip(playlist, SkipReason.ITEMS_UNKNOWN))
        elif broken is not None:
            skips.append(playlist_skip(playlist, SkipReason.UNREADABLE, broken))
        else:
            skips.extend(carried_entries(playlist)[1])
    for category in SAVED_CATEGORIES:
        if options.wants(category):
            skips.extend(unsavable(category, getattr(source, category.value)))
    return tuple(skips)


def _chosen(playlist: Playlist, options: PlanOptions) -> bool:
    return is_selected(playlist, options)


def movable(playlist: Playlist) -> list[str]:
    """The URIs of a playlist that a copy must hold, in order."""
    return list(carried_entries(playlist)[0])


def _copies(owned: Sequence[Playlist], target: Library, copies: Mapping[str, str],
            options: PlanOptions, names_once: bool) -> Finding:
    by_id = {p.id: p for p in target.playlists if p.relation == "owned"}
    names = Counter(p.name for p in by_id.values())
    wanted_names = Counter(options.target_name(p.name) for p in owned)
    problems: list[str] = []
    for playlist in owned:
        if playlist.entries is None:
            continue  # cannot move: its items could not be read
        name = options.target_name(playlist.name)
        if names_once and names[name] != wanted_names[name]:
            problems.append(f"{quoted(name)}: {names[name]} playlists of that name in the "
                            f"target, {wanted_names[name]} expected")
        copy = by_id.get(copies.get(playlist.id) or "")
        if copy is None:
            problems.append(f"{quoted(playlist.name)}: no copy in the target")
            continue
        problems.extend(f"{quoted(playlist.name)}: {wrong}"
                        for wrong in _differences(playlist, copy, options))
    items = sum(len(movable(p)) for p in owned)
    covers = sum(1 for p in owned if p.cover is not None and p.cover.custom)
    exactly = "exactly " if names_once else ""
    text = (f"{plural(len(owned), 'playlist')} you own: each has {exactly}one copy with the same "
            f"name, description, flags, items in order and custom cover "
            f"({plural(items, 'item')}, {plural(covers, 'cover')})")
    return Finding(not problems, text, tuple(problems), "playlists", items)


def _differences(playlist: Playlist, copy: Playlist, options: PlanOptions) -> Iterable[str]:
    name = options.target_name(playlist.name)
    if copy.name != name:
        yield f"named {quoted(copy.name)} instead of {quoted(name)}"
    if not same_text(copy.description, playlist.description):
        yield f"description {copy.description!r} instead of {playlist.description!r}"
    public = options.target_public(playlist.public, playlist.collaborative)
    if (copy.public, copy.collaborative) != (public, playlist.collaborative):
        yield (f"public={copy.public}, collaborative={copy.collaborative} instead of "
               f"public={public}, collaborative={playlist.collaborative}")
    wanted = movable(playlist)
    have = [entry.uri for entry in copy.entries or ()]
    if len(have) != len(wanted) or not is_prefix(have, wanted):
        first = next((n for n, pair in enumerate(zip(have, wanted, strict=False))
                      if pair[0] is not None and pair[0] != pair[1]),
                     min(len(have), len(wanted)))
        yield f"{len(have)} items instead of {len(wanted)}, first difference at #{first + 1}"
    custom = playlist.cover is not None and playlist.cover.custom
    copied = copy.cover is not None and copy.cover.custom
    if custom != copied:
        yield "custom cover missing" if custom else "a custom cover it should not have"
    elif custom and playlist.cover and copy.cover and playlist.cover.jpeg_base64 and (
            copy.cover.jpeg_base64 != playlist.cover.jpeg_base64):
        yield "the cover's image differs"


def _no_extra_playlists(owned: Sequence[Playlist], target: Library, target_had: Collection[str],
                        options: PlanOptions) -> Finding:
    mine = [p for p in target.playlists if p.relation == "owned" and p.id not in target_had]
    extra = len(mine) - len(owned)
    problems = (f"{plural(extra, 'playlist')} more than the source's",) if extra > 0 else ()
    return Finding(not problems, "nothing doubled: no other new playlist in the target",
                   problems)


def _not_copied(playlists: Sequence[Playlist], target: Library, options: PlanOptions
                ) -> Finding:
    """Playlists the report says could not be read: each truly has a page of 50 entries none
    of which has an id, and the target has no copy of it."""
    names = Counter(p.name for p in target.playlists if p.relation == "owned")
    problems: list[str] = []
    for playlist in playlists:
        entries = list(playlist.entries or ())
        pages = [entries[start:start + 50] for start in range(0, len(entries), 50)]
        if not any(all(entry.uri is None for entry in page) for page in pages):
            problems.append(f"{quoted(playlist.name)} is reported unreadable but reads")
        if names[options.target_name(playlist.name)]:
            problems.append(f"{quoted(playlist.name)}: a copy was made")
    text = (f"{plural(len(playlists), 'playlist')} with a page of nothing readable: not "
            "copied, reported")
    return Finding(not problems, text, tuple(problems))


def _followed(chosen: Sequence[Playlist], target: Library) -> Finding:
    others = [p for p in chosen if p.relation != "owned"]
    listed = {p.id for p in target.playlists}
    problems = tuple(f"{quoted(p.name)} is not followed" for p in others if p.id not in listed)
    return Finding(not problems, f"{plural(len(others), 'playlist')} you follow or collaborate "
                                 "on: followed", problems, "followed_playlists", len(others))


def _liked_songs(source: Library, target: Library, options: PlanOptions) -> Finding:
    songs = _movable_saved(Category.LIKED_SONGS, source)
    wanted = [item.uri for item in songs]
    present = set(wanted)
    have_items = {item.uri: item for item in target.liked_songs}
    have = [item.uri for item in target.liked_songs if item.uri in present]
    missing = [item for item in songs if item.uri not in have_items]
    problems: list[str] = []
    if missing:
        problems.extend(f"missing: {_described(item)}" for item in missing)
    elif have != wanted:
        first = next(n for n, pair in enumerate(zip(have, wanted, strict=True))
                     if pair[0] != pair[1])
        problems.append(f"not in the source's order: first difference at #{first + 1} "
                        f"({_described(songs[first])})")
    dated = options.preserve_liked_dates
    if dated and not missing:
        problems.extend(f"saved on {_day(have_items[item.uri].added_at)} instead of "
                        f"{_day(item.added_at)}: {_described(item)}" for item in songs
                        if item.added_at is not None
                        and have_items[item.uri].added_at != item.added_at)
    dates = " and dates" if dated else ""
    text = f"{number(len(wanted))} Liked Songs: all saved, in the same order{dates}"
    return Finding(not problems, text, tuple(problems), "liked_songs", len(wanted))


def _saved(source: Library, target: Library, options: PlanOptions) -> Iterable[Finding]:
    kinds = [category for category in (Category.ALBUMS, Category.SHOWS, Category.EPISODES,
                                       Category.AUDIOBOOKS) if options.wants(category)]
    problems: list[str] = []
    counts = []
    checked = 0
    for category in kinds:
        wanted = _movable_saved(category, source)
        have = {item.uri for item in getattr(target, category.value)}
        missing = [item for item in wanted if item.uri not in have]
        checked += len(wanted)
        counts.append(f"{number(len(wanted))} {CATEGORY_NAMES[category].lower()}")
        if missing:
            problems.extend(f"{CATEGORY_NAMES[category]}: missing {_described(item)}"
                            for item in missing)
    if kinds:
        yield Finding(not problems, f"{', '.join(counts)}: all saved", tuple(problems), "saved",
                      checked)
    if not options.wants(Category.ARTISTS):
        return
    artists = _movable_saved(Category.ARTISTS, source)
    followed = {item.uri for item in target.artists}
    unfollowed = [item for item in artists if item.uri not in followed]
    artist_problems = tuple(f"not followed: {_described(item)}" for item in unfollowed)
    yield Finding(not unfollowed, f"{plural(len(artists), 'artist')}: all followed",
                  artist_problems, "artists", len(artists))


def _movable_saved(category: Category, source: Library) -> list[SavedItem]:
    """A collection's items that can be saved, each once, in the source's order."""
    items: tuple[SavedItem, ...] = getattr(source, category.value)
    cannot = {skip.item.uri for skip in unsavable(category, items)}
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.uri not in cannot and item.uri not in seen:
            seen.add(item.uri)
            kept.append(item)
    return kept


def _described(item: SavedItem) -> str:
    name = quoted(item.name) if item.name else item.uri
    by = f" by {safe_name(', '.join(item.artists))}" if item.artists else ""
    return f"{name}{by} ({item.uri})" if item.name else name


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "no date"


def _reported(owned: Sequence[Playlist], report: ReportDocument, source: Library) -> Finding:
    named = {(item.playlist_id, item.position): item for item in report.skipped
             if item.position is not None}
    listed = {(item.category, item.position) for item in report.skipped
              if item.position is not None and item.playlist_id is None
              and item.reason is SkipReason.MALFORMED}
    problems = [f"#{element.position + 1} of the {element.category.value} list Spotify sent "
                "is not in the report" for element in source.malformed
                if (element.category, element.position) not in listed]
    local = unavailable = 0
    malformed = len(source.malformed)
    for playlist in owned:
        for position, entry in enumerate(playlist.entries or ()):
            if not (entry.is_local or entry.uri is None):
                continue
            local += entry.is_local
            malformed += bool(entry.malformed)
            unavailable += entry.uri is None and not entry.malformed
            item = named.get((playlist.id, position))
            where = f"#{position + 1} in {quoted(playlist.name)}"
            if item is None:
                problems.append(f"{where} is not in the report")
            elif entry.is_local and item.name != entry.name:
                problems.append(f"{where} is reported as {item.name!r}, not {entry.name!r}")
    unreadable = f", {number(malformed)} unreadable" if malformed else ""
    text = (f"{plural(local + unavailable + malformed, 'item')} that cannot move "
            f"({plural(local, 'local file')}, {number(unavailable)} unavailable{unreadable}): "
            "not copied, reported by name or place")
    return Finding(not problems, text, tuple(problems))
