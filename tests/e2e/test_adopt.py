"""A lost journal never doubles a library, against the sandbox over real HTTP: after ``rm -rf``
of the state folder, after ``truncate -s 0`` of the journal, and after a transfer killed midway
whose state was then removed, the next transfer adopts the copies already in the target (and
completes the one cut short) instead of making new ones, saves nothing twice, and the plan
after it is empty; ``undo`` reaches adopted copies; a state folder removed while a transfer runs
ends it with a clear error, not exit 0."""

from __future__ import annotations

import json
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from math import ceil
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, make_adapter, small_seed
from tests.e2e.cli_support import links, reports, run_cli, start_cli
from tests.e2e.engine_support import assert_transferred
from transfer.config import Settings
from transfer.export import read_library
from transfer.journal import journal_path
from transfer.plan import least_calls
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

WRITES = ["POST /me/playlists", "POST /playlists/{playlist_id}/items",
          "PUT /playlists/{playlist_id}/images", "PUT /me/library"]


def owned_ids(seed: SandboxSeed) -> list[str]:
    playlists = {playlist.id: playlist for playlist in seed.playlists}
    return [pid for pid in seed.libraries[SOURCE_USER].playlists
            if playlists[pid].owner_id == SOURCE_USER]


def target_copies(seed: SandboxSeed) -> list[str]:
    """The playlists the target owns, in its list."""
    owners = {playlist.id: playlist.owner_id for playlist in seed.playlists}
    return [pid for pid in seed.libraries[TARGET_USER].playlists if owners[pid] == TARGET_USER]


def lose_state(settings: Settings, server: SandboxServer) -> None:
    """``rm -rf`` of the state folder; both accounts log in again."""
    shutil.rmtree(settings.home)
    log_in_headless(settings, server)


def remove_while_in_use(folder: Path) -> None:
    """``rm -rf`` of a folder a running process may be adding files to."""
    for _ in range(20):
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            return
        time.sleep(0.05)
    raise AssertionError(f"{folder} could not be removed")


def plan_document() -> dict[str, object]:
    result = run_cli("plan", "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


@pytest.fixture
def small(point_at: Callable[[SandboxServer], Settings]
          ) -> Iterator[tuple[SandboxServer, Settings]]:
    with SandboxServer(small_seed(), port=0) as server:
        yield server, point_at(server)


def test_a_removed_state_folder_doubles_nothing_on_the_builtin_seed(
    fresh_sandbox: SandboxServer, point_at: Callable[[SandboxServer], Settings]
) -> None:
    server = fresh_sandbox
    settings = point_at(server)
    before = server.state.dump()
    assert run_cli("transfer", "--yes").exit_code == 0
    first = server.state.dump()
    owned = owned_ids(before)
    assert len(target_copies(first)) == len(owned)
    lose_state(settings, server)

    preview = run_cli("plan")
    assert "No journal records a transfer between these accounts" in preview.stdout
    assert f"Adopting {len(owned)} copies already in the target" in preview.stdout
    server.request_log.reset()
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    assert server.request_log.writes() == 0, "nothing created, added or saved again"
    used = server.request_log.api_total()
    after = server.state.dump()
    assert after.libraries[TARGET_USER] == first.libraries[TARGET_USER], "nothing doubled"
    assert after.playlists == first.playlists
    adopted = links(settings.home)
    assert set(adopted) == set(owned)
    assert_transferred(before, after, adopted)

    # The least a fresh plan can read: both libraries (what least_calls counts), plus the
    # items of the copies it adopts, which must be read to know them for copies.
    source = read_library(make_adapter(settings, "source", []))
    target = read_library(make_adapter(settings, "target", []))
    copies = {p.id: p for p in target.playlists}
    copy_pages = sum(ceil(len(copies[link.target_playlist_id].entries or ()) / 50)
                     for link in adopted.values())
    least_reads = least_calls(source, target).reads + copy_pages
    print(f"\nafter rm -rf: {used} API calls; least reads {least_reads} "
          f"({copy_pages} of them the adopted copies' items), plus who each account is")
    assert used <= (least_reads + 2) * 1.05, (used, least_reads, server.request_log.counts())

    report = reports(settings.home)[-1]
    assert sum(playlist["adopted"] for playlist in report["playlists"]) == len(owned)
    document = plan_document()
    assert document["summary"]["empty"], "the plan after adopting is empty"  # type: ignore[index]


def test_an_emptied_journal_is_a_new_one_and_doubles_nothing(
    small: tuple[SandboxServer, Settings]
) -> None:
    server, settings = small
    before = server.state.dump()
    assert run_cli("transfer", "--yes").exit_code == 0
    first = server.state.dump()
    path = journal_path(settings.home, SOURCE_USER, TARGET_USER)
    with path.open("r+b") as journal_file:
        journal_file.truncate(0)

    server.request_log.reset()
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    assert "Adopting" in result.stdout
    assert server.request_log.writes() == 0
    assert server.state.dump().libraries[TARGET_USER] == first.libraries[TARGET_USER]
    folder = settings.home / "reports" / f"{SOURCE_USER}__{TARGET_USER}"
    page = max(folder.glob("*.html"), key=lambda path: path.stat().st_mtime_ns).read_text()
    assert page.count("adopted: found in the target") == len(owned_ids(first))
    assert_transferred(before, server.state.dump(), links(settings.home))
    assert plan_document()["summary"]["empty"]  # type: ignore[index]


@pytest.fixture
def slow(point_at: Callable[[SandboxServer], Settings]
         ) -> Iterator[tuple[SandboxServer, Settings]]:
    """The small library, its writes answered slowly enough (80 ms) to stop a run midway."""
    with SandboxServer(small_seed(), port=0, faults=Faults(latency=0.5, only=WRITES)) as server:
        settings = point_at(server)
        server.request_log.reset()
        yield server, settings


def wait_for_writes(server: SandboxServer, count: int, process: object) -> None:
    deadline = time.monotonic() + 30
    while server.request_log.writes() < count:
        assert process.poll() is None, "the transfer ended before it was stopped"
        assert time.monotonic() < deadline, "the transfer never started writing"
        time.sleep(0.02)


def test_a_killed_transfer_whose_state_is_removed_is_completed_not_doubled(
    slow: tuple[SandboxServer, Settings]
) -> None:
    server, settings = slow
    before = server.state.dump()
    process = start_cli("transfer", "--yes")
    wait_for_writes(server, 9, process)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    # The write the killed run had on the wire still lands; the state is removed after that
    # (no journal is left to say it was sent, so nothing could tell the next run to wait).
    server.wait_idle()
    made = target_copies(server.state.dump())
    assert made, "the killed run created copies"
    lose_state(settings, server)
    server.set_faults(Faults())

    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    after = server.state.dump()
    adopted = links(settings.home)
    assert {adopted[pid].target_playlist_id for pid in adopted} >= set(made)
    assert sorted(target_copies(after)) == sorted(link.target_playlist_id
                                                  for link in adopted.values())
    assert_transferred(before, after, adopted)
    assert plan_document()["summary"]["empty"]  # type: ignore[index]


def test_a_sync_after_a_removed_state_folder_adopts_then_carries_changes(
    small: tuple[SandboxServer, Settings]
) -> None:
    server, settings = small
    assert run_cli("transfer", "--yes").exit_code == 0
    first = server.state.dump()
    lose_state(settings, server)
    server.request_log.reset()
    result = run_cli("sync")
    assert result.exit_code == 0, result.output
    assert server.request_log.writes() == 0
    assert server.state.dump().libraries[TARGET_USER] == first.libraries[TARGET_USER]
    adopted = links(settings.home)
    assert set(adopted) == set(owned_ids(first))

    original = owned_ids(first)[0]
    new_track = "spotify:track:" + next(t.id for t in first.catalog.tracks if t.available)
    make_adapter(settings, "source", []).add_items(original, [new_track])
    assert run_cli("sync").exit_code == 0
    copy = next(p for p in server.state.dump().playlists
                if p.id == adopted[original].target_playlist_id)
    assert copy.entries[-1].uri == new_track, "the adopted copy is continued by sync"
    assert len(target_copies(server.state.dump())) == len(adopted), "nothing made twice"


def test_a_transfer_from_a_snapshot_after_a_removed_state_folder_adopts(
    small: tuple[SandboxServer, Settings], tmp_path: Path
) -> None:
    server, settings = small
    before = server.state.dump()
    snapshot = tmp_path / "backup.json"
    assert run_cli("export", "-o", str(snapshot)).exit_code == 0
    assert run_cli("transfer", "--yes", "--from-snapshot", str(snapshot)).exit_code == 0
    first = server.state.dump()
    lose_state(settings, server)
    server.request_log.reset()
    result = run_cli("transfer", "--yes", "--from-snapshot", str(snapshot))
    assert result.exit_code == 0, result.output
    assert "Adopting" in result.stdout and server.request_log.writes() == 0
    assert server.state.dump().libraries[TARGET_USER] == first.libraries[TARGET_USER]
    assert_transferred(before, server.state.dump(), links(settings.home))


def test_undo_removes_adopted_copies(small: tuple[SandboxServer, Settings]) -> None:
    server, settings = small
    assert run_cli("transfer", "--yes").exit_code == 0
    first = server.state.dump()
    saved = first.libraries[TARGET_USER].tracks
    lose_state(settings, server)
    assert run_cli("transfer", "--yes").exit_code == 0

    preview = run_cli("undo", "--yes")
    assert preview.exit_code == 0, preview.output
    adopted = preview.stdout.count(": a copy adopted when its journal was lost (")
    assert adopted == len(owned_ids(first)), preview.stdout
    after = server.state.dump()
    assert target_copies(after) == [], "the adopted copies are removed"
    assert after.libraries[TARGET_USER].tracks == saved, (
        "saves recorded only in the lost journal are not the tool's to remove any more")
    again = run_cli("transfer", "--yes")
    assert again.exit_code == 0 and "Adopting" not in again.stdout, again.output
    assert len(target_copies(server.state.dump())) == len(owned_ids(after))


def test_a_state_folder_removed_during_a_transfer_fails_it(
    slow: tuple[SandboxServer, Settings]
) -> None:
    server, settings = slow
    before = server.state.dump()
    process = start_cli("transfer", "--yes")
    wait_for_writes(server, 6, process)
    remove_while_in_use(settings.home)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr
    assert "was removed while this run was going on" in stderr
    assert "Traceback" not in stderr
    log_in_headless(settings, server)
    server.set_faults(Faults())
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    assert_transferred(before, server.state.dump(), links(settings.home))
