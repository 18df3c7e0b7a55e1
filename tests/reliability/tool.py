"""The tool as a user runs it: a separate process pointed at an in-process sandbox through the
environment alone, and a kill switch that ends that process with SIGKILL at a chosen moment.

The kill switch sits in the sandbox's request log, which the server fills after handling a
request and before sending its answer: killing the client there means that request took effect
(a write is applied) while its answer never arrived, the hardest moment to die at.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from transfer.cli import cli
from transfer.sandbox.builtin import SOURCE_USER, TARGET_USER
from transfer.sandbox.requestlog import LoggedRequest, RequestLog
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer

REPOSITORY = Path(__file__).resolve().parents[2]
KILLED = -signal.SIGKILL
TRANSFER = ("-m", "transfer", "transfer", "--yes")
SYNC = ("-m", "transfer", "sync")

Condition = Callable[[LoggedRequest, int], bool]
"""When to kill: given an API request just handled and the API requests counted so far."""


def at_request(mark: int) -> Condition:
    """Once the API request count since the sandbox started reaches ``mark``."""
    return lambda entry, count: count >= mark


def on_request(method: str, template: str) -> Condition:
    """At the first ``method template`` request handled (applied, unless a fault refused it)."""
    return lambda entry, count: (entry.method, entry.path_template) == (method, template)


class AtProgress:
    """Where a clean run would be after ``mark`` API requests, ``reads`` of which come before
    its first write: within those reads, at the process's own ``mark``-th request (a process
    started again reads from the start again); beyond them, once the job has sent
    ``mark - reads`` writes since it began (a write done is not sent again). Kills placed so
    are spread over the job's progress as a person's would be over its duration.

    One instance per process: it takes the first request it sees as that process's first.
    """

    def __init__(self, log: RequestLog, mark: int, reads: int, writes_before: int) -> None:
        self.log, self.mark, self.reads, self.writes_before = log, mark, reads, writes_before
        self._first: int | None = None

    def __call__(self, entry: LoggedRequest, count: int) -> bool:
        if self._first is None:
            self._first = count
        if self.mark <= self.reads:
            return count - self._first + 1 >= self.mark
        return self.log.writes() - self.writes_before >= self.mark - self.reads


class KillSwitchLog(RequestLog):
    """A request log that acts right after a request is handled, before its answer is sent:
    kills a process (``arm``) or does anything else (``on``), once."""

    def __init__(self) -> None:
        super().__init__()
        self._switch_lock = threading.Lock()
        self._condition: Condition | None = None
        self._action: Callable[[], object] | None = None
        self.api_requests = 0
        self.triggered: list[LoggedRequest] = []
        """The requests after which an action was taken, in order."""

    def add(self, entry: LoggedRequest) -> None:
        super().add(entry)
        if not entry.is_api:
            return
        with self._switch_lock:
            self.api_requests += 1
            if self._condition is None or not self._condition(entry, self.api_requests):
                return
            action, self._condition, self._action = self._action, None, None
            self.triggered.append(entry)
        if action is not None:
            action()

    def on(self, condition: Condition, action: Callable[[], object]) -> None:
        """Call ``action`` after the first API request that meets ``condition``."""
        with self._switch_lock:
            self._condition, self._action = condition, action

    def arm(self, pid: int, condition: Condition) -> None:
        """Kill ``pid`` after the first API request that meets ``condition``."""
        self.on(condition, lambda: os.kill(pid, signal.SIGKILL))

    def disarm(self) -> None:
        with self._switch_lock:
            self._condition, self._action = None, None


def start_sandbox(seed: SandboxSeed, **options: object) -> tuple[SandboxServer, KillSwitchLog]:
    """A started sandbox whose request log is a kill switch. Stop it with ``server.stop()``."""
    server = SandboxServer(seed, port=0, **options)  # type: ignore[arg-type]
    log = KillSwitchLog()
    server.request_log = log
    server.start()
    return server, log


@dataclass
class Tool:
    """Runs the tool in processes of its own, pointed at ``server`` with ``home`` as state."""

    server: SandboxServer
    home: Path
    settings: dict[str, str] = field(default_factory=dict)
    """More ``SPOTIFY_TRANSFER_*`` variables (without the prefix), e.g. network settings."""
    source_user: str = SOURCE_USER
    target_user: str = TARGET_USER

    def __post_init__(self) -> None:
        """The refresh tokens are taken once, as a user sets them once: a token revoked later
        stays in the environment until the test changes it."""
        self.refresh_tokens = {
            "SOURCE_REFRESH_TOKEN": self.server.refresh_token(self.source_user),
            "TARGET_REFRESH_TOKEN": self.server.refresh_token(self.target_user),
        }

    def environment(self) -> dict[str, str]:
        base = {name: value for name, value in os.environ.items()
                if not name.startswith(("SPOTIFY_TRANSFER_", "SPOTIPY_"))}
        variables = {
            "API_URL": self.server.api_url,
            "ACCOUNTS_URL": self.server.accounts_url,
            "CLIENT_ID": self.server.client_id,
            "HOME": str(self.home),
            # A run resumed after a kill waits this long since the killed run's last write
            # before checking it (the default 15 s would idle through most of these tests).
            "NETWORK__REQUEST_TIMEOUT": "3",
            **self.refresh_tokens,
            **self.settings,
        }
        config_home = self.home.parent / f"{self.home.name}-config"
        return {**base, "PYTHONPATH": str(REPOSITORY), "XDG_CONFIG_HOME": str(config_home),
                "COLUMNS": "100",
                **{f"SPOTIFY_TRANSFER_{name}": value for name, value in variables.items()}}

    def start(self, arguments: Sequence[str], **more_environment: str
              ) -> subprocess.Popen[str]:
        """``python ARGUMENTS`` in the repository, e.g. ``TRANSFER``."""
        return subprocess.Popen(
            [sys.executable, *arguments], cwd=REPOSITORY,
            env={**self.environment(), **more_environment},
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def run(self, arguments: Sequence[str], timeout: float = 120) -> Finished:
        process = self.start(arguments)
        return finish(process, timeout)

    def invoke(self, arguments: Sequence[str]) -> Finished:
        """The CLI in this process (quicker to start): ``arguments`` after ``-m transfer``.
        An exception that escaped the CLI's error handling fails the test with its traceback.
        """
        result = CliRunner().invoke(cli, list(arguments), env=self.environment())
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Finished(result.exit_code, result.stdout, result.stderr)


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode == KILLED


def finish(process: subprocess.Popen[str], timeout: float) -> Finished:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        raise AssertionError(f"the tool hung for {timeout} s:\n{stdout}\n{stderr}") from None
    return Finished(process.returncode, stdout, stderr)


@dataclass
class Crashes:
    """Every process of one job killed and resumed until done."""

    attempts: list[Finished] = field(default_factory=list)

    @property
    def kills(self) -> int:
        return sum(1 for attempt in self.attempts if attempt.killed)

    @property
    def last(self) -> Finished:
        return self.attempts[-1]


def run_killed(tool: Tool, log: KillSwitchLog, command: Sequence[str],
               conditions: Sequence[Condition], finish_runs: int = 3, timeout: float = 120
               ) -> Crashes:
    """Start ``command`` once per condition, killing it when the condition is met (a run that
    ends by itself first just ends), then run it without kills until it exits 0 (at most
    ``finish_runs`` times)."""
    crashes = Crashes()
    for condition in conditions:
        process = tool.start(command)
        log.arm(process.pid, condition)
        try:
            crashes.attempts.append(finish(process, timeout))
        finally:
            log.disarm()
        if crashes.last.returncode == 0:
            break
    for _ in range(finish_runs):
        if crashes.attempts and crashes.last.returncode == 0:
            break
        crashes.attempts.append(tool.run(command, timeout))
    return crashes


def run_killed_at_times(tool: Tool, log: KillSwitchLog, command: Sequence[str],
                        delays: Sequence[float], finish_runs: int = 3, timeout: float = 120
                        ) -> Crashes:
    """Like :func:`run_killed`, killing each process ``delays[i]`` seconds after its first API
    request (counting from its start would waste kills on the interpreter starting up): at
    any moment, between requests or in the middle of one, of the journal's writes or none."""
    crashes = Crashes()
    for delay in delays:
        process = tool.start(command)
        timer = threading.Timer(delay, process.kill)
        log.on(at_request(log.api_requests + 1), timer.start)
        try:
            crashes.attempts.append(finish(process, timeout))
        finally:
            log.disarm()
            timer.cancel()
        if crashes.last.returncode == 0:
            break
    for _ in range(finish_runs):
        if crashes.attempts and crashes.last.returncode == 0:
            break
        crashes.attempts.append(tool.run(command, timeout))
    return crashes
