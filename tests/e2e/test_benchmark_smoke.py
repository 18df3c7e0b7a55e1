"""The benchmark machinery (``python -m benchmarks``) on a tiny library, so that it cannot rot:
children run the real commands against a sandbox and report time and memory; the calls are
counted by the sandbox and compared with the least possible."""

from __future__ import annotations

import json

import pytest

from benchmarks.runner import BenchmarkOptions, run_benchmarks
from benchmarks.sizes import SIZES, parse_sizes
from benchmarks.table import check_targets, document, render_table
from transfer.errors import InputError

pytestmark = pytest.mark.e2e


def test_a_tiny_benchmark_measures_calls_time_and_memory() -> None:
    options = BenchmarkOptions(sizes=[SIZES["tiny"]], latencies_ms=(0,),
                               only=("export", "transfer"))
    [result] = run_benchmarks(options)

    assert result.items > 100 and result.playlists > 5
    export, transfer = result.runs[0]
    assert (export.operation, transfer.operation) == ("export", "transfer")
    assert export.exit_code == transfer.exit_code == 0
    assert export.counted_calls == result.least["export"]
    assert result.least["transfer"] <= transfer.counted_calls <= 1.1 * result.least["transfer"]
    assert transfer.by_endpoint["POST /me/playlists"] > 0, "the transfer wrote"
    assert 0 < export.baseline_mb <= export.peak_mb
    assert export.seconds > 0

    table = render_table([result])
    assert "| tiny |" in table and "transfer" in table
    verdicts = check_targets([result])
    assert any("fresh transfer calls" in line for line in verdicts)
    written = json.loads(json.dumps(document([result], options)))
    assert written["sizes"][0]["runs"]["0"][1]["operation"] == "transfer"


def test_unknown_sizes_are_refused_by_name() -> None:
    with pytest.raises(InputError, match="huge"):
        parse_sizes("1k,huge")
