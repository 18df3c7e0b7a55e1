"""Checking a transfer: the target, read afresh, against the source, rule by rule as
"What moved correctly means" (``../shared/PRODUCT.md``) says.

It compares two exports and the run's report, not the journal: each owned playlist has exactly
one copy with the same name, description, flags, items in order and custom cover bytes;
followed and collaborative playlists are followed; Liked Songs are all there in the same order;
albums, shows, episodes and audiobooks saved; artists followed; local files and unavailable
entries reported by name, and what Spotify sent that could not be read reported at its place; an
owned playlist the report says could not be read (a page of nothing readable) has no copy.
Meant for a target that started without the source's items (as in ``demo``): what a target had
before is not told apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from transfer.models import Category, Library, Playlist
from transfer.plan import PlanOptions, SkipReason
from transfer.render.words import CATEGORY_NAMES, number, plural, quoted
from transfer.report.document import ReportDocument

LISTED_PROBLEMS = 5


@dataclass(frozen=True)
class Finding:
    """One rule: whether it holds, what was checked, and what is wrong."""

    ok: bool
    text: str
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def problems(self) -> int:
        return sum(len(finding.problems) for finding in self.findings)

    def render(self) -> str:
        lines = []
        for finding in self.findings:
            lines.append(f"  {'✔' if finding.ok else '✘'} {finding.text}")
            shown = finding.problems[:LISTED_PROBLEMS]
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
    """Check ``target`` against ``source`` after the run ``report`` describes.

    ``target_had`` are the ids of the target's playlists before the run: any other playlist the
    target owns must be a copy of a source playlist.
    """
    options = options or PlanOptions()
    chosen = [p for p in source.playlists if _chosen(p, options)]
    unread = {p.source_id for p in report.playlists if p.skip_reason is SkipReason.UNREADABLE}
    owned = [p for p in chosen if p.relation == "owned" and p.id not in unread]
    not_copied = [p for p in chosen if p.relation == "owned" and p.id in unread]
    return CheckResult(findings=(
        _copies(owned, target, report, options),
        _no_extra_playlists(owned, target, target_had, options),
        *((_not_copied(not_copied, target, options),) if not_copied else ()),
        _followed(chosen, target),
        _liked_songs(source, target),
        *_saved(source, target),
        _reported(owned, report, source),
    ))


def _chosen(playlist: Playlist, options: PlanOptions) -> bool:
    return (options.wants(Category.PLAYLISTS) and options.is_included(playlist.name, playlist.id)
            and options.excluding_pattern(playlist.name, playlist.id) is None)


def movable(playlist: Playlist) -> list[str]:
    """The URIs of a playlist that a copy must hold, in order."""
    return [entry.uri for entry in playlist.entries or ()
            if entry.uri is not None and not entry.is_local]


def _copies(owned: Sequence[Playlist], target: Library, report: ReportDocument,
            options: PlanOptions) -> Finding:
    copies = {p.source_id: p.target_id for p in report.playlists}
    by_id = {p.id: p for p in target.playlists if p.relation == "owned"}
    names = Counter(p.name for p in by_id.values())
    wanted_names = Counter(options.target_name(p.name) for p in owned)
    problems: list[str] = []
    for playlist in owned:
        name = options.target_name(playlist.name)
        if names[name] != wanted_names[name]:
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
    text = (f"{plural(len(owned), 'playlist')} you own: each has exactly one copy with the same "
            f"name, description, flags, items in order and custom cover "
            f"({plural(items, 'item')}, {plural(covers, 'cover')})")
    return Finding(not problems, text, tuple(problems))


def _differences(playlist: Playlist, copy: Playlist, options: PlanOptions) -> Iterable[str]:
    if copy.description != playlist.description:
        yield f"description {copy.description!r} instead of {playlist.description!r}"
    public = options.target_public(playlist.public, playlist.collaborative)
    if (copy.public, copy.collaborative) != (public, playlist.collaborative):
        yield (f"public={copy.public}, collaborative={copy.collaborative} instead of "
               f"public={public}, collaborative={playlist.collaborative}")
    wanted = movable(playlist)
    have = [entry.uri for entry in copy.entries or ()]
    if have != wanted:
        first = next((n for n, pair in enumerate(zip(have, wanted, strict=False))
                      if pair[0] != pair[1]), min(len(have), len(wanted)))
        yield f"{len(have)} items instead of {len(wanted)}, first difference at #{first + 1}"
    custom = playlist.cover is not None and playlist.cover.custom
    copied = copy.cover is not None and copy.cover.custom
    if custom != copied:
        yield "custom cover missing" if custom else "a custom cover it should not have"
    elif custom and playlist.cover and copy.cover and (
            copy.cover.jpeg_base64 != playlist.cover.jpeg_base64 or not copy.cover.jpeg_base64):
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
                                 "on: followed", problems)


def _liked_songs(source: Library, target: Library) -> Finding:
    wanted = [item.uri for item in source.liked_songs]
    present = set(wanted)
    have = [item.uri for item in target.liked_songs if item.uri in present]
    missing = len(present - set(have))
    problems: list[str] = []
    if missing:
        problems.append(f"{plural(missing, 'song')} missing")
    elif have != wanted:
        problems.append("not in the source's order")
    text = f"{number(len(wanted))} Liked Songs: all saved, in the same order"
    return Finding(not problems, text, tuple(problems))


def _saved(source: Library, target: Library) -> Iterable[Finding]:
    kinds = (Category.ALBUMS, Category.SHOWS, Category.EPISODES, Category.AUDIOBOOKS)
    problems: list[str] = []
    counts = []
    for category in kinds:
        wanted = [item.uri for item in getattr(source, category.value)]
        have = {item.uri for item in getattr(target, category.value)}
        missing = [uri for uri in wanted if uri not in have]
        counts.append(f"{number(len(wanted))} {CATEGORY_NAMES[category].lower()}")
        if missing:
            problems.append(f"{CATEGORY_NAMES[category]}: {number(len(missing))} missing")
    yield Finding(not problems, f"{', '.join(counts)}: all saved", tuple(problems))
    artists = [item.uri for item in source.artists]
    followed = {item.uri for item in target.artists}
    missing_artists = sum(1 for uri in artists if uri not in followed)
    yield Finding(not missing_artists, f"{plural(len(artists), 'artist')}: all followed",
                  (f"{plural(missing_artists, 'artist')} not followed",) if missing_artists
                  else ())


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
