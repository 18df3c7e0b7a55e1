"""``status`` after real runs against the sandbox: nothing yet, a complete transfer, a paused
one (when and how it resumes, exactly), a killed one, one running now, a sync, an undo, and a
damaged journal reported for its pair while the others are still shown. ``--json`` follows its
published schema."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter
from tests.e2e.cli_support import run_cli
from transfer.config import Settings
from transfer.engine import Engine
from transfer.errors import ExitStatus, RateLimited
from transfer.export import read_library, write_snapshot
from transfer.journal import Journal, RunKind, RunState, journal_path
from transfer.plan import PlanOptions
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed
from transfer.status import status_json_schema
from transfer.undo import Undo

pytestmark = pytest.mark.e2e

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "status-json.schema.json"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), port=0) as running:
        yield running


@pytest.fixture
def settings(server: SandboxServer, point_at: Callable[[SandboxServer], Settings]) -> Settings:
    return point_at(server)


def _journal(settings: Settings) -> Journal:
    return Journal.open(journal_path(settings.home, SOURCE_USER, TARGET_USER))


def _engine(settings: Settings, journal: Journal, **fields: Any) -> Engine:
    source = None if "snapshot" in fields else make_adapter(settings, "source", [])
    return Engine(target=make_adapter(settings, "target", []), journal=journal, source=source,
                  **fields)


def _status_json(*options: str) -> dict[str, Any]:
    result = run_cli(*options, "status", "--json")
    document: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    return document


def _pause(server: SandboxServer, settings: Settings, **fields: Any) -> RateLimited:
    """A transfer that Spotify's spent quota pauses after two writes."""
    with _journal(settings) as journal:
        engine = _engine(settings, journal, **fields)
        prepared = engine.prepare()
        server.reset_quota()
        server.set_faults(Faults(quota=2, quota_retry_after=3600))
        with pytest.raises(RateLimited) as paused:
            engine.apply(prepared)
    server.set_faults(Faults())
    server.reset_quota()
    return paused.value


def test_with_no_journal_it_says_there_is_nothing_yet(settings: Settings) -> None:
    result = run_cli("status")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing yet: no transfer, sync or undo has run")
    document = _status_json()
    assert document["document"] == "spotify-transfer/status" and document["version"] == 1
    assert document["pairs"] == []


def test_a_complete_transfer_with_its_counts_and_what_was_not_moved(
    server: SandboxServer, settings: Settings,
) -> None:
    with _journal(settings) as journal:
        _engine(settings, journal).run()
    result = run_cli("status")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("Alex (old account) (alex.old) → Alex (alex.new)\n")
    assert "  Transfer, run 1: complete, " in text
    assert "      Playlists           2 created, 3 followed" in text
    assert "      Liked Songs         5 saved" in text
    assert "local file: the Spotify API cannot add local files (1):" in text
    assert "“Demo Tape” by Me, #5 in “Road trip 🚗”" in text
    assert "  Sync: none yet." in text
    assert "In the target now: 19 items added by spotify-transfer" in text
    transfer = _status_json()["pairs"][0]["transfer"]
    assert (transfer["state"], transfer["complete"], transfer["resume_command"]) == (
        "done", True, None)
    assert {item["reason"] for item in transfer["skipped"]} == {"local_file", "unavailable"}
    liked = next(row for row in transfer["categories"] if row["category"] == "liked_songs")
    assert (liked["in_source"], liked["done"]) == (5, 5)


def test_status_makes_no_request_to_spotify(server: SandboxServer, settings: Settings) -> None:
    with _journal(settings) as journal:
        _engine(settings, journal).run()
    server.request_log.reset()
    assert run_cli("status").exit_code == 0
    assert server.request_log.total() == 0


def test_a_paused_transfer_says_when_it_may_resume_and_the_exact_command(
    server: SandboxServer, settings: Settings, tmp_path: Path,
) -> None:
    snapshot = tmp_path / "old account.json"
    write_snapshot(read_library(make_adapter(settings, "source", [])), snapshot)
    config = tmp_path / "my settings.toml"
    config.write_text("")
    pause = _pause(server, settings, snapshot=snapshot)
    result = run_cli("--config", str(config), "status")
    assert result.exit_code == 0, result.output
    command = f"spotify-transfer --config '{config}' transfer --from-snapshot '{snapshot}'"
    assert "  Transfer, run 1: paused " in result.output
    assert "Spotify's request quota for this app is spent" in result.output
    when = pause.resume_at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    assert (f"    May resume after {when} (in 1 h): run `{command}`, or `{command} --now` to "
            "try sooner with one request.") in result.output
    assert "left to do" in result.output
    transfer = _status_json("--config", str(config))["pairs"][0]["transfer"]
    assert transfer["state"] == "paused" and transfer["may_resume_now"] is False
    assert transfer["resume_command"] == command
    assert transfer["resume_at"].startswith(pause.resume_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert transfer["summary"]["done"] > 0 and transfer["summary"]["left"] > 0


def test_a_paused_run_whose_time_has_come_may_resume_now(
    server: SandboxServer, settings: Settings,
) -> None:
    _pause(server, settings)
    with _journal(settings) as journal:
        run = journal.runs(limit=1)[0]
        journal.resume_run(run.id)
        assert run.resume_at is not None
        journal.finish_run(run.id, RunState.PAUSED, resume_at=run.resume_at - timedelta(hours=2),
                           message="Spotify's request quota for this app is spent.")
    assert "    May resume now: run `spotify-transfer transfer`." in run_cli("status").output
    assert _status_json()["pairs"][0]["transfer"]["may_resume_now"] is True


def test_a_killed_run_and_a_run_going_on_right_now(
    server: SandboxServer, settings: Settings,
) -> None:
    with _journal(settings) as journal:
        engine = _engine(settings, journal)
        run_id = journal.begin_run(RunKind.TRANSFER, engine.prepare().plan)
        running = _status_json()["pairs"][0]["transfer"]
        assert (running["state"], running["in_progress"], running["killed"]) == (
            "running", True, False)
        assert running["resume_command"] is None
        assert "  Transfer, run 1: running now (started " in run_cli("status").output
    # the journal is closed with the run never finished: what kill -9 leaves behind
    killed = _status_json()["pairs"][0]["transfer"]
    assert (killed["id"], killed["in_progress"], killed["killed"]) == (run_id, False, True)
    assert killed["may_resume_now"] is True
    assert killed["resume_command"] == "spotify-transfer transfer"
    assert "stopped without a word (the process was killed)" in run_cli("status").output


def test_the_last_sync_is_shown_beside_the_last_transfer(
    server: SandboxServer, settings: Settings,
) -> None:
    with _journal(settings) as journal:
        _engine(settings, journal).run()
        _engine(settings, journal, kind=RunKind.SYNC).run()
    pair = _status_json()["pairs"][0]
    assert (pair["transfer"]["id"], pair["sync"]["id"]) == (1, 2)
    assert pair["sync"]["kind"] == "sync" and pair["sync"]["summary"]["done"] == 0
    assert "  Sync, run 2: complete, " in run_cli("status").output


def test_a_paused_mirror_sync_resumes_with_mirror(
    server: SandboxServer, settings: Settings,
) -> None:
    _pause(server, settings, kind=RunKind.SYNC, options=PlanOptions(mirror=True))
    sync = _status_json()["pairs"][0]["sync"]
    assert (sync["state"], sync["resume_command"]) == ("paused", "spotify-transfer sync --mirror")
    assert "run `spotify-transfer sync --mirror`" in run_cli("status").output


def test_an_undo_is_shown_and_the_transfer_it_took_back_says_so(
    server: SandboxServer, settings: Settings,
) -> None:
    with _journal(settings) as journal:
        _engine(settings, journal).run()
        undo = Undo(target=make_adapter(settings, "target", []), journal=journal)
        undo.apply(undo.prepare())
    pair = _status_json()["pairs"][0]
    assert pair["transfer"]["taken_back_by"] == 2
    assert (pair["undo"]["state"], pair["undo"]["removed"], pair["undo"]["left"]) == (
        "done", 19, 0)
    assert pair["in_target"] == 0
    text = run_cli("status").output
    assert "    Taken back since by undo run 2." in text
    assert "  Undo, run 2: complete, " in text and "19 items taken back." in text
    assert "In the target now" not in text


def test_a_damaged_journal_is_an_error_for_its_pair_and_the_others_are_shown(
    server: SandboxServer, settings: Settings,
) -> None:
    with _journal(settings) as journal:
        _engine(settings, journal).run()
    folder = settings.home / "journals"
    (folder / "friend__alex.new.sqlite").write_bytes(b"not a database at all" * 50)
    newer = folder / "other__alex.new.sqlite"
    with Journal.open(newer) as journal:
        journal.runs()
    import sqlite3

    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE schema_version SET version = 99")
    result = run_cli("status")
    assert result.exit_code == ExitStatus.ERROR
    assert "friend → alex.new\n  ! The journal " in result.output
    assert "is damaged: not a SQLite database." in result.output
    assert "other → alex.new\n  ! The journal " in result.output
    assert "was written by a newer spotify-transfer (schema 99" in result.output
    assert "  Transfer, run 1: complete, " in result.output, "the good pair is still shown"
    assert "2 journal(s) could not be read" in result.output
    document = json.loads(run_cli("status", "--json").stdout)
    errors = {pair["source"]["id"]: pair["error"] for pair in document["pairs"]}
    assert errors[SOURCE_USER] is None
    assert "damaged" in errors["friend"]["message"] and errors["friend"]["advice"]
    assert "newer" in errors["other"]["message"]


def test_the_published_schema_is_the_one_the_code_writes() -> None:
    """Changing the document means changing docs/status-json.schema.json on purpose."""
    assert status_json_schema() == json.loads(SCHEMA.read_text())
