"""Error answers of the sandbox (400, 401, 403, 404, 429, 5xx), validated against the spec.

Statuses the spec does not list for an operation pass only through the helper's documented
allow-list (``tests.openapi.UNDOCUMENTED_STATUSES``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import SOURCE_USER, TARGET_USER, builtin_facts, builtin_seed
from transfer.sandbox.faults import Faults

pytestmark = pytest.mark.e2e

FACTS = builtin_facts()
OWNED = FACTS.owned_playlist_ids[0]
FRIENDS = next(
    pid for pid in FACTS.followed_playlist_ids if pid not in FACTS.editorial_playlist_ids
)
UNKNOWN = "0000000000000000000000"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


def _error(answer: requests.Response, status: int) -> str:
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["status"] == status
    return str(error["message"])


def _track_uris(count: int) -> list[str]:
    return [f"spotify:track:{t.id}" for t in builtin_seed().catalog.tracks[:count]]


@pytest.mark.parametrize("path", [
    "/me/playlists?limit=51", "/me/tracks?limit=51", "/me/albums?limit=0",
    "/me/shows?limit=51", "/me/episodes?limit=51", "/me/audiobooks?limit=51",
    f"/playlists/{OWNED}/items?limit=51", "/me/following?type=artist&limit=51",
    "/me/following?type=album", "/me/library/contains",
    "/me/library/contains?uris=" + ",".join(_track_uris(41)),
    "/me/library/contains?uris=spotify:nonsense:1",
])
def test_400_for_bad_reads(sandbox: Sandbox, path: str) -> None:
    _error(sandbox.get(path), 400)


def test_400_for_bad_writes(sandbox: Sandbox) -> None:
    many = {"uris": _track_uris(101)}
    items = f"/playlists/{OWNED}/items"
    _error(sandbox.call("POST", items, json=many), 400)
    _error(sandbox.call("PUT", items, json=many), 400)
    _error(sandbox.call("DELETE", items, json={"items": [{"uri": u} for u in many["uris"]]}), 400)
    _error(sandbox.call("POST", items, json={"uris": ["spotify:local:a:b:c:1"]}), 400)
    _error(sandbox.call("POST", "/me/playlists", json={"public": False}), 400)
    _error(sandbox.call("POST", "/me/playlists", data=b"{not json",
                        headers={"Content-Type": "application/json"}), 400)
    _error(sandbox.call("PUT", f"/playlists/{OWNED}", json={"public": "yes"}), 400)
    _error(sandbox.call("PUT", f"/playlists/{OWNED}/images", data=b"not an image"), 400)
    _error(sandbox.call("PUT", f"/playlists/{OWNED}/images", data=b"/9j/" * 70_000), 413)
    too_many = {"uris": ",".join(_track_uris(41))}
    _error(sandbox.call("PUT", "/me/library", params=too_many), 400)
    _error(sandbox.call("DELETE", "/me/library", params=too_many), 400)
    _error(sandbox.call("PUT", "/me/library"), 400)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/me"), ("GET", "/me/playlists"), ("POST", "/me/playlists"),
    ("GET", f"/playlists/{OWNED}"), ("PUT", f"/playlists/{OWNED}"),
    ("GET", f"/playlists/{OWNED}/items"), ("POST", f"/playlists/{OWNED}/items"),
    ("PUT", f"/playlists/{OWNED}/items"), ("DELETE", f"/playlists/{OWNED}/items"),
    ("GET", f"/playlists/{OWNED}/images"), ("PUT", f"/playlists/{OWNED}/images"),
    ("GET", "/me/tracks"), ("GET", "/me/albums"), ("GET", "/me/shows"),
    ("GET", "/me/episodes"), ("GET", "/me/audiobooks"), ("GET", "/me/following?type=artist"),
    ("PUT", "/me/library?uris=spotify:track:x"), ("DELETE", "/me/library?uris=spotify:track:x"),
    ("GET", "/me/library/contains?uris=spotify:track:x"),
])
def test_401_for_an_unknown_token(sandbox: Sandbox, method: str, path: str) -> None:
    _error(sandbox.call(method, path, token="not-a-token"), 401)


def test_401_without_a_token_and_for_an_expired_one(sandbox: Sandbox) -> None:
    answer = sandbox.session.get(f"{sandbox.api}/me")
    _error(answer, 401)
    token = sandbox.token_with_scopes(SOURCE_USER, ["user-read-private"])
    sandbox.server.expire_access_tokens()
    sandbox._tokens.clear()
    _error(sandbox.get("/me", token=token), 401)


def test_403_for_the_items_of_a_playlist_neither_owned_nor_collaborated(
    sandbox: Sandbox,
) -> None:
    message = _error(sandbox.get(f"/playlists/{FRIENDS}/items"), 403)
    assert message
    _error(sandbox.call("POST", f"/playlists/{FRIENDS}/items",
                        json={"uris": _track_uris(1)}), 403)
    _error(sandbox.call("PUT", f"/playlists/{FRIENDS}/items", json={"uris": []}), 403)
    _error(sandbox.call("DELETE", f"/playlists/{FRIENDS}/items",
                        json={"items": [{"uri": _track_uris(1)[0]}]}), 403)
    _error(sandbox.call("PUT", f"/playlists/{FRIENDS}", json={"name": "mine"}), 403)
    _error(sandbox.call("PUT", f"/playlists/{OWNED}/images", user=TARGET_USER,
                        data=b"/9j/"), 403)


def test_403_for_a_missing_scope(sandbox: Sandbox) -> None:
    token = sandbox.token_with_scopes(SOURCE_USER, ["user-read-private"])
    for path in ("/me/tracks", "/me/following?type=artist",
                 "/me/library/contains?uris=spotify:track:x"):
        assert _error(sandbox.get(path, token=token), 403) == "Insufficient client scope"
    answer = sandbox.call("PUT", "/me/library", token=token,
                          params={"uris": _track_uris(1)[0]})
    assert _error(answer, 403) == "Insufficient client scope"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"/playlists/{OWNED}/tracks"), ("POST", f"/playlists/{OWNED}/tracks"),
    ("PUT", "/me/tracks?ids=x"), ("DELETE", "/me/albums?ids=x"), ("PUT", "/me/shows?ids=x"),
    ("DELETE", "/me/episodes?ids=x"), ("PUT", "/me/audiobooks?ids=x"),
    ("GET", "/me/tracks/contains?ids=x"), ("PUT", "/me/following?type=artist&ids=x"),
    ("PUT", f"/playlists/{FRIENDS}/followers"), ("GET", "/users/sam.k"),
    ("GET", "/users/sam.k/playlists"), ("POST", "/users/alex.old/playlists"),
    ("GET", "/tracks?ids=x"), ("GET", "/albums?ids=x"), ("GET", "/artists?ids=x"),
])
def test_403_for_endpoints_removed_in_development_mode(
    sandbox: Sandbox, method: str, path: str
) -> None:
    assert "Development Mode" in _error(sandbox.call(method, path), 403)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"/playlists/{UNKNOWN}"), ("PUT", f"/playlists/{UNKNOWN}"),
    ("GET", f"/playlists/{UNKNOWN}/items"), ("POST", f"/playlists/{UNKNOWN}/items"),
    ("PUT", f"/playlists/{UNKNOWN}/items"), ("DELETE", f"/playlists/{UNKNOWN}/items"),
    ("GET", f"/playlists/{UNKNOWN}/images"), ("PUT", f"/playlists/{UNKNOWN}/images"),
])
def test_404_for_an_unknown_playlist(sandbox: Sandbox, method: str, path: str) -> None:
    _error(sandbox.call(method, path, json={"uris": _track_uris(1)}), 404)


def test_429_over_the_rolling_rate_limit(sandbox: Sandbox) -> None:
    with sandbox.faults(Faults(rate_limit=3)):
        statuses = [sandbox.get("/me").status_code for _ in range(4)]
        limited = sandbox.get("/me/playlists")
    assert statuses == [200, 200, 200, 429]
    _error(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1


def test_429_when_the_quota_is_spent(sandbox: Sandbox) -> None:
    with sandbox.faults(Faults(quota=1)):
        assert sandbox.get("/me").status_code == 200
        spent = sandbox.get("/me/tracks")
    _error(spent, 429)
    assert spent.json()["error"]["reason"] == "QUOTA_EXCEEDED"
    assert int(spent.headers["Retry-After"]) >= 3600


def test_429_for_cover_uploads_over_their_own_limit(sandbox: Sandbox) -> None:
    with sandbox.faults(Faults(cover_rate_limit=1)):
        first = sandbox.call("PUT", f"/playlists/{OWNED}/images", data=b"bad")
        second = sandbox.call("PUT", f"/playlists/{OWNED}/images", data=b"bad")
    assert first.status_code == 400
    _error(second, 429)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_injected_server_errors(sandbox: Sandbox, status: int) -> None:
    with sandbox.faults(Faults(error_rate=1.0, error_statuses=[status])):
        _error(sandbox.get("/me/playlists"), status)
        _error(sandbox.call("POST", f"/playlists/{OWNED}/items",
                            json={"uris": _track_uris(1)}), status)
