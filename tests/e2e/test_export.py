"""Export of the built-in sandbox library over real HTTP: complete, exact, at the least calls."""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SOURCE_USER, log_in_headless, make_adapter
from tests.e2e.seed_expectations import SeedView, moment
from transfer.cli import cli
from transfer.config import Settings
from transfer.errors import ConfigError, ExitStatus
from transfer.export import load_snapshot, read_library
from transfer.files import write_atomically
from transfer.models import Library
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def view() -> SeedView:
    return SeedView(builtin_seed(), SOURCE_USER)


@dataclass(frozen=True)
class ExportRun:
    library: Library
    calls: dict[tuple[str, str], int]
    served: Counter[tuple[str, str]]
    writes: int


@pytest.fixture(scope="module")
def run(_session_sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> ExportRun:
    """One export of the source account, shared by the tests that check it."""
    server = _session_sandbox
    settings = Settings(api_url=server.api_url, accounts_url=server.accounts_url,
                        client_id=server.client_id, home=tmp_path_factory.mktemp("home"))
    log_in_headless(settings, server)
    server.request_log.reset()
    adapter = make_adapter(settings, "source", [])
    library = read_library(adapter)
    return ExportRun(library, dict(adapter.calls), server.request_log.counts(),
                     server.request_log.writes())


@pytest.fixture
def exported(run: ExportRun) -> Library:
    return run.library


def test_account_and_playlist_list(exported: Library, view: SeedView) -> None:
    user = view.users[SOURCE_USER]
    assert (exported.account.id, exported.account.display_name) == (user.id, user.display_name)
    assert [playlist.id for playlist in exported.playlists] == view.seed.libraries[
        SOURCE_USER].playlists


def test_every_playlist_is_exactly_as_the_seed_says(exported: Library, view: SeedView) -> None:
    for playlist, seeded in zip(exported.playlists, view.listed_playlists(), strict=True):
        relation = view.relation(seeded)
        owner = view.users[seeded.owner_id]
        assert (playlist.name, playlist.description) == (seeded.name, seeded.description)
        assert (playlist.public, playlist.collaborative) == (seeded.public, seeded.collaborative)
        assert (playlist.owner_id, playlist.owner_name) == (owner.id, owner.display_name)
        assert playlist.relation == relation, playlist.name
        assert playlist.snapshot_id
        has_custom_cover = playlist.cover is not None and playlist.cover.custom
        assert has_custom_cover == (seeded.cover is not None), playlist.name
        if has_custom_cover and relation == "owned":
            assert playlist.cover is not None and seeded.cover is not None
            assert playlist.cover.jpeg_base64 == seeded.cover.jpeg_base64, playlist.name
        if relation == "followed":
            assert playlist.entries is None and playlist.total is None
        else:
            assert playlist.entries == view.entries(seeded), playlist.name
            assert playlist.total == len(seeded.entries)


def test_tricky_entries_are_kept(exported: Library) -> None:
    entries = [entry for playlist in exported.playlists for entry in playlist.entries or ()]
    assert any(entry.is_local for entry in entries)
    assert any(entry.unavailable for entry in entries)
    assert any(entry.kind == "episode" for entry in entries)
    owned = [playlist for playlist in exported.playlists if playlist.relation == "owned"]
    assert any(len({e.uri for e in p.entries or ()}) < len(p.entries or ()) for p in owned)


def test_saved_collections_newest_first_with_dates(exported: Library, view: SeedView) -> None:
    assert list(exported.liked_songs) == view.liked_songs()
    for kind, items in (("album", exported.albums), ("show", exported.shows),
                        ("episode", exported.episodes), ("audiobook", exported.audiobooks)):
        assert [(item.uri, item.name, item.added_at) for item in items] == view.saved(kind), kind
    assert [(artist.uri, artist.name) for artist in exported.artists] == view.followed_artists()
    first_liked = view.library.tracks[-1]
    assert exported.liked_songs[0].added_at == moment(first_liked.added_at)


def test_reads_cost_the_least_calls(run: ExportRun, view: SeedView) -> None:
    least = view.least_read_calls()
    assert run.calls == least
    assert {key: run.served[key] for key in least} == least
    assert run.writes == 0


def test_export_command_writes_the_snapshot(
    point_at: Callable[[SandboxServer], Settings], small_sandbox: SandboxServer, tmp_path: Path
) -> None:
    point_at(small_sandbox)
    small = SeedView(small_sandbox.state.dump(), SOURCE_USER)
    output = tmp_path / "backup.json"
    result = CliRunner().invoke(cli, ["export", "-o", str(output)])
    assert result.exit_code == 0, result.output
    library = load_snapshot(output)
    assert library.account.id == SOURCE_USER
    assert list(library.liked_songs) == small.liked_songs()
    assert f"{len(small.library.tracks)} Liked Songs" in result.output
    calls = sum(small.least_read_calls().values())
    assert f"{calls} API calls" in result.output
    assert "sandbox-refresh" not in output.read_text()


def test_export_command_default_path_is_in_the_state_folder(
    point_at: Callable[[SandboxServer], Settings], small_sandbox: SandboxServer
) -> None:
    settings = point_at(small_sandbox)
    result = CliRunner().invoke(cli, ["export", "--account", "target"])
    assert result.exit_code == 0, result.output
    (snapshot,) = (settings.home / "snapshots").iterdir()
    assert snapshot.name.startswith("alex.new-") and snapshot.suffix == ".json"
    assert json.loads(snapshot.read_text())["account"]["id"] == "alex.new"


def test_export_without_log_in_says_how_to_log_in(sandbox_env: Settings) -> None:
    result = CliRunner().invoke(cli, ["export"])
    assert result.exit_code == ExitStatus.ERROR
    assert "not logged in" in result.output
    assert "spotify-transfer login source" in result.output


def test_export_to_standard_output_prints_only_the_document_there(
    point_at: Callable[[SandboxServer], Settings], small_sandbox: SandboxServer, tmp_path: Path
) -> None:
    settings = point_at(small_sandbox)
    result = CliRunner().invoke(cli, ["export", "-o", "-"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["account"]["id"] == SOURCE_USER
    assert "Exported" in result.stderr and "standard output" in result.stderr
    assert not (settings.home / "snapshots").exists(), "no file written"
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("kind", ["symbolic link", "FIFO", "symbolic link to a device"])
def test_export_refuses_to_replace_anything_but_a_regular_file(
    point_at: Callable[[SandboxServer], Settings], small_sandbox: SandboxServer, tmp_path: Path,
    kind: str,
) -> None:
    point_at(small_sandbox)
    kept = tmp_path / "kept.json"
    kept.write_text("precious")
    output = tmp_path / "out.json"
    if kind == "FIFO":
        os.mkfifo(output)
    else:
        output.symlink_to("/dev/null" if "device" in kind else kept)
    small_sandbox.request_log.reset()
    result = CliRunner().invoke(cli, ["export", "-o", str(output)])
    assert result.exit_code == ExitStatus.USAGE, result.output
    said = "a FIFO" if kind == "FIFO" else "a symbolic link"
    assert f"{output} is {said}, not a regular file" in result.stderr
    assert "Traceback" not in result.output
    assert small_sandbox.request_log.api_total() == 0, "refused before reading"
    assert output.is_symlink() or stat.S_ISFIFO(output.lstat().st_mode), "left as it was"
    assert kept.read_text() == "precious"


def test_a_device_is_never_replaced(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a device, not a regular file"):
        write_atomically(Path("/dev/null"), b"{}", "snapshot")
    assert stat.S_ISCHR(Path("/dev/null").lstat().st_mode)
