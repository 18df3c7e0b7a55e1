"""Progress reporting: the engine and export call a ``Progress``; the CLI attaches tqdm.

One bar per category (``playlists``, ``liked_songs``, ...) with its total once known. Bars are
drawn only when a person is watching (the stream is a terminal); log lines then go through
``tqdm.write`` so they appear above the bars instead of tearing them.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from tqdm import tqdm


class Progress(Protocol):
    """Callbacks for work done in named categories."""

    def begin(self, category: str, total: int | None = None) -> None:
        """Work on ``category`` starts; ``total`` items when known."""

    def set_total(self, category: str, total: int) -> None:
        """The total became known (after a first page)."""

    def advance(self, category: str, count: int = 1) -> None:
        """``count`` more items done."""

    def end(self, category: str) -> None:
        """The category is done."""


class NoProgress:
    """Reports nothing (the library's default)."""

    def begin(self, category: str, total: int | None = None) -> None:
        pass

    def set_total(self, category: str, total: int) -> None:
        pass

    def advance(self, category: str, count: int = 1) -> None:
        pass

    def end(self, category: str) -> None:
        pass


LABELS = {
    "playlists": "Playlists",
    "liked_songs": "Liked Songs",
    "albums": "Albums",
    "artists": "Artists",
    "shows": "Shows",
    "episodes": "Episodes",
    "audiobooks": "Audiobooks",
    "playlist_items": "Playlist items",
    "covers": "Covers",
    "playlist_details": "Details",
}
WIDTH = max(len(label) for label in LABELS.values())


class TqdmProgress:
    """A tqdm bar per category, on ``stream``; silent unless ``stream`` is a terminal."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._bars: dict[str, tqdm[None]] = {}

    def begin(self, category: str, total: int | None = None) -> None:
        self.end(category)
        self._bars[category] = tqdm(
            total=total,
            desc=LABELS.get(category, category).ljust(WIDTH),
            unit=" items",
            file=self.stream,
            disable=not self.enabled,
            leave=True,
            dynamic_ncols=True,
        )

    def set_total(self, category: str, total: int) -> None:
        bar = self._bars.get(category)
        if bar is not None:
            bar.total = total
            bar.refresh()

    def advance(self, category: str, count: int = 1) -> None:
        bar = self._bars.get(category)
        if bar is not None:
            bar.update(count)

    def end(self, category: str) -> None:
        bar = self._bars.pop(category, None)
        if bar is not None:
            bar.close()

    def close(self) -> None:
        for category in list(self._bars):
            self.end(category)


class TqdmLoggingHandler(logging.Handler):
    """Writes log records with ``tqdm.write`` so they land above the bars."""

    def __init__(self, stream: TextIO, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            tqdm.write(self.format(record), file=self.stream)
        except Exception:  # a logging handler must not raise
            self.handleError(record)


@contextmanager
def logging_above_bars(stream: TextIO) -> Iterator[None]:
    """While bars are drawn on ``stream``, route the root logger's handlers that write to it
    through ``tqdm.write`` (same level and format), and put them back afterwards."""
    root = logging.getLogger()
    replaced: list[tuple[logging.Handler, TqdmLoggingHandler]] = []
    for handler in list(root.handlers):
        if isinstance(handler, logging.StreamHandler) and handler.stream in (stream, sys.stderr):
            substitute = TqdmLoggingHandler(handler.stream, handler.level)
            substitute.setFormatter(handler.formatter)
            root.removeHandler(handler)
            root.addHandler(substitute)
            replaced.append((handler, substitute))
    try:
        yield
    finally:
        for handler, substitute in replaced:
            root.removeHandler(substitute)
            root.addHandler(handler)
