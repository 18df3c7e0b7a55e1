"""The journal: one SQLite database per source -> target pair.

It records each run (transfer, sync, undo) and every action of its plan with the action's
outcome, so a run that stopped for any reason resumes where it was and never sends twice what
was done; the links from source playlists to the copies this tool created; and what the tool
added to the target account, so ``undo`` and ``sync --mirror`` touch nothing else.

The protocol for one write: ``mark_sent`` before the request, ``mark_done`` after the answer
(which also records the write's effect, in the same transaction), ``mark_unknown`` when the
answer was lost. A run being applied holds the journal's run lock; a second one is refused with
``JournalBusy`` while the first process lives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from transfer.errors import JournalError, StalePlan
from transfer.journal.counts import run_counts
from transfer.journal.database import MEMORY, UNWRITABLE_ADVICE, Database, JournalBusy
from transfer.journal.effects import apply_done
from transfer.journal.lock import RunLock
from transfer.journal.memory import TargetMemory
from transfer.journal.records import (
    ActionRecord,
    Outcome,
    RunKind,
    RunRecord,
    RunState,
)
from transfer.plan import Action, Plan, Skip

Clock = Callable[[], datetime]
_T = TypeVar("_T")
_ACTION = TypeAdapter(Action)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_OPEN_STATES = (RunState.RUNNING, RunState.PAUSED, RunState.INTERRUPTED, RunState.FAILED)


def journal_path(home: Path, source_id: str, target_id: str) -> Path:
    """``<home>/journals/<source>__<target>.sqlite``, user ids made safe for file names."""
    return home / "journals" / f"{_safe(source_id)}__{_safe(target_id)}.sqlite"


def _safe(user_id: str) -> str:
    return _UNSAFE.sub(lambda match: f"%{ord(match.group()):02X}", user_id) or "_"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Journal(TargetMemory):
    """Open with :meth:`open` (a path, or ``":memory:"`` in tests); use as a context manager."""

    def __init__(self, database: Database, lock: RunLock | None, clock: Clock) -> None:
        super().__init__(database, clock)
        self._lock = lock
        self._holding = False

    @classmethod
    def open(cls, path: Path | str, clock: Clock = _utc_now) -> Journal:
        database = Database.open(path)
        lock = None if str(path) == MEMORY else RunLock(Path(f"{path}.lock"))
        return cls(database, lock, clock)

    def close(self) -> None:
        self.release()
        self._db.close()

    def hold(self) -> None:
        """Take the run lock now and keep it across runs until :meth:`release` (or ``close``):
        a sync holds it from its first read to its end, so two syncs never overlap. Raises
        ``JournalBusy`` at once when another process holds it."""
        self._take_lock()
        self._holding = True

    @contextmanager
    def holding(self) -> Iterator[Journal]:
        """:meth:`hold` for the length of a ``with`` block."""
        self.hold()
        try:
            yield self
        finally:
            self.release()

    def release(self) -> None:
        """Let go of the run lock."""
        self._holding = False
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # --- runs ----------------------------------------------------------------------------

    def begin_run(
        self, kind: RunKind, plan: Plan, origin: str = "live", planned_after: int | None = None
    ) -> int:
        """Record a new run and its plan (every action pending, skips skipped); take the lock.

        ``planned_after`` is the latest run when the plan's reading began (``latest_run_id``):
        a run begun since may have changed the target under the plan (another process, while
        this one read or waited for a confirmation), so the plan is refused (``StalePlan``)."""
        self._take_lock()
        now = self._now()
        outline = plan.model_dump_json(exclude={"actions"})
        try:
            with self._db.transaction() as connection:
                if planned_after is not None:
                    _refuse_if_stale(connection, planned_after)
                run_id = self._insert_run(connection, kind, plan, origin, outline, now)
        except StalePlan:
            if not self._holding:
                self.release()
            raise
        return run_id

    def latest_run_id(self) -> int:
        """The id of the latest run begun in this journal; 0 when there is none."""
        with self._db.reading() as connection:
            return _latest_run_id(connection)

    def _insert_run(self, connection: Any, kind: RunKind, plan: Plan, origin: str,
                    outline: str, now: str) -> int:
        cursor = connection.execute(
            """INSERT INTO runs (kind, state, started_at, source_id, target_id, origin, plan)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (kind.value, RunState.RUNNING.value, now, plan.source.id, plan.target.id, origin,
             outline),
        )
        run_id = int(cursor.lastrowid or 0)
        connection.executemany(
            """INSERT INTO actions (run_id, seq, key, type, payload, outcome, reason,
                                    updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (_action_row(run_id, seq, action, now) for seq, action in enumerate(plan.actions)),
        )
        return run_id

    def resume_run(self, run_id: int) -> datetime | None:
        """Take up a stopped run again: what was sent without an answer becomes ``unknown``.
        Returns when the latest of those writes was sent (None when there was none): a
        process killed while it waited for the answer may have left it still executing."""
        self._take_lock()
        with self._db.transaction() as connection:
            (latest,) = connection.execute(
                "SELECT MAX(updated_at) FROM actions WHERE run_id = ? AND outcome = ?",
                (run_id, Outcome.SENT.value),
            ).fetchone()
            connection.execute(
                "UPDATE runs SET state = ?, ended_at = NULL, resume_at = NULL, message = NULL "
                "WHERE id = ?",
                (RunState.RUNNING.value, run_id),
            )
            connection.execute(
                "UPDATE actions SET outcome = ?, updated_at = ? WHERE run_id = ? AND outcome = ?",
                (Outcome.UNKNOWN.value, self._now(), run_id, Outcome.SENT.value),
            )
        return _parse_time(latest)

    def finish_run(
        self,
        run_id: int,
        state: RunState,
        resume_at: datetime | None = None,
        message: str | None = None,
    ) -> None:
        """Close a run (done, paused until ``resume_at``, failed or interrupted); free the lock
        unless it is held (:meth:`hold`)."""
        counts = json.dumps(self.counts(run_id))
        with self._db.transaction() as connection:
            connection.execute(
                "UPDATE runs SET state = ?, ended_at = ?, resume_at = ?, message = ?, counts = ? "
                "WHERE id = ?",
                (state.value, self._now(), _iso(resume_at), message, counts, run_id),
            )
        if self._lock is not None and not self._holding:
            self._lock.release()

    def run(self, run_id: int) -> RunRecord:
        runs = self._runs("WHERE id = ?", (run_id,))
        if not runs:
            raise JournalError(f"The journal has no run {run_id}.")
        return runs[0]

    def runs(self, kind: RunKind | None = None, limit: int = 20) -> list[RunRecord]:
        """The latest runs first."""
        if kind is None:
            return self._runs("ORDER BY id DESC LIMIT ?", (limit,))
        return self._runs("WHERE kind = ? ORDER BY id DESC LIMIT ?", (kind.value, limit))

    def unfinished_run(self, kinds: Iterable[RunKind] = tuple(RunKind)) -> RunRecord | None:
        """The latest run of these kinds, if it stopped before it was done (paused, interrupted,
        failed, or left running by a killed process): the one to resume."""
        wanted = [kind.value for kind in kinds]
        marks = ", ".join("?" for _ in wanted)
        latest = self._runs(f"WHERE kind IN ({marks}) ORDER BY id DESC LIMIT 1", tuple(wanted))
        if latest and latest[0].state in _OPEN_STATES:
            return latest[0]
        return None

    def in_progress_elsewhere(self) -> bool:
        """Whether another live process holds the run lock right now."""
        if self._lock is None or self._lock.held:
            return False
        if self._lock.acquire():
            self._lock.release()
            return False
        return True

    def plan_of(self, run_id: int) -> Plan:
        """The plan a run was started with, rebuilt from the journal."""
        with self._db.reading() as connection:
            row = connection.execute("SELECT plan FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise JournalError(f"The journal has no run {run_id}.")
        actions = tuple(record.action for record in self.actions(run_id))
        return _parse(lambda: Plan.model_validate({**json.loads(row[0]), "actions": actions}))

    def set_fact(self, run_id: int, name: str, value: Any) -> None:
        """Keep a fact about a run (JSON-serialisable), e.g. the target's playlists before it."""
        with self._db.transaction() as connection:
            facts = _facts(connection, run_id)
            connection.execute(
                "UPDATE runs SET facts = ? WHERE id = ?",
                (json.dumps({**facts, name: value}), run_id),
            )

    def keep_latest_fact(self, name: str, keep: int) -> None:
        """Drop the fact ``name`` from every run but the latest ``keep`` that have it: a fact
        superseded at each run (a sync's marks) would otherwise grow the journal forever."""
        pattern = f'%"{name}"%'
        with self._db.transaction() as connection:
            rows = connection.execute(
                "SELECT id, facts FROM runs WHERE facts LIKE ? ORDER BY id DESC LIMIT -1 OFFSET ?",
                (pattern, keep),
            ).fetchall()
            for run_id, text in rows:
                facts = json.loads(text)
                if facts.pop(name, None) is not None:
                    connection.execute("UPDATE runs SET facts = ? WHERE id = ?",
                                       (json.dumps(facts), run_id))

    def facts(self, run_id: int) -> dict[str, Any]:
        with self._db.reading() as connection:
            return _facts(connection, run_id)

    # --- actions ---------------------------------------------------------------------------

    def replace_actions(
        self, run_id: int, keys: Iterable[str], replacements: Iterable[Action], reason: str
    ) -> None:
        """Set aside actions that will not be sent (outcome ``skipped`` with ``reason``) and
        append the ones that do their work instead, e.g. plain saves for refused dated ones."""
        now = self._now()
        with self._db.transaction() as connection:
            connection.executemany(
                "UPDATE actions SET outcome = ?, reason = ?, updated_at = ? "
                "WHERE run_id = ? AND key = ?",
                ((Outcome.SKIPPED.value, reason, now, run_id, key) for key in keys),
            )
            last = connection.execute(
                "SELECT COALESCE(MAX(seq), -1) FROM actions WHERE run_id = ?", (run_id,)
            ).fetchone()[0]
            connection.executemany(
                """INSERT INTO actions (run_id, seq, key, type, payload, outcome, reason,
                                        updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (_action_row(run_id, last + 1 + index, action, now)
                 for index, action in enumerate(replacements)),
            )

    def rearrange(
        self,
        run_id: int,
        replace: Mapping[str, Sequence[Action]],
        insert_after: Mapping[str, Sequence[Action]],
        facts: Mapping[str, Any],
        learnt: Mapping[str, Any],
    ) -> None:
        """In one transaction: put ``replace[key]`` in the place of each such action (never
        sent), insert ``insert_after[key]`` right after each such action, keep ``facts`` about
        the run and what it ``learnt`` (see :meth:`learnt`). Plan order is kept otherwise."""
        now = self._now()
        with self._db.transaction() as connection:
            rows = connection.execute(
                "SELECT seq, key, outcome FROM actions WHERE run_id = ? ORDER BY seq", (run_id,)
            ).fetchall()
            order: list[int | Action] = []
            for seq, key, outcome in rows:
                if key in replace:
                    if outcome != Outcome.PENDING.value:
                        raise JournalError(f"Run {run_id}: {key!r} was sent; it stays.")
                    order.extend(replace[key])
                    connection.execute("DELETE FROM actions WHERE run_id = ? AND seq = ?",
                                       (run_id, seq))
                    continue
                order.append(seq)
                order.extend(insert_after.get(key, ()))
            connection.execute("UPDATE actions SET seq = -1 - seq WHERE run_id = ?", (run_id,))
            for index, entry in enumerate(order):
                if isinstance(entry, int):
                    connection.execute(
                        "UPDATE actions SET seq = ? WHERE run_id = ? AND seq = ?",
                        (index, run_id, -1 - entry),
                    )
                else:
                    connection.execute(
                        """INSERT INTO actions (run_id, seq, key, type, payload, outcome, reason,
                                                updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                        _action_row(run_id, index, entry, now),
                    )
            connection.execute("UPDATE runs SET facts = ? WHERE id = ?",
                               (json.dumps({**_facts(connection, run_id), **facts}), run_id))
            for name, value in learnt.items():
                connection.execute(
                    """INSERT INTO learnt (name, value, run_id, learnt_at) VALUES (?, ?, ?, ?)
                       ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                           run_id = excluded.run_id, learnt_at = excluded.learnt_at""",
                    (name, json.dumps(value), run_id, now),
                )

    def learnt(self, name: str) -> Any:
        """What a run learnt of Spotify for this target (None: nothing yet)."""
        with self._db.reading() as connection:
            row = connection.execute("SELECT value FROM learnt WHERE name = ?",
                                     (name,)).fetchone()
        return json.loads(row[0]) if row is not None else None

    def actions(
        self, run_id: int, outcomes: Iterable[Outcome] | None = None
    ) -> list[ActionRecord]:
        """A run's actions in plan order, optionally only those with these outcomes."""
        query = ("SELECT run_id, seq, key, payload, outcome, reason, detail, updated_at "
                 "FROM actions WHERE run_id = ?")
        parameters: tuple[Any, ...] = (run_id,)
        if outcomes is not None:
            wanted = [outcome.value for outcome in outcomes]
            query += f" AND outcome IN ({', '.join('?' for _ in wanted)})"
            parameters += tuple(wanted)
        with self._db.reading() as connection:
            rows = connection.execute(query + " ORDER BY seq", parameters).fetchall()
        return [_action_record(row) for row in rows]

    def next_pending(self, run_id: int) -> ActionRecord | None:
        """The first action of a run, in plan order, still to be sent."""
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT run_id, seq, key, payload, outcome, reason, detail, updated_at "
                "FROM actions WHERE run_id = ? AND outcome = ? ORDER BY seq LIMIT 1",
                (run_id, Outcome.PENDING.value),
            ).fetchone()
        return _action_record(row) if row is not None else None

    def outcome(self, run_id: int, key: str) -> Outcome:
        with self._db.reading() as connection:
            row = connection.execute(
                "SELECT outcome FROM actions WHERE run_id = ? AND key = ?", (run_id, key)
            ).fetchone()
        if row is None:
            raise JournalError(f"Run {run_id} has no action {key!r}.")
        return Outcome(row[0])

    def mark_sent(self, run_id: int, key: str) -> None:
        self._set_outcome(run_id, key, Outcome.SENT)

    def mark_pending(self, run_id: int, key: str) -> None:
        """After a check showed an ``unknown`` write did not happen: send it again."""
        self._set_outcome(run_id, key, Outcome.PENDING)

    def mark_unknown(self, run_id: int, key: str, message: str) -> None:
        self._set_outcome(run_id, key, Outcome.UNKNOWN, reason=message)

    def mark_failed(self, run_id: int, key: str, message: str) -> None:
        self._set_outcome(run_id, key, Outcome.FAILED, reason=message)

    def mark_done(
        self,
        run_id: int,
        key: str,
        target_playlist_id: str | None = None,
        snapshot_id: str | None = None,
    ) -> None:
        """Record a write as done and its effect (a link, the items it added) atomically.

        ``target_playlist_id`` is required for a created playlist; ``snapshot_id`` is the one
        Spotify answered a playlist write with.
        """
        now = self._clock()
        detail = {"target_playlist_id": target_playlist_id, "snapshot_id": snapshot_id}
        with self._db.transaction() as connection:
            action = self._action_in(connection, run_id, key)
            if isinstance(action, Skip):
                raise JournalError(f"Run {run_id}: {key!r} is a skip, nothing to do.")
            apply_done(connection, run_id, action, now, target_playlist_id, snapshot_id)
            self._write_outcome(connection, run_id, key, Outcome.DONE, None, detail)

    def note(self, run_id: int, key: str, **detail: Any) -> None:
        """Keep facts about an action for a later check (e.g. the target's playlists before a
        create was sent, to recognise the new one if the answer is lost)."""
        with self._db.transaction() as connection:
            current = self._detail(connection, run_id, key)
            connection.execute(
                "UPDATE actions SET detail = ? WHERE run_id = ? AND key = ?",
                (json.dumps({**current, **detail}), run_id, key),
            )

    # --- API calls and counts ---------------------------------------------------------------

    def add_calls(self, run_id: int, calls: Mapping[str, int]) -> None:
        """Add API calls made by a run, per endpoint (``"METHOD /template"``)."""
        with self._db.transaction() as connection:
            connection.executemany(
                """INSERT INTO run_calls (run_id, endpoint, count) VALUES (?, ?, ?)
                   ON CONFLICT (run_id, endpoint) DO UPDATE SET count = count + excluded.count""",
                ((run_id, str(endpoint), count) for endpoint, count in calls.items() if count),
            )

    def calls(self, run_id: int) -> dict[str, int]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT endpoint, count FROM run_calls WHERE run_id = ? ORDER BY endpoint",
                (run_id,),
            ).fetchall()
        return {endpoint: count for endpoint, count in rows}

    def counts(self, run_id: int) -> dict[str, dict[str, int]]:
        """Per category: items done, left to do, and skipped (see ``run_counts``)."""
        return run_counts(self.actions(run_id))

    # --- internals -------------------------------------------------------------------------

    def _take_lock(self) -> None:
        if self._lock is None:
            return
        try:
            acquired = self._lock.acquire()
        except OSError as error:
            raise JournalError(
                f"The journal's lock file {self._lock.path} cannot be written: {error.strerror}.",
                UNWRITABLE_ADVICE,
            ) from None
        if not acquired:
            raise JournalBusy(
                f"Another spotify-transfer run is using the journal {self._db.label}.",
                "Wait for it to finish; two runs between the same accounts never overlap.",
            )

    def _set_outcome(
        self, run_id: int, key: str, outcome: Outcome, reason: str | None = None
    ) -> None:
        with self._db.transaction() as connection:
            self._write_outcome(connection, run_id, key, outcome, reason, None)

    def _write_outcome(
        self,
        connection: Any,
        run_id: int,
        key: str,
        outcome: Outcome,
        reason: str | None,
        detail: dict[str, Any] | None,
    ) -> None:
        merged = {**self._detail(connection, run_id, key), **(detail or {})}
        connection.execute(
            "UPDATE actions SET outcome = ?, reason = ?, detail = ?, updated_at = ? "
            "WHERE run_id = ? AND key = ?",
            (outcome.value, reason, json.dumps(merged), self._now(), run_id, key),
        )

    def _detail(self, connection: Any, run_id: int, key: str) -> dict[str, Any]:
        row = connection.execute(
            "SELECT detail FROM actions WHERE run_id = ? AND key = ?", (run_id, key)
        ).fetchone()
        if row is None:
            raise JournalError(f"Run {run_id} has no action {key!r}.")
        detail: dict[str, Any] = json.loads(row[0])
        return detail

    def _action_in(self, connection: Any, run_id: int, key: str) -> Action:
        row = connection.execute(
            "SELECT payload FROM actions WHERE run_id = ? AND key = ?", (run_id, key)
        ).fetchone()
        if row is None:
            raise JournalError(f"Run {run_id} has no action {key!r}.")
        return _parse(lambda: _ACTION.validate_json(row[0]))

    def _runs(self, where: str, parameters: tuple[Any, ...]) -> list[RunRecord]:
        with self._db.reading() as connection:
            rows = connection.execute(
                "SELECT id, kind, state, started_at, ended_at, resume_at, source_id, target_id, "
                f"origin, message, counts FROM runs {where}",
                parameters,
            ).fetchall()
        return [self._run_record(row) for row in rows]

    def _run_record(self, row: tuple[Any, ...]) -> RunRecord:
        run_id, kind, state, started, ended, resume_at, source, target, origin, message, _ = row
        return RunRecord(
            id=run_id, kind=RunKind(kind), state=RunState(state),
            started_at=datetime.fromisoformat(started), ended_at=_parse_time(ended),
            resume_at=_parse_time(resume_at), source_id=source, target_id=target, origin=origin,
            message=message, counts=self._counts_of(run_id, RunState(state), row[-1]),
            calls=self.calls(run_id),
        )

    def _counts_of(self, run_id: int, state: RunState, stored: str) -> dict[str, dict[str, int]]:
        """Counts are stored when a run ends; a running (or killed) run's are computed."""
        if state is RunState.RUNNING:
            return self.counts(run_id)
        counts: dict[str, dict[str, int]] = json.loads(stored)
        return counts


def _latest_run_id(connection: Any) -> int:
    return int(connection.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0])


def _refuse_if_stale(connection: Any, planned_after: int) -> None:
    latest = _latest_run_id(connection)
    if latest != planned_after:
        raise StalePlan(
            f"Run {latest} began after this plan was read, and may have changed the target: "
            "applying the plan could do again what that run did. Nothing was sent.",
            advice="Run the same command again: it plans anew from what the target holds now.",
        )


def _facts(connection: Any, run_id: int) -> dict[str, Any]:
    row = connection.execute("SELECT facts FROM runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise JournalError(f"The journal has no run {run_id}.")
    facts: dict[str, Any] = json.loads(row[0])
    return facts


def _action_row(run_id: int, seq: int, action: Action, now: str) -> tuple[Any, ...]:
    if isinstance(action, Skip):
        outcome, reason = Outcome.SKIPPED, action.reason.value
    else:
        outcome, reason = Outcome.PENDING, None
    return (run_id, seq, action.key, action.type, action.model_dump_json(), outcome.value,
            reason, now)


def _action_record(row: tuple[Any, ...]) -> ActionRecord:
    run_id, seq, key, payload, outcome, reason, detail, updated_at = row
    return ActionRecord(
        run_id=run_id, seq=seq, key=key, action=_parse(lambda: _ACTION.validate_json(payload)),
        outcome=Outcome(outcome), reason=reason, detail=json.loads(detail),
        updated_at=datetime.fromisoformat(updated_at),
    )


def _parse(read: Callable[[], _T]) -> _T:
    try:
        return read()
    except (ValidationError, ValueError) as error:
        raise JournalError(
            f"The journal holds an action this version cannot read: {error}",
            "It may have been written by a newer spotify-transfer: upgrade it.",
        ) from None


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
