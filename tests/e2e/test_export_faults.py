"""The adapter against the sandbox's injected faults over real HTTP: rate-limit storms, 5xx,
quota exhaustion, long Retry-After, writes applied whose answer is lost, slow answers.

The sandbox runs on a manual clock and the adapter's sleep advances it: no test really waits,
yet the sandbox sees the time the adapter waited (rate-limit windows roll, tokens expire).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, small_seed, use_sandbox
from tests.e2e.seed_expectations import SeedView
from transfer.auth import AccountTokens, TokenStore
from transfer.cli import cli
from transfer.config import NetworkOptions, Settings
from transfer.errors import ExitStatus, OutcomeUnknown, RateLimited, ServerError
from transfer.export import read_library
from transfer.models import Category, Library
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.faults import Faults
from transfer.sandbox.requestlog import LoggedRequest
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.spotify import RetryPolicy, SpotifyAdapter, Transport

pytestmark = pytest.mark.e2e

JITTER = 0.5


@dataclass
class Rig:
    """An adapter on a faulty sandbox, and what happened, in order on each thread that sent
    requests: each failed answer (``("429", retry_after)`` or ``("5xx", status)``) and each wait
    (``("wait", seconds)``). The adapter reads from a pool thread and the caller's thread at
    once, so the order is kept per thread: a thread waits after its own failure."""

    server: SandboxServer
    adapter: SpotifyAdapter
    threads: dict[int, list[tuple[str, float]]] = field(default_factory=dict)

    def record(self, kind: str, value: float) -> None:
        self.threads.setdefault(threading.get_ident(), []).append((kind, value))

    @property
    def waits(self) -> list[float]:
        return [seconds for events in self.threads.values()
                for kind, seconds in events if kind == "wait"]

    def faults_met(self, kind: str) -> list[LoggedRequest]:
        return [entry for entry in self.server.request_log.entries if entry.fault == kind]


def make_rig(server: SandboxServer, clock: ManualClock | None, home: Path,
             account: str = "source", on_wait: Callable[[], None] | None = None,
             **network: float) -> Rig:
    network.setdefault("concurrency", 1)  # these tests follow one stream of requests in order
    settings = Settings(api_url=server.api_url, accounts_url=server.accounts_url,
                        client_id=server.client_id, home=home,
                        network=NetworkOptions(**network))
    log_in_headless(settings, server)
    server.request_log.reset()
    rig: Rig

    def sleep(seconds: float) -> None:
        rig.record("wait", seconds)
        if clock is not None:
            clock.advance(seconds)
        if on_wait is not None:
            on_wait()

    def remember_failure(response: requests.Response, *args: object, **kwargs: object) -> None:
        if response.status_code == 429:
            rig.record("429", float(response.headers["Retry-After"]))
        elif response.status_code >= 500:
            rig.record("5xx", response.status_code)

    session = requests.Session()
    session.hooks["response"].append(remember_failure)
    policy = RetryPolicy(max_retry_after=settings.network.max_retry_after,
                         max_attempts=settings.network.max_attempts, jitter=JITTER,
                         sleep=sleep, rng=random.Random(7))
    tokens = AccountTokens(account, settings, TokenStore(home),
                           clock=lambda: clock.now().timestamp() if clock else time.time())
    transport = Transport(settings.api_base, tokens, policy, settings.network.request_timeout,
                          session=session, in_flight=settings.network.concurrency)
    rig = Rig(server, SpotifyAdapter(transport))
    return rig


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


def serve(seed: SandboxSeed, clock: ManualClock | None, faults: Faults | None = None
          ) -> Iterator[SandboxServer]:
    with SandboxServer(seed, port=0, clock=clock, faults=faults, rng_seed=3) as server:
        yield server


@pytest.fixture
def builtin_server(manual_clock: ManualClock) -> Iterator[SandboxServer]:
    yield from serve(builtin_seed(), manual_clock)


@pytest.fixture
def small_server(manual_clock: ManualClock) -> Iterator[SandboxServer]:
    yield from serve(small_seed(), manual_clock)


def assert_exported_exactly(library: Library, server: SandboxServer) -> None:
    view = SeedView(server.state.dump(), SOURCE_USER)
    assert [playlist.id for playlist in library.playlists] == view.library.playlists
    for playlist, seeded in zip(library.playlists, view.listed_playlists(), strict=True):
        if view.relation(seeded) != "followed":
            assert playlist.entries == view.entries(seeded), playlist.name
    assert list(library.liked_songs) == view.liked_songs()
    assert [(item.uri, item.name, item.added_at) for item in library.albums] == view.saved(
        "album")
    assert [(artist.uri, artist.name) for artist in library.artists] == view.followed_artists()


def assert_waits_within_what_was_asked(rig: Rig) -> None:
    """On each thread, each wait follows a failed answer: after a 429 it is what Retry-After
    asked plus at most the jitter; after a 5xx it is a bounded backoff. No failure goes without
    its wait (every request here ends well)."""
    assert rig.threads, "requests were sent"
    for events in rig.threads.values():
        failure: tuple[str, float] | None = None
        for kind, value in events:
            if kind != "wait":
                assert failure is None, f"a failure ({failure}) without a wait after it"
                failure = (kind, value)
                continue
            assert failure is not None, "a wait without a failure before it"
            if failure[0] == "429":
                assert failure[1] <= value <= failure[1] + JITTER
            else:
                assert value <= 30 + JITTER
            failure = None
        assert failure is None, f"a failure ({failure}) without a wait after it"


def test_a_storm_of_429s_and_5xx_loses_nothing_and_ends(builtin_server: SandboxServer,
                                                        manual_clock: ManualClock,
                                                        tmp_path: Path) -> None:
    rig = make_rig(builtin_server, manual_clock, tmp_path, max_attempts=12)
    builtin_server.set_faults(Faults(rate_limit=25, rate_window=30, error_rate=0.15,
                                     error_statuses=[500, 502, 503]))
    started = time.monotonic()
    library = read_library(rig.adapter)
    assert time.monotonic() - started < 60
    assert_exported_exactly(library, builtin_server)
    limited, errors = rig.faults_met("rate_limit"), rig.faults_met("error")
    assert limited and errors, "the storm did happen"
    view = SeedView(builtin_server.state.dump(), SOURCE_USER)
    least = sum(view.least_read_calls().values())
    assert sum(rig.adapter.calls.values()) == least + len(limited) + len(errors)
    assert builtin_server.request_log.api_total() == sum(rig.adapter.calls.values())
    assert_waits_within_what_was_asked(rig)
    assert len(rig.waits) == len(limited) + len(errors)


def test_5xx_are_retried_with_backoff(small_server: SandboxServer, manual_clock: ManualClock,
                                      tmp_path: Path) -> None:
    # Enough attempts that no request meets 30% of failures every time (0.3^12 ~ 5e-7).
    rig = make_rig(small_server, manual_clock, tmp_path, max_attempts=12)
    small_server.set_faults(Faults(error_rate=0.3))
    library = read_library(rig.adapter)
    assert_exported_exactly(library, small_server)
    errors = rig.faults_met("error")
    assert errors and len(rig.waits) == len(errors)
    assert_waits_within_what_was_asked(rig)


def test_quota_exhaustion_pauses_at_once_with_the_time_to_resume(
    small_server: SandboxServer, manual_clock: ManualClock, tmp_path: Path
) -> None:
    rig = make_rig(small_server, manual_clock, tmp_path)
    small_server.set_faults(Faults(quota=5))
    with pytest.raises(RateLimited) as caught:
        read_library(rig.adapter)
    assert caught.value.quota and caught.value.retry_after == 86_400
    assert rig.waits == []
    assert small_server.request_log.api_total() == 6


def test_a_retry_after_beyond_the_maximum_pauses_instead_of_sleeping(
    small_server: SandboxServer, manual_clock: ManualClock, tmp_path: Path
) -> None:
    rig = make_rig(small_server, manual_clock, tmp_path, max_retry_after=60)
    small_server.set_faults(Faults(rate_limit=3, rate_window=3600))
    with pytest.raises(RateLimited) as caught:
        read_library(rig.adapter)
    assert not caught.value.quota and caught.value.retry_after > 60
    assert rig.waits == []
    # Three answered, the fourth refused with the long wait; nothing is sent after it on any
    # thread, since requests go one at a time (concurrency 1) and the pause stops the rest.
    assert small_server.request_log.api_total() == 4
    assert len(rig.faults_met("rate_limit")) == 1


def test_paused_export_exits_75_with_the_time_to_resume(
    small_server: SandboxServer, monkeypatch: pytest.MonkeyPatch, transfer_home: Path,
) -> None:
    use_sandbox(monkeypatch, small_server)
    log_in_headless(Settings(api_url=small_server.api_url, accounts_url=small_server.accounts_url,
                             client_id=small_server.client_id, home=transfer_home), small_server)
    small_server.set_faults(Faults(quota=3))
    result = CliRunner().invoke(cli, ["export"])
    assert result.exit_code == ExitStatus.PAUSED
    assert "quota" in result.output and "Resume after" in result.output


@pytest.mark.parametrize("after_apply", ["fail_after_apply_rate", "drop_after_apply_rate"])
def test_a_playlist_add_whose_answer_is_lost_is_reported_unknown_not_repeated(
    small_server: SandboxServer, manual_clock: ManualClock, tmp_path: Path, after_apply: str
) -> None:
    rig = make_rig(small_server, manual_clock, tmp_path, account="target")
    playlist_id = rig.adapter.create_playlist("Copy", "", public=False)
    uris = [item.uri for item in SeedView(small_server.state.dump(), SOURCE_USER).liked_songs()]
    small_server.set_faults(Faults(only=["POST /playlists/{playlist_id}/items"],
                                   **{after_apply: 1.0}))
    with pytest.raises(OutcomeUnknown) as caught:
        rig.adapter.add_items(playlist_id, uris[:10])
    assert caught.value.path == f"/playlists/{playlist_id}/items"
    small_server.set_faults(Faults())
    entries = list(rig.adapter.playlist_entries(playlist_id))
    assert [entry.uri for entry in entries] == uris[:10], "applied once, not repeated"
    assert rig.adapter.calls[("POST", "/playlists/{playlist_id}/items")] == 1


def test_a_library_save_whose_answer_is_lost_is_repeated_safely(
    small_server: SandboxServer, manual_clock: ManualClock, tmp_path: Path
) -> None:
    rig = make_rig(small_server, manual_clock, tmp_path, account="target",
                   on_wait=lambda: small_server.set_faults(Faults()))
    albums = [uri for uri, _, _ in SeedView(small_server.state.dump(), SOURCE_USER).saved("album")]
    small_server.set_faults(Faults(only=["PUT /me/library"], drop_after_apply_rate=1.0))
    rig.adapter.save_to_library(albums)
    saved = {item.uri for item in rig.adapter.saved(Category.ALBUMS)}
    assert saved == set(albums)
    assert len(rig.faults_met("dropped")) == 1 and len(rig.waits) == 1
    assert rig.adapter.calls[("PUT", "/me/library")] == 2
    view = SeedView(small_server.state.dump(), TARGET_USER)
    assert len(view.library.albums) == len(albums), "each album saved once"


def test_answers_slower_than_the_timeout_are_bounded(tmp_path: Path) -> None:
    for server in serve(small_seed(), None):
        rig = make_rig(server, None, tmp_path, request_timeout=0.2, max_attempts=2)
        server.set_faults(Faults(latency=0.6, only=["GET /me"]))
        started = time.monotonic()
        with pytest.raises(ServerError):
            rig.adapter.me()
        assert time.monotonic() - started < 5
        assert rig.adapter.calls[("GET", "/me")] == 2
        server.set_faults(Faults(latency=0.6, only=["POST /me/playlists"]))
        with pytest.raises(OutcomeUnknown):
            rig.adapter.create_playlist("Slow")
        assert rig.adapter.calls[("POST", "/me/playlists")] == 1
