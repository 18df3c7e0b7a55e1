"""``transfer`` asks before it changes anything when a person is at the terminal: a real process
with a pseudo-terminal for its input answers the question."""

from __future__ import annotations

import os
import pty
from collections.abc import Callable

import pytest

from tests.e2e.cli_support import links, start_cli
from tests.e2e.engine_support import assert_transferred
from transfer.config import Settings
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e


def answer(reply: str, *args: str) -> tuple[int, str, str]:
    """Run ``transfer`` (with ``args``) with a terminal as its input and type ``reply``."""
    terminal, process_side = pty.openpty()
    try:
        process = start_cli("transfer", *args, stdin=process_side)
        os.write(terminal, reply.encode() + b"\n")
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(terminal)
        os.close(process_side)
    return process.returncode, stdout, stderr


def test_no_changes_nothing_and_yes_applies_the_plan(
    point_at: Callable[[SandboxServer], Settings]
) -> None:
    with SandboxServer(tiny_seed(), port=0) as server:
        settings = point_at(server)
        before = server.state.dump()
        status, stdout, stderr = answer("n")
        assert status == 1, stderr
        assert "Apply this plan to Alex (alex.new)? [y/N]" in stderr
        assert "Cancelled: nothing was changed." in stdout
        assert server.request_log.writes() == 0

        status, stdout, stderr = answer("y")
        assert status == 0, stderr
        assert "Transfer complete" in stdout
        assert_transferred(before, server.state.dump(), links(settings.home))
