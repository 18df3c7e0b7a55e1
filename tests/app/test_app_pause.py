"""A pause by Spotify (its quota spent: 429 QUOTA_EXCEEDED with a Retry-After longer than the
tool waits inside a request) is shown as a countdown, and the transfer goes on by itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.app_support import Rig, make_rig, poll, shot
from tests.reliability.expectation import assert_target_exact
from transfer.sandbox.faults import Faults

QUOTA_WAIT_S = 4


@pytest.fixture
def short_waits(tmp_path: Path) -> Iterator[Rig]:
    yield from make_rig(tmp_path, extra="[network]\nmax_retry_after = 1\n")


def test_quota_pause_shows_a_countdown_and_resumes(short_waits: Rig, browser_page: Any,
                                                    tmp_path: Path) -> None:
    rig = short_waits
    rig.log_in_both()
    server = rig.start_app()
    page = browser_page(server.start_url)
    page.goto(f"{rig.origin}/plan")
    page.get_by_role("button", name="Transfer now").wait_for()
    rig.sandbox.reset_quota()
    rig.sandbox.set_faults(Faults(quota=12, quota_retry_after=QUOTA_WAIT_S))
    page.get_by_role("button", name="Transfer now").click()
    poll(lambda: rig.state.job is not None and (rig.state.job.pauses > 0 or rig.state.job.ended),
         what="the pause")
    job = rig.state.job
    assert job is not None and job.pauses > 0, job.view()
    page.locator("#pause").wait_for(state="visible")
    seconds = int(page.locator("#seconds-left").inner_text())
    assert 0 < seconds <= QUOTA_WAIT_S
    assert page.get_by_text(re.compile("goes on by itself")).is_visible()
    shot(page, "5-transfer-paused")
    context = page.context
    page.close()  # the tab closed: the run goes on in the app, and a new tab shows it
    page = context.new_page()
    page.goto(f"{rig.origin}/transfer")
    assert page.locator("#live").count() == 1
    page.get_by_text("The transfer is done.").wait_for(timeout=60_000)
    job = rig.state.job
    assert job is not None and job.pauses >= 1
    assert_target_exact(rig.sandbox, rig.before, tmp_path / "checker")
