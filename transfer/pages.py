"""Reading paged collections several pages at a time, and handing them over in order.

Spotify pages playlists, playlist entries and saved collections by offset, 50 at a time. When a
collection's total is known (a playlist's, from the playlist list) all its pages are asked for
at once; otherwise the first page is read and gives the total, and the rest follow. Pages of
different collections are read side by side. The pages of each collection are handed over in
order, on the caller's thread (so progress is reported from one thread only).

Reading by offset assumes the collection does not change while it is read. Every page says the
collection's total: when they disagree, something was added or removed meanwhile and the
collection is read again one page after another (``sequential``), following Spotify's links.

Only the caller waits for results; the pool's threads never wait for each other, so any number
of collections may be started on a pool of any size. Once a request fails with an error that
stops the read (a pause, a server down, a refused log-in: any but the ``tolerated`` ones), no
other request is sent: what was not started fails with that same error, and the caller meets
it whichever result it waits for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from types import TracebackType
from typing import Generic, TypeVar

from transfer.spotify import READ_PAGE, Page

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

Fetch = Callable[[int], Page[T]]
"""Reads the page that starts at an offset (one API call)."""
Sequential = Callable[[], Iterator[Page[T]]]
"""Reads the whole collection one page after another."""


class PagedRead(Generic[T]):
    """One collection being read; ``items()`` hands its pages over in order."""

    def __init__(self, pool: PageReader, fetch: Fetch[T], sequential: Sequential[T],
                 total: int | None) -> None:
        self._pool = pool
        self._fetch = fetch
        self._sequential = sequential
        self._total = total
        if total is None:
            self._head: Future[tuple[Page[T], list[Future[Page[T]]]]] | None = pool.task(
                self._first_and_rest)
            self._known: list[Future[Page[T]]] = []
        else:
            self._head = None
            self._known = [pool.task(partial(fetch, offset))
                           for offset in range(0, total, READ_PAGE)]

    def _first_and_rest(self) -> tuple[Page[T], list[Future[Page[T]]]]:
        first = self._fetch(0)
        total = first.total or 0
        rest = [self._pool.task(partial(self._fetch, offset))
                for offset in range(READ_PAGE, total, READ_PAGE)]
        return first, rest

    def items(self, on_page: Callable[[Page[T]], None] = lambda page: None) -> list[T]:
        """The items in order, ``on_page`` told of each page as it comes; read again one page
        after another if the collection changed while it was read."""
        items: list[T] = []
        expected = self._total
        futures = self._futures()
        for future in futures:
            page = future.result()
            expected = page.total if expected is None else expected
            if expected is None or page.total != expected:
                for rest in futures:
                    rest.cancel()
                logger.info("A collection changed while it was read; reading it again in order")
                return self._again(on_page)
            items.extend(page.items)
            on_page(page)
        return items

    def _futures(self) -> list[Future[Page[T]]]:
        if self._head is None:
            return self._known
        first, rest = self._head.result()
        done: Future[Page[T]] = Future()
        done.set_result(first)
        return [done, *rest]

    def _again(self, on_page: Callable[[Page[T]], None]) -> list[T]:
        items: list[T] = []
        for page in self._sequential():
            items.extend(page.items)
            on_page(page)
        return items


class PageReader:
    """A pool of ``workers`` threads reading pages (and other requests) side by side.

    Use it as a context manager: on an error, what was not sent yet is cancelled.
    """

    def __init__(self, workers: int, tolerated: tuple[type[Exception], ...] = ()) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers),
                                        thread_name_prefix="spotify-read")
        self._tolerated = tolerated
        self._failure: BaseException | None = None

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._pool.shutdown(wait=error is None, cancel_futures=error is not None)

    def collection(self, fetch: Fetch[T], sequential: Sequential[T], total: int | None = None
                   ) -> PagedRead[T]:
        """Start reading a collection of ``total`` items (unknown: the first page tells)."""
        return PagedRead(self, fetch, sequential, total)

    def task(self, function: Callable[[], R]) -> Future[R]:
        """Start any other request (e.g. a cursor-paged collection, read in one go)."""
        return self._pool.submit(self._unless_stopped, function)

    def _unless_stopped(self, function: Callable[[], R]) -> R:
        if self._failure is not None:
            raise self._failure
        try:
            return function()
        except self._tolerated:
            raise
        except BaseException as failure:
            self._failure = self._failure or failure
            raise
