"""Pages read at an offset (how several pages are read at a time), and the ``fields`` filter
of playlist entries."""

from __future__ import annotations

import pytest

from tests.unit.spotify_fakes import Reply, Sent, paged, rig
from transfer.models import Category
from transfer.spotify.adapter import ENTRY_FIELDS


def entry(number: int) -> dict[str, object]:
    return {"added_at": "2024-02-03T04:05:06Z", "added_by": {"id": "alex.old"},
            "is_local": False,
            "item": {"uri": f"spotify:track:t{number}", "name": f"Song {number}",
                     "album": {"name": "Record"}, "artists": [{"name": "Band"}]}}


def test_a_page_of_entries_at_an_offset_is_one_call_with_the_fields_read() -> None:
    entries = [entry(number) for number in range(120)]
    test = rig(lambda sent: paged(entries, sent))
    page = test.adapter.playlist_entry_page("pl1", 50)
    assert [e.uri for e in page.items] == [f"spotify:track:t{n}" for n in range(50, 100)]
    assert page.total == 120 and page.items[0].artists == ("Band",)
    [sent] = test.session.sent
    assert sent.path == "/playlists/pl1/items"
    assert sent.query["offset"] == "50" and sent.query["limit"] == "50"
    assert sent.query["fields"] == ENTRY_FIELDS
    assert sent.query["additional_types"] == "track,episode"
    assert test.adapter.calls == {("GET", "/playlists/{playlist_id}/items"): 1}


def test_reading_entries_in_order_asks_for_the_same_fields() -> None:
    entries = [entry(number) for number in range(60)]
    test = rig(lambda sent: paged(entries, sent))
    assert len(list(test.adapter.playlist_entries("pl1"))) == 60
    assert test.session.sent[0].query["fields"] == ENTRY_FIELDS


def test_a_page_of_a_saved_collection_at_an_offset() -> None:
    saved = [{"added_at": "2024-01-01T00:00:00Z",
              "album": {"uri": f"spotify:album:a{n}", "name": f"A{n}"}} for n in range(75)]

    def handler(sent: Sent) -> Reply:
        assert sent.path == "/me/albums"
        return paged(saved, sent)

    test = rig(handler)
    page = test.adapter.saved_page(Category.ALBUMS, 50)
    assert [item.uri for item in page.items] == [f"spotify:album:a{n}" for n in range(50, 75)]
    assert page.total == 75
    assert test.session.sent[0].query["offset"] == "50"


def test_followed_artists_are_not_read_by_offset() -> None:
    test = rig(lambda sent: paged([], sent))
    with pytest.raises(ValueError):
        test.adapter.saved_page(Category.ARTISTS, 0)
    assert test.session.sent == []
