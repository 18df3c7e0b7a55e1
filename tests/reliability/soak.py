"""The reliability soak: long runs of the real tool against faults and kills, outside CI.

    python -m tests.reliability.soak [--rng-seed N] [--kills N] [--cost-repeats N]
                                     [--only NAME ...] [--json FILE]

Each scenario starts the sandbox in this process with the built-in library (or the one it
names), runs ``spotify-transfer transfer --yes`` in processes of its own the way a person or a
scheduler would (again after a pause once its time has come, again after an error), and ends
with the exactness check of ``expectation.py``. It prints one row per scenario: the fault or
the kills, what the tool did (exit codes, pauses, faults met), the API calls against a clean
run, and the verdict. Not collected by pytest (its name does not start with ``test_``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TextIO

from tests.reliability.changes import change_source, expected_after_sync
from tests.reliability.expectation import assert_target_exact
from tests.reliability.seeds import big_playlist_seed
from tests.reliability.tool import (
    SYNC,
    TRANSFER,
    AtProgress,
    Crashes,
    KillSwitchLog,
    Tool,
    at_request,
    run_killed,
    run_killed_at_times,
    start_sandbox,
)
from transfer.errors import ExitStatus
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer

MAX_RUNS = 12
WRITES = ["POST /me/playlists", "POST /playlists/{playlist_id}/items",
          "PUT /playlists/{playlist_id}/images", "PUT /me/library"]


@dataclass
class Row:
    scenario: str
    tool_did: str
    calls: int
    seconds: float
    verdict: str
    details: dict[str, object] = field(default_factory=dict)


@dataclass
class Session:
    """One sandbox, the tool for it, and the seed it started from."""

    server: SandboxServer
    log: KillSwitchLog
    tool: Tool
    before: SandboxSeed
    folder: Path

    def verdict(self) -> str:
        try:
            assert_target_exact(self.server, self.before, self.folder / "checker")
        except AssertionError as problem:
            return "WRONG: " + str(problem).replace("\n", " | ")[:300]
        return "exact"


@contextmanager
def session(seed: Callable[[], SandboxSeed] = builtin_seed, faults: Faults | None = None,
            rng_seed: int = 0, **settings: str) -> Iterator[Session]:
    with tempfile.TemporaryDirectory(prefix="soak-") as folder:
        before = seed()
        server, log = start_sandbox(seed(), faults=faults, rng_seed=rng_seed)
        try:
            tool = Tool(server, Path(folder) / "home", settings=dict(settings))
            yield Session(server, log, tool, before, Path(folder))
        finally:
            server.stop()


def run_until_done(tool: Tool, pause: float) -> list[tuple[int, float]]:
    """Run ``transfer`` as a person would: again after ``pause`` seconds when it paused (75),
    again at once after an error (1). Each run's exit code and seconds."""
    runs: list[tuple[int, float]] = []
    for _ in range(MAX_RUNS):
        started = time.monotonic()
        result = tool.run(TRANSFER, timeout=600)
        runs.append((result.returncode, time.monotonic() - started))
        if result.returncode == 0:
            break
        if result.returncode == ExitStatus.PAUSED:
            time.sleep(pause)
        elif result.returncode != ExitStatus.ERROR:
            raise AssertionError(f"unexpected exit {result.returncode}: {result.stderr}")
    return runs


def describe_runs(runs: list[tuple[int, float]], met: Counter[str]) -> str:
    codes = " → ".join(f"{code} ({seconds:.1f} s)" for code, seconds in runs)
    faults = ", ".join(f"{count} {name}" for name, count in sorted(met.items()))
    return f"exits {codes}; met {faults or 'no fault'}"


def faults_met(log: KillSwitchLog) -> Counter[str]:
    return Counter(entry.fault for entry in log.entries if entry.fault)


# -- scenarios ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanRun:
    """A transfer never killed: its API calls, and how many of them came before its first
    write (the reading and planning)."""

    calls: int
    reads: int


def clean_run() -> CleanRun:
    with session() as s:
        assert s.tool.run(TRANSFER, timeout=600).returncode == 0
        api = [entry for entry in s.log.entries if entry.is_api]
        first_write = next(number for number, entry in enumerate(api) if entry.is_write)
        return CleanRun(len(api), first_write)


def fault_scenario(name: str, faults: Faults, pause: float = 0.0, rng_seed: int = 0,
                   seed: Callable[[], SandboxSeed] = builtin_seed, **settings: str) -> Row:
    with session(seed, faults, rng_seed, **settings) as s:
        started = time.monotonic()
        runs = run_until_done(s.tool, pause)
        calls, seconds = s.log.api_requests, time.monotonic() - started
        return Row(name, describe_runs(runs, faults_met(s.log)), calls, seconds, s.verdict(),
                   {"exits": [code for code, _ in runs]})


def quota_scenario(pause: int = 3) -> Row:
    """A quota of 150 calls that comes back ``pause`` seconds after it ran out."""
    faults = Faults(quota=150, quota_retry_after=pause)
    return fault_scenario(f"quota of 150 calls spent mid-run, back after {pause} s", faults,
                          pause=pause + 0.5)


def kill_scenario(name: str, kill: Callable[[Session], Crashes]) -> Row:
    with session() as s:
        started = time.monotonic()
        crashes = kill(s)
        calls, seconds = s.log.api_requests, time.monotonic() - started
        did = (f"killed {crashes.kills} times, then exit {crashes.last.returncode} "
               f"after {len(crashes.attempts)} processes")
        return Row(name, did, calls, seconds, s.verdict(),
                   {"kills": crashes.kills, "exits": [a.returncode for a in crashes.attempts]})


def kills_at_progress(count: int, clean: CleanRun, rng: random.Random
                      ) -> Callable[[Session], Crashes]:
    """``count`` kills at points of the job's progress drawn uniformly (``AtProgress``)."""
    marks = sorted(rng.sample(range(1, clean.calls), count))

    def kill(s: Session) -> Crashes:
        writes_before = s.log.writes()
        return run_killed(s.tool, s.log, TRANSFER,
                          [AtProgress(s.log, mark, clean.reads, writes_before)
                           for mark in marks], timeout=600)

    return kill


def kills_at_moments(count: int, rng: random.Random) -> Callable[[Session], Crashes]:
    delays = [rng.uniform(0.02, 1.2) for _ in range(count)]

    def kill(s: Session) -> Crashes:
        return run_killed_at_times(s.tool, s.log, TRANSFER, delays, timeout=600)

    return kill


def sync_kills(rounds: int, kills: int, mirror: bool, rng: random.Random) -> Row:
    """A transfer, then ``rounds`` times: the source changes, and a sync killed ``kills``
    times at random requests is run until done; the target is checked after each round."""
    command = [*SYNC, "--mirror"] if mirror else list(SYNC)
    with session() as s:
        assert s.tool.run(TRANSFER, timeout=600).returncode == 0
        started, start_calls = time.monotonic(), s.log.api_requests
        verdicts, killed, exits = [], 0, []
        for number in range(rounds):
            change_source(s.server, s.folder / "source-side", rng, mirror, label=str(number))
            expected = expected_after_sync(s.server, s.before)
            first = s.log.api_requests
            marks = sorted(rng.sample(range(1, 25), kills))
            crashes = run_killed(s.tool, s.log, command,
                                 [at_request(first + mark) for mark in marks], timeout=600)
            killed += crashes.kills
            exits.append([attempt.returncode for attempt in crashes.attempts])
            try:
                assert_target_exact(s.server, expected, s.folder / "checker")
                verdicts.append("exact")
            except AssertionError as problem:
                verdicts.append("WRONG: " + str(problem).replace("\n", " | ")[:200])
        calls, seconds = s.log.api_requests - start_calls, time.monotonic() - started
    wrong = [verdict for verdict in verdicts if verdict != "exact"]
    kind = "sync --mirror (removals too)" if mirror else "sync"
    return Row(f"{kind} after source changes, {rounds} rounds, SIGKILLed {kills}× a round",
               f"killed {killed} times in all; exits per round {exits}", calls, seconds,
               wrong[0] if wrong else "exact", {"kills": killed})


def resume_cost(clean: CleanRun, kills: int, repeats: int, rng: random.Random) -> Row:
    """Total API calls of a transfer killed ``kills`` times and resumed until done, against
    one never killed; ``repeats`` times with other kill points."""
    ratios, rows = [], []
    for _ in range(repeats):
        row = kill_scenario("cost", kills_at_progress(kills, clean, rng))
        rows.append(row)
        ratios.append(row.calls / clean.calls)
    verdicts = {row.verdict for row in rows}
    did = (f"calls {', '.join(str(row.calls) for row in rows)} against {clean.calls} never "
           f"killed ({clean.reads} of them reads before the first write): ×{min(ratios):.2f} "
           f"… ×{max(ratios):.2f}, median ×{statistics.median(ratios):.2f}; kills "
           f"{[row.details['kills'] for row in rows]}")
    verdict = "exact" if verdicts == {"exact"} else " / ".join(sorted(verdicts))
    return Row(f"resume cost: killed {kills}× at random points of its progress, {repeats} runs",
               did, int(statistics.median(row.calls for row in rows)),
               sum(row.seconds for row in rows), verdict, {"ratios": ratios})


# -- the table ------------------------------------------------------------------------------


def scenarios(arguments: argparse.Namespace) -> Iterator[tuple[str, Callable[[], Row]]]:
    rng = random.Random(arguments.rng_seed)
    state: dict[str, CleanRun] = {}

    def clean() -> CleanRun:
        if "clean" not in state:
            state["clean"] = clean_run()
        return state["clean"]

    yield "429", lambda: fault_scenario(
        "bursts of 429, Retry-After 1-2 s (40 calls and 2 covers per 2 s)",
        Faults(rate_limit=40, rate_window=2, cover_rate_limit=2))
    yield "quota", quota_scenario
    yield "5xx", lambda: fault_scenario("5% of all requests answered 5xx before applying",
                                        Faults(error_rate=0.05), rng_seed=1)
    yield "502", lambda: fault_scenario("3% of writes applied, then answered 502",
                                        Faults(fail_after_apply_rate=0.03), rng_seed=2)
    yield "drop", lambda: fault_scenario("3% of writes applied, then the connection dropped",
                                         Faults(drop_after_apply_rate=0.03), rng_seed=3)
    yield "timeout", lambda: fault_scenario(
        "latency 0-0.5 s on writes and saved-item reads, request timeout 0.3 s",
        Faults(latency_jitter=0.5, only=[*WRITES, "GET /me/tracks", "GET /me/albums"]),
        rng_seed=4, NETWORK__REQUEST_TIMEOUT="0.3")
    yield "all", lambda: fault_scenario(
        "all at once: 429 bursts, 5% 5xx, 3% 502 after apply, 3% dropped, latency",
        Faults(rate_limit=60, rate_window=2, cover_rate_limit=3, error_rate=0.05,
               fail_after_apply_rate=0.03, drop_after_apply_rate=0.03, latency_jitter=0.02),
        rng_seed=5)
    yield "10k", lambda: fault_scenario(
        "a playlist of 10,000 items read live, 5% 5xx and 3% lost answers",
        Faults(error_rate=0.05, fail_after_apply_rate=0.03, drop_after_apply_rate=0.03),
        rng_seed=6, seed=big_playlist_seed)
    yield "kills-requests", lambda: kill_scenario(
        f"transfer SIGKILLed at {arguments.kills} random points of its progress (right after "
        "the sandbox handled a request, before its answer)",
        kills_at_progress(arguments.kills, clean(), rng))
    yield "kills-moments", lambda: kill_scenario(
        f"transfer SIGKILLed at {arguments.kills} random moments (0-1.2 s after a process's "
        "first request)", kills_at_moments(arguments.kills, rng))
    yield "sync-kills", lambda: sync_kills(rounds=4, kills=2, mirror=False, rng=rng)
    yield "mirror-kills", lambda: sync_kills(rounds=2, kills=2, mirror=True, rng=rng)
    yield "cost", lambda: resume_cost(clean(), 10, arguments.cost_repeats, rng)


def print_table(rows: Sequence[Row], stream: TextIO = sys.stdout) -> None:
    print(f"{'scenario':<72} {'calls':>6} {'time':>7}  verdict", file=stream)
    for row in rows:
        print(f"{row.scenario[:72]:<72} {row.calls:>6} {row.seconds:>6.1f}s  {row.verdict}",
              file=stream)
        print(f"    {row.tool_did}", file=stream)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.soak",
                                     description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rng-seed", type=int, default=2026)
    parser.add_argument("--kills", type=int, default=10,
                        help="kills per crash scenario (two scenarios)")
    parser.add_argument("--cost-repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="scenario names to run")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows here")
    arguments = parser.parse_args(argv)
    rows = []
    for name, scenario in scenarios(arguments):
        if arguments.only and name not in arguments.only:
            continue
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.append(scenario())
    print_table(rows)
    if arguments.json is not None:
        arguments.json.write_text(json.dumps([asdict(row) for row in rows], indent=2,
                                             ensure_ascii=False))
    return 0 if all(row.verdict == "exact" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
