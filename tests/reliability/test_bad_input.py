"""Bad input to ``transfer``: each gets a clear message and the contract's exit code, and loses
nothing: the target is not touched by a refused run, the file given is left as it was, and
where the input can be put right (a new log-in) the next run finishes the job exactly."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable
from math import ceil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.reliability.conftest import Served
from tests.reliability.expectation import assert_target_exact
from tests.reliability.seeds import (
    LIMITED_TARGET_TOKEN,
    LONG_DESCRIPTION,
    NAMES,
    big_playlist_seed,
    empty_seed,
    limited_scopes_seed,
    seed_snapshot,
    unicode_seed,
)
from tests.reliability.tool import TRANSFER, Finished, on_request, run_killed
from transfer.errors import ExitStatus
from transfer.export import MAX_SNAPSHOT_BYTES, write_snapshot
from transfer.journal import journal_path
from transfer.render.safe import safe_name
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

Serve = Callable[..., Served]
TRANSFER_ARGS = list(TRANSFER[2:])


def assert_clear(result: Finished, status: ExitStatus, *fragments: str) -> None:
    """The exit code, every fragment in stderr, and no traceback anywhere."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr


# -- snapshots ------------------------------------------------------------------------------


def _export(served: Served, path: Path) -> bytes:
    exported = served.tool.invoke(["export", "-o", str(path)])
    assert exported.returncode == 0, exported.stderr
    served.log.reset()
    return path.read_bytes()


@pytest.mark.parametrize(("damage", "message"), [
    (lambda data: data[: len(data) // 2], "truncated or corrupt"),
    (lambda data: b"\x89PNG\r\n\x1a\n" + data[100:200], "not text"),
    (lambda data: b'{"schema_version": 1, "playlists": 3}', "not a valid library"),
    (lambda data: b"[1, 2, 3]", "not a spotify-transfer snapshot"),
    (lambda data: b"", "truncated or corrupt"),
    (lambda data: b'{"schema_version": 1, "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
     "nested too deeply"),
    (lambda data: data[:-2] + b', "x": ' + b"7" * 5000 + b"}", "holds a number"),
    (lambda data: data[:-2] + b', "x": NaN}', "holds a number"),
    (lambda data: data[:-2] + b', "x": -1e999}', "holds a number"),
])
def test_a_damaged_snapshot_is_refused_before_any_request_and_kept(
    serve: Serve, tmp_path: Path, damage: Callable[[bytes], bytes], message: str,
) -> None:
    served = serve(tiny_seed())
    path = tmp_path / "old.json"
    path.write_bytes(damage(_export(served, path)))
    kept = path.read_bytes()
    result = served.tool.invoke([*TRANSFER_ARGS, "--from-snapshot", str(path)])
    assert_clear(result, ExitStatus.USAGE, message, str(path))
    assert served.log.total() == 0
    assert path.read_bytes() == kept


def test_a_snapshot_larger_than_any_is_refused_unread(serve: Serve, tmp_path: Path) -> None:
    served = serve(tiny_seed())
    path = tmp_path / "huge.json"
    with path.open("wb") as stream:  # sparse: no disk space, no time
        stream.truncate(MAX_SNAPSHOT_BYTES + 1)
    result = served.tool.invoke([*TRANSFER_ARGS, "--from-snapshot", str(path)])
    assert_clear(result, ExitStatus.USAGE, "larger than 512 MiB", str(path))
    assert served.log.total() == 0


def test_a_snapshot_of_a_newer_schema_says_to_upgrade(serve: Serve, tmp_path: Path) -> None:
    served = serve(tiny_seed())
    path = tmp_path / "future.json"
    document = json.loads(_export(served, path))
    path.write_text(json.dumps({**document, "schema_version": 99, "new_field": [1]}))
    result = served.tool.invoke([*TRANSFER_ARGS, "--from-snapshot", str(path)])
    assert_clear(result, ExitStatus.USAGE, "newer spotify-transfer", "schema 99", "Upgrade")
    assert served.log.total() == 0


def test_a_snapshot_of_the_target_itself_is_refused(serve: Serve, tmp_path: Path) -> None:
    served = serve(tiny_seed())
    served.tool.settings["SOURCE_REFRESH_TOKEN"] = served.server.refresh_token(TARGET_USER)
    path = tmp_path / "target.json"
    _export(served, path)
    del served.tool.settings["SOURCE_REFRESH_TOKEN"]
    result = served.tool.invoke([*TRANSFER_ARGS, "--from-snapshot", str(path)])
    assert_clear(result, ExitStatus.USAGE, "the same Spotify account")
    assert served.log.writes() == 0


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fragment"), [
    ('[network]\nrequest_timeout = "fast"\n', "network.request_timeout"),
    ("[network]\nmax_attempts = 2.5\n", "network.max_attempts"),
    ("[transfer]\ncategories = ['liked_songs', 'podcasts']\n", "transfer.categories"),
    ('[transfer]\nprivacy = "secret"\n', "transfer.privacy"),
    ("colour = 'blue'\n", "'colour' in"),
    ("[network]\nretries = 3\n", "network.retries"),
    ("[network\nrequest_timeout = 3\n", "not valid TOML"),
])
def test_a_wrong_settings_file_names_the_key_and_changes_nothing(
    serve: Serve, tmp_path: Path, text: str, fragment: str,
) -> None:
    served = serve(tiny_seed())
    config = tmp_path / "settings.toml"
    config.write_text(text)
    result = served.tool.invoke(["--config", str(config), *TRANSFER_ARGS])
    assert_clear(result, ExitStatus.USAGE, fragment, str(config))
    assert served.log.total() == 0
    assert not served.home.exists()


def test_a_wrong_setting_in_the_environment_names_the_variable(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.tool.settings["NETWORK__REQUEST_TIMEOUT"] = "soon"
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.USAGE, "SPOTIFY_TRANSFER_NETWORK__REQUEST_TIMEOUT")
    assert served.log.total() == 0


def test_a_settings_file_that_is_not_utf8_is_named(serve: Serve, tmp_path: Path) -> None:
    served = serve(tiny_seed())
    config = tmp_path / "settings.toml"
    config.write_bytes('[transfer]\nname_prefix = "Copie de "\n# é\n'.encode("latin-1"))
    result = served.tool.invoke(["--config", str(config), *TRANSFER_ARGS])
    assert_clear(result, ExitStatus.USAGE, str(config), "not UTF-8", "Save it again as UTF-8")
    assert served.log.total() == 0
    assert config.read_bytes().endswith(b"\xe9\n"), "the file is left as it was"


@pytest.mark.parametrize(("variable", "value", "fragments"), [
    ("TRANSFER__CATEGORIES", "playlists,liked_songs",
     ("SPOTIFY_TRANSFER_TRANSFER__CATEGORIES", "not JSON", '["playlists", "liked_songs"]')),
    ("TRANSFER__EXCLUDE_PLAYLISTS", "Work*", ("SPOTIFY_TRANSFER_TRANSFER__EXCLUDE_PLAYLISTS",)),
    ("NETWORK", "fast", ("SPOTIFY_TRANSFER_NETWORK", "not JSON")),
    ("REDIRECT_URI", "http://127.0.0.1:99999/callback",
     ("SPOTIFY_TRANSFER_REDIRECT_URI", "port", "65535")),
])
def test_a_setting_from_the_environment_that_cannot_be_read_names_the_variable(
    serve: Serve, variable: str, value: str, fragments: tuple[str, ...],
) -> None:
    served = serve(tiny_seed())
    served.tool.settings[variable] = value
    for command in (TRANSFER_ARGS, ["login", "source", "--no-browser"]):
        result = served.tool.invoke(command)
        assert_clear(result, ExitStatus.USAGE, *fragments)
    assert served.log.total() == 0


@pytest.mark.parametrize(("every", "fragment"), [
    ("99999999999d", "too long"),
    ("9" * 5000 + "s", "too long"),
    ("367d", "at most 366d"),
    ("20s", "too often"),
])
def test_a_sync_interval_out_of_range_is_refused_before_any_request(
    serve: Serve, every: str, fragment: str,
) -> None:
    served = serve(tiny_seed())
    result = served.tool.invoke(["sync", "--every", every])
    assert_clear(result, ExitStatus.USAGE, fragment)
    assert served.log.total() == 0


# -- accounts -------------------------------------------------------------------------------


def test_a_revoked_refresh_token_says_to_log_in_and_a_new_log_in_finishes(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.server.revoke(TARGET_USER)
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.ERROR, "target account", "spotify-transfer login target")
    assert served.log.writes() == 0
    served.tool.settings["TARGET_REFRESH_TOKEN"] = served.server.refresh_token(TARGET_USER)
    assert served.tool.invoke(TRANSFER_ARGS).returncode == 0
    served.assert_exact()


def test_a_log_in_revoked_mid_run_stops_it_and_a_new_log_in_resumes_it(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.log.on(on_request("POST", "/me/playlists"), lambda: served.server.revoke(TARGET_USER))
    result = served.tool.run(TRANSFER)
    assert_clear(result, ExitStatus.ERROR, "spotify-transfer login target")
    served.tool.settings["TARGET_REFRESH_TOKEN"] = served.server.refresh_token(TARGET_USER)
    resumed = served.tool.invoke(TRANSFER_ARGS)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming" in resumed.stdout
    served.assert_exact()


def test_missing_scopes_name_the_account_and_a_full_log_in_finishes(serve: Serve) -> None:
    served = serve(limited_scopes_seed())
    served.tool.settings["TARGET_REFRESH_TOKEN"] = LIMITED_TARGET_TOKEN
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.ERROR, "target account", "permission",
                 "spotify-transfer login target")
    served.tool.settings["TARGET_REFRESH_TOKEN"] = served.server.refresh_token(TARGET_USER)
    resumed = served.tool.invoke(TRANSFER_ARGS)
    assert resumed.returncode == 0, resumed.stderr
    served.assert_exact()


def test_the_same_account_on_both_sides_is_refused(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.tool.settings["TARGET_REFRESH_TOKEN"] = served.server.refresh_token(SOURCE_USER)
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.USAGE, "same Spotify account")
    assert served.log.writes() == 0
    assert not (served.home / "journals").exists()


# -- the journal and the state folder -------------------------------------------------------


def _journal(served: Served) -> Path:
    return journal_path(served.home, SOURCE_USER, TARGET_USER)


def test_a_corrupt_journal_is_refused_kept_and_nothing_is_sent(serve: Serve) -> None:
    served = serve(tiny_seed())
    path = _journal(served)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    kept = path.read_bytes()
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.ERROR, str(path), "Restore it from a backup")
    assert path.read_bytes() == kept
    assert served.log.writes() == 0


def test_a_journal_cut_short_after_a_killed_run_is_refused_and_kept(serve: Serve) -> None:
    served = serve(tiny_seed())
    crashed = run_killed(served.tool, served.log, TRANSFER,
                         [on_request("POST", "/playlists/{playlist_id}/items")], finish_runs=0)
    assert crashed.last.killed
    path = _journal(served)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    kept = path.read_bytes()
    writes = served.log.writes()
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.ERROR, str(path))
    assert path.read_bytes() == kept
    assert served.log.writes() == writes


def test_a_state_folder_under_a_regular_file_is_a_clear_error(serve: Serve, tmp_path: Path
                                                             ) -> None:
    """Works as root too: no permission bit makes a file a folder."""
    served = serve(tiny_seed())
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    served.tool.home = blocker / "state"
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.USAGE, str(blocker), "SPOTIFY_TRANSFER_HOME")
    assert served.log.writes() == 0


def test_a_journal_folder_that_cannot_be_made_is_a_clear_error(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.home.mkdir()
    (served.home / "journals").write_text("a file where the folder goes")
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.ERROR, "journals", "SPOTIFY_TRANSFER_HOME")
    assert served.log.writes() == 0


def test_a_report_folder_that_cannot_be_written_loses_no_transfer(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.home.mkdir()
    (served.home / "reports").write_text("a file where the folder goes")
    result = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(result, ExitStatus.ERROR, "Run 1 is done, but cannot write the report",
                 "SPOTIFY_TRANSFER_HOME")
    assert "Transfer complete" in result.stdout, "the summary is still shown"
    served.assert_exact()
    again = served.tool.invoke(TRANSFER_ARGS)
    assert again.returncode in (0, ExitStatus.ERROR), again.stderr
    served.assert_exact()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through any permission bits; the "
                    "regular-file tests above cover an unwritable state folder as root")
def test_a_read_only_state_folder_is_a_clear_error(serve: Serve) -> None:
    served = serve(tiny_seed())
    served.home.mkdir()
    served.home.chmod(0o500)
    try:
        result = served.tool.invoke(TRANSFER_ARGS)
    finally:
        served.home.chmod(0o700)
    assert result.returncode in (ExitStatus.USAGE, ExitStatus.ERROR), result.stderr
    assert str(served.home) in result.stderr and "Traceback" not in result.stderr
    assert served.log.writes() == 0


# -- libraries out of the ordinary ----------------------------------------------------------


def test_names_in_many_scripts_with_direction_marks_and_long_descriptions(serve: Serve) -> None:
    served = serve(unicode_seed())
    result = served.tool.invoke(TRANSFER_ARGS)
    assert result.returncode == 0, result.stderr
    served.assert_exact()
    for name, _ in NAMES:
        assert safe_name(name) in result.stdout, "printed without its bidi controls"
    report = next((served.home / "reports").rglob("*.json")).read_text(encoding="utf-8")
    assert all(name in json.loads(report).__repr__() or name in report for name, _ in NAMES)
    copies = [p for p in served.server.state.dump().playlists if p.owner_id == TARGET_USER]
    assert LONG_DESCRIPTION in [copy.description for copy in copies]


def test_a_playlist_of_10000_items_moves_whole_and_in_order(serve: Serve, tmp_path: Path
                                                            ) -> None:
    """From a snapshot, so that CI does not spend its time reading 200 pages of the source;
    the soak moves it from the live account. Checked against the sandbox's state for the same
    reason."""
    seed = big_playlist_seed()
    served = serve(seed)
    library, path = seed_snapshot(seed), tmp_path / "big.json"
    write_snapshot(library, path)
    big = max(library.playlists, key=lambda playlist: len(playlist.entries or ()))
    assert len(big.entries or ()) == 10_000
    result = served.tool.invoke([*TRANSFER_ARGS, "--from-snapshot", str(path)])
    assert result.returncode == 0, result.stderr
    movable = [entry for entry in big.entries or () if entry.uri and not entry.is_local]
    assert served.log.counts()[("POST", "/playlists/{playlist_id}/items")] == ceil(
        len(movable) / 100)
    assert_target_exact(served.server, served.before, served.checker_home,
                        through_export=False)


def test_an_empty_library_moves_nothing_and_says_so(serve: Serve) -> None:
    served = serve(empty_seed())
    result = served.tool.invoke(TRANSFER_ARGS)
    assert result.returncode == 0, result.stderr
    assert served.log.writes() == 0
    served.assert_exact()


def _fill_the_disk_of_the_journal(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """What makes the disk under the journal full from the moment it is called: every SQLite
    connection opened since is held to the pages its database has then (``max_page_count``),
    so the next write that needs one more page fails as on a full disk, with SQLite's own
    SQLITE_FULL ("database or disk is full")."""
    connections: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def connecting(*arguments: Any, **options: Any) -> sqlite3.Connection:
        connection = connect(*arguments, **options)
        connections.append(connection)
        return connection

    def fill() -> None:
        for connection in connections:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed since
                pages = connection.execute("PRAGMA page_count").fetchone()[0]
                connection.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(sqlite3, "connect", connecting)
    return fill


def test_a_disk_full_mid_run_says_so_keeps_the_journal_and_the_next_run_finishes(
    serve: Serve, monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = serve(small_seed())
    fill = _fill_the_disk_of_the_journal(monkeypatch)
    served.log.on(on_request("PUT", "/me/library"), fill)
    stopped = served.tool.invoke(TRANSFER_ARGS)
    assert_clear(stopped, ExitStatus.ERROR, "Disk full", str(_journal(served)),
                 "run the same command again")
    assert served.log.triggered, "the disk was filled during the run"
    monkeypatch.undo()
    resumed = served.tool.invoke(TRANSFER_ARGS)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming" in resumed.stdout
    served.assert_exact()
