"""Log-in against the sandbox over real HTTP: the PKCE browser flow through our loopback
listener, ``--no-browser`` with a pasted address, headless tokens, ``whoami``, and the
refusals (wrong user, same user, localhost, revoked token, missing scope)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from click.testing import CliRunner, Result

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed, use_sandbox
from transfer.auth import LoginDialog, TokenStore, log_in
from transfer.cli import cli
from transfer.config import load_settings
from transfer.errors import AuthError, ExitStatus
from transfer.sandbox.seed import RefreshToken
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def login_sandbox(transfer_home: Path, monkeypatch: pytest.MonkeyPatch
                  ) -> Iterator[SandboxServer]:
    """A small sandbox whose app also accepts a redirect URI on a free port, with the tool
    pointed at it (and at that redirect URI)."""
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    seed = small_seed()
    seed.app.redirect_uris.append(redirect_uri)
    seed.refresh_tokens.append(
        RefreshToken(token="read-only-token", user_id=SOURCE_USER, scopes=["user-read-private"]))
    with SandboxServer(seed, port=0) as server:
        use_sandbox(monkeypatch, server)
        monkeypatch.setenv("SPOTIFY_TRANSFER_REDIRECT_URI", redirect_uri)
        yield server


def browser_as(user: str) -> Callable[[str], bool]:
    """A browser already signed in as ``user``: it opens the log-in's start address, which
    sends it to the authorize URL; the sandbox approves and redirects it to our loopback
    listener, which it then calls."""

    def open_url(url: str) -> bool:
        def visit() -> None:
            start = requests.get(url, allow_redirects=False, timeout=10)
            assert start.status_code == 303, start.text
            authorize = start.headers["Location"]
            requests.get(f"{authorize}&{urlencode({'sandbox_user': user})}", timeout=10)

        threading.Thread(target=visit, daemon=True).start()
        return True

    return open_url


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def log_in_with_browser(monkeypatch: pytest.MonkeyPatch, account: str, user: str) -> Result:
    monkeypatch.setattr("webbrowser.open", browser_as(user))
    return run("login", account)


def test_browser_log_in_stores_private_tokens_and_names_the_user(
    login_sandbox: SandboxServer, transfer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = log_in_with_browser(monkeypatch, "source", SOURCE_USER)
    assert result.exit_code == 0, result.output
    assert "Logged in the source account as Alex (old account) (alex.old)" in result.output
    token_file = transfer_home / "tokens" / "source.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    stored = TokenStore(transfer_home).load("source")
    assert stored is not None and stored.user_id == SOURCE_USER
    assert stored.access_token not in result.output
    assert stored.refresh_token not in result.output
    counts = login_sandbox.request_log.counts()
    assert counts[("GET", "/authorize")] == 1 and counts[("POST", "/api/token")] == 1


def test_both_accounts_logged_in_show_in_whoami(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert log_in_with_browser(monkeypatch, "source", SOURCE_USER).exit_code == 0
    assert log_in_with_browser(monkeypatch, "target", TARGET_USER).exit_code == 0
    result = run("whoami")
    assert result.exit_code == 0, result.output
    assert "source: Alex (old account) (alex.old)" in result.output
    assert "target: Alex (alex.new)" in result.output


def test_log_in_as_the_other_accounts_user_is_refused(
    login_sandbox: SandboxServer, transfer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert log_in_with_browser(monkeypatch, "source", SOURCE_USER).exit_code == 0
    result = log_in_with_browser(monkeypatch, "target", SOURCE_USER)
    assert result.exit_code == ExitStatus.USAGE
    assert "same Spotify user as the source account" in result.output
    assert "private window" in result.output
    assert TokenStore(transfer_home).load("target") is None


def test_a_user_the_app_does_not_allow_is_told_why(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = log_in_with_browser(monkeypatch, "target", "spotify")
    assert result.exit_code == ExitStatus.ERROR
    assert "access_denied" in result.output and "User Management" in result.output


def test_localhost_redirect_is_refused_before_anything_is_sent(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_REDIRECT_URI", "http://localhost:8888/callback")
    result = log_in_with_browser(monkeypatch, "source", SOURCE_USER)
    assert result.exit_code == ExitStatus.USAGE
    assert "localhost, which Spotify no longer allows" in result.output
    assert login_sandbox.request_log.total() == 0


def authorized_redirect(url: str, user: str) -> str:
    """What a person pastes after approving in some browser: the address it was sent to."""
    answer = requests.get(f"{url}&{urlencode({'sandbox_user': user})}", timeout=10,
                          allow_redirects=False)
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_no_browser_log_in_reads_the_pasted_address(login_sandbox: SandboxServer) -> None:
    shown: list[str] = []

    def paste(prompt: str) -> str:
        url = next(line for text in shown for line in text.splitlines()
                   if line.startswith("http"))
        return authorized_redirect(url, TARGET_USER)

    settings = load_settings()
    user = log_in("target", settings, TokenStore(settings.home),
                  LoginDialog(show=shown.append, read_redirect=paste))
    assert user.id == TARGET_USER
    stored = TokenStore(settings.home).load("target")
    assert stored is not None and stored.user_id == TARGET_USER


def test_a_pasted_address_with_another_state_is_rejected(login_sandbox: SandboxServer) -> None:
    shown: list[str] = []

    def paste(prompt: str) -> str:
        url = next(line for text in shown for line in text.splitlines()
                   if line.startswith("http"))
        return authorized_redirect(url, TARGET_USER).replace("state=", "state=x")

    settings = load_settings()
    with pytest.raises(AuthError, match="state"):
        log_in("target", settings, TokenStore(settings.home),
               LoginDialog(show=shown.append, read_redirect=paste))
    assert TokenStore(settings.home).load("target") is None
    assert login_sandbox.request_log.counts()[("POST", "/api/token")] == 0


def test_no_browser_command_in_a_real_process(login_sandbox: SandboxServer) -> None:
    """``login --no-browser`` as a person runs it: read the URL it prints, approve, paste."""
    process = subprocess.Popen(
        [sys.executable, "-m", "transfer", "login", "source", "--no-browser"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ), cwd=ROOT,
    )
    assert process.stderr is not None and process.stdin is not None
    url = ""
    while not url.startswith("http"):
        url = process.stderr.readline().strip()
        assert url or process.poll() is None, "the command ended without showing the URL"
    process.stdin.write(authorized_redirect(url, SOURCE_USER) + "\n")
    process.stdin.flush()
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "Logged in the source account as Alex (old account) (alex.old)" in stdout


def test_headless_tokens_from_the_environment(
    login_sandbox: SandboxServer, transfer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN",
                       login_sandbox.refresh_token(SOURCE_USER))
    monkeypatch.setenv("SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN",
                       login_sandbox.refresh_token(TARGET_USER))
    result = run("whoami")
    assert result.exit_code == 0, result.output
    assert "source: Alex (old account) (alex.old)" in result.output
    for account in ("source", "target"):
        token_file = transfer_home / "tokens" / f"{account}.json"
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600


def test_whoami_refuses_the_same_user_on_both_sides(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = login_sandbox.refresh_token(SOURCE_USER)
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN", token)
    monkeypatch.setenv("SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN", token)
    result = run("whoami")
    assert result.exit_code == ExitStatus.USAGE
    assert "Source and target are the same Spotify user (alex.old)" in result.output


def test_whoami_says_which_account_is_not_logged_in(login_sandbox: SandboxServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN",
                       login_sandbox.refresh_token(SOURCE_USER))
    result = run("whoami")
    assert result.exit_code == ExitStatus.ERROR
    assert "source: Alex (old account) (alex.old)" in result.output
    assert "target: The target account is not logged in." in result.output
    assert "spotify-transfer login target" in result.output


def test_a_revoked_refresh_token_says_to_log_in_again(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN",
                       login_sandbox.refresh_token(SOURCE_USER))
    assert run("whoami").output.startswith("source: Alex")
    login_sandbox.revoke(SOURCE_USER)
    result = run("export")
    assert result.exit_code == ExitStatus.ERROR
    assert "The log-in of the source account is no longer valid" in result.output
    assert "spotify-transfer login source" in result.output
    assert "six months" in result.output


def test_a_missing_scope_names_the_account_and_the_fix(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN", "read-only-token")
    result = run("export")
    assert result.exit_code == ExitStatus.ERROR
    assert "The log-in of the source account lacks a permission" in result.output
    assert "spotify-transfer login source" in result.output


def test_port_option_moves_the_loopback_listener(
    login_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered = load_settings().redirect_uri
    port = registered.split(":")[2].split("/")[0]
    monkeypatch.setenv("SPOTIFY_TRANSFER_REDIRECT_URI", "http://127.0.0.1:8888/callback")
    monkeypatch.setattr("webbrowser.open", browser_as(SOURCE_USER))
    result = run("login", "source", "--port", port)
    assert result.exit_code == 0, result.output
    assert f"redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback" in result.output


def test_tokens_never_reach_the_output_even_at_debug(
    login_sandbox: SandboxServer, transfer_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN",
                       login_sandbox.refresh_token(SOURCE_USER))
    monkeypatch.setenv("SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN",
                       login_sandbox.refresh_token(TARGET_USER))
    result = subprocess.run([sys.executable, "-m", "transfer", "-vv", "whoami"],
                            capture_output=True, text=True, env=dict(os.environ), cwd=ROOT,
                            timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "DEBUG urllib3" in output, "debug logging was on"
    store = TokenStore(transfer_home)
    for account in ("source", "target"):
        stored = store.load(account)
        assert stored is not None
        assert stored.access_token not in output
        assert stored.refresh_token not in output
    assert "sandbox-refresh" not in output and "Bearer" not in output
