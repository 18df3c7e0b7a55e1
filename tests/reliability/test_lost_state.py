"""``transfer`` in processes of its own, killed right after each kind of write reached Spotify
and at random requests, its whole state folder removed after each kill (``rm -rf``), then run
again until done: the copies the killed runs left are adopted and completed, so the target is
exactly as one clean run leaves it, with no playlist made twice."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Sequence

import pytest

from tests.conftest import small_seed
from tests.reliability.conftest import Served
from tests.reliability.tool import (
    TRANSFER,
    Condition,
    Crashes,
    at_request,
    finish,
    on_request,
)
from transfer.sandbox.seed import SandboxSeed

pytestmark = pytest.mark.e2e

KILL_WITHIN = 40
"""Kill points are drawn below this: within a clean transfer of ``small_seed()``."""


@pytest.fixture
def rigged(serve: Callable[[SandboxSeed], Served]) -> Served:
    return serve(small_seed())


def run_killed_losing_state(rigged: Served, conditions: Sequence[Condition],
                            finish_runs: int = 3) -> Crashes:
    """Like ``run_killed``, removing the state folder after each killed process."""
    crashes = Crashes()
    for condition in conditions:
        process = rigged.tool.start(TRANSFER)
        rigged.log.arm(process.pid, condition)
        try:
            crashes.attempts.append(finish(process, 120))
        finally:
            rigged.log.disarm()
        if crashes.last.returncode == 0:
            break
        shutil.rmtree(rigged.home, ignore_errors=True)
    for _ in range(finish_runs):
        if crashes.attempts and crashes.last.returncode == 0:
            break
        crashes.attempts.append(rigged.tool.run(TRANSFER))
    return crashes


def test_killed_after_each_kind_of_write_with_the_state_removed_the_target_is_exact(
    rigged: Served
) -> None:
    """Each write took effect, its answer never came back, and the journal that would have
    settled it is gone: a created copy (empty), a cover on it, its first items."""
    writes = [("POST", "/me/playlists"), ("PUT", "/playlists/{playlist_id}/images"),
              ("POST", "/playlists/{playlist_id}/items"), ("PUT", "/me/library")]
    crashes = run_killed_losing_state(
        rigged, [on_request(method, template) for method, template in writes])
    killed_after = [(entry.method, entry.path_template, entry.applied)
                    for entry in rigged.log.triggered]
    assert killed_after == [(method, template, True) for method, template in writes]
    assert crashes.last.returncode == 0, crashes.last.stderr
    assert "Adopting" in crashes.last.stdout
    rigged.assert_exact()


def test_killed_at_random_requests_with_the_state_removed_the_target_is_exact(
    rigged: Served
) -> None:
    marks = sorted(random.Random(11).sample(range(1, KILL_WITHIN), 2))
    crashes = run_killed_losing_state(rigged, [at_request(mark) for mark in marks])
    assert crashes.kills == 2, [attempt.returncode for attempt in crashes.attempts]
    assert crashes.last.returncode == 0, crashes.last.stderr
    rigged.assert_exact()
