"""``spotify-transfer plan`` against the sandbox: the preview of the built-in library as text and
as the versioned JSON document, from a live account or a snapshot, and never a write request."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless
from tests.e2e.cli_support import run_cli
from transfer.config import Settings
from transfer.errors import ExitStatus
from transfer.sandbox.builtin import builtin_facts
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_plan_previews_the_built_in_library_without_writing(
    logged_in: Settings, sandbox: SandboxServer
) -> None:
    result = run_cli("plan")
    assert result.exit_code == 0, result.output
    assert sandbox.request_log.writes() == 0
    assert sandbox.request_log.total() > 50, "both libraries were read"
    facts = builtin_facts()
    text = result.stdout
    assert text.startswith("Plan: Alex (old account) (alex.old) → Alex (alex.new)")
    assert f"Playlists ({len(facts.playlist_ids)}): {len(facts.playlist_ids)} new" in text
    assert f"{facts.liked_songs:,}" in text
    assert "local file: the Spotify API cannot add local files" in text
    assert "API calls:" in text and "Estimated time:" in text
    assert not (logged_in.home / "journals").exists(), "a preview leaves no journal behind"


def test_plan_json_is_the_published_document(logged_in: Settings, sandbox: SandboxServer
                                             ) -> None:
    result = run_cli("plan", "--json")
    assert result.exit_code == 0, result.output
    assert sandbox.request_log.writes() == 0
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads((DOCS / "plan-json.schema.json").read_text()))
    facts = builtin_facts()
    assert (document["document"], document["origin"]) == ("spotify-transfer/plan", "live")
    assert (document["source"]["id"], document["target"]["id"]) == (SOURCE_USER, TARGET_USER)
    creates = document["cost"]["write_calls"]["POST /me/playlists"]
    assert creates == len(facts.owned_playlist_ids)
    assert document["cost"]["total_reads"] == sandbox.request_log.total() - 2  # GET /me twice


def test_plan_from_a_snapshot_needs_no_source_log_in(
    logged_in: Settings, sandbox: SandboxServer, tmp_path: Path
) -> None:
    snapshot = tmp_path / "old.json"
    assert run_cli("export", "-o", str(snapshot)).exit_code == 0
    (logged_in.home / "tokens" / "source.json").unlink()
    sandbox.request_log.reset()
    result = run_cli("plan", "--json", "--from-snapshot", str(snapshot))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["origin"] == str(snapshot)
    assert {entry.user_id for entry in sandbox.request_log.entries} == {TARGET_USER}
    assert sandbox.request_log.writes() == 0


def test_plan_refuses_the_same_account_twice(logged_in: Settings, sandbox: SandboxServer
                                             ) -> None:
    log_in_headless(logged_in, sandbox, {"target": SOURCE_USER})
    result = run_cli("plan")
    assert result.exit_code == ExitStatus.USAGE
    assert "same Spotify account" in result.stderr
    assert sandbox.request_log.writes() == 0


def test_plan_after_a_transfer_has_nothing_to_do(
    point_at: Callable[[SandboxServer], Settings]
) -> None:
    with SandboxServer(tiny_seed(), port=0) as server:
        settings = point_at(server)
        assert run_cli("transfer", "--yes").exit_code == 0
        server.request_log.reset()
        result = run_cli("plan")
        assert result.exit_code == 0, result.output
        assert "Nothing to do" in result.stdout
        assert "stopped before it was done" not in result.stdout
        assert server.request_log.writes() == 0
    assert (settings.home / "journals").is_dir()
