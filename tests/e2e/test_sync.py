"""``sync`` against the sandbox: every kind of change reaches the target, a sync where nothing
changed costs a few calls whatever the library's size, and a paused sync is resumed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.e2e.sync_support import (
    SyncWorld,
    assert_in_step,
    make_sync_world,
    owned_playlists,
    unsaved,
)
from transfer.config import Settings
from transfer.errors import RateLimited
from transfer.journal import RunKind, RunState
from transfer.sandbox.builtin import builtin_seed, generate_seed
from transfer.sandbox.covers import cover_jpeg
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

NO_OP_MOST = 10
"""A sync where nothing changed costs at most this many calls, whatever the library's size."""


@pytest.fixture
def world(point_at: Callable[[SandboxServer], Settings]) -> Iterator[SyncWorld]:
    with SandboxServer(small_seed(), port=0) as server:
        world = make_sync_world(server, point_at)
        world.sync()
        server.request_log.reset()
        yield world


def test_the_first_sync_transfers_everything_and_the_next_one_reads_little(
        world: SyncWorld) -> None:
    assert_in_step(world.state(), world.links())
    tally = world.sync()
    assert tally.changes.empty and world.server.request_log.writes() == 0
    assert tally.calls == world.calls() <= NO_OP_MOST
    with world.journal() as journal:
        kinds = [run.kind for run in journal.runs()]
    assert kinds == [RunKind.SYNC, RunKind.SYNC]


def test_every_kind_of_change_reaches_the_target(world: SyncWorld) -> None:
    state = world.state()
    source = world.source()
    first, second = owned_playlists(state)[:2]
    new_tracks = unsaved(state, "tracks", 3)
    created = source.create_playlist("Brand new", "made after the first sync", public=True)
    source.add_items(created, new_tracks[:2])
    source.upload_cover(created, cover_jpeg(3))
    source.add_items(first.id, new_tracks)
    source.change_playlist_details(second.id, name="Renamed", description="new words",
                                   public=not second.public)
    source.upload_cover(first.id, cover_jpeg(5))
    listed = state.libraries[SOURCE_USER].playlists
    followed = next(p.id for p in state.playlists
                    if p.owner_id == "spotify" and p.id not in listed)
    saves = [*new_tracks[:2], *unsaved(state, "albums"), *unsaved(state, "shows"),
             *unsaved(state, "episodes"), *unsaved(state, "audiobooks"),
             *unsaved(state, "artists", 2), f"spotify:playlist:{followed}"]
    source.save_to_library(saves)
    world.server.request_log.reset()

    tally = world.sync()

    after = world.state()
    assert_in_step(after, world.links())
    changes = tally.changes
    assert changes.created == 1 and changes.created_items == 2
    assert len(changes.continued) == 2 and changes.appended == 3
    assert {category.value: count for category, count in changes.saved.items()} == {
        "liked_songs": 2, "albums": 1, "shows": 1, "episodes": 1, "audiobooks": 1,
        "artists": 2, "playlists": 1}
    assert changes.removed == 0 and not changes.failed
    assert tally.calls == world.calls()
    assert world.sync().changes.empty, "a second sync finds nothing more"


def test_a_sync_where_nothing_changed_costs_the_same_whatever_the_size(
        point_at: Callable[[SandboxServer], Settings], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    costs = {}
    for name, seed in (("small", small_seed()), ("built-in", builtin_seed())):
        monkeypatch.setenv("SPOTIFY_TRANSFER_HOME", str(tmp_path / name))
        with SandboxServer(seed, port=0) as server:
            world = make_sync_world(server, point_at)
            world.sync()
            server.request_log.reset()
            tally = world.sync()
            assert tally.changes.empty and server.request_log.writes() == 0
            costs[name] = server.request_log.api_total()
    assert costs["built-in"] == costs["small"] <= NO_OP_MOST, costs


def test_a_long_playlist_list_is_read_in_turns(
        point_at: Callable[[SandboxServer], Settings]) -> None:
    """The first page of the list is read every time, the others in turn: a change further
    down arrives within a turn of the pages, and each sync still costs the same."""
    seed = generate_seed(liked=20, playlists=130, big_playlist=0, saved_albums=3,
                         followed_artists=3, saved_shows=1, saved_episodes=1,
                         saved_audiobooks=1)
    with SandboxServer(seed, port=0) as server:
        world = make_sync_world(server, point_at)
        world.sync()
        state = world.state()
        listed = state.libraries[SOURCE_USER].playlists
        deep = next(p for p in owned_playlists(state) if listed.index(p.id) >= 100)
        world.source().add_items(deep.id, unsaved(state, "tracks", 1))
        arrivals = []
        for _ in range(2):
            server.request_log.reset()
            tally = world.job(playlist_pages=2).run()
            arrivals.append(tally.changes.appended)
            if not tally.changes.appended:
                assert server.request_log.api_total() == 6 + 2, "6 collections, 2 pages"
        assert sorted(arrivals) == [0, 1], arrivals
        assert_in_step(world.state(), world.links())


def test_a_pause_is_resumed_by_the_next_sync(world: SyncWorld) -> None:
    state = world.state()
    world.source().save_to_library(unsaved(state, "tracks", 45))
    created = world.source().create_playlist("Later")
    world.source().add_items(created, unsaved(state, "tracks", 3))
    world.server.reset_quota()
    world.server.set_faults(Faults(quota=12, quota_retry_after=3600))
    job = world.job()
    with pytest.raises(RateLimited):
        job.run()
    with world.journal() as journal:
        run = journal.unfinished_run()
    assert run is not None and run.state is RunState.PAUSED and run.resume_at is not None
    resume_at = run.resume_at
    world.server.set_faults(Faults())
    world.server.reset_quota()
    resumed = world.job()
    resumed.clock = lambda: resume_at
    tally = resumed.run()
    assert len(tally.run_ids) == 2, "the paused run, then a new one"
    assert_in_step(world.state(), world.links())
    assert TARGET_USER in world.state().libraries
