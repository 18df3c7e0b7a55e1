"""The sandbox's control endpoints answer this machine's programs only: a request whose Host
header is not the sandbox's own loopback address and port (a DNS-rebinding page) or that
comes with another site's Origin is refused, and changes nothing."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), port=0) as running:
        yield running


def admin(server: SandboxServer, method: str, action: str, **headers: str
          ) -> requests.Response:
    return requests.request(method, f"{server.base_url}/_sandbox/{action}", timeout=5,
                            headers=headers, params={"user": "alex.old"}, json={"latency": 9})


@pytest.mark.parametrize("host", ["attacker.example:{port}", "attacker.example",
                                  "127.0.0.1:{other}", "127.0.0.1",
                                  "localhost.attacker.example:{port}"])
def test_another_host_name_is_refused(server: SandboxServer, host: str) -> None:
    named = host.format(port=server.port, other=server.port + 1)
    token = admin(server, "GET", "refresh-token", Host=named)
    assert token.status_code == 403 and "refresh_token" not in token.text
    assert admin(server, "PUT", "faults", Host=named).status_code == 403
    assert server.faults.latency == 0, "nothing changed"


def test_a_cross_site_origin_is_refused(server: SandboxServer) -> None:
    answer = admin(server, "PUT", "faults", Origin="http://attacker.example")
    assert answer.status_code == 403
    assert "Cross-site" in answer.json()["error"]["message"]
    assert server.faults.latency == 0


def test_a_request_without_a_host_is_refused(server: SandboxServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(b"GET /_sandbox/refresh-token?user=alex.old HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := connection.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403") and b"refresh_token" not in answer


def test_its_own_programs_are_served(server: SandboxServer) -> None:
    assert admin(server, "GET", "refresh-token").json()["refresh_token"]
    own = f"http://127.0.0.1:{server.port}"
    assert admin(server, "GET", "faults", Origin=own).status_code == 200
    assert admin(server, "GET", "faults", Host=f"localhost:{server.port}").status_code == 200


def test_the_api_itself_is_not_concerned(server: SandboxServer) -> None:
    answer = requests.get(f"{server.api_url}/me", timeout=5, headers={"Host": "example.com"})
    assert answer.status_code == 401, "answered as the API answers: no token"
