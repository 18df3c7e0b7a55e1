"""The run report: a versioned JSON document of what one transfer (or sync) run did.

Schema: ``docs/report-json.md`` and ``docs/report-json.schema.json`` (generated from
:class:`ReportDocument`; a test keeps the two identical). ``version`` changes only when a field
is removed or changes meaning; new fields may appear within a version, so readers must ignore
fields they do not know. The HTML report and ``status`` are made from this document.

It is built from the journal alone (:func:`build_report`), so a paused, interrupted or failed run
gets the same report as a finished one, and a run resumed later reports all of its work.
"""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.journal import ActionRecord, Journal, Outcome, RunKind, RunState
from transfer.models import Account, Category
from transfer.plan import PlanOptions, Skip, SkipReason
from transfer.report.outcomes import category_counts, failure_of, playlist_results
from transfer.report.results import (
    ApiCalls,
    CategoryResult,
    FailedAction,
    PlaylistResult,
    SkippedItem,
    skipped_item,
)

REPORT_DOCUMENT = "spotify-transfer/report"
REPORT_DOCUMENT_VERSION = 1

LIVE = "live"
RESUME_COMMANDS = {
    RunKind.TRANSFER: "spotify-transfer transfer",
    RunKind.SYNC: "spotify-transfer sync",
    RunKind.UNDO: "spotify-transfer undo",
}


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RunInfo(_Doc):
    id: int = Field(description="the run's number in the journal of this source -> target pair")
    kind: RunKind
    state: RunState = Field(description="done, paused, interrupted, failed (running: killed)")
    complete: bool = Field(description="done, with nothing failed and nothing left to do")
    resumed: bool = Field(description="this session took up a run that had stopped earlier")
    origin: str = Field(description='"live", or the path of the snapshot the source came from')
    started_at: datetime
    ended_at: datetime | None = None
    resume_at: datetime | None = Field(None, description="a paused run may go on from then")
    message: str | None = Field(None, description="why the run stopped, when it did")
    resume_command: str | None = Field(
        None, description="the command that takes the run up again; null when it is done"
    )


class Summary(_Doc):
    done: int = Field(description="items moved: playlists created or followed, items added to "
                                  "copies, saved items, followed artists (covers not counted)")
    left: int = Field(description="items still to move (a stopped run)")
    failed: int = Field(description="items Spotify refused")
    removed: int = Field(0, description="items taken out of the target (sync --mirror): "
                                        "copies removed, their items, unsaved and unfollowed "
                                        "items")
    skipped_by_reason: dict[str, int] = Field(
        description="items not moved, per reason code (see skipped[])"
    )


class ReportDocument(_Doc):
    document: Literal["spotify-transfer/report"] = "spotify-transfer/report"
    version: Literal[1] = 1
    generated_at: datetime
    run: RunInfo
    source: Account
    target: Account
    options: PlanOptions
    summary: Summary
    categories: list[CategoryResult] = Field(description="what moved, per category")
    playlists: list[PlaylistResult] = Field(description="every source playlist, source order")
    skipped: list[SkippedItem] = Field(description="everything not moved, and why")
    failures: list[FailedAction] = Field(description="writes Spotify refused, and its answer")
    warnings: list[str] = Field(description="what the run warned about (e.g. dates refused)")
    notes: list[str] = Field(description="the plan's notes")
    api_calls: ApiCalls


def build_report(
    journal: Journal,
    run_id: int,
    generated_at: datetime,
    *,
    resumed: bool = False,
    warnings: Sequence[str] = (),
) -> ReportDocument:
    """The report of run ``run_id`` as the journal records it now."""
    run = journal.run(run_id)
    plan = journal.plan_of(run_id)
    records = journal.actions(run_id)
    categories = category_counts(plan, records)
    failures = [failure_of(record) for record in records if record.outcome is Outcome.FAILED]
    complete = run.state is RunState.DONE and not any(r.left or r.failed for r in categories)
    return ReportDocument(
        generated_at=generated_at,
        run=RunInfo(
            id=run.id, kind=run.kind, state=run.state, complete=complete, resumed=resumed,
            origin=run.origin, started_at=run.started_at, ended_at=run.ended_at,
            resume_at=run.resume_at, message=run.message,
            resume_command=None if complete else resume_command(run.kind, run.origin),
        ),
        source=plan.source,
        target=plan.target,
        options=plan.options,
        summary=_summary(categories, records),
        categories=categories,
        playlists=playlist_results(plan, records, journal.links()),
        skipped=[skipped_item(record.action) for record in records
                 if isinstance(record.action, Skip)],
        failures=failures,
        warnings=list(dict.fromkeys(warnings)),
        notes=list(plan.notes),
        api_calls=api_calls(run.calls),
    )


def resume_command(kind: RunKind, origin: str) -> str:
    """The command that takes a stopped run up again; a transfer planned from a snapshot is
    resumed with it (the source account may be gone)."""
    command = RESUME_COMMANDS[kind]
    if kind is RunKind.TRANSFER and origin != LIVE:
        command += f" --from-snapshot {shlex.quote(origin)}"
    return command


_ITEM_GROUPS = (*(category.value for category in Category), "playlist_items")


def _summary(categories: Sequence[CategoryResult], records: Sequence[ActionRecord]) -> Summary:
    counted = [row for row in categories if row.category in _ITEM_GROUPS]
    reasons: Counter[str] = Counter()
    for record in records:
        if isinstance(record.action, Skip):
            reasons[record.action.reason.value] += record.action.item.count
    ordered = {reason.value: reasons[reason.value] for reason in SkipReason if reasons[reason]}
    return Summary(
        done=sum(row.done for row in counted),
        left=sum(row.left for row in counted),
        failed=sum(row.failed for row in counted),
        removed=sum(row.removed for row in counted),
        skipped_by_reason=ordered,
    )


def api_calls(calls: Mapping[str, int]) -> ApiCalls:
    """The calls of a run per endpoint, split into reads and writes."""
    reads = sum(count for endpoint, count in calls.items() if endpoint.startswith("GET "))
    total = sum(calls.values())
    return ApiCalls(by_endpoint=dict(sorted(calls.items())), reads=reads, writes=total - reads,
                    total=total)


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of the document (what ``docs/report-json.schema.json`` holds)."""
    return ReportDocument.model_json_schema(mode="serialization")


def render_report_json(document: ReportDocument) -> str:
    """The document as indented JSON text, ending with a newline."""
    return document.model_dump_json(indent=2) + "\n"

