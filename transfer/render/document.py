"""The versioned JSON document of ``plan --json`` (schema: ``docs/plan-json.md``).

The document is defined by :class:`PlanDocument`; its JSON Schema is
:func:`plan_json_schema` and is kept in ``docs/plan-json.schema.json``. ``version`` changes
only when a field is removed or changes meaning; new fields may appear within a version, so
readers must ignore fields they do not know.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.models import Account
from transfer.plan import (
    CategoryOutline,
    Plan,
    PlanOptions,
    PlaylistOutline,
    Skip,
    SkippedItem,
    SkipReason,
    WriteAction,
    estimated_seconds,
)
from transfer.plan.selection import LeftOut, Selection, left_out

PLAN_DOCUMENT = "spotify-transfer/plan"
PLAN_DOCUMENT_VERSION = 1


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedAction(_Doc):
    key: str = Field(description="stable identity of the action, the same in every run")
    action: WriteAction = Field(discriminator="type")


class SkippedEntry(_Doc):
    key: str
    reason: SkipReason
    reason_text: str = Field(description="the reason in words")
    already_there: bool = Field(description="true when the target already has it (no loss)")
    detail: str = ""
    item: SkippedItem


class Cost(_Doc):
    write_calls: dict[str, int] = Field(description="calls the plan will make, per endpoint")
    read_calls: dict[str, int] = Field(
        default_factory=dict, description="calls made to build the plan, per endpoint"
    )
    total_writes: int
    total_reads: int
    estimated_seconds: float = Field(description="for the writes, without rate-limit waits")


class Summary(_Doc):
    empty: bool = Field(description="true when the plan writes nothing")
    writes: int
    skipped: int
    categories: list[CategoryOutline]


class PlanDocument(_Doc):
    document: Literal["spotify-transfer/plan"] = "spotify-transfer/plan"
    version: Literal[1] = 1
    generated_at: datetime
    origin: str = Field(description='"live", or the path of the snapshot the source came from')
    source: Account
    target: Account
    options: PlanOptions
    selection: Selection | None = Field(
        None, description="the selection the options were made with (--only, --playlist, "
                          "--exclude-playlist, or the one kept for the pair); null: none")
    left_out: LeftOut = Field(description="what the options leave out of the source")
    summary: Summary
    cost: Cost
    playlists: list[PlaylistOutline] = Field(description="every source playlist, source order")
    actions: list[PlannedAction] = Field(description="the writes, in the order they run")
    skipped: list[SkippedEntry]
    notes: list[str]


def plan_document(
    plan: Plan,
    generated_at: datetime,
    reads: Mapping[str, int] | None = None,
    origin: str = "live",
    selection: Selection | None = None,
) -> PlanDocument:
    writes = {str(endpoint): count for endpoint, count in sorted(plan.calls().items())}
    read_calls = dict(sorted((reads or {}).items()))
    return PlanDocument(
        generated_at=generated_at,
        origin=origin,
        source=plan.source,
        target=plan.target,
        options=plan.options,
        selection=selection if selection is not None and not selection.is_empty else None,
        left_out=left_out(plan),
        summary=Summary(empty=plan.is_empty, writes=len(plan.writes), skipped=len(plan.skips),
                        categories=list(plan.categories)),
        cost=Cost(write_calls=writes, read_calls=read_calls, total_writes=sum(writes.values()),
                  total_reads=sum(read_calls.values()),
                  estimated_seconds=round(estimated_seconds(plan.calls()), 1)),
        playlists=list(plan.playlists),
        actions=[PlannedAction(key=action.key, action=action) for action in plan.writes],
        skipped=[_skipped(skip) for skip in plan.skips],
        notes=list(plan.notes),
    )


def _skipped(skip: Skip) -> SkippedEntry:
    return SkippedEntry(key=skip.key, reason=skip.reason, reason_text=skip.reason.text,
                        already_there=skip.reason.already_there, detail=skip.detail,
                        item=skip.item)


def render_plan_json(
    plan: Plan,
    generated_at: datetime,
    reads: Mapping[str, int] | None = None,
    origin: str = "live",
    selection: Selection | None = None,
) -> str:
    """The document as indented JSON text, ending with a newline."""
    document = plan_document(plan, generated_at, reads, origin, selection)
    return document.model_dump_json(indent=2) + "\n"


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of the document (what ``docs/plan-json.schema.json`` holds)."""
    return PlanDocument.model_json_schema(mode="serialization")
