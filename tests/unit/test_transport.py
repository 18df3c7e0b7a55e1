"""The choke point's own request: answers that are not JSON, hostile ``Retry-After`` values,
the number of requests on the wire, and a pause that stops every thread's requests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.unit.spotify_fakes import API, FakeSession, Reply, Sent, StubTokens, rig, scripted
from transfer.errors import OutcomeUnknown, RateLimited
from transfer.spotify import RetryPolicy, SpotifyAdapter, Transport

ME = Reply(200, {"id": "alex.old", "display_name": "Alex"})


def test_a_read_answered_with_a_page_that_is_not_json_is_read_again() -> None:
    test = rig(scripted(Reply(200, b"<html>Bad gateway</html>"), ME))
    assert test.adapter.me().id == "alex.old"
    assert len(test.session.sent) == 2 and len(test.sleeps) == 1


def test_a_write_answered_with_a_page_that_is_not_json_has_an_unknown_outcome() -> None:
    test = rig(scripted(Reply(201, b"<html>ok?</html>")), account="target")
    with pytest.raises(OutcomeUnknown) as caught:
        test.adapter.create_playlist("Copy")
    assert caught.value.method == "POST" and not caught.value.in_flight
    assert len(test.session.sent) == 1, "not sent again: it may have been applied"


def test_requests_carry_the_token_and_a_json_body_and_nothing_else() -> None:
    test = rig(scripted(Reply(201, {"id": "new", "uri": "spotify:playlist:new"})),
               account="target")
    test.adapter.create_playlist("Copy", "words", public=False)
    (sent,) = test.session.sent
    assert sent.headers == {"Authorization": "Bearer access-1",
                            "Content-Type": "application/json"}
    assert sent.body == {"name": "Copy", "description": "words", "public": False,
                         "collaborative": False}


@pytest.mark.parametrize("value", ["nan", "inf", "-5", "soon", ""])
def test_a_retry_after_that_is_no_time_is_not_obeyed(value: str) -> None:
    test = rig(scripted(Reply(429, {"error": {"status": 429}}, {"Retry-After": value}), ME))
    test.adapter.me()
    assert len(test.sleeps) == 1
    assert 0 <= test.sleeps[0] <= 30, "a bounded backoff instead"


def test_a_retry_after_given_as_a_date_is_obeyed() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    test = rig(scripted(Reply(429, {"error": {"status": 429}}, {"Retry-After": when}), ME))
    test.adapter.me()
    assert 17 <= test.sleeps[0] <= 21


def test_a_pause_stops_every_later_request_until_the_time_to_resume() -> None:
    now = [datetime(2026, 12, 3, 12, 0, tzinfo=UTC)]
    test = rig(scripted(Reply(429, {"error": {"status": 429}}, {"Retry-After": "7200"}), ME),
               max_retry_after=600)
    test.policy.clock = lambda: now[0]
    with pytest.raises(RateLimited) as first:
        test.adapter.me()
    with pytest.raises(RateLimited) as second:
        test.adapter.me()
    assert len(test.session.sent) == 1, "nothing sent while the pause lasts"
    assert second.value.resume_at == first.value.resume_at == now[0] + timedelta(hours=2)
    now[0] += timedelta(hours=2)
    assert test.adapter.me() is not None
    assert len(test.session.sent) == 2, "sent again once the time to resume has come"


def test_a_pause_met_on_one_thread_stops_the_others() -> None:
    """Four threads, one request on the wire at a time: whichever is sent first meets the
    spent quota, and the three others are not sent at all."""
    refused = threading.Event()

    def handler(sent: Sent) -> Reply:
        if not refused.is_set():
            refused.set()
            return Reply(429, {"error": {"status": 429, "reason": "QUOTA_EXCEEDED"}},
                         {"Retry-After": "86400"})
        return ME

    session = FakeSession(handler)
    transport = Transport(API, StubTokens(), RetryPolicy(sleep=lambda seconds: None), timeout=5,
                          session=session, in_flight=1)
    adapter = SpotifyAdapter(transport, concurrency=1)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            adapter.me()
        except RateLimited as pause:
            errors.append(pause)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 4 and all(error.quota for error in errors)
    assert len(session.sent) == 1


@pytest.mark.parametrize("in_flight", [1, 2])
def test_no_more_requests_on_the_wire_than_the_concurrency(in_flight: int) -> None:
    lock = threading.Lock()
    active, most = [0], [0]

    def handler(sent: Sent) -> Reply:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return ME

    session = FakeSession(handler)
    transport = Transport(API, StubTokens(), RetryPolicy(sleep=lambda seconds: None), timeout=5,
                          session=session, in_flight=in_flight)
    adapter = SpotifyAdapter(transport, concurrency=in_flight)
    threads = [threading.Thread(target=adapter.me) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(session.sent) == 6
    assert 1 <= most[0] <= in_flight
