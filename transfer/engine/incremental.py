"""The reader of a sync: what changed in the source since the last run, and only what the
target must be asked to plan it.

Without marks to start from (the first sync, other options, an ``undo`` since) it reads as a
transfer does (:class:`transfer.engine.reading.FullReader`). Otherwise:

- the source's saved collections and playlist list as :mod:`transfer.engine.changes` reads them;
- of the playlists seen, those the plan must look at: playlists not in the marked list (new,
  newly followed), and owned ones whose snapshot is not the one their copy holds (their items
  are read), owned ones left uncopied by an earlier run (``unreadable``: a page of nothing
  readable) whose snapshot changed since, plus with ``--mirror`` the copies left behind by an
  earlier sync;
- the target as :mod:`transfer.engine.lookups` asks it.

A sync where nothing changed thus costs one call per saved collection and the pages of the
playlist list it reads (``playlist_pages``), whatever the library's size. ``GET /me`` is not
among them when the caller knows both users already.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from transfer.engine.changes import (
    CollectionRead,
    ListRead,
    read_collection,
    read_list,
)
from transfer.engine.lookups import TargetView, list_pages, look_up
from transfer.engine.marks import (
    MARKS_FACT,
    ListMark,
    SavedMark,
    SyncMarks,
    list_exact,
    load_marks,
    next_behind,
    next_settled,
    options_fingerprint,
)
from transfer.engine.reading import (
    FullReader,
    Libraries,
    ReadJob,
    chosen,
    held_items,
)
from transfer.export import with_entries
from transfer.models import SAVED_CATEGORIES, Category, Library, Playlist, SavedItem
from transfer.plan import MirrorInput, Plan, PlaylistLink, source_needs_reading
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now

DEFAULT_PLAYLIST_PAGES = 4


@dataclass(frozen=True)
class ChangesReader:
    """Reads what changed since the last run's marks; ``full`` ignores them."""

    playlist_pages: int = DEFAULT_PLAYLIST_PAGES
    full: bool = False

    def read(self, job: ReadJob) -> Libraries:
        marks = None if self.full else load_marks(job.journal, job.options)
        if marks is None or job.source is None:
            return FullReader().read(job)
        return _Changes(job, job.source, marks, self.playlist_pages).read()


class _Changes:
    """One incremental read."""

    def __init__(self, job: ReadJob, source: SpotifyAdapter, marks: SyncMarks,
                 playlist_pages: int) -> None:
        self.job = job
        self.source = source
        self.options = job.options
        self.marks = marks
        self.links = job.journal.links()
        self.behind = frozenset(marks.playlists.behind if marks.playlists else ())
        self.settled = marks.playlists.settled if marks.playlists else {}
        self.playlist_pages = playlist_pages

    @cached_property
    def held(self) -> dict[Category, frozenset[str]]:
        """What the tool holds in the target: read only when a mirror or a full read needs it
        (tens of thousands of rows on a large library)."""
        return held_items(self.job.journal)

    def read(self) -> Libraries:
        collections, listing = self._source()
        planned = self._planned(listing) if listing is not None else ()
        target = self._target(collections, planned)
        source = _library(self.source, planned,
                          {category: read.new for category, read in collections.items()})
        target_library = _library(self.job.target, target.playlists, target.saved)
        mirror = self._mirror(collections, listing) if self.options.mirror else None

        def facts(plan: Plan) -> Mapping[str, Any]:
            marks = self._next_marks(collections, listing, planned, plan)
            return {MARKS_FACT: marks.model_dump(mode="json")}

        return Libraries(source, target_library, target.listed or (), mirror, facts)

    # -- the source ---------------------------------------------------------------------------

    def _source(self) -> tuple[dict[Category, CollectionRead], ListRead | None]:
        """The saved collections and the playlist list, read side by side."""
        wanted = [category for category in SAVED_CATEGORIES if self.options.wants(category)]
        with ThreadPoolExecutor(max_workers=len(wanted) + 1) as pool:
            reads = {
                category: pool.submit(read_collection, self.source, category,
                                      self.marks.saved.get(category), self.options.mirror,
                                      self.job.progress)
                for category in wanted
            }
            listing = pool.submit(self._list)
            collections = {category: read.result() for category, read in reads.items()}
            return collections, listing.result()

    def _list(self) -> ListRead | None:
        if not self.options.wants(Category.PLAYLISTS):
            return None
        mark = self.marks.playlists
        pages = self.playlist_pages
        if self.options.mirror and (mark is None or not mark.exact or mark.behind):
            pages = 0
        return read_list(self.source, mark, pages)

    def _planned(self, listing: ListRead) -> tuple[Playlist, ...]:
        """The playlists the plan must look at, owned ones with their items where needed."""
        planned = []
        for playlist in listing.seen:
            if playlist.id not in listing.known:
                planned.append(self._with_entries(playlist, self.links.get(playlist.id), False))
                continue
            if playlist.relation != "owned" or not chosen(playlist, self.options):
                continue
            link = self.links.get(playlist.id)
            again = self.options.mirror and playlist.id in self.behind
            left_alone = self.settled.get(playlist.id) == playlist.snapshot_id
            if link is None and playlist.id in self.settled and not left_alone:
                # left alone uncopied (a page could not be read, say) and changed since
                planned.append(self._with_entries(playlist, None, False))
            elif link is not None and (again or (source_needs_reading(link, playlist)
                                                 and not left_alone)):
                planned.append(self._with_entries(playlist, link, again))
        return tuple(planned)

    def _with_entries(self, playlist: Playlist, link: PlaylistLink | None, always: bool
                      ) -> Playlist:
        if (playlist.relation == "owned" and chosen(playlist, self.options)
                and (always or source_needs_reading(link, playlist))):
            return with_entries(self.source, playlist)
        return playlist

    # -- the target ---------------------------------------------------------------------------

    def _target(self, collections: Mapping[Category, CollectionRead],
                planned: tuple[Playlist, ...]) -> TargetView:
        creates = any(p.relation == "owned" and p.id not in self.links and chosen(p, self.options)
                      for p in planned)
        follows = [p for p in planned if p.relation != "owned" and chosen(p, self.options)]
        changed = [(p, self.links[p.id]) for p in planned
                   if p.relation == "owned" and p.id in self.links]
        return look_up(
            self.job.target,
            candidates={category: read.new for category, read in collections.items()},
            in_full=[category for category, read in collections.items() if read.hidden],
            follows=follows,
            changed=changed,
            list_pages=None if creates else list_pages(len(self.links)),
            progress=self.job.progress,
        )

    # -- mirror and marks ---------------------------------------------------------------------

    def _mirror(self, collections: Mapping[Category, CollectionRead],
                listing: ListRead | None) -> MirrorInput:
        present: dict[Category, frozenset[str]] = {}
        totals: dict[Category, int] = {}
        for category, read in collections.items():
            totals[category] = read.total
            if read.everything is not None:
                present[category] = frozenset(item.uri for item in read.everything)
        if listing is not None:
            totals[Category.PLAYLISTS] = len(listing.ids)
            if listing.complete:
                present[Category.PLAYLISTS] = frozenset(_playlist_uris(listing.ids))
        return MirrorInput(held=dict(self.held), present=present, totals=totals)

    def _next_marks(self, collections: Mapping[Category, CollectionRead],
                    listing: ListRead | None, planned: tuple[Playlist, ...], plan: Plan
                    ) -> SyncMarks:
        saved = {category: self._exact(category, read) for category, read in collections.items()}
        playlists = None
        if listing is not None:
            behind = next_behind(plan, planned, self.behind) & set(listing.ids)
            exact = self._list_exact(listing)
            playlists = ListMark(ids=listing.ids, next_page=listing.next_page, exact=exact,
                                 behind=tuple(sorted(behind)),
                                 settled=next_settled(plan, self.settled, listing.ids))
        return SyncMarks(options=options_fingerprint(self.options), playlists=playlists,
                         saved=saved)

    def _exact(self, category: Category, read: CollectionRead) -> SavedMark:
        if read.everything is None:
            return read.mark
        present = {item.uri for item in read.everything}
        exact = self.options.mirror or self.held.get(category, frozenset()) <= present
        return read.mark.model_copy(update={"exact": exact})

    def _list_exact(self, listing: ListRead) -> bool:
        previous = self.marks.playlists.exact if self.marks.playlists else False
        if not listing.complete:
            return previous
        return self.options.mirror or list_exact(self.held, self.links,
                                                 set(_playlist_uris(listing.ids)))


def _playlist_uris(ids: tuple[str, ...]) -> list[str]:
    return [f"spotify:playlist:{playlist_id}" for playlist_id in ids]


def _library(adapter: SpotifyAdapter, playlists: tuple[Playlist, ...],
             saved: Mapping[Category, tuple[SavedItem, ...]]) -> Library:
    return Library(
        exported_at=utc_now(),
        account=adapter.me(),
        playlists=playlists,
        **{category.value: items for category, items in saved.items()},
        malformed=adapter.take_malformed(),
    )
