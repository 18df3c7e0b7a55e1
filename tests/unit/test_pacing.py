"""The pacer: at most ``limit`` requests in any window, from any number of threads."""

from __future__ import annotations

import threading

import pytest

from transfer.config import NetworkOptions, Settings
from transfer.spotify.pacing import MARGIN, Pacer, Pacing, pacer_for


class FakeTime:
    """A clock that only the pacer's sleeps move (so waits are exact and nothing waits)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def clock(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_the_first_requests_of_a_window_go_at_once_and_the_next_waits_for_the_first() -> None:
    time = FakeTime()
    pacer = Pacer(3, window=10, margin=0, clock=time.clock, sleep=time.sleep)
    assert [pacer.wait() for _ in range(3)] == [0, 0, 0]
    time.now = 4.0
    assert pacer.wait() == 6.0
    assert time.sleeps == [6.0]


def test_reservations_follow_each_other_without_waiting_twice() -> None:
    time = FakeTime()
    pacer = Pacer(2, window=10, margin=0, clock=time.clock, sleep=time.sleep)
    waits = [pacer.wait() for _ in range(6)]
    assert waits == [0, 0, 10, 10, 20, 20]


def test_the_window_has_a_margin_for_the_time_a_request_takes_to_arrive() -> None:
    time = FakeTime()
    pacer = Pacer(1, window=30, clock=time.clock, sleep=time.sleep)
    pacer.wait()
    assert pacer.wait() == 30 + MARGIN


def test_a_quiet_moment_frees_the_window() -> None:
    time = FakeTime()
    pacer = Pacer(2, window=10, margin=0, clock=time.clock, sleep=time.sleep)
    pacer.wait()
    pacer.wait()
    time.now = 25.0
    assert pacer.wait() == 0 and pacer.wait() == 0
    assert time.sleeps == []


def test_threads_never_get_more_than_the_limit_into_one_window() -> None:
    time = FakeTime()
    pacer = Pacer(5, window=10, margin=0, clock=time.clock, sleep=time.sleep)
    moments: list[float] = []
    lock = threading.Lock()

    def send() -> None:
        for _ in range(20):
            waited = pacer.wait()
            with lock:
                moments.append(time.clock() + waited)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    moments.sort()
    assert len(moments) == 120
    assert all(later - earlier >= 10 for earlier, later in zip(moments, moments[5:], strict=False))


@pytest.mark.parametrize(("api_url", "configured", "limit"), [
    ("https://api.spotify.com/v1", None, 300),
    ("https://api.spotify.com/v1", 120, 120),
    ("https://api.spotify.com/v1", 0, None),
    ("http://127.0.0.1:8000/v1", None, None),
    ("http://127.0.0.1:8000/v1", 300, 300),
])
def test_spotify_is_paced_by_default_and_any_other_address_when_asked(
    api_url: str, configured: int | None, limit: int | None
) -> None:
    settings = Settings(api_url=api_url,
                        network=NetworkOptions(requests_per_30s=configured))
    pacing = pacer_for(settings)
    assert (pacing.requests.limit if pacing is not None else None) == limit
    if pacing is not None:
        assert pacing.uploads is not None and pacing.uploads.limit == min(20, configured or 300)


def test_a_cover_upload_waits_for_a_slot_among_uploads_and_among_all_requests() -> None:
    time = FakeTime()
    pacing = Pacing(Pacer(10, window=10, margin=0, clock=time.clock, sleep=time.sleep),
                    Pacer(2, window=10, margin=0, clock=time.clock, sleep=time.sleep))
    assert [pacing.wait(upload=True) for _ in range(2)] == [0, 0]
    assert pacing.wait() == 0, "other requests are not held up by uploads"
    assert pacing.wait(upload=True) == 10


def test_a_pacer_lets_at_least_one_request_through() -> None:
    with pytest.raises(ValueError):
        Pacer(0)
