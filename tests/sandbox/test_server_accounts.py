"""The accounts service: authorize, code exchange with PKCE, refresh, revocation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import spotipy
from spotipy.oauth2 import SpotifyOauthError

from tests.sandbox.server_support import REDIRECT_URI, headless, pkce_login, pkce_manager
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed()) as running:
        yield running


def authorize(server: SandboxServer, **overrides: str) -> requests.Response:
    params = {"client_id": server.client_id, "response_type": "code",
              "redirect_uri": REDIRECT_URI, "code_challenge_method": "S256",
              "code_challenge": "x" * 43, "state": "s1", "scope": "user-library-read",
              "sandbox_user": "alex.old", **overrides}
    return requests.get(server.accounts_url + "/authorize", params=params,
                        allow_redirects=False, timeout=5)


def redirected(answer: requests.Response) -> dict[str, str]:
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def token(server: SandboxServer, **form: str) -> requests.Response:
    form.setdefault("client_id", server.client_id)
    return requests.post(server.accounts_url + "/api/token", data=form, timeout=5)


def test_authorize_redirects_with_code_and_state(server: SandboxServer) -> None:
    query = redirected(authorize(server))
    assert query["state"] == "s1" and len(query["code"]) > 20


@pytest.mark.parametrize(("overrides", "message"), [
    ({"client_id": "other"}, "INVALID_CLIENT: Invalid client"),
    ({"redirect_uri": "http://127.0.0.1:9999/elsewhere"}, "INVALID_CLIENT: Invalid redirect URI"),
    ({"redirect_uri": "http://localhost:8888/callback"}, "INVALID_CLIENT: Insecure redirect URI"),
])
def test_authorize_refuses_a_bad_client_or_redirect(
    server: SandboxServer, overrides: dict[str, str], message: str
) -> None:
    answer = authorize(server, **overrides)
    assert answer.status_code == 400 and answer.text == message


def test_authorize_redirects_errors_back(server: SandboxServer) -> None:
    assert redirected(authorize(server, sandbox_user="stranger"))["error"] == "access_denied"
    assert redirected(authorize(server, scope="no-such-scope"))["error"] == "invalid_scope"
    assert redirected(authorize(server, response_type="token"))["error"] == (
        "unsupported_response_type")
    assert redirected(authorize(server, code_challenge_method="plain"))["error"] == (
        "invalid_request")


def test_authorize_without_a_user_offers_a_page_of_users(server: SandboxServer) -> None:
    page = authorize(server, sandbox_user="")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "sandbox_user=alex.new" in page.text and "Alex (old account)" in page.text
    server.approve_as("alex.new")
    assert "code" in redirected(authorize(server, sandbox_user=""))


def test_code_is_single_use_and_bound_to_verifier_and_redirect(server: SandboxServer) -> None:
    manager = pkce_manager(server)
    manager.get_pkce_handshake_parameters()
    code = redirected(authorize(server, code_challenge=manager.code_challenge))["code"]
    wrong = token(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI,
                  code_verifier="w" * 50)
    assert wrong.status_code == 400
    assert wrong.json() == {"error": "invalid_grant", "error_description":
                            "code_verifier was incorrect"}
    again = token(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI,
                  code_verifier=manager.code_verifier)
    assert again.json()["error_description"] == "Invalid authorization code"

    code = redirected(authorize(server, code_challenge=manager.code_challenge))["code"]
    elsewhere = token(server, grant_type="authorization_code", code=code,
                      redirect_uri="http://127.0.0.1:43019/callback",
                      code_verifier=manager.code_verifier)
    assert elsewhere.json()["error"] == "invalid_grant"

    code = redirected(authorize(server, code_challenge=manager.code_challenge))["code"]
    good = token(server, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI,
                 code_verifier=manager.code_verifier).json()
    assert good["token_type"] == "Bearer" and good["scope"] == "user-library-read"
    assert good["expires_in"] == 3600 and good["refresh_token"]


def test_token_endpoint_errors(server: SandboxServer) -> None:
    unknown = token(server, grant_type="refresh_token", refresh_token="nope")
    assert unknown.status_code == 400
    assert unknown.json() == {"error": "invalid_grant", "error_description":
                              "Invalid refresh token"}
    assert token(server, grant_type="refresh_token", refresh_token="nope",
                 client_id="other").json()["error"] == "invalid_client"
    assert token(server, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_revoked_refresh_token_answers_invalid_grant(server: SandboxServer) -> None:
    spotify = pkce_login(server, "alex.old")
    refresh = server.refresh_token("alex.old")
    assert spotify.me()["id"] == "alex.old"
    revoked = requests.post(server.base_url + "/_sandbox/revoke", params={"user": "alex.old"},
                            timeout=5)
    assert revoked.json()["revoked"] >= 2
    with pytest.raises(spotipy.SpotifyException) as refused:
        spotify.me()
    assert refused.value.http_status == 401
    with pytest.raises(SpotifyOauthError) as failed:
        headless_with(server, refresh).me()
    assert failed.value.error == "invalid_grant"
    assert server.refresh_token("alex.old") != refresh


def headless_with(server: SandboxServer, refresh_token: str) -> spotipy.Spotify:
    spotify = headless(server, "alex.new")
    spotify.auth_manager.cache_handler.token_info["refresh_token"] = refresh_token
    return spotify


def test_refresh_tokens_expire_six_months_after_sign_in() -> None:
    clock = ManualClock(datetime(2027, 1, 10, tzinfo=UTC))
    seed = tiny_seed()
    seed.refresh_tokens[0].issued_at = "2026-07-12T00:00:00Z"
    with SandboxServer(seed, clock=clock) as server:
        old_token = seed.refresh_tokens[0].token
        assert token(server, grant_type="refresh_token", refresh_token=old_token).ok
        clock.advance(2 * 86_400)
        expired = token(server, grant_type="refresh_token", refresh_token=old_token)
        assert expired.json()["error"] == "invalid_grant"
        fresh = server.refresh_token("alex.old")
        assert fresh != old_token
        assert token(server, grant_type="refresh_token", refresh_token=fresh).ok
