"""``read_source`` over each format, and what it does with bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sources.files import (
    AL1,
    AR1,
    E1,
    EXPORTIFY_HEADER,
    OLD_EXPORTIFY_HEADER,
    PL1,
    SH1,
    T1,
    T2,
    T3,
    csv_text,
    exportify_row,
    small_download,
    write_files,
    write_zip,
)
from transfer.errors import ExitStatus, InputError
from transfer.export import write_snapshot
from transfer.models import Category, Kind
from transfer.sources import read_source


def test_data_download_zip(tmp_path: Path) -> None:
    source = read_source(write_zip(tmp_path / "my_spotify_data.zip", small_download()))
    library = source.library
    assert source.kinds == ("Spotify data download",)
    road, empty = library.playlists
    assert (road.name, road.description, road.relation) == ("Road trip", "Songs for the car",
                                                            "owned")
    assert [entry.uri for entry in road.entries or ()] == [
        f"spotify:track:{T1}", f"spotify:episode:{E1}", "spotify:local:Me:Demos:Garage+take:215",
        f"spotify:track:{T2}"]
    local = (road.entries or ())[2]
    assert local.is_local and (local.name, local.artists, local.album) == (
        "Garage take", ("Me",), "Demos")
    assert (road.entries or ())[0].added_at is not None
    assert (road.entries or ())[0].added_at.isoformat() == "2021-03-04T00:00:00+00:00"  # type: ignore[union-attr]
    assert empty.entries == () and empty.name == "Empty one"
    assert [item.uri for item in library.liked_songs] == [f"spotify:track:{T3}",
                                                          f"spotify:track:{T1}"]
    assert [item.uri for item in library.albums] == [f"spotify:album:{AL1}"]
    assert [item.uri for item in library.shows] == [f"spotify:show:{SH1}"]
    assert [item.uri for item in library.artists] == [f"spotify:artist:{AR1}"]
    assert library.account.id.startswith("file-") and source.problems == ()


def test_the_folder_reads_as_the_zip_and_the_account_follows_the_user_name(tmp_path: Path
                                                                             ) -> None:
    zipped = read_source(write_zip(tmp_path / "data.zip", small_download()))
    folder = read_source(write_files(tmp_path / "unpacked", small_download()))
    assert folder.library.playlists == zipped.library.playlists
    assert folder.digest == zipped.digest
    assert folder.library.account.id == zipped.library.account.id
    changed = small_download()
    changed["Spotify Account Data/Playlist1.json"]["playlists"].pop()
    later = read_source(write_files(tmp_path / "later", changed))
    assert later.library.account.id == zipped.library.account.id  # same user name
    assert later.library.playlists[0].id == zipped.library.playlists[0].id
    assert later.digest != zipped.digest


def test_without_user_data_the_account_is_the_content(tmp_path: Path) -> None:
    files = small_download()
    del files["Spotify Account Data/Userdata.json"]
    first = read_source(write_files(tmp_path / "a", files))
    again = read_source(write_files(tmp_path / "b", files))
    files["Spotify Account Data/YourLibrary.json"]["albums"] = []
    other = read_source(write_files(tmp_path / "c", files))
    assert first.library.account.id == again.library.account.id != other.library.account.id


def test_exportify_csv_and_its_older_columns(tmp_path: Path) -> None:
    new = csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T1}", "Song One", "Album X", "Artist A,Artist B",
                      "2023-01-02T03:04:05Z"),
        exportify_row("", "Lost song", "Old album", "Old artist", "2023-01-03T00:00:00Z"),
    ])
    path = tmp_path / "road_trip.csv"
    path.write_text(new)
    source = read_source(path)
    (playlist,) = source.library.playlists
    assert playlist.name == "road trip" and source.kinds == ("Exportify CSV",)
    first, lost = playlist.entries or ()
    assert first.uri == f"spotify:track:{T1}" and first.artists == ("Artist A", "Artist B")
    assert lost.uri is None and lost.no_id and lost.name == "Lost song"
    (unknown,) = source.unidentified
    assert (unknown.where, unknown.position, unknown.category) == (
        "road_trip.csv:3", 1, Category.PLAYLISTS)
    old = tmp_path / "Old Mix.csv"
    old.write_text(csv_text(OLD_EXPORTIFY_HEADER, [
        [f"spotify:track:{T2}", "Song Two", "Artist B", "Album Y", "1", "1", "1000", "", ""]]))
    (mix,) = read_source(old).library.playlists
    assert mix.name == "Old Mix" and [e.uri for e in mix.entries or ()] == [
        f"spotify:track:{T2}"]


def test_folder_of_csvs_with_liked_songs_in_date_order(tmp_path: Path) -> None:
    folder = tmp_path / "exportify"
    folder.mkdir()
    (folder / "liked_songs.csv").write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T1}", "Song One", "X", "A", "2020-01-01T00:00:00Z"),
        exportify_row(f"spotify:track:{T2}", "Song Two", "Y", "B", "2022-01-01T00:00:00Z"),
    ]))
    (folder / "chill.csv").write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T3}", "Song Three", "Z", "C", "2021-01-01T00:00:00Z")]))
    (folder / "notes.txt").write_text("not a library\n")
    zipped = write_zip(tmp_path / "exportify.zip", {
        "liked_songs.csv": (folder / "liked_songs.csv").read_text(),
        "chill.csv": (folder / "chill.csv").read_text()})
    for path in (folder, zipped):
        library = read_source(path).library
        assert [p.name for p in library.playlists] == ["chill"]
        assert [item.uri for item in library.liked_songs] == [  # newest first
            f"spotify:track:{T2}", f"spotify:track:{T1}"]


def test_list_of_links(tmp_path: Path) -> None:
    path = tmp_path / "from-chat.txt"
    path.write_text("\n".join([
        "# Songs Sam sent me",
        f"https://open.spotify.com/intl-de/track/{T1}?si=abc123",
        "",
        f"spotify:track:{T2}",
        f"https://open.spotify.com/episode/{E1}",
        "# a comment",
        f"https://open.spotify.com/album/{AL1}?si=x",
        f"https://open.spotify.com/artist/{AR1}",
        f"https://open.spotify.com/playlist/{PL1}?si=y",
        "# name: Second list",
        f"https://open.spotify.com/track/{T3}",
        "https://example.org/not-spotify",
        f"spotify:user:someone:playlist:{PL1}",
    ]) + "\n")
    source = read_source(path)
    first, second, followed = source.library.playlists
    assert first.name == "Songs Sam sent me"
    assert [(e.uri, e.kind) for e in first.entries or ()] == [
        (f"spotify:track:{T1}", Kind.TRACK), (f"spotify:track:{T2}", Kind.TRACK),
        (f"spotify:episode:{E1}", Kind.EPISODE)]
    assert second.name == "Second list" and len(second.entries or ()) == 1
    assert followed.id == PL1 and followed.relation == "followed"
    assert [i.uri for i in source.library.albums] == [f"spotify:album:{AL1}"]
    assert [i.uri for i in source.library.artists] == [f"spotify:artist:{AR1}"]
    (problem,) = source.problems
    assert problem.where == "from-chat.txt:12" and "not a Spotify link" in problem.message


def test_a_link_list_is_named_by_its_file_without_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "gym_songs.txt"
    path.write_text(f"spotify:track:{T1}\n")
    assert read_source(path).library.playlists[0].name == "gym songs"


def test_the_tools_own_snapshot(tmp_path: Path) -> None:
    library = read_source(write_zip(tmp_path / "d.zip", small_download())).library
    path = tmp_path / "snapshot.json"
    write_snapshot(library, path)
    source = read_source(path)
    assert source.library == library and source.kinds == ("spotify-transfer snapshot",)


def test_malformed_lines_are_named_and_the_rest_kept(tmp_path: Path) -> None:
    path = tmp_path / "mix.csv"
    path.write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T1}", "Song One", "X", "A", "2020-01-01T00:00:00Z"),
        exportify_row("spotify:track:short", "Bad id", "X", "A", "2020-01-01T00:00:00Z"),
        ["only", "three", "fields"],
        exportify_row(f"spotify:track:{T2}", "Song Two", "Y", "B", "yesterday"),
        exportify_row("", "", "", "", ""),
    ]))
    source = read_source(path)
    assert [str(p) for p in source.problems] == [
        "mix.csv:3: not a valid Spotify track id: short; line left out",
        "mix.csv:4: 3 fields where the header has 12; line left out",
        "mix.csv:5: 'yesterday' is not a date; line kept without it",
        "mix.csv:6: neither a Spotify id nor a title; line left out",
    ]
    assert [e.uri for e in source.library.playlists[0].entries or ()] == [
        f"spotify:track:{T1}", f"spotify:track:{T2}"]


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("links.txt", "https://example.org/a\nnot a link\n", None),
    ("links.txt", "spotify:track:tooShort\nspotify:user:bob\n", "links.txt:1: not a valid"),
    ("empty.csv", ",".join(EXPORTIFY_HEADER) + "\n", "is empty"),
    ("notes.txt", "hello\n", "holds no library"),
    ("broken.json", '{"playlists": [', "truncated or corrupt"),
    ("other.json", "[1, 2, 3]", "not a spotify-transfer snapshot"),
    ("data.zip", b"PK\x03\x04 broken", None),
])
def test_unusable_input_is_refused_with_exit_2(tmp_path: Path, name: str, content: str | bytes,
                                                expected: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError) as raised:
        read_source(path)
    assert raised.value.exit_status is ExitStatus.USAGE
    if expected is not None:
        assert expected in raised.value.message


def test_a_damaged_zip_and_a_missing_path(tmp_path: Path) -> None:
    good = write_zip(tmp_path / "d.zip", small_download())
    damaged = tmp_path / "damaged.zip"
    data = bytearray(good.read_bytes())
    middle = len(data) // 3
    data[middle:middle + 40] = b"\0" * 40
    damaged.write_bytes(bytes(data))
    with pytest.raises(InputError):
        read_source(damaged)
    with pytest.raises(InputError, match="does not exist"):
        read_source(tmp_path / "nowhere.zip")


def test_a_data_download_with_nothing_usable_lists_why(tmp_path: Path) -> None:
    files = {"Playlist1.json": {"playlists": [{"name": "", "items": []},
                                               {"name": "X", "items": [{"addedDate": "x"}]}]}}
    with pytest.raises(InputError) as raised:
        read_source(write_files(tmp_path / "d", files))
    message = raised.value.message
    assert "Playlist1.json: playlist 1: a playlist without a name" in message
    assert json.dumps("X") not in message or "item 1" in message


def test_a_truncated_file_in_a_download_is_named_and_the_rest_kept(tmp_path: Path) -> None:
    files = small_download()
    text = json.dumps(files.pop("Spotify Account Data/YourLibrary.json"), indent=2)
    files["Spotify Account Data/YourLibrary.json"] = text[: len(text) // 2]
    source = read_source(write_zip(tmp_path / "d.zip", files))
    (problem,) = source.problems
    assert problem.where.startswith("Spotify Account Data/YourLibrary.json:")
    assert "truncated or corrupt" in problem.message
    assert len(source.library.playlists) == 2 and source.library.liked_songs == ()
    only_broken = {"Playlist1.json": '{"playlists": [{"name": "x", "items": ['}
    with pytest.raises(InputError, match=r"Playlist1.json:1: not valid JSON"):
        read_source(write_zip(tmp_path / "broken.zip", only_broken))


def test_a_csv_saved_again_by_a_spreadsheet_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "Dinner.csv"
    path.write_text("\ufeffTrack URI;Track Name;Artist Name(s);Album Name;Added At\r\n"
                    f"spotify:track:{T1};Song, with a comma;A;X;2020-01-01T00:00:00Z\r\n"
                    f"spotify:track:{T2};Two;B;Y;2020-01-02T00:00:00Z\r\n")
    (playlist,) = read_source(path).library.playlists
    assert [(e.uri, e.name) for e in playlist.entries or ()] == [
        (f"spotify:track:{T1}", "Song, with a comma"), (f"spotify:track:{T2}", "Two")]


def test_playlist_files_are_read_in_number_order(tmp_path: Path) -> None:
    def one(name: str) -> dict[str, object]:
        return {"playlists": [{"name": name, "items": [
            {"track": {"trackName": "x", "artistName": "y", "albumName": "z",
                       "trackUri": f"spotify:track:{T1}"}, "addedDate": "2020-01-01"}]}]}

    files = {f"Playlist{number}.json": one(f"list {number}") for number in (10, 2, 1)}
    for path in (write_zip(tmp_path / "d.zip", files), write_files(tmp_path / "d", files)):
        assert [p.name for p in read_source(path).library.playlists] == [
            "list 1", "list 2", "list 10"]


def test_a_zip_that_unpacks_too_large_is_refused(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from transfer.sources import members

    archive = write_zip(tmp_path / "d.zip", small_download())
    monkeypatch.setattr(members, "MAX_TOTAL_BYTES", 2000)
    with pytest.raises(InputError, match="too large"):
        read_source(archive)
    monkeypatch.setattr(members, "MAX_MEMBERS", 2)
    with pytest.raises(InputError, match="more than 2 files"):
        read_source(archive)
