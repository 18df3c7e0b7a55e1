"""``--match`` without the network: only exact title + artist (+ album) results are taken, one
search per distinct song, and what is found is put where the file had it."""

from __future__ import annotations

from pathlib import Path

from tests.sources.files import EXPORTIFY_HEADER, T1, T2, T3, csv_text, exportify_row
from transfer.models import Category, Kind, PlaylistEntry
from transfer.sources import read_source
from transfer.sources.match import is_exact, match_source, normalised, query_of
from transfer.sources.model import Unidentified


def _found(track_id: str, name: str, artists: tuple[str, ...], album: str) -> PlaylistEntry:
    return PlaylistEntry(uri=f"spotify:track:{track_id}", kind=Kind.TRACK, name=name,
                         artists=artists, album=album)


def test_normalised_and_the_query() -> None:
    assert normalised("  Beyoncé — HALO (Live)! ") == "beyonce halo live"
    item = Unidentified("f:2", Category.PLAYLISTS, 'Say "Hi"', ("Ann", "Bo"), "Alb")
    assert query_of(item) == 'track:"Say  Hi" artist:"Ann"'


def test_only_exact_results_are_taken() -> None:
    item = Unidentified("f:2", Category.PLAYLISTS, "Halo", ("Beyoncé",), "I Am... Sasha Fierce")
    assert is_exact(item, _found(T1, "HALO", ("Beyonce", "X"), "I am sasha fierce"))
    assert not is_exact(item, _found(T1, "Halo - Live", ("Beyoncé",), "I Am... Sasha Fierce"))
    assert not is_exact(item, _found(T1, "Halo", ("Someone Else",), "I Am... Sasha Fierce"))
    assert not is_exact(item, _found(T1, "Halo", ("Beyoncé",), "Greatest Hits"))
    comma = Unidentified("f:4", Category.PLAYLISTS, "Yonkers", ("Tyler", "The Creator"))
    assert is_exact(comma, _found(T1, "Yonkers", ("Tyler, The Creator",), "Goblin"))
    no_album = Unidentified("f:3", Category.PLAYLISTS, "Halo", ("Beyoncé",))
    assert is_exact(no_album, _found(T1, "Halo", ("Beyoncé",), "Greatest Hits"))


def test_matches_fill_the_playlist_and_the_liked_songs(tmp_path: Path) -> None:
    folder = tmp_path / "csvs"
    folder.mkdir()
    (folder / "mix.csv").write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T3}", "Known", "A", "Art", "2020-01-01T00:00:00Z"),
        exportify_row("", "Halo", "", "Beyoncé", "2020-01-02T00:00:00Z"),
        exportify_row("", "Unknown song", "", "Nobody", "2020-01-03T00:00:00Z"),
        exportify_row("", "Halo", "", "Beyoncé", "2020-01-04T00:00:00Z"),
        exportify_row("", "Title only", "", "", "2020-01-05T00:00:00Z"),
    ]))
    (folder / "Liked Songs.csv").write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T3}", "Known", "A", "Art", "2021-01-01T00:00:00Z"),
        exportify_row("", "Other", "B", "Bee", "2022-01-01T00:00:00Z"),
    ]))
    source = read_source(folder)
    queries: list[str] = []
    catalogue = {'track:"Halo" artist:"Beyoncé"': [
        _found(T2, "Halo (Remix)", ("Beyoncé",), "R"), _found(T1, "Halo", ("Beyoncé",), "H")],
        'track:"Other" artist:"Bee"': [_found(T2, "Other", ("Bee",), "B")]}

    def search(query: str) -> list[PlaylistEntry]:
        queries.append(query)
        return catalogue.get(query, [])

    matching = match_source(source, search)
    assert sorted(queries) == sorted([*catalogue, 'track:"Unknown song" artist:"Nobody"'])
    assert (matching.calls, matching.matched, len(matching.results)) == (3, 3, 5)
    (mix,) = matching.source.library.playlists
    assert [e.uri for e in mix.entries or ()] == [
        f"spotify:track:{T3}", f"spotify:track:{T1}", None, f"spotify:track:{T1}", None]
    assert mix.snapshot_id != source.library.playlists[0].snapshot_id
    assert [s.uri for s in matching.source.library.liked_songs] == [  # newest first
        f"spotify:track:{T2}", f"spotify:track:{T3}"]
    assert [item.name for item in matching.source.unidentified] == ["Unknown song", "Title only"]
    assert matching.results[-1].query == "" and not matching.results[-1].searched
    assert matching.source.library.account == source.library.account
