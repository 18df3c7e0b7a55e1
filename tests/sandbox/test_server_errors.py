"""Every error the sandbox answers, with Spotify's status and body."""

from __future__ import annotations

import base64
import socket
import struct
import time
from collections.abc import Iterator

import pytest
import requests
import spotipy

from tests.sandbox.server_support import Raw, access_token, pkce_login
from transfer.sandbox.api import DEVELOPMENT_MODE_REMOVED, NOT_REGISTERED
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def server(clock: ManualClock) -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), clock=clock) as running:
        yield running


@pytest.fixture
def old(server: SandboxServer) -> Raw:
    return Raw(server, "alex.old")


def error_of(answer: requests.Response) -> tuple[int, str]:
    body = answer.json()["error"]
    assert body["status"] == answer.status_code
    return answer.status_code, body["message"]


TRACKS_101 = [f"spotify:track:tr{1 + n % 11:02d}" for n in range(101)]


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("GET", "/me/tracks", {"params": {"limit": 51}}),
    ("GET", "/me/playlists", {"params": {"limit": 51}}),
    ("GET", "/playlists/plOwn1/items", {"params": {"limit": 51}}),
    ("GET", "/me/following", {"params": {"type": "artist", "limit": 51}}),
    ("GET", "/me/albums", {"params": {"limit": 0}}),
    ("GET", "/me/tracks", {"params": {"offset": -1}}),
    ("GET", "/me/following", {"params": {"type": "user"}}),
    ("POST", "/playlists/plOwn1/items", {"json": {"uris": TRACKS_101}}),
    ("PUT", "/playlists/plOwn1/items", {"json": {"uris": TRACKS_101}}),
    ("DELETE", "/playlists/plOwn1/items", {"json": {"items": [{"uri": u} for u in TRACKS_101]}}),
    ("POST", "/playlists/plOwn1/items", {"json": ["spotify:track:nope0"]}),
    ("POST", "/playlists/plOwn1/items", {"json": ["spotify:album:al1"]}),
    ("POST", "/playlists/plOwn1/items", {"json": ["spotify:local:a:b:c:1"]}),
    ("POST", "/playlists/plOwn1/items", {"json": {"uris": ["spotify:track:tr01"],
                                                  "position": 10}}),
    ("POST", "/playlists/plOwn1/items", {"data": b"{not json"}),
    ("PUT", "/playlists/plOwn1/items", {"json": {"range_start": 8, "insert_before": 0,
                                                 "range_length": 2}}),
    ("PUT", "/playlists/plOwn1/items", {"json": {"range_start": 0, "insert_before": 2,
                                                 "snapshot_id": "bogus"}}),
    ("DELETE", "/playlists/plOwn1/items", {"json": {"items": [
        {"uri": "spotify:track:tr02", "positions": [0]}]}}),
    ("PUT", "/me/library", {"params": {"uris": ",".join(TRACKS_101[:41])}}),
    ("DELETE", "/me/library", {"params": {"uris": ",".join(TRACKS_101[:41])}}),
    ("GET", "/me/library/contains", {"params": {"uris": ",".join(TRACKS_101[:41])}}),
    ("PUT", "/me/library", {}),
    ("PUT", "/me/library", {"params": {"uris": "spotify:track:tr01,not-a-uri"}}),
    ("PUT", "/me/library", {"params": {"uris": "spotify:chapter:abc"}}),
    ("PUT", "/me/library", {"params": {"uris": "spotify:track:doesnotexist"}}),
    ("POST", "/me/playlists", {"json": {"public": False}}),
    ("POST", "/me/playlists", {"json": {"name": "x", "collaborative": True}}),
    ("POST", "/me/playlists", {"json": {"name": ""}}),
    ("POST", "/me/playlists", {"json": {"name": "  "}}),
    ("PUT", "/playlists/plOwn1", {"json": {"name": " "}}),
    ("PUT", "/playlists/plOwn1", {"json": {"name": 5}}),
    ("PUT", "/playlists/plOwn1/images", {"data": b"not base64 !!"}),
])
def test_bad_requests_answer_400_and_change_nothing(
    server: SandboxServer, old: Raw, method: str, path: str, kwargs: dict
) -> None:
    before = server.state.dump()
    answer = old(method, path, **kwargs)
    assert answer.status_code == 400, answer.text
    error_of(answer)
    assert server.state.dump() == before


def test_cover_over_256_kb_is_refused(old: Raw) -> None:
    payload = base64.b64encode(b"\xff\xd8" + b"\0" * 200_000)
    answer = old("PUT", "/playlists/plOwn1/images", data=payload,
                 headers={"Content-Type": "image/jpeg"})
    assert answer.status_code == 413


def test_unauthenticated_requests_answer_401(server: SandboxServer, clock: ManualClock) -> None:
    url = server.api_url + "/me"
    assert error_of(requests.get(url, timeout=5)) == (401, "No token provided")
    bad = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=5)
    assert error_of(bad) == (401, "Invalid access token")
    token = access_token(server, "alex.old")
    assert requests.get(url, headers={"Authorization": f"Bearer {token}"},
                        timeout=5).status_code == 200
    clock.advance(3600)
    expired = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert error_of(expired) == (401, "The access token expired")


def test_token_lifetime_is_settable_and_a_refresh_renews_access(clock: ManualClock) -> None:
    with SandboxServer(tiny_seed(), clock=clock, token_lifetime=120) as server:
        form = {"grant_type": "refresh_token", "refresh_token": server.refresh_token("alex.old"),
                "client_id": server.client_id}
        answer = requests.post(server.accounts_url + "/api/token", data=form, timeout=5).json()
        assert answer["expires_in"] == 120 and answer["refresh_token"] == form["refresh_token"]
        headers = {"Authorization": f"Bearer {answer['access_token']}"}
        clock.advance(119)
        assert requests.get(server.api_url + "/me", headers=headers, timeout=5).ok
        clock.advance(1)
        assert requests.get(server.api_url + "/me", headers=headers, timeout=5).status_code == 401
        spotify = pkce_login(server, "alex.old")
        assert spotify.me()["id"] == "alex.old"


@pytest.mark.parametrize(("method", "path", "kwargs"), [
    ("GET", "/playlists/plMika/items", {}),
    ("POST", "/playlists/plMika/items", {"json": ["spotify:track:tr01"]}),
    ("PUT", "/playlists/plMika/items", {"json": {"uris": []}}),
    ("DELETE", "/playlists/plMika/items", {"json": {"items": [{"uri": "spotify:track:tr08"}]}}),
    ("PUT", "/playlists/plMika", {"json": {"name": "mine now"}}),
    ("PUT", "/playlists/plCollab", {"json": {"name": "collaborators cannot rename"}}),
    ("PUT", "/playlists/plMika/images", {"data": b"/9j/2w=="}),
])
def test_playlists_of_others_answer_403(
    server: SandboxServer, old: Raw, method: str, path: str, kwargs: dict
) -> None:
    before = server.state.dump()
    assert old(method, path, **kwargs).status_code == 403
    assert server.state.dump() == before


REMOVED = [
    ("GET", "/playlists/plOwn1/tracks"), ("POST", "/playlists/plOwn1/tracks"),
    ("PUT", "/playlists/plOwn1/tracks"), ("DELETE", "/playlists/plOwn1/tracks"),
    ("POST", "/users/alex.old/playlists"), ("GET", "/users/alex.old"),
    ("GET", "/users/alex.old/playlists"),
    *((method, f"/me/{kind}") for method in ("PUT", "DELETE")
      for kind in ("tracks", "albums", "shows", "episodes", "audiobooks", "following")),
    *(("GET", f"/me/{kind}/contains")
      for kind in ("tracks", "albums", "shows", "episodes", "audiobooks", "following")),
    ("PUT", "/playlists/plMika/followers"), ("DELETE", "/playlists/plMika/followers"),
    ("GET", "/playlists/plMika/followers/contains"),
    *(("GET", f"/{kind}") for kind in ("tracks", "albums", "artists", "shows", "episodes",
                                       "audiobooks")),
]


@pytest.mark.parametrize(("method", "path"), REMOVED)
def test_endpoints_removed_in_development_mode_answer_403(
    old: Raw, method: str, path: str
) -> None:
    answer = old(method, path, params={"ids": "tr01", "type": "artist"})
    assert error_of(answer) == (403, DEVELOPMENT_MODE_REMOVED)


def test_users_off_the_allow_list_are_refused(server: SandboxServer) -> None:
    stranger = Raw(server, "stranger")
    assert error_of(stranger("GET", "/me")) == (403, NOT_REGISTERED)


def test_missing_scope_answers_403(server: SandboxServer) -> None:
    reader = pkce_login(server, "alex.old", scopes=["playlist-read-private", "user-library-read"])
    assert reader.current_user_saved_tracks()["total"] == 5
    for write in (lambda: reader.current_user_saved_tracks_add(["tr01"]),
                  lambda: reader.playlist_add_items("plOwn2", ["spotify:track:tr01"]),
                  lambda: reader.current_user_followed_artists()):
        with pytest.raises(spotipy.SpotifyException) as refused:
            write()
        assert refused.value.http_status == 403
        assert "Insufficient client scope" in refused.value.msg


def test_without_read_scopes_private_and_collaborative_playlists_are_left_out(
    server: SandboxServer,
) -> None:
    spotify = pkce_login(server, "alex.old", scopes=["user-library-read"])
    listed = spotify.current_user_playlists()
    assert [p["id"] for p in listed["items"]] == ["plOwn1", "plMika", "plEditorial"]
    assert listed["total"] == 3


@pytest.mark.parametrize("path", [
    "/playlists/nosuchplaylist", "/playlists/nosuchplaylist/items", "/tracks/nosuchtrack",
    "/albums/nosuch", "/playlists/plEditorial", "/playlists/plEditorial/items",
    "/playlists/plEditorial/images", "/no/such/route", "/me/nothing",
])
def test_unknown_things_answer_404(old: Raw, path: str) -> None:
    assert old("GET", path).status_code == 404


def test_wrong_method_answers_405(old: Raw) -> None:
    assert old("DELETE", "/me").status_code == 405
    assert old("POST", "/me/tracks").status_code == 405


def test_a_client_that_resets_its_connection_leaves_no_traceback(
    server: SandboxServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """A killed client resets its keep-alive connection while the server waits for its next
    request: normal for a client, not a sandbox failure to print."""
    with socket.create_connection(("127.0.0.1", server.port)) as client:
        client.sendall(b"GET /v1/me HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        assert client.recv(4096).startswith(b"HTTP/1.1 401")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    printed = ""
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:
        time.sleep(0.05)
        printed += capfd.readouterr().err
    assert "Traceback" not in printed
