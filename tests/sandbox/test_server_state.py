"""State round trips, the request log, and the extended mode."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.sandbox.server_support import Raw, headless
from transfer.errors import InputError
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.seed import PlaylistEntry, SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.state import SandboxState
from transfer.sandbox.tiny import tiny_seed


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), clock=ManualClock()) as running:
        yield running


def test_load_then_dump_is_exact_and_leaves_the_seed_alone() -> None:
    seed = tiny_seed()
    state = SandboxState(seed)
    assert state.dump() == seed
    state.save("alex.old", [("track", "tr01")])
    state.add_entries(state.playlists["plOwn2"], ["spotify:track:tr01"], None, "alex.old")
    assert seed == tiny_seed()
    assert SandboxSeed.model_validate_json(state.dump().model_dump_json()) == state.dump()


def test_a_changed_state_survives_dump_and_reload(server: SandboxServer) -> None:
    spotify = headless(server, "alex.new")
    created = spotify.current_user_playlist_create("Kept", public=False)
    spotify.playlist_add_items(created["id"], ["spotify:track:tr02", "spotify:episode:ep2"])
    spotify.current_user_saved_tracks_add(["tr01"])
    spotify._put("me/library", uris="spotify:playlist:plMika,spotify:artist:ar3")
    dumped = SandboxSeed.model_validate(
        requests.get(server.base_url + "/_sandbox/state", timeout=5).json()
    )
    assert dumped == server.state.dump()
    with SandboxServer(dumped) as reloaded:
        again = headless(reloaded, "alex.new")
        assert again.current_user_playlists() == _rebased(spotify.current_user_playlists(),
                                                          server, reloaded)
        assert again.playlist_items(created["id"]) == _rebased(
            spotify.playlist_items(created["id"]), server, reloaded)
        assert again.current_user_saved_tracks() == _rebased(
            spotify.current_user_saved_tracks(), server, reloaded)
        assert reloaded.state.dump() == dumped


def _rebased(answer: dict, old: SandboxServer, new: SandboxServer) -> dict:
    return json.loads(json.dumps(answer).replace(old.base_url, new.base_url))


def test_an_inconsistent_seed_is_refused_clearly() -> None:
    seed = tiny_seed()
    seed.playlists[0].entries.append(
        PlaylistEntry(uri="spotify:track:missing", added_at="2020-01-01T00:00:00Z",
                      added_by="alex.old"))
    with pytest.raises(InputError, match="unknown entry 'spotify:track:missing'"):
        SandboxServer(seed)


def test_request_log_counts_by_template(server: SandboxServer) -> None:
    raw = Raw(server, "alex.old")
    server.request_log.reset()
    raw("GET", "/me/playlists")
    raw("GET", "/playlists/plOwn1/items")
    raw("GET", "/playlists/plOwn2/items")
    raw("POST", "/playlists/plOwn2/items", json=["spotify:track:tr01"])
    raw("PUT", "/me/library", params={"uris": "spotify:track:tr01"})
    raw("GET", "/playlists/plMika/items")
    requests.get(server.base_url + "/_sandbox/log", timeout=5)
    requests.get(server.base_url + "/mosaic/" + "0" * 40, timeout=5)
    log = server.request_log
    assert log.counts() == Counter({
        ("GET", "/playlists/{playlist_id}/items"): 3, ("GET", "/me/playlists"): 1,
        ("POST", "/playlists/{playlist_id}/items"): 1, ("PUT", "/me/library"): 1,
    })
    assert log.writes() == 2 and log.total() == 6
    assert [entry.status for entry in log.entries] == [200, 200, 200, 201, 200, 403]
    assert log.entries[-1].applied is False and log.entries[3].applied is True
    summary = requests.get(server.base_url + "/_sandbox/log", timeout=5).json()
    assert summary["writes"] == 2 and summary["total"] == 6
    requests.post(server.base_url + "/_sandbox/log/reset", timeout=5)
    assert log.total() == 0


def test_accounts_requests_are_logged_but_are_not_writes(server: SandboxServer) -> None:
    server.request_log.reset()
    headless(server, "alex.old").me()
    assert server.request_log.counts() == Counter({("POST", "/api/token"): 1, ("GET", "/me"): 1})
    assert server.request_log.writes() == 0 and server.request_log.api_total() == 1


@pytest.fixture
def extended() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), mode="extended", clock=ManualClock()) as running:
        yield running


def test_extended_mode_sets_liked_dates_exactly(extended: SandboxServer) -> None:
    raw = Raw(extended, "alex.new")
    stamped = [{"id": "tr01", "added_at": "2015-06-01T10:00:00Z"},
               {"id": "tr02", "added_at": "2019-01-01T00:00:00Z"},
               {"id": "tr03", "added_at": "2012-02-03T04:05:06Z"}]
    assert raw("PUT", "/me/tracks", json={"timestamped_ids": stamped}).status_code == 200
    assert raw("PUT", "/me/tracks", json={"ids": ["tr04"]}).status_code == 200
    saved = raw("GET", "/me/tracks").json()["items"]
    assert [(s["track"]["id"], s["added_at"]) for s in saved[1:]] == [
        ("tr02", "2019-01-01T00:00:00Z"), ("tr01", "2015-06-01T10:00:00Z"),
        ("tr03", "2012-02-03T04:05:06Z")]
    assert saved[0]["track"]["id"] == "tr04"
    too_many = [{"id": "tr01", "added_at": "2015-06-01T10:00:00Z"}] * 51
    assert raw("PUT", "/me/tracks", json={"timestamped_ids": too_many}).status_code == 400


def test_extended_mode_serves_the_legacy_endpoints(extended: SandboxServer) -> None:
    raw = Raw(extended, "alex.old")
    assert raw("GET", "/playlists/plMika/items").status_code == 200
    assert raw("GET", "/playlists/plEditorial").json()["items"]["total"] == 1
    tracks = raw("GET", "/playlists/plOwn1/tracks", params={"limit": 100}).json()
    assert tracks["total"] == 9 and tracks["limit"] == 100
    assert raw("PUT", "/me/albums", params={"ids": "al3"}).status_code == 200
    assert raw("GET", "/me/albums/contains", params={"ids": "al3,al4"}).json() == [True, False]
    assert raw("PUT", "/me/following", params={"type": "user", "ids": "mika"}).status_code == 204
    assert raw("PUT", "/playlists/plMika/followers").status_code == 200
    assert raw("DELETE", "/playlists/plMika/followers").status_code == 200
    assert raw("GET", "/tracks", params={"ids": "tr01,zzz"}).json()["tracks"][1] is None
    assert raw("GET", "/tracks/tr01").json()["popularity"] >= 0
    created = raw("POST", "/users/alex.old/playlists", json={"name": "Legacy"})
    assert created.status_code == 201
    assert raw("POST", "/users/mika/playlists", json={"name": "No"}).status_code == 403
    assert raw("GET", "/users/mika/playlists").json()["total"] == 1
    assert raw("GET", "/me").json()["product"] == "premium"
    stranger = Raw(extended, "stranger")
    assert stranger("GET", "/me").status_code == 200


def test_concurrent_writes_are_all_applied(server: SandboxServer) -> None:
    raw = Raw(server, "alex.new")
    playlist_id = raw("POST", "/me/playlists", json={"name": "Busy"}).json()["id"]
    uris = [f"spotify:track:tr{1 + n % 11:02d}" for n in range(5)]

    def add(_: int) -> int:
        session = Raw(server, "alex.new")
        return session("POST", f"/playlists/{playlist_id}/items", json=uris).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(add, range(40))) == {201}
    assert len(server.state.playlists[playlist_id].entries) == 200
    assert server.request_log.counts()[("POST", "/playlists/{playlist_id}/items")] == 40


def test_a_sandbox_bug_answers_500_and_is_logged(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = Raw(server, "alex.old")

    def broken(self: object, user_id: str) -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr("transfer.sandbox.render.Renderer.me", broken)
    assert raw("GET", "/me").status_code == 500
    assert server.request_log.entries[-1].fault == "internal"
    assert raw("GET", "/me/tracks").status_code == 200
