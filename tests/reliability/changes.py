"""Changing the source account between runs, as its owner would in the Spotify app, and what
a sync must then leave in the target.

After a transfer and any number of syncs, the target must hold exactly what one transfer of
the source as it is now would leave in the target as it was at the start: so the expectation
is ``expected_target`` of the sandbox's current state with the target's library put back.
With ``mirror`` the changes include removals (which only ``sync --mirror`` carries over).
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, make_adapter
from transfer.config import Settings
from transfer.models import Category
from transfer.sandbox.covers import cover_jpeg
from transfer.sandbox.seed import SandboxSeed, UserLibrary
from transfer.sandbox.server import SandboxServer
from transfer.spotify import SpotifyAdapter


def source_adapter(server: SandboxServer, home: Path) -> SpotifyAdapter:
    settings = Settings(api_url=server.api_url, accounts_url=server.accounts_url,
                        client_id=server.client_id, home=home)
    log_in_headless(settings, server, {"source": SOURCE_USER})
    return make_adapter(settings, "source", [])


def change_source(server: SandboxServer, home: Path, rng: random.Random, mirror: bool = False,
                  label: str = "1") -> None:
    """Add to the source what every kind of sync change needs: items appended to owned
    playlists, a new playlist with items and a cover, new details, new likes and saves, a new
    artist; with ``mirror`` also items taken out, an unlike, an unfollow."""
    source = source_adapter(server, home)
    state = server.state.dump()
    owned = [p for p in source.my_playlists() if p.relation == "owned" and p.total]
    liked = {item.uri for item in source.saved(Category.LIKED_SONGS)}
    tracks = [f"spotify:track:{t.id}" for t in state.catalog.tracks if t.available]
    fresh = [uri for uri in tracks if uri not in liked]
    rng.shuffle(fresh)
    for playlist in rng.sample(owned, min(3, len(owned))):
        add(source, playlist.id, fresh[:rng.randint(1, 60)])
    created = source.create_playlist(f"New mix {label}", f"Made between runs ({label})",
                                     rng.random() < 0.5, False)
    add(source, created, fresh[60:60 + rng.randint(1, 130)])
    source.upload_cover(created, cover_jpeg(rng.randrange(8)))
    source.change_playlist_details(owned[0].id, description=f"Changed between runs ({label})")
    source.save_to_library(fresh[200:200 + rng.randint(1, 45)])
    albums = {item.uri for item in source.saved(Category.ALBUMS)}
    source.save_to_library([uri for uri in (f"spotify:album:{a.id}" for a in state.catalog.albums)
                            if uri not in albums][:2])
    artists = {item.uri for item in source.followed_artists()}
    source.save_to_library([uri for uri in (f"spotify:artist:{a.id}" for a in
                                            state.catalog.artists) if uri not in artists][:3])
    if mirror:
        victim = owned[-1]
        present = [entry.uri for entry in source.playlist_entries(victim.id) if entry.uri
                   and not entry.is_local]
        source.remove_items(victim.id, rng.sample(present, min(4, len(present))))
        source.remove_from_library(rng.sample(sorted(liked), min(3, len(liked))))
        source.remove_from_library(sorted(artists)[:1])


def add(adapter: SpotifyAdapter, playlist_id: str, uris: list[str]) -> None:
    """Append ``uris`` a hundred at a time, as the app does."""
    for start in range(0, len(uris), 100):
        adapter.add_items(playlist_id, uris[start:start + 100])


def expected_after_sync(server: SandboxServer, before: SandboxSeed) -> SandboxSeed:
    """The seed whose transfer the target must now match: the source as it is now, the
    target's own library as it was before the first run."""
    now = server.state.dump()
    now.libraries[TARGET_USER] = before.libraries.get(TARGET_USER, UserLibrary()).model_copy(
        deep=True)
    return now
