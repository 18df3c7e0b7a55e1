"""Answers of odd shapes, as real Spotify sends them now and then (nulls in lists, owners
without ids, images without addresses, entries in the older ``track`` shape, old cover
addresses, the "not registered" refusal): read without a crash, never as the text ``None``,
malformed elements skipped at their place and planned as such. End to end through the
sandbox: ``tests/e2e/test_odd_shapes.py``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.plan_support import library, owned
from tests.unit.spotify_fakes import Reply, Sent, error_body, paged, rig, scripted
from transfer.errors import ExitStatus, NotRegistered
from transfer.models import Category, Malformed, PlaylistEntry
from transfer.plan import SkipReason, diff
from transfer.render import render_plan
from transfer.spotify import parse

ME = {"id": "alex.old", "display_name": "Alex"}
TARGET = library("alex.new")


def playlist(playlist_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": playlist_id, "name": f"List {playlist_id}", "description": "",
            "owner": {"id": "alex.old", "display_name": "Alex"}, "public": False,
            "collaborative": False, "snapshot_id": f"s-{playlist_id}", "images": [],
            "items": {"href": "https://api.example/items", "total": 2}, **fields}


def song(number: int, **fields: Any) -> dict[str, Any]:
    return {"uri": f"spotify:track:t{number}", "name": f"Song {number}",
            "artists": [{"name": "Band"}], "album": {"name": "Record"}, **fields}


def test_a_null_in_the_playlist_list_is_skipped_at_its_place_and_the_rest_read() -> None:
    page = [playlist("a"), None, playlist("b"), {"name": "no id"}, "junk"]
    read, malformed = parse.each(page, lambda item: parse.playlist_of(item, "alex.old"),
                                 Category.PLAYLISTS, offset=50)
    assert [p.id for p in read] == ["a", "b"]
    assert malformed == (
        Malformed(category=Category.PLAYLISTS, position=51, problem="a null instead of a playlist"),
        Malformed(category=Category.PLAYLISTS, position=53, problem="a playlist without an id"),
        Malformed(category=Category.PLAYLISTS, position=54,
                  problem="a string instead of a playlist"),
    )


@pytest.mark.parametrize("owner", [{"id": None, "display_name": None}, None, "alex.old", {}])
def test_a_playlist_whose_owner_is_unknown_is_never_ours(owner: object) -> None:
    fields = {"owner": owner} if owner is not None else {}
    raw = playlist("p", **fields)
    if owner is None:
        del raw["owner"]
    read = parse.playlist_of(raw, "alex.old")
    assert (read.owner_id, read.owner_name, read.relation) == ("", None, "followed")
    assert "None" not in read.model_dump_json()


def test_an_unknown_owner_of_a_collaborative_playlist_with_items_is_read_as_a_collaborator(
) -> None:
    read = parse.playlist_of(playlist("p", owner={"id": None}, collaborative=True), "alex.old")
    assert read.relation == "collaborator"


@pytest.mark.parametrize(("images", "cover"), [
    ([None], None),
    ([{"url": None, "height": 640, "width": 640}], None),
    ([{"url": ""}], None),
    (None, None),
    ("not a list", None),
    ([None, {"url": None}, {"url": "https://i.scdn.co/image/ab67706c0000da84aa", "height": None}],
     "https://i.scdn.co/image/ab67706c0000da84aa"),
])
def test_images_without_an_address_are_no_cover(images: object, cover: str | None) -> None:
    read = parse.playlist_of(playlist("p", images=images), "alex.old")
    assert (read.cover.url if read.cover else None) == cover


@pytest.mark.parametrize(("url", "custom"), [
    ("https://i.scdn.co/image/ab67706c0000da84" + "0" * 24, True),
    ("https://u.scdn.co/images/pl/default/" + "3f" * 20, True),
    ("https://u.scdn.co/images/pl/large/" + "ab" * 20, True),
    ("https://i.scdn.co/image/" + "c1" * 20, True),
    ("https://mosaic.scdn.co/640/ab67616d0000b273" + "1" * 24 + "ab67616d0000b273" + "2" * 24,
     False),
    ("https://i.scdn.co/image/ab67616d0000b273" + "1" * 24, False),
    ("https://i.scdn.co/image/ab67706f00000002" + "1" * 24, False),
    ("https://misc.scdn.co/liked-songs/liked-songs-640.png", False),
    ("http://127.0.0.1:8787/mosaic/" + "9" * 40, False),
])
def test_a_custom_cover_is_any_image_that_is_not_generated_art(url: str, custom: bool) -> None:
    assert parse.is_custom_cover(url) is custom
    read = parse.playlist_of(playlist("p", images=[{"url": url}]), "alex.old")
    assert read.cover is not None and read.cover.custom is custom


def test_an_old_playlist_summary_named_tracks_gives_the_total() -> None:
    raw = playlist("p")
    raw["tracks"] = raw.pop("items")
    assert parse.playlist_of(raw, "alex.old").total == 2


def test_null_names_are_no_names_never_the_text_none() -> None:
    raw = playlist("p", name=None, description=None, snapshot_id=None, public=None,
                   owner={"id": "alex.old", "display_name": None})
    read = parse.playlist_of(raw, "alex.old")
    assert (read.name, read.description, read.owner_name) == ("", "", None)
    entry = parse.entry_of({"added_at": None, "added_by": {"id": ""}, "is_local": None,
                            "item": song(1, name=None, album={"name": None},
                                         artists=[{"name": None}, None, {"name": "Band"}])})
    assert (entry.name, entry.album, entry.artists, entry.added_by) == ("", "", ("Band",), None)
    saved = parse.saved_item_of({"added_at": "2024-01-01T00:00:00Z",
                                 "album": {"uri": "spotify:album:a", "name": None,
                                           "artists": [{"name": None}]}}, "album")
    assert (saved.name, saved.artists) == ("", ())
    for model in (read, entry, saved):
        assert "None" not in model.model_dump_json()


def test_an_entry_in_the_older_shape_is_read_from_track() -> None:
    entry = parse.entry_of({"added_at": "2021-01-01T00:00:00Z", "added_by": {"id": "sam"},
                            "is_local": False, "track": song(7)})
    assert (entry.uri, entry.name, entry.added_by, entry.malformed) == (
        "spotify:track:t7", "Song 7", "sam", "")
    both = parse.entry_of({"item": song(1), "track": song(2)})
    assert both.uri == "spotify:track:t1", "item wins where both are sent"
    withdrawn = parse.entry_of({"item": None, "track": song(2)})
    assert withdrawn.unavailable and not withdrawn.malformed


@pytest.mark.parametrize(("raw", "problem"), [
    (None, "a null instead of an entry"),
    ({"added_at": "2021-01-01T00:00:00Z"}, "an entry without an item"),
    ({"item": {"name": "x", "uri": None}}, "an item without a Spotify URI"),
    ({"item": {"name": "x", "uri": "nonsense"}}, "an item without a Spotify URI"),
    ({"item": ["not", "an", "object"]}, "an item without a Spotify URI"),
])
def test_an_unreadable_entry_keeps_its_place_and_says_why(raw: object, problem: str) -> None:
    entry = parse.entry_of(raw)
    assert entry.uri is None and entry.malformed == problem


def test_saved_elements_that_cannot_be_read_are_skipped_at_their_place() -> None:
    page = [{"added_at": "2024-01-01T00:00:00Z", "track": song(1)}, None,
            {"added_at": "2024-01-01T00:00:00Z", "track": None},
            {"added_at": "2024-01-01T00:00:00Z", "track": {"name": "no uri"}}]
    read, malformed = parse.each(page, lambda item: parse.saved_item_of(item, "track"),
                                 Category.LIKED_SONGS)
    assert [item.uri for item in read] == ["spotify:track:t1"]
    assert [(m.position, m.problem) for m in malformed] == [
        (1, "a null instead of a saved track"), (2, "a saved track without the track"),
        (3, "a track without a Spotify URI")]
    artists, unread = parse.each([None, {"uri": "spotify:artist:a", "name": None}],
                                 parse.artist_of, Category.ARTISTS)
    assert [(a.uri, a.name) for a in artists] == [("spotify:artist:a", "")]
    assert [m.position for m in unread] == [0]


def test_the_adapter_keeps_each_malformed_element_once_with_its_place_in_the_whole_list(
) -> None:
    listed = [playlist(f"p{n}") if n not in (3, 57) else None for n in range(60)]

    def handler(sent: Sent) -> Reply:
        return Reply(200, ME) if sent.path == "/me" else paged(listed, sent)

    test = rig(handler)
    assert [p.id for p in test.adapter.my_playlists()] == [
        f"p{n}" for n in range(60) if n not in (3, 57)]
    test.adapter.my_playlists_page(50)
    assert [(m.category, m.position) for m in test.adapter.take_malformed()] == [
        (Category.PLAYLISTS, 3), (Category.PLAYLISTS, 57)]
    assert test.adapter.take_malformed() == (), "handed over once"


def test_the_plan_lists_malformed_elements_and_does_not_copy_an_unreadable_playlist() -> None:
    broken = PlaylistEntry(uri=None, malformed="a null instead of an entry")
    source = library(playlists=(
        owned("good", ["spotify:track:a", None, "spotify:track:b"], name="Good"),
        owned("holes", ["spotify:track:a"], name="Holes").model_copy(update={"entries": (
            PlaylistEntry(uri="spotify:track:a"), broken, PlaylistEntry(uri="spotify:track:b"))}),
        owned("nulls", [], name="Nulls").model_copy(update={"entries": (broken,) * 3}),
    )).model_copy(update={"malformed": (
        Malformed(category=Category.PLAYLISTS, position=1, problem="a null instead of a playlist"),
        Malformed(category=Category.LIKED_SONGS, position=4, problem="a null instead of a saved "
                  "track"))})
    plan = diff(source, TARGET)
    created = {a.source_playlist_id for a in plan.writes if a.type == "create_playlist"}
    assert created == {"good", "holes"}, "no copy of a playlist none of whose entries reads"
    skips = {(s.reason, s.item.ref, s.detail) for s in plan.skips}
    assert (SkipReason.MALFORMED, "playlists#1", "a null instead of a playlist") in skips
    assert (SkipReason.MALFORMED, "liked_songs#4", "a null instead of a saved track") in skips
    assert (SkipReason.MALFORMED, "holes#1", "a null instead of an entry") in skips
    assert (SkipReason.UNREADABLE, "spotify:playlist:nulls", "all 3 of its entries") in skips
    adds = [a for a in plan.writes if a.type == "add_playlist_items"
            and a.source_playlist_id == "holes"]
    assert [a.uris for a in adds] == [("spotify:track:a", "spotify:track:b")]
    text = render_plan(plan, verbose=True)
    assert "None" not in text
    assert "#2 in your playlist list (a null instead of a playlist)" in text
    assert "#5 in your Liked Songs (a null instead of a saved track)" in text
    assert "#2 in “Holes” (Spotify gives no name) (a null instead of an entry)" in text
    assert "“Nulls”: a page of its items held none that could be read" in text


def test_a_page_of_unreadable_entries_inside_a_longer_playlist_stops_its_copy() -> None:
    uris: list[str | None] = [*(f"spotify:track:t{n}" for n in range(50)), *[None] * 50,
                              "spotify:track:z"]
    plan = diff(library(playlists=(owned("long", uris, name="Long"),)), TARGET)
    assert not plan.writes
    assert [(s.reason, s.detail) for s in plan.skips] == [
        (SkipReason.UNREADABLE, "entries 51 to 100 of 101")]


@pytest.mark.parametrize("message", [
    "User not registered in the Developer Dashboard",
    "the user may not be registered",
    "Check settings on developer.spotify.com/dashboard, the user may not be registered.",
])
def test_a_user_the_dashboard_does_not_list_is_told_to_add_that_account(message: str) -> None:
    test = rig(scripted(Reply(403, error_body(403, message))), account="target")
    with pytest.raises(NotRegistered) as caught:
        test.adapter.me()
    error = caught.value
    assert error.account == "target" and error.exit_status is ExitStatus.ERROR
    assert "the target account" in error.message and message in error.message
    assert error.advice is not None
    assert "e-mail address the target account signs in with under User Management" in error.advice
    assert "https://developer.spotify.com/dashboard" in error.advice


def test_dates_numbers_and_flags_of_the_wrong_type_are_unknown() -> None:
    assert parse.entry_of({"added_at": "yesterday", "item": song(1)}).added_at is None
    assert parse.entry_of({"added_at": 12, "added_by": None, "item": song(1)}).added_at is None
    read = parse.playlist_of(playlist("p", public="yes", collaborative="true",
                                      items={"total": "3"}), "alex.old")
    assert (read.public, read.collaborative, read.total) == (None, False, None)
