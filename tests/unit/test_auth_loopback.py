"""The redirect URI rules and the loopback listener (real sockets on 127.0.0.1)."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from transfer.auth.loopback import (
    CONNECTION_TIMEOUT,
    Callback,
    LoopbackListener,
    code_from,
    parse_callback,
    paste_problem,
    redirect_target,
)
from transfer.errors import AuthError, ConfigError


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_localhost_redirect_is_refused_with_the_reason() -> None:
    with pytest.raises(ConfigError) as caught:
        redirect_target("http://localhost:8888/callback")
    assert "Spotify no longer allows" in caught.value.message
    assert "127.0.0.1" in (caught.value.advice or "")


@pytest.mark.parametrize("uri", ["https://127.0.0.1:8888/callback",
                                 "http://192.168.1.2:8888/callback", "http://example.org/cb"])
def test_non_loopback_redirects_are_refused(uri: str) -> None:
    with pytest.raises(ConfigError):
        redirect_target(uri)


def test_port_option_replaces_the_redirect_port() -> None:
    target = redirect_target("http://127.0.0.1:8888/callback", port=43019)
    assert (target.uri, target.port, target.path) == ("http://127.0.0.1:43019/callback", 43019,
                                                      "/callback")
    assert redirect_target("http://127.0.0.1:8888/callback").port == 8888


def test_redirect_without_port_is_refused() -> None:
    with pytest.raises(ConfigError, match="no port"):
        redirect_target("http://127.0.0.1/callback")


def test_code_from_checks_state_error_and_code() -> None:
    assert code_from(Callback("c0de", "s1", None), "s1", "source") == "c0de"
    with pytest.raises(AuthError, match="state"):
        code_from(Callback("c0de", "forged", None), "s1", "source")
    with pytest.raises(AuthError, match="access_denied") as caught:
        code_from(Callback(None, "s1", "access_denied"), "s1", "target")
    assert "User Management" in (caught.value.advice or "")
    with pytest.raises(AuthError, match="no authorization code"):
        code_from(Callback(None, "s1", None), "s1", "source")


def test_parse_callback_reads_a_pasted_address() -> None:
    pasted = "  http://127.0.0.1:8888/callback?code=abc&state=xyz \n"
    assert parse_callback(pasted) == Callback("abc", "xyz", None)


def listen(state: str = "good-state", authorize_url: str | None = None
           ) -> tuple[LoopbackListener, str]:
    port = free_port()
    target = redirect_target(f"http://127.0.0.1:{port}/callback")
    return (LoopbackListener(target, state, "source", authorize_url),
            f"http://127.0.0.1:{port}")


def test_listener_binds_loopback_only_and_rejects_a_wrong_state() -> None:
    listener, base = listen()
    answers: dict[str, int] = {}

    def browser() -> None:
        answers["wrong path"] = requests.get(f"{base}/other?code=x&state=good-state",
                                             timeout=5).status_code
        answers["wrong state"] = requests.get(f"{base}/callback?code=evil&state=forged",
                                              timeout=5).status_code
        answers["right"] = requests.get(f"{base}/callback?code=real&state=good-state",
                                        timeout=5).status_code

    with listener:
        assert listener._server.server_address[0] == "127.0.0.1"
        thread = threading.Thread(target=browser)
        thread.start()
        callback = listener.wait(timeout=10)
        thread.join()
    assert callback == Callback("real", "good-state", None)
    assert answers == {"wrong path": 404, "wrong state": 400, "right": 200}


def test_listener_gives_up_after_the_timeout() -> None:
    listener, _ = listen()
    with listener, pytest.raises(AuthError, match="in time"):
        listener.wait(timeout=0.2)


def test_a_busy_port_is_a_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        target = redirect_target(f"http://127.0.0.1:{port}/callback")
        with pytest.raises(ConfigError, match="Cannot listen") as caught:
            LoopbackListener(target, "s", "source")
        assert "--port" in (caught.value.advice or "")


def test_a_silent_connection_holds_up_nothing_and_is_closed_in_time() -> None:
    """A connection that never sends a request: the real redirect is still served at once,
    and the silent one is closed after the time limit."""
    listener, base = listen()
    port = int(base.rsplit(":", 1)[1])
    closed_after: list[float] = []

    def browser() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as silent:
            began = time.monotonic()
            answer = requests.get(f"{base}/callback?code=real&state=good-state", timeout=5)
            assert answer.status_code == 200
            assert silent.recv(1024) == b"", "closed by the listener, not answered"
            closed_after.append(time.monotonic() - began)

    with listener:
        thread = threading.Thread(target=browser)
        thread.start()
        callback = listener.wait(timeout=CONNECTION_TIMEOUT / 2)
        thread.join(timeout=CONNECTION_TIMEOUT * 4)
    assert callback == Callback("real", "good-state", None)
    assert closed_after and CONNECTION_TIMEOUT * 0.8 < closed_after[0] < CONNECTION_TIMEOUT * 3


AUTHORIZE = "https://accounts.example/authorize?client_id=c&state=good-state"


def test_the_start_address_sends_the_browser_to_spotify_without_the_state_in_it() -> None:
    listener, base = listen(authorize_url=AUTHORIZE)
    with listener:
        assert listener.start_url.startswith(base) and "state" not in listener.start_url
        results: list[requests.Response] = []
        thread = threading.Thread(target=lambda: results.extend([
            requests.get(listener.start_url, allow_redirects=False, timeout=5),
            requests.get(f"{base}/callback?code=real&state=good-state", timeout=5)]))
        thread.start()
        assert listener.wait(timeout=10).code == "real"
        thread.join()
    assert (results[0].status_code, results[0].headers["Location"]) == (303, AUTHORIZE)


def test_a_start_address_opened_twice_abandons_the_log_in() -> None:
    listener, _ = listen(authorize_url=AUTHORIZE)
    with listener:
        answers: list[int] = []
        thread = threading.Thread(target=lambda: answers.extend(
            requests.get(listener.start_url, allow_redirects=False, timeout=5).status_code
            for _ in range(2)))
        thread.start()
        with pytest.raises(AuthError, match="opened twice"):
            listener.wait(timeout=10)
        thread.join()
    assert answers == [303, 410]


@pytest.mark.parametrize(("pasted", "problem"), [
    ("", "Nothing was pasted"),
    ("   ", "Nothing was pasted"),
    ("yes I did", "not an address"),
    ("code=abc&state=s1", "not an address"),
    ("http://127.0.0.1:8888/callback", "no answer from Spotify"),
    ("http://127.0.0.1:8888/callback?code=abc&state=other", "another log-in"),
    ("http://127.0.0.1:8888/callback?code=abc", "another log-in"),
    ("http://127.0.0.1:8888/callback?state=s1", "no authorization code"),
    ("http://127.0.0.1:8888/callback?code=abc&state=s1", None),
    ("http://127.0.0.1:8888/callback?error=access_denied&state=s1", None),
])
def test_what_is_wrong_with_a_pasted_address(pasted: str, problem: str | None) -> None:
    found = paste_problem(pasted, "s1")
    assert found == problem if problem is None else problem in (found or "")
