"""Two runs for the same pair of accounts at once (a scheduled sync firing during a transfer,
a transfer confirmed after another one finished): one of them does the work, the other stops
with a clear message and sends nothing, and the target ends exact."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import small_seed
from tests.reliability.conftest import Served
from tests.reliability.rig import make_rig
from tests.reliability.tool import SYNC, TRANSFER, finish
from transfer.errors import ExitStatus, StalePlan
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

Serve = Callable[..., Served]


def test_a_plan_read_before_another_run_finished_is_refused_not_applied(tmp_path: Path) -> None:
    """A confirmation left waiting while another process transferred everything."""
    with SandboxServer(small_seed(), port=0) as server:
        rig = make_rig(server, tmp_path / "home")
        with rig.journal() as waiting:
            prepared = rig.engine(waiting).prepare()
            rig.run_once()  # the other process, from start to end
            writes = server.request_log.writes()
            with pytest.raises(StalePlan, match="began after this plan was read"):
                rig.engine(waiting).apply(prepared)
            assert server.request_log.writes() == writes, "nothing was sent"
            again = rig.engine(waiting)
            assert again.prepare().plan.is_empty, "planned anew: nothing is left to do"
        rig.assert_exact(tmp_path / "checker")


def test_a_sync_started_during_a_transfer_never_doubles_anything(serve: Serve) -> None:
    """A scheduled sync firing while a transfer runs: whichever comes second stops (busy, or
    its plan refused as stale), and nothing is done twice."""
    served = serve(small_seed())
    served.server.set_faults(Faults(latency=0.02))
    first_process = served.tool.start(TRANSFER)
    second_process = served.tool.start(SYNC)
    results = [finish(first_process, 120), finish(second_process, 120)]
    codes = sorted(result.returncode for result in results)
    assert 0 in codes, [result.stderr for result in results]
    assert set(codes) <= {0, ExitStatus.ERROR, ExitStatus.BUSY}, codes
    for result in results:
        if result.returncode == ExitStatus.BUSY:
            assert "another spotify-transfer" in result.stderr.lower(), result.stderr
        if result.returncode == ExitStatus.ERROR:
            assert "began after this plan was read" in result.stderr, result.stderr
    served.server.set_faults(Faults())
    final = served.tool.invoke(list(TRANSFER[2:]))
    assert final.returncode == 0, final.stderr
    served.assert_exact()
