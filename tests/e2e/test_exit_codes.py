"""Every command's --help lists the exit codes it can end with, as ``ExitStatus`` has them,
and the README's table has every one: the three cannot drift apart."""

from __future__ import annotations

import re

import pytest

from tests.e2e.cli_support import ROOT, run_cli
from transfer.cli import cli
from transfer.errors import EXIT_MEANINGS, ExitStatus

LOCKING = {"transfer", "sync", "undo"}
"""Commands that take the pair's run lock: another run going on ends them with 73."""
CALLING_SPOTIFY = {"login", "whoami", "export", "plan", "transfer", "sync", "undo", "verify"}
"""Commands that send requests to Spotify: a long pause it asks for ends them with 75."""
LOCAL = {"status", "schedule", "sandbox", "demo"}
"""Commands that send no request to Spotify (the demo talks to its own sandbox)."""
SERVING = {"app"}
"""The web app: it waits out Spotify's pauses and shows a busy pair on its pages, so it ends
neither with 75 nor with 73."""


def listed_codes(command: str) -> dict[int, str]:
    """The codes the command's --help lists, each with what it says it means."""
    result = run_cli(command, "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Exit codes: " in text, f"{command} --help lists no exit codes"
    listing = text.split("Exit codes: ", 1)[1].removesuffix(".")
    entries = [re.match(r"(\d+) (.+)", part) for part in listing.split("; ")]
    assert all(entries), listing
    return {int(entry.group(1)): entry.group(2) for entry in entries if entry}


def test_every_command_is_known_here() -> None:
    assert set(cli.commands) == CALLING_SPOTIFY | LOCAL | SERVING


@pytest.mark.parametrize("command", sorted(CALLING_SPOTIFY | LOCAL | SERVING))
def test_help_lists_the_exit_codes_the_command_can_end_with(command: str) -> None:
    codes = listed_codes(command)
    assert set(codes) <= {int(status) for status in ExitStatus}, codes
    expected = {ExitStatus.OK, ExitStatus.ERROR, ExitStatus.USAGE, ExitStatus.INTERRUPTED}
    expected |= {ExitStatus.BUSY} if command in LOCKING else set()
    expected |= {ExitStatus.PAUSED} if command in CALLING_SPOTIFY else set()
    assert set(codes) == {int(status) for status in expected}, (command, codes)
    for code in (ExitStatus.BUSY, ExitStatus.INTERRUPTED):
        if code in codes:
            assert codes[code] == EXIT_MEANINGS[code], "said the same way everywhere"


def test_the_readme_table_has_every_exit_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", readme, re.MULTILINE)
    assert {int(code) for code, _ in rows} == {int(status) for status in ExitStatus}
    assert len(rows) == len(ExitStatus), "each code once"


def test_the_sync_docs_table_has_every_exit_code() -> None:
    text = (ROOT / "docs" / "sync.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", text, re.MULTILINE)
    assert {int(code) for code, _ in rows} == {int(status) for status in ExitStatus}

