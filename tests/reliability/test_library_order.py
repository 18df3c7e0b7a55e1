"""Liked Songs (and every saved collection) end in their order whatever order Spotify gives the
items of one ``PUT /me/library``: kept, reversed or arbitrary (the sandbox's
``library_order``). The order is learnt from the first batch of Liked Songs, read back once,
kept in the journal for later runs, and survives a kill between the batch and the read-back."""

from __future__ import annotations

import json
import os
import pty
import random
import subprocess
import sys
from collections.abc import Callable
from math import ceil
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.reliability.changes import change_source, expected_after_sync
from tests.reliability.conftest import Served
from tests.reliability.expectation import assert_target_exact
from tests.reliability.rig import make_rig
from tests.reliability.seeds import seed_with_a_target_library
from tests.reliability.tool import (
    REPOSITORY,
    SYNC,
    TRANSFER,
    Condition,
    on_request,
    run_killed,
)
from transfer.engine import Engine
from transfer.journal import Journal, journal_path
from transfer.models import Category
from transfer.plan import PlanOptions
from transfer.plan.save_order import LEARNT
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.library_order import LIBRARY_ORDERS, LibraryOrder
from transfer.sandbox.requestlog import LoggedRequest
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

SAVE = ("PUT", "/me/library")
REMOVE = ("DELETE", "/me/library")
LIKED = ("GET", "/me/tracks")


def _learnt(home: Path) -> object:
    with Journal.open(journal_path(home, SOURCE_USER, TARGET_USER)) as journal:
        return journal.learnt(LEARNT)


def _after_the_probe_was_saved() -> Condition:
    """At the read-back: the first ``GET /me/tracks`` after a ``PUT /me/library`` (the run
    dies before it can record what it read)."""
    saved = False

    def condition(entry: LoggedRequest, count: int) -> bool:
        nonlocal saved
        if (entry.method, entry.path_template) == ("PUT", "/me/library"):
            saved = True
            return False
        return saved and (entry.method, entry.path_template) == ("GET", "/me/tracks")

    return condition


@pytest.mark.parametrize("order", LIBRARY_ORDERS)
def test_each_order_ends_exact_at_the_calls_it_needs(
    order: LibraryOrder, serve: Callable[..., Served]
) -> None:
    served = serve(small_seed(), library_order=order, rng_seed=4)
    done = served.tool.invoke(list(TRANSFER[2:]))
    assert done.returncode == 0, done.stderr
    counts = served.server.request_log.counts()
    served.assert_exact()
    assert _learnt(served.home) == order
    plain = served.before.libraries[SOURCE_USER]
    items = sum(len(getattr(plain, kind)) for kind in ("tracks", "albums", "shows", "episodes",
                                                        "audiobooks"))
    reads_of_liked = ceil(len(plain.tracks) / 50) + 1  # the source's pages, the empty target
    assert counts[LIKED] == reads_of_liked + 1, "the order is read back once"
    if order == "kept":
        assert REMOVE not in counts
    elif order == "reversed":
        assert counts[REMOVE] == 1
    else:
        assert counts[REMOVE] == 1
        assert counts[SAVE] >= items - 40, "one item per request"
        assert "one item per request" in done.stdout + done.stderr


@pytest.mark.parametrize("order", ["reversed", "arbitrary"])
@pytest.mark.parametrize("kill", ["at the read-back", "as the first save lands",
                                  "as the repair's removal lands"])
def test_killed_between_the_first_batch_and_the_read_back_nothing_is_doubled_or_misordered(
    order: LibraryOrder, kill: str, serve: Callable[..., Served]
) -> None:
    served = serve(small_seed(), library_order=order, rng_seed=9)
    condition = {
        "at the read-back": _after_the_probe_was_saved(),
        "as the first save lands": on_request("PUT", "/me/library"),
        "as the repair's removal lands": on_request("DELETE", "/me/library"),
    }[kill]
    crashes = run_killed(served.tool, served.log, TRANSFER, [condition])
    assert crashes.kills == 1, [attempt.returncode for attempt in crashes.attempts]
    assert crashes.last.returncode == 0, crashes.last.stderr
    assert _learnt(served.home) == order
    served.assert_exact()


@pytest.mark.parametrize("order", LIBRARY_ORDERS)
def test_a_target_with_liked_songs_of_its_own_keeps_them_below_the_new_ones_in_order(
    order: LibraryOrder, serve: Callable[..., Served]
) -> None:
    seed = seed_with_a_target_library()
    assert seed.libraries[TARGET_USER].tracks, "the target likes a song already"
    served = serve(seed, library_order=order, rng_seed=2)
    assert served.tool.invoke(list(TRANSFER[2:])).returncode == 0
    assert _learnt(served.home) == order
    served.assert_exact()


def _typed(served: Served, replies: str) -> tuple[int, str, str]:
    """``transfer`` in a process whose input is a terminal, ``replies`` typed ahead."""
    terminal, process_side = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "transfer", "transfer"], cwd=REPOSITORY,
            env=served.tool.environment(), stdin=process_side, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        os.write(terminal, replies.encode())
        stdout, stderr = process.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(process_side)
    return process.returncode, stdout, stderr


def test_a_no_to_the_extra_calls_stops_with_nothing_lost_and_a_yes_later_finishes(
    serve: Callable[..., Served]
) -> None:
    served = serve(small_seed(), library_order="arbitrary", rng_seed=1)
    status, stdout, stderr = _typed(served, "y\nn\n")
    assert status == 1, stderr
    assert "more call(s), one per item. Spend them? [y/N]" in stderr
    assert "mixes up the order" in stderr and "Nothing is lost" in stderr
    assert "Traceback" not in stdout + stderr
    saves = served.server.request_log.counts()[SAVE]
    status, stdout, stderr = _typed(served, "y\n")
    assert status == 0, stderr
    assert "Spend them? [y/N]" in stderr, "asked again"
    assert served.server.request_log.counts()[SAVE] > saves
    served.assert_exact()


def test_a_later_sync_uses_the_order_learnt_without_reading_it_back_again(
    serve: Callable[..., Served]
) -> None:
    served = serve(small_seed(), library_order="reversed", rng_seed=6)
    assert served.tool.invoke(list(TRANSFER[2:])).returncode == 0
    status = served.tool.invoke(["status"])
    assert "Learnt: Spotify reverses the order of the items of one save" in status.stdout
    document = json.loads(served.tool.invoke(["status", "--json"]).stdout)
    assert document["pairs"][0]["library_order"] == "reversed"
    change_source(served.server, served.checker_home.with_name("source-side"),
                  random.Random(5))
    expected = expected_after_sync(served.server, served.before)
    served.server.request_log.reset()
    synced = served.tool.run(SYNC)
    assert synced.returncode == 0, synced.stderr
    counts = served.server.request_log.counts()
    assert REMOVE not in counts, "no repair: each batch was sent reversed"
    liked = len(expected.libraries[SOURCE_USER].tracks)
    assert counts[LIKED] <= ceil(liked / 50) + 1, "no read-back of the order"
    assert_target_exact(served.server, expected, served.checker_home)


def _liked_only(server: SandboxServer, home: Path) -> tuple[dict[tuple[str, str], int], int]:
    """A transfer of the Liked Songs only; the calls it made and the songs it saved."""
    rig = make_rig(server, home)
    with rig.journal() as journal:
        engine = Engine(target=rig.adapter("target"), journal=journal,
                        source=rig.adapter("source"),
                        options=PlanOptions(categories=(Category.LIKED_SONGS,)))
        prepared = engine.prepare()
        engine.apply(prepared)
    return dict(server.request_log.counts()), prepared.plan.category(Category.LIKED_SONGS).new


@pytest.mark.parametrize("order", LIBRARY_ORDERS)
def test_the_built_in_seeds_liked_songs_cost_per_order(order: LibraryOrder, tmp_path: Path
                                                       ) -> None:
    """The figures: the built-in seed's Liked Songs into the empty target."""
    seed = builtin_seed()
    with SandboxServer(seed, port=0, library_order=order, rng_seed=0) as server:
        counts, songs = _liked_only(server, tmp_path / "home")
        after = server.state.dump()
    source = [ref.id for ref in seed.libraries[SOURCE_USER].tracks]
    assert [ref.id for ref in after.libraries[TARGET_USER].tracks] == source
    least = ceil(songs / 40)
    saves, removes = counts[SAVE], counts.get(REMOVE, 0)
    print(f"\n{order}: {songs} songs, PUT /me/library {saves} + DELETE {removes} "
          f"(least {least}), GET /me/tracks {counts[LIKED]}")
    if order == "kept":
        assert (saves, removes) == (least, 0)
    elif order == "reversed":
        assert (saves, removes) == (least + 1, 1)
    else:
        assert songs - 39 <= saves <= songs and removes == 1


def test_a_plan_made_once_the_order_is_known_shows_the_calls_it_takes(
    serve: Callable[..., Served]
) -> None:
    """Learnt from the albums (an --only albums transfer), the order makes the plan of the
    Liked Songs one save per song, and says so."""
    served = serve(small_seed(), library_order="arbitrary", rng_seed=8)
    done = served.tool.invoke(["transfer", "--yes", "--only", "albums"])
    assert done.returncode == 0, done.stderr
    assert _learnt(served.home) == "arbitrary"
    planned = served.tool.invoke(["plan", "--only", "likes", "--json"])
    assert planned.returncode == 0, planned.stderr
    document = json.loads(planned.stdout)
    assert document["options"]["library_order"] == "arbitrary"
    songs = len(served.before.libraries[SOURCE_USER].tracks)
    saves = [entry["action"] for entry in document["actions"]
             if entry["action"]["type"] == "save_library_items"]
    assert len(saves) == songs and all(len(save["uris"]) == 1 for save in saves)
    text = served.tool.invoke(["plan", "--only", "likes"]).stdout
    assert "mixes up the items of one save (learnt earlier)" in text
