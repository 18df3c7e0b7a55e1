"""Transfers through the engine against a sandbox that injects faults: 429 storms with short
Retry-After, a quota spent mid-run, random 5xx, writes applied whose answer is lost (502 or a
dropped connection), answers slower than the request timeout; and a mirror sync through lost
answers. Each ends with the target exactly as a clean run leaves it
(``expectation.assert_target_exact``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import small_seed
from tests.reliability.changes import change_source, expected_after_sync
from tests.reliability.conftest import Served
from tests.reliability.expectation import assert_target_exact
from tests.reliability.rig import fault_names, make_rig
from tests.reliability.seeds import big_playlist_seed
from tests.reliability.tool import SYNC, TRANSFER
from transfer.errors import ExitStatus, RateLimited
from transfer.journal import RunState
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

WRITES = ["POST /me/playlists", "POST /playlists/{playlist_id}/items",
          "PUT /playlists/{playlist_id}/images", "PUT /me/library"]


def test_bursts_of_429_are_waited_out_as_asked(tmp_path: Path) -> None:
    clock = ManualClock()
    faults = Faults(rate_limit=12, rate_window=3, cover_rate_limit=1)
    with SandboxServer(small_seed(), port=0, clock=clock, faults=faults) as server:
        rig = make_rig(server, tmp_path / "home", clock)
        report = rig.run_until_done()
        met = fault_names(server)
        rig.assert_exact(tmp_path / "checker")
    assert report.state is RunState.DONE and not rig.stops
    assert met.get("rate_limit", 0) >= 3, met
    assert rig.waits and max(rig.waits) <= 3 + 0.5, "each wait is the short Retry-After asked"


def test_a_quota_spent_mid_run_pauses_and_the_run_after_it_resets_finishes(
    tmp_path: Path,
) -> None:
    clock = ManualClock()
    with SandboxServer(small_seed(), port=0, clock=clock) as server:
        rig = make_rig(server, tmp_path / "home", clock)
        server.set_faults(Faults(quota=30, quota_retry_after=3600))
        with pytest.raises(RateLimited) as paused:
            rig.run_once()
        assert paused.value.quota
        assert 3590 <= (paused.value.resume_at - rig.now()).total_seconds() <= 3600
        assert not rig.waits, "a spent quota pauses at once, it does not wait an hour"
        with rig.journal() as journal:
            run = journal.unfinished_run()
            assert run is not None and run.state is RunState.PAUSED
        before = server.request_log.total()
        with pytest.raises(RateLimited):
            rig.run_once()
        assert server.request_log.total() == before, "too early: not a single request"
        clock.advance(3601)
        report = rig.run_once()
        rig.assert_exact(tmp_path / "checker")
    assert report.resumed and report.state is RunState.DONE


def test_random_5xx_and_lost_answers_of_writes_lose_nothing_and_double_nothing(
    tmp_path: Path,
) -> None:
    """The brief's rates on the built-in seed: 5% of all requests 5xx before applying, 3% of
    writes applied then 502, 3% applied then the connection dropped."""
    faults = Faults(error_rate=0.05, fail_after_apply_rate=0.03, drop_after_apply_rate=0.03)
    with SandboxServer(builtin_seed(), port=0, faults=faults, rng_seed=11) as server:
        rig = make_rig(server, tmp_path / "home")
        report = rig.run_until_done()
        met = fault_names(server)
        rig.assert_exact(tmp_path / "checker")
    assert report.state is RunState.DONE
    assert met.get("error", 0) >= 5 and met.get("after_apply_502", 0) >= 1, met
    assert met.get("dropped", 0) >= 1, met


@pytest.mark.parametrize("rng_seed", [1, 2])
def test_lost_answers_on_every_write_endpoint(tmp_path: Path, rng_seed: int) -> None:
    """A third of the writes of a small library applied with their answer lost."""
    faults = Faults(error_rate=0.1, fail_after_apply_rate=0.15, drop_after_apply_rate=0.15,
                    only=WRITES)
    with SandboxServer(small_seed(), port=0, faults=faults, rng_seed=rng_seed) as server:
        rig = make_rig(server, tmp_path / "home")
        report = rig.run_until_done()
        met = fault_names(server)
        rig.assert_exact(tmp_path / "checker")
    assert report.state is RunState.DONE
    assert met.get("after_apply_502", 0) + met.get("dropped", 0) >= 3, met


@pytest.mark.parametrize("slow", ["POST /me/playlists", "POST /playlists/{playlist_id}/items"])
def test_a_write_slower_than_the_timeout_is_checked_after_it_landed(tmp_path: Path, slow: str
                                                                    ) -> None:
    """Every such write outlives the client's timeout and lands 0.1 s later: looking for it
    at once would miss it, send it again, and end with it twice."""
    faults = Faults(latency=0.4, only=[slow])
    with SandboxServer(tiny_seed(), port=0, faults=faults) as server:
        rig = make_rig(server, tmp_path / "home", real_waits=True, request_timeout=0.3)
        report = rig.run_until_done()
        rig.assert_exact(tmp_path / "checker")
    assert report.state is RunState.DONE
    assert 0.3 in rig.waits


def test_answers_slower_than_the_request_timeout(tmp_path: Path) -> None:
    """About a third of the requests that matter answer after the client gave up: reads are
    tried again, writes (applied by the sandbox all the same) are settled from the target."""
    faults = Faults(latency_jitter=0.3, only=[*WRITES, "GET /me/tracks", "GET /me/playlists"])
    with SandboxServer(tiny_seed(), port=0, faults=faults, rng_seed=5) as server:
        rig = make_rig(server, tmp_path / "home", real_waits=True, request_timeout=0.2)
        report = rig.run_until_done()
        timed_out = [entry for entry in server.request_log.entries
                     if entry.path_template in {"/me/playlists", "/playlists/{playlist_id}/items"}
                     and entry.method == "POST"]
        rig.assert_exact(tmp_path / "checker")
    assert report.state is RunState.DONE
    assert timed_out


def test_a_mirror_sync_through_lost_answers_leaves_the_target_in_step(
    serve: Callable[[SandboxSeed], Served],
) -> None:
    """Additions and removals alike, a third of them applied with their answer lost."""
    served = serve(small_seed())
    assert served.tool.invoke(list(TRANSFER[2:])).returncode == 0
    change_source(served.server, served.checker_home.with_name("source-side"),
                  random.Random(8), mirror=True)
    expected = expected_after_sync(served.server, served.before)
    served.server.set_faults(Faults(error_rate=0.1, fail_after_apply_rate=0.15,
                                    drop_after_apply_rate=0.15,
                                    only=[*WRITES, "DELETE /playlists/{playlist_id}/items",
                                          "DELETE /me/library"]), rng_seed=9)
    served.tool.settings["NETWORK__REQUEST_TIMEOUT"] = "0.3"
    exits: list[int] = []
    while not exits or exits[-1] != 0:
        assert len(exits) < 6, exits
        exits.append(served.tool.invoke([*SYNC[2:], "--mirror"]).returncode)
    assert set(exits) <= {0, ExitStatus.ERROR}, exits
    assert fault_names(served.server).keys() & {"after_apply_502", "dropped"}
    assert_target_exact(served.server, expected, served.checker_home)


def test_a_lost_add_to_a_long_copy_is_checked_by_reading_a_few_pages_not_the_copy(
    tmp_path: Path,
) -> None:
    """A copy of 2,000 items: settling an add reads the pages around the batch only."""
    faults = Faults(drop_after_apply_rate=0.3, only=["POST /playlists/{playlist_id}/items"])
    with SandboxServer(big_playlist_seed(2000), port=0, faults=faults, rng_seed=2) as server:
        rig = make_rig(server, tmp_path / "home")
        rig.run_until_done()
        lost = fault_names(server).get("dropped", 0)
        reads = server.request_log.counts()[("GET", "/playlists/{playlist_id}/items")]
        rig.assert_exact(tmp_path / "checker")
    source_pages = 2000 // 50
    assert lost >= 3
    assert reads <= source_pages + 3 * lost, (reads, lost)


def test_now_with_log_ins_from_the_environment_sends_one_probe_and_nothing_else(
    serve: Callable[..., Served],
) -> None:
    """As on a server (refresh tokens in the environment, no log-in stored before): a transfer
    paused by a spent quota, then ``transfer --now`` while it is still spent: one request,
    exit 75 again; once the quota is back, ``--now`` finishes the job exactly."""
    served = serve(tiny_seed())
    served.server.set_faults(Faults(quota=20, quota_retry_after=3600))
    paused = served.tool.invoke([*TRANSFER[2:]])
    assert paused.returncode == ExitStatus.PAUSED, paused.stderr
    assert served.log.writes() > 0, "paused while applying, not while reading"
    served.server.reset_quota()
    served.server.set_faults(Faults(quota=0, quota_retry_after=3600))
    served.log.reset()
    refused = served.tool.invoke([*TRANSFER[2:], "--now"])
    assert refused.returncode == ExitStatus.PAUSED, refused.stderr
    assert served.log.api_total() == 1 and served.log.writes() == 0
    assert "Resume after" in refused.stderr and "(in 1 h)" in refused.stderr
    served.server.set_faults(Faults())
    served.server.reset_quota()
    finished = served.tool.invoke([*TRANSFER[2:], "--now"])
    assert finished.returncode == 0, finished.stderr
    served.assert_exact()
