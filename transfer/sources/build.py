"""What the readers collected, as one ``Library`` with an account and playlist ids of its own.

A file has no account id, and its playlists have no ids. The account is ``file-<hash>``: the
hash of the download's user name when the package has ``Userdata.json`` (so a later download of
the same account pairs with the same journal, and its playlists with the copies made before),
else of the library's content (the same file read again is the same source, and a run resumes
and never doubles anything; a changed file is a new source). A playlist's id is a hash of its
name (and of how many playlists of that name came before it), so it is the same in every read.
"""

from __future__ import annotations

import hashlib
import json
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from transfer.models import FILE_ID_PREFIX, Account, Category, Library, Playlist, PlaylistEntry
from transfer.sources.model import Collected, SourceFile

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def file_id(text: str) -> str:
    """``file-`` and 22 base-62 characters derived from ``text``."""
    number = int.from_bytes(hashlib.sha256(text.encode()).digest()[:17], "big")
    digits = []
    for _ in range(22):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return FILE_ID_PREFIX + "".join(digits)


def build_library(path: Path, collected: Collected, snapshot: Library | None = None,
                  kind: str | None = None) -> SourceFile:
    if snapshot is not None:
        return SourceFile(path, (kind or "snapshot",), snapshot, digest=content_digest(snapshot))
    moment = _modified(path)
    draft = Library(exported_at=moment, account=Account(id="file"),
                    playlists=_playlists(collected, "file"),
                    **{category.value: tuple(items) for category, items in collected.saved.items()
                       if category is not Category.PLAYLISTS})
    digest = content_digest(draft)
    seed = f"user:{collected.username}" if collected.username else f"content:{digest}"
    account = account_of(seed, path)
    library = draft.model_copy(update={"account": account,
                                       "playlists": _playlists(collected, account.id)})
    ids = [playlist.id for playlist in library.playlists]
    unidentified = tuple(
        replace(item, playlist_id=ids[item.playlist_index]) if item.playlist_index is not None
        else item for item in collected.unidentified)
    return SourceFile(path, tuple(collected.kinds), library, tuple(collected.problems),
                      unidentified, digest)


def account_of(seed: str, path: Path) -> Account:
    """The stand-in for the file's unknown account."""
    return Account(id=f"{FILE_ID_PREFIX}{hashlib.sha256(seed.encode()).hexdigest()[:16]}",
                   display_name=f"file {path.name}")


def _playlists(collected: Collected, owner: str) -> tuple[Playlist, ...]:
    seen: Counter[str] = Counter()
    playlists: list[Playlist] = []
    for playlist in collected.playlists:
        seen[playlist.name] += 1
        playlists.append(Playlist(
            id=file_id(f"{playlist.name}\0{seen[playlist.name]}"), name=playlist.name,
            description=playlist.description, owner_id=owner, relation="owned",
            snapshot_id=entries_digest(playlist.entries), total=len(playlist.entries),
            entries=tuple(playlist.entries)))
    for playlist_id in dict.fromkeys(collected.followed_playlists):
        playlists.append(Playlist(id=playlist_id, name=f"playlist {playlist_id}",
                                  owner_id="unknown", relation="followed"))
    return tuple(playlists)


def entries_digest(entries: Sequence[PlaylistEntry]) -> str:
    text = json.dumps([entry.model_dump(mode="json") for entry in entries], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def content_digest(library: Library) -> str:
    """A hash of what the library holds (not of when or from whom it was read)."""
    content = library.model_dump(mode="json", exclude={"exported_at", "account"})
    for playlist in content["playlists"]:
        playlist.pop("owner_id", None)
    text = json.dumps(content, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _modified(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)
