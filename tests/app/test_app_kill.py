"""The app killed (SIGKILL) in the middle of a transfer: a new ``spotify-transfer app`` offers
to resume the run from the journal, and the target ends exactly as one clean run leaves it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.app.app_support import ROOT, Rig, free_port, poll, shot
from tests.reliability.expectation import assert_target_exact
from transfer.sandbox.faults import Faults

WRITES_BEFORE_KILL = 4
START_TIMEOUT_S = 30


def start_app(rig: Rig) -> tuple[subprocess.Popen[str], str]:
    """``spotify-transfer app`` in a process of its own; its launch address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "transfer", "--config", str(rig.config), "app", "--no-browser",
         "--port", str(free_port())],
        cwd=ROOT, env=dict(os.environ), text=True, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT)
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if "/enter?key=" in line:
            return process, line.strip()
    raise AssertionError("the app printed no address:\n" + "".join(seen))


def test_killed_app_resumes_in_a_new_one_with_nothing_doubled(rig: Rig, browser_page: Any,
                                                              tmp_path: Path) -> None:
    rig.log_in_both()
    rig.sandbox.set_faults(Faults(latency=0.1))
    first, address = start_app(rig)
    try:
        page = browser_page(address)
        origin = address.split("/enter")[0]
        page.goto(f"{origin}/plan")
        page.get_by_role("button", name="Transfer now").click()
        poll(lambda: rig.sandbox.request_log.writes() >= WRITES_BEFORE_KILL, START_TIMEOUT_S,
             "the transfer's first writes")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    written = rig.sandbox.request_log.writes()
    second, address = start_app(rig)
    try:
        page = browser_page(address)
        origin = address.split("/enter")[0]
        page.goto(f"{origin}/plan")
        resume = page.get_by_role("button", name="Resume the transfer")
        resume.wait_for()
        shot(page, "4-plan-resume")
        rig.sandbox.set_faults(Faults())
        resume.click()
        page.get_by_text("The transfer is done.").wait_for()
        assert rig.sandbox.request_log.writes() > written
    finally:
        second.terminate()
        second.wait(10)
    assert_target_exact(rig.sandbox, rig.before, tmp_path / "checker")
