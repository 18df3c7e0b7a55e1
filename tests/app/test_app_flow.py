"""The web app in a real browser (the system Chromium through Playwright) against the sandbox:
the whole flow from setup to undo, a selection, keyboard use."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.app_support import (
    SOURCE_USER,
    TARGET_USER,
    Rig,
    connect,
    make_rig,
    shot,
)
from transfer.auth import TokenStore


@pytest.fixture
def bare_rig(tmp_path: Path) -> Iterator[Rig]:
    """A sandbox and a settings file without a client id: the setup page has work to do."""
    yield from make_rig(tmp_path, client_id=False)


def test_whole_flow_from_setup_to_undo(bare_rig: Rig, browser_page: Any) -> None:
    rig = bare_rig
    server = rig.start_app()
    page = browser_page(server.start_url)
    bodies: list[str] = []

    def keep(response: Any) -> None:
        if response.url.startswith(rig.origin) and "event-stream" not in (
                response.headers.get("content-type") or ""):
            # a page that navigated away before its body was read has none to scan
            with contextlib.suppress(Exception):
                bodies.append(response.text())

    page.on("response", keep)
    # 1. setup: the redirect URI to copy, the client id checked live and saved
    page.wait_for_url(re.compile(r"/setup$"))
    assert rig.settings().redirect_uri in page.locator("#redirect-uri").inner_text()
    page.get_by_label("Client ID").fill("no-such-client")
    page.get_by_text("Spotify does not know this Client ID").wait_for()
    page.get_by_label("Client ID").fill(rig.sandbox.client_id)
    page.get_by_text("Spotify knows this app").wait_for()
    shot(page, "1-setup")
    page.get_by_role("button", name="Check and save").click()
    page.get_by_text("Saved.").wait_for()
    assert rig.settings().client_id == rig.sandbox.client_id
    # 2. connect both accounts through the sandbox's log-in page; the same user twice refused
    connect(page, "source", SOURCE_USER)
    page.get_by_role("link", name="Connect the new account").click()
    page.get_by_role("link", name=re.compile(re.escape(SOURCE_USER))).click()
    page.wait_for_url(re.compile(r"/connect$"))
    page.get_by_text("the same Spotify user as the source account").wait_for()
    connect(page, "target", TARGET_USER)
    shot(page, "2-connect")
    # 3. choose: everything
    page.get_by_role("link", name="Next: choose what moves").click()
    page.get_by_role("checkbox", name="Liked Songs").wait_for()
    shot(page, "3-choose")
    # 4. the plan
    page.get_by_role("link", name="Next: see the plan").click()
    page.get_by_role("button", name="Transfer now").wait_for()
    assert "What moves, per category" in page.content()
    shot(page, "4-plan")
    # 5. transfer with live progress, 6. the result
    page.get_by_role("button", name="Transfer now").click()
    page.get_by_text("The transfer is done.").wait_for()
    shot(page, "5-transfer")
    page.get_by_role("link", name="See the result").click()
    page.get_by_text("everything chosen is in the new account").wait_for()
    assert page.get_by_role("link", name="open in Spotify").count() > 0
    shot(page, "6-result")
    target_after = rig.target_library()
    assert target_after["tracks"], "the Liked Songs moved"
    # undo: a preview, then the confirmation
    page.get_by_role("button", name="Preview the undo").click()
    confirm = page.get_by_role("button", name="Remove all of this from the new account")
    confirm.wait_for()
    shot(page, "6-undo-preview")
    assert rig.target_library() == target_after, "the preview changed nothing"
    confirm.click()
    page.get_by_text("The undo is done").wait_for()
    before = rig.before.libraries[TARGET_USER].model_dump(mode="json")
    assert rig.target_library() == before
    # 7. keep in step: the scheduler lines and the last runs
    page.get_by_role("link", name="7. Keep in step").click()
    assert "sync" in page.locator("#cron-line").inner_text()
    assert "transfer" in page.locator("main pre").last.inner_text().lower()
    shot(page, "7-sync")
    # no token the sandbox issued ever reached the page
    store = TokenStore(rig.settings().home)
    tokens = [secret for account in ("source", "target") if (login := store.load(account))
              for secret in (login.access_token, login.refresh_token)]
    assert len(tokens) == 4 and len(bodies) > 20
    leaked = [token for token in tokens if any(token in body for body in bodies)]
    assert not leaked
