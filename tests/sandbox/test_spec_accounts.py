"""The accounts service's token answers, checked against RFC 6749 and the spec's OAuth scheme
(its token URL and scopes), through the validating session."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests import openapi
from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import ALL_SCOPES, REDIRECT_URIS, SOURCE_USER, TARGET_USER

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


def test_the_seeded_refresh_tokens_grant_every_scope(sandbox: Sandbox) -> None:
    for token in ("sandbox-refresh-alex-old", "sandbox-refresh-alex-new"):
        answer = sandbox.refresh(token)
        assert answer.status_code == 200
        body = answer.json()
        assert set(body["scope"].split()) == set(ALL_SCOPES)
        assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(ALL_SCOPES) <= openapi.spec_scopes()


def test_authorization_code_with_pkce(sandbox: Sandbox) -> None:
    token = sandbox.token_with_scopes(TARGET_USER, ["user-library-read", "user-read-private"])
    me = sandbox.get_ok("/me", token=token)
    assert me["id"] == TARGET_USER


def test_invalid_grant_and_invalid_client(sandbox: Sandbox) -> None:
    bad = sandbox.refresh("no-such-token")
    assert bad.status_code == 400
    assert bad.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    wrong_client = sandbox.refresh("sandbox-refresh-alex-old", client_id="someone-else")
    assert wrong_client.status_code in (400, 401)
    assert wrong_client.json()["error"] == "invalid_client"


def test_a_wrong_code_verifier_is_an_invalid_grant(sandbox: Sandbox) -> None:
    query = {"client_id": sandbox.server.client_id, "response_type": "code",
             "redirect_uri": REDIRECT_URIS[1], "code_challenge_method": "S256",
             "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "state": "xyz",
             "sandbox_user": SOURCE_USER}
    redirect = sandbox.session.get(
        f"{sandbox.server.accounts_url}/authorize?{urlencode(query)}", allow_redirects=False)
    assert redirect.status_code == 302
    back = parse_qs(urlsplit(redirect.headers["Location"]).query)
    assert back["state"] == ["xyz"]
    answer = sandbox.session.post(f"{sandbox.server.accounts_url}/api/token", data={
        "grant_type": "authorization_code", "code": back["code"][0],
        "redirect_uri": REDIRECT_URIS[1], "client_id": sandbox.server.client_id,
        "code_verifier": "x" * 43})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_revoked_user_must_log_in_again(sandbox: Sandbox) -> None:
    refresh_token = sandbox.server.refresh_token("mika")
    assert sandbox.refresh(refresh_token).status_code == 200
    sandbox.server.revoke("mika")
    answer = sandbox.refresh(refresh_token)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
