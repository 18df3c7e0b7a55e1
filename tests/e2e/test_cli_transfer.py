"""``spotify-transfer transfer`` against the sandbox over real HTTP, in-process: the built-in
library moved exactly at about the least calls, a second run that writes nothing, a target with
content of its own, every skip reason in the report, a transfer from a snapshot, and the
refusals (the same account twice, a revoked log-in, a corrupt snapshot, nobody to confirm)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import Result

from tests.conftest import (
    SOURCE_USER,
    TARGET_USER,
    log_in_headless,
    make_adapter,
    use_sandbox,
)
from tests.e2e.cli_support import COVERED_ID, covered_seed, links, reports, run_cli
from tests.e2e.engine_support import assert_transferred
from tests.e2e.seed_expectations import SeedView
from transfer.config import Settings, load_settings
from transfer.errors import ExitStatus
from transfer.export import read_library
from transfer.models import Library
from transfer.plan import PlaylistLink, SkipReason, least_calls
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.seed import Playlist, PlaylistEntry, SandboxSeed, SavedRef, UserLibrary
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
SPOTIFY_LINK = "https://open.spotify.com/"


@dataclass(frozen=True)
class BuiltInRun:
    """A fresh transfer of the built-in library, then a second run, by the command."""

    before: SandboxSeed
    after: SandboxSeed
    source: Library
    first: Result
    first_calls: Counter[tuple[str, str]]
    second: Result
    second_calls: Counter[tuple[str, str]]
    links: dict[str, PlaylistLink]
    reports: list[dict[str, Any]]


@pytest.fixture(scope="module")
def built_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltInRun]:
    with pytest.MonkeyPatch.context() as patch, SandboxServer(builtin_seed(), port=0) as server:
        for name in list(os.environ):
            if name.startswith(("SPOTIFY_TRANSFER_", "SPOTIPY_")):
                patch.delenv(name)
        base = tmp_path_factory.mktemp("built-in")
        patch.setenv("XDG_CONFIG_HOME", str(base / "config"))
        patch.setenv("SPOTIFY_TRANSFER_HOME", str(base / "home"))
        use_sandbox(patch, server)
        settings = load_settings()
        log_in_headless(settings, server)
        before = server.state.dump()
        server.request_log.reset()
        first = run_cli("transfer", "--yes")
        first_calls = server.request_log.counts()
        server.request_log.reset()
        second = run_cli("transfer", "--yes")
        second_calls = server.request_log.counts()
        source = read_library(make_adapter(settings, "source", []))
        yield BuiltInRun(before, server.state.dump(), source, first, first_calls, second,
                         second_calls, links(settings.home), reports(settings.home))


def test_a_fresh_transfer_moves_the_built_in_library_exactly(built_in: BuiltInRun) -> None:
    assert built_in.first.exit_code == 0, built_in.first.output
    assert "Transfer complete: Alex (old account) (alex.old) → Alex (alex.new)" in (
        built_in.first.stdout)
    assert_transferred(built_in.before, built_in.after, built_in.links)


def test_a_fresh_transfer_costs_within_5_percent_of_the_least_calls(built_in: BuiltInRun
                                                                    ) -> None:
    used = sum(built_in.first_calls.values())
    least = least_calls(built_in.source).total + 2  # + who each account is (GET /me)
    assert least <= used <= least * 1.05, (used, least, dict(built_in.first_calls))
    report = built_in.reports[0]
    assert report["api_calls"]["total"] == used - built_in.first_calls[("GET", "/me")]
    assert f"API calls: {report['api_calls']['total']:,}" in built_in.first.stdout


def test_a_second_run_reads_only(built_in: BuiltInRun) -> None:
    assert built_in.second.exit_code == 0, built_in.second.output
    assert "Nothing to do" in built_in.second.stdout
    assert all(method == "GET" for method, _ in built_in.second_calls), built_in.second_calls
    second = built_in.reports[1]
    assert second["summary"]["done"] == 0 and second["run"]["complete"]
    liked = next(row for row in second["categories"] if row["category"] == "liked_songs")
    assert liked["already_there"] == len(built_in.before.libraries[SOURCE_USER].tracks)


def test_the_report_follows_its_schema_and_is_printed(built_in: BuiltInRun) -> None:
    schema = json.loads((DOCS / "report-json.schema.json").read_text())
    for report in built_in.reports:
        jsonschema.validate(report, schema)
    first = built_in.reports[0]
    assert (first["document"], first["version"]) == ("spotify-transfer/report", 1)
    assert first["run"]["state"] == "done" and first["run"]["complete"]
    lines = built_in.first.stdout.splitlines()
    path = Path(next(line for line in lines if line.startswith("Report: "))[8:])
    assert json.loads(path.read_text()) == first
    html = Path(next(line for line in lines if line.startswith("Readable report: "))[17:])
    assert html == path.with_suffix(".html") and html.read_text().startswith("<!DOCTYPE html>")


def test_the_report_says_where_each_playlist_went(built_in: BuiltInRun) -> None:
    view = SeedView(built_in.before, SOURCE_USER)
    results = {playlist["source_id"]: playlist for playlist in built_in.reports[0]["playlists"]}
    assert list(results) == view.library.playlists
    for seeded in view.listed_playlists():
        result = results[seeded.id]
        assert result["status"] == "done", result
        if view.relation(seeded) == "owned":
            copy_id = built_in.links[seeded.id].target_playlist_id
            assert result["target_id"] == copy_id
            assert result["target_url"] == f"{SPOTIFY_LINK}playlist/{copy_id}"
            movable = [entry for entry in view.entries(seeded)
                       if entry.uri is not None and not entry.is_local]
            assert result["items_added"] == len(movable), seeded.name
            assert result["items_skipped"] == len(seeded.entries) - len(movable)
            assert (result["cover"] == "uploaded") == (seeded.cover is not None)
        else:
            assert (result["change"], result["target_id"]) == ("follow", seeded.id)


def test_local_files_and_unavailable_items_are_reported_by_name(built_in: BuiltInRun) -> None:
    view = SeedView(built_in.before, SOURCE_USER)
    expected = {}
    for seeded in view.listed_playlists():
        if view.relation(seeded) != "owned":
            continue
        for position, entry in enumerate(view.entries(seeded)):
            if entry.is_local:
                expected[seeded.id, position] = ("local_file", entry.name)
            elif entry.uri is None:
                expected[seeded.id, position] = ("unavailable", "")
    skipped = {(item["playlist_id"], item["position"]): (item["reason"], item["name"])
               for item in built_in.reports[0]["skipped"] if item["position"] is not None}
    assert skipped == expected and expected
    summary = built_in.first.stdout.split("Transfer complete")[1]
    for (_, _), (reason, name) in expected.items():
        if reason == "local_file":
            assert f"“{name}”" in summary
    unavailable = sum(1 for reason, _ in expected.values() if reason == "unavailable")
    assert summary.count("(Spotify gives no name)") == unavailable


# -- small worlds of their own ------------------------------------------------------------


@pytest.fixture
def serve(point_at: Callable[[SandboxServer], Settings]
          ) -> Iterator[Callable[[SandboxSeed], tuple[SandboxServer, Settings]]]:
    """``serve(seed)``: a sandbox for this test with the tool pointed at it, logged in."""
    servers: list[SandboxServer] = []

    def start(seed: SandboxSeed) -> tuple[SandboxServer, Settings]:
        server = SandboxServer(seed, port=0).start()
        servers.append(server)
        settings = point_at(server)
        server.request_log.reset()
        return server, settings

    yield start
    for server in servers:
        server.stop()


def overlapping_seed() -> SandboxSeed:
    """The tiny seed with a target that has some of the same saves, follows one of the source's
    playlists, and owns a playlist named like one of the source's."""
    seed = covered_seed()
    namesake = Playlist(id="plTargetsOwn", owner_id=TARGET_USER, name="Road trip 🚗",
                        description="mine", entries=[PlaylistEntry(
                            uri="spotify:track:tr11", added_at="2020-01-01T00:00:00Z",
                            added_by=TARGET_USER)])
    seed.playlists.append(namesake)
    source = seed.libraries[SOURCE_USER]
    seed.libraries[TARGET_USER] = UserLibrary(
        tracks=[SavedRef(id="tr05", added_at="2020-05-05T00:00:00Z")],
        albums=list(source.albums[:1]), artists=["ar2"],
        playlists=["plTargetsOwn", "plMika"],
    )
    return seed


def test_what_the_target_already_has_is_left_as_it_was(serve: Callable[..., Any]) -> None:
    server, settings = serve(overlapping_seed())
    before = server.state.dump()
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    after = server.state.dump()
    assert_transferred(before, after, links(settings.home))
    namesake = next(p for p in after.playlists if p.id == "plTargetsOwn")
    assert namesake == next(p for p in before.playlists if p.id == "plTargetsOwn")
    (report,) = reports(settings.home)
    counts = {row["category"]: row for row in report["categories"]}
    assert counts["liked_songs"]["already_there"] == 1
    assert counts["albums"]["already_there"] == 1
    assert counts["artists"]["already_there"] == 1
    assert counts["playlists"]["already_there"] == 1
    mika = next(p for p in report["playlists"] if p["source_id"] == "plMika")
    assert (mika["status"], mika["skip_reason"]) == ("already_there", "already_followed")
    assert "plTargetsOwn" not in {p["target_id"] for p in report["playlists"]}


def extra_playlists_seed() -> SandboxSeed:
    """The tiny seed with two more owned playlists whose copies the target will change."""
    seed = covered_seed()
    for playlist_id, name in (("plWorks", "Road works"), ("plClosed", "Road closed")):
        seed.playlists.append(Playlist(
            id=playlist_id, owner_id=SOURCE_USER, name=name, entries=[
                PlaylistEntry(uri=f"spotify:track:tr0{n}", added_at="2021-01-01T00:00:00Z",
                              added_by=SOURCE_USER) for n in (6, 7)]))
        seed.libraries[SOURCE_USER].playlists.append(playlist_id)
    seed.libraries[TARGET_USER] = UserLibrary(playlists=["plMika"])
    return seed


TRANSFER_REASONS = {
    SkipReason.LOCAL_FILE, SkipReason.UNAVAILABLE, SkipReason.EXCLUDED, SkipReason.NOT_INCLUDED,
    SkipReason.CATEGORY_OFF, SkipReason.ALREADY_FOLLOWED, SkipReason.UP_TO_DATE,
    SkipReason.DIVERGED, SkipReason.COPY_REMOVED, SkipReason.ITEMS_UNKNOWN,
}
"""Every reason a transfer gives, but ``unsupported`` (no item of the sandbox is of a kind that
cannot be saved or added)."""


def test_every_skip_reason_appears_in_the_report(
    serve: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _, settings = serve(extra_playlists_seed())
    monkeypatch.setenv("SPOTIFY_TRANSFER_TRANSFER__INCLUDE_PLAYLISTS",
                       '["Road*", "Shared", "Mika*", "Пусто", "Covered"]')
    monkeypatch.setenv("SPOTIFY_TRANSFER_TRANSFER__EXCLUDE_PLAYLISTS", '["Пусто"]')
    monkeypatch.setenv("SPOTIFY_TRANSFER_TRANSFER__CATEGORIES",
                       '["playlists", "liked_songs", "albums", "artists", "shows", "episodes"]')
    first = run_cli("transfer", "--yes")
    assert first.exit_code == 0, first.output
    copies = links(settings.home)
    target = make_adapter(settings, "target", [])
    target.remove_items(copies["plWorks"].target_playlist_id, ["spotify:track:tr06"])
    target.remove_from_library([f"spotify:playlist:{copies['plClosed'].target_playlist_id}"])
    second = run_cli("transfer", "--yes")
    assert second.exit_code == 0, second.output
    snapshot = tmp_path / "old.json"
    assert run_cli("export", "-o", str(snapshot)).exit_code == 0
    document = json.loads(snapshot.read_text())
    covered = next(p for p in document["playlists"] if p["id"] == COVERED_ID)
    covered.update(entries=None, snapshot_id="changed-since")
    snapshot.write_text(json.dumps(document))
    third = run_cli("transfer", "--yes", "--from-snapshot", str(snapshot))
    assert third.exit_code == 0, third.output
    found = {item["reason"] for report in reports(settings.home) for item in report["skipped"]}
    assert found == TRANSFER_REASONS
    said = first.stdout + second.stdout + third.stdout
    for reason in TRANSFER_REASONS:
        if not reason.already_there:
            assert reason.text in said, reason


def test_a_transfer_from_a_snapshot(serve: Callable[..., Any], tmp_path: Path) -> None:
    server, settings = serve(covered_seed())
    before = server.state.dump()
    snapshot = tmp_path / "old account.json"
    assert run_cli("export", "-o", str(snapshot)).exit_code == 0
    (settings.home / "tokens" / "source.json").unlink()  # the old account is gone
    server.request_log.reset()
    result = run_cli("transfer", "--yes", "--from-snapshot", str(snapshot))
    assert result.exit_code == 0, result.output
    assert f"Source read from the file {snapshot}" in result.stdout
    assert {entry.user_id for entry in server.request_log.entries if entry.is_api} == {
        TARGET_USER}
    assert_transferred(before, server.state.dump(), links(settings.home))
    (report,) = reports(settings.home)
    assert report["run"]["origin"] == str(snapshot)


def test_a_snapshot_keeps_covers_whose_address_expired(serve: Callable[..., Any],
                                                       tmp_path: Path) -> None:
    server, settings = serve(covered_seed())
    snapshot = tmp_path / "old.json"
    assert run_cli("export", "-o", str(snapshot)).exit_code == 0
    source = make_adapter(settings, "source", [])
    source.upload_cover(COVERED_ID, bytes.fromhex("ffd8ffe000104a464946"))  # retires the URL
    result = run_cli("transfer", "--yes", "--from-snapshot", str(snapshot))
    assert result.exit_code == 0, result.output
    copy_id = links(settings.home)[COVERED_ID].target_playlist_id
    copy = next(p for p in server.state.dump().playlists if p.id == copy_id)
    original = next(p for p in covered_seed().playlists if p.id == COVERED_ID)
    assert copy.cover is not None and original.cover is not None
    assert copy.cover.jpeg_base64 == original.cover.jpeg_base64


def test_the_same_account_on_both_sides_is_refused(serve: Callable[..., Any]) -> None:
    server, settings = serve(tiny_seed())
    log_in_headless(settings, server, {"target": SOURCE_USER})
    server.request_log.reset()
    result = run_cli("transfer", "--yes")
    assert result.exit_code == ExitStatus.USAGE, result.output
    assert "Source and target are the same Spotify account (alex.old)" in result.stderr
    assert "login target" in result.stderr
    assert server.request_log.writes() == 0
    assert not (settings.home / "journals").exists()


def test_a_revoked_log_in_says_to_log_in_again(serve: Callable[..., Any]) -> None:
    server, _ = serve(tiny_seed())
    server.revoke(TARGET_USER)
    result = run_cli("transfer", "--yes")
    assert result.exit_code == ExitStatus.ERROR, result.output
    assert "The log-in of the target account is no longer valid" in result.stderr
    assert "spotify-transfer login target" in result.stderr
    assert "Traceback" not in result.output
    assert server.request_log.writes() == 0


def test_a_corrupt_snapshot_is_refused_before_any_request(
    serve: Callable[..., Any], tmp_path: Path
) -> None:
    server, _ = serve(tiny_seed())
    snapshot = tmp_path / "broken.json"
    snapshot.write_text('{"schema_version": 1, "exported_at": "2026-01-01T00:00:00Z", "acc')
    result = run_cli("transfer", "--yes", "--from-snapshot", str(snapshot))
    assert result.exit_code == ExitStatus.USAGE, result.output
    assert "truncated or corrupt" in result.stderr
    assert server.request_log.total() == 0


def test_without_yes_and_without_a_terminal_nothing_is_done(serve: Callable[..., Any]) -> None:
    server, settings = serve(tiny_seed())
    result = run_cli("transfer", stdin="y\n")
    assert result.exit_code == ExitStatus.USAGE, result.output
    assert "--yes" in result.stderr
    assert server.request_log.writes() == 0
    assert server.request_log.total() == 2  # who the two accounts are
    assert reports(settings.home) == []


def test_the_plan_shown_is_the_plan_applied(serve: Callable[..., Any]) -> None:
    server, settings = serve(tiny_seed())
    shown = run_cli("plan", "--json")
    assert shown.exit_code == 0, shown.output
    planned = json.loads(shown.stdout)
    server.request_log.reset()
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    writes = [entry for entry in server.request_log.entries if entry.is_write]
    assert len(writes) == planned["summary"]["writes"]
    (report,) = reports(settings.home)
    assert report["summary"]["done"] == sum(
        row["new"] for row in planned["summary"]["categories"]) + sum(
        playlist["adding"] for playlist in planned["playlists"])
    liked = len(tiny_seed().libraries[SOURCE_USER].tracks)
    assert ceil(liked / 40) <= Counter(e.path_template for e in writes)["/me/library"]


def test_a_playlist_without_a_name_is_copied_as_untitled_and_the_plan_shows_the_names(
    point_at: Callable[[SandboxServer], Settings], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The plan shows the name each copy is created with (name_prefix applied), and a source
    playlist with no name (Spotify refuses to create one) gets a placeholder, said in the plan
    and the report."""
    seed = tiny_seed()
    seed.playlists.append(Playlist(id="plNoName", owner_id=SOURCE_USER, name="", entries=[
        PlaylistEntry(uri="spotify:track:tr01", added_at="2021-04-01T10:00:00Z",
                      added_by=SOURCE_USER)]))
    seed.libraries[SOURCE_USER].playlists.append("plNoName")
    monkeypatch.setenv("SPOTIFY_TRANSFER_TRANSFER__NAME_PREFIX", "Old: ")
    with SandboxServer(seed, port=0) as server:
        settings = point_at(server)
        named = next(p.name for p in seed.playlists if p.owner_id == SOURCE_USER and p.name)
        planned = run_cli("plan")
        assert planned.exit_code == 0, planned.output
        assert f"create    “Old: {named}” (from “{named}”)" in planned.stdout
        assert "create    “Old: Untitled playlist” (its source has no name)" in planned.stdout
        assert "plNoName has no name" in planned.stdout
        document = json.loads(run_cli("plan", "--json").stdout)
        outline = next(p for p in document["playlists"] if p["source_id"] == "plNoName")
        assert outline["target_name"] == "Old: Untitled playlist"

        result = run_cli("transfer", "--yes")
        assert result.exit_code == 0, result.output
        copy_id = links(settings.home)["plNoName"].target_playlist_id
        copy = next(p for p in server.state.dump().playlists if p.id == copy_id)
        assert copy.name == "Old: Untitled playlist"
        assert [entry.uri for entry in copy.entries] == ["spotify:track:tr01"]
        report = reports(settings.home)[-1]
        row = next(p for p in report["playlists"] if p["source_id"] == "plNoName")
        assert row["target_name"] == "Old: Untitled playlist" and row["status"] == "done"
        assert any("plNoName has no name" in note for note in report["notes"])
