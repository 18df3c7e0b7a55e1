"""Reading what ``verify`` compares: the source (live, or the library of a file), the target,
and which playlist of the target is the copy of which source playlist.

Only reads. The source: its playlist list, the items and custom cover bytes of the owned
playlists chosen, the saved collections chosen (nothing when it comes from a file). The target:
its playlist list, the items and cover bytes of the copies, the items of the playlists that may
be copies to adopt (:func:`transfer.plan.adoption.worth_reading`), the same saved collections.
Unlike a plan, a copy is read even when its link says it is unchanged: ``verify`` proves, it
does not trust the journal.

Which copy is which: the journal's links where there is a journal, else the adoption rules
(:mod:`transfer.plan.adoption`), so a target can be verified from another machine too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from transfer.engine.reading import check_accounts, read_source
from transfer.engine.runner import CallMeter
from transfer.export import read_entries_and_saved, with_cover_bytes
from transfer.journal import Journal
from transfer.models import SAVED_CATEGORIES, Library, Playlist
from transfer.plan import PlanOptions
from transfer.plan.adoption import find_adoptions, unlinked_by_name, worth_reading
from transfer.plan.cost import least_reads
from transfer.plan.playlists import is_selected
from transfer.progress import Progress
from transfer.spotify import SpotifyAdapter
from transfer.spotify.endpoints import SEARCH
from transfer.spotify.retry import utc_now

FoundBy = Literal["journal", "adopted"]


@dataclass(frozen=True)
class Verification:
    """What was read to verify, and which copy is which."""

    source: Library
    target: Library
    copies: Mapping[str, str]
    """Source playlist id -> the id of its copy in the target (perhaps no longer there)."""
    found_by: Mapping[str, FoundBy]
    """How each copy was recognised: a journal link, or the adoption rules."""
    reads: Mapping[str, int]
    """API calls made, per ``"METHOD /template"``."""
    least: int
    """The fewest calls that read as much (identity look-ups left out)."""


def read_to_verify(
    target: SpotifyAdapter,
    options: PlanOptions,
    journal: Journal,
    progress: Progress,
    source: SpotifyAdapter | None = None,
    source_library: Library | None = None,
    searches: int = 0,
) -> Verification:
    """Read both sides for :func:`transfer.report.check.check_target`. ``source_library``: the
    source from a file; else ``source`` is read live. ``searches`` made for the file's songs
    without an id (``--match``) count with the reads. Makes no write request."""
    meter = CallMeter([source, target])
    categories = [category for category in SAVED_CATEGORIES if options.wants(category)]
    live = source_library is None
    if source_library is None:
        assert source is not None
        source_library = _with_covers(source, read_source(source, options, {}, progress),
                                      lambda playlist: is_selected(playlist, options))
    account = target.me()
    check_accounts(source_library.account, account)
    links = journal.links()
    listed = list(target.my_playlists())
    linked = {link.target_playlist_id for link in links.values()}
    unlinked = unlinked_by_name(source_library, options, links)
    wanted = [playlist for playlist in listed if playlist.relation == "owned"
              and (playlist.id in linked or worth_reading(playlist, unlinked, linked))]
    read, saved = read_entries_and_saved(target, wanted, categories, progress)
    by_id = {playlist.id: playlist for playlist in read}
    target_library = Library(
        exported_at=utc_now(), account=account,
        playlists=tuple(by_id.get(playlist.id, playlist) for playlist in listed),
        **{category.value: saved.get(category, ()) for category in SAVED_CATEGORIES},
    )
    copies: dict[str, str] = {}
    found_by: dict[str, FoundBy] = {}
    for source_id, link in links.items():
        copies[source_id] = link.target_playlist_id
        found_by[source_id] = "journal"
    for source_id, copy in find_adoptions(source_library, target_library, options,
                                          links).copies.items():
        copies[source_id] = copy.id
        found_by[source_id] = "adopted"
    copy_ids = set(copies.values())
    target_library = _with_covers(target, target_library, lambda p: p.id in copy_ids)
    least = least_reads(target_library, copy_ids, categories)
    if live:
        owned = {p.id for p in source_library.playlists
                 if p.relation == "owned" and is_selected(p, options)}
        least += least_reads(source_library, owned, categories)
    reads = meter.delta()
    if searches:
        reads[str(SEARCH)] = reads.get(str(SEARCH), 0) + searches
    return Verification(source_library, target_library, copies, found_by, reads,
                        least + searches)


def _with_covers(adapter: SpotifyAdapter, library: Library, wanted: Callable[[Playlist], bool]
                 ) -> Library:
    """``library`` with the custom cover bytes of the playlists ``wanted`` picks (image
    downloads, not API calls)."""
    playlists = tuple(with_cover_bytes(adapter, playlist) if wanted(playlist) else playlist
                      for playlist in library.playlists)
    return library.model_copy(update={"playlists": playlists})

