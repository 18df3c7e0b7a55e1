"""The ``verify --json`` document: the published schema is the one the code writes, a document
with differences and items that cannot move follows it, and the text says the same verdict."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from tests.unit.test_report_check import SOURCE, faithful_target
from transfer.engine.verifying import Verification
from transfer.plan import PlanOptions
from transfer.render.verification import (
    render_verification,
    render_verification_json,
    verify_document,
    verify_json_schema,
)
from transfer.report.check import cannot_move, check_target

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def test_the_published_schema_is_the_one_the_code_writes() -> None:
    """Changing the document means changing docs/verify-json.schema.json on purpose."""
    assert verify_json_schema() == json.loads((DOCS / "verify-json.schema.json").read_text())


def verification(copies: dict[str, str]) -> Verification:
    return Verification(SOURCE, faithful_target(), copies, {"p1": "journal"} if copies else {},
                        {"GET /me": 2, "GET /me/playlists": 2}, 2)


def test_a_document_with_differences_follows_the_schema() -> None:
    options = PlanOptions()
    found = verification({})
    result = check_target(found.source, found.target, options, found.copies)
    cannot = cannot_move(found.source, options)
    document = json.loads(render_verification_json(
        verify_document(found, result, cannot, options, NOW)))
    jsonschema.validate(document, json.loads((DOCS / "verify-json.schema.json").read_text()))
    assert not document["verified"] and document["differences"] == 1
    assert document["copies"] == [{"source_id": "p1", "name": "Mix", "target_id": None,
                                   "found_by": None, "present": False}]
    assert [item["reason"] for item in document["cannot_move"]] == ["local_file", "unavailable"]
    assert document["cost"] == {"read_calls": {"GET /me": 2, "GET /me/playlists": 2},
                                "total_reads": 4, "least_reads": 2, "total_writes": 0}
    text = render_verification(found, result, cannot, options)
    assert "Differs: 1 difference (above)." in text and "“Mix”: no copy in the target" in text
    assert "1 not found" in text


def test_the_verdict_counts_what_was_checked() -> None:
    options = PlanOptions()
    found = verification({"p1": "c1"})
    result = check_target(found.source, found.target, options, found.copies)
    text = render_verification(found, result, cannot_move(found.source, options), options)
    assert text.endswith("Verified: the target holds everything that can move (11 items).\n")
    assert "API calls: 2 reads besides the accounts' identities" in text
