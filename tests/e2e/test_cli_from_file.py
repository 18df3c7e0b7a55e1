"""``transfer --from-file`` / ``plan --from-file`` against the sandbox over real HTTP: a data
download zip moved into the empty target with the old account gone, a second run that writes
nothing, ``--match`` against the sandbox's catalogue, and bad files refused before any request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.sources.files import (
    EXPORTIFY_HEADER,
    csv_text,
    exportify_row,
    local_item,
    write_files,
    write_zip,
)
from tests.sources.seed_download import data_download_of
from transfer.config import Settings
from transfer.errors import ExitStatus
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.state import entry_uri

pytestmark = pytest.mark.e2e

Serve = Callable[[SandboxSeed], tuple[SandboxServer, Path]]


@pytest.fixture
def serve(point_at: Callable[[SandboxServer], Settings]) -> Iterator[Serve]:
    """``serve(seed)``: a sandbox of the test's own with the tool pointed at it; the old
    account's log-in is then removed (only the new account can be used); the home folder."""
    servers: list[SandboxServer] = []

    def start(seed: SandboxSeed) -> tuple[SandboxServer, Path]:
        server = SandboxServer(seed, port=0).start()
        servers.append(server)
        home = point_at(server).home
        (home / "tokens" / "source.json").unlink()
        server.request_log.reset()
        return server, home

    yield start
    for server in servers:
        server.stop()


def _cli(*args: str) -> tuple[int, str, str]:
    from tests.e2e.cli_support import run_cli

    result = run_cli(*args)
    return result.exit_code, result.stdout, result.stderr


def test_a_data_download_zip_moves_the_library_and_a_second_run_writes_nothing(
    serve: Serve, tmp_path: Path
) -> None:
    seed = small_seed()
    server, home = serve(seed)
    files = data_download_of(seed, SOURCE_USER)
    playlists = files["Spotify Account Data/Playlist1.json"]["playlists"]
    playlists[0]["items"].insert(1, local_item("spotify:local:Me:Demos:Garage+take:215",
                                               "2024-01-01"))
    archive = write_zip(tmp_path / "my_spotify_data.zip", files)
    code, out, err = _cli("transfer", "--yes", "--from-file", str(archive))
    assert code == 0, out + err
    assert "(Spotify data download)" in out
    assert {entry.user_id for entry in server.request_log.entries if entry.is_api} == {
        TARGET_USER}
    after = server.state.dump()
    source = seed.libraries[SOURCE_USER]
    target = after.libraries[TARGET_USER]
    playlists = {playlist.id: playlist for playlist in after.playlists}
    owned = [playlists[pid] for pid in source.playlists if playlists[pid].owner_id == SOURCE_USER]
    copies = [playlists[pid] for pid in target.playlists]
    assert [copy.name for copy in copies] == [playlist.name for playlist in owned]
    for original, copy in zip(owned, copies, strict=True):
        assert copy.owner_id == TARGET_USER and copy.description == original.description
        assert [entry_uri(e) for e in copy.entries] == [
            entry_uri(e) for e in original.entries if e.local is None], original.name
    for kind in ("tracks", "albums", "shows", "episodes"):
        assert [ref.id for ref in getattr(target, kind)] == [
            ref.id for ref in getattr(source, kind)], kind
    assert target.artists == source.artists
    (report_file,) = (home / "reports").rglob("*.json")
    report = json.loads(report_file.read_text())
    assert report["run"]["origin"] == str(archive)
    assert [(item["reason"], item["name"]) for item in report["skipped"]] == [
        ("local_file", "Garage take")]
    # a playlist read from a file has no page on Spotify; its copy has
    assert [p["source_url"] for p in report["playlists"]] == [None] * len(owned)
    assert report["skipped"][0]["playlist_url"] is None
    assert all(p["target_url"].startswith("https://open.spotify.com/playlist/")
               for p in report["playlists"])

    server.request_log.reset()
    code, out, err = _cli("transfer", "--yes", "--from-file", str(archive))
    assert code == 0, out + err
    assert server.request_log.writes() == 0
    unpacked = write_files(tmp_path / "unpacked", data_download_of(seed, SOURCE_USER))
    code, out, err = _cli("plan", "--from-file", str(unpacked))  # same account: same journal
    assert code == 0 and server.request_log.writes() == 0
    assert "Nothing to do: the target already has everything" in out, out
    code, out, err = _cli("plan", "--json", "--from-file", str(unpacked))
    assert code == 0 and json.loads(out)["source"]["id"].startswith("file-")
    assert "(Spotify data download)" in err


def test_match_finds_the_songs_a_csv_names_without_ids(serve: Serve, tmp_path: Path) -> None:
    seed = small_seed()
    server, home = serve(seed)
    artists = {artist.id: artist.name for artist in seed.catalog.artists}
    albums = {album.id: album.name for album in seed.catalog.albums}
    wanted = [track for track in seed.catalog.tracks if track.available][5:9]
    rows = [exportify_row("", track.name.upper(), albums[track.album_id],
                          artists[track.artist_ids[0]], "2024-01-01T00:00:00Z")
            for track in wanted]
    rows.insert(2, exportify_row("", "No Such Song Anywhere", "Nope", "Nobody",
                                 "2024-01-01T00:00:00Z"))
    rows.append(rows[0])  # the same song twice: one search
    path = tmp_path / "found_on_a_forum.csv"
    path.write_text(csv_text(EXPORTIFY_HEADER, rows))

    code, out, err = _cli("plan", "--from-file", str(path))
    assert code == 0, out + err
    assert "6 entries without a Spotify id" in out and "--match" in out
    assert "no Spotify id in the file" in out
    assert server.request_log.counts()[("GET", "/search")] == 0

    code, out, err = _cli("transfer", "--yes", "--from-file", str(path), "--match")
    assert code == 0, out + err
    assert server.request_log.counts()[("GET", "/search")] == 5
    assert "Matched by search (--match): 5 of 6 entries" in out and "5 searches" in out
    assert "No Such Song Anywhere" in out and "no exact match" in out
    after = server.state.dump()
    (copy_id,) = after.libraries[TARGET_USER].playlists
    copy = next(playlist for playlist in after.playlists if playlist.id == copy_id)
    uris = [f"spotify:track:{track.id}" for track in wanted]
    assert copy.name == "found on a forum"
    assert [entry_uri(e) for e in copy.entries] == [*uris, uris[0]]
    (report_file,) = (home / "reports").rglob("*.json")
    report = json.loads(report_file.read_text())
    assert report["api_calls"]["by_endpoint"]["GET /search"] == 5
    skipped = report["skipped"]
    assert [(item["reason"], item["name"]) for item in skipped] == [
        ("no_id", "No Such Song Anywhere")]


@pytest.mark.parametrize(("args", "says"), [
    (["--from-file", "{bad}"], "nothing that can be moved"),
    (["--from-file", "{missing}"], "does not exist"),
    (["--from-file", "{bad}", "--from-snapshot", "{bad}"], "give one"),
    (["--match"], "needs --from-file"),
])
def test_bad_input_is_refused_with_exit_2_before_any_request(
    serve: Serve, tmp_path: Path, args: list[str], says: str
) -> None:
    server, _ = serve(small_seed())
    bad = tmp_path / "bad.txt"
    bad.write_text("spotify:track:short\nhttps://open.spotify.com/track/also-bad\n")
    names = {"bad": str(bad), "missing": str(tmp_path / "nowhere.zip")}
    for command in ("plan", "transfer"):
        code, out, err = _cli(command, *(arg.format(**names) for arg in args))
        assert code == ExitStatus.USAGE, out + err
        assert says in err and "Traceback" not in out + err
        assert server.request_log.total() == 0
    if says == "nothing that can be moved":
        assert "bad.txt:1: not a valid Spotify track id" in err


def test_a_paused_run_from_a_file_resumes_from_the_same_file(
    serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timedelta

    from tests.e2e.test_cli_transfer_resume import with_clock
    from transfer.commands import pair
    from transfer.sandbox.faults import Faults

    seed = small_seed()
    server, home = serve(seed)
    archive = write_zip(tmp_path / "data.zip", data_download_of(seed, SOURCE_USER))
    server.reset_quota()
    server.set_faults(Faults(quota=8, quota_retry_after=3600))
    code, out, err = _cli("transfer", "--yes", "--from-file", str(archive))
    assert code == ExitStatus.PAUSED, out + err
    (report_file,) = (home / "reports").rglob("*.json")
    report = json.loads(report_file.read_text())
    assert report["run"]["state"] == "paused"
    resume = report["run"]["resume_command"]
    assert resume == f"spotify-transfer transfer --from-snapshot {archive}"
    server.set_faults(Faults())
    server.reset_quota()
    later = datetime.fromisoformat(report["run"]["resume_at"]) + timedelta(seconds=1)
    monkeypatch.setattr(pair, "make_engine", with_clock(pair.make_engine, later))
    code, out, err = _cli(*resume.split()[1:], "--yes")  # the command the report gives
    assert code == 0, out + err
    assert f"Run 1 (planned from {archive}) is paused" in out
    target = server.state.dump().libraries[TARGET_USER]
    source = seed.libraries[SOURCE_USER]
    assert [ref.id for ref in target.tracks] == [ref.id for ref in source.tracks]
    assert len(target.playlists) == sum(
        p.owner_id == SOURCE_USER for p in seed.playlists if p.id in source.playlists)
    server.request_log.reset()
    code, out, err = _cli("transfer", "--yes", "--from-file", str(archive))
    assert code == 0 and server.request_log.writes() == 0, out + err


def test_a_later_download_of_the_same_account_adds_only_what_is_new(serve: Serve,
                                                                    tmp_path: Path) -> None:
    seed = small_seed()
    server, _ = serve(seed)
    first = data_download_of(seed, SOURCE_USER)
    code, out, err = _cli("transfer", "--yes", "--from-file",
                          str(write_zip(tmp_path / "first.zip", first)))
    assert code == 0, out + err
    later = data_download_of(seed, SOURCE_USER)
    playlist = later["Spotify Account Data/Playlist1.json"]["playlists"][0]
    playlist["items"].append(dict(playlist["items"][0], addedDate="2026-11-30"))
    liked = later["Spotify Account Data/YourLibrary.json"]["tracks"]
    newest = next(track for track in seed.catalog.tracks
                  if f"spotify:track:{track.id}" not in {item["uri"] for item in liked})
    liked.insert(0, {"artist": "", "album": "", "track": newest.name,
                     "uri": f"spotify:track:{newest.id}"})
    server.request_log.reset()
    code, out, err = _cli("transfer", "--yes", "--from-file",
                          str(write_zip(tmp_path / "later.zip", later)))
    assert code == 0, out + err
    assert server.request_log.counts()[("POST", "/me/playlists")] == 0
    assert server.request_log.writes() == 2  # one add to the copy, one save
    after = server.state.dump()
    copy_id = after.libraries[TARGET_USER].playlists[0]
    copy = next(p for p in after.playlists if p.id == copy_id)
    assert copy.name == playlist["name"] and len(copy.entries) == len(playlist["items"])
    assert after.libraries[TARGET_USER].tracks[-1].id == newest.id


def test_a_transfer_from_a_list_of_links_is_taken_back_by_undo(serve: Serve, tmp_path: Path
                                                                ) -> None:
    seed = small_seed()
    server, _ = serve(seed)
    tracks = [f"https://open.spotify.com/intl-fr/track/{track.id}?si=x1"
              for track in seed.catalog.tracks if track.available][:3]
    album = f"spotify:album:{seed.catalog.albums[0].id}"
    path = tmp_path / "links.txt"
    path.write_text("# name: From a friend\n" + "\n".join([*tracks, album]) + "\n")
    code, out, err = _cli("transfer", "--yes", "--from-file", str(path))
    assert code == 0, out + err
    target = server.state.dump().libraries[TARGET_USER]
    assert len(target.playlists) == 1 and [ref.id for ref in target.albums] == [
        seed.catalog.albums[0].id]
    source_id = out.split("Plan: file links.txt (", 1)[1].split(")", 1)[0]
    code, out, err = _cli("undo", "--yes", "--source", source_id)
    assert code == 0, out + err
    target = server.state.dump().libraries[TARGET_USER]
    assert target.playlists == [] and target.albums == []
