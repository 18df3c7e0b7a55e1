"""Each fault behaves as configured, and the same seed replays the same faults."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
import spotipy

from tests.sandbox.server_support import Raw, headless
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.faults import Faults
from transfer.sandbox.requestlog import DROPPED
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

ADD_ITEMS = "POST /playlists/{playlist_id}/items"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def server(clock: ManualClock) -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), clock=clock) as running:
        yield running


def entry_count(server: SandboxServer, playlist_id: str) -> int:
    return len(server.state.playlists[playlist_id].entries)


def test_rolling_window_rate_limit(server: SandboxServer, clock: ManualClock) -> None:
    raw = Raw(server, "alex.old")
    server.set_faults(Faults(rate_limit=3, rate_window=30))
    for _ in range(3):
        assert raw("GET", "/me").status_code == 200
        clock.advance(5)
    limited = raw("GET", "/me")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "15"
    assert limited.json()["error"] == {"status": 429, "message": "API rate limit exceeded"}
    clock.advance(10)
    again = raw("GET", "/me")
    assert again.status_code == 429 and again.headers["Retry-After"] == "5"
    clock.advance(5)
    assert raw("GET", "/me").status_code == 200
    assert raw("GET", "/me").status_code == 429
    faults = [entry.fault for entry in server.request_log.entries if entry.is_api]
    assert faults == [None, None, None, "rate_limit", "rate_limit", None, "rate_limit"]


def test_cover_uploads_have_their_own_smaller_limit(
    server: SandboxServer, clock: ManualClock
) -> None:
    raw = Raw(server, "alex.old")
    server.set_faults(Faults(rate_limit=100, cover_rate_limit=1))
    cover = b"/9j/2wCEAA=="
    assert raw("PUT", "/playlists/plOwn1/images", data=cover).status_code == 202
    refused = raw("PUT", "/playlists/plOwn2/images", data=cover)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert raw("GET", "/me").status_code == 200
    assert server.state.playlists["plOwn2"].cover is None


def test_quota_exhaustion_then_reset(server: SandboxServer) -> None:
    raw = Raw(server, "alex.old")
    server.set_faults(Faults(quota=2))
    assert [raw("GET", "/me").status_code for _ in range(2)] == [200, 200]
    spent = raw("GET", "/me")
    assert spent.status_code == 429 and spent.headers["Retry-After"] == "86400"
    assert spent.json()["error"] == {"status": 429, "message": "Too many requests",
                                     "reason": "QUOTA_EXCEEDED"}
    requests.put(server.base_url + "/_sandbox/faults", json={"quota": 2,
                 "quota_retry_after": 3600}, timeout=5).raise_for_status()
    assert raw("GET", "/me").headers["Retry-After"] == "3600"
    requests.post(server.base_url + "/_sandbox/quota/reset", timeout=5).raise_for_status()
    assert raw("GET", "/me").status_code == 200


def test_a_spent_quota_comes_back_after_its_retry_after(
    server: SandboxServer, clock: ManualClock
) -> None:
    raw = Raw(server, "alex.old")
    server.set_faults(Faults(quota=1, quota_retry_after=3600))
    assert raw("GET", "/me").status_code == 200
    assert raw("GET", "/me").headers["Retry-After"] == "3600"
    clock.advance(600)
    assert raw("GET", "/me").headers["Retry-After"] == "3000"
    clock.advance(3000)
    raw = Raw(server, "alex.old")
    assert raw("GET", "/me").status_code == 200
    assert raw("GET", "/me").headers["Retry-After"] == "3600"


def test_random_5xx_are_answered_before_applying(server: SandboxServer) -> None:
    spotify = headless(server, "alex.old")
    server.set_faults(Faults(error_rate=1.0, only=[ADD_ITEMS]))
    with pytest.raises(spotipy.SpotifyException) as failed:
        spotify.playlist_add_items("plOwn1", ["spotify:track:tr06"])
    assert failed.value.http_status in (500, 502, 503)
    assert entry_count(server, "plOwn1") == 9
    assert spotify.playlist_items("plOwn1")["total"] == 9
    last = [entry for entry in server.request_log.entries if entry.method == "POST"][-1]
    assert (last.fault, last.applied) == ("error", False)


def test_write_applied_then_502(server: SandboxServer) -> None:
    spotify = headless(server, "alex.old")
    server.set_faults(Faults(fail_after_apply_rate=1.0, only=[ADD_ITEMS]))
    with pytest.raises(spotipy.SpotifyException) as failed:
        spotify.playlist_add_items("plOwn1", ["spotify:track:tr06"])
    assert failed.value.http_status == 502
    assert entry_count(server, "plOwn1") == 10
    last = server.request_log.entries[-1]
    assert (last.status, last.applied, last.fault) == (502, True, "after_apply_502")


def test_write_applied_then_connection_dropped(server: SandboxServer) -> None:
    spotify = headless(server, "alex.old")
    spotify.me()
    server.set_faults(Faults(drop_after_apply_rate=1.0, only=["/me/library"]))
    with pytest.raises(requests.exceptions.ConnectionError):
        spotify.current_user_saved_tracks_add(["tr01"])
    assert server.state.contains("alex.old", [("track", "tr01")]) == [True]
    last = server.request_log.entries[-1]
    assert (last.status, last.applied, last.fault) == (DROPPED, True, "dropped")
    assert spotify.me()["id"] == "alex.old"


def test_reads_are_never_failed_after_applying(server: SandboxServer) -> None:
    raw = Raw(server, "alex.old")
    server.set_faults(Faults(fail_after_apply_rate=1.0, drop_after_apply_rate=0.0))
    assert raw("GET", "/me/tracks").status_code == 200


def test_latency_and_a_timeout_past_it() -> None:
    with SandboxServer(tiny_seed(), faults=Faults(latency=0.2, only=["GET /me"])) as server:
        raw = Raw(server, "alex.old")
        started = time.monotonic()
        assert raw("GET", "/me").status_code == 200
        assert time.monotonic() - started >= 0.2
        started = time.monotonic()
        assert raw("GET", "/me/tracks").status_code == 200
        assert time.monotonic() - started < 0.2
        with pytest.raises(requests.exceptions.ReadTimeout):
            raw("GET", "/me", timeout=0.05)


def _statuses(rng_seed: int) -> list[int]:
    faults = Faults(error_rate=0.3, latency_jitter=0.0)
    with SandboxServer(tiny_seed(), faults=faults, rng_seed=rng_seed,
                       clock=ManualClock()) as server:
        raw = Raw(server, "alex.old")
        return [raw("GET", "/me").status_code for _ in range(40)]


def test_the_same_seed_replays_the_same_faults() -> None:
    first, again, other = _statuses(7), _statuses(7), _statuses(8)
    assert first == again
    assert first != other
    assert 0 < sum(status != 200 for status in first) < 40


def test_faults_change_at_runtime_over_http(server: SandboxServer) -> None:
    raw = Raw(server, "alex.old")
    answer = requests.put(server.base_url + "/_sandbox/faults",
                          json={"error_rate": 1.0, "error_statuses": [503]}, timeout=5)
    assert answer.status_code == 200 and server.faults.error_rate == 1.0
    assert raw("GET", "/me").status_code == 503
    assert requests.put(server.base_url + "/_sandbox/faults", json={"nonsense": 1},
                        timeout=5).status_code == 400
    requests.put(server.base_url + "/_sandbox/faults", json={}, timeout=5).raise_for_status()
    assert raw("GET", "/me").status_code == 200
