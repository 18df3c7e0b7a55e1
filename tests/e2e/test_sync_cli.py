"""The ``sync`` and ``schedule`` commands as a scheduler runs them: headless log-in from the
environment, one summary line, a log file, the exit codes, a lock that makes a second sync
stop at once, its own loop stopped by Ctrl-C or SIGTERM, and the scheduler lines."""

from __future__ import annotations

import os
import re
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter, use_sandbox
from tests.e2e.cli_support import reports, run_cli, start_cli
from transfer.config import load_settings
from transfer.errors import ExitStatus
from transfer.journal import Journal, journal_path
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed
from transfer.sync.logfile import log_path
from transfer.sync.scheduling import EXAMPLE, crontab, systemd_service, systemd_timer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^sync alex\.old -> alex\.new: (.+), ([\d,]+) removed, ([\d,]+) calls?, (.+)$")


@pytest.fixture
def headless(transfer_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    """A sandbox of the tiny seed; both accounts log in from refresh tokens in the environment,
    as on a server (nothing stored, nothing to prompt for)."""
    with SandboxServer(tiny_seed(), port=0) as server:
        use_sandbox(monkeypatch, server)
        for account, user in (("SOURCE", SOURCE_USER), ("TARGET", TARGET_USER)):
            monkeypatch.setenv(f"SPOTIFY_TRANSFER_{account}_REFRESH_TOKEN",
                               server.refresh_token(user))
        yield server


def _line(output: str) -> re.Match[str]:
    lines = [line for line in output.splitlines() if line.startswith("sync ")]
    assert len(lines) == 1, output
    match = LINE.match(lines[0])
    assert match is not None, lines[0]
    return match


def test_a_scheduled_sync_prints_one_line_and_logs(headless: SandboxServer,
                                                   transfer_home: Path) -> None:
    first = run_cli("sync", stdin="")
    assert first.exit_code == ExitStatus.OK, first.output
    changes, removed, calls, ending = _line(first.stdout).groups()
    assert "liked" in changes and "playlist" in changes and ending == "done"
    assert removed == "0" and int(calls) == headless.request_log.api_total()
    headless.request_log.reset()
    second = run_cli("sync")
    changes, removed, calls, ending = _line(second.stdout).groups()
    assert (changes, removed, ending) == ("nothing new", "0", "done")
    assert int(calls) == headless.request_log.api_total() <= 10
    assert run_cli("sync", "-q").stdout == "", "quiet when nothing changed"
    log = log_path(transfer_home).read_text(encoding="utf-8")
    assert log.count("sync alex.old -> alex.new:") == 3
    assert "refresh" not in log.lower() or "sandbox-refresh" not in log, "no token in the log"


def test_a_second_sync_stops_at_once_while_one_holds_the_lock(headless: SandboxServer,
                                                             transfer_home: Path) -> None:
    assert run_cli("sync").exit_code == ExitStatus.OK
    with Journal.open(journal_path(transfer_home, SOURCE_USER, TARGET_USER)) as other:
        other.hold()
        started = time.monotonic()
        result = run_cli("sync")
        took = time.monotonic() - started
    assert result.exit_code == ExitStatus.BUSY == 73
    assert "Another spotify-transfer run" in result.stderr
    assert _line(result.stdout).group(4) == "skipped: another sync of these accounts is running"
    assert took < 5, "it does not wait for the other run"


def test_two_sync_processes_never_overlap(headless: SandboxServer, transfer_home: Path) -> None:
    headless.set_faults(Faults(latency=0.1))
    slow = start_cli("sync")
    lock = Path(f"{journal_path(transfer_home, SOURCE_USER, TARGET_USER)}.lock")
    try:
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().split() == [str(slow.pid)]):
            assert time.monotonic() < deadline and slow.poll() is None, slow.communicate()
            time.sleep(0.02)
        result = run_cli("sync")
        assert slow.poll() is None, "the first sync is still running"
    finally:
        out, err = slow.communicate(timeout=120)
    assert result.exit_code == ExitStatus.BUSY, result.output
    assert slow.returncode == ExitStatus.OK, err
    assert _line(out).group(4) == "done"


def test_a_long_retry_after_pauses_with_exit_75_until_its_time(
        headless: SandboxServer, monkeypatch: pytest.MonkeyPatch, transfer_home: Path) -> None:
    assert run_cli("sync").exit_code == ExitStatus.OK
    state = headless.state.dump()
    liked = {ref.id for ref in state.libraries[SOURCE_USER].tracks}
    new = [f"spotify:track:{t.id}" for t in state.catalog.tracks
           if t.available and t.id not in liked]
    source = make_adapter(load_settings(), "source", [])
    source.save_to_library(new)
    source.add_items(source.create_playlist("Later"), new[:2])
    monkeypatch.setenv("SPOTIFY_TRANSFER_NETWORK__MAX_RETRY_AFTER", "5")
    headless.reset_quota()
    headless.set_faults(Faults(quota=11, quota_retry_after=3600))  # past the reads
    result = run_cli("sync")
    assert result.exit_code == ExitStatus.PAUSED, result.output
    assert _line(result.stdout).group(4).startswith("paused until ")
    assert "Resume after" in result.stderr
    headless.set_faults(Faults())
    headless.reset_quota()
    headless.request_log.reset()
    again = run_cli("sync")
    assert again.exit_code == ExitStatus.PAUSED, again.output
    assert headless.request_log.api_total() == 0, "nothing is sent before the time to resume"

    headless.set_faults(Faults(quota=0, quota_retry_after=5400))
    refused = run_cli("sync", "--now")
    assert refused.exit_code == ExitStatus.PAUSED, refused.output
    assert headless.request_log.api_total() == 1, "--now: one probe, refused"
    assert "(in 1 h 30 min)" in _line(refused.stdout).group(4)
    assert "(in 1 h 30 min)" in log_path(transfer_home).read_text(encoding="utf-8")
    headless.set_faults(Faults())
    headless.reset_quota()
    taken = run_cli("sync", "--now")
    assert taken.exit_code == ExitStatus.OK, taken.output
    assert _line(taken.stdout).group(4) == "done"
    held = {ref.id for ref in headless.state.dump().libraries[TARGET_USER].tracks}
    assert {uri.split(":")[2] for uri in new} <= held, "the paused run's saves went through"


def test_usage_errors(headless: SandboxServer) -> None:
    assert run_cli("sync", "--force").exit_code == ExitStatus.USAGE
    assert run_cli("sync", "--every", "10s").exit_code == ExitStatus.USAGE
    assert run_cli("sync", "--every", "6 parsecs").exit_code == ExitStatus.USAGE
    assert headless.request_log.api_total() == 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_loop_syncs_then_waits_and_stops_on_a_signal(headless: SandboxServer,
                                                        transfer_home: Path,
                                                        stop: signal.Signals) -> None:
    looping = start_cli("sync", "--every", "1h")
    try:
        log = log_path(transfer_home)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if log.exists() and "next sync at" in log.read_text(encoding="utf-8"):
                break
            assert looping.poll() is None, looping.communicate()
            time.sleep(0.05)
        os.kill(looping.pid, stop)
        out, err = looping.communicate(timeout=30)
    finally:
        if looping.poll() is None:
            looping.kill()
    assert looping.returncode == ExitStatus.INTERRUPTED, err
    assert _line(out).group(4) == "done"


def test_the_scheduler_lines_name_this_install(headless: SandboxServer,
                                               transfer_home: Path) -> None:
    cron = run_cli("schedule", "cron", "--every", "30m")
    assert cron.exit_code == ExitStatus.OK, cron.output
    job = cron.stdout.splitlines()[-1]
    assert job.startswith("*/30 * * * * ")
    assert f"SPOTIFY_TRANSFER_HOME={transfer_home}" in job
    command = job.split("exec ", 1)[1]
    executable = command.split(" sync")[0].strip("'\"")
    assert Path(executable).is_absolute() and os.access(executable.split()[0], os.X_OK)
    units = run_cli("schedule", "systemd", "--every", "1d", "--mirror")
    assert "ExecStart=/" in units.stdout and " sync --mirror" in units.stdout
    assert "OnUnitActiveSec=1d" in units.stdout and "EnvironmentFile=-/" in units.stdout
    assert run_cli("schedule", "cron", "--every", "7h").exit_code == ExitStatus.USAGE


def test_the_shipped_scheduler_files_are_the_ones_the_tool_writes() -> None:
    config = ROOT / "config"
    assert (config / "spotify-transfer.cron").read_text() == crontab(EXAMPLE)
    assert (config / "spotify-transfer-sync.service").read_text() == systemd_service(EXAMPLE)
    assert (config / "spotify-transfer-sync.timer").read_text() == systemd_timer()


def test_a_mirror_refuses_a_category_mostly_removed_and_reports_removals_as_removed(
        headless: SandboxServer, transfer_home: Path) -> None:
    """3 of the 5 Liked Songs going is 60% of them but a tenth of what the tool added: refused
    for the Liked Songs; forced, the removals are "removed" in the line, the report and status,
    never "saved"."""
    assert run_cli("sync").exit_code == ExitStatus.OK
    liked = headless.state.dump().libraries[SOURCE_USER].tracks
    gone = [f"spotify:track:{ref.id}" for ref in liked[:3]]
    make_adapter(load_settings(), "source", []).remove_from_library(gone)
    headless.request_log.reset()
    refused = run_cli("sync", "--mirror")
    assert refused.exit_code == ExitStatus.ERROR, refused.output
    assert "3 of the 5 liked songs" in refused.stderr and "60%" in refused.stderr
    assert "in any one category" in refused.stderr and "--force" in refused.stderr
    assert headless.request_log.writes() == 0

    forced = run_cli("sync", "--mirror", "--force")
    assert forced.exit_code == ExitStatus.OK, forced.output
    assert _line(forced.stdout).group(2) == "3"
    kept = {ref.id for ref in headless.state.dump().libraries[TARGET_USER].tracks}
    assert not kept & {uri.split(":")[2] for uri in gone}
    report = reports(transfer_home)[-1]
    row = next(row for row in report["categories"] if row["category"] == "liked_songs")
    assert (row["done"], row["removed"]) == (0, 3)
    assert report["summary"]["removed"] == 3 and report["summary"]["done"] == 0
    html = next(transfer_home.rglob(f"{report['run']['id']}-*.html")).read_text()
    assert "Removed" in html
    status = run_cli("status")
    sync_part = status.stdout.split("Sync, run")[1]
    line = next(text for text in sync_part.splitlines() if "Liked Songs" in text)
    assert line.split() == ["Liked", "Songs", "3", "removed"], line


def test_schedule_writes_the_variables_file_without_tokens_unless_asked(
        headless: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "jobs" / "sync.env"
    wrote = run_cli("schedule", "cron", "--env-file", str(path))
    assert wrote.exit_code == ExitStatus.OK, wrote.output
    text = path.read_text()
    assert f'SPOTIFY_TRANSFER_CLIENT_ID="{headless.client_id}"' in text
    assert "REFRESH_TOKEN" not in text and "sandbox-refresh" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Left out SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN" in wrote.stderr
    assert str(path) in wrote.stdout, "the job reads that very file"

    checked = run_cli("schedule", "systemd", "--env-file", str(path))
    assert "already sets what the job needs" in checked.stderr
    assert path.read_text() == text

    with_tokens = run_cli("schedule", "cron", "--env-file", str(path), "--with-tokens")
    assert with_tokens.exit_code == ExitStatus.OK, with_tokens.output
    assert headless.refresh_token(SOURCE_USER) in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    monkeypatch.delenv("SPOTIFY_TRANSFER_CLIENT_ID")
    missing = run_cli("schedule", "cron", "--env-file", str(tmp_path / "new.env"))
    assert missing.exit_code == ExitStatus.USAGE
    assert "needs the app's client id" in missing.stderr
    assert not (tmp_path / "new.env").exists()
