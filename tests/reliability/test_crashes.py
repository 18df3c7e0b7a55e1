"""``transfer`` and ``sync`` in processes of their own, killed with SIGKILL at random requests,
at a random moment and right after each kind of write reached Spotify, then run again until
done: the target is exactly as a clean run leaves it. Also: a spent quota or a Retry-After
beyond the maximum ends the process with 75 within seconds, and the run after it finishes."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.reliability.changes import change_source, expected_after_sync
from tests.reliability.conftest import Served
from tests.reliability.expectation import assert_target_exact
from tests.reliability.seeds import seed_with_a_target_library
from tests.reliability.tool import (
    SYNC,
    TRANSFER,
    at_request,
    on_request,
    run_killed,
    run_killed_at_times,
)
from transfer.errors import ExitStatus
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed

pytestmark = pytest.mark.e2e

KILL_WITHIN = 40
"""Kill points are drawn below this: well within a clean transfer of ``small_seed()`` (about
50 API calls), so that every kill drawn happens."""


@pytest.fixture
def rigged(serve: Callable[[SandboxSeed], Served]) -> Served:
    return serve(small_seed())


def test_killed_at_random_requests_and_resumed_the_target_is_exact(
    rigged: Served
) -> None:
    rng = random.Random(2024)
    marks = sorted(rng.sample(range(1, KILL_WITHIN), 2))
    crashes = run_killed(rigged.tool, rigged.log, TRANSFER,
                         [at_request(mark) for mark in marks])
    assert crashes.kills == 2, [a.returncode for a in crashes.attempts]
    assert crashes.last.returncode == 0, crashes.last.stderr
    rigged.assert_exact()


def test_killed_right_after_each_kind_of_write_reached_spotify(
    rigged: Served
) -> None:
    """The write took effect; its answer never came back to the killed process."""
    writes = [("POST", "/me/playlists"), ("PUT", "/playlists/{playlist_id}/images"),
              ("POST", "/playlists/{playlist_id}/items"), ("PUT", "/me/library")]
    crashes = run_killed(rigged.tool, rigged.log, TRANSFER,
                         [on_request(method, template) for method, template in writes])
    killed_after = [(entry.method, entry.path_template, entry.applied)
                    for entry in rigged.log.triggered]
    assert killed_after == [(method, template, True) for method, template in writes]
    assert crashes.last.returncode == 0, crashes.last.stderr
    rigged.assert_exact()


def test_killed_at_a_random_moment_and_resumed_the_target_is_exact(rigged: Served) -> None:
    rng = random.Random(7)
    rigged.server.set_faults(Faults(latency=0.01))
    crashes = run_killed_at_times(rigged.tool, rigged.log, TRANSFER, [rng.uniform(0.05, 0.6)])
    assert crashes.kills == 1, [a.returncode for a in crashes.attempts]
    assert crashes.last.returncode == 0, crashes.last.stderr
    rigged.assert_exact()


def test_a_spent_quota_exits_75_at_once_and_the_run_after_it_comes_back_finishes(
    rigged: Served
) -> None:
    """The quota comes back a second after it was spent: the next run is a little later."""
    rigged.server.set_faults(Faults(quota=25, quota_retry_after=1))
    started = time.monotonic()
    paused = rigged.tool.run(TRANSFER, timeout=60)
    assert paused.returncode == ExitStatus.PAUSED, paused.stderr
    assert time.monotonic() - started < 15, "it pauses, it does not wait"
    assert "quota" in paused.stderr and "Resume after" in paused.stderr, paused.stderr
    rigged.server.set_faults(Faults())
    runs = [rigged.tool.run(TRANSFER, timeout=60) for _ in range(1)]
    while runs[-1].returncode == ExitStatus.PAUSED and len(runs) < 3:
        time.sleep(0.5)  # started within the second the quota asked for
        runs.append(rigged.tool.run(TRANSFER, timeout=60))
    assert runs[-1].returncode == 0, runs[-1].stderr
    rigged.assert_exact()


def test_a_quota_spent_while_reading_exits_75_and_the_next_run_plans_anew(
    rigged: Served,
) -> None:
    rigged.server.set_faults(Faults(quota=5, quota_retry_after=1))
    paused = rigged.tool.invoke(list(TRANSFER[2:]))
    assert paused.returncode == ExitStatus.PAUSED, paused.stderr
    assert "Resume after" in paused.stderr
    assert rigged.log.writes() == 0
    rigged.server.set_faults(Faults())
    rigged.server.reset_quota()
    done = rigged.tool.invoke(list(TRANSFER[2:]))
    assert done.returncode == 0, done.stderr
    rigged.assert_exact()


def test_a_retry_after_beyond_the_maximum_exits_75_at_once(rigged: Served) -> None:
    rigged.server.set_faults(Faults(rate_limit=20, rate_window=3600))
    rigged.tool.settings["NETWORK__MAX_RETRY_AFTER"] = "60"
    started = time.monotonic()
    paused = rigged.tool.invoke(list(TRANSFER[2:]))
    assert paused.returncode == ExitStatus.PAUSED, paused.stderr
    assert time.monotonic() - started < 10, "it pauses, it does not sleep an hour"
    assert "longer than the configured maximum" in paused.stderr, paused.stderr
    assert "Resume after" in paused.stderr


SYNC_KILL_WITHIN = 25
"""Kill points of a sync of ``small_seed()`` after ``change_source`` (about 32 API calls)."""


def _transferred_and_changed(served: Served, mirror: bool) -> SandboxSeed:
    """Transfer, then change the source; the seed the target must match after the sync."""
    assert served.tool.invoke(list(TRANSFER[2:])).returncode == 0
    change_source(served.server, served.checker_home.with_name("source-side"),
                  random.Random(5), mirror=mirror)
    return expected_after_sync(served.server, served.before)


def test_a_sync_killed_at_random_requests_and_resumed_leaves_the_target_in_step(
    rigged: Served,
) -> None:
    expected = _transferred_and_changed(rigged, mirror=False)
    start = rigged.log.api_requests
    marks = sorted(random.Random(11).sample(range(1, SYNC_KILL_WITHIN), 2))
    crashes = run_killed(rigged.tool, rigged.log, SYNC,
                         [at_request(start + mark) for mark in marks])
    assert crashes.kills == 2, [a.returncode for a in crashes.attempts]
    assert crashes.last.returncode == 0, crashes.last.stderr
    assert_target_exact(rigged.server, expected, rigged.checker_home)


def test_a_mirror_sync_killed_right_after_each_removal_leaves_the_target_in_step(
    rigged: Served,
) -> None:
    expected = _transferred_and_changed(rigged, mirror=True)
    removals = [("DELETE", "/playlists/{playlist_id}/items"), ("DELETE", "/me/library")]
    crashes = run_killed(rigged.tool, rigged.log, [*SYNC, "--mirror"],
                         [on_request(method, template) for method, template in removals])
    assert [(e.method, e.path_template) for e in rigged.log.triggered] == removals
    assert crashes.last.returncode == 0, crashes.last.stderr
    assert_target_exact(rigged.server, expected, rigged.checker_home)


def test_a_transfer_killed_midway_is_finished_by_the_next_sync(rigged: Served) -> None:
    """A scheduled sync after a transfer that was killed takes that run up first."""
    crashed = run_killed(rigged.tool, rigged.log, TRANSFER, [at_request(KILL_WITHIN - 5)],
                         finish_runs=0)
    assert crashed.last.killed
    synced = rigged.tool.invoke(list(SYNC[2:]))
    assert synced.returncode == 0, synced.stderr
    rigged.assert_exact()


def test_dated_likes_on_an_extended_quota_app_into_a_target_with_its_own_library(
    serve: Callable[..., Served],
) -> None:
    """Killed right after the dated save (``timestamped_ids``) reached Spotify, and at
    random: the likes keep their dates, and what the target had is left as it was."""
    before = seed_with_a_target_library()
    served = serve(before.model_copy(deep=True), mode="extended")
    served.tool.settings["TRANSFER__PRESERVE_LIKED_DATES"] = "true"
    crashes = run_killed(served.tool, served.log, TRANSFER,
                         [on_request("PUT", "/me/tracks"), at_request(served.log.api_requests
                                                                      + 12)])
    assert crashes.kills == 2 and crashes.last.returncode == 0, crashes.last.stderr
    served.assert_exact()
    liked = served.server.state.dump().libraries[TARGET_USER].tracks
    dates = {ref.id: ref.added_at for ref in before.libraries[SOURCE_USER].tracks}
    dates.update({ref.id: ref.added_at for ref in before.libraries[TARGET_USER].tracks})
    assert [(ref.id, ref.added_at) for ref in liked] == [
        (ref.id, dates[ref.id]) for ref in liked], "every like keeps its date"


def test_a_transfer_from_a_snapshot_killed_after_the_old_account_is_gone(
    rigged: Served, tmp_path: Path
) -> None:
    """The source account can no longer log in; the same command resumes from the file."""
    snapshot = tmp_path / "old-account.json"
    assert rigged.tool.invoke(["export", "-o", str(snapshot)]).returncode == 0
    rigged.server.revoke(SOURCE_USER)
    rigged.tool.refresh_tokens.pop("SOURCE_REFRESH_TOKEN")
    command = [*TRANSFER, "--from-snapshot", str(snapshot)]
    start = rigged.log.api_requests
    crashes = run_killed(rigged.tool, rigged.log, command,
                         [on_request("PUT", "/playlists/{playlist_id}/images"),
                          at_request(start + 25)])
    assert crashes.kills == 2 and crashes.last.returncode == 0, crashes.last.stderr
    rigged.assert_exact()
