"""``undo`` shows what it will remove and asks before it changes anything when a person is at
the terminal (a real process with a pseudo-terminal for its input); without one it refuses
unless told ``--yes``."""

from __future__ import annotations

import os
import pty
from collections.abc import Callable

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter
from tests.e2e.cli_support import run_cli, start_cli
from transfer.config import Settings
from transfer.engine import Engine
from transfer.errors import ExitStatus
from transfer.journal import Journal, journal_path
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e


def answer(reply: str) -> tuple[int, str, str]:
    """Run ``undo`` with a terminal as its input and type ``reply``."""
    terminal, process_side = pty.openpty()
    try:
        process = start_cli("undo", stdin=process_side)
        os.write(terminal, reply.encode() + b"\n")
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(terminal)
        os.close(process_side)
    return process.returncode, stdout, stderr


def test_no_changes_nothing_and_yes_takes_the_transfer_back(
    point_at: Callable[[SandboxServer], Settings]
) -> None:
    with SandboxServer(tiny_seed(), port=0) as server:
        settings = point_at(server)
        with Journal.open(journal_path(settings.home, SOURCE_USER, TARGET_USER)) as journal:
            Engine(target=make_adapter(settings, "target", []), journal=journal,
                   source=make_adapter(settings, "source", [])).run()
        transferred = server.state.dump()
        server.request_log.reset()

        refused = run_cli("undo")
        assert refused.exit_code == ExitStatus.USAGE
        assert "Pass --yes to undo without asking" in refused.output

        status, stdout, stderr = answer("n")
        assert status == 1, stderr
        assert "Remove all of this from Alex (alex.new)? [y/N]" in stderr
        assert "- remove    “Road trip 🚗”: the copy this tool made (7 items)" in stdout
        assert "Cancelled: nothing was changed." in stdout
        assert server.request_log.writes() == 0
        assert server.state.dump() == transferred

        status, stdout, stderr = answer("y")
        assert status == 0, stderr
        assert "Undo complete" in stdout
        assert server.state.dump().libraries.get(TARGET_USER) is None, "empty as before"
