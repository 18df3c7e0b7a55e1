"""The engine against the sandbox over real HTTP: a complete, exact transfer at about the
least calls; re-runs that write nothing; overlap; snapshots; refusals; lost answers, pauses
and interruptions resumed without loss or doubling."""

from __future__ import annotations

from collections.abc import Callable
from math import ceil
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, make_adapter
from tests.e2e.engine_support import World, assert_transferred, make_world
from transfer.config import Settings
from transfer.errors import AccountMixup, RateLimited, TransferError
from transfer.export import read_library, write_snapshot
from transfer.journal import Outcome, RunState
from transfer.plan import AddPlaylistItems, CreatePlaylist, least_calls
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import Playlist as SeedPlaylist
from transfer.sandbox.seed import SandboxSeed, UserLibrary
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(fresh_sandbox: SandboxServer, point_at: Callable[[SandboxServer], Settings]) -> World:
    return make_world(fresh_sandbox, point_at)


def test_a_fresh_transfer_is_exact_and_costs_about_the_least_calls(world: World) -> None:
    with world.journal() as journal:
        engine = world.engine(journal)
        prepared = engine.prepare()
        assert world.server.request_log.writes() == 0, "planning writes nothing"
        report = engine.apply(prepared)
        links = journal.links()
    assert report.state is RunState.DONE and not report.failures
    assert_transferred(world.before, world.server.state.dump(), links)
    used = world.server.request_log.total()
    source = read_library(make_adapter(world.settings, "source", []))
    least = least_calls(source).total + 2  # + who each account is
    assert used <= least * 1.05, (used, least, dict(world.server.request_log.counts()))
    assert sum(report.calls.values()) == used


def test_a_second_run_writes_nothing(world: World) -> None:
    with world.journal() as journal:
        world.engine(journal).run()
        world.server.request_log.reset()
        prepared = world.engine(journal).prepare()
        assert prepared.plan.is_empty, prepared.plan.writes[:3]
        report = world.engine(journal).apply(prepared)
    assert report.state is RunState.DONE
    assert world.server.request_log.writes() == 0


def test_the_same_account_on_both_sides_is_refused(world: World) -> None:
    log_in_headless(world.settings, world.server, {"target": SOURCE_USER})
    with world.journal() as journal, pytest.raises(AccountMixup):
        world.engine(journal).prepare()
    assert world.server.request_log.writes() == 0


def test_a_transfer_from_a_snapshot(world: World, tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    write_snapshot(read_library(make_adapter(world.settings, "source", [])), path)
    with world.journal() as journal:
        report = world.engine(journal, snapshot=path).run()
        links = journal.links()
        assert journal.run(report.run_id).origin == str(path)
    assert_transferred(world.before, world.server.state.dump(), links)


def test_lost_answers_are_checked_before_anything_is_sent_again(world: World) -> None:
    world.server.set_faults(Faults(fail_after_apply_rate=0.2, drop_after_apply_rate=0.2,
                                   error_rate=0.2,
                                   only=["POST /playlists/{playlist_id}/items",
                                         "POST /me/playlists"]), rng_seed=7)
    with world.journal() as journal:
        report = world.engine(journal).run()
        links = journal.links()
    assert report.state is RunState.DONE
    assert_transferred(world.before, world.server.state.dump(), links)


def test_a_pause_checkpoints_and_the_next_run_finishes_the_job(world: World) -> None:
    with world.journal() as journal:
        prepared = world.engine(journal).prepare()
        world.server.reset_quota()
        world.server.set_faults(Faults(quota=40, quota_retry_after=3600))
        with pytest.raises(RateLimited) as paused:
            world.engine(journal).apply(prepared)
        assert paused.value.quota
        run = journal.unfinished_run()
        assert run is not None and run.state is RunState.PAUSED
        assert run.resume_at == paused.value.resume_at
        before = world.server.request_log.total()
        with pytest.raises(RateLimited):  # too early: no request at all
            world.engine(journal).run()
        assert world.server.request_log.total() == before
        world.server.set_faults(Faults())
        world.server.reset_quota()
        engine = world.engine(journal)
        engine.clock = lambda: paused.value.resume_at
        report = engine.run()
        assert report.resumed and report.state is RunState.DONE
        links = journal.links()
    assert_transferred(world.before, world.server.state.dump(), links)


class _Stop:
    """A progress that presses Ctrl-C after some items."""

    def __init__(self, after: int) -> None:
        self.left = after

    def begin(self, category: str, total: int | None = None) -> None:
        pass

    def set_total(self, category: str, total: int) -> None:
        pass

    def advance(self, category: str, count: int = 1) -> None:
        self.left -= count
        if self.left <= 0:
            raise KeyboardInterrupt

    def end(self, category: str) -> None:
        pass


def test_an_interrupted_transfer_resumes_without_reading_again(world: World) -> None:
    with world.journal() as journal:
        engine = world.engine(journal)
        prepared = engine.prepare()
        engine.progress = _Stop(after=700)
        with pytest.raises(KeyboardInterrupt):
            engine.apply(prepared)
        run = journal.unfinished_run()
        assert run is not None and run.state is RunState.INTERRUPTED
        with pytest.raises(TransferError, match="stopped before it was done"):
            world.engine(journal).apply(prepared)
        world.server.request_log.reset()
        report = world.engine(journal).run()
        reads = {key: count for key, count in world.server.request_log.counts().items()
                 if key[0] == "GET"}
        assert report.resumed and report.state is RunState.DONE
        assert not journal.actions(report.run_id, [Outcome.PENDING, Outcome.UNKNOWN])
        links = journal.links()
    assert sum(reads.values()) <= 3, reads
    assert_transferred(world.before, world.server.state.dump(), links)


def _overlapping_seed() -> SandboxSeed:
    """The built-in seed, with a target that already has some of it and a playlist of its own
    named like one of the source's."""
    seed = builtin_seed()
    source = seed.libraries[SOURCE_USER]
    playlists = {playlist.id: playlist for playlist in seed.playlists}
    owned = next(playlists[pid] for pid in source.playlists
                 if playlists[pid].owner_id == SOURCE_USER and playlists[pid].entries)
    followed = next(pid for pid in source.playlists if playlists[pid].owner_id != SOURCE_USER)
    namesake = SeedPlaylist(id="targetsown0000000000001", owner_id=TARGET_USER, name=owned.name,
                            entries=owned.entries[:1])
    seed.playlists.append(namesake)
    seed.libraries[TARGET_USER] = UserLibrary(
        tracks=source.tracks[:30], albums=source.albums[-5:], artists=source.artists[3:6],
        playlists=[namesake.id, followed],
    )
    return seed


def test_what_the_target_already_has_is_left_as_it_was(
    point_at: Callable[[SandboxServer], Settings],
) -> None:
    with SandboxServer(_overlapping_seed(), port=0) as server:
        world = make_world(server, point_at)
        with world.journal() as journal:
            report = world.engine(journal).run()
            links = journal.links()
        after = server.state.dump()
    assert report.state is RunState.DONE
    assert_transferred(world.before, after, links)
    namesake = next(p for p in after.playlists if p.id == "targetsown0000000000001")
    original = next(p for p in world.before.playlists if p.id == namesake.id)
    assert namesake == original, "the target's own playlist is untouched"
    assert namesake.id not in {link.target_playlist_id for link in links.values()}


def test_liked_songs_keep_their_dates_on_an_extended_quota_app(
    point_at: Callable[[SandboxServer], Settings],
) -> None:
    with SandboxServer(builtin_seed(), port=0, mode="extended") as server:
        world = make_world(server, point_at)
        with world.journal() as journal:
            world.engine(journal, preserve_liked_dates=True, extended_quota=True).run()
        after = server.state.dump()
    source = world.before.libraries[SOURCE_USER].tracks
    target = after.libraries[TARGET_USER].tracks
    assert [(ref.id, ref.added_at) for ref in target] == [(ref.id, ref.added_at) for ref in source]
    assert server.request_log.counts()[("PUT", "/me/tracks")] == ceil(len(source) / 50)


def test_refused_dates_fall_back_to_saving_oldest_first(world: World) -> None:
    with world.journal() as journal:
        report = world.engine(journal, preserve_liked_dates=True, extended_quota=True).run()
        links = journal.links()
    assert report.state is RunState.DONE and not report.failures
    assert any("dates" in warning for warning in report.warnings)
    assert world.server.request_log.counts()[("PUT", "/me/tracks")] == 1
    assert_transferred(world.before, world.server.state.dump(), links)


def test_writes_left_sent_by_a_killed_run_are_settled_not_repeated(world: World) -> None:
    """As if the process died mid-request: one create and one add reached Spotify, one add
    did not; the journal says only that they were sent."""
    with world.journal() as journal:
        engine = world.engine(journal)
        prepared = engine.prepare()
        engine.progress = _Stop(after=1)
        with pytest.raises(KeyboardInterrupt):
            engine.apply(prepared)
        run = journal.unfinished_run()
        assert run is not None
        pending = journal.actions(run.id, [Outcome.PENDING])
        create = next(r.action for r in pending if isinstance(r.action, CreatePlaylist))
        adds = [r.action for r in pending if isinstance(r.action, AddPlaylistItems)
                and r.action.source_playlist_id == create.source_playlist_id]
        assert adds, "a playlist with items"
        target = make_adapter(world.settings, "target", [])
        journal.mark_sent(run.id, create.key)
        copy_id = target.create_playlist(create.name, create.description, create.public,
                                         create.collaborative)
        journal.mark_sent(run.id, adds[0].key)
        target.add_items(copy_id, adds[0].uris, adds[0].position)
        if len(adds) > 1:
            journal.mark_sent(run.id, adds[1].key)  # never sent
        journal.resume_run(run.id)  # what a new process finds: sent -> unknown
        journal.finish_run(run.id, RunState.INTERRUPTED)
        report = world.engine(journal).run()
        links = journal.links()
    assert report.resumed and report.state is RunState.DONE
    assert links[create.source_playlist_id].target_playlist_id == copy_id
    assert_transferred(world.before, world.server.state.dump(), links)
