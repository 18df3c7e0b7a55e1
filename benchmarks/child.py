"""One benchmarked operation in a process of its own: the tool's CLI, timed and measured.

``python -m benchmarks.child RESULT_FILE ARG...`` runs ``spotify-transfer ARG...`` in this
process and writes to ``RESULT_FILE`` a JSON object: ``seconds`` (wall time of the command
alone, after the interpreter started and the tool's modules were imported), ``exit_code``,
``baseline_kb`` (resident memory before the command) and ``peak_kb`` (the process's peak
resident memory, start-up included). The sandbox runs in the benchmark's own process, so none
of its memory is counted here.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

PRELOADED = (
    "transfer.cli",
    "transfer.commands.pair",
    "transfer.engine",
    "transfer.export",
    "transfer.render",
    "transfer.report",
    "transfer.spotify",
)
"""Modules imported before the clock starts: their import is start-up, not the operation."""


def memory_kb(field: str) -> int:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak resident) of this process, in KiB.

    Linux keeps these per address space, so they start anew at ``exec``; ``ru_maxrss`` does
    not (a child inherits its parent's peak, here the sandbox's), and is only the fallback
    where ``/proc`` is missing.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def run(arguments: list[str]) -> dict[str, Any]:
    """Run the CLI with ``arguments`` and measure it."""
    for name in PRELOADED:
        importlib.import_module(name)
    from transfer.cli import main

    baseline = memory_kb("VmRSS")
    started = time.perf_counter()
    try:
        main(arguments)
        exit_code = 0
    except SystemExit as stop:
        exit_code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "exit_code": exit_code, "baseline_kb": baseline,
            "peak_kb": memory_kb("VmHWM")}


def main() -> None:
    result_file, *arguments = sys.argv[1:]
    measured = run(arguments)
    Path(result_file).write_text(json.dumps(measured), encoding="utf-8")


if __name__ == "__main__":
    main()
