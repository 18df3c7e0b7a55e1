"""Reading several pages at a time against the sandbox: the same library and the same calls as
one request after another, every call counted, and no request refused by a rate limit when the
tool keeps under it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import make_adapter
from transfer.auth import AccountTokens, TokenStore
from transfer.config import Settings
from transfer.environment import Environment
from transfer.export import read_library
from transfer.models import Library
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer
from transfer.spotify import SpotifyAdapter
from transfer.spotify.pacing import Pacer, Pacing

pytestmark = pytest.mark.e2e


def with_concurrency(settings: Settings, concurrency: int) -> Settings:
    network = settings.network.model_copy(update={"concurrency": concurrency})
    return settings.model_copy(update={"network": network})


def comparable(library: Library) -> dict[str, object]:
    return library.model_dump(exclude={"exported_at"})


def test_reading_side_by_side_gives_the_same_library_for_the_same_calls(
    logged_in: Settings, sandbox: SandboxServer
) -> None:
    one_by_one = make_adapter(with_concurrency(logged_in, 1), "source", [])
    expected = read_library(one_by_one)
    calls_one_by_one = sum(one_by_one.calls.values())
    sandbox.request_log.reset()

    side_by_side = make_adapter(with_concurrency(logged_in, 8), "source", [])
    library = read_library(side_by_side)

    assert comparable(library) == comparable(expected)
    assert sum(side_by_side.calls.values()) == calls_one_by_one
    assert sandbox.request_log.api_total() == calls_one_by_one, "every call counted"


def test_keeping_under_the_rate_limit_no_request_is_refused(
    fresh_sandbox: SandboxServer, point_at: Callable[[SandboxServer], Settings], tmp_path: Path
) -> None:
    settings = with_concurrency(point_at(fresh_sandbox), 6)
    fresh_sandbox.set_faults(Faults(rate_limit=40, rate_window=0.5))
    fresh_sandbox.request_log.reset()
    pacer = Pacing(Pacer(40, window=0.5, margin=0.3))
    adapter = SpotifyAdapter.connect(
        settings, AccountTokens("source", settings, TokenStore(settings.home)), pacer=pacer)
    read_library(adapter)
    entries = fresh_sandbox.request_log.entries
    assert len(entries) > 2 * 40, "enough requests to need pacing"
    assert [entry for entry in entries if entry.status == 429] == []


def test_both_accounts_of_a_command_share_one_pacer(sandbox_env: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_NETWORK__REQUESTS_PER_30S", "123")
    env = Environment()
    source, target = env.adapter("source"), env.adapter("target")
    assert source.pacer is not None and source.pacer is target.pacer
    assert source.pacer.requests.limit == 123
    assert source.concurrency == target.concurrency == sandbox_env.network.concurrency


def test_a_sandbox_is_not_paced_unless_asked(sandbox_env: Settings) -> None:
    assert Environment().adapter("source").pacer is None
