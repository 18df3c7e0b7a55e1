"""Support for engine tests against the sandbox: a world of two logged-in accounts and a
journal, and the check that the target holds exactly what a transfer must leave there,
computed from the sandbox's state document rather than through the tool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter
from transfer.config import Settings
from transfer.engine import Engine
from transfer.journal import Journal, journal_path
from transfer.plan import PlanOptions, PlaylistLink
from transfer.sandbox.seed import Playlist as SeedPlaylist
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.state import entry_uri


@dataclass
class World:
    server: SandboxServer
    settings: Settings
    before: SandboxSeed
    sleeps: list[float] = field(default_factory=list)

    def journal(self) -> Journal:
        return Journal.open(journal_path(self.settings.home, SOURCE_USER, TARGET_USER))

    def engine(self, journal: Journal, snapshot: Path | None = None, **options: object
               ) -> Engine:
        target = make_adapter(self.settings, "target", self.sleeps)
        source = None if snapshot else make_adapter(self.settings, "source", self.sleeps)
        return Engine(target=target, journal=journal, source=source, snapshot=snapshot,
                      options=PlanOptions.model_validate(options))


def make_world(server: SandboxServer, point_at: Callable[[SandboxServer], Settings]) -> World:
    settings = point_at(server)
    server.request_log.reset()
    return World(server, settings, server.state.dump())


def _movable(seed: SandboxSeed, playlist: SeedPlaylist) -> list[str]:
    tracks = {track.id: track for track in seed.catalog.tracks}
    uris = []
    for entry in playlist.entries:
        if entry.uri is None:
            continue
        kind, item_id = entry.uri.split(":")[1:3]
        if kind == "track" and not tracks[item_id].available:
            continue
        uris.append(entry.uri)
    return uris


def assert_transferred(before: SandboxSeed, after: SandboxSeed, links: dict[str, PlaylistLink]
                       ) -> None:
    """The target after a transfer with default options, item by item."""
    playlists = {playlist.id: playlist for playlist in after.playlists}
    source = before.libraries[SOURCE_USER]
    had = before.libraries.get(TARGET_USER)
    had_list = list(had.playlists) if had else []
    new = [links[pid].target_playlist_id if playlists[pid].owner_id == SOURCE_USER else pid
           for pid in source.playlists
           if playlists[pid].owner_id == SOURCE_USER or pid not in had_list]
    target = after.libraries[TARGET_USER]
    assert target.playlists == [*new, *had_list], "playlist list order"
    for pid in source.playlists:
        original = playlists[pid]
        if original.owner_id != SOURCE_USER:
            continue
        copy = playlists[links[pid].target_playlist_id]
        assert copy.owner_id == TARGET_USER
        assert (copy.name, copy.description, copy.collaborative) == (
            original.name, original.description, original.collaborative)
        assert copy.public == (original.public and not original.collaborative)
        assert [entry_uri(e) for e in copy.entries] == _movable(before, original), original.name
        assert (copy.cover.jpeg_base64 if copy.cover else None) == (
            original.cover.jpeg_base64 if original.cover else None), original.name
    for kind in ("tracks", "albums", "shows", "episodes", "audiobooks"):
        had_ids = [ref.id for ref in getattr(had, kind)] if had else []
        wanted = [ref.id for ref in getattr(source, kind) if ref.id not in had_ids]
        assert [ref.id for ref in getattr(target, kind)] == [*had_ids, *wanted], kind
    had_artists = list(had.artists) if had else []
    assert target.artists == [*had_artists,
                              *(a for a in source.artists if a not in had_artists)]
