"""The app at the HTTP level: what a request without the cookie, with another Host, or a POST
without the CSRF token gets; the security headers; each page answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from tests.app.app_support import Rig
from transfer.app.security import CSP
from transfer.app.server import make_app


@pytest.fixture
def served(rig: Rig) -> Iterator[Rig]:
    rig.log_in_both()
    rig.start_app()
    yield rig


def entered(rig: Rig) -> httpx.Client:
    client = httpx.Client(base_url=rig.origin, trust_env=False, timeout=30)
    answer = client.get(rig.state.launch.start_url())
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return client


def test_no_cookie_is_refused_and_the_key_works_once(served: Rig) -> None:
    plain = httpx.Client(base_url=served.origin, trust_env=False)
    for path in ("/", "/setup", "/choose", "/events", "/static/app.js", "/result/report.html"):
        assert plain.get(path).status_code == 403, path
    assert plain.post("/plan/go", data={"csrf": served.state.launch.csrf}).status_code == 403
    client = entered(served)
    assert client.get("/setup").status_code == 200
    again = httpx.Client(base_url=served.origin, trust_env=False)
    assert again.get(served.state.launch.start_url()).status_code == 403
    assert again.get("/setup").status_code == 403


def test_wrong_host_is_refused_even_with_the_cookie(served: Rig) -> None:
    client = entered(served)
    port = served.state.launch.port
    assert client.get("/setup", headers={"Host": f"localhost:{port}"}).status_code == 200
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1"):
        assert client.get("/setup", headers={"Host": host}).status_code == 421, host


def test_every_post_needs_the_csrf_token(served: Rig) -> None:
    client = entered(served)
    posts = [route.path.replace("{account}", "target")
             for route in make_app(served.state).app.routes
             if isinstance(route, Route) and "POST" in (route.methods or ())]
    assert len(posts) >= 10
    for path in posts:
        assert client.post(path, data={}).status_code == 403, path
        assert client.post(path, data={"csrf": "not-the-token"}).status_code == 403, path
    token = served.state.launch.csrf
    answer = client.post("/choose", data={"csrf": token, "category": "liked_songs"},
                         headers={"Origin": "http://evil.example"})
    assert answer.status_code == 403
    assert served.state.chosen is None
    assert client.post("/choose", data={"csrf": token, "category": "liked_songs"}
                       ).status_code == 303
    assert served.state.chosen is not None


def test_log_in_link_needs_the_csrf_token(served: Rig) -> None:
    client = entered(served)
    assert client.get("/connect/source/go").status_code == 403
    assert client.get("/connect/source/go?csrf=wrong").status_code == 403
    assert not served.state.connects


def test_security_headers_on_every_page(served: Rig) -> None:
    client = entered(served)
    for path in ("/setup", "/connect", "/choose", "/plan", "/transfer", "/result", "/sync",
                 "/undo", "/static/app.css"):
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        assert answer.headers["content-security-policy"] == CSP
        assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
        assert answer.headers["x-frame-options"] == "DENY"
        if answer.headers["content-type"].startswith("text/html"):
            assert "<script>" not in answer.text and " onclick=" not in answer.text
            assert 'http-equiv="Content-Security-Policy"' not in answer.text


def test_client_id_check(served: Rig) -> None:
    client = entered(served)
    known = client.get("/setup/check", params={"client_id": served.sandbox.client_id}).json()
    assert known["ok"] and known["checked"]
    unknown = client.get("/setup/check", params={"client_id": "no-such-app"}).json()
    assert not unknown["ok"] and "does not know" in unknown["message"]
    bad = client.get("/setup/check", params={"client_id": "a b"}).json()
    assert not bad["ok"] and not bad["checked"]
    refused = client.post("/setup", data={"csrf": served.state.launch.csrf,
                                          "client_id": "no-such-app"})
    assert refused.status_code == 400
    assert served.settings().client_id == served.sandbox.client_id


def test_a_run_going_on_elsewhere_is_shown_not_failed(served: Rig) -> None:
    from tests.app.app_support import TARGET_USER, poll
    from transfer.journal import Journal, journal_path

    client = entered(served)
    path = journal_path(served.settings().home, "alex.old", TARGET_USER)
    with Journal.open(path) as journal, journal.holding():
        assert client.get("/plan").status_code == 200
        job = served.state.job
        assert job is not None
        poll(lambda: job.ended, what="the job to end")
        assert job.phase == "busy"
        assert "Another run between these accounts is going on" in client.get("/plan").text


def test_hostile_and_right_to_left_names_are_escaped_and_isolated(tmp_path: Path) -> None:
    from tests.app.app_support import make_rig
    from tests.conftest import small_seed

    seed = small_seed()
    seed.playlists[1].name = '<script>alert(1)</script>"><img src=x>'
    seed.playlists[2].name = "שירים לדרך \u202egnp.exe"
    for rig in make_rig(tmp_path, seed):
        rig.log_in_both()
        rig.start_app()
        page = entered(rig).get("/choose").text
        assert "<script>alert" not in page and "<img src=x>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "\u202e" not in page
        assert '<bdi dir="auto">שירים לדרך' in page
