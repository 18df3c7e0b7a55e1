"""The journal's memory of the target account: the copies this tool created (links) and
everything it added, so ``undo`` and ``sync --mirror`` touch only that."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime

from transfer.errors import JournalError
from transfer.journal.database import Database
from transfer.journal.effects import LINK_COLUMNS, link_from_row
from transfer.journal.records import AddedHow, AddedItem
from transfer.plan import PlaylistLink


class TargetMemory:
    """Links and added items; :class:`transfer.journal.Journal` builds on it."""

    def __init__(self, database: Database, clock: Callable[[], datetime]) -> None:
        self._db = database
        self._clock = clock

    def _now(self) -> str:
        return self._clock().isoformat()

    def links(self) -> dict[str, PlaylistLink]:
        with self._db.reading() as connection:
            rows = connection.execute(f"SELECT {LINK_COLUMNS} FROM links").fetchall()
        return {link.source_playlist_id: link for link in map(link_from_row, rows)}

    def record_synced(self, source_playlist_id: str, source_snapshot_id: str | None) -> None:
        """A copy holds everything of this source snapshot: the next sync need not read it."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "UPDATE links SET source_snapshot_id = ?, updated_at = ? "
                "WHERE source_playlist_id = ?",
                (source_snapshot_id, self._now(), source_playlist_id),
            )
            _require_link(cursor.rowcount, source_playlist_id)

    def record_copy_state(
        self, source_playlist_id: str, target_uris: Iterable[str | None], snapshot_id: str | None
    ) -> None:
        """What a copy was found to hold when read (after a check of a lost answer)."""
        with self._db.transaction() as connection:
            cursor = connection.execute(
                "UPDATE links SET target_uris = ?, target_snapshot_id = ?, updated_at = ? "
                "WHERE source_playlist_id = ?",
                (json.dumps(list(target_uris)), snapshot_id, self._now(), source_playlist_id),
            )
            _require_link(cursor.rowcount, source_playlist_id)

    def forget_link(self, source_playlist_id: str) -> None:
        with self._db.transaction() as connection:
            connection.execute(
                "DELETE FROM links WHERE source_playlist_id = ?", (source_playlist_id,)
            )

    def added(self, include_removed: bool = False) -> list[AddedItem]:
        """What the tool added to the target, oldest first."""
        query = "SELECT uri, category, how, run_id, added_at, removed_at FROM added"
        if not include_removed:
            query += " WHERE removed_at IS NULL"
        with self._db.reading() as connection:
            rows = connection.execute(query + " ORDER BY added_at, rowid").fetchall()
        return [
            AddedItem(uri=uri, category=category, how=AddedHow(how), run_id=run,
                      added_at=datetime.fromisoformat(added_at),
                      removed_at=_parse_time(removed_at))
            for uri, category, how, run, added_at, removed_at in rows
        ]

    def adopted_copies(self) -> set[str]:
        """The target playlists the tool adopted as copies (found in the target, recorded by no
        journal then) rather than created: ``undo`` says so in its preview."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT payload FROM actions WHERE type = 'adopt_playlist' AND outcome = 'done'"
            ).fetchall()
        return {str(json.loads(payload)["target_playlist_id"]) for (payload,) in rows}

    def held_uris(self) -> list[tuple[str, str]]:
        """``(category, uri)`` of what the tool added and did not take out since: ``added()``
        without the dates, quick on libraries of tens of thousands."""
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT category, uri FROM added WHERE removed_at IS NULL"
            ).fetchall()
        return [(category, uri) for category, uri in rows]

    def record_removed(self, uris: Iterable[str]) -> None:
        """Items taken out of the target again (by ``undo`` or ``sync --mirror``)."""
        now = self._now()
        with self._db.transaction() as connection:
            connection.executemany(
                "UPDATE added SET removed_at = ? WHERE uri = ?", ((now, uri) for uri in uris)
            )


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _require_link(changed: int, source_playlist_id: str) -> None:
    if changed == 0:
        raise JournalError(f"The journal has no copy of playlist {source_playlist_id}.")
