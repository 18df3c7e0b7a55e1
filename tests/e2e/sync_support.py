"""Support for sync tests against the sandbox: two logged-in accounts and their journal, a sync
run in-process, changes made in the source account through the API, and the check that the
target is in step with the source, computed from the sandbox's state document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter
from transfer.auth import AccountTokens, TokenStore
from transfer.config import Settings
from transfer.journal import Journal, journal_path
from transfer.models import Kind, uri_of
from transfer.plan import PlanOptions, PlaylistLink
from transfer.sandbox.seed import Playlist as SeedPlaylist
from transfer.sandbox.seed import SandboxSeed, UserLibrary
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.state import entry_uri
from transfer.spotify import SpotifyAdapter
from transfer.sync.job import SyncJob, SyncRequest, SyncTally
from transfer.sync.users import identify

SAVED_KINDS = ("tracks", "albums", "shows", "episodes", "audiobooks")


@dataclass
class SyncWorld:
    server: SandboxServer
    settings: Settings
    sleeps: list[float] = field(default_factory=list)

    def journal(self) -> Journal:
        return Journal.open(journal_path(self.settings.home, SOURCE_USER, TARGET_USER))

    def job(self, playlist_pages: int = 4, max_removal_share: float = 0.25,
            **request: bool) -> SyncJob:
        source = make_adapter(self.settings, "source", self.sleeps)
        target = make_adapter(self.settings, "target", self.sleeps)
        store = TokenStore(self.settings.home)

        def open_journal(*_: object) -> Journal:
            return self.journal()

        return SyncJob(
            source=source, target=target, options=PlanOptions(),
            identify_source=lambda: identify(source, AccountTokens("source", self.settings,
                                                                   store), self.settings),
            identify_target=lambda: identify(target, AccountTokens("target", self.settings,
                                                                   store), self.settings),
            open_journal=open_journal, request=SyncRequest(**request),
            playlist_pages=playlist_pages, max_removal_share=max_removal_share,
        )

    def sync(self, **request: bool) -> SyncTally:
        return self.job(**request).run()

    def source(self) -> SpotifyAdapter:
        """The source account, to change it as its user would."""
        return make_adapter(self.settings, "source", [])

    def target(self) -> SpotifyAdapter:
        return make_adapter(self.settings, "target", [])

    def links(self) -> dict[str, PlaylistLink]:
        with self.journal() as journal:
            return journal.links()

    def state(self) -> SandboxSeed:
        return self.server.state.dump()

    def calls(self) -> int:
        return self.server.request_log.api_total()


def make_sync_world(server: SandboxServer, point_at: Callable[[SandboxServer], Settings]
                    ) -> SyncWorld:
    return SyncWorld(server, point_at(server))


def unsaved(state: SandboxSeed, kind: str, count: int = 1) -> list[str]:
    """URIs of catalogue items of ``kind`` (``tracks``, ``albums``, ...) the source has not
    saved."""
    library = state.libraries[SOURCE_USER]
    saved = {ref.id for ref in getattr(library, kind)} if kind != "artists" else set(
        library.artists)
    singular = {"tracks": Kind.TRACK, "albums": Kind.ALBUM, "shows": Kind.SHOW,
                "episodes": Kind.EPISODE, "audiobooks": Kind.AUDIOBOOK,
                "artists": Kind.ARTIST}[kind]
    catalogue = getattr(state.catalog, kind)
    items = [item for item in catalogue
             if item.id not in saved and getattr(item, "available", True)]
    return [uri_of(singular, item.id) for item in items[:count]]


def owned_playlists(state: SandboxSeed) -> list[SeedPlaylist]:
    playlists = {playlist.id: playlist for playlist in state.playlists}
    return [playlists[pid] for pid in state.libraries[SOURCE_USER].playlists
            if playlists[pid].owner_id == SOURCE_USER]


def movable(state: SandboxSeed, playlist: SeedPlaylist) -> list[str]:
    """What a copy of ``playlist`` must hold: its entries but local files and withdrawn ones."""
    tracks = {track.id: track for track in state.catalog.tracks}
    uris = []
    for entry in playlist.entries:
        if entry.uri is None:
            continue
        kind, item_id = entry.uri.split(":")[1:3]
        if kind == "track" and not tracks[item_id].available:
            continue
        uris.append(entry.uri)
    return uris


def _ids(library: UserLibrary, kind: str) -> list[str]:
    return list(library.artists) if kind == "artists" else [r.id for r in getattr(library, kind)]


def assert_in_step(state: SandboxSeed, links: dict[str, PlaylistLink],
                   exact: UserLibrary | None = None) -> None:
    """The target holds everything of the source, in the source's order: every owned playlist
    as a copy with the same details, items and cover; every followed playlist followed; every
    saved item saved and every artist followed. With ``exact`` (what the target had before the
    tool), it holds nothing else either (a mirror)."""
    playlists = {playlist.id: playlist for playlist in state.playlists}
    source = state.libraries[SOURCE_USER]
    target = state.libraries[TARGET_USER]
    for original in owned_playlists(state):
        copy = playlists[links[original.id].target_playlist_id]
        assert copy.id in target.playlists, f"the copy of {original.name} is listed"
        assert (copy.name, copy.description, copy.collaborative) == (
            original.name, original.description, original.collaborative), original.name
        assert [entry_uri(e) for e in copy.entries] == movable(state, original), original.name
        assert (copy.cover.jpeg_base64 if copy.cover else None) == (
            original.cover.jpeg_base64 if original.cover else None), original.name
    followed = [pid for pid in source.playlists if playlists[pid].owner_id != SOURCE_USER]
    assert set(followed) <= set(target.playlists), "followed playlists"
    for kind in (*SAVED_KINDS, "artists"):
        wanted = _ids(source, kind)
        held = _ids(target, kind)
        assert [item for item in held if item in set(wanted)] == wanted, kind
        if exact is not None:
            had = set(_ids(exact, kind))
            assert [item for item in held if item not in had] == [
                item for item in wanted if item not in had], f"{kind} (mirror)"
    if exact is not None:
        copies = {links[p.id].target_playlist_id for p in owned_playlists(state)}
        expected = set(exact.playlists) | copies | set(followed)
        assert set(target.playlists) == expected, (
            "the target's playlist list (mirror)", set(target.playlists) ^ expected)
