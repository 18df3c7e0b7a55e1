"""In-process runs of the engine against a faulty sandbox, the way a user re-runs the tool.

The sandbox may run on a :class:`ManualClock` that the adapters' waits advance: rate-limit
windows roll and a spent quota comes back without a real second passing. ``run_until_done``
re-runs the engine after each stop that a person would answer by running the command again
(a pause once its time has come, a run given up after too many lost answers), never more than
a bounded number of times, and returns what each attempt ended with.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless
from tests.reliability.expectation import assert_target_exact
from transfer.auth import AccountTokens, TokenStore
from transfer.config import NetworkOptions, Settings
from transfer.engine import Engine, RunReport
from transfer.errors import RateLimited, ServerError
from transfer.journal import Journal, RunKind, journal_path
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.spotify import SpotifyAdapter
from transfer.spotify.retry import utc_now

MAX_ATTEMPTS = 12


@dataclass
class Rig:
    """Two logged-in accounts on ``server`` with their own home and journal."""

    server: SandboxServer
    settings: Settings
    before: SandboxSeed
    clock: ManualClock | None = None
    real_waits: bool = False
    """Really sleep the adapters' waits (for faults that play out in real time)."""
    waits: list[float] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    """How each attempt that did not finish ended (the error's class name)."""

    def sleep(self, seconds: float) -> None:
        """The adapters' wait: recorded, and advancing the sandbox's manual clock."""
        self.waits.append(seconds)
        if self.clock is not None:
            self.clock.advance(seconds)
        elif self.real_waits:
            time.sleep(seconds)

    def now(self) -> datetime:
        return self.clock.now() if self.clock is not None else utc_now()

    def adapter(self, account: str) -> SpotifyAdapter:
        tokens = AccountTokens(account, self.settings, TokenStore(self.settings.home))
        return SpotifyAdapter.connect(self.settings, tokens, sleep=self.sleep, clock=self.now,
                                      rng=random.Random(1))

    def journal(self) -> Journal:
        return Journal.open(journal_path(self.settings.home, SOURCE_USER, TARGET_USER))

    def engine(self, journal: Journal, kind: RunKind = RunKind.TRANSFER) -> Engine:
        return Engine(target=self.adapter("target"), journal=journal,
                      source=self.adapter("source"), clock=self.now, kind=kind)

    def run_once(self) -> RunReport:
        with self.journal() as journal:
            return self.engine(journal).run()

    def run_until_done(self, on_pause: Callable[[RateLimited], None] | None = None
                       ) -> RunReport:
        """Run again after each stop, as a user would, until a run is done.

        After a pause, ``on_pause`` may make the time pass (default: advance the manual clock
        to the time to resume, or fail on a real clock)."""
        for _ in range(MAX_ATTEMPTS):
            try:
                return self.run_once()
            except RateLimited as pause:
                self.stops.append(type(pause).__name__)
                (on_pause or self._wait_out)(pause)
            except ServerError as error:
                self.stops.append(type(error).__name__)
        raise AssertionError(f"not done after {MAX_ATTEMPTS} runs: {self.stops}")

    def _wait_out(self, pause: RateLimited) -> None:
        if self.clock is None:
            raise AssertionError(f"paused on a real clock: {pause}")
        self.clock.advance((pause.resume_at - self.now()).total_seconds() + 1)

    def assert_exact(self, checker_home: Path) -> None:
        assert_target_exact(self.server, self.before, checker_home)


def make_rig(server: SandboxServer, home: Path, clock: ManualClock | None = None,
             real_waits: bool = False, **network: float) -> Rig:
    """Log both accounts in on ``server`` under ``home``; ``network`` overrides settings."""
    settings = Settings(api_url=server.api_url, accounts_url=server.accounts_url,
                        client_id=server.client_id, home=home,
                        network=NetworkOptions.model_validate(network))
    log_in_headless(settings, server)
    server.request_log.reset()
    return Rig(server, settings, server.state.dump(), clock, real_waits)


def fault_names(server: SandboxServer) -> dict[str, int]:
    """How many requests met each injected fault."""
    met: dict[str, int] = {}
    for entry in server.request_log.entries:
        if entry.fault is not None:
            met[entry.fault] = met.get(entry.fault, 0) + 1
    return met
