"""The benchmark run: for each size, a sandbox per latency, the operations one after another.

At 0 ms the sandbox answers as fast as it can and limits nothing, and the tool does not pace
itself (its default against any address but Spotify's): the times are the tool's own (and the
sandbox's) work. Above 0 ms the sandbox also applies Spotify-like rate limits
(``Faults.spotify_like()``), as the real service would, and the tool keeps under them as it does
against Spotify by default (``requests_per_30s = 300``); every 429 answered is counted.
Each operation starts with a clean rate-limit window, as if the last run were long ago.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import Measurement, child_environment, run_operation
from benchmarks.operations import operations, sync_available
from benchmarks.sizes import LibrarySize
from transfer.export import load_snapshot
from transfer.models import SAVED_CATEGORIES, Library
from transfer.sandbox.faults import SPOTIFY_LIKE_RATE_LIMIT, Faults
from transfer.sandbox.server import SandboxServer

PACED = {"SPOTIFY_TRANSFER_NETWORK__REQUESTS_PER_30S": str(SPOTIFY_LIKE_RATE_LIMIT)}
"""The tool's setting against a sandbox with Spotify-like limits (as it is against Spotify)."""


@dataclass
class SizeResult:
    """Everything measured for one library size."""

    size: str
    items: int = 0
    playlists: int = 0
    least: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, int] = field(default_factory=dict)
    runs: dict[int, list[Measurement]] = field(default_factory=dict)
    """Measurements per latency in ms, in the order the operations ran."""

    def measurement(self, operation: str, latency_ms: int) -> Measurement | None:
        return next((m for m in self.runs.get(latency_ms, []) if m.operation == operation),
                    None)


@dataclass(frozen=True)
class BenchmarkOptions:
    sizes: Sequence[LibrarySize]
    latencies_ms: Sequence[int] = (0, 50)
    rate_limited: bool = True
    """Spotify-like rate limits on the sandbox for runs with latency."""
    settings: dict[str, str] = field(default_factory=dict)
    """Environment variables for the tool, e.g. ``SPOTIFY_TRANSFER_NETWORK__CONCURRENCY``."""
    only: tuple[str, ...] = ()
    """Run only these operations (by name); all of them when empty."""
    workdir: Path | None = None


def library_items(library: Library) -> int:
    """Items in a library: playlist entries, saved items, followed artists and playlists."""
    entries = sum(len(playlist.entries or ()) for playlist in library.playlists)
    followed = sum(1 for playlist in library.playlists if playlist.entries is None)
    return entries + followed + sum(len(getattr(library, c.value)) for c in SAVED_CATEGORIES)


def sandbox_faults(latency_ms: int, rate_limited: bool) -> Faults:
    if latency_ms == 0:
        return Faults()
    limits = Faults.spotify_like() if rate_limited else Faults()
    return limits.model_copy(update={"latency": latency_ms / 1000})


def run_benchmarks(options: BenchmarkOptions, say: Callable[[str], None] = lambda _: None
                   ) -> list[SizeResult]:
    with tempfile.TemporaryDirectory(prefix="bench-", dir=options.workdir) as temporary:
        return [_run_size(size, options, Path(temporary), say) for size in options.sizes]


def _run_size(size: LibrarySize, options: BenchmarkOptions, workdir: Path,
              say: Callable[[str], None]) -> SizeResult:
    result = SizeResult(size.name)
    seed_json = size.seed().model_dump_json()
    with_sync = sync_available()
    for latency in options.latencies_ms:
        folder = workdir / f"{size.name}-{latency}ms"
        folder.mkdir(parents=True)
        snapshot = folder / "snapshot.json"
        with SandboxServer(size.seed().model_validate_json(seed_json), port=0) as server:
            server.set_faults(sandbox_faults(latency, options.rate_limited))
            limited = latency > 0 and options.rate_limited
            settings = {**PACED, **options.settings} if limited else options.settings
            environment = child_environment(server, folder / "home", settings)
            measured = []
            for operation in operations(snapshot, with_sync):
                if options.only and operation.name not in options.only:
                    continue
                say(f"{size.name} at {latency} ms: {operation.name} ...")
                measurement = run_operation(server, operation.name, operation.arguments,
                                            environment, folder, latency)
                measured.append(measurement)
                say(f"  {measurement.calls} calls, {measurement.seconds:.1f} s, "
                    f"{measurement.peak_mb:.0f} MB, exit {measurement.exit_code}")
                if operation.name == "export" and not result.least:
                    _describe(result, load_snapshot(snapshot), with_sync, snapshot)
            result.runs[latency] = measured
    return result


def _describe(result: SizeResult, library: Library, with_sync: bool, snapshot: Path) -> None:
    result.items = library_items(library)
    result.playlists = len(library.playlists)
    for operation in operations(snapshot, with_sync):
        if operation.least is not None:
            result.least[operation.name] = operation.least(library)
        if operation.bound is not None:
            result.bounds[operation.name] = operation.bound
