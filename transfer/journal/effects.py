"""What a finished action changes in the journal's memory of the target: the links to the
playlists the tool created, and the list of what it added (for ``undo`` and ``sync --mirror``).

These run inside the transaction that marks the action done, so the memory and the outcome
never disagree, whatever moment the process dies at.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from transfer.errors import JournalError
from transfer.journal.records import AddedHow
from transfer.models import Category, Kind, id_of, kind_of, uri_of
from transfer.plan import (
    AddPlaylistItems,
    AdoptPlaylist,
    CreatePlaylist,
    PlaylistDetails,
    PlaylistLink,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    UndoAction,
    UpdatePlaylistDetails,
    UploadCover,
    WriteAction,
    category_of,
)

_FOLLOWED_KINDS = (Kind.PLAYLIST, Kind.ARTIST, Kind.USER)


def apply_done(
    connection: sqlite3.Connection,
    run_id: int,
    action: WriteAction | UndoAction,
    now: datetime,
    target_playlist_id: str | None,
    snapshot_id: str | None,
) -> None:
    if isinstance(action, CreatePlaylist):
        _link_created(connection, run_id, action, now, target_playlist_id, snapshot_id)
    elif isinstance(action, AdoptPlaylist):
        _link_adopted(connection, run_id, action, now)
    elif isinstance(action, AddPlaylistItems):
        link = _link(connection, action.source_playlist_id)
        uris = list(link.target_uris)
        uris[action.position : action.position] = action.uris
        _update_link(connection, link, now, snapshot_id, target_uris=json.dumps(uris))
    elif isinstance(action, RemovePlaylistItems):
        link = _link(connection, action.source_playlist_id)
        gone = set(action.uris)
        uris = [uri for uri in link.target_uris if uri not in gone]
        _update_link(connection, link, now, snapshot_id, target_uris=json.dumps(uris))
    elif isinstance(action, ReplacePlaylistItems):
        link = _link(connection, action.source_playlist_id)
        _update_link(connection, link, now, snapshot_id, target_uris=json.dumps(action.uris))
    elif isinstance(action, UploadCover):
        link = _link(connection, action.source_playlist_id)
        _update_link(connection, link, now, snapshot_id, cover_url=action.cover_url)
    elif isinstance(action, UpdatePlaylistDetails):
        details = PlaylistDetails(
            name=action.name, description=action.description, public=action.public,
            collaborative=action.collaborative,
        )
        link = _link(connection, action.source_playlist_id)
        _update_link(connection, link, now, snapshot_id, details=details.model_dump_json())
    elif isinstance(action, SaveLibraryItems | SaveLikedWithDates):
        for uri in action.uris:
            how = AddedHow.FOLLOWED if kind_of(uri) in _FOLLOWED_KINDS else AddedHow.SAVED
            record_added(connection, run_id, uri, category_of(uri).value, how, now)
    elif isinstance(action, RemoveLibraryItems):
        _record_taken_back(connection, action.uris, now)


def _record_taken_back(connection: sqlite3.Connection, uris: Iterable[str], now: datetime
                       ) -> None:
    """Items ``undo`` took out of the target: no longer the tool's to remove, and a copy
    removed this way is forgotten, so a later transfer makes a new one."""
    for uri in uris:
        connection.execute("UPDATE added SET removed_at = ? WHERE uri = ?", (now.isoformat(), uri))
        if kind_of(uri) is Kind.PLAYLIST:
            connection.execute("DELETE FROM links WHERE target_playlist_id = ?", (id_of(uri),))


def _link_created(
    connection: sqlite3.Connection,
    run_id: int,
    action: CreatePlaylist,
    now: datetime,
    target_playlist_id: str | None,
    snapshot_id: str | None,
) -> None:
    if not target_playlist_id:
        raise ValueError("a created playlist is done only with the id Spotify gave it")
    details = PlaylistDetails(
        name=action.name, description=action.description, public=action.public,
        collaborative=action.collaborative,
    )
    connection.execute(
        """INSERT INTO links (source_playlist_id, target_playlist_id, details, target_snapshot_id,
                              run_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (action.source_playlist_id, target_playlist_id, details.model_dump_json(), snapshot_id,
         run_id, now.isoformat()),
    )
    uri = uri_of(Kind.PLAYLIST, target_playlist_id)
    record_added(connection, run_id, uri, Category.PLAYLISTS.value, AddedHow.CREATED, now)


def _link_adopted(
    connection: sqlite3.Connection, run_id: int, action: AdoptPlaylist, now: datetime
) -> None:
    """A copy found in the target becomes the tool's as if this run had created it: linked
    (with what it holds) and listed as created, so ``undo`` may remove it."""
    details = PlaylistDetails(
        name=action.name, description=action.description, public=action.public,
        collaborative=action.collaborative,
    )
    connection.execute(
        """INSERT INTO links (source_playlist_id, target_playlist_id, details, target_uris,
                              target_snapshot_id, cover_url, run_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        (action.source_playlist_id, action.target_playlist_id, details.model_dump_json(),
         json.dumps(list(action.target_uris)), action.target_snapshot_id, action.cover_url,
         run_id, now.isoformat()),
    )
    uri = uri_of(Kind.PLAYLIST, action.target_playlist_id)
    record_added(connection, run_id, uri, Category.PLAYLISTS.value, AddedHow.CREATED, now)


def record_added(
    connection: sqlite3.Connection,
    run_id: int,
    uri: str,
    category: str,
    how: AddedHow,
    now: datetime,
) -> None:
    connection.execute(
        """INSERT INTO added (uri, category, how, run_id, added_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (uri) DO UPDATE SET how = excluded.how, run_id = excluded.run_id,
               added_at = excluded.added_at, removed_at = NULL""",
        (uri, category, how.value, run_id, now.isoformat()),
    )


def _update_link(
    connection: sqlite3.Connection,
    link: PlaylistLink,
    now: datetime,
    snapshot_id: str | None,
    **columns: str,
) -> None:
    """Change a link. The copy's snapshot becomes the one the write answered, or unknown (so
    the copy is read again before it is trusted) when the answer had none."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    connection.execute(
        f"UPDATE links SET {assignments}, target_snapshot_id = ?, updated_at = ? "
        "WHERE source_playlist_id = ?",
        (*columns.values(), snapshot_id, now.isoformat(), link.source_playlist_id),
    )


def _link(connection: sqlite3.Connection, source_playlist_id: str) -> PlaylistLink:
    row = connection.execute(
        f"SELECT {LINK_COLUMNS} FROM links WHERE source_playlist_id = ?", (source_playlist_id,)
    ).fetchone()
    if row is None:
        raise JournalError(
            f"The journal has no copy of playlist {source_playlist_id} to record a change to.",
            "This is a bug in spotify-transfer; please report it with the journal file.",
        )
    return link_from_row(row)


LINK_COLUMNS = (
    "source_playlist_id, target_playlist_id, details, target_uris, target_snapshot_id, "
    "source_snapshot_id, cover_url"
)


def link_from_row(row: tuple[str, ...]) -> PlaylistLink:
    source_id, target_id, details, target_uris, target_snapshot, source_snapshot, cover = row
    return PlaylistLink(
        source_playlist_id=source_id,
        target_playlist_id=target_id,
        details=PlaylistDetails.model_validate_json(details),
        target_uris=tuple(json.loads(target_uris)),
        target_snapshot_id=target_snapshot,
        source_snapshot_id=source_snapshot,
        cover_url=cover,
    )
