"""``spotify-transfer demo``: on a machine with settings and tokens of its own (which the demo
must neither read nor touch), the whole main job against the in-process sandbox: log-in through
PKCE, plan, transfer, an independent check, a second run that writes nothing, and the verdict
with the API calls against the least possible; with faults too."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.cli_support import run_cli
from transfer.errors import ExitStatus

pytestmark = pytest.mark.e2e

CALLS = re.compile(r"API calls for the transfer: ([\d,]+) .* least any tool could use is ([\d,]+)")


@pytest.fixture
def someones_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Real settings that point elsewhere, with tokens of their own: the user's state folder."""
    home = tmp_path / "real-home"
    (home / "tokens").mkdir(parents=True)
    (home / "tokens" / "target.json").write_text('{"not": "to be touched"}')
    config = tmp_path / "config.toml"
    config.write_text('client_id = "the-users-own-app"\napi_url = "https://api.invalid/v1"\n')
    monkeypatch.setenv("SPOTIFY_TRANSFER_CONFIG", str(config))
    monkeypatch.setenv("SPOTIFY_TRANSFER_HOME", str(home))
    monkeypatch.setenv("SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN", "the-users-real-token")
    monkeypatch.setenv("SPOTIFY_TRANSFER_ACCOUNTS_URL", "https://accounts.invalid")
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # a proxy that answers nothing
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    return home


def calls(output: str) -> tuple[int, int]:
    found = CALLS.search(output)
    assert found is not None, output
    used, least = (int(number.replace(",", "")) for number in found.groups())
    return used, least


def test_the_demo_moves_the_library_checks_it_and_says_correct(someones_machine: Path) -> None:
    before = sorted(path.name for path in someones_machine.rglob("*"))
    result = run_cli("demo")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "source: Alex (old account) (alex.old)" in out and "target: Alex (alex.new)" in out
    assert "Plan: 32 playlists to create, 6 playlists to follow" in out
    assert "Transfer complete" in out
    assert out.count("✔") == 7 and "✘" not in out
    assert "nothing to do: " in out and ", 0 writes (counted by the sandbox)" in out
    assert "Verdict: CORRECT." in out
    used, least = calls(out)
    assert least <= used <= least * 1.05
    folder = Path(re.findall(r"goes to (\S+), removed at the end", out)[0])
    assert not folder.exists(), "the temporary state folder is removed"
    assert sorted(path.name for path in someones_machine.rglob("*")) == before
    assert (someones_machine / "tokens" / "target.json").read_text() == '{"not": "to be touched"}'
    assert "NO_PROXY" not in os.environ and "no_proxy" not in os.environ


def test_with_faults_the_demo_gets_past_them_and_keeps_its_state(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    result = run_cli("demo", "--faults", "--home", str(home))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Faults are on" in out and "The sandbox injected" in out
    assert "Verdict: CORRECT." in out
    used, least = calls(out)
    assert used > least, "retries after faults cost calls"
    assert sorted(path.suffix for path in (home / "reports").rglob("1-*")) == [".html", ".json"]
    assert (home / "journals").is_dir()
    assert f"The demo's state (journal, reports, sandbox tokens) is in {home}" in out


def test_against_odd_shapes_the_demo_lists_what_it_cannot_read_and_says_correct() -> None:
    result = run_cli("demo", "--hostile-shapes")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "#2 in your playlist list (a null instead of a playlist)" in out
    assert "“Odd AllNull” (all 3 of its entries)" in out
    assert "✘" not in out and "Verdict: CORRECT." in out
    assert "shape that cannot be read" in out.split("Verdict:")[1]
    used, least = calls(out)
    assert least <= used <= least * 1.05


def test_a_home_folder_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("mine")
    result = run_cli("demo", "--home", str(tmp_path))
    assert result.exit_code == ExitStatus.USAGE
    assert "is not empty" in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["something"]
