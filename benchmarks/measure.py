"""Running one operation in a child process against the sandbox, and what it cost.

The sandbox's request log (in this process) counts the calls, so the count does not depend on
the tool counting itself; the child reports its own time and memory (``benchmarks.child``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from transfer.errors import TransferError
from transfer.sandbox.requestlog import LoggedRequest
from transfer.sandbox.server import SandboxServer

IDENTITY = ("GET", "/me")
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Measurement:
    """What one operation cost: API calls (as the sandbox saw them), time and memory."""

    operation: str
    latency_ms: int
    seconds: float
    exit_code: int
    calls: int
    """API requests the sandbox answered, retries and refusals included."""
    identity_calls: int
    """``GET /me`` among them (outside the yardstick)."""
    throttled: int
    """Requests refused with 429 by the sandbox's rate limits."""
    baseline_mb: float
    peak_mb: float
    by_endpoint: dict[str, int] = field(default_factory=dict)

    @property
    def counted_calls(self) -> int:
        """The calls the yardstick compares with: all but identity look-ups."""
        return self.calls - self.identity_calls

    @property
    def growth_mb(self) -> float:
        """Memory the operation added above the started, imported tool."""
        return self.peak_mb - self.baseline_mb

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "counted_calls": self.counted_calls,
                "growth_mb": round(self.growth_mb, 1)}


def child_environment(server: SandboxServer, home: Path, settings: dict[str, str]
                      ) -> dict[str, str]:
    """The environment of a child: pointed at ``server``, both accounts logged in headless,
    state under ``home``, no setting of the developer's own. ``settings`` adds variables
    (e.g. ``SPOTIFY_TRANSFER_NETWORK__CONCURRENCY``)."""
    environment = {name: value for name, value in os.environ.items()
                   if not name.startswith(("SPOTIFY_TRANSFER_", "SPOTIPY_"))}
    environment.update({
        "SPOTIFY_TRANSFER_API_URL": server.api_url,
        "SPOTIFY_TRANSFER_ACCOUNTS_URL": server.accounts_url,
        "SPOTIFY_TRANSFER_CLIENT_ID": server.client_id,
        "SPOTIFY_TRANSFER_HOME": str(home),
        "SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN": server.refresh_token("alex.old"),
        "SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN": server.refresh_token("alex.new"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        **settings,
    })
    return environment


def run_operation(
    server: SandboxServer,
    name: str,
    arguments: tuple[str, ...],
    environment: dict[str, str],
    folder: Path,
    latency_ms: int,
) -> Measurement:
    """Run ``spotify-transfer ARGUMENTS`` in a child process with a clean request log and
    rate-limit window; its output goes to ``folder/<name>.log``."""
    server.request_log.reset()
    server.reset_rate_limit()
    slug = name.replace(" ", "-")
    result_file = folder / f"{slug}.result.json"
    with (folder / f"{slug}.log").open("w", encoding="utf-8") as output:
        finished = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", str(result_file), *arguments],
            cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, check=False,
        )
    if not result_file.exists():
        raise TransferError(
            f"The benchmark of {name} stopped without a result (exit {finished.returncode}); "
            f"see {folder / f'{slug}.log'}."
        )
    child = json.loads(result_file.read_text(encoding="utf-8"))
    return _measurement(name, latency_ms, child, server.request_log.entries)


def _measurement(name: str, latency_ms: int, child: dict[str, Any],
                 entries: list[LoggedRequest]) -> Measurement:
    api = [entry for entry in entries if entry.is_api]
    by_endpoint = Counter(f"{entry.method} {entry.path_template}" for entry in api)
    return Measurement(
        operation=name,
        latency_ms=latency_ms,
        seconds=round(child["seconds"], 3),
        exit_code=child["exit_code"],
        calls=len(api),
        identity_calls=sum(1 for entry in api if (entry.method, entry.path_template) == IDENTITY),
        throttled=sum(1 for entry in api if entry.status == 429),
        baseline_mb=round(child["baseline_kb"] / 1024, 1),
        peak_mb=round(child["peak_kb"] / 1024, 1),
        by_endpoint=dict(sorted(by_endpoint.items())),
    )
