"""What the adapter writes, an export reads back exactly (over real HTTP, on a fresh sandbox):
created playlists with their flags, description, custom cover and items in order; library
saves of every kind; Liked Songs with their dates on an Extended-Quota app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from tests.conftest import SOURCE_USER, make_adapter, small_seed
from tests.e2e.seed_expectations import SeedView
from transfer.config import Settings
from transfer.export import read_library
from transfer.models import Category
from transfer.sandbox.server import SandboxServer
from transfer.spotify import DatesNotSupported, SpotifyAdapter

pytestmark = pytest.mark.e2e

Connect = Callable[[str], SpotifyAdapter]


@pytest.fixture
def development() -> Iterator[SandboxServer]:
    with SandboxServer(small_seed(), port=0) as server:
        yield server


@pytest.fixture
def extended() -> Iterator[SandboxServer]:
    with SandboxServer(small_seed(), port=0, mode="extended") as server:
        yield server


@pytest.fixture
def connect(point_at: Callable[[SandboxServer], Settings]) -> Callable[[SandboxServer], Connect]:
    """``connect(server)(account)``: an adapter for a logged-in account of ``server``."""

    def to(server: SandboxServer) -> Connect:
        settings = point_at(server)
        return lambda account: make_adapter(settings, account, [])

    return to


def test_a_created_playlist_reads_back_exactly(development: SandboxServer,
                                              connect: Callable[[SandboxServer], Connect]
                                              ) -> None:
    adapter = connect(development)
    source, target = adapter("source"), adapter("target")
    original = next(p for p in source.my_playlists()
                    if p.relation == "owned" and p.cover is not None and p.cover.custom)
    assert original.cover is not None
    jpeg = source.download_image(original.cover.url)
    entries = [entry.uri for entry in source.playlist_entries(original.id) if entry.uri
               and not entry.is_local]
    description = "Songs & stories / for the road — 'live' <3"
    playlist_id = target.create_playlist("Copy ✨", description, public=False,
                                         collaborative=True)
    for start in range(0, len(entries), 30):
        target.add_items(playlist_id, entries[start:start + 30], position=start)
    target.upload_cover(playlist_id, jpeg)

    copy = next(p for p in read_library(target).playlists if p.id == playlist_id)
    assert (copy.name, copy.description) == ("Copy ✨", description)
    assert (copy.public, copy.collaborative, copy.relation) == (False, True, "owned")
    assert copy.cover is not None and copy.cover.custom
    assert target.download_image(copy.cover.url) == jpeg
    assert [entry.uri for entry in copy.entries or ()] == entries


def test_library_saves_of_every_kind_read_back(development: SandboxServer,
                                               connect: Callable[[SandboxServer], Connect]
                                               ) -> None:
    adapter = connect(development)
    source, target = adapter("source"), adapter("target")
    library = read_library(source)
    followed = next(p for p in library.playlists if p.relation == "followed")
    groups = {
        "liked_songs": [item.uri for item in reversed(library.liked_songs)],
        "albums": [item.uri for item in reversed(library.albums)],
        "artists": [item.uri for item in library.artists],
        "shows": [item.uri for item in reversed(library.shows)],
        "episodes": [item.uri for item in reversed(library.episodes)],
        "audiobooks": [item.uri for item in reversed(library.audiobooks)],
    }
    mixed = [uri for group in groups.values() for uri in group] + [followed.uri]
    target.save_to_library(mixed)
    assert target.calls[("PUT", "/me/library")] == -(-len(mixed) // 40)

    copy = read_library(target)
    assert [item.uri for item in reversed(copy.liked_songs)] == groups["liked_songs"]
    assert [item.uri for item in reversed(copy.albums)] == groups["albums"]
    assert [item.uri for item in copy.artists] == groups["artists"]
    assert [item.uri for item in reversed(copy.episodes)] == groups["episodes"]
    assert [item.uri for item in reversed(copy.audiobooks)] == groups["audiobooks"]
    assert [p.id for p in copy.playlists if p.relation == "followed"] == [followed.id]


def test_dated_saves_set_the_original_dates_on_an_extended_app(
    extended: SandboxServer, connect: Callable[[SandboxServer], Connect]
) -> None:
    target = connect(extended)("target")
    liked = SeedView(extended.state.dump(), SOURCE_USER).liked_songs()
    oldest_first = list(reversed(liked))
    target.save_tracks_with_dates(
        [(item.uri.rsplit(":", 1)[1], item.added_at or datetime.now(UTC))
         for item in oldest_first])
    assert target.calls[("PUT", "/me/tracks")] == -(-len(liked) // 50)
    copy = list(target.saved(Category.LIKED_SONGS))
    assert [(item.uri, item.added_at) for item in copy] == [
        (item.uri, item.added_at) for item in liked]


def test_dated_saves_are_refused_on_a_development_app(
    development: SandboxServer, connect: Callable[[SandboxServer], Connect]
) -> None:
    target = connect(development)("target")
    when = datetime(2023, 1, 15, 14, 30, tzinfo=UTC)
    track = SeedView(development.state.dump(), SOURCE_USER).liked_songs()[0].uri
    with pytest.raises(DatesNotSupported):
        target.save_tracks_with_dates([(track.rsplit(":", 1)[1], when)])
    assert list(target.saved(Category.LIKED_SONGS)) == []
