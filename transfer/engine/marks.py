"""What a sync remembers of the source between runs, so the next one reads only what changed.

The marks are kept as a fact of each run that read the source live (``MARKS_FACT``), and the
next sync takes those of the latest run that is done. They hold, per saved collection, how many
items it had and the newest ones (the minute they were saved in: Spotify orders saved items by
the minute, newest first); for the followed artists, how many and the one followed last (new
follows go last); for the playlist list, its ids in order (new and newly followed playlists go
on top) and which page is read next. A copy's link in the journal already says which source
snapshot it holds, so playlists need nothing more.

``exact`` says that every item the tool added to the target for that category was still in the
source when the marks were taken: ``sync --mirror`` needs a full read only where it is False.
``behind`` lists owned playlists whose copy still holds items the source took out (or holds
them in another order), which only ``--mirror`` repairs; ``settled`` the snapshots looked at and
left alone (a copy changed or removed in the target), so they are not read at every sync.

Marks are dropped (the next sync reads that part in full) when the options that decide what is
read change, and for the categories of a write that failed in the run that took them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from transfer.journal import Journal, Outcome, RunKind, RunState
from transfer.models import Category, Kind, Library, Playlist, SavedItem, uri_of
from transfer.plan import Plan, PlanOptions, PlaylistLink, SkipReason, category_of

MARKS_FACT = "sync_marks"
MARKS_VERSION = 1
_RUNS_LOOKED_AT = 50
_LEFT_ALONE = (SkipReason.DIVERGED, SkipReason.COPY_REMOVED, SkipReason.ITEMS_UNKNOWN,
               SkipReason.UNREADABLE)
_LIBRARY_WRITES = ("save_library_items", "save_liked_with_dates", "remove_library_items")
_OPTIONS_READ = ("categories", "include_playlists", "exclude_playlists", "name_prefix",
                 "name_suffix", "privacy", "preserve_liked_dates")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SavedMark(_Frozen):
    """A saved collection (or the followed artists) as the last sync left it."""

    count: int
    newest_minute: str | None = None
    newest_uris: tuple[str, ...] = ()
    last_uri: str | None = None
    exact: bool = True


class ListMark(_Frozen):
    """The source's playlist list as the last sync knew it."""

    ids: tuple[str, ...]
    next_page: int = 1
    exact: bool = True
    behind: tuple[str, ...] = ()
    settled: dict[str, str] = {}
    """Owned playlists whose changed snapshot was looked at and left as it is (their copy was
    changed in the target, or removed there): not read again until it changes again."""


class SyncMarks(_Frozen):
    version: int = MARKS_VERSION
    options: str
    playlists: ListMark | None = None
    saved: dict[Category, SavedMark] = {}


def minute_of(moment: datetime) -> str:
    """The minute an item was saved in (UTC), as text that sorts in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def options_fingerprint(options: PlanOptions) -> str:
    """What of the options decides what a sync reads and plans; marks taken under other options
    are not used."""
    chosen = options.model_dump(mode="json", include=set(_OPTIONS_READ))
    text = repr(sorted(chosen.items()))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def saved_mark(category: Category, items: tuple[SavedItem, ...], exact: bool,
               unreadable: int = 0) -> SavedMark:
    """The mark of a collection read in full (newest first; artists in the order followed).
    ``unreadable``: elements Spotify sent in the collection that could not be read; they count
    in its total as Spotify gives it."""
    count = len(items) + unreadable
    if category is Category.ARTISTS:
        return SavedMark(count=count, last_uri=items[-1].uri if items else None, exact=exact)
    return newest_mark(count, items, None, exact)


def newest_mark(count: int, read: Iterable[SavedItem], previous: SavedMark | None,
                exact: bool) -> SavedMark:
    """The mark after reading ``read`` (the newest items, at least all of the newest minute)."""
    minutes: dict[str, set[str]] = {}
    for item in read:
        if item.added_at is not None:
            minutes.setdefault(minute_of(item.added_at), set()).add(item.uri)
    if previous is not None and previous.newest_minute is not None:
        minutes.setdefault(previous.newest_minute, set()).update(previous.newest_uris)
    if not minutes or count == 0:
        return SavedMark(count=count, exact=exact)
    newest = max(minutes)
    return SavedMark(count=count, newest_minute=newest, newest_uris=tuple(sorted(minutes[newest])),
                     exact=exact)


def full_marks(source: Library, options: PlanOptions, held: Mapping[Category, frozenset[str]],
               links: Mapping[str, PlaylistLink], plan: Plan, behind: frozenset[str],
               settled: Mapping[str, str] | None = None) -> SyncMarks:
    """Marks from a source read in full and the plan made from it; ``behind`` and ``settled``
    are what the previous marks said."""
    saved = {}
    for category in options.categories:
        if category is Category.PLAYLISTS:
            continue
        items: tuple[SavedItem, ...] = getattr(source, category.value)
        exact = options.mirror or held.get(category, frozenset()) <= {item.uri for item in items}
        unreadable = sum(1 for element in source.malformed if element.category is category)
        saved[category] = saved_mark(category, items, exact, unreadable)
    playlists = None
    if options.wants(Category.PLAYLISTS):
        ids = tuple(playlist.id for playlist in source.playlists)
        present = {playlist.uri for playlist in source.playlists}
        exact = options.mirror or list_exact(held, links, present)
        still = next_behind(plan, source.playlists, behind) & set(ids)
        playlists = ListMark(ids=ids, exact=exact, behind=tuple(sorted(still)),
                             settled=next_settled(plan, settled or {}, ids))
    return SyncMarks(options=options_fingerprint(options), playlists=playlists, saved=saved)


def list_exact(held: Mapping[Category, frozenset[str]], links: Mapping[str, PlaylistLink],
               present: set[str]) -> bool:
    """Whether every playlist the tool followed, and the source of every copy it holds, is in
    the source's list (``present``: playlist URIs)."""
    playlists = held.get(Category.PLAYLISTS, frozenset())
    copies = {uri_of(Kind.PLAYLIST, link.target_playlist_id): link for link in links.values()}
    followed_there = playlists - set(copies) <= present
    sources_there = all(uri_of(Kind.PLAYLIST, link.source_playlist_id) in present
                        for uri, link in copies.items() if uri in playlists)
    return followed_there and sources_there


def next_behind(plan: Plan, planned: Iterable[Playlist], behind: frozenset[str]
                ) -> frozenset[str]:
    """Copies behind their source after this plan: those it leaves behind, and those behind
    before whose source items it did not read (so it cannot tell)."""
    read = {playlist.id for playlist in planned if playlist.entries is not None}
    now = {outline.source_id for outline in plan.playlists if outline.behind}
    return frozenset(now | (behind - read))


def next_settled(plan: Plan, settled: Mapping[str, str], ids: Iterable[str]) -> dict[str, str]:
    """The snapshots looked at and left alone, after this plan."""
    after = dict(settled)
    for outline in plan.playlists:
        if outline.skip_reason in _LEFT_ALONE and outline.snapshot_id is not None:
            after[outline.source_id] = outline.snapshot_id
        else:
            after.pop(outline.source_id, None)
    listed = set(ids)
    return {playlist_id: snapshot for playlist_id, snapshot in after.items()
            if playlist_id in listed}


def previous_behind(journal: Journal) -> frozenset[str]:
    """The copies the latest marks say are behind, whatever options they were taken with."""
    for run in journal.runs(limit=_RUNS_LOOKED_AT):
        marks = parse_marks(journal.facts(run.id).get(MARKS_FACT))
        if marks is not None:
            return frozenset(marks.playlists.behind if marks.playlists else ())
    return frozenset()


def load_marks(journal: Journal, options: PlanOptions) -> SyncMarks | None:
    """The marks of the latest finished run that read the source live, without the parts a
    failed write makes doubtful; None when there are none to trust (none yet, other options,
    or an ``undo`` since, which changed what the tool holds in the target)."""
    for run in journal.runs(limit=_RUNS_LOOKED_AT):
        if run.state is not RunState.DONE:
            continue
        if run.kind is RunKind.UNDO:
            return None
        marks = parse_marks(journal.facts(run.id).get(MARKS_FACT))
        if marks is None:
            continue
        if marks.options != options_fingerprint(options):
            return None
        return _without_failed(marks, _failed_categories(journal, run.id))
    return None


def parse_marks(stored: Any) -> SyncMarks | None:
    if not isinstance(stored, dict) or stored.get("version") != MARKS_VERSION:
        return None
    try:
        return SyncMarks.model_validate(stored)
    except ValidationError:
        return None


def _failed_categories(journal: Journal, run_id: int) -> set[Category]:
    """The categories whose marks a failed write of the run makes doubtful: those of failed
    library saves or removals, and the playlists for a failed create."""
    categories: set[Category] = set()
    for record in journal.actions(run_id, [Outcome.FAILED]):
        if record.action.type == "create_playlist":
            categories.add(Category.PLAYLISTS)
        elif record.action.type in _LIBRARY_WRITES:
            categories.update(category_of(uri) for uri in getattr(record.action, "uris", ()))
    return categories


def _without_failed(marks: SyncMarks, failed: set[Category]) -> SyncMarks:
    if not failed:
        return marks
    saved = {category: mark for category, mark in marks.saved.items() if category not in failed}
    playlists = None if Category.PLAYLISTS in failed else marks.playlists
    return marks.model_copy(update={"saved": saved, "playlists": playlists})
