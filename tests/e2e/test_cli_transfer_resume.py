"""Stopping ``transfer`` at any moment and running it again: Ctrl-C (SIGINT to a real process,
exit 130), ``kill -9`` mid-transfer, and a spent quota (exit 75). Each time the next run resumes
without reading the libraries again and the target ends exactly as after an uninterrupted
transfer: nothing missing, nothing doubled, order kept."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import pytest

from tests.conftest import small_seed
from tests.e2e.cli_support import covered_seed, links, reports, run_cli, start_cli
from tests.e2e.engine_support import assert_transferred
from transfer.commands import pair
from transfer.config import Settings
from transfer.engine import Engine
from transfer.environment import Environment
from transfer.errors import ExitStatus
from transfer.journal import Journal, RunState, journal_path
from transfer.plan.selection import Selection
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

WRITES_BEFORE_STOPPING = 12
WRITES = ["POST /me/playlists", "POST /playlists/{playlist_id}/items",
          "PUT /playlists/{playlist_id}/images", "PUT /me/library"]


@pytest.fixture
def slow_sandbox(point_at: Callable[[SandboxServer], Settings], monkeypatch: pytest.MonkeyPatch
                 ) -> Iterator[tuple[SandboxServer, Settings]]:
    """A small library whose writes are answered slowly enough (80 ms each) to stop a run
    midway even on a busy machine; reads are quick. A write a killed run left on the wire is
    waited for one request timeout (2 s here) before the next run checks it."""
    monkeypatch.setenv("SPOTIFY_TRANSFER_NETWORK__REQUEST_TIMEOUT", "2")
    slow_writes = Faults(latency=0.08, only=WRITES)
    with SandboxServer(small_seed(), port=0, faults=slow_writes) as server:
        settings = point_at(server)
        server.request_log.reset()
        yield server, settings


def stop_midway(process: subprocess.Popen[str], server: SandboxServer, how: signal.Signals
                ) -> tuple[str, str]:
    deadline = time.monotonic() + 30
    while server.request_log.writes() < WRITES_BEFORE_STOPPING:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the transfer never started writing"
        time.sleep(0.02)
    process.send_signal(how)
    return process.communicate(timeout=30)


def run_state(settings: Settings) -> RunState:
    with Journal.open(journal_path(settings.home, "alex.old", "alex.new")) as journal:
        return journal.runs(limit=1)[0].state


def test_ctrl_c_saves_the_state_and_the_next_run_finishes_without_doubling(
    slow_sandbox: tuple[SandboxServer, Settings]
) -> None:
    server, settings = slow_sandbox
    before = server.state.dump()
    process = start_cli("transfer", "--yes")
    stdout, stderr = stop_midway(process, server, signal.SIGINT)
    assert process.returncode == ExitStatus.INTERRUPTED, stderr
    assert "Interrupted. Progress is saved" in stderr
    assert "Until it stopped:" in stdout and "left to do" in stdout
    assert run_state(settings) is RunState.INTERRUPTED
    (stopped,) = reports(settings.home)
    assert stopped["run"]["state"] == "interrupted" and stopped["summary"]["left"] > 0

    preview = run_cli("plan")
    assert "run 1 stopped before it was done (interrupted)" in preview.stdout
    server.request_log.reset()
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    assert "Run 1 is interrupted" in result.stdout and "resuming it" in result.stdout
    reads = sum(count for (method, _), count in server.request_log.counts().items()
                if method == "GET")
    assert reads <= 4, "a resumed run does not read the libraries again"
    assert_transferred(before, server.state.dump(), links(settings.home))
    final = reports(settings.home)[-1]
    assert final["run"]["resumed"] and final["run"]["complete"]


def test_kill_9_mid_transfer_then_the_next_run_finishes_without_doubling(
    slow_sandbox: tuple[SandboxServer, Settings]
) -> None:
    server, settings = slow_sandbox
    before = server.state.dump()
    process = start_cli("transfer", "--yes")
    stop_midway(process, server, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert run_state(settings) is RunState.RUNNING, "a killed run is left as it was"
    assert reports(settings.home) == []
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    assert "Run 1 was killed" in result.stdout
    assert_transferred(before, server.state.dump(), links(settings.home))
    assert reports(settings.home)[-1]["run"]["complete"]


def test_a_write_the_killed_run_left_on_the_wire_is_found_not_sent_again(
    point_at: Callable[[SandboxServer], Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kill -9`` while an add is still executing at Spotify (it lands 1 s later): the next
    run, started at once, waits until one request timeout has passed since the add was sent
    before it looks for it, so it finds the add instead of sending it a second time."""
    monkeypatch.setenv("SPOTIFY_TRANSFER_NETWORK__REQUEST_TIMEOUT", "2")
    slow_adds = Faults(latency=1.0, only=["POST /playlists/{playlist_id}/items"])
    with SandboxServer(small_seed(), port=0, faults=slow_adds) as server:
        settings = point_at(server)
        before = server.state.dump()
        process = start_cli("transfer", "--yes")
        deadline = time.monotonic() + 60
        while not any(request.startswith("POST /v1/playlists/")
                      for request in server.in_flight()):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no add was ever sent"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert server.in_flight(), "the add is still executing when the next run starts"
        server.set_faults(Faults())  # the adds to come are quick; the one on the wire is not

        result = run_cli("transfer", "--yes")
        assert result.exit_code == 0, result.output
        assert "Run 1 was killed" in result.stdout
        server.wait_idle()
        assert_transferred(before, server.state.dump(), links(settings.home))


def test_a_spent_quota_pauses_with_exit_75_and_the_next_run_after_it_finishes(
    point_at: Callable[[SandboxServer], Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    with SandboxServer(covered_seed(), port=0) as server:
        settings = point_at(server)
        before = server.state.dump()
        server.reset_quota()
        server.set_faults(Faults(quota=20, quota_retry_after=3600))
        paused = run_cli("transfer", "--yes")
        assert paused.exit_code == ExitStatus.PAUSED, paused.output
        assert "quota" in paused.stderr and "Resume after" in paused.stderr
        (report,) = reports(settings.home)
        assert report["run"]["state"] == "paused" and report["run"]["resume_at"]
        assert server.request_log.writes() > 0

        still_spent = run_cli("transfer", "--yes")
        assert still_spent.exit_code == ExitStatus.PAUSED, still_spent.output

        server.set_faults(Faults())
        server.reset_quota()
        server.request_log.reset()
        too_early = run_cli("transfer", "--yes")
        assert too_early.exit_code == ExitStatus.PAUSED, too_early.output
        assert "Run 1 is paused" in too_early.stdout and "may go on later" in too_early.stdout
        assert server.request_log.writes() == 0
        assert len(reports(settings.home)) == 1, "a refused resume changes nothing"

        later = datetime.fromisoformat(report["run"]["resume_at"]) + timedelta(seconds=1)
        monkeypatch.setattr(pair, "make_engine", with_clock(pair.make_engine, later))
        result = run_cli("transfer", "--yes")
        assert result.exit_code == 0, result.output
        assert "Run 1 is paused" in result.stdout
        assert_transferred(before, server.state.dump(), links(settings.home))
        assert reports(settings.home)[-1]["run"]["complete"]


def test_now_tries_a_paused_transfer_early_with_one_request(
    point_at: Callable[[SandboxServer], Settings],
) -> None:
    """``transfer --now`` before the time to resume: one probe; refused, exit 75 again with
    Spotify's new time (in local time and from now), recorded for ``status``; taken, the run
    goes on and finishes."""
    with SandboxServer(covered_seed(), port=0) as server:
        settings = point_at(server)
        before = server.state.dump()
        server.reset_quota()
        server.set_faults(Faults(quota=20, quota_retry_after=3600))
        assert run_cli("transfer", "--yes").exit_code == ExitStatus.PAUSED
        first = reports(settings.home)[-1]["run"]["resume_at"]

        server.reset_quota()
        server.set_faults(Faults(quota=0, quota_retry_after=7200))  # Spotify's new answer
        server.request_log.reset()
        refused = run_cli("transfer", "--yes", "--now")
        assert refused.exit_code == ExitStatus.PAUSED, refused.output
        assert server.request_log.api_total() == 1, "one probe, nothing else"
        assert server.request_log.writes() == 0
        status = json.loads(run_cli("status", "--json").stdout)["pairs"][0]["transfer"]
        again = datetime.fromisoformat(status["resume_at"])
        assert again - datetime.fromisoformat(first) > timedelta(minutes=50), "the new time kept"
        assert f"Resume after {again.astimezone():%Y-%m-%d %H:%M:%S %Z} (in 2 h)" \
            in refused.stderr
        assert "--now` tries sooner" in refused.stderr
        assert "Traceback" not in refused.output

        server.set_faults(Faults())
        server.reset_quota()
        taken = run_cli("transfer", "--yes", "--now")
        assert taken.exit_code == 0, taken.output
        assert "Run 1 is paused" in taken.stdout
        assert_transferred(before, server.state.dump(), links(settings.home))
        assert reports(settings.home)[-1]["run"]["complete"]


def with_clock(make: Callable[..., Engine], moment: datetime) -> Callable[..., Engine]:
    """``make_engine`` whose engine believes it is ``moment`` (time passed since the pause)."""

    def make_later(env: Environment, chosen: pair.Pair, journal: Journal,
                   selection: Selection | None = None, **options: bool) -> Engine:
        engine = make(env, chosen, journal, selection, **options)
        engine.clock = lambda: moment
        return engine

    return make_later
