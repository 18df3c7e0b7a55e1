"""The run report built from a journal: counts, per-playlist fates, skipped items with names and
links, failures, stopped runs; its files and its published schema; the human summary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from tests.unit.plan_support import (
    CUSTOM_COVER,
    SimulatedTarget,
    entry,
    followed,
    library,
    local,
    owned,
    saved,
    tracks,
)
from transfer.journal import Journal, Outcome, RunKind, RunState
from transfer.models import Cover, Playlist
from transfer.plan import Plan, PlanOptions, SaveLikedWithDates, diff, plain_batches
from transfer.report import (
    ReportDocument,
    build_report,
    open_url,
    render_summary,
    report_files,
    report_json_schema,
    write_report,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = datetime(2026, 5, 1, 13, 0, tzinfo=UTC)


def mixed_playlist() -> Playlist:
    base = owned("p1", [*tracks("t", 120)], name="Road trip",
                 cover=Cover(url=f"{CUSTOM_COVER}1", custom=True))
    carried = base.entries or ()
    entries = (*carried[:3], local("Garage demo"), entry(None), *carried[3:])
    return base.model_copy(update={"entries": entries})


SOURCE = library(
    playlists=(
        mixed_playlist(),
        owned("p2", ["spotify:episode:e1"], name="Podcasts"),
        followed("f1", name="Friends' mix", owner_name="Sam"),
        owned("p3", tracks("x", 2), name="Old stuff"),
    ),
    liked_songs=saved(*tracks("l", 3)),
    artists=saved("spotify:artist:a1", dated=False),
)
TARGET = library("alex.new")
OPTIONS = PlanOptions(exclude_playlists=("Old*",))


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal.open(":memory:", clock=Clock()) as opened:
        yield opened


def execute(journal: Journal, run_id: int, plan: Plan, stop_after: int | None = None,
            fail: str | None = None) -> None:
    """Play the plan's writes against a simulated target as the engine does; ``fail`` is the
    key of an action Spotify refuses."""
    target = SimulatedTarget(TARGET)
    for index, action in enumerate(plan.writes):
        if stop_after is not None and index >= stop_after:
            return
        if action.key == fail:
            journal.mark_failed(run_id, action.key, "Spotify answered 400: Invalid base64")
            continue
        target.apply([action])
        source_id = getattr(action, "source_playlist_id", None)
        link = target.links[source_id] if source_id is not None else None
        journal.mark_done(run_id, action.key,
                          target_playlist_id=link.target_playlist_id if link else None,
                          snapshot_id=link.target_snapshot_id if link else None)


def finished(journal: Journal, stop_after: int | None = None, fail: str | None = None,
             state: RunState = RunState.DONE, resume_at: datetime | None = None
             ) -> ReportDocument:
    plan = diff(SOURCE, TARGET, OPTIONS)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    journal.add_calls(run_id, {"GET /me/playlists": 2, "POST /me/playlists": 2,
                               "PUT /me/library": 1})
    execute(journal, run_id, plan, stop_after, fail)
    journal.finish_run(run_id, state, resume_at=resume_at,
                       message="quota spent" if state is RunState.PAUSED else None)
    return build_report(journal, run_id, NOW, warnings=["a warning", "a warning"])


def by_category(document: ReportDocument) -> dict[str, tuple[int, int, int, int, int]]:
    return {row.category: (row.done, row.left, row.failed, row.already_there, row.skipped)
            for row in document.categories}


def test_a_complete_run_counts_what_moved_per_category(journal: Journal) -> None:
    document = finished(journal)
    assert document.run.state is RunState.DONE and document.run.complete
    assert document.run.resume_command is None
    counts = by_category(document)
    assert counts["playlists"] == (3, 0, 0, 0, 1)  # two copies and a follow; one excluded
    assert counts["playlist_items"] == (121, 0, 0, 0, 2)  # a local file and an unavailable
    assert counts["covers"] == (1, 0, 0, 0, 0)
    assert counts["liked_songs"] == (3, 0, 0, 0, 0)
    assert counts["artists"] == (1, 0, 0, 0, 0)
    assert document.summary.done == 3 + 121 + 3 + 1
    assert document.summary.skipped_by_reason == {"local_file": 1, "unavailable": 1,
                                                  "excluded": 1}
    assert document.warnings == ["a warning"]
    assert document.api_calls.total == 5 and document.api_calls.reads == 2


def test_each_playlist_says_where_its_copy_is_and_what_did_not_move(journal: Journal) -> None:
    document = finished(journal)
    trip, podcasts, friends, old = document.playlists
    assert (trip.name, trip.change, trip.status) == ("Road trip", "create", "done")
    assert trip.target_id is not None and trip.target_url == (
        f"https://open.spotify.com/playlist/{trip.target_id}")
    assert trip.source_url == "https://open.spotify.com/playlist/p1"
    assert (trip.entries, trip.items_added, trip.items_skipped) == (122, 120, 2)
    assert trip.cover == "uploaded" and trip.target_name == "Road trip"
    local_file, unavailable = trip.skipped_items
    assert (local_file.reason, local_file.name, local_file.position) == (
        "local_file", "Garage demo", 3)
    assert local_file.url is None and local_file.uri is not None
    assert (unavailable.reason, unavailable.name, unavailable.position, unavailable.uri) == (
        "unavailable", "", 4, None)
    assert podcasts.items_added == 1 and podcasts.cover is None
    assert (friends.change, friends.status, friends.target_id, friends.owner_name) == (
        "follow", "done", "f1", "Sam")
    assert (old.status, old.skip_reason, old.skip_detail) == ("skipped", "excluded", "Old*")


def test_skipped_items_carry_reasons_and_links(journal: Journal) -> None:
    document = finished(journal)
    by_reason = {item.reason.value: item for item in document.skipped}
    assert by_reason["excluded"].url == "https://open.spotify.com/playlist/p3"
    assert by_reason["excluded"].reason_text.startswith("left out by --exclude-playlist")
    assert by_reason["local_file"].playlist_url == "https://open.spotify.com/playlist/p1"
    assert not any(item.already_there for item in document.skipped)


def test_a_paused_run_reports_what_is_left_and_how_to_resume(journal: Journal) -> None:
    resume_at = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
    document = finished(journal, stop_after=3, state=RunState.PAUSED, resume_at=resume_at)
    run = document.run
    assert (run.state, run.complete, run.resume_at) == (RunState.PAUSED, False, resume_at)
    assert run.resume_command == "spotify-transfer transfer" and run.message == "quota spent"
    assert document.summary.left > 0 and document.summary.done > 0
    statuses = {playlist.name: playlist.status for playlist in document.playlists}
    assert "left" in statuses.values() or "partial" in statuses.values()
    text = render_summary(document)
    assert "Transfer paused" in text and "spotify-transfer transfer" in text
    assert "left to do" in text


def test_a_refused_write_is_a_failure_in_words(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET, OPTIONS)
    cover = next(action for action in plan.writes if action.type == "upload_cover")
    document = finished(journal, fail=cover.key)
    assert not document.run.complete and document.run.state is RunState.DONE
    (failure,) = document.failures
    assert failure.description == "upload the cover of the copy of “Road trip”"
    assert failure.reason == "Spotify answered 400: Invalid base64"
    assert failure.playlist_id == "p1"
    trip = document.playlists[0]
    assert (trip.status, trip.cover) == ("partial", "failed")
    assert by_category(document)["covers"] == (0, 0, 1, 0, 0)
    text = render_summary(document)
    assert "Failed (1):" in text and "Invalid base64" in text
    assert "done, with failures" in text


def test_writes_set_aside_for_replacements_are_not_counted_twice(journal: Journal) -> None:
    source = library(liked_songs=saved(*tracks("l", 60)))
    plan = diff(source, TARGET, PlanOptions(preserve_liked_dates=True, extended_quota=True))
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    dated = [action for action in plan.writes if isinstance(action, SaveLikedWithDates)]
    plain = plain_batches(tuple(dated))
    journal.replace_actions(run_id, [action.key for action in dated], plain, "dates refused")
    for action in plain:
        journal.mark_done(run_id, action.key)
    journal.finish_run(run_id, RunState.DONE)
    document = build_report(journal, run_id, NOW)
    assert by_category(document)["liked_songs"] == (60, 0, 0, 0, 0)
    assert document.run.complete


def test_the_document_follows_its_published_schema(journal: Journal) -> None:
    document = finished(journal)
    schema = json.loads((DOCS / "report-json.schema.json").read_text())
    jsonschema.validate(json.loads(document.model_dump_json()), schema)


def test_the_published_schema_is_the_one_the_code_writes() -> None:
    """Changing the document means changing docs/report-json.schema.json on purpose."""
    published = json.loads((DOCS / "report-json.schema.json").read_text())
    assert report_json_schema() == published, (
        "regenerate it: python -c 'import json; from transfer.report import report_json_schema; "
        "print(json.dumps(report_json_schema(), indent=2, ensure_ascii=False))' "
        "> docs/report-json.schema.json")


def test_report_files_are_per_pair_and_run_and_never_overwritten(
    journal: Journal, tmp_path: Path
) -> None:
    document = finished(journal)
    first = write_report(tmp_path, document)
    second = write_report(tmp_path, document)
    folder = tmp_path / "reports" / "alex.old__alex.new"
    assert first == folder / "1-20260501T130000Z.json"
    assert second == folder / "1-20260501T130000Z-2.json"
    assert ReportDocument.model_validate_json(first.read_text()) == document
    assert {path.name for path in folder.iterdir()} == {first.name, second.name}
    assert report_files(tmp_path, "alex.old", "alex.new") == [first, second]
    assert report_files(tmp_path, "alex.old", "someone") == []


def test_a_report_that_cannot_be_written_is_a_clear_error(journal: Journal, tmp_path: Path
                                                          ) -> None:
    blocker = tmp_path / "reports"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(Exception, match="Cannot write the report"):
        write_report(tmp_path, finished(journal))


def test_the_summary_names_what_did_not_move_and_the_calls(journal: Journal) -> None:
    text = render_summary(finished(journal), report_path=Path("/r/1.json"), session_calls=7)
    assert text.startswith("Transfer complete: alex.old → alex.new (run 1).")
    assert "Playlists           2 created, 1 followed (1 not moved)" in text
    assert "Playlist items      121 added (2 not moved)" in text
    assert "“Garage demo”, #4 in “Road trip”" in text
    assert "#5 in “Road trip” (Spotify gives no name)" in text
    assert "“Old stuff” (Old*)" in text
    assert "API calls: 5 (2 reads, 3 writes)." in text
    assert text.rstrip().endswith("Report: /r/1.json")


def test_long_lists_of_skipped_items_are_cut_unless_full(journal: Journal) -> None:
    source = library(playlists=(owned("p", [*[None] * 30, "spotify:track:kept"], name="Gone"),))
    plan = diff(source, TARGET)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    execute(journal, run_id, plan)
    journal.finish_run(run_id, RunState.DONE)
    document = build_report(journal, run_id, NOW)
    assert "… and 5 more (see the report)" in render_summary(document)
    assert render_summary(document, full=True).count("in “Gone”") == 30


@pytest.mark.parametrize(
    ("uri", "url"),
    [
        ("spotify:track:abc", "https://open.spotify.com/track/abc"),
        ("spotify:episode:e", "https://open.spotify.com/episode/e"),
        ("spotify:playlist:p", "https://open.spotify.com/playlist/p"),
        ("spotify:local:Artist:Album:Name:180", None),
        ("not a uri", None),
        (None, None),
    ],
)
def test_links_open_items_in_spotify(uri: str | None, url: str | None) -> None:
    assert open_url(uri) == url


def test_outcomes_left_in_flight_count_as_left(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET, OPTIONS)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    create = plan.writes[0]
    journal.mark_sent(run_id, create.key)
    journal.mark_unknown(run_id, plan.writes[0].key, "lost")
    assert journal.outcome(run_id, create.key) is Outcome.UNKNOWN
    document = build_report(journal, run_id, NOW)
    assert document.run.state is RunState.RUNNING and not document.run.complete
    assert by_category(document)["playlists"][1] == 3  # two creates and a follow, all left


def test_a_resumed_run_tells_the_calls_of_this_session_apart(journal: Journal) -> None:
    document = finished(journal)
    resumed = document.model_copy(update={"run": document.run.model_copy(
        update={"resumed": True})})
    text = render_summary(resumed, session_calls=2)
    assert "(run 1, resumed)" in text
    assert "API calls: 5 (2 reads, 3 writes); 2 in this session." in text


def test_what_the_target_had_already_is_counted_not_moved(journal: Journal) -> None:
    source = library(liked_songs=saved(*tracks("l", 3)), playlists=(followed("f1"),))
    target = library("alex.new", liked_songs=saved("spotify:track:l1"),
                     playlists=(followed("f1"),))
    plan = diff(source, target)
    run_id = journal.begin_run(RunKind.TRANSFER, plan)
    execute(journal, run_id, plan)
    journal.finish_run(run_id, RunState.DONE)
    document = build_report(journal, run_id, NOW)
    counts = by_category(document)
    assert counts["liked_songs"] == (2, 0, 0, 1, 0)
    assert counts["playlists"] == (0, 0, 0, 1, 0)
    assert document.playlists[0].status == "already_there"
    text = render_summary(document)
    assert "Liked Songs         2 saved (1 already there)" in text
    assert "Not moved" not in text


def test_a_run_planned_from_a_snapshot_is_resumed_from_it(journal: Journal) -> None:
    plan = diff(SOURCE, TARGET, OPTIONS)
    run_id = journal.begin_run(RunKind.TRANSFER, plan, origin="/backups/old account.json")
    journal.finish_run(run_id, RunState.INTERRUPTED)
    document = build_report(journal, run_id, NOW)
    assert document.run.resume_command == (
        "spotify-transfer transfer --from-snapshot '/backups/old account.json'")
    assert "--from-snapshot '/backups/old account.json'" in render_summary(document)


def test_the_summary_ends_with_both_reports(journal: Journal) -> None:
    text = render_summary(finished(journal), Path("/r/1.json"), html_path=Path("/r/1.html"))
    assert text.rstrip().endswith("Report: /r/1.json\nReadable report: /r/1.html")
