"""The choke point's retry policy: 429, 5xx, dropped connections, 401, and unsafe writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import requests
import urllib3.exceptions

from tests.unit.spotify_fakes import Reply, error_body, rig, scripted
from transfer.errors import (
    AuthError,
    ExitStatus,
    Forbidden,
    MissingScope,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    ServerError,
    SpotifyError,
)
from transfer.models import Category

ME = Reply(200, {"id": "alex.old", "display_name": "Alex"})


def too_many(seconds: int | None, reason: str | None = None) -> Reply:
    headers = {"Retry-After": str(seconds)} if seconds is not None else {}
    return Reply(429, error_body(429, "Too many requests", reason), headers)


def server_error(status: int = 503) -> Reply:
    return Reply(status, error_body(status, "Service unavailable"))


def refused() -> requests.ConnectionError:
    cause = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", cause))  # type: ignore[arg-type]


def dropped() -> requests.ConnectionError:
    return requests.ConnectionError("Connection aborted.", ConnectionResetError(104, "reset"))


def test_429_waits_what_retry_after_asks_then_succeeds() -> None:
    test = rig(scripted(too_many(3), too_many(7), ME))
    assert test.adapter.me().id == "alex.old"
    assert test.sleeps == [3, 7]
    assert test.adapter.calls == {("GET", "/me"): 3}


def test_jitter_is_small_and_never_shortens_the_wait() -> None:
    test = rig(scripted(*[too_many(2)] * 20, ME), jitter=0.5)
    test.adapter.me()
    assert len(test.sleeps) == 20
    assert all(2 <= wait <= 2.5 for wait in test.sleeps)
    assert len(set(test.sleeps)) > 1


def test_retry_after_over_the_maximum_pauses_at_once() -> None:
    test = rig(scripted(too_many(3600)))
    with pytest.raises(RateLimited) as caught:
        test.adapter.me()
    error = caught.value
    assert error.retry_after == 3600 and not error.quota
    assert test.sleeps == [] and len(test.session.sent) == 1
    assert error.exit_status is ExitStatus.PAUSED
    now = datetime.now(UTC)
    assert now + timedelta(seconds=3590) < error.resume_at <= now + timedelta(seconds=3600)


def test_quota_exhaustion_pauses_at_once_whatever_retry_after_says() -> None:
    test = rig(scripted(too_many(5, reason="QUOTA_EXCEEDED")))
    with pytest.raises(RateLimited) as caught:
        test.adapter.me()
    assert caught.value.quota and caught.value.retry_after == 5
    assert test.sleeps == []


def test_resume_time_comes_from_the_injected_clock() -> None:
    test = rig(scripted(too_many(1000)))
    test.policy.clock = lambda: datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(RateLimited) as caught:
        test.adapter.me()
    assert caught.value.resume_at == datetime(2026, 11, 1, 12, 16, 40, tzinfo=UTC)


def test_a_storm_of_429s_never_waits_more_than_the_maximum_in_total() -> None:
    test = rig(scripted(*[too_many(200)] * 10), max_retry_after=600)
    with pytest.raises(RateLimited) as caught:
        test.adapter.me()
    assert test.sleeps == [200, 200, 200]
    assert sum(test.sleeps) <= 600
    assert caught.value.retry_after == 200
    assert len(test.session.sent) == 4


def test_429_without_retry_after_backs_off() -> None:
    test = rig(scripted(too_many(None), too_many(None), ME))
    test.adapter.me()
    assert test.sleeps == [0.5, 1.0]


def test_5xx_on_a_read_backs_off_exponentially_then_gives_up() -> None:
    test = rig(scripted(*[server_error()] * 10), max_attempts=5)
    with pytest.raises(ServerError) as caught:
        test.adapter.me()
    assert test.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert len(test.session.sent) == 5
    assert caught.value.status == 503


def test_5xx_then_success_on_a_read() -> None:
    test = rig(scripted(server_error(500), server_error(502), ME))
    assert test.adapter.me().id == "alex.old"
    assert test.adapter.calls == {("GET", "/me"): 3}


def test_a_mix_of_429_and_5xx_gets_through() -> None:
    test = rig(scripted(too_many(1), server_error(), too_many(2), server_error(), ME))
    test.adapter.me()
    assert test.sleeps == [1, 0.5, 2, 1.0]


def test_5xx_on_playlist_add_is_reported_as_unknown_not_retried() -> None:
    test = rig(scripted(server_error(502)))
    with pytest.raises(OutcomeUnknown) as caught:
        test.adapter.add_items("p1", ["spotify:track:a"])
    assert (caught.value.method, caught.value.path) == ("POST", "/playlists/p1/items")
    assert len(test.session.sent) == 1 and test.sleeps == []


def test_5xx_on_playlist_create_is_reported_as_unknown() -> None:
    test = rig(scripted(server_error(500)))
    with pytest.raises(OutcomeUnknown):
        test.adapter.create_playlist("New")
    assert len(test.session.sent) == 1


def test_429_on_playlist_add_is_retried_it_was_not_applied() -> None:
    test = rig(scripted(too_many(4), Reply(201, {"snapshot_id": "s"})))
    assert test.adapter.add_items("p1", ["spotify:track:a"]) == "s"
    assert test.sleeps == [4]
    assert len(test.session.sent) == 2


@pytest.mark.parametrize("failure", [dropped, lambda: requests.ReadTimeout("read timed out")])
def test_a_lost_answer_on_playlist_add_is_unknown(failure: type[Exception]) -> None:
    test = rig(scripted(failure()))
    with pytest.raises(OutcomeUnknown):
        test.adapter.add_items("p1", ["spotify:track:a"])
    assert len(test.session.sent) == 1


@pytest.mark.parametrize("failure", [dropped, lambda: requests.ReadTimeout("read timed out")])
def test_a_write_with_no_answer_at_all_is_given_a_timeout_to_land_before_it_is_checked(
    failure: type[Exception],
) -> None:
    """It may still be executing: a check made at once would miss it and send it again."""
    test = rig(scripted(failure()))
    with pytest.raises(OutcomeUnknown) as caught:
        test.adapter.create_playlist("New")
    assert caught.value.in_flight
    assert test.sleeps == [5], "one request timeout of the transport"


def test_a_write_answered_5xx_is_checked_at_once() -> None:
    """Spotify answered: it is done with the request, whatever it did."""
    test = rig(scripted(server_error(502)))
    with pytest.raises(OutcomeUnknown) as caught:
        test.adapter.add_items("p1", ["spotify:track:a"])
    assert not caught.value.in_flight
    assert test.sleeps == []


@pytest.mark.parametrize("failure", [refused, lambda: requests.ConnectTimeout("connect")])
def test_a_connection_never_made_is_retried_even_for_playlist_add(failure: type[Exception]
                                                                 ) -> None:
    test = rig(scripted(failure(), Reply(201, {"snapshot_id": "s"})))
    assert test.adapter.add_items("p1", ["spotify:track:a"]) == "s"
    assert len(test.session.sent) == 2


@pytest.mark.parametrize("failure", [dropped, lambda: requests.ReadTimeout("read timed out")])
def test_a_lost_answer_on_a_safe_write_is_retried(failure: type[Exception]) -> None:
    test = rig(scripted(failure(), server_error(), Reply(200, None)))
    test.adapter.save_to_library(["spotify:album:a"])
    assert test.adapter.calls == {("PUT", "/me/library"): 3}


def test_401_refreshes_the_token_once_and_retries() -> None:
    test = rig(scripted(Reply(401, error_body(401, "The access token expired")), ME))
    test.adapter.me()
    assert test.tokens.invalidated == 1
    assert [sent.headers["Authorization"] for sent in test.session.sent] == [
        "Bearer access-1", "Bearer access-2"]


def test_401_twice_is_an_auth_error_naming_the_account() -> None:
    test = rig(scripted(*[Reply(401, error_body(401, "Invalid access token"))] * 3),
               account="target")
    with pytest.raises(AuthError) as caught:
        test.adapter.me()
    assert caught.value.account == "target"
    assert "spotify-transfer login target" in (caught.value.advice or "")
    assert len(test.session.sent) == 2


def test_missing_scope_names_the_account_and_the_fix() -> None:
    test = rig(scripted(Reply(403, error_body(403, "Insufficient client scope"))))
    with pytest.raises(MissingScope) as caught:
        list(test.adapter.saved(Category.ALBUMS))
    assert caught.value.account == "source"
    assert "user-library-read" in caught.value.message
    assert "spotify-transfer login source" in (caught.value.advice or "")


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (Reply(403, error_body(403, "Forbidden")), Forbidden),
        (Reply(404, error_body(404, "Not found")), NotFound),
        (Reply(400, error_body(400, "Invalid limit")), SpotifyError),
    ],
)
def test_client_errors_are_not_retried(reply: Reply, error: type[Exception]) -> None:
    test = rig(scripted(reply, ME))
    with pytest.raises(error):
        test.adapter.me()
    assert len(test.session.sent) == 1


def test_a_token_refresh_that_cannot_connect_is_retried() -> None:
    test = rig(scripted(ME))
    failures = [requests.ConnectionError("accounts down")]
    original = test.tokens.access_token

    def flaky() -> str:
        if failures:
            raise failures.pop()
        return original()

    test.tokens.access_token = flaky  # type: ignore[method-assign]
    test.adapter.me()
    assert test.sleeps == [0.5]
    assert len(test.session.sent) == 1


def test_every_attempt_is_counted() -> None:
    test = rig(scripted(server_error(), too_many(1), ME))
    test.adapter.me()
    assert test.adapter.calls[("GET", "/me")] == 3
