"""Export: read a whole library into ``transfer.models.Library``; write and read snapshots.

Reading costs the least calls the API allows: ``GET /me``, the playlist list at 50 a page, each
readable playlist's entries at 50 a page (none for an empty one, whose total the list already
gave), each saved collection at 50 a page. Pages of different playlists and collections, and
the pages of one of them, are read side by side (``[network] concurrency`` at a time,
:mod:`transfer.pages`) and put together in order. Playlists of others are recorded as followed
without asking for their items (403 since February 2026). The bytes of custom covers the user
owns are kept in the snapshot (image downloads are not API calls), because image URLs expire.

A snapshot is the ``Library`` as JSON, with ``schema_version``; it is written atomically (a
temporary file renamed over the target), and read back with clear errors for a missing,
truncated, corrupt or newer file.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from transfer.errors import Forbidden, InputError, SpotifyError
from transfer.files import write_atomically
from transfer.models import (
    SAVED_CATEGORIES,
    SCHEMA_VERSION,
    Category,
    Library,
    Playlist,
    PlaylistEntry,
    SavedItem,
)
from transfer.pages import PagedRead, PageReader
from transfer.progress import NoProgress, Progress
from transfer.spotify import Page, SpotifyAdapter
from transfer.spotify.retry import utc_now

logger = logging.getLogger(__name__)

READABLE = ("owned", "collaborator")
MAX_SNAPSHOT_BYTES = 512 * 2**20
"""Larger files are refused unread (a snapshot of 100,000 items is some 60 MB)."""
CORRUPT_ADVICE = "Use another snapshot, or export again while the account exists."

T = TypeVar("T")


def read_library(
    adapter: SpotifyAdapter,
    progress: Progress | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Library:
    """Everything the account holds, in Spotify's order (saved collections newest first)."""
    progress = progress or NoProgress()
    exported_at = clock()
    account = adapter.me()
    with read_pool(adapter) as reader:
        saved_reads = start_saved(reader, adapter, SAVED_CATEGORIES)
        playlists = read_playlists(adapter, progress, reader)
        saved = finish_saved(saved_reads, progress)
    return Library(
        exported_at=exported_at,
        account=account,
        playlists=playlists,
        liked_songs=saved[Category.LIKED_SONGS],
        albums=saved[Category.ALBUMS],
        artists=saved[Category.ARTISTS],
        shows=saved[Category.SHOWS],
        episodes=saved[Category.EPISODES],
        audiobooks=saved[Category.AUDIOBOOKS],
        malformed=adapter.take_malformed(),
    )


def read_playlists(adapter: SpotifyAdapter, progress: Progress,
                   reader: PageReader | None = None) -> tuple[Playlist, ...]:
    """The playlist list, with the entries of those the user owns or collaborates on and the
    bytes of their custom covers."""
    progress.begin(Category.PLAYLISTS.value)
    summaries = _collect(adapter.my_playlist_pages(), Category.PLAYLISTS.value, progress,
                         advance=False)
    with _reading(reader, adapter) as pool:
        covered = [pool.task(partial(with_cover_bytes, adapter, summary)) for summary in summaries]
        reads = _start_entries(pool, adapter, summaries)
        playlists = []
        for summary, read in zip(covered, reads, strict=True):
            playlists.append(_finished(summary.result(), read))
            progress.advance(Category.PLAYLISTS.value)
    progress.end(Category.PLAYLISTS.value)
    return tuple(playlists)


def read_entries(adapter: SpotifyAdapter, playlists: Sequence[Playlist]) -> list[Playlist]:
    """``playlists`` with their entries read (as ``with_entries`` does), pages of different
    playlists read side by side."""
    with read_pool(adapter) as pool:
        reads = _start_entries(pool, adapter, playlists)
        return [_finished(playlist, read) for playlist, read in zip(playlists, reads, strict=True)]


def with_entries(adapter: SpotifyAdapter, playlist: Playlist) -> Playlist:
    """``playlist`` with its entries read, when it is readable and not empty."""
    return read_entries(adapter, [playlist])[0]


def _start_entries(pool: PageReader, adapter: SpotifyAdapter, playlists: Sequence[Playlist]
                   ) -> list[PagedRead[PlaylistEntry] | None]:
    """Start reading the entries of each playlist that is readable and not empty."""
    return [
        pool.collection(partial(adapter.playlist_entry_page, playlist.id),
                        partial(adapter.playlist_entry_pages, playlist.id), playlist.total)
        if playlist.relation in READABLE and playlist.total != 0 else None
        for playlist in playlists
    ]


def _finished(playlist: Playlist, read: PagedRead[PlaylistEntry] | None) -> Playlist:
    if read is None:
        if playlist.relation in READABLE and playlist.total == 0:
            return playlist.model_copy(update={"entries": ()})
        return playlist
    try:
        entries = tuple(read.items())
    except Forbidden:
        logger.warning("The items of playlist %r cannot be read; recorded without them",
                       playlist.name)
        return playlist
    return playlist.model_copy(update={"entries": entries, "total": len(entries)})


def with_cover_bytes(adapter: SpotifyAdapter, playlist: Playlist) -> Playlist:
    """``playlist`` with the bytes of its custom cover, when the user owns it and it has one.

    A cover that cannot be downloaded is kept as its URL only, with a warning.
    """
    cover = playlist.cover
    if playlist.relation != "owned" or cover is None or not cover.custom:
        return playlist
    try:
        jpeg = adapter.download_image(cover.url)
    except SpotifyError as error:
        logger.warning("The cover of playlist %r cannot be downloaded (%s); the snapshot keeps "
                       "its address only", playlist.name, error)
        return playlist
    encoded = base64.b64encode(jpeg).decode("ascii")
    return playlist.model_copy(update={"cover": cover.model_copy(update={"jpeg_base64": encoded})})


SavedRead = PagedRead[SavedItem] | Future[tuple[SavedItem, ...]]


def start_saved(pool: PageReader, adapter: SpotifyAdapter, categories: Sequence[Category]
                ) -> dict[Category, SavedRead]:
    """Start reading saved collections side by side; ``finish_saved`` hands them over."""
    return {category: _start_saved(pool, adapter, category) for category in categories}


def _start_saved(pool: PageReader, adapter: SpotifyAdapter, category: Category) -> SavedRead:
    if category is Category.ARTISTS:  # paged with a cursor: one page after another
        return pool.task(lambda: tuple(adapter.saved(category)))
    return pool.collection(partial(adapter.saved_page, category),
                           partial(adapter.saved_pages, category))


def finish_saved(reads: Mapping[Category, SavedRead], progress: Progress
                 ) -> dict[Category, tuple[SavedItem, ...]]:
    """The collections started with ``start_saved``, each newest first, with progress."""
    return {category: _finish_saved(category, read, progress) for category, read in reads.items()}


def _finish_saved(category: Category, read: SavedRead, progress: Progress
                  ) -> tuple[SavedItem, ...]:
    progress.begin(category.value)
    if isinstance(read, Future):
        items = read.result()
        progress.set_total(category.value, len(items))
        progress.advance(category.value, len(items))
    else:
        def on_page(page: Page[SavedItem]) -> None:
            if page.total is not None:
                progress.set_total(category.value, page.total)
            progress.advance(category.value, len(page.items))

        items = tuple(read.items(on_page))
    progress.end(category.value)
    return items


def read_entries_and_saved(
    adapter: SpotifyAdapter,
    playlists: Sequence[Playlist],
    categories: Sequence[Category],
    progress: Progress,
) -> tuple[list[Playlist], dict[Category, tuple[SavedItem, ...]]]:
    """``playlists`` with their entries (as ``read_entries``) and the saved ``categories``
    (as ``read_saved_collections``), all read side by side."""
    with read_pool(adapter) as pool:
        saved = start_saved(pool, adapter, categories)
        reads = _start_entries(pool, adapter, playlists)
        read = [_finished(playlist, entries) for playlist, entries in zip(playlists, reads,
                                                                          strict=True)]
        return read, finish_saved(saved, progress)


def read_saved_collections(adapter: SpotifyAdapter, categories: Sequence[Category],
                           progress: Progress) -> dict[Category, tuple[SavedItem, ...]]:
    """Saved collections (newest first), read side by side."""
    with read_pool(adapter) as pool:
        return finish_saved(start_saved(pool, adapter, categories), progress)


def read_saved(adapter: SpotifyAdapter, category: Category, progress: Progress
               ) -> tuple[SavedItem, ...]:
    """A saved collection (or the followed artists), newest first."""
    return read_saved_collections(adapter, [category], progress)[category]


def read_pool(adapter: SpotifyAdapter) -> PageReader:
    """Threads for the adapter's reads; a playlist whose items are refused does not stop them
    (it is recorded without its items)."""
    return PageReader(adapter.concurrency, tolerated=(Forbidden,))


@contextmanager
def _reading(reader: PageReader | None, adapter: SpotifyAdapter) -> Iterator[PageReader]:
    """``reader``, or a pool of the adapter's own for the time of the block."""
    if reader is not None:
        yield reader
        return
    with read_pool(adapter) as pool:
        yield pool


def _collect(pages: Iterator[Page[T]], category: str, progress: Progress,
                advance: bool = True) -> tuple[T, ...]:
    items: list[T] = []
    for number, page in enumerate(pages):
        if number == 0 and page.total is not None:
            progress.set_total(category, page.total)
        items.extend(page.items)
        if advance:
            progress.advance(category, len(page.items))
    return tuple(items)


# -- snapshot files -------------------------------------------------------------------------


def default_snapshot_path(home: Path, account_id: str, moment: datetime) -> Path:
    """``<home>/snapshots/<user id>-<UTC time>.json``."""
    safe_id = re.sub(r"[^A-Za-z0-9._-]", "_", account_id) or "account"
    stamp = moment.strftime("%Y%m%dT%H%M%SZ")
    return home / "snapshots" / f"{safe_id}-{stamp}.json"


def snapshot_json(library: Library) -> str:
    """The snapshot document of ``library``, as ``export`` writes it."""
    return library.model_dump_json(indent=2)


def write_snapshot(library: Library, path: Path) -> None:
    """Write ``library`` as JSON, atomically: no half-written snapshot is ever left at
    ``path``."""
    write_atomically(path, snapshot_json(library).encode(), "snapshot")


def load_snapshot(path: Path) -> Library:
    """Read a snapshot written by ``export``; ``InputError`` says what is wrong with it."""
    text = _snapshot_bytes(path)
    document = _json_document(text, path)
    _check_version(document, path)
    try:
        return Library.model_validate(document)
    except RecursionError:
        raise InputError(f"The snapshot {path} is nested too deeply to be a snapshot.") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:5]
        )
        raise InputError(f"The snapshot {path} is not a valid library ({problems}).") from None


def _snapshot_bytes(path: Path) -> bytes:
    """The file's bytes, refused unread when it is larger than any snapshot should be."""
    too_big = InputError(
        f"The snapshot {path} is larger than {MAX_SNAPSHOT_BYTES // 2**20} MiB: not a snapshot "
        "this tool wrote (even a library of 100,000 items makes a far smaller one).",
        advice="Check the file name; a snapshot is what `spotify-transfer export` writes.",
    )
    try:
        with path.open("rb") as stream:
            if os.fstat(stream.fileno()).st_size > MAX_SNAPSHOT_BYTES:
                raise too_big
            text = stream.read(MAX_SNAPSHOT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"The snapshot {path} does not exist.") from None
    except IsADirectoryError:
        raise InputError(f"The snapshot {path} is a folder, not a file.") from None
    except OSError as error:
        raise InputError(f"The snapshot {path} cannot be read: {error.strerror}") from None
    if len(text) > MAX_SNAPSHOT_BYTES:
        raise too_big
    return text


def _json_document(text: bytes, path: Path) -> dict[str, Any]:
    try:
        document = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise InputError(f"The snapshot {path} is not text (corrupt?).") from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"The snapshot {path} is truncated or corrupt: invalid JSON at line {error.lineno}, "
            f"column {error.colno} ({error.msg}).",
            advice=CORRUPT_ADVICE,
        ) from None
    except RecursionError:
        raise InputError(f"The snapshot {path} is nested too deeply to be a snapshot.",
                         advice=CORRUPT_ADVICE) from None
    except ValueError as error:  # an integer of thousands of digits, NaN, a float overflow
        raise InputError(f"The snapshot {path} holds a number no snapshot has: {error}.",
                         advice=CORRUPT_ADVICE) from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise InputError(f"The file {path} is not a spotify-transfer snapshot.")
    return document


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is out of range")
    return number


def _check_version(document: dict[str, Any], path: Path) -> None:
    version = document["schema_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(f"The snapshot {path} has an invalid schema_version: {version!r}.")
    if version > SCHEMA_VERSION:
        raise InputError(
            f"The snapshot {path} was written by a newer spotify-transfer (snapshot schema "
            f"{version}; this version reads up to {SCHEMA_VERSION}).",
            advice="Upgrade spotify-transfer to read it.",
        )
