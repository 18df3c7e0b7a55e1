"""Shared fixtures: a hermetic environment, the sandbox, and accounts logged in to it.

Every test runs with no ``SPOTIFY_TRANSFER_*`` / ``SPOTIPY_*`` variable of the developer's shell
and with the user config and data folders pointed into its own temporary folder
(``isolated_environment``, automatic), so no real settings file or token is ever read.

The sandbox fixtures, cheapest first:

- ``sandbox``: one ``SandboxServer(builtin_seed(), port=0)`` for the whole session. Its request
  log is reset before each test that uses it. **Do not change its state** (no writes): use
  ``fresh_sandbox`` for that.
- ``small_sandbox``: like ``sandbox`` with a library a tenth of the size (``small_seed()``), for
  tests that run whole commands and need a library but not the built-in one.
- ``fresh_sandbox``: a server of its own for one test, from the built-in seed; free to change.
- ``sandbox_env``: points the tool at ``sandbox`` (API and accounts URLs, client id) with
  ``SPOTIFY_TRANSFER_HOME`` in a temporary folder (``transfer_home``); returns the ``Settings``.
- ``logged_in``: ``sandbox_env`` plus both accounts logged in (``source`` = ``alex.old``,
  ``target`` = ``alex.new``) with stored tokens, as ``spotify-transfer login`` leaves them.
- ``source_adapter`` / ``target_adapter``: adapters for them that never really sleep: the waits
  they ask for are recorded in ``recorded_sleeps``.

To point the tool at ``fresh_sandbox`` instead, use ``point_at(server)`` (returns a function
that sets the environment for a server and logs both accounts in).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from transfer.auth import AccountTokens, StoredLogin, TokenStore
from transfer.auth.tokens import make_pkce
from transfer.config import Settings, load_settings
from transfer.sandbox.builtin import builtin_seed, generate_seed
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.spotify import SpotifyAdapter

SOURCE_USER = "alex.old"
TARGET_USER = "alex.new"


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
                         ) -> None:
    """No setting, token or config file of the developer's machine leaks into a test."""
    for name in list(os.environ):
        if name.startswith(("SPOTIFY_TRANSFER_", "SPOTIPY_")):
            monkeypatch.delenv(name)
    base = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))


@pytest.fixture
def transfer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ``SPOTIFY_TRANSFER_HOME`` for the test."""
    home = tmp_path / "home"
    monkeypatch.setenv("SPOTIFY_TRANSFER_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def _session_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(builtin_seed(), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sandbox(_session_sandbox: SandboxServer) -> SandboxServer:
    """The shared, read-only sandbox with the built-in seed; its request log starts empty."""
    _session_sandbox.set_faults(Faults())
    _session_sandbox.request_log.reset()
    return _session_sandbox


@pytest.fixture(scope="session")
def _session_small_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(small_seed(), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def small_seed() -> SandboxSeed:
    """The built-in seed's shape at a tenth of its size or less: quick to export."""
    return generate_seed(liked=60, playlists=8, big_playlist=0, saved_albums=6,
                         followed_artists=6, saved_shows=2, saved_episodes=3, saved_audiobooks=2)


@pytest.fixture
def small_sandbox(_session_small_sandbox: SandboxServer) -> SandboxServer:
    """A shared, read-only sandbox with a small library (``small_seed``), for command tests
    that need a whole library but not the built-in one's size; its request log starts empty."""
    _session_small_sandbox.set_faults(Faults())
    _session_small_sandbox.request_log.reset()
    return _session_small_sandbox


@pytest.fixture
def fresh_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of this test's own, from the built-in seed: free to change."""
    server = SandboxServer(builtin_seed(), port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def use_sandbox(monkeypatch: pytest.MonkeyPatch, server: SandboxServer) -> None:
    """Point the tool (through the environment) at ``server``."""
    monkeypatch.setenv("SPOTIFY_TRANSFER_API_URL", server.api_url)
    monkeypatch.setenv("SPOTIFY_TRANSFER_ACCOUNTS_URL", server.accounts_url)
    monkeypatch.setenv("SPOTIFY_TRANSFER_CLIENT_ID", server.client_id)


def log_in_headless(settings: Settings, server: SandboxServer,
                    users: dict[str, str] | None = None) -> None:
    """Store tokens for each account as an interactive log-in leaves them, without a browser.
    ``users`` maps account to sandbox user (default: source alex.old, target alex.new)."""
    store = TokenStore(settings.home)
    for account, user in (users or {"source": SOURCE_USER, "target": TARGET_USER}).items():
        info = make_pkce(settings).refresh(server.refresh_token(user), account)
        login = StoredLogin.from_token_info(info).model_copy(update={"user_id": user})
        store.save(account, login)


@pytest.fixture
def sandbox_env(sandbox: SandboxServer, transfer_home: Path, monkeypatch: pytest.MonkeyPatch
                ) -> Settings:
    """The tool pointed at the shared sandbox, with an empty home; the settings."""
    use_sandbox(monkeypatch, sandbox)
    return load_settings()


@pytest.fixture
def point_at(transfer_home: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Callable[[SandboxServer], Settings]:
    """``point_at(server)``: the tool pointed at ``server`` with both accounts logged in."""
    def point(server: SandboxServer) -> Settings:
        use_sandbox(monkeypatch, server)
        settings = load_settings()
        log_in_headless(settings, server)
        return settings

    return point


@pytest.fixture
def logged_in(sandbox_env: Settings, sandbox: SandboxServer) -> Settings:
    """The shared sandbox with both accounts logged in; the settings. The request log is reset
    after logging in, so it holds only what the test does."""
    log_in_headless(sandbox_env, sandbox)
    sandbox.request_log.reset()
    return sandbox_env


@pytest.fixture
def recorded_sleeps() -> list[float]:
    """The waits the test adapters asked for, in order (they never really sleep)."""
    return []


def make_adapter(settings: Settings, account: str, sleeps: list[float]) -> SpotifyAdapter:
    """An adapter for a logged-in account that records its waits instead of sleeping."""
    tokens = AccountTokens(account, settings, TokenStore(settings.home))
    return SpotifyAdapter.connect(settings, tokens, sleep=sleeps.append)


@pytest.fixture
def source_adapter(logged_in: Settings, recorded_sleeps: list[float]) -> SpotifyAdapter:
    return make_adapter(logged_in, "source", recorded_sleeps)


@pytest.fixture
def target_adapter(logged_in: Settings, recorded_sleeps: list[float]) -> SpotifyAdapter:
    return make_adapter(logged_in, "target", recorded_sleeps)
