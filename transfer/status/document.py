"""The versioned JSON document of ``status --json`` (schema: ``docs/status-json.md``).

Defined by :class:`StatusDocument`; its JSON Schema is :func:`status_json_schema`, kept in
``docs/status-json.schema.json`` (a test keeps the two identical). ``version`` changes only when
a field is removed or changes meaning; new fields may appear within a version, so readers must
ignore fields they do not know. The parts about one run are those of the run report
(``docs/report-json.md``), built from the journal the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.journal import RunKind, RunState
from transfer.models import Account
from transfer.plan.save_order import SaveOrder
from transfer.plan.selection import Selection
from transfer.report import CategoryResult, FailedAction, SkippedItem, Summary

STATUS_DOCUMENT = "spotify-transfer/status"
STATUS_DOCUMENT_VERSION = 1


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReportFiles(_Doc):
    json_file: str = Field(description="the latest JSON report of the run")
    html_file: str | None = Field(None, description="the HTML report beside it, if written")


class RunTiming(_Doc):
    """When a run ran and where it stands, for every kind of run."""

    id: int = Field(description="the run's number in the pair's journal")
    state: RunState = Field(description="done, paused, failed, interrupted; running while a "
                                        "process is at work on it, or when one was killed")
    in_progress: bool = Field(description="a live process is running it now")
    killed: bool = Field(description="the process running it ended without closing it "
                                     "(kill -9, power loss); it resumes like an interrupted one")
    started_at: datetime
    ended_at: datetime | None = None
    resume_at: datetime | None = Field(None, description="a paused run may go on from then")
    may_resume_now: bool = Field(description="a stopped run that may be resumed at once")
    message: str | None = Field(None, description="why it stopped, or how it was closed")
    resume_command: str | None = Field(
        None, description="the exact command that takes the run up again; null when it is done")


class RunStatus(RunTiming):
    """The last transfer or sync of a pair."""

    kind: RunKind
    complete: bool = Field(description="done, with nothing failed and nothing left to do")
    origin: str = Field(description='"live", or the snapshot the source was read from')
    taken_back_by: int | None = Field(
        None, description="the undo run that later took back what this run added")
    summary: Summary
    categories: list[CategoryResult] = Field(description="counts per category, as in the report")
    skipped: list[SkippedItem] = Field(description="everything not moved, and why")
    failures: list[FailedAction]
    api_calls: int = Field(description="API calls the run used, all sessions")
    report: ReportFiles | None = Field(None, description="the run's latest report files")


class UndoStatus(RunTiming):
    """The last undo of a pair."""

    removed: int = Field(description="items taken out of the target")
    left: int = Field(description="items still to take out (a stopped undo)")
    failed: int = Field(description="removals Spotify refused")


class PairError(_Doc):
    message: str
    advice: str | None = None


class PairStatus(_Doc):
    source: Account
    target: Account
    journal: str = Field(description="the pair's journal file")
    error: PairError | None = Field(
        None, description="why the journal could not be read; the runs are then null")
    transfer: RunStatus | None = Field(None, description="the last transfer; null: none yet")
    sync: RunStatus | None = Field(None, description="the last sync; null: none yet")
    undo: UndoStatus | None = Field(None, description="the last undo; null: none")
    in_target: int | None = Field(
        None, description="items the tool added to the target and has not taken back (what "
                          "`undo` would remove)")
    selection: Selection | None = Field(
        None, description="the selection kept for the pair (--only, --playlist, "
                          "--exclude-playlist), which the next transfer or sync follows; null: "
                          "none, the settings decide")
    library_order: SaveOrder | None = Field(
        None, description="how Spotify orders the items of one save for this target, as a run "
                          "learnt it (kept, reversed, arbitrary); null: not learnt yet")


class StatusDocument(_Doc):
    document: Literal["spotify-transfer/status"] = "spotify-transfer/status"
    version: Literal[1] = 1
    generated_at: datetime
    home: str = Field(description="SPOTIFY_TRANSFER_HOME, where journals and reports are")
    pairs: list[PairStatus] = Field(description="one per source -> target journal; empty when "
                                                "nothing has run yet")


def status_json_schema() -> dict[str, Any]:
    """The JSON Schema of the document (what ``docs/status-json.schema.json`` holds)."""
    return StatusDocument.model_json_schema(mode="serialization")


def render_status_json(document: StatusDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"
