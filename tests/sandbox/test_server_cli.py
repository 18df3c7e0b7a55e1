"""``spotify-transfer sandbox`` starts, prints the settings to export, serves, and stops."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import requests

from transfer.sandbox.faults import SPOTIFY_LIKE_COVER_LIMIT, SPOTIFY_LIKE_RATE_LIMIT
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.tiny import tiny_seed


def test_sandbox_command_prints_settings_serves_and_dumps(tmp_path: Path) -> None:
    seed_file, dump_file = tmp_path / "seed.json", tmp_path / "dump.json"
    seed_file.write_text(tiny_seed().model_dump_json(), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "transfer", "sandbox", "--seed", str(seed_file), "--port", "0",
         "--dump", str(dump_file), "--spotify-like-limits", "--latency", "10"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        settings = _read_settings(process)
        api, accounts = settings["SPOTIFY_TRANSFER_API_URL"], settings[
            "SPOTIFY_TRANSFER_ACCOUNTS_URL"]
        assert api == accounts + "/v1" and accounts.startswith("http://127.0.0.1:")
        assert settings["SPOTIFY_TRANSFER_CLIENT_ID"] == "sandbox-client-id"
        token = requests.post(accounts + "/api/token", timeout=5, data={
            "grant_type": "refresh_token", "client_id": "sandbox-client-id",
            "refresh_token": settings["SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN"],
        }).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(api + "/me", headers=headers, timeout=5).json()["id"] == "alex.new"
        assert requests.put(api + "/me/library", params={"uris": "spotify:album:al4"},
                            headers=headers, timeout=5).status_code == 200
        faults = requests.get(accounts + "/_sandbox/faults", timeout=5).json()
        assert (faults["rate_limit"], faults["cover_rate_limit"], faults["latency"]) == (
            SPOTIFY_LIKE_RATE_LIMIT, SPOTIFY_LIKE_COVER_LIMIT, 0.01), "--latency 10 is 10 ms"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "State written to" in out
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dump.json", "seed.json"], \
        "written whole through a temporary file, which is gone"
    dumped = SandboxSeed.model_validate_json(dump_file.read_text(encoding="utf-8"))
    assert [ref.id for ref in dumped.libraries["alex.new"].albums] == ["al4"]


def test_sandbox_command_serves_the_odd_shapes_when_asked(tmp_path: Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(tiny_seed().model_dump_json(), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "transfer", "sandbox", "--seed", str(seed_file), "--port", "0",
         "--hostile-shapes"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        settings = _read_settings(process)
        api, accounts = settings["SPOTIFY_TRANSFER_API_URL"], settings[
            "SPOTIFY_TRANSFER_ACCOUNTS_URL"]
        token = requests.post(accounts + "/api/token", timeout=5, data={
            "grant_type": "refresh_token", "client_id": "sandbox-client-id",
            "refresh_token": settings["SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN"],
        }).json()["access_token"]
        page = requests.get(api + "/me/playlists", headers={"Authorization": f"Bearer {token}"},
                            params={"limit": 3}, timeout=5).json()
        assert page["items"][1] is None and page["items"][0]["tracks"] == page["items"][0]["items"]
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err


def test_sandbox_command_refuses_a_broken_seed(tmp_path: Path) -> None:
    seed_file = tmp_path / "seed.json"
    seed_file.write_text('{"app": {}}', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "transfer", "sandbox", "--seed", str(seed_file)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "is not a sandbox seed" in done.stderr


def _read_settings(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    settings: dict[str, str] = {}
    for line in process.stdout:
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").strip().partition("=")
            settings[name] = value
        if "Ctrl-C" in line:
            return settings
    raise AssertionError("the sandbox command stopped before printing its settings")


def test_latency_is_in_milliseconds_in_every_help() -> None:
    from click.testing import CliRunner

    from transfer.cli import cli

    for command in ("sandbox", "demo"):
        help_text = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "--latency FLOAT RANGE Milliseconds" in help_text, (command, help_text)
    benchmarks = subprocess.run([sys.executable, "-m", "benchmarks", "--help"], text=True,
                                capture_output=True, timeout=60, check=True,
                                cwd=Path(__file__).resolve().parents[2])
    assert "--latency LATENCY emulated latencies in ms" in " ".join(benchmarks.stdout.split())
