"""The adapter's reads and writes over a scripted HTTP fake: paths, paging, batching, parsing."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.unit.spotify_fakes import API, Reply, Sent, error_body, paged, rig, scripted
from transfer.errors import SpotifyError
from transfer.models import Category, Kind
from transfer.spotify import CoverTooLarge, DatesNotSupported
from transfer.spotify import endpoints as ep

ME = {"id": "alex.old", "display_name": "Alex (old account)"}


def track(number: int) -> dict[str, object]:
    return {"uri": f"spotify:track:t{number}", "name": f"Song {number}", "type": "track",
            "artists": [{"name": "Band"}], "album": {"name": "Record"}}


def test_me_is_asked_once() -> None:
    test = rig(scripted(Reply(200, ME)))
    assert test.adapter.me().id == "alex.old"
    assert test.adapter.me().display_name == "Alex (old account)"
    assert test.adapter.calls == {("GET", "/me"): 1}


@pytest.mark.parametrize("total", [0, 1, 50, 51, 120])
def test_saved_tracks_page_at_50_following_next(total: int) -> None:
    saved = [{"added_at": f"2024-01-01T00:00:{n % 60:02d}Z", "track": track(n)}
             for n in range(total)]
    test = rig(lambda sent: paged(saved, sent))
    items = list(test.adapter.saved(Category.LIKED_SONGS))
    assert [item.uri for item in items] == [f"spotify:track:t{n}" for n in range(total)]
    if total:
        assert items[0].artists == ("Band",)
    assert test.adapter.calls == {("GET", "/me/tracks"): max(1, -(-total // 50))}
    assert test.session.sent[0].params["limit"] == 50
    assert all(sent.path == "/me/tracks" for sent in test.session.sent)


def test_each_saved_collection_reads_its_endpoint_and_item_key() -> None:
    objects = {
        "/me/albums": ("album", {"uri": "spotify:album:a", "name": "A",
                                 "artists": [{"name": "X"}]}),
        "/me/shows": ("show", {"uri": "spotify:show:s", "name": "S", "publisher": "P"}),
        "/me/episodes": ("episode", {"uri": "spotify:episode:e", "name": "E",
                                     "show": {"name": "S"}}),
        "/me/audiobooks": ("audiobook", {"uri": "spotify:audiobook:b", "name": "B",
                                         "authors": [{"name": "W"}]}),
    }

    def handler(sent: Sent) -> Reply:
        key, item = objects[sent.path]
        return paged([{"added_at": "2023-05-06T07:08:09Z", key: item}], sent)

    test = rig(handler)
    people = {
        Category.ALBUMS: ("X",), Category.SHOWS: ("P",), Category.EPISODES: ("S",),
        Category.AUDIOBOOKS: ("W",),
    }
    for category, expected in people.items():
        (item,) = test.adapter.saved(category)
        assert item.artists == expected
        assert item.added_at == datetime(2023, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_followed_artists_use_cursor_pages() -> None:
    artists = [{"uri": f"spotify:artist:a{n}", "name": f"Artist {n}"} for n in range(75)]
    test = rig(lambda sent: paged(artists, sent, wrap="artists"))
    followed = list(test.adapter.followed_artists())
    assert [artist.uri for artist in followed] == [artist["uri"] for artist in artists]
    assert all(artist.added_at is None for artist in followed)
    assert test.adapter.calls == {("GET", "/me/following"): 2}
    assert test.session.sent[0].params["type"] == "artist"


def summary(playlist_id: str, owner: str, *, collaborative: bool = False,
            items: int | None = 3, image: str | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "id": playlist_id, "name": f"List {playlist_id}", "description": "d", "public": False,
        "collaborative": collaborative, "owner": {"id": owner, "display_name": owner},
        "snapshot_id": f"snap-{playlist_id}",
        "images": [{"url": image, "height": None, "width": None}] if image else [],
    }
    if items is not None:
        body["items"] = {"href": f"{API}/playlists/{playlist_id}/items", "total": items}
        body["tracks"] = {"href": "deprecated", "total": 999}
    return body


def test_my_playlists_relations_and_covers() -> None:
    lists = [
        summary("own", "alex.old", image="https://i.test/image/ab67706c0000da84" + "a" * 40),
        summary("collab", "sam.k", collaborative=True,
                image="https://i.test/mosaic/ab67616d" + "0" * 40),
        summary("followed", "spotify", items=None),
        summary("collab-unreadable", "mika", collaborative=True, items=None),
    ]
    test = rig(lambda sent: Reply(200, ME) if sent.path == "/me" else paged(lists, sent))
    playlists = {playlist.id: playlist for playlist in test.adapter.my_playlists()}
    assert playlists["own"].relation == "owned"
    assert playlists["own"].cover is not None and playlists["own"].cover.custom
    assert playlists["own"].total == 3  # from `items`, never the deprecated `tracks`
    assert playlists["collab"].relation == "collaborator"
    assert playlists["collab"].cover is not None and not playlists["collab"].cover.custom
    assert playlists["followed"].relation == "followed"
    assert playlists["followed"].total is None
    assert playlists["collab-unreadable"].relation == "followed"
    assert playlists["own"].snapshot_id == "snap-own"


def test_playlist_entries_keep_order_episodes_locals_and_unavailable() -> None:
    entries = [
        {"added_at": "2021-01-01T00:00:00Z", "added_by": {"id": "alex.old"}, "is_local": False,
         "item": track(1), "track": {"uri": "spotify:track:WRONG"}},
        {"added_at": "2021-01-02T00:00:00Z", "added_by": {"id": "sam.k"}, "is_local": False,
         "item": {"uri": "spotify:episode:e1", "type": "episode", "name": "Ep",
                  "show": {"name": "Pod"}}},
        {"added_at": "2021-01-03T00:00:00Z", "added_by": {"id": "alex.old"}, "is_local": True,
         "item": {"uri": "spotify:local:Band:Rec:Demo:180", "type": "track", "name": "Demo",
                  "artists": [{"name": "Band"}], "album": {"name": "Rec"}}},
        {"added_at": "2021-01-04T00:00:00Z", "added_by": {"id": "alex.old"}, "is_local": False,
         "item": None},
        *[{"added_at": "2021-02-01T00:00:00Z", "added_by": None, "is_local": False,
           "item": track(n)} for n in range(10, 60)],
    ]
    test = rig(lambda sent: paged(entries, sent))
    read = list(test.adapter.playlist_entries("p1"))
    assert len(read) == len(entries)
    assert read[0].uri == "spotify:track:t1" and read[0].added_by == "alex.old"
    assert read[1].kind is Kind.EPISODE and read[1].album == "Pod"
    assert read[2].is_local and read[2].kind is Kind.LOCAL
    assert read[3].unavailable and read[3].added_at == datetime(2021, 1, 4, tzinfo=UTC)
    assert read[-1].uri == "spotify:track:t59"
    assert test.adapter.calls == {("GET", "/playlists/{playlist_id}/items"): 2}
    assert test.session.sent[0].path == "/playlists/p1/items"


def test_paging_link_outside_the_api_is_refused() -> None:
    page = {"items": [], "next": "https://elsewhere.test/steal", "total": 100}
    test = rig(scripted(Reply(200, page)))
    with pytest.raises(SpotifyError, match="outside the API"):
        list(test.adapter.saved(Category.ALBUMS))


def test_create_playlist_posts_details_and_returns_the_id() -> None:
    test = rig(scripted(Reply(201, {"id": "new1"})))
    assert test.adapter.create_playlist("Road trip", "desc", public=True) == "new1"
    sent = test.session.sent[0]
    assert (sent.method, sent.path) == ("POST", "/me/playlists")
    assert sent.body == {"name": "Road trip", "description": "desc", "public": True,
                         "collaborative": False}


def test_add_items_sends_one_batch_at_a_position() -> None:
    test = rig(scripted(Reply(201, {"snapshot_id": "s2"})))
    uris = [f"spotify:track:t{n}" for n in range(100)]
    assert test.adapter.add_items("p1", uris, position=200) == "s2"
    sent = test.session.sent[0]
    assert (sent.method, sent.path) == ("POST", "/playlists/p1/items")
    assert sent.body == {"uris": uris, "position": 200}


@pytest.mark.parametrize("count", [0, 101])
def test_add_items_refuses_batches_outside_the_limit(count: int) -> None:
    test = rig(scripted())
    with pytest.raises(ValueError):
        test.adapter.add_items("p1", ["spotify:track:x"] * count)
    assert not test.session.sent


def test_library_saves_are_chunked_at_40_in_order_with_kinds_mixed() -> None:
    test = rig(scripted())
    kinds = ("track", "album", "artist", "show", "episode", "audiobook", "playlist")
    uris = [f"spotify:{kinds[n % len(kinds)]}:{n}" for n in range(95)]
    test.adapter.save_to_library(uris)
    sent = test.session.sent
    assert [(each.method, each.path) for each in sent] == [("PUT", "/me/library")] * 3
    assert [each.params["uris"].split(",") for each in sent] == [uris[:40], uris[40:80],
                                                                  uris[80:]]
    assert test.adapter.calls == {("PUT", "/me/library"): 3}


def test_library_remove_and_contains() -> None:
    def handler(sent: Sent) -> Reply:
        if sent.method == "GET":
            return Reply(200, [uri.endswith("0") for uri in sent.params["uris"].split(",")])
        return Reply(200, None)

    test = rig(handler)
    uris = [f"spotify:album:{n}" for n in range(45)]
    assert test.adapter.library_contains(uris) == [uri.endswith("0") for uri in uris]
    test.adapter.remove_from_library(uris)
    assert test.adapter.calls == {("GET", "/me/library/contains"): 2,
                                  ("DELETE", "/me/library"): 2}


def test_library_contains_refuses_a_short_answer() -> None:
    test = rig(scripted(Reply(200, [True])))
    with pytest.raises(SpotifyError):
        test.adapter.library_contains(["spotify:album:1", "spotify:album:2"])


def test_remove_items_uses_the_items_body_key() -> None:
    test = rig(scripted(Reply(200, {"snapshot_id": "s9"})))
    assert test.adapter.remove_items("p1", ["spotify:track:a"], snapshot_id="s1") == "s9"
    sent = test.session.sent[0]
    assert (sent.method, sent.path) == ("DELETE", "/playlists/p1/items")
    assert sent.body == {"items": [{"uri": "spotify:track:a"}], "snapshot_id": "s1"}


def test_change_details_sends_only_what_changes() -> None:
    test = rig(scripted(Reply(200, None)))
    test.adapter.change_playlist_details("p1", description="new", public=False)
    assert test.session.sent[0].body == {"description": "new", "public": False}
    test.adapter.change_playlist_details("p1")
    assert len(test.session.sent) == 1


def test_upload_cover_sends_base64_jpeg() -> None:
    test = rig(scripted(Reply(202, None)))
    test.adapter.upload_cover("p1", b"\xff\xd8\xff\xe0jpeg")
    sent = test.session.sent[0]
    assert (sent.method, sent.path) == ("PUT", "/playlists/p1/images")
    assert sent.headers["Content-Type"] == "image/jpeg"
    assert sent.body == "/9j/4GpwZWc="


def test_upload_cover_refuses_a_cover_over_256_kb() -> None:
    test = rig(scripted())
    with pytest.raises(CoverTooLarge):
        test.adapter.upload_cover("p1", b"x" * 200_000)
    assert not test.session.sent


def test_dated_saves_send_timestamped_ids_50_a_call() -> None:
    test = rig(scripted())
    tracks = [(f"id{n}", datetime(2023, 1, 15, 14, 30, n % 60, tzinfo=UTC)) for n in range(60)]
    test.adapter.save_tracks_with_dates(tracks)
    first, second = test.session.sent
    assert (first.method, first.path) == ("PUT", "/me/tracks")
    assert first.body["timestamped_ids"][0] == {"id": "id0", "added_at": "2023-01-15T14:30:00Z"}
    assert len(first.body["timestamped_ids"]) == 50 and len(second.body["timestamped_ids"]) == 10


def test_dated_saves_refused_in_development_mode_raise_a_specific_error() -> None:
    test = rig(scripted(Reply(403, error_body(403, "Forbidden"))))
    with pytest.raises(DatesNotSupported):
        test.adapter.save_tracks_with_dates([("id", datetime(2023, 1, 1, tzinfo=UTC))])


def test_download_image_is_not_counted_and_carries_no_token() -> None:
    test = rig(scripted(Reply(200, b"\xff\xd8jpeg-bytes")))
    assert test.adapter.download_image("https://i.test/image/x") == b"\xff\xd8jpeg-bytes"
    assert not test.adapter.calls
    assert "Authorization" not in test.session.sent[0].headers


def test_requests_carry_the_bearer_token_and_paths_quote_ids() -> None:
    test = rig(scripted(Reply(200, [])))
    test.adapter.playlist_cover("a/b")
    sent = test.session.sent[0]
    assert sent.headers["Authorization"] == "Bearer access-1"
    assert sent.url == f"{API}/playlists/a%2Fb/images"


def test_endpoint_table_declares_the_api_limits() -> None:
    assert ep.READ_PAGE == 50 and ep.PLAYLIST_BATCH == 100 and ep.LIBRARY_BATCH == 40
    assert not ep.ADD_ITEMS.idempotent and not ep.CREATE_PLAYLIST.idempotent
    assert ep.LIBRARY_SAVE.idempotent and ep.UPLOAD_COVER.idempotent
    assert "/tracks" not in ep.PLAYLIST_ITEMS.template


def test_spotipy_logs_no_token_and_no_handled_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    test = rig(scripted(Reply(429, error_body(429, "slow down"), {"Retry-After": "1"}),
                        Reply(200, ME)))
    test.adapter.me()
    spotipy_records = [record for record in caplog.records if record.name.startswith("spotipy")]
    assert not spotipy_records
    assert "access-1" not in caplog.text


def test_descriptions_are_unescaped_once() -> None:
    listed = summary("own", "alex.old")
    listed["description"] = "Rock &amp; roll &#x2F; more &#x27;n&#x27; &lt;3"
    test = rig(lambda sent: Reply(200, ME) if sent.path == "/me" else paged([listed], sent))
    (playlist,) = test.adapter.my_playlists()
    assert playlist.description == "Rock & roll / more 'n' <3"


def test_only_the_adapter_package_imports_spotipy() -> None:
    package = Path(__file__).resolve().parents[2] / "transfer"
    importers = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"^\s*(?:from|import)\s+spotipy\b", path.read_text(encoding="utf-8"),
                     re.MULTILINE)
    }
    assert importers, "the adapter does import spotipy"
    assert all(name.startswith("spotify/") for name in importers), importers
