"""Reading both libraries for a plan, no more than the plan needs.

The source: its playlist list, the items of the owned playlists that are selected and not
already carried at their current snapshot (a copy's link says so), and the saved collections of
the categories chosen. The target: its playlist list, the items of the tool's copies that cannot
be trusted from the journal, and the same saved collections. Followed playlists are never read
(Spotify refuses their items since February 2026) and the target's own playlists are not
needed.
"""

from __future__ import annotations

from collections.abc import Mapping

from transfer.errors import AccountMixup
from transfer.export import read_saved, with_entries
from transfer.models import SAVED_CATEGORIES, Account, Category, Library, Playlist, SavedItem
from transfer.plan import PlanOptions, PlaylistLink, copy_needs_reading, source_needs_reading
from transfer.progress import Progress
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now


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
) -> Library:
    account = adapter.me()
    progress.begin(Category.PLAYLISTS.value)
    playlists = tuple(
        _source_playlist(adapter, playlist, options, links.get(playlist.id))
        for playlist in adapter.my_playlists()
    )
    progress.end(Category.PLAYLISTS.value)
    return _library(account, playlists, _saved(adapter, options, progress))


def _source_playlist(
    adapter: SpotifyAdapter, playlist: Playlist, options: PlanOptions, link: PlaylistLink | None
) -> Playlist:
    chosen = (
        options.wants(Category.PLAYLISTS)
        and options.excluding_pattern(playlist.name) is None
        and options.is_included(playlist.name)
    )
    if chosen and playlist.relation == "owned" and source_needs_reading(link, playlist):
        return with_entries(adapter, playlist)
    return playlist


def read_target(
    adapter: SpotifyAdapter,
    source: Library,
    options: PlanOptions,
    links: Mapping[str, PlaylistLink],
    progress: Progress,
) -> Library:
    account = adapter.me()
    check_accounts(source.account, account)
    by_source = {playlist.id: playlist for playlist in source.playlists}
    copies = {link.target_playlist_id: link for link in links.values()}
    playlists = []
    for playlist in adapter.my_playlists():
        link = copies.get(playlist.id)
        original = by_source.get(link.source_playlist_id) if link is not None else None
        if original is not None and copy_needs_reading(link, original, playlist):
            playlist = with_entries(adapter, playlist)
        playlists.append(playlist)
    return _library(account, tuple(playlists), _saved(adapter, options, progress))


def _saved(
    adapter: SpotifyAdapter, options: PlanOptions, progress: Progress
) -> dict[Category, tuple[SavedItem, ...]]:
    return {
        category: read_saved(adapter, category, progress) if options.wants(category) else ()
        for category in SAVED_CATEGORIES
    }


def _library(
    account: Account, playlists: tuple[Playlist, ...], saved: dict[Category, tuple[SavedItem, ...]]
) -> Library:
    return Library(
        exported_at=utc_now(),
        account=account,
        playlists=playlists,
        **{category.value: items for category, items in saved.items()},
    )
