"""Secrets stay secret: after a full run of the tool in real processes at ``-vv`` (a browser
log-in, transfers through faults that force token refreshes and lost answers, an export, a
sync with its log file, a refused run), no token the sandbox issued appears in any file of the
state folder but the token files, in any output, or in the cassettes; token files are 0600 in
a 0700 folder; the log-in listener binds 127.0.0.1 only and ignores a wrong ``state``."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.conftest import SOURCE_USER, TARGET_USER
from tests.reliability.conftest import Served
from tests.reliability.tool import REPOSITORY, TRANSFER, Finished, finish, on_request
from transfer.sandbox.faults import Faults
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

Serve = Callable[..., Served]
ISSUED_PREFIXES = ("sandbox-access-", "sandbox-refresh-")
"""Every token the sandbox issues starts so (``transfer.sandbox.tokens``)."""
TOKEN_FILES = ("source.json", "target.json")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def login_served(serve: Serve) -> Iterator[tuple[Served, str]]:
    """A tiny sandbox whose app accepts a loopback redirect on a free port, and the tool
    pointed at that redirect, with no refresh token in its environment."""
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    seed = tiny_seed()
    seed.app.redirect_uris.append(redirect_uri)
    served = serve(seed)
    served.tool.refresh_tokens = {}
    served.tool.settings["REDIRECT_URI"] = redirect_uri
    yield served, redirect_uri


def start_login(served: Served, account: str) -> tuple[subprocess.Popen[str], str]:
    """``login ACCOUNT`` in a real process with a browser that opens nothing; the authorize
    address it printed."""
    process = served.tool.start(["-m", "transfer", "-vv", "login", account], BROWSER="true")
    assert process.stderr is not None
    lines: list[str] = []
    while not (lines and lines[-1].startswith("http")):
        line = process.stderr.readline()
        assert line or process.poll() is None, f"no address shown: {lines}"
        lines.append(line.strip())
    return process, lines[-1]


def approve(authorize_url: str, user: str) -> int:
    """The browser's part: the sandbox approves as ``user`` and sends it to the listener."""
    answer = requests.get(f"{authorize_url}&{urlencode({'sandbox_user': user})}", timeout=10,
                          allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return requests.get(answer.headers["Location"], timeout=10).status_code


def listening_addresses(port: int) -> list[str]:
    """Local IPv4 and IPv6 addresses with a socket listening on ``port`` (Linux /proc)."""
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        with contextlib.suppress(FileNotFoundError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                address, hex_port = fields[1].split(":")
                if int(hex_port, 16) == port and fields[3] == "0A" and len(address) == width:
                    found.append(address)
    return found


def outside_address() -> str | None:
    """This machine's address on its default route, when it has one other than loopback
    (a UDP "connection" picks the interface without sending anything)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("203.0.113.1", 9))
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


# -- the log-in listener --------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket table")
def test_the_login_listener_binds_loopback_only_and_ignores_a_wrong_state(
    login_served: tuple[Served, str],
) -> None:
    served, redirect_uri = login_served
    port = int(redirect_uri.rsplit(":", 1)[1].split("/")[0])
    process, authorize_url = start_login(served, "source")
    try:
        assert listening_addresses(port) == ["0100007F"], "127.0.0.1 and nothing else"
        address = outside_address()
        if address is not None:
            with pytest.raises(OSError), socket.create_connection((address, port), timeout=2):
                pass
        forged = requests.get(f"{redirect_uri}?code=stolen&state=forged", timeout=10)
        assert forged.status_code == 400
        assert process.poll() is None, "a wrong state does not end the log-in"
        assert approve(authorize_url, SOURCE_USER) == 200
        result = finish(process, 60)
    finally:
        if process.poll() is None:
            process.kill()
    assert result.returncode == 0, result.stderr
    assert "Logged in the source account" in result.stdout
    assert_private_tokens(served.home)


def test_the_browser_is_started_without_the_state_on_its_command_line(
    login_served: tuple[Served, str], tmp_path: Path,
) -> None:
    """Every user of the machine can read a program's command line: the browser gets the
    listener's start address, which sends it on to Spotify; the state is in no log line."""
    served, _ = login_served
    recorded = tmp_path / "browser-arguments"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$@" > {recorded}\n')
    browser.chmod(0o700)
    process = served.tool.start(["-m", "transfer", "-vv", "login", "source"],
                                BROWSER=str(browser))
    try:
        deadline = time.monotonic() + 30
        while not (recorded.exists() and recorded.read_text().strip()):
            assert time.monotonic() < deadline and process.poll() is None, "no browser started"
            time.sleep(0.05)
        start_url = recorded.read_text().strip()
        assert "state" not in start_url and start_url.startswith("http://127.0.0.1:")
        start = requests.get(start_url, allow_redirects=False, timeout=10)
        assert start.status_code == 303
        authorize_url = start.headers["Location"]
        assert approve(authorize_url, SOURCE_USER) == 200
        result = finish(process, 60)
    finally:
        if process.poll() is None:
            process.kill()
    assert result.returncode == 0, result.stderr
    state = parse_qs(urlsplit(authorize_url).query)["state"][0]
    assert "DEBUG" in result.stderr, "debug logging was on"
    lines = [line for line in result.stderr.splitlines() if state in line]
    assert lines == [authorize_url], "shown once, as the address to visit; never logged"


def test_with_no_browser_it_says_so_at_once_and_how_to_log_in_without(
    login_served: tuple[Served, str],
) -> None:
    served, _ = login_served
    process = served.tool.start(["-m", "transfer", "login", "target"], BROWSER="false")
    assert process.stderr is not None
    try:
        began, said = time.monotonic(), ""
        while "No web browser" not in said:
            line = process.stderr.readline()
            assert line, f"ended without saying it: {said}"
            said += line
        assert time.monotonic() - began < 20, "said at once, not after the log-in's timeout"
        assert "spotify-transfer login target --no-browser" in said
    finally:
        process.kill()
        process.communicate()


def test_a_bad_paste_says_what_is_wrong_and_asks_again(login_served: tuple[Served, str]) -> None:
    served, redirect_uri = login_served
    process = subprocess.Popen(
        [sys.executable, "-m", "transfer", "login", "source", "--no-browser"],
        cwd=REPOSITORY, env=served.tool.environment(), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stderr is not None and process.stdin is not None
    url = ""
    while not url.startswith("http"):
        url = process.stderr.readline().strip()
        assert url or process.poll() is None, "no address shown"
    answer = requests.get(f"{url}&{urlencode({'sandbox_user': SOURCE_USER})}", timeout=10,
                          allow_redirects=False)
    redirect = answer.headers["Location"]
    pastes = ["I approved it",
              redirect.replace("state=", "state=x"),
              redirect_uri,
              re.sub(r"code=[^&]*&?", "", redirect),
              redirect]
    process.stdin.write("\n".join(pastes) + "\n")
    process.stdin.close()
    assert process.stdout is not None
    stderr = process.stderr.read()  # through the buffer readline() filled, unlike communicate()
    stdout = process.stdout.read()
    assert process.wait(timeout=60) == 0, stderr
    assert "Logged in the source account" in stdout
    for problem in ("That is not an address", "belongs to another log-in",
                    "no answer from Spotify", "no authorization code"):
        assert problem in stderr, (problem, stderr)
    assert stderr.count("Then paste the address") == 5, "asked again after each bad paste"
    assert "Traceback" not in stderr


def test_a_paste_that_never_comes_ends_the_log_in_clearly(
    login_served: tuple[Served, str],
) -> None:
    served, _ = login_served
    result = served.tool.run(["-m", "transfer", "login", "source", "--no-browser"])
    assert result.returncode == 1, result.stderr
    assert "No address was pasted (the input ended)" in result.stderr
    assert "Traceback" not in result.stderr


def assert_private_tokens(home: Path) -> None:
    folder = home / "tokens"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = sorted(path.name for path in folder.iterdir())
    assert files and set(files) <= set(TOKEN_FILES), files
    for name in files:
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


# -- no token anywhere but the token files --------------------------------------------------


def full_run(served: Served, authorize: Callable[[str, str], int]) -> list[Finished]:
    """Everything a user may do in one session, each at -vv in a process of its own."""
    outputs = []
    for account, user in (("source", SOURCE_USER), ("target", TARGET_USER)):
        process, url = start_login(served, account)
        assert authorize(url, user) == 200
        outputs.append(finish(process, 60))
    tool = served.tool
    tool.settings["NETWORK__REQUEST_TIMEOUT"] = "2"  # a lost answer waits this long to land
    served.server.set_faults(Faults(error_rate=0.1, fail_after_apply_rate=0.2,
                                    drop_after_apply_rate=0.2), rng_seed=4)
    served.log.on(on_request("POST", "/me/playlists"), served.server.expire_access_tokens)
    outputs.append(tool.run([*TRANSFER[:2], "-vv", *TRANSFER[2:]]))
    served.server.set_faults(Faults())
    outputs.append(tool.run([*TRANSFER[:2], "-vv", *TRANSFER[2:]]))
    snapshot = served.home / "snapshots" / "backup.json"
    outputs.append(tool.run(["-m", "transfer", "-vv", "export", "-o", str(snapshot)]))
    outputs.append(tool.run(["-m", "transfer", "-vv", "sync"]))
    served.server.revoke(TARGET_USER)
    outputs.append(tool.run([*TRANSFER[:2], "-vv", *TRANSFER[2:]]))
    return outputs


def test_no_token_appears_outside_the_token_files(login_served: tuple[Served, str]) -> None:
    served, _ = login_served
    outputs = full_run(served, approve)
    codes = [output.returncode for output in outputs]
    assert codes[:2] == [0, 0] and codes[3:6] == [0, 0, 0], codes
    assert codes[2] in (0, 1), "through faults: done, or stopped with lost answers"
    assert codes[6] == 1, "the revoked log-in was refused"
    assert any("DEBUG" in output.stderr for output in outputs), "debug logging was on"
    secrets = issued_secrets(served)
    assert len(secrets) >= 4, "both log-ins, their refreshes"
    places = {f"output of run {number}": output.stdout + output.stderr
              for number, output in enumerate(outputs)}
    places.update(state_files(served.home))
    places.update(cassettes())
    leaks = [(place, secret[:24]) for place, text in places.items() for secret in secrets
             if secret in text]
    assert not leaks, leaks
    prefixed = [place for place, text in places.items()
                if any(prefix in text for prefix in ISSUED_PREFIXES)
                or re.search(r"Bearer\s+[A-Za-z0-9_-]{8,}", text)]
    assert not prefixed, prefixed
    assert_private_tokens(served.home)


def issued_secrets(served: Served) -> set[str]:
    """The tokens the sandbox issued in this test, as the tool stored them and as the
    sandbox holds them."""
    stored = set()
    for name in TOKEN_FILES:
        text = (served.home / "tokens" / name).read_text()
        stored |= set(re.findall(r'"(sandbox-(?:access|refresh)-[^"]+)"', text))
    minted = {token.token for token in served.server.state.tokens.refresh_tokens()}
    return stored | minted


def state_files(home: Path) -> dict[str, str]:
    """Every file under the state folder but the token files, read as text (binary ones
    such as the journal byte for byte)."""
    files = {}
    for path in sorted(home.rglob("*")):
        if path.is_file() and path.parent != home / "tokens":
            files[str(path.relative_to(home))] = path.read_bytes().decode("latin-1")
    assert any(name.startswith("journals") for name in files)
    assert any(name.startswith("reports") for name in files)
    assert any(name.startswith("snapshots") for name in files)
    assert any(name.startswith("logs") for name in files)
    return files


def cassettes() -> dict[str, str]:
    folder = REPOSITORY / "cassettes"
    return {str(path.relative_to(REPOSITORY)): path.read_text(errors="replace")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_token_files_stay_private_when_the_umask_is_open(serve: Serve) -> None:
    """The tool's processes inherit an umask that would leave new files world-readable."""
    served = serve(tiny_seed())
    previous = os.umask(0)
    try:
        result = served.tool.run(TRANSFER)
    finally:
        os.umask(previous)
    assert result.returncode == 0, result.stderr
    assert_private_tokens(served.home)


# -- the state folder is private ------------------------------------------------------------


def test_the_whole_state_folder_is_private_when_the_umask_is_open(serve: Serve) -> None:
    """Every folder the tool makes is 0700 and every file 0600, with an umask of 0: the
    journal, its lock, reports, the snapshot, the sync's log file, the tokens."""
    served = serve(tiny_seed())
    previous = os.umask(0)
    try:
        results = [served.tool.run(TRANSFER),
                   served.tool.run(["-m", "transfer", "export"]),
                   served.tool.run(["-m", "transfer", "sync"])]
    finally:
        os.umask(previous)
    assert [result.returncode for result in results] == [0, 0, 0], results[-1].stderr
    modes = {str(path.relative_to(served.home)): stat.S_IMODE(path.lstat().st_mode)
             for path in [served.home, *served.home.rglob("*")]}
    folders = {name for name in ("journals", "reports", "snapshots", "logs", "tokens")}
    assert folders <= modes.keys(), sorted(modes)
    assert any(name.endswith(".sqlite.lock") for name in modes), sorted(modes)
    wrong = {name: oct(mode) for name, mode in modes.items()
             if mode != (0o700 if (served.home / name).is_dir() else 0o600)}
    assert not wrong, wrong
