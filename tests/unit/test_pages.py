"""Reading pages side by side: order kept, changes noticed, a failure stops the rest."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from transfer.errors import Forbidden, RateLimited
from transfer.pages import PageReader
from transfer.spotify import READ_PAGE, Page


class Collection:
    """A paged collection of numbers; records the offsets asked for, in order."""

    def __init__(self, size: int, delay: float = 0.0, steady: bool = False) -> None:
        self.values = list(range(size))
        self.delay = delay
        self.steady = steady
        self.asked: list[int] = []
        self.sequential_reads = 0
        self._lock = threading.Lock()
        self._rng = random.Random(size)

    def fetch(self, offset: int) -> Page[int]:
        with self._lock:
            self.asked.append(offset)
            pause = self.delay if self.steady else self._rng.uniform(0, self.delay)
        time.sleep(pause)
        return Page(tuple(self.values[offset:offset + READ_PAGE]), len(self.values))

    def sequential(self) -> Iterator[Page[int]]:
        self.sequential_reads += 1
        for offset in range(0, max(1, len(self.values)), READ_PAGE):
            yield Page(tuple(self.values[offset:offset + READ_PAGE]), len(self.values))


@pytest.mark.parametrize("size", [0, 1, 50, 51, 333])
@pytest.mark.parametrize("known", [True, False])
def test_pages_come_back_in_order_whatever_order_they_were_read_in(size: int, known: bool
                                                                   ) -> None:
    collection = Collection(size, delay=0.005)
    with PageReader(4) as reader:
        read = reader.collection(collection.fetch, collection.sequential,
                                 size if known else None)
        assert read.items() == list(range(size))
    pages = -(-size // READ_PAGE)
    assert sorted(collection.asked) == [READ_PAGE * n for n in range(pages if known else
                                                                      max(1, pages))]
    assert collection.sequential_reads == 0


def test_each_page_is_reported_once_as_it_comes() -> None:
    collection = Collection(120)
    seen: list[int] = []
    with PageReader(3) as reader:
        reader.collection(collection.fetch, collection.sequential).items(
            lambda page: seen.append(len(page.items)))
    assert seen == [50, 50, 20]


def test_several_collections_are_read_side_by_side() -> None:
    collections = [Collection(100, delay=0.05, steady=True) for _ in range(4)]
    started = time.monotonic()
    with PageReader(8) as reader:
        reads = [reader.collection(c.fetch, c.sequential, 100) for c in collections]
        assert [read.items() for read in reads] == [list(range(100))] * 4
    assert time.monotonic() - started < 0.2  # eight pages of 0.05 s: 0.4 s one after another


def test_a_collection_that_changed_while_read_is_read_again_in_order() -> None:
    collection = Collection(120)
    real_fetch = collection.fetch

    def changing(offset: int) -> Page[int]:
        page = real_fetch(offset)
        if offset == READ_PAGE:
            collection.values.append(999)  # added while the pages were read
        return page

    with PageReader(1) as reader:
        items = reader.collection(changing, collection.sequential, 120).items()
    assert items == [*range(120), 999]
    assert collection.sequential_reads == 1


def test_a_failure_stops_every_request_not_yet_sent() -> None:
    calls: list[int] = []
    lock = threading.Lock()

    def fetch(offset: int) -> Page[int]:
        with lock:
            calls.append(offset)
        if offset == 0:
            raise RateLimited("wait", retry_after=3600, resume_at=datetime.now(UTC))
        time.sleep(0.01)
        return Page((offset,), 1000)

    with pytest.raises(RateLimited), PageReader(2) as reader:
        read = reader.collection(fetch, lambda: iter(()), 1000)
        read.items()
    assert len(calls) <= 3, calls  # the failed one and at most one in flight beside it


def test_a_tolerated_failure_does_not_stop_the_others() -> None:
    def refused(offset: int) -> Page[int]:
        raise Forbidden("not yours", status=403)

    ok = Collection(60)
    with PageReader(2, tolerated=(Forbidden,)) as reader:
        failing = reader.collection(refused, lambda: iter(()), 60)
        fine = reader.collection(ok.fetch, ok.sequential, 60)
        with pytest.raises(Forbidden):
            failing.items()
        assert fine.items() == list(range(60))
