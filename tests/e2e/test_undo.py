"""``undo`` against the sandbox over real HTTP: after a complete transfer, a transfer paused by
Spotify's quota, a transfer killed outright and one that left writes in doubt, the target is
back to exactly what it held before, item by item and with its own dates; what the target had
before is never touched; a second undo does nothing; an undo that is paused, interrupted or
killed resumes; a transfer after an undo starts afresh."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter, small_seed
from tests.e2e.cli_support import links, run_cli, start_cli
from tests.e2e.engine_support import assert_transferred
from transfer.auth import TokenStore
from transfer.config import Settings
from transfer.engine import Engine
from transfer.errors import ExitStatus, RateLimited
from transfer.journal import Journal, JournalBusy, Outcome, RunKind, RunState, journal_path
from transfer.plan import CreatePlaylist, SaveLibraryItems
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import Playlist, SandboxSeed, UserLibrary
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

OWN_PLAYLIST = "targetsown0000000000001"


def overlapping_seed() -> SandboxSeed:
    """The small seed, with a target that already holds some of the source's library (saved
    at its own dates), a playlist the source follows, and a playlist of its own named like
    one of the source's."""
    seed = small_seed()
    source = seed.libraries[SOURCE_USER]
    playlists = {playlist.id: playlist for playlist in seed.playlists}
    owned = next(playlists[pid] for pid in source.playlists
                 if playlists[pid].owner_id == SOURCE_USER and playlists[pid].entries)
    followed = next(pid for pid in source.playlists if playlists[pid].owner_id != SOURCE_USER)
    seed.playlists.append(Playlist(id=OWN_PLAYLIST, owner_id=TARGET_USER, name=owned.name,
                                   entries=owned.entries[:2]))
    seed.libraries[TARGET_USER] = UserLibrary(
        tracks=source.tracks[5:15], albums=source.albums[-2:], artists=source.artists[1:3],
        episodes=source.episodes[:1], playlists=[OWN_PLAYLIST, followed],
    )
    return seed


@dataclass
class World:
    server: SandboxServer
    settings: Settings
    before: SandboxSeed

    def journal(self) -> Journal:
        return Journal.open(journal_path(self.settings.home, SOURCE_USER, TARGET_USER))

    def engine(self, journal: Journal) -> Engine:
        return Engine(target=make_adapter(self.settings, "target", []), journal=journal,
                      source=make_adapter(self.settings, "source", []))

    def assert_target_as_before(self) -> None:
        after = self.server.state.dump()
        assert after.libraries.get(TARGET_USER) == self.before.libraries.get(TARGET_USER)
        own = {p.id: p for p in after.playlists if p.owner_id == TARGET_USER}
        before_own = {p.id: p for p in self.before.playlists if p.owner_id == TARGET_USER}
        assert own[OWN_PLAYLIST] == before_own[OWN_PLAYLIST], "the target's own playlist"


@pytest.fixture
def world(point_at: Callable[[SandboxServer], Settings]) -> Iterator[World]:
    with SandboxServer(overlapping_seed(), port=0) as server:
        settings = point_at(server)
        server.request_log.reset()
        yield World(server, settings, server.state.dump())


def _transfer(world: World) -> None:
    with world.journal() as journal:
        assert world.engine(journal).run().state is RunState.DONE


def test_undo_after_a_complete_transfer_leaves_the_target_exactly_as_it_was(
    world: World,
) -> None:
    _transfer(world)
    world.server.request_log.reset()
    result = run_cli("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "Undo complete: Alex (alex.new) no longer holds anything spotify-transfer added" \
        in result.output
    world.assert_target_as_before()
    counts = world.server.request_log.counts()
    removed = sum(1 for _ in world.server.request_log.entries) - counts[("GET", "/me")]
    assert counts[("DELETE", "/me/library")] == removed, "removals only, 40 a call"
    with world.journal() as journal:
        assert journal.added() == [] and journal.links() == {}


def test_the_preview_lists_what_goes_and_a_second_undo_does_nothing(world: World) -> None:
    _transfer(world)
    first = run_cli("undo", "--yes")
    assert "Playlists (" in first.output and "- remove    “" in first.output
    assert "Liked Songs" in first.output and "API calls:" in first.output
    world.server.request_log.reset()
    with world.journal() as journal:
        runs = len(journal.runs())
    again = run_cli("undo", "--yes")
    assert again.exit_code == 0, again.output
    assert "Nothing to undo: the target holds nothing this tool added." in again.output
    assert world.server.request_log.writes() == 0
    with world.journal() as journal:
        assert len(journal.runs()) == runs, "no run is journaled for nothing"
    world.assert_target_as_before()


def test_undo_after_a_transfer_paused_by_the_quota_then_a_new_transfer(world: World) -> None:
    with world.journal() as journal:
        engine = world.engine(journal)
        prepared = engine.prepare()
        world.server.reset_quota()
        world.server.set_faults(Faults(quota=4, quota_retry_after=3600))
        with pytest.raises(RateLimited):
            engine.apply(prepared)
    world.server.set_faults(Faults())
    world.server.reset_quota()
    result = run_cli("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "transfer run 1 (paused) is closed" in result.output
    world.assert_target_as_before()
    with world.journal() as journal:
        closed = journal.run(1)
        assert closed.state is RunState.DONE and "closed by undo" in (closed.message or "")
        report = world.engine(journal).run()
        assert not report.resumed, "the taken-back plan is not resumed"
    assert_transferred(world.before, world.server.state.dump(), links(world.settings.home))


def test_undo_takes_back_writes_a_stopped_transfer_left_in_doubt(world: World) -> None:
    """As if the process died mid-request: a create and a save reached Spotify, the journal
    says only that they were sent."""
    with world.journal() as journal:
        engine = world.engine(journal)
        plan = engine.prepare().plan
        run_id = journal.begin_run(RunKind.TRANSFER, plan)
        target = make_adapter(world.settings, "target", [])
        create = next(a for a in plan.writes if isinstance(a, CreatePlaylist))
        journal.mark_sent(run_id, create.key)
        target.create_playlist(create.name, create.description, create.public,
                               create.collaborative)
        save = next(a for a in plan.writes if isinstance(a, SaveLibraryItems))
        journal.mark_sent(run_id, save.key)
        target.save_to_library(save.uris)
        assert journal.added() == []
    result = run_cli("undo", "--yes")
    assert result.exit_code == 0, result.output
    world.assert_target_as_before()
    with world.journal() as journal:
        settled = {r.key: r.outcome for r in journal.actions(run_id)}
    assert settled[create.key] is Outcome.DONE and settled[save.key] is Outcome.DONE


def _stop_after_writes(process: subprocess.Popen[str], server: SandboxServer, writes: int,
                       how: signal.Signals) -> tuple[str, str]:
    """Stop ``process`` once the sandbox has served ``writes`` writes (it answers slowly, so
    the next write is still on its way)."""
    deadline = time.monotonic() + 60
    while server.request_log.writes() < writes:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.01)
    process.send_signal(how)
    return process.communicate(timeout=30)


def test_undo_after_a_transfer_killed_outright(world: World) -> None:
    world.server.set_faults(Faults(latency=0.03))
    process = start_cli("transfer", "--yes")
    _stop_after_writes(process, world.server, 5, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    with world.journal() as journal:
        assert journal.runs(limit=1)[0].state is RunState.RUNNING
    world.server.set_faults(Faults())
    result = run_cli("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert "transfer run 1 (killed) is closed" in result.output
    world.assert_target_as_before()


def test_an_undo_killed_midway_resumes_and_finishes(world: World) -> None:
    _transfer(world)
    world.server.request_log.reset()
    world.server.set_faults(Faults(latency=0.3))
    process = start_cli("undo", "--yes")
    _stop_after_writes(process, world.server, 1, signal.SIGKILL)
    with world.journal() as journal:
        run = journal.runs(limit=1)[0]
        assert run.kind is RunKind.UNDO and run.state is RunState.RUNNING
        assert journal.added(), "part of it is still to take back"
    world.server.set_faults(Faults())
    result = run_cli("undo", "--yes")
    assert result.exit_code == 0, result.output
    assert f"Undo run {run.id} was killed, with" in result.output
    assert "resumed" in result.output
    world.assert_target_as_before()


def test_an_undo_interrupted_by_ctrl_c_exits_130_and_resumes(world: World) -> None:
    _transfer(world)
    world.server.request_log.reset()
    world.server.set_faults(Faults(latency=0.3))
    process = start_cli("undo", "--yes")
    _, stderr = _stop_after_writes(process, world.server, 1, signal.SIGINT)
    assert process.returncode == ExitStatus.INTERRUPTED, stderr
    with world.journal() as journal:
        assert journal.runs(limit=1)[0].state is RunState.INTERRUPTED
    world.server.set_faults(Faults())
    assert run_cli("undo", "--yes").exit_code == 0
    world.assert_target_as_before()


def test_an_undo_paused_by_the_quota_exits_75_and_resumes_later(world: World) -> None:
    _transfer(world)
    world.server.reset_quota()
    world.server.set_faults(Faults(quota=2, quota_retry_after=3600))
    paused = run_cli("undo", "--yes")
    assert paused.exit_code == ExitStatus.PAUSED, paused.output
    assert "Resume after" in paused.stderr
    undo = json.loads(run_cli("status", "--json").stdout)["pairs"][0]["undo"]
    assert (undo["state"], undo["resume_command"]) == ("paused", "spotify-transfer undo")
    world.server.set_faults(Faults())
    world.server.reset_quota()
    world.server.request_log.reset()
    too_early = run_cli("undo", "--yes")
    assert too_early.exit_code == ExitStatus.PAUSED
    assert world.server.request_log.writes() == 0, "no removal before the time"
    with world.journal() as journal:  # an hour later
        run = journal.runs(limit=1)[0]
        assert run.resume_at is not None
        journal.resume_run(run.id)
        journal.finish_run(run.id, RunState.PAUSED, resume_at=run.resume_at - timedelta(hours=2))
    resumed = run_cli("undo", "--yes")
    assert resumed.exit_code == 0, resumed.output
    assert "is paused, with" in resumed.output and "resumed" in resumed.output
    world.assert_target_as_before()


def test_several_sources_into_one_target_need_choosing(world: World) -> None:
    _transfer(world)
    world.server.request_log.reset()
    with Journal.open(journal_path(world.settings.home, "someone.else", TARGET_USER)):
        pass
    result = run_cli("undo", "--yes")
    assert result.exit_code == ExitStatus.USAGE
    assert "Several accounts were moved into Alex (alex.new): alex.old, someone.else" in \
        result.output
    assert world.server.request_log.writes() == 0
    chosen = run_cli("undo", "--yes", "--source", SOURCE_USER)
    assert chosen.exit_code == 0, chosen.output
    world.assert_target_as_before()


def test_undo_needs_only_the_target_account(world: World) -> None:
    _transfer(world)
    TokenStore(world.settings.home).delete("source")
    result = run_cli("undo", "--yes")
    assert result.exit_code == 0, result.output
    world.assert_target_as_before()


def test_with_nothing_recorded_there_is_nothing_to_undo(world: World) -> None:
    result = run_cli("undo")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing to undo: no transfer into Alex (alex.new)")
    assert world.server.request_log.writes() == 0


def test_undo_waits_for_a_run_going_on_in_another_process(world: World) -> None:
    _transfer(world)
    world.server.request_log.reset()
    with world.journal() as journal:
        journal.begin_run(RunKind.SYNC, world.engine(journal).prepare().plan)  # holds the lock
        result = run_cli("undo", "--yes")
    assert result.exit_code == JournalBusy.exit_status
    assert "Another spotify-transfer run is using this journal right now." in result.output
    assert world.server.request_log.writes() == 0
