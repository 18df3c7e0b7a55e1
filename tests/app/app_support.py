"""The web app in tests: a sandbox of the test's own, the app served from this process (or a
subprocess) with a settings file pointing at it, and a Playwright page of the system Chromium
that entered the app through its launch address.

Screenshots go to ``test-artifacts/app/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, small_seed
from transfer.app.security import Secrets
from transfer.app.server import AppServer
from transfer.app.state import AppState
from transfer.config import Settings, load_settings
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "app"
WAIT_MS = 30_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Rig:
    """A sandbox, the app's settings file pointing at it, and (once started) the app."""

    sandbox: SandboxServer
    config: Path
    home: Path
    before: SandboxSeed
    server: AppServer | None = None

    def settings(self) -> Settings:
        return load_settings(self.config)

    def log_in_both(self) -> None:
        """Both accounts logged in as ``login`` leaves them (no browser)."""
        log_in_headless(self.settings(), self.sandbox)

    def start_app(self) -> AppServer:
        state = AppState(launch=Secrets(), load_settings=self.settings,
                         settings_file=self.config, config_path=self.config)
        self.server = AppServer(state).start()
        return self.server

    @property
    def state(self) -> AppState:
        assert self.server is not None
        return self.server.state

    @property
    def origin(self) -> str:
        assert self.server is not None
        return self.state.launch.origin

    def target_library(self) -> dict[str, Any]:
        return self.sandbox.state.dump().libraries[TARGET_USER].model_dump(mode="json")


def make_rig(tmp_path: Path, seed: SandboxSeed | None = None, client_id: bool = True,
             extra: str = "") -> Iterator[Rig]:
    """``extra``: TOML tables added to the settings file."""
    seed = seed or small_seed()
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    seed.app.redirect_uris.append(redirect_uri)
    sandbox = SandboxServer(seed, port=0)
    sandbox.start()
    home = tmp_path / "home"
    config = tmp_path / "config.toml"
    lines = [f"api_url = {json.dumps(sandbox.api_url)}",
             f"accounts_url = {json.dumps(sandbox.accounts_url)}",
             f"redirect_uri = {json.dumps(redirect_uri)}",
             f"home = {json.dumps(str(home))}"]
    if client_id:
        lines.insert(0, f"client_id = {json.dumps(sandbox.client_id)}")
    config.write_text("\n".join(lines) + "\n" + extra)
    rig = Rig(sandbox, config, home, sandbox.state.dump())
    try:
        yield rig
    finally:
        if rig.server is not None:
            rig.server.stop()
        sandbox.stop()


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """A small sandbox with the client id set up; the app not started yet."""
    yield from make_rig(tmp_path)


@pytest.fixture
def browser_page(playwright_chromium: Any) -> Callable[[str], Any]:
    """``open_app(start_url)``: a fresh browser context's page, entered into the app."""
    contexts: list[Any] = []

    def open_app(start_url: str) -> Any:
        context = playwright_chromium.new_context(viewport={"width": 1000, "height": 1400})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(start_url)
        return page

    yield open_app
    for context in contexts:
        context.close()


def shot(page: Any, name: str) -> Path:
    """A full-page screenshot kept in ``test-artifacts/app``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.wait_for_load_state()
    page.screenshot(path=str(path), animations="disabled")
    return path


def connect(page: Any, account: str, user: str) -> None:
    """Connect an account through the sandbox's log-in page, as a person does."""
    page.goto(page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/connect")
    page.locator(f"#account-{account}").get_by_role("link").click()
    page.get_by_role("link", name=re.compile(re.escape(user))).click()
    page.wait_for_url(re.compile(r"/connect$"))
    page.locator(f"#account-{account}").get_by_text(user).wait_for()


def wait_for_phase(page: Any, text: str, timeout_ms: int = WAIT_MS) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout_ms)


def poll(check: Callable[[], bool], timeout: float = 30.0, what: str = "a condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


__all__ = ["SOURCE_USER", "TARGET_USER"]
