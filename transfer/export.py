"""Export: read a whole library into ``transfer.models.Library``; write and read snapshots.

Reading costs the least calls the API allows: ``GET /me``, the playlist list at 50 a page, each
readable playlist's entries at 50 a page (none for an empty one, whose total the list already
gave), each saved collection at 50 a page. Playlists of others are recorded as followed without
asking for their items (403 since February 2026). The bytes of custom covers the user owns are
kept in the snapshot (image downloads are not API calls), because image URLs expire.

A snapshot is the ``Library`` as JSON, with ``schema_version``; it is written atomically (a
temporary file renamed over the target), and read back with clear errors for a missing,
truncated, corrupt or newer file.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from transfer.errors import Forbidden, InputError, SpotifyError, TransferError
from transfer.models import SAVED_CATEGORIES, SCHEMA_VERSION, Category, Library, Playlist, SavedItem
from transfer.progress import NoProgress, Progress
from transfer.spotify import Page, SpotifyAdapter
from transfer.spotify.retry import utc_now

logger = logging.getLogger(__name__)

READABLE = ("owned", "collaborator")

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
    playlists = read_playlists(adapter, progress)
    saved = {category: read_saved(adapter, category, progress) for category in SAVED_CATEGORIES}
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
    )


def read_playlists(adapter: SpotifyAdapter, progress: Progress) -> tuple[Playlist, ...]:
    """The playlist list, with the entries of those the user owns or collaborates on."""
    progress.begin(Category.PLAYLISTS.value)
    summaries = _collect(adapter.my_playlist_pages(), Category.PLAYLISTS.value, progress,
                         advance=False)
    playlists = []
    for summary in summaries:
        playlists.append(with_cover_bytes(adapter, with_entries(adapter, summary)))
        progress.advance(Category.PLAYLISTS.value)
    progress.end(Category.PLAYLISTS.value)
    return tuple(playlists)


def with_entries(adapter: SpotifyAdapter, playlist: Playlist) -> Playlist:
    """``playlist`` with its entries read, when it is readable and not empty."""
    if playlist.relation not in READABLE:
        return playlist
    if playlist.total == 0:
        return playlist.model_copy(update={"entries": ()})
    try:
        entries = tuple(adapter.playlist_entries(playlist.id))
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


def read_saved(adapter: SpotifyAdapter, category: Category, progress: Progress
               ) -> tuple[SavedItem, ...]:
    """A saved collection (or the followed artists), newest first."""
    progress.begin(category.value)
    items = _collect(adapter.saved_pages(category), category.value, progress)
    progress.end(category.value)
    return items


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


def write_snapshot(library: Library, path: Path) -> None:
    """Write ``library`` as JSON, atomically: no half-written snapshot is ever left at
    ``path``."""
    data = library.model_dump_json(indent=2).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                                 suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise TransferError(f"Cannot write the snapshot {path}: {error.strerror}") from None


def load_snapshot(path: Path) -> Library:
    """Read a snapshot written by ``export``; ``InputError`` says what is wrong with it."""
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"The snapshot {path} does not exist.") from None
    except OSError as error:
        raise InputError(f"The snapshot {path} cannot be read: {error.strerror}") from None
    document = _json_document(text, path)
    _check_version(document, path)
    try:
        return Library.model_validate(document)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in error.errors()[:5]
        )
        raise InputError(f"The snapshot {path} is not a valid library ({problems}).") from None


def _json_document(text: bytes, path: Path) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except UnicodeDecodeError:
        raise InputError(f"The snapshot {path} is not text (corrupt?).") from None
    except json.JSONDecodeError as error:
        raise InputError(
            f"The snapshot {path} is truncated or corrupt: invalid JSON at line {error.lineno}, "
            f"column {error.colno} ({error.msg}).",
            advice="Use another snapshot, or export again while the account exists.",
        ) from None
    if not isinstance(document, dict) or "schema_version" not in document:
        raise InputError(f"The file {path} is not a spotify-transfer snapshot.")
    return document


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
