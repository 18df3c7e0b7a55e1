"""What ``verify`` prints: the verdict as text, and the versioned ``verify --json`` document
(schema: ``docs/verify-json.md``, generated from :class:`VerifyDocument` into
``docs/verify-json.schema.json``; a test keeps the two identical). ``version`` changes only
when a field is removed or changes meaning; new fields may appear within a version."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.engine.verifying import FoundBy, Verification
from transfer.models import Account, Category
from transfer.plan import Endpoint, PlanOptions, Skip, SkippedItem, SkipReason
from transfer.plan.playlists import is_selected
from transfer.plan.selection import Selection
from transfer.render.safe import safe_name
from transfer.render.text import cannot_move_section
from transfer.render.words import number, plural, quoted
from transfer.report.check import CheckResult

VERIFY_DOCUMENT = "spotify-transfer/verify"
VERIFY_DOCUMENT_VERSION = 1


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckedGroup(_Doc):
    group: str = Field(description="playlists, followed_playlists, liked_songs, saved, artists")
    ok: bool
    checked: int = Field(description="what the rule looked at: items, playlists, saves")
    text: str = Field(description="the rule in words")
    differences: list[str] = Field(description="each difference, in words (names made safe)")


class CopyFound(_Doc):
    source_id: str
    name: str = Field(description="the source playlist's name, exactly")
    target_id: str | None = Field(description="its copy in the target; null: none found")
    found_by: FoundBy | None = Field(description="journal (a link) or adopted (the adoption "
                                                 "rules); null: none found")
    present: bool = Field(description="the copy is in the target's playlist list")


class CannotMove(_Doc):
    reason: SkipReason
    reason_text: str
    item: SkippedItem


class ReadCost(_Doc):
    read_calls: dict[str, int] = Field(description="calls made, per endpoint")
    total_reads: int
    least_reads: int = Field(description="the fewest calls that read as much (GET /me aside)")
    total_writes: Literal[0] = Field(0, description="verify never writes")


class VerifyDocument(_Doc):
    document: Literal["spotify-transfer/verify"] = "spotify-transfer/verify"
    version: Literal[1] = 1
    generated_at: datetime
    origin: str = Field(description='"live", or the path of the file the source came from')
    source: Account
    target: Account
    options: PlanOptions
    selection: Selection | None = Field(
        None, description="the selection the options were made with (given now, or kept for "
                          "the pair); null: none")
    verified: bool = Field(description="true when the target holds everything that can move")
    checked: int = Field(description="items, follows and saves checked")
    differences: int = Field(description="how many differences are listed in groups")
    groups: list[CheckedGroup]
    copies: list[CopyFound] = Field(description="each chosen owned source playlist's copy")
    cannot_move: list[CannotMove] = Field(description="what is chosen but cannot move: no "
                                                      "difference")
    cost: ReadCost


def verify_document(
    verification: Verification,
    result: CheckResult,
    cannot: Sequence[Skip],
    options: PlanOptions,
    generated_at: datetime,
    origin: str = "live",
    selection: Selection | None = None,
) -> VerifyDocument:
    reads = dict(verification.reads)
    present = {playlist.id for playlist in verification.target.playlists}
    return VerifyDocument(
        generated_at=generated_at,
        origin=origin,
        source=verification.source.account,
        target=verification.target.account,
        options=options,
        selection=selection if selection is not None and not selection.is_empty else None,
        verified=result.ok,
        checked=result.checked,
        differences=result.problems,
        groups=[CheckedGroup(group=finding.group, ok=finding.ok, checked=finding.checked,
                             text=finding.text, differences=list(finding.problems))
                for finding in result.findings],
        copies=[CopyFound(source_id=playlist.id, name=playlist.name,
                          target_id=verification.copies.get(playlist.id),
                          found_by=verification.found_by.get(playlist.id),
                          present=verification.copies.get(playlist.id) in present)
                for playlist in _owned(verification, options)],
        cannot_move=[CannotMove(reason=skip.reason, reason_text=skip.reason.text,
                                item=skip.item) for skip in cannot],
        cost=ReadCost(read_calls=reads, total_reads=sum(reads.values()),
                      least_reads=verification.least),
    )


def render_verification_json(document: VerifyDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"


def verify_json_schema() -> dict[str, Any]:
    """The JSON Schema of the document (what ``docs/verify-json.schema.json`` holds)."""
    return VerifyDocument.model_json_schema(mode="serialization")


def render_verification(
    verification: Verification,
    result: CheckResult,
    cannot: Sequence[Skip],
    options: PlanOptions,
    origin: str = "live",
    full: bool = False,
) -> str:
    """The rules checked and what differs (capped per rule unless ``full``), what cannot
    move, how the copies were found, the calls it took and the verdict."""
    source = _account(verification.source.account)
    target = _account(verification.target.account)
    where = "the live account" if origin == "live" else f"the file {origin}"
    sections = [
        f"Verify: {source} → {target}\nSource read from {where}; the target read afresh.",
        result.render(listed=None if full else 5),
        _copies_line(verification, options),
        cannot_move_section(cannot, full, everything="verify --full"),
        _unread(cannot),
        _cost(verification),
        _verdict(result),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _account(account: Account) -> str:
    return f"{safe_name(account.display_name)} ({account.id})" if account.display_name \
        else account.id


def _owned(verification: Verification, options: PlanOptions) -> list[Any]:
    return [playlist for playlist in verification.source.playlists
            if playlist.relation == "owned" and is_selected(playlist, options)]


def _copies_line(verification: Verification, options: PlanOptions) -> str:
    if not options.wants(Category.PLAYLISTS):
        return ""
    owned = {playlist.id for playlist in _owned(verification, options)}
    found = Counter(how for source_id, how in verification.found_by.items() if source_id in owned)
    if not owned:
        return ""
    return (f"Copies: {number(found['journal'])} known from the journal, "
            f"{number(found['adopted'])} recognised by the adoption rules (docs/adopt.md), "
            f"{number(len(owned) - found.total())} not found.")


def _unread(cannot: Sequence[Skip]) -> str:
    unread = [skip for skip in cannot if skip.reason is SkipReason.ITEMS_UNKNOWN]
    if not unread:
        return ""
    names = ", ".join(quoted(skip.item.name) for skip in unread)
    return f"Not checked, its items cannot be read: {names}."


def _cost(verification: Verification) -> str:
    reads = sum(count for endpoint, count in verification.reads.items() if endpoint != Endpoint.ME)
    return (f"API calls: {plural(reads, 'read')} besides the accounts' identities (the least "
            f"that reads as much: {number(verification.least)}), no writes.")


def _verdict(result: CheckResult) -> str:
    if result.ok:
        return (f"Verified: the target holds everything that can move "
                f"({plural(result.checked, 'item')}).")
    return f"Differs: {plural(result.problems, 'difference')} (above)."
