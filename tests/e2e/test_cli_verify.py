"""``spotify-transfer verify`` against the sandbox over real HTTP: it passes after a transfer of
the built-in library with reads only, at the least calls that read as much; it names each
difference after the target is changed (an item removed from a copy, Liked Songs reordered, an
artist unfollowed, a cover changed, a copy deleted) and exits 1; it finds the copies by the
adoption rules when the journal is gone; it checks a transfer made from a data download, a
snapshot or a CSV with --match; it says so when a transfer stopped midway; a pause exits 75."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter, small_seed
from tests.e2e.cli_support import links, run_cli
from tests.sources.files import EXPORTIFY_HEADER, csv_text, exportify_row, write_zip
from tests.sources.seed_download import data_download_of
from transfer.config import Settings
from transfer.errors import ExitStatus
from transfer.models import Category
from transfer.sandbox.covers import cover_jpeg
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
VERIFIED = "Verified: the target holds everything that can move"


def transferred(server: SandboxServer, point_at: Callable[[SandboxServer], Settings],
                *args: str) -> Settings:
    """The tool pointed at ``server`` after a complete transfer; the request log then empty."""
    settings = point_at(server)
    result = run_cli("transfer", "--yes", *args)
    assert result.exit_code == 0, result.output
    server.request_log.reset()
    return settings


def api_reads(server: SandboxServer) -> int:
    """Requests the sandbox answered, identity look-ups (GET /me) left out."""
    return sum(1 for entry in server.request_log.entries
               if entry.is_api and not entry.is_write and entry.path_template != "/me")


def test_verify_passes_after_a_transfer_of_the_built_in_library_with_reads_only(
    fresh_sandbox: SandboxServer, point_at: Callable[[SandboxServer], Settings]
) -> None:
    transferred(fresh_sandbox, point_at)
    result = run_cli("verify")
    assert result.exit_code == 0, result.output
    assert fresh_sandbox.request_log.writes() == 0
    text = result.stdout
    assert VERIFIED in text
    assert "✘" not in text and "32 known from the journal" in text
    assert "local file: the Spotify API cannot add local files (7)" in text
    reads = api_reads(fresh_sandbox)
    assert f"API calls: {reads:,} reads besides the accounts' identities (the least that " \
           f"reads as much: {reads:,})" in text

    fresh_sandbox.request_log.reset()
    result = run_cli("verify", "--json")
    assert result.exit_code == 0, result.output
    assert fresh_sandbox.request_log.writes() == 0
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads((DOCS / "verify-json.schema.json").read_text()))
    assert (document["document"], document["version"]) == ("spotify-transfer/verify", 1)
    assert (document["source"]["id"], document["target"]["id"]) == (SOURCE_USER, TARGET_USER)
    assert document["verified"] and document["differences"] == 0
    assert {copy["found_by"] for copy in document["copies"]} == {"journal"}
    assert all(copy["present"] for copy in document["copies"])
    assert Counter(item["reason"] for item in document["cannot_move"]) == {
        "local_file": 7, "unavailable": 6}
    cost = document["cost"]
    without_me = cost["total_reads"] - cost["read_calls"].get("GET /me", 0)
    assert without_me == cost["least_reads"] == api_reads(fresh_sandbox)
    assert cost["total_writes"] == 0


def test_verify_names_each_difference_and_exits_1(
    point_at: Callable[[SandboxServer], Settings], tmp_path: Path
) -> None:
    server = SandboxServer(small_seed(), port=0).start()
    try:
        settings = transferred(server, point_at)
        copies = {link.source_playlist_id: link.target_playlist_id
                  for link in links(settings.home).values()}
        state = server.state.dump()
        by_name = {playlist.name: playlist for playlist in state.playlists
                   if playlist.owner_id == SOURCE_USER}
        target = make_adapter(settings, "target", [])
        road = copies[by_name["100 Road Songs"].id]
        entries = [entry.uri for entry in target.playlist_entries(road)]
        once = next(uri for uri in entries if uri is not None and entries.count(uri) == 1)
        target.remove_items(road, [once])
        oldest = list(target.saved(Category.LIKED_SONGS))[-1]
        target.remove_from_library([oldest.uri])
        target.save_to_library([oldest.uri])  # now the newest: out of order
        artist = next(iter(target.followed_artists()))
        target.remove_from_library([artist.uri])
        target.upload_cover(copies[by_name["Top 50 of 2019"].id], cover_jpeg(7))
        target.remove_from_library([f"spotify:playlist:{copies[by_name['One song'].id]}"])
        server.request_log.reset()

        result = run_cli("verify")
        assert result.exit_code == ExitStatus.ERROR, result.output
        assert server.request_log.writes() == 0
        text = result.stdout
        assert VERIFIED not in text and "Differs: 5 differences (above)." in text
        assert "“100 Road Songs”: 99 items instead of 100, first difference at #" in text
        assert "not in the source's order: first difference at #" in text
        assert f"not followed: “{artist.name}”" in text
        assert "“Top 50 of 2019”: the cover's image differs" in text
        assert "“One song”: no copy in the target" in text
        assert "Error: The target differs from the source: 5 difference(s)" in result.stderr
        assert "Traceback" not in result.output

        result = run_cli("verify", "--json")
        assert result.exit_code == ExitStatus.ERROR
        document = json.loads(result.stdout)
        jsonschema.validate(document, json.loads((DOCS / "verify-json.schema.json").read_text()))
        assert not document["verified"] and document["differences"] == 5
        wrong = {group["group"]: len(group["differences"]) for group in document["groups"]
                 if not group["ok"]}
        assert wrong == {"playlists": 3, "liked_songs": 1, "artists": 1}
        gone = next(copy for copy in document["copies"] if copy["name"] == "One song")
        assert (gone["found_by"], gone["present"]) == ("journal", False)

        songs = [item.uri for item in target.saved(Category.LIKED_SONGS)]
        target.remove_from_library(songs[:7])
        capped = run_cli("verify")
        assert capped.exit_code == ExitStatus.ERROR
        assert capped.stdout.count("      - missing: ") == 5 and "… and 2 more" in capped.stdout
        full = run_cli("verify", "--full")
        assert full.stdout.count("      - missing: ") == 7 and "… and" not in full.stdout
    finally:
        server.stop()


def test_verify_without_a_journal_finds_the_copies_by_the_adoption_rules(
    point_at: Callable[[SandboxServer], Settings]
) -> None:
    server = SandboxServer(small_seed(), port=0).start()
    try:
        settings = transferred(server, point_at)
        shutil.rmtree(settings.home / "journals")
        result = run_cli("verify")
        assert result.exit_code == 0, result.output
        assert VERIFIED in result.stdout
        owned = sum(1 for playlist in small_seed().playlists if playlist.owner_id == SOURCE_USER)
        assert (f"Copies: 0 known from the journal, {owned} recognised by the adoption rules"
                in result.stdout)
        assert server.request_log.writes() == 0
        assert not (settings.home / "journals").exists(), "verify leaves no journal behind"
    finally:
        server.stop()


def test_verify_from_a_data_download_after_a_transfer_from_it(
    point_at: Callable[[SandboxServer], Settings], tmp_path: Path
) -> None:
    seed = small_seed()
    server = SandboxServer(seed, port=0).start()
    try:
        archive = write_zip(tmp_path / "my_spotify_data.zip", data_download_of(seed, SOURCE_USER))
        settings = point_at(server)
        (settings.home / "tokens" / "source.json").unlink()  # the old account is gone
        transferred(server, lambda _: settings, "--from-file", str(archive))
        result = run_cli("verify", "--from-file", str(archive))
        assert result.exit_code == 0, result.output
        assert VERIFIED in result.stdout and f"the file {archive}" in result.stdout
        assert {entry.user_id for entry in server.request_log.entries if entry.is_api} == {
            TARGET_USER}
        assert server.request_log.writes() == 0
        result = run_cli("verify", "--json", "--from-file", str(archive))
        document = json.loads(result.stdout)
        assert document["verified"] and document["source"]["id"].startswith("file-")
        assert document["origin"] == str(archive)
    finally:
        server.stop()


def test_verify_of_a_selection_checks_only_what_it_chooses(
    point_at: Callable[[SandboxServer], Settings]
) -> None:
    server = SandboxServer(small_seed(), port=0).start()
    try:
        transferred(server, point_at, "--only", "likes", "--playlist", "Road*")
        result = run_cli("verify")
        assert result.exit_code == 0, result.output
        assert "1 playlist you own" in result.stdout and "Liked Songs" in result.stdout
        assert "albums" not in result.stdout.lower().split("verified")[0]
        assert "Selection (kept for these accounts" in result.stdout
        everything = run_cli("verify", "--all")
        assert everything.exit_code == ExitStatus.ERROR, "the rest was never moved"
        assert "no copy in the target" in everything.stdout
    finally:
        server.stop()


def test_verify_match_checks_the_songs_a_file_names_without_ids(
    point_at: Callable[[SandboxServer], Settings], tmp_path: Path
) -> None:
    seed = small_seed()
    server = SandboxServer(seed, port=0).start()
    try:
        artists = {artist.id: artist.name for artist in seed.catalog.artists}
        albums = {album.id: album.name for album in seed.catalog.albums}
        wanted = [track for track in seed.catalog.tracks if track.available][5:9]
        rows = [exportify_row("", track.name, albums[track.album_id],
                              artists[track.artist_ids[0]], "2024-01-01T00:00:00Z")
                for track in wanted]
        path = tmp_path / "found_on_a_forum.csv"
        path.write_text(csv_text(EXPORTIFY_HEADER, rows))
        transferred(server, point_at, "--from-file", str(path), "--match")
        result = run_cli("verify", "--from-file", str(path), "--match")
        assert result.exit_code == 0, result.output
        assert VERIFIED in result.stdout and "(4 items)" in result.stdout
        assert server.request_log.counts()[("GET", "/search")] == 4
        assert server.request_log.writes() == 0
        # without --match the file's songs have no id: they cannot move, and the copy holds
        # four items the file does not identify
        plain = run_cli("verify", "--json", "--from-file", str(path))
        assert plain.exit_code == ExitStatus.ERROR, plain.output
        document = json.loads(plain.stdout)
        assert [item["reason"] for item in document["cannot_move"]] == ["no_id"] * 4
        assert document["groups"][0]["differences"] == [
            "“found on a forum”: 4 items instead of 0, first difference at #1"]
    finally:
        server.stop()


def test_verify_paused_by_spotify_or_given_a_bad_file_says_so_in_one_line(
    point_at: Callable[[SandboxServer], Settings], tmp_path: Path
) -> None:
    server = SandboxServer(small_seed(), port=0).start()
    try:
        transferred(server, point_at)
        server.reset_quota()
        server.set_faults(Faults(quota=5, quota_retry_after=3600))
        paused = run_cli("verify")
        assert paused.exit_code == ExitStatus.PAUSED, paused.output
        assert "Resume after" in paused.stderr and "Traceback" not in paused.output
        assert VERIFIED not in paused.stdout
        server.set_faults(Faults())
        broken = tmp_path / "snapshot.json"
        broken.write_text('{"schema_version": 1, "account": ')
        refused = run_cli("verify", "--from-snapshot", str(broken))
        assert refused.exit_code == ExitStatus.USAGE, refused.output
        assert refused.stderr.startswith("Error: The snapshot") and "Traceback" not in \
            refused.output
        assert server.request_log.writes() == 0
    finally:
        server.stop()


def test_verify_from_a_snapshot_compares_the_covers_it_kept(
    point_at: Callable[[SandboxServer], Settings], tmp_path: Path
) -> None:
    server = SandboxServer(small_seed(), port=0).start()
    try:
        settings = point_at(server)
        snapshot = tmp_path / "old.json"
        exported = run_cli("export", "--output", str(snapshot))
        assert exported.exit_code == 0, exported.output
        (settings.home / "tokens" / "source.json").unlink()  # the old account is gone
        transferred(server, lambda _: settings, "--from-snapshot", str(snapshot))
        result = run_cli("verify", "--from-snapshot", str(snapshot))
        assert result.exit_code == 0, result.output
        assert VERIFIED in result.stdout and "2 covers)" in result.stdout
        copy = next(copy for copy in json.loads(run_cli("verify", "--json", "--from-snapshot",
                                                        str(snapshot)).stdout)["copies"]
                    if copy["name"] == "Top 50 of 2019")
        make_adapter(settings, "target", []).upload_cover(copy["target_id"], cover_jpeg(5))
        changed = run_cli("verify", "--from-snapshot", str(snapshot))
        assert changed.exit_code == ExitStatus.ERROR
        assert "“Top 50 of 2019”: the cover's image differs" in changed.stdout
    finally:
        server.stop()


def test_verify_after_a_paused_transfer_lists_what_is_missing_and_says_it_stopped(
    point_at: Callable[[SandboxServer], Settings]
) -> None:
    server = SandboxServer(small_seed(), port=0).start()
    try:
        point_at(server)
        server.reset_quota()
        server.set_faults(Faults(quota=30, quota_retry_after=3600))
        paused = run_cli("transfer", "--yes")
        assert paused.exit_code == ExitStatus.PAUSED, paused.output
        server.set_faults(Faults())
        server.reset_quota()
        server.request_log.reset()
        halfway = run_cli("verify")
        assert halfway.exit_code == ExitStatus.ERROR, halfway.output
        assert "Note: run 1 stopped before it was done (paused)" in halfway.stdout
        assert "no copy in the target" in halfway.stdout or "missing: " in halfway.stdout
        assert server.request_log.writes() == 0
    finally:
        server.stop()
