"""Export over a scripted fake: what is read, what is not, and the snapshot file."""

from __future__ import annotations

import base64
import io
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.unit.spotify_fakes import API, Handler, Reply, Sent, paged, rig
from transfer.errors import DiskFull, InputError
from transfer.export import default_snapshot_path, load_snapshot, read_library, write_snapshot
from transfer.models import SCHEMA_VERSION, Account, Library
from transfer.progress import TqdmLoggingHandler, TqdmProgress, logging_above_bars

ME = {"id": "alex.old", "display_name": "Alex"}
NOW = datetime(2026, 11, 21, 10, 30, tzinfo=UTC)


def playlist(playlist_id: str, owner: str, total: int | None, collaborative: bool = False
             ) -> dict[str, object]:
    body: dict[str, object] = {
        "id": playlist_id, "name": playlist_id, "description": None, "public": True,
        "collaborative": collaborative, "owner": {"id": owner, "display_name": None},
        "snapshot_id": "s", "images": [],
    }
    if total is not None:
        body["items"] = {"href": f"{API}/playlists/{playlist_id}/items", "total": total}
    return body


def entry(number: int) -> dict[str, object]:
    return {"added_at": "2020-01-01T00:00:00Z", "added_by": {"id": "alex.old"},
            "is_local": False, "item": {"uri": f"spotify:track:t{number}", "name": "x"}}


LISTS = [
    playlist("mine", "alex.old", 120),
    playlist("empty", "alex.old", 0),
    playlist("shared", "sam.k", 3, collaborative=True),
    playlist("editorial", "spotify", None),
]
ENTRIES = {"mine": [entry(n) for n in range(120)], "shared": [entry(n) for n in range(3)]}


def fake_spotify(sent: Sent) -> Reply:
    if sent.path == "/me":
        return Reply(200, ME)
    if sent.path == "/me/playlists":
        return paged(LISTS, sent)
    if sent.path.startswith("/playlists/"):
        return paged(ENTRIES[sent.path.split("/")[2]], sent)
    if sent.path == "/me/following":
        return paged([], sent, wrap="artists")
    if sent.path == "/me/tracks":
        return paged([{"added_at": f"2024-0{n + 1}-01T00:00:00Z",
                       "track": {"uri": f"spotify:track:l{n}", "name": "liked"}}
                      for n in range(3)], sent)
    return paged([], sent)


def test_read_library_reads_what_it_may_and_nothing_more() -> None:
    test = rig(fake_spotify)
    library = read_library(test.adapter, clock=lambda: NOW)
    by_id = {each.id: each for each in library.playlists}
    assert library.exported_at == NOW and library.account == Account(**ME)
    assert [each.id for each in library.playlists] == ["mine", "empty", "shared", "editorial"]
    assert by_id["mine"].entries is not None and len(by_id["mine"].entries) == 120
    assert by_id["empty"].entries == ()
    assert by_id["shared"].relation == "collaborator" and by_id["shared"].entries is not None
    assert by_id["editorial"].relation == "followed" and by_id["editorial"].entries is None
    assert [item.uri for item in library.liked_songs] == [f"spotify:track:l{n}" for n in range(3)]
    assert test.adapter.calls == {
        ("GET", "/me"): 1,
        ("GET", "/me/playlists"): 1,
        ("GET", "/playlists/{playlist_id}/items"): 3 + 1,  # 120 -> 3 pages, 3 -> 1, empty -> 0
        ("GET", "/me/tracks"): 1,
        ("GET", "/me/albums"): 1,
        ("GET", "/me/following"): 1,
        ("GET", "/me/shows"): 1,
        ("GET", "/me/episodes"): 1,
        ("GET", "/me/audiobooks"): 1,
    }
    asked = {sent.path for sent in test.session.sent}
    assert "/playlists/editorial/items" not in asked and "/playlists/empty/items" not in asked


def test_progress_bars_are_silent_off_a_terminal() -> None:
    stream = io.StringIO()
    read_library(rig(fake_spotify).adapter, TqdmProgress(stream), clock=lambda: NOW)
    assert stream.getvalue() == ""


def test_progress_bars_count_each_category_with_its_total() -> None:
    stream = io.StringIO()
    read_library(rig(fake_spotify).adapter, TqdmProgress(stream, enabled=True),
                 clock=lambda: NOW)
    output = stream.getvalue()
    assert "Playlists" in output and "4/4" in output
    assert "Liked Songs" in output and "3/3" in output


def sample_library() -> Library:
    return read_library(rig(fake_spotify).adapter, clock=lambda: NOW)


def test_snapshot_round_trip(tmp_path: Path) -> None:
    library = sample_library()
    path = tmp_path / "deep" / "snap.json"
    write_snapshot(library, path)
    assert load_snapshot(path) == library
    document = json.loads(path.read_text())
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["account"]["id"] == "alex.old"
    assert [p.name for p in path.parent.iterdir()] == ["snap.json"]


def test_snapshot_write_failure_leaves_the_old_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "snap.json"
    path.write_text("previous")

    def broken_replace(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("transfer.files.os.replace", broken_replace)
    with pytest.raises(DiskFull, match="Disk full: cannot write the snapshot"):
        write_snapshot(sample_library(), path)
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


def test_default_snapshot_path() -> None:
    path = default_snapshot_path(Path("/h"), "alex/old", NOW)
    assert path == Path("/h/snapshots/alex_old-20261121T103000Z.json")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        ('{"schema_version": 1, "exported_at": "2026-', "truncated or corrupt"),
        ("\xff\xfe garbage", "truncated or corrupt"),
        ("[1, 2]", "not a spotify-transfer snapshot"),
        ('{"hello": 1}', "not a spotify-transfer snapshot"),
        ('{"schema_version": 99, "exported_at": "x"}', "newer spotify-transfer"),
        ('{"schema_version": "1"}', "invalid schema_version"),
        ('{"schema_version": 1, "exported_at": "not a date", "account": {"id": "a"}}',
         "exported_at"),
    ],
)
def test_bad_snapshots_get_clear_errors(tmp_path: Path, content: str | None, message: str
                                        ) -> None:
    path = tmp_path / "snap.json"
    if content is not None:
        path.write_text(content, encoding="latin-1")
    with pytest.raises(InputError, match=message):
        load_snapshot(path)


def test_newer_snapshot_advice_says_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "snap.json"
    path.write_text('{"schema_version": 2}')
    with pytest.raises(InputError) as caught:
        load_snapshot(path)
    assert "Upgrade" in (caught.value.advice or "")


def test_log_lines_go_above_the_bars_while_they_are_drawn() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    plain = logging.StreamHandler(stream)
    plain.setFormatter(logging.Formatter("LOG %(message)s"))
    root.addHandler(plain)
    try:
        with logging_above_bars(stream):
            swapped = [handler for handler in root.handlers
                       if isinstance(handler, TqdmLoggingHandler)]
            assert len(swapped) == 1 and plain not in root.handlers
            bars = TqdmProgress(stream, enabled=True)
            bars.begin("albums", 2)
            logging.getLogger("transfer.test").warning("halfway")
            bars.advance("albums")
            bars.close()
        assert plain in root.handlers
        assert not any(isinstance(handler, TqdmLoggingHandler) for handler in root.handlers)
    finally:
        root.removeHandler(plain)
    assert "LOG halfway\n" in stream.getvalue()


COVER_URL = "https://i.test/image/ab67706c0000da84" + "ab" * 20
JPEG = b"\xff\xd8\xff\xe0 a tiny cover"


def with_cover(owner: str, status: int) -> Handler:
    """The sample account with one playlist of ``owner`` that has a custom cover, whose image
    download answers ``status``."""
    lists = [{**playlist("covered", owner, 0), "images": [{"url": COVER_URL, "height": None,
                                                             "width": None}]}]

    def handler(sent: Sent) -> Reply:
        if sent.url == COVER_URL:
            return Reply(status, JPEG if status == 200 else None)
        if sent.path == "/me/playlists":
            return paged(lists, sent)
        return fake_spotify(sent)

    return handler


def test_a_custom_cover_of_ones_own_is_kept_as_bytes() -> None:
    test = rig(with_cover("alex.old", 200))
    library = read_library(test.adapter, clock=lambda: NOW)
    cover = library.playlists[0].cover
    assert cover is not None and cover.custom and cover.url == COVER_URL
    assert cover.jpeg_base64 is not None and base64.b64decode(cover.jpeg_base64) == JPEG
    assert ("GET", "/image") not in test.adapter.calls, "image downloads are not API calls"


def test_covers_of_others_playlists_are_not_downloaded() -> None:
    test = rig(with_cover("sam.k", 200))
    library = read_library(test.adapter, clock=lambda: NOW)
    assert library.playlists[0].cover is not None
    assert library.playlists[0].cover.jpeg_base64 is None
    assert COVER_URL not in [sent.url for sent in test.session.sent]


def test_a_cover_that_cannot_be_downloaded_keeps_its_address(caplog: pytest.LogCaptureFixture
                                                             ) -> None:
    test = rig(with_cover("alex.old", 404))
    library = read_library(test.adapter, clock=lambda: NOW)
    cover = library.playlists[0].cover
    assert cover is not None and cover.url == COVER_URL and cover.jpeg_base64 is None
    assert "cannot be downloaded" in caplog.text
