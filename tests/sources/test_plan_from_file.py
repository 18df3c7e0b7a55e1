"""A library read from a file plans as any other: Liked Songs keep the file's order and, for an
app that may set dates, the file's dates; entries without an id are "no_id" skips."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.sources.files import EXPORTIFY_HEADER, T1, T2, T3, csv_text, exportify_row
from transfer.models import Account, Library
from transfer.plan import PlanOptions, SaveLibraryItems, SaveLikedWithDates, SkipReason, diff
from transfer.sources import read_source

EMPTY = Library(exported_at=datetime(2026, 1, 1, tzinfo=UTC), account=Account(id="new"))


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exportify"
    folder.mkdir()
    (folder / "liked_songs.csv").write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T2}", "Two", "Y", "B", "2022-05-06T07:08:09Z"),
        exportify_row(f"spotify:track:{T1}", "One", "X", "A", "2019-01-02T03:04:05Z"),
        exportify_row(f"spotify:track:{T3}", "Three", "Z", "C", "2023-01-01T00:00:00Z"),
    ]))
    (folder / "mix.csv").write_text(csv_text(EXPORTIFY_HEADER, [
        exportify_row(f"spotify:track:{T1}", "One", "X", "A", ""),
        exportify_row("", "Unlisted", "", "Somebody", ""),
    ]))
    return folder


def test_liked_songs_are_saved_oldest_first_and_with_their_dates_where_allowed(
    tmp_path: Path
) -> None:
    library = read_source(_folder(tmp_path)).library
    plain = diff(library, EMPTY, PlanOptions())
    (save,) = [a for a in plain.actions if isinstance(a, SaveLibraryItems)
               and a.uris[0].startswith("spotify:track:")]
    assert save.uris == (f"spotify:track:{T1}", f"spotify:track:{T2}", f"spotify:track:{T3}")
    dated = diff(library, EMPTY, PlanOptions(preserve_liked_dates=True, extended_quota=True))
    (dates,) = [a for a in dated.actions if isinstance(a, SaveLikedWithDates)]
    assert [(t.uri, t.added_at.isoformat()) for t in dates.tracks] == [
        (f"spotify:track:{T1}", "2019-01-02T03:04:05+00:00"),
        (f"spotify:track:{T2}", "2022-05-06T07:08:09+00:00"),
        (f"spotify:track:{T3}", "2023-01-01T00:00:00+00:00")]


def test_an_entry_without_an_id_is_a_no_id_skip_at_its_place(tmp_path: Path) -> None:
    plan = diff(read_source(_folder(tmp_path)).library, EMPTY, PlanOptions())
    (skip,) = [s for s in plan.skips if s.reason is SkipReason.NO_ID]
    assert (skip.item.name, skip.item.playlist_name, skip.item.position) == (
        "Unlisted", "mix", 1)
    assert "--match" in skip.reason.text
