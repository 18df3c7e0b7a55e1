"""End to end against the sandbox's odd shapes (``hostile_shapes``, what the real Spotify sends
at times: nulls in the playlist list, in entries and in Liked Songs, owners without ids,
images without addresses, entries in the older ``track`` shape, an old cover address, artists
without names): export, plan and transfer finish, list each malformed element at its place,
never print or write the text ``None``, make no copy of a playlist none of whose entries
reads, and move everything well-formed exactly. The parser level: ``tests/unit/test_odd_shapes.py``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless
from tests.e2e.cli_support import reports, run_cli
from transfer.config import Settings
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.shapes import ODD_OWNER
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

NONE = re.compile(r"\bNone\b")
COPIED = ("plOwn1", "plOwn2", "oddImagesNull", "oddImageUrlNull", "oddOldCover", "oddOlder",
          "oddHoles")
"""The source's owned playlists that are read and copied (``oddNull`` is a null in the list,
``oddAllNull`` has no entry that reads)."""


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), port=0, hostile_shapes=True) as running:
        yield running


@pytest.fixture
def settings(server: SandboxServer, point_at: Callable[[SandboxServer], Settings]) -> Settings:
    return point_at(server)


def _copies(server: SandboxServer) -> dict[str, list[str | None]]:
    """The target's playlists by name: their URIs in order."""
    return {playlist.name: [entry.uri for entry in playlist.entries]
            for playlist in server.state.playlists.values() if playlist.owner_id == TARGET_USER}


def _movable(server: SandboxServer, playlist_id: str) -> list[str]:
    """What a copy must hold: the entries served well-formed, not local, not withdrawn."""
    playlist = server.state.playlists[playlist_id]
    return [entry.uri for entry in playlist.entries
            if entry.uri is not None and entry.shape not in ("null", "no_item")
            and (not entry.uri.startswith("spotify:track:")
                 or server.state.tracks[entry.uri.split(":")[2]].available)]


def test_export_plan_and_transfer_finish_list_what_cannot_be_read_and_move_the_rest(
    server: SandboxServer, settings: Settings, tmp_path: Path,
) -> None:
    snapshot = tmp_path / "snapshot.json"
    export = run_cli("export", "--output", str(snapshot))
    assert export.exit_code == 0, export.output
    library = json.loads(snapshot.read_text())
    assert [(m["category"], m["position"]) for m in library["malformed"]] == [
        ("playlists", 1), ("liked_songs", 1)]
    assert "7 elements Spotify sent could not be read" in export.output, export.output
    assert "#2 in your playlist list: a null instead of a playlist" in export.output
    assert not NONE.search(snapshot.read_text()), "no text None in the snapshot"
    owners = {p["id"]: (p["owner_id"], p["relation"]) for p in library["playlists"]}
    assert owners["oddOwnerNull"] == ("", "followed") and owners["oddNoOwner"] == ("", "followed")

    plan = run_cli("plan")
    assert plan.exit_code == 0, plan.output
    assert not NONE.search(plan.output), plan.output
    assert "#2 in your playlist list (a null instead of a playlist)" in plan.output
    assert "#2 in your Liked Songs (a null instead of a saved track)" in plan.output
    assert "#2 in “Odd Holes” (Spotify gives no name) (a null instead of an entry)" in plan.output
    assert "“Odd AllNull”: a page of its items held none that could be read" in plan.output
    document = json.loads(run_cli("plan", "--json").stdout)
    reasons = {(s["reason"], s["item"]["playlist_id"], s["item"]["position"])
               for s in document["skipped"]}
    assert {("malformed", None, 1), ("malformed", "oddHoles", 1), ("malformed", "oddHoles", 4),
            ("unreadable", "oddAllNull", None)} <= reasons

    transfer = run_cli("transfer", "--yes")
    assert transfer.exit_code == 0, transfer.output
    assert not NONE.search(transfer.output), transfer.output
    assert "#2 in your playlist list (a null instead of a playlist)" in transfer.output
    copies = _copies(server)
    names = {server.state.playlists[pid].name: pid for pid in COPIED}
    assert set(copies) == set(names), "one copy each, none of Odd AllNull nor of Odd Null"
    for name, playlist_id in names.items():
        assert copies[name] == _movable(server, playlist_id), name
    followed = server.state.library(TARGET_USER).playlists.to_list()
    assert {"oddOwnerNull", "oddNoOwner", "plCollab", "plMika", "plEditorial"} <= set(followed)
    cover = next(p for p in server.state.playlists.values()
                 if p.owner_id == TARGET_USER and p.name == "Odd OldCover").cover
    original = server.state.playlists["oddOldCover"].cover
    assert cover is not None and original is not None
    assert base64.b64decode(cover.jpeg_base64) == base64.b64decode(original.jpeg_base64), \
        "the cover at the old address is a custom cover, copied"
    assert all(p.cover is None for p in server.state.playlists.values()
               if p.owner_id == TARGET_USER and p.name.startswith("Odd Image")), \
        "an image without an address is no cover"
    liked = [ref.id for ref in server.state.library(TARGET_USER).saved["tracks"].to_list()]
    source_liked = [ref.id for ref in server.state.library(SOURCE_USER).saved["tracks"].to_list()
                    if ref.shape is None]
    assert liked == source_liked, "every Liked Song that reads, in order"

    report = reports(settings.home)[-1]
    skipped = {(s["reason"], s["playlist_id"], s["position"], s["detail"])
               for s in report["skipped"]}
    assert ("malformed", None, 1, "a null instead of a playlist") in skipped
    assert ("malformed", "oddHoles", 4, "an entry without an item") in skipped
    assert any(reason == "unreadable" and playlist == "oddAllNull"
               for reason, playlist, _, _ in skipped)
    for path in (settings.home / "reports").rglob("*"):
        if path.is_file():
            assert not NONE.search(path.read_text()), f"no text None in {path.name}"
    page = next((settings.home / "reports").rglob("*.html")).read_text()
    assert "#2 in your playlist list" in page and "a null instead of a playlist" in page

    again = run_cli("transfer", "--yes")
    assert again.exit_code == 0, again.output
    assert _copies(server) == copies, "a second run changes nothing"


def test_a_user_the_dashboard_does_not_list_is_told_to_add_that_account(
    server: SandboxServer, settings: Settings,
) -> None:
    log_in_headless(settings, server, {"target": "stranger"})
    plan = run_cli("plan")
    assert plan.exit_code == 1, plan.output
    assert "Traceback" not in plan.output
    assert "Spotify refused the target account" in plan.output
    assert "the user may not be registered" in plan.output, "the sandbox's other wording"
    assert "e-mail address the target account signs in with under User Management" in plan.output
    assert ODD_OWNER not in plan.output


def test_sync_and_mirror_against_odd_shapes_lose_nothing(
    server: SandboxServer, settings: Settings,
) -> None:
    assert run_cli("transfer", "--yes").exit_code == 0
    copies = _copies(server)
    followed = server.state.library(TARGET_USER).playlists.to_list()
    liked = server.state.library(TARGET_USER).saved["tracks"].to_list()
    for command in (("sync",), ("sync",), ("sync", "--mirror")):
        server.request_log.reset()
        result = run_cli(*command)
        assert result.exit_code == 0, result.output
        assert not NONE.search(result.output), result.output
        assert server.request_log.api_total() <= 10, \
            "a null in Liked Songs or the list does not send each sync to a full read"
    assert _copies(server) == copies, "no copy changed, none of Odd AllNull made"
    assert server.state.library(TARGET_USER).playlists.to_list() == followed, \
        "the mirror did not unfollow a copy because the source's list held a null"
    assert server.state.library(TARGET_USER).saved["tracks"].to_list() == liked

    with server.state.lock:  # Spotify turns odd where it was not: a listed playlist and an entry
        server.state.playlists["plOwn1"].shape = "null"
        holes = server.state.playlists["oddImagesNull"]
        holes.entries[0] = holes.entries[0].model_copy(update={"shape": "null"})
        holes.snapshot_version += 1
    mirrored = run_cli("sync", "--mirror")
    assert mirrored.exit_code == 0, mirrored.output
    assert _copies(server) == copies, "the copy of a playlist listed as null is kept whole"
    assert server.state.library(TARGET_USER).playlists.to_list() == followed


def test_a_playlist_not_copied_for_want_of_a_readable_page_is_copied_once_it_reads(
    server: SandboxServer, settings: Settings,
) -> None:
    assert run_cli("transfer", "--yes").exit_code == 0
    assert "Odd AllNull" not in _copies(server)
    assert run_cli("sync").exit_code == 0
    assert "Odd AllNull" not in _copies(server), "still unreadable"
    with server.state.lock:
        fixed = server.state.playlists["oddAllNull"]
        fixed.entries = [entry.model_copy(update={"shape": None}) for entry in fixed.entries]
        fixed.snapshot_version += 1
    synced = run_cli("sync")
    assert synced.exit_code == 0, synced.output
    assert _copies(server)["Odd AllNull"] == _movable(server, "oddAllNull")
    assert len(_copies(server)["Odd AllNull"]) == 3
