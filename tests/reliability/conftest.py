"""Fixtures of the reliability suite: a sandbox of the test's own with a kill switch in its
request log, the tool pointed at it, and the final exactness check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.expectation import assert_target_exact
from tests.reliability.tool import KillSwitchLog, Tool, start_sandbox
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer


@dataclass
class Served:
    """A sandbox started from ``before`` and the tool (in processes) pointed at it."""

    server: SandboxServer
    log: KillSwitchLog
    tool: Tool
    before: SandboxSeed
    checker_home: Path

    def assert_exact(self) -> None:
        """The target is exactly what a complete transfer of ``before`` leaves there."""
        assert_target_exact(self.server, self.before, self.checker_home)

    @property
    def home(self) -> Path:
        return self.tool.home


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[SandboxSeed], Served]]:
    """``serve(seed, **options)``: a sandbox of this test's own from ``seed`` and the tool
    for it."""
    servers: list[SandboxServer] = []

    def start(seed: SandboxSeed, **options: object) -> Served:
        """``options`` go to ``SandboxServer`` (``mode``, ``faults``, ...)."""
        before = seed.model_copy(deep=True)
        server, log = start_sandbox(seed, **options)
        servers.append(server)
        return Served(server, log, Tool(server, tmp_path / "home"), before,
                      tmp_path / "checker")

    yield start
    for server in servers:
        server.stop()
