"""What the journal hands back: runs, actions with their outcome, and what the tool added."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from transfer.plan import Action


class RunKind(StrEnum):
    TRANSFER = "transfer"
    SYNC = "sync"
    UNDO = "undo"


class RunState(StrEnum):
    """``running`` is also what a run killed outright (``kill -9``) is left in."""

    RUNNING = "running"
    DONE = "done"
    PAUSED = "paused"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class Outcome(StrEnum):
    """Where one action stands.

    ``sent``: the request is (about to be) on its way; a run that stops there did not learn the
    answer, so a resumed run treats it as ``unknown``. ``unknown``: the answer was lost and the
    target must be read before anything is sent again.
    """

    PENDING = "pending"
    SENT = "sent"
    DONE = "done"
    UNKNOWN = "unknown"
    FAILED = "failed"
    SKIPPED = "skipped"

    @property
    def settled(self) -> bool:
        return self in (Outcome.DONE, Outcome.SKIPPED)


class AddedHow(StrEnum):
    """How the tool put something in the target account (what ``undo`` reverses)."""

    SAVED = "saved"
    FOLLOWED = "followed"
    CREATED = "created"


@dataclass(frozen=True)
class RunRecord:
    id: int
    kind: RunKind
    state: RunState
    started_at: datetime
    ended_at: datetime | None
    resume_at: datetime | None
    source_id: str
    target_id: str
    origin: str = "live"
    message: str | None = None
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionRecord:
    run_id: int
    seq: int
    key: str
    action: Action
    outcome: Outcome
    reason: str | None
    detail: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class AddedItem:
    uri: str
    category: str
    how: AddedHow
    run_id: int
    added_at: datetime
    removed_at: datetime | None = None
