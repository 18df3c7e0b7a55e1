"""spotipy 2.26, unmodified, reads and writes every kind of item through the sandbox."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
import requests
import spotipy

from tests.sandbox.server_support import Raw, headless, pkce_login
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.images import PLACEHOLDER_JPEG
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def server(clock: ManualClock) -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed(), clock=clock) as running:
        yield running


@pytest.fixture
def source(server: SandboxServer) -> spotipy.Spotify:
    return headless(server, "alex.old")


@pytest.fixture
def target(server: SandboxServer) -> spotipy.Spotify:
    return headless(server, "alex.new")


def every_item(spotify: spotipy.Spotify, page: dict) -> list[dict]:
    items = list(page["items"])
    while page["next"]:
        page = spotify.next(page)
        items += page["items"]
    return items


def test_pkce_login_then_me(server: SandboxServer) -> None:
    spotify = pkce_login(server, "alex.old")
    me = spotify.me()
    assert me["id"] == "alex.old"
    assert me["display_name"] == "Alex (old account)"
    assert me["uri"] == "spotify:user:alex.old"
    assert "email" not in me and "country" not in me and "product" not in me


def test_playlist_list_pages_with_absolute_urls_and_item_summaries(
    server: SandboxServer, source: spotipy.Spotify
) -> None:
    first = source.current_user_playlists(limit=2)
    assert first["next"].startswith(server.api_url + "/me/playlists?")
    playlists = every_item(source, first)
    assert [p["id"] for p in playlists] == ["plOwn1", "plCollab", "plMika", "plEditorial",
                                            "plOwn2"]
    by_id = {p["id"]: p for p in playlists}
    assert by_id["plOwn1"]["items"] == {"href": f"{server.api_url}/playlists/plOwn1/items",
                                        "total": 9}
    assert all("tracks" not in p for p in playlists), "no deprecated alias by default"
    assert by_id["plCollab"]["items"]["total"] == 2
    for followed in ("plMika", "plEditorial"):
        assert "items" not in by_id[followed] and "tracks" not in by_id[followed]
    assert by_id["plOwn1"]["description"] == "Songs for the road &#x2F; &#x27;best&#x27; of"
    assert by_id["plOwn2"]["images"] == []


def test_playlist_entries_show_every_tricky_case(source: spotipy.Spotify) -> None:
    entries = every_item(source, source.playlist_items("plOwn1", limit=4))
    uris = [e["item"]["uri"] if e["item"] else None for e in entries]
    assert uris == [
        "spotify:track:tr01", "spotify:track:tr02", "spotify:track:tr01", "spotify:episode:ep1",
        "spotify:local:Me:Garage:Demo+Tape:123", None, "spotify:track:tr03",
        "spotify:track:tr04", "spotify:track:tr05",
    ]
    assert all("track" not in e for e in entries), "no deprecated alias by default"
    local = entries[4]
    assert local["is_local"] is True and local["item"]["id"] is None
    assert local["item"]["name"] == "Demo Tape"
    assert entries[3]["item"]["type"] == "episode" and entries[3]["item"]["show"]["id"] == "sh2"
    assert entries[0]["added_at"] == "2021-03-01T10:00:00Z"
    assert entries[0]["added_by"]["id"] == "alex.old"


def test_collaborator_reads_items_but_not_a_followed_playlist(source: spotipy.Spotify) -> None:
    assert source.playlist_items("plCollab")["total"] == 2
    with pytest.raises(spotipy.SpotifyException) as refused:
        source.playlist_items("plMika")
    assert refused.value.http_status == 403
    assert "items" not in source.playlist("plMika")


def test_saved_collections_newest_first(source: spotipy.Spotify) -> None:
    tracks = every_item(source, source.current_user_saved_tracks(limit=2))
    assert [t["track"]["id"] for t in tracks] == ["tr12", "tr09", "tr07", "tr05", "tr03"]
    assert tracks[0]["added_at"] == "2022-01-05T08:30:00Z"
    assert tracks[0]["track"]["is_playable"] is False
    albums = source.current_user_saved_albums()["items"]
    assert [a["album"]["id"] for a in albums] == ["al2", "al1"]
    assert albums[1]["album"]["release_date_precision"] == "year"
    assert albums[0]["album"]["tracks"]["total"] == 3
    assert [s["show"]["id"] for s in source.current_user_saved_shows()["items"]] == ["sh1"]
    episodes = source.current_user_saved_episodes()["items"]
    assert [e["episode"]["id"] for e in episodes] == ["ep3", "ep2"]
    books = source._get("me/audiobooks")["items"]
    assert [b["audiobook"]["id"] for b in books] == ["ab1"]
    assert books[0]["added_at"] == "2022-05-01T08:30:00Z"


def test_followed_artists_cursor_paging(server: SandboxServer, source: spotipy.Spotify) -> None:
    page = source.current_user_followed_artists(limit=2)["artists"]
    assert [a["id"] for a in page["items"]] == ["ar1", "ar2"]
    assert page["cursors"]["after"] == "ar2" and page["total"] == 3
    assert page["next"].startswith(server.api_url + "/me/following?")
    rest = source.next(page)["artists"]
    assert [a["id"] for a in rest["items"]] == ["ar3"]
    assert rest["next"] is None and rest["cursors"]["after"] is None


def test_create_fill_reorder_remove_and_replace_a_playlist(
    server: SandboxServer, target: spotipy.Spotify
) -> None:
    created = target.current_user_playlist_create("Copy", public=False, description="a/b 'c'")
    assert created["owner"]["id"] == "alex.new" and created["public"] is False
    assert created["items"]["total"] == 0
    playlist_id = created["id"]
    assert target.current_user_playlists()["items"][0]["id"] == playlist_id
    snapshots = [created["snapshot_id"]]
    snapshots.append(target.playlist_add_items(
        playlist_id, ["spotify:track:tr01", "spotify:track:tr02", "spotify:episode:ep1"]
    )["snapshot_id"])
    snapshots.append(target.playlist_add_items(playlist_id, ["spotify:track:tr03"],
                                               position=0)["snapshot_id"])
    snapshots.append(target.playlist_reorder_items(playlist_id, range_start=0,
                                                   insert_before=4)["snapshot_id"])
    assert _uris(target, playlist_id) == ["spotify:track:tr01", "spotify:track:tr02",
                                          "spotify:episode:ep1", "spotify:track:tr03"]
    snapshots.append(target.playlist_remove_all_occurrences_of_items(
        playlist_id, ["spotify:track:tr02"])["snapshot_id"])
    assert _uris(target, playlist_id) == ["spotify:track:tr01", "spotify:episode:ep1",
                                          "spotify:track:tr03"]
    snapshots.append(target.playlist_replace_items(playlist_id, ["spotify:track:tr04"])[
        "snapshot_id"])
    assert _uris(target, playlist_id) == ["spotify:track:tr04"]
    target.playlist_change_details(playlist_id, name="Renamed", description="new & better")
    details = target.playlist(playlist_id)
    snapshots.append(details["snapshot_id"])
    assert details["name"] == "Renamed" and details["description"] == "new &amp; better"
    assert len(set(snapshots)) == len(snapshots)
    entry = target.playlist_items(playlist_id)["items"][0]
    assert entry["added_by"]["id"] == "alex.new"


def test_cover_upload_is_stored_and_served(server: SandboxServer, target: spotipy.Spotify) -> None:
    playlist_id = target.current_user_playlist_create("With cover")["id"]
    target.playlist_upload_cover_image(playlist_id, base64.b64encode(PLACEHOLDER_JPEG).decode())
    images = target.playlist_cover_image(playlist_id)
    assert len(images) == 1 and images[0]["height"] is None
    url = images[0]["url"]
    assert url.rsplit("/", 1)[1].startswith("ab67706c")
    assert target.playlist(playlist_id)["images"] == images
    downloaded = requests.get(url, timeout=5)
    assert downloaded.status_code == 200 and downloaded.content == PLACEHOLDER_JPEG
    assert downloaded.headers["Content-Type"] == "image/jpeg"


def test_generated_covers_are_mosaics_or_album_art(
    server: SandboxServer, source: spotipy.Spotify
) -> None:
    mosaic = source.playlist_cover_image("plOwn1")
    assert [image["height"] for image in mosaic] == [640, 300, 60]
    assert all("/mosaic/" in image["url"] for image in mosaic)
    single = source.playlist_cover_image("plCollab")
    assert len(single) == 1 and "/image/ab67616d0000b273" in single[0]["url"]
    for image in (mosaic[0], single[0]):
        assert requests.get(image["url"], timeout=5).content == PLACEHOLDER_JPEG
    log_before = server.request_log.total()
    requests.get(mosaic[0]["url"], timeout=5)
    assert server.request_log.total() == log_before


def test_save_follow_and_unsave_every_kind(
    server: SandboxServer, clock: ManualClock, target: spotipy.Spotify
) -> None:
    target.current_user_saved_tracks_add(["tr01", "tr02", "tr03"])
    target.current_user_saved_albums_add(["al1"])
    target.current_user_saved_shows_add(["sh1"])
    target.current_user_saved_episodes_add(["ep1"])
    target._put("me/library", uris="spotify:audiobook:ab1,spotify:track:tr04")
    target.user_follow_artists(["ar1", "ar2"])
    target._put("me/library", uris="spotify:user:sam.k")
    target.current_user_follow_playlist("plMika")
    uris = ["spotify:track:tr01", "spotify:album:al1", "spotify:show:sh1", "spotify:episode:ep1",
            "spotify:audiobook:ab1", "spotify:artist:ar2", "spotify:user:sam.k",
            "spotify:playlist:plMika", "spotify:track:tr05", "spotify:artist:ar3"]
    contains = target._get("me/library/contains", uris=",".join(uris))
    assert contains == [True] * 8 + [False, False]
    saved = target.current_user_saved_tracks()["items"]
    assert [s["track"]["id"] for s in saved] == ["tr04", "tr03", "tr02", "tr01"]
    dates = [s["added_at"] for s in saved]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == 4
    assert target.current_user_playlists()["items"][0]["id"] == "plMika"
    assert [a["id"] for a in target.current_user_followed_artists()["artists"]["items"]] == [
        "ar1", "ar2"]
    target.current_user_saved_tracks_delete(["tr01"])
    target.user_unfollow_artists(["ar1"])
    target._delete("me/library", uris="spotify:playlist:plMika,spotify:audiobook:ab1")
    assert target.current_user_saved_items(
        ["spotify:track:tr01", "spotify:artist:ar1", "spotify:playlist:plMika",
         "spotify:audiobook:ab1", "spotify:track:tr02"]) == [False] * 4 + [True]


def test_one_library_call_dates_its_items_in_request_order(
    server: SandboxServer, clock: ManualClock
) -> None:
    raw = Raw(server, "alex.new")
    uris = ",".join(f"spotify:track:tr{n:02d}" for n in (5, 3, 1))
    assert raw("PUT", "/me/library", params={"uris": uris}).status_code == 200
    assert raw("PUT", "/me/library", params={"uris": "spotify:track:tr05"}).status_code == 200
    saved = raw("GET", "/me/tracks").json()["items"]
    assert [s["track"]["id"] for s in saved] == ["tr01", "tr03", "tr05"]
    start = clock.now().strftime("%Y-%m-%dT%H:%M:")
    assert [s["added_at"] for s in saved] == [f"{start}02Z", f"{start}01Z", f"{start}00Z"]
    assert raw("PUT", "/me/library", json={"uris": ["spotify:album:al3"]}).status_code == 200
    assert raw("GET", "/me/albums").json()["items"][0]["album"]["id"] == "al3"


def test_single_lookups(source: spotipy.Spotify) -> None:
    assert source.track("tr01")["album"]["id"] == "al1"
    assert source.album("al2")["tracks"]["total"] == 3
    assert source.artist("ar2")["name"] == "فيروز"
    assert source.show("sh1")["episodes"]["total"] == 2
    assert source.episode("ep1")["show"]["id"] == "sh2"
    assert source.get_audiobook("ab1")["authors"] == [{"name": "A. Author"}]


def _uris(spotify: spotipy.Spotify, playlist_id: str) -> list[str]:
    return [e["item"]["uri"] for e in every_item(spotify, spotify.playlist_items(playlist_id))]


def test_episodes_come_track_shaped_unless_the_client_asks_for_them(
    source: spotipy.Spotify,
) -> None:
    embedded = source.playlist("plOwn1")["items"]["items"]
    shaped = embedded[3]["item"]
    assert shaped["uri"] == "spotify:episode:ep1"
    assert (shaped["type"], shaped["episode"]) == ("track", True)
    assert shaped["album"]["uri"] == "spotify:show:sh2" and "show" not in shaped
    asked = source.playlist("plOwn1", additional_types=("track", "episode"))["items"]["items"]
    assert asked[3]["item"]["type"] == "episode" and asked[3]["item"]["show"]["id"] == "sh2"
    raw = source._get("playlists/plOwn1/items", limit=5)["items"]
    assert raw[3]["item"]["type"] == "track" and "track" not in raw[3]


def test_with_aliases_on_the_deprecated_names_repeat_the_new_ones() -> None:
    with SandboxServer(tiny_seed(), aliases=True) as server:
        source = headless(server, "alex.old")
        playlists = every_item(source, source.current_user_playlists(limit=2))
        by_id = {p["id"]: p for p in playlists}
        assert by_id["plOwn1"]["tracks"] == by_id["plOwn1"]["items"]
        assert "tracks" not in by_id["plMika"]
        entries = every_item(source, source.playlist_items("plOwn1", limit=4))
        assert entries and all(e["track"] == e["item"] for e in entries)
        embedded = source.playlist("plOwn1")
        assert embedded["tracks"] == embedded["items"]
