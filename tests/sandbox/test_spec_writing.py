"""Writing endpoints of the sandbox, every answer validated against the OpenAPI spec.

Writes go to the new account ``alex.new`` (empty in the built-in seed) on a sandbox of this
module's own, and to the collaborative playlist ``alex.old`` shares with ``mika``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import SOURCE_USER, TARGET_USER, builtin_facts, builtin_seed
from transfer.sandbox.covers import cover_jpeg
from transfer.sandbox.seed import SandboxSeed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def seed() -> SandboxSeed:
    return builtin_seed()


def _tracks(seed: SandboxSeed, count: int, start: int = 0) -> list[str]:
    available = [t.id for t in seed.catalog.tracks if t.available]
    return [f"spotify:track:{track}" for track in available[start:start + count]]


def _create(sandbox: Sandbox, **body: Any) -> dict[str, Any]:
    answer = sandbox.call("POST", "/me/playlists", user=TARGET_USER,
                          json={"name": "Copy", "public": False, **body})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _uris(sandbox: Sandbox, playlist_id: str) -> list[str | None]:
    entries = sandbox.get_ok(f"/playlists/{playlist_id}/items?limit=50", user=TARGET_USER)
    return [entry["item"]["uri"] if entry["item"] else None for entry in entries["items"]]


def test_create_a_playlist(sandbox: Sandbox) -> None:
    created = _create(sandbox, name="Любими 🚗", description="from the old account")
    assert created["owner"]["id"] == TARGET_USER
    assert created["name"] == "Любими 🚗" and created["public"] is False
    assert created["items"]["total"] == 0
    assert created["images"] == []
    listed = sandbox.get_ok("/me/playlists", user=TARGET_USER)["items"]
    assert created["id"] in [playlist["id"] for playlist in listed]


def test_change_details(sandbox: Sandbox) -> None:
    created = _create(sandbox)
    answer = sandbox.call("PUT", f"/playlists/{created['id']}", user=TARGET_USER,
                          json={"name": "Renamed", "description": "new words"})
    assert answer.status_code == 200 and answer.content == b""
    playlist = sandbox.get_ok(f"/playlists/{created['id']}", user=TARGET_USER)
    assert playlist["name"] == "Renamed" and playlist["description"] == "new words"


def test_add_replace_reorder_and_remove_items(sandbox: Sandbox, seed: SandboxSeed) -> None:
    playlist_id = _create(sandbox)["id"]
    path = f"/playlists/{playlist_id}/items"
    first, second = _tracks(seed, 3), _tracks(seed, 2, start=10)
    episode = f"spotify:episode:{seed.catalog.episodes[0].id}"
    added = sandbox.call("POST", path, user=TARGET_USER, json={"uris": [*first, episode]})
    assert added.status_code == 201
    inserted = sandbox.call("POST", path, user=TARGET_USER,
                            json={"uris": second, "position": 0})
    assert inserted.status_code == 201
    assert inserted.json()["snapshot_id"] != added.json()["snapshot_id"]
    assert _uris(sandbox, playlist_id) == [*second, *first, episode]

    reordered = sandbox.call("PUT", path, user=TARGET_USER, json={
        "range_start": 0, "insert_before": 6, "range_length": 2,
        "snapshot_id": inserted.json()["snapshot_id"]})
    assert reordered.status_code == 200
    assert _uris(sandbox, playlist_id) == [*first, episode, *second]

    removed = sandbox.call("DELETE", path, user=TARGET_USER,
                           json={"items": [{"uri": episode}, {"uri": first[0]}]})
    assert removed.status_code == 200
    assert _uris(sandbox, playlist_id) == [*first[1:], *second]

    replaced = sandbox.call("PUT", path, user=TARGET_USER, json={"uris": second})
    assert replaced.status_code == 200
    assert _uris(sandbox, playlist_id) == second
    cleared = sandbox.call("PUT", path, user=TARGET_USER, json={"uris": []})
    assert cleared.status_code == 200
    assert _uris(sandbox, playlist_id) == []


def test_add_with_uris_in_the_query_string(sandbox: Sandbox, seed: SandboxSeed) -> None:
    playlist_id = _create(sandbox)["id"]
    uris = _tracks(seed, 2, start=20)
    answer = sandbox.call("POST", f"/playlists/{playlist_id}/items", user=TARGET_USER,
                          params={"uris": ",".join(uris)})
    assert answer.status_code == 201
    assert _uris(sandbox, playlist_id) == uris


def test_a_collaborator_adds_to_a_collaborative_playlist(
    sandbox: Sandbox, seed: SandboxSeed
) -> None:
    playlist_id = builtin_facts().collaborating_playlist_ids[0]
    before = sandbox.get_ok(f"/playlists/{playlist_id}")["items"]["total"]
    answer = sandbox.call("POST", f"/playlists/{playlist_id}/items", user=SOURCE_USER,
                          json={"uris": _tracks(seed, 1, start=30)})
    assert answer.status_code == 201
    last = sandbox.get_ok(f"/playlists/{playlist_id}/items?offset={before}")["items"]
    assert [entry["added_by"]["id"] for entry in last] == [SOURCE_USER]


def test_upload_a_custom_cover(sandbox: Sandbox) -> None:
    playlist_id = _create(sandbox)["id"]
    jpeg = cover_jpeg(99)
    answer = sandbox.call("PUT", f"/playlists/{playlist_id}/images", user=TARGET_USER,
                          data=base64.b64encode(jpeg), headers={"Content-Type": "image/jpeg"})
    assert answer.status_code == 202 and answer.content == b""
    images = sandbox.get_ok(f"/playlists/{playlist_id}/images", user=TARGET_USER)
    assert len(images) == 1
    assert images[0]["url"].rsplit("/", 1)[1].startswith("ab67706c")
    assert sandbox.session.get(images[0]["url"]).content == jpeg


def test_save_and_remove_library_items_of_every_kind(
    sandbox: Sandbox, seed: SandboxSeed
) -> None:
    catalog = seed.catalog
    followed = builtin_facts().followed_playlist_ids[0]
    uris = [*_tracks(seed, 2, start=40), f"spotify:album:{catalog.albums[0].id}",
            f"spotify:show:{catalog.shows[0].id}", f"spotify:episode:{catalog.episodes[0].id}",
            f"spotify:audiobook:{catalog.audiobooks[0].id}",
            f"spotify:artist:{catalog.artists[0].id}", f"spotify:playlist:{followed}"]
    query = {"uris": ",".join(uris)}
    saved = sandbox.call("PUT", "/me/library", user=TARGET_USER, params=query)
    assert saved.status_code == 200 and saved.content == b""
    contains = sandbox.get_ok("/me/library/contains", user=TARGET_USER, params=query)
    assert contains == [True] * len(uris)
    liked = sandbox.get_ok("/me/tracks", user=TARGET_USER)["items"]
    assert [item["track"]["uri"] for item in liked] == uris[1::-1]  # newest first
    assert liked[0]["added_at"] > liked[1]["added_at"]
    assert sandbox.get_ok("/me/albums", user=TARGET_USER)["total"] == 1
    assert sandbox.get_ok("/me/shows", user=TARGET_USER)["total"] == 1
    assert sandbox.get_ok("/me/episodes", user=TARGET_USER)["total"] == 1
    assert sandbox.get_ok("/me/audiobooks", user=TARGET_USER)["total"] == 1
    artists = sandbox.get_ok("/me/following?type=artist", user=TARGET_USER)["artists"]
    assert artists["total"] == 1
    removed = sandbox.call("DELETE", "/me/library", user=TARGET_USER, params=query)
    assert removed.status_code == 200 and removed.content == b""
    contains = sandbox.get_ok("/me/library/contains", user=TARGET_USER, params=query)
    assert contains == [False] * len(uris)


def test_the_json_body_form_of_library_writes(sandbox: Sandbox, seed: SandboxSeed) -> None:
    uris = _tracks(seed, 2, start=50)
    saved = sandbox.call("PUT", "/me/library", user=TARGET_USER, json={"uris": uris})
    assert saved.status_code == 200
    contains = sandbox.get_ok("/me/library/contains", user=TARGET_USER,
                              params={"uris": ",".join(uris)})
    assert contains == [True, True]


def test_spotipy_writes_through_the_validating_session(
    sandbox: Sandbox, seed: SandboxSeed
) -> None:
    spotify = sandbox.spotify(TARGET_USER)
    created = spotify._post("me/playlists", payload={"name": "From spotipy", "public": True})
    uris = _tracks(seed, 3, start=60)
    snapshot = spotify.playlist_add_items(created["id"], uris)
    assert snapshot["snapshot_id"]
    spotify.playlist_change_details(created["id"], description="via spotipy")
    spotify.playlist_remove_all_occurrences_of_items(created["id"], uris[:1])
    items = spotify.playlist_items(created["id"])
    assert [entry["item"]["uri"] for entry in items["items"]] == uris[1:]
    spotify.current_user_saved_tracks_add(uris[:2])
    assert spotify.current_user_saved_tracks_contains(uris[:2]) == [True, True]
