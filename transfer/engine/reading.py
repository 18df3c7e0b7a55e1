"""Reading both libraries for a plan, no more than the plan needs.

The source: its playlist list, the items of the owned playlists that are selected and not
already carried at their current snapshot (a copy's link says so), and the saved collections of
the categories chosen. The target: its playlist list, the items of the tool's copies that cannot
be trusted from the journal, the items of its own playlists that may be copies to adopt (named
as the copy of a source playlist with no link is named, and no longer than it: see
:mod:`transfer.plan.adoption`), and the same saved collections. Followed playlists are never read
(Spotify refuses their items since February 2026) and the target's other playlists are not
needed.

How much is read is the reader's choice (:class:`LibraryReader`): :class:`FullReader` reads as
above, what a transfer needs; a sync reads only what changed since the last run
(:class:`transfer.engine.incremental.ChangesReader`). Both leave marks for the next sync.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from transfer.engine.marks import MARKS_FACT, full_marks, previous_behind
from transfer.errors import AccountMixup
from transfer.export import (
    SavedRead,
    finish_saved,
    read_entries,
    read_entries_and_saved,
    read_pool,
    start_saved,
)
from transfer.journal import Journal
from transfer.models import (
    SAVED_CATEGORIES,
    Account,
    Category,
    Library,
    Malformed,
    Playlist,
    SavedItem,
)
from transfer.plan import (
    MirrorInput,
    Plan,
    PlanOptions,
    PlaylistLink,
    copy_needs_reading,
    source_needs_reading,
)
from transfer.plan.adoption import unlinked_by_name, worth_reading
from transfer.progress import Progress
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now

Facts = Callable[[Plan], Mapping[str, Any]]


def _no_facts(plan: Plan) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Libraries:
    """What a plan is computed from: both libraries (as much of them as was read), what a
    mirror needs, and the facts the run keeps once it is planned (the marks of the next sync)."""

    source: Library
    target: Library
    target_playlist_ids: tuple[str, ...] = ()
    """The target's whole playlist list before the run (empty when it was not read, which a
    reader may do only when nothing is created)."""
    mirror: MirrorInput | None = None
    facts: Facts = _no_facts


@dataclass(frozen=True)
class ReadJob:
    """What a reader works with."""

    source: SpotifyAdapter | None
    """None when the source is a snapshot."""
    target: SpotifyAdapter
    options: PlanOptions
    journal: Journal
    progress: Progress


class LibraryReader(Protocol):
    def read(self, job: ReadJob) -> Libraries:
        """Read what the plan needs. Makes no write request."""


@dataclass(frozen=True)
class FullReader:
    """Reads everything a plan may need (what a transfer does), and leaves marks for a sync."""

    def read(self, job: ReadJob) -> Libraries:
        if job.source is None:
            raise ValueError("a full read needs the live source")
        links = job.journal.links()
        held = held_items(job.journal)
        behind = previous_behind(job.journal) if job.options.mirror else frozenset()
        with read_pool(job.target) as pool:  # the target's collections while the source is read
            early = start_saved(pool, job.target, _wanted(job.options))
            source = read_source(job.source, job.options, links, job.progress, behind)
            target = read_target(job.target, source, job.options, links, job.progress, early)
        mirror = whole_source_mirror(source, job.options, held) if job.options.mirror else None

        def facts(plan: Plan) -> Mapping[str, Any]:
            marks = full_marks(source, job.options, held, links, plan,
                               previous_behind(job.journal))
            return {MARKS_FACT: marks.model_dump(mode="json")}

        return Libraries(source, target, tuple(p.id for p in target.playlists), mirror, facts)


def held_items(journal: Journal) -> dict[Category, frozenset[str]]:
    """What the tool added to the target and did not take out since, per category."""
    held: dict[str, set[str]] = {}
    for category, uri in journal.held_uris():
        held.setdefault(category, set()).add(uri)
    known = {category.value: category for category in Category}
    return {known[name]: frozenset(uris) for name, uris in held.items() if name in known}


def whole_source_mirror(source: Library, options: PlanOptions,
                        held: Mapping[Category, frozenset[str]]) -> MirrorInput:
    """A mirror's input from a source read in full."""
    present: dict[Category, frozenset[str]] = {}
    for category in options.categories:
        items = _items(source, category)
        present[category] = frozenset(items)
    return MirrorInput(held=dict(held), present=present,
                       totals={category: len(uris) for category, uris in present.items()})


def _items(source: Library, category: Category) -> list[str]:
    if category is Category.PLAYLISTS:
        return [playlist.uri for playlist in source.playlists]
    return [item.uri for item in getattr(source, category.value)]


def check_accounts(source: Account, target: Account) -> None:
    if source.id == target.id:
        raise AccountMixup(
            f"Source and target are the same Spotify account ({source.id}).",
            advice="Log in to the other account with `spotify-transfer login target` "
                   "(or `login source`).",
        )


def read_source(
    adapter: SpotifyAdapter,
    options: PlanOptions,
    links: Mapping[str, PlaylistLink],
    progress: Progress,
    also: frozenset[str] = frozenset(),
) -> Library:
    """The source; ``also`` names owned playlists whose items are read whatever their link
    says (copies a mirror must bring back in line)."""
    account = adapter.me()
    progress.begin(Category.PLAYLISTS.value)
    listed = list(adapter.my_playlists())
    wanted = [playlist for playlist in listed
              if _source_needs_items(playlist, options, links.get(playlist.id),
                                     playlist.id in also)]
    read, saved = _read_parts(adapter, wanted, options, progress)
    progress.end(Category.PLAYLISTS.value)
    return _library(account, _replaced(listed, read), saved, adapter.take_malformed())


def chosen(playlist: Playlist, options: PlanOptions) -> bool:
    """Whether the options select this playlist (category on, patterns matching)."""
    return (
        options.wants(Category.PLAYLISTS)
        and options.excluding_pattern(playlist.name, playlist.id) is None
        and options.is_included(playlist.name, playlist.id)
    )


def _source_needs_items(
    playlist: Playlist, options: PlanOptions, link: PlaylistLink | None, always: bool = False
) -> bool:
    return (chosen(playlist, options) and playlist.relation == "owned"
            and (always or source_needs_reading(link, playlist)))


def read_target(
    adapter: SpotifyAdapter,
    source: Library,
    options: PlanOptions,
    links: Mapping[str, PlaylistLink],
    progress: Progress,
    saved_reads: Mapping[Category, SavedRead] | None = None,
) -> Library:
    """The target; ``saved_reads``: its saved collections, when their reading was started
    earlier (``start_saved``)."""
    account = adapter.me()
    check_accounts(source.account, account)
    by_source = {playlist.id: playlist for playlist in source.playlists}
    copies = {link.target_playlist_id: link for link in links.values()}
    unlinked = unlinked_by_name(source, options, links)
    listed = list(adapter.my_playlists())
    wanted = []
    for playlist in listed:
        link = copies.get(playlist.id)
        original = by_source.get(link.source_playlist_id) if link is not None else None
        stale_copy = original is not None and copy_needs_reading(link, original, playlist)
        if stale_copy or worth_reading(playlist, unlinked, copies):
            wanted.append(playlist)
    if saved_reads is None:
        read, saved = _read_parts(adapter, wanted, options, progress)
    else:
        read = read_entries(adapter, wanted)
        saved = _every_category(finish_saved(saved_reads, progress))
    return _library(account, _replaced(listed, read), saved, adapter.take_malformed())


def _read_parts(
    adapter: SpotifyAdapter, playlists: list[Playlist], options: PlanOptions, progress: Progress
) -> tuple[list[Playlist], dict[Category, tuple[SavedItem, ...]]]:
    """The entries of ``playlists`` and the saved collections the options want, read side by
    side; collections not wanted are empty."""
    read, saved = read_entries_and_saved(adapter, playlists, _wanted(options), progress)
    return read, _every_category(saved)


def _wanted(options: PlanOptions) -> list[Category]:
    return [category for category in SAVED_CATEGORIES if options.wants(category)]


def _every_category(saved: Mapping[Category, tuple[SavedItem, ...]]
                    ) -> dict[Category, tuple[SavedItem, ...]]:
    """Every saved collection; those not read are empty."""
    return {category: saved.get(category, ()) for category in SAVED_CATEGORIES}


def _replaced(listed: list[Playlist], read: list[Playlist]) -> tuple[Playlist, ...]:
    """The playlist list with the playlists whose entries were read in their place."""
    by_id = {playlist.id: playlist for playlist in read}
    return tuple(by_id.get(playlist.id, playlist) for playlist in listed)


def _library(
    account: Account, playlists: tuple[Playlist, ...],
    saved: dict[Category, tuple[SavedItem, ...]], malformed: tuple[Malformed, ...],
) -> Library:
    return Library(
        exported_at=utc_now(),
        account=account,
        playlists=playlists,
        **{category.value: items for category, items in saved.items()},
        malformed=malformed,
    )


@dataclass(frozen=True)
class SnapshotReader:
    """The source from an earlier export, the target live; no marks (the source is not live)."""

    library: Library

    def read(self, job: ReadJob) -> Libraries:
        check_accounts(self.library.account, job.target.me())
        links = job.journal.links()
        target = read_target(job.target, self.library, job.options, links, job.progress)
        return Libraries(self.library, target, tuple(p.id for p in target.playlists))
