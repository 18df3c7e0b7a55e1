"""``python -m benchmarks [--sizes 1k,10k,50k] [--latency 0,50] [--out FILE] [--quick]``.

Prints a Markdown table and the targets met or missed, and writes the JSON document to
``--out`` (default ``benchmarks/results/results-<time>.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.operations import OPERATION_NAMES
from benchmarks.runner import BenchmarkOptions, run_benchmarks
from benchmarks.sizes import DEFAULT_SIZES, parse_sizes
from benchmarks.table import check_targets, document, memory_slopes, render_table
from transfer.errors import InputError, TransferError

RESULTS = Path(__file__).resolve().parent / "results"
QUICK_SIZES = "1k"


def parse_latencies(text: str) -> list[int]:
    try:
        latencies = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputError(
            f"--latency takes milliseconds separated by commas, not {text!r}.") from None
    if not latencies or min(latencies) < 0:
        raise InputError(f"--latency takes milliseconds of 0 or more, not {text!r}.")
    return sorted(set(latencies))


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """``network.concurrency=1`` as ``SPOTIFY_TRANSFER_NETWORK__CONCURRENCY=1``."""
    variables = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise InputError(f"--set takes KEY=VALUE (e.g. network.concurrency=1), not {pair!r}.")
        variables["SPOTIFY_TRANSFER_" + key.replace(".", "__").upper()] = value
    return variables


def parse_only(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in OPERATION_NAMES]
    if unknown:
        raise InputError(f"Unknown operation {', '.join(unknown)}: choose among "
                         f"{', '.join(OPERATION_NAMES)}.")
    return ("export", *names) if names and "export" not in names else names


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES),
                        help="library sizes: tiny, 1k, 10k, 50k (default: %(default)s)")
    parser.add_argument("--latency", default="0,50",
                        help="emulated latencies in ms (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the JSON")
    parser.add_argument("--quick", action="store_true",
                        help=f"a smoke run: size {QUICK_SIZES} only, about a minute")
    parser.add_argument("--no-rate-limit", action="store_true",
                        help="no Spotify-like rate limit on the sandbox at latencies above 0")
    parser.add_argument("--only", default="",
                        help="only these operations, e.g. export,transfer (export always runs "
                             "first: it gives the library the others are measured against)")
    parser.add_argument("--set", dest="settings", action="append", default=[],
                        metavar="KEY=VALUE", help="a tool setting, e.g. network.concurrency=1")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    try:
        options = BenchmarkOptions(
            sizes=parse_sizes(QUICK_SIZES if args.quick else args.sizes),
            latencies_ms=parse_latencies(args.latency),
            rate_limited=not args.no_rate_limit,
            settings=parse_settings(args.settings),
            only=parse_only(args.only),
        )
        results = run_benchmarks(options, say=lambda line: print(line, file=sys.stderr))
    except TransferError as error:
        print(f"Error: {error.message}", file=sys.stderr)
        return 2
    out = args.out or RESULTS / f"results-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document(results, options), indent=2) + "\n", encoding="utf-8")
    print(render_table(results))
    slopes = memory_slopes(results)
    if slopes:
        print("\nPeak memory growth per item, between sizes:")
        print("\n".join(slopes))
    print()
    print("\n".join(check_targets(results)))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
