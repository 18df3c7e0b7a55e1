"""The results as a table for people, a JSON document, and the issue's targets checked.

Times at a latency above 0 ms are compared with the same calls sent one after another: the
operation's time at 0 ms plus one latency per call (``serial``). Under a rate limit of ``R``
requests in any ``W`` seconds, no client can send ``N`` calls in less than
``((N - 1) // R) * W`` seconds without being refused (``floor``): request ``R + 1`` must wait
until the first one has left the window.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from benchmarks.runner import BenchmarkOptions, SizeResult
from transfer.sandbox.faults import DEFAULT_WINDOW, SPOTIFY_LIKE_RATE_LIMIT

TRANSFER_RATIO = 1.03
OVERLAP_RATIO = 0.5
PEAK_MB = 300
PEAK_SIZE = "50k"
JSON_VERSION = 1


def serial_seconds(result: SizeResult, operation: str, latency_ms: int) -> float | None:
    """The operation's calls sent one after another at ``latency_ms``."""
    base = result.measurement(operation, 0)
    slow = result.measurement(operation, latency_ms)
    if base is None or slow is None or latency_ms == 0:
        return None
    return base.seconds + slow.calls * latency_ms / 1000


def rate_floor_seconds(calls: int) -> float:
    """The least time ``calls`` requests take under the Spotify-like rate limit."""
    return max(0, calls - 1) // SPOTIFY_LIKE_RATE_LIMIT * DEFAULT_WINDOW


@dataclass(frozen=True)
class Row:
    size: str
    items: int
    operation: str
    calls: int
    least: int | None
    walls: dict[int, float]
    serials: dict[int, float | None]
    throttled: dict[int, int]
    peak_mb: float
    growth_mb: float

    @property
    def ratio(self) -> float | None:
        return self.calls / self.least if self.least else None


def rows(results: list[SizeResult]) -> list[Row]:
    table = []
    for result in results:
        latencies = sorted(result.runs)
        for first in result.runs[latencies[0]]:
            name = first.operation
            runs = [m for latency in latencies
                    if (m := result.measurement(name, latency)) is not None]
            peak = max(runs, key=lambda m: m.peak_mb)
            table.append(Row(
                size=result.size, items=result.items, operation=name,
                calls=first.counted_calls,
                least=result.least.get(name, result.bounds.get(name)),
                walls={m.latency_ms: m.seconds for m in runs},
                serials={latency: serial_seconds(result, name, latency)
                         for latency in latencies if latency},
                throttled={m.latency_ms: m.throttled for m in runs if m.latency_ms},
                peak_mb=peak.peak_mb, growth_mb=peak.growth_mb,
            ))
    return table


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_table(results: list[SizeResult]) -> str:
    """A Markdown table: one line per size and operation."""
    table = rows(results)
    latencies = sorted({latency for row in table for latency in row.walls})
    slow = [latency for latency in latencies if latency]
    header = ["size", "items", "operation", "calls", "least", "×least"]
    header += [f"s @{latency}ms" for latency in latencies]
    for latency in slow:
        header += [f"serial s @{latency}ms", f"×serial @{latency}ms", f"429s @{latency}ms"]
    header += ["peak MB", "growth MB", "KB/item"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in table:
        cells = [row.size, str(row.items), row.operation, str(row.calls),
                 "-" if row.least is None else str(row.least), _number(row.ratio, 3)]
        cells += [_number(row.walls.get(latency)) for latency in latencies]
        for latency in slow:
            serial = row.serials.get(latency)
            wall = row.walls.get(latency)
            ratio = wall / serial if serial and wall is not None else None
            cells += [_number(serial), _number(ratio, 2), str(row.throttled.get(latency, "-"))]
        per_item = row.growth_mb * 1024 / row.items if row.items else None
        cells += [_number(row.peak_mb, 0), _number(row.growth_mb, 0), _number(per_item, 2)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def memory_slopes(results: list[SizeResult]) -> list[str]:
    """Per operation, how much the peak grows per item from one size to the next (KiB):
    the cost of one more item, start-up and fixed costs left out."""
    by_operation: dict[str, list[Row]] = {}
    for row in rows(results):
        by_operation.setdefault(row.operation, []).append(row)
    lines = []
    for operation, sized in by_operation.items():
        steps = [f"{a.size}→{b.size}: {(b.peak_mb - a.peak_mb) * 1024 / (b.items - a.items):.2f}"
                 for a, b in pairwise(sized) if b.items != a.items]
        if steps:
            lines.append(f"{operation}: {', '.join(steps)} KB/item")
    return lines


def check_targets(results: list[SizeResult]) -> list[str]:
    """One line per target and size: met or missed, with the figures."""
    verdicts = []
    for row in rows(results):
        if row.operation == "transfer" and row.ratio is not None:
            verdicts.append(_verdict(
                row.ratio <= TRANSFER_RATIO,
                f"{row.size} fresh transfer calls {row.calls} = {row.ratio:.3f}× the least "
                f"{row.least} (≤ {TRANSFER_RATIO})"))
        if row.operation == "no-op sync" and row.least is not None:
            verdicts.append(_verdict(row.calls <= row.least,
                                     f"{row.size} no-op sync {row.calls} calls (≤ {row.least})"))
        if row.size == PEAK_SIZE:
            verdicts.append(_verdict(row.peak_mb <= PEAK_MB,
                                     f"{row.size} {row.operation} peak {row.peak_mb:.0f} MB "
                                     f"(≤ {PEAK_MB})"))
        for latency, serial in row.serials.items():
            wall = row.walls.get(latency)
            if not serial or wall is None:
                continue
            floor = rate_floor_seconds(row.calls)
            verdicts.append(_verdict(
                wall <= OVERLAP_RATIO * serial and row.throttled.get(latency, 0) == 0,
                f"{row.size} {row.operation} @{latency} ms: {wall:.1f} s = {wall / serial:.2f}× "
                f"serial {serial:.1f} s (≤ {OVERLAP_RATIO}), {row.throttled.get(latency, 0)} "
                f"throttled, rate-limit floor {floor:.1f} s"))
    return verdicts


def _verdict(met: bool, text: str) -> str:
    return f"{'met   ' if met else 'MISSED'} {text}"


def document(results: list[SizeResult], options: BenchmarkOptions) -> dict[str, Any]:
    """The versioned JSON document of a benchmark run."""
    return {
        "version": JSON_VERSION,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "processor": platform.processor() or platform.machine()},
        "latencies_ms": list(options.latencies_ms),
        "rate_limited": options.rate_limited,
        "settings": options.settings,
        "sizes": [
            {
                "size": result.size,
                "items": result.items,
                "playlists": result.playlists,
                "least": result.least,
                "bounds": result.bounds,
                "runs": {str(latency): [m.as_json() for m in measured]
                         for latency, measured in result.runs.items()},
            }
            for result in results
        ],
        "memory_growth_per_item": memory_slopes(results),
        "targets": check_targets(results),
    }
