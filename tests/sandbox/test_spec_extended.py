"""The sandbox in ``extended`` mode (an Extended-Quota app): the endpoints Development Mode
removed answer, and their answers are validated against the spec too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import SOURCE_USER, TARGET_USER, builtin_facts, builtin_seed
from transfer.sandbox.seed import SandboxSeed

pytestmark = pytest.mark.e2e

FACTS = builtin_facts()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(mode="extended") as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def seed() -> SandboxSeed:
    return builtin_seed()


def test_me_keeps_the_fields_development_mode_lost(sandbox: Sandbox) -> None:
    me = sandbox.get_ok("/me")
    assert {"country", "email", "product", "followers"} <= me.keys()


def test_any_playlist_is_readable(sandbox: Sandbox) -> None:
    editorial = sandbox.get_ok(f"/playlists/{FACTS.editorial_playlist_ids[0]}")
    assert "items" in editorial
    followed = FACTS.followed_playlist_ids[0]
    items = sandbox.get_ok(f"/playlists/{followed}/items?limit=50")
    assert items["total"] == FACTS.playlist_sizes[followed]
    tracks = sandbox.get_ok(f"/playlists/{followed}/tracks?limit=100")
    assert tracks["limit"] == 100 and tracks["items"] == items["items"] + tracks["items"][50:]


def test_saved_tracks_with_their_dates(sandbox: Sandbox, seed: SandboxSeed) -> None:
    ids = [track.id for track in seed.catalog.tracks[:2]]
    stamped = [{"id": ids[0], "added_at": "2015-01-01T10:00:00Z"},
               {"id": ids[1], "added_at": "2016-06-01T10:00:00Z"}]
    saved = sandbox.call("PUT", "/me/tracks", user=TARGET_USER, json={"timestamped_ids": stamped})
    assert saved.status_code == 200
    liked = sandbox.get_ok("/me/tracks", user=TARGET_USER)["items"]
    assert [(item["track"]["id"], item["added_at"]) for item in liked] == [
        (ids[1], "2016-06-01T10:00:00Z"), (ids[0], "2015-01-01T10:00:00Z")]


@pytest.mark.parametrize("kind", ["track", "album", "show", "episode", "audiobook"])
def test_save_check_and_remove_by_kind(sandbox: Sandbox, seed: SandboxSeed, kind: str) -> None:
    item_id = getattr(seed.catalog, f"{kind}s")[-1].id
    path = f"/me/{kind}s"
    assert sandbox.call("PUT", path, user=TARGET_USER, params={"ids": item_id}).status_code == 200
    contains = sandbox.get_ok(f"{path}/contains", user=TARGET_USER, params={"ids": item_id})
    assert contains == [True]
    removed = sandbox.call("DELETE", path, user=TARGET_USER, params={"ids": item_id})
    assert removed.status_code == 200


def test_follow_artists_and_playlists(sandbox: Sandbox, seed: SandboxSeed) -> None:
    artist = seed.catalog.artists[-1].id
    query = {"type": "artist", "ids": artist}
    assert sandbox.call("PUT", "/me/following", user=TARGET_USER, params=query).status_code == 204
    assert sandbox.get_ok("/me/following/contains", user=TARGET_USER, params=query) == [True]
    assert sandbox.call("DELETE", "/me/following", user=TARGET_USER,
                        params=query).status_code == 204
    playlist = FACTS.editorial_playlist_ids[0]
    followers = f"/playlists/{playlist}/followers"
    assert sandbox.call("PUT", followers, user=TARGET_USER).status_code == 200
    assert sandbox.get_ok(f"{followers}/contains", user=TARGET_USER) == [True]
    assert sandbox.call("DELETE", followers, user=TARGET_USER).status_code == 200


def test_users_and_their_playlists(sandbox: Sandbox) -> None:
    assert sandbox.get_ok("/users/sam.k")["id"] == "sam.k"
    listed = sandbox.get_ok("/users/sam.k/playlists")
    assert listed["items"] and all(p["public"] for p in listed["items"])
    created = sandbox.call("POST", f"/users/{TARGET_USER}/playlists", user=TARGET_USER,
                           json={"name": "Old style"})
    assert created.status_code == 201
    mine = f"/playlists/{created.json()['id']}/tracks"
    track = f"spotify:track:{builtin_seed().catalog.tracks[0].id}"
    assert sandbox.call("POST", mine, user=TARGET_USER,
                        json={"uris": [track, track]}).status_code == 201
    assert sandbox.call("PUT", mine, user=TARGET_USER, json={
        "range_start": 0, "insert_before": 2}).status_code == 200
    assert sandbox.call("DELETE", mine, user=TARGET_USER,
                        json={"tracks": [{"uri": track}]}).status_code == 200


@pytest.mark.parametrize("kind", ["track", "album", "artist", "show", "episode", "audiobook"])
def test_batch_look_ups(sandbox: Sandbox, seed: SandboxSeed, kind: str) -> None:
    ids = [item.id for item in getattr(seed.catalog, f"{kind}s")[:3]]
    answer = sandbox.get_ok(f"/{kind}s", params={"ids": ",".join(ids)}, user=SOURCE_USER)
    assert [item["id"] for item in answer[f"{kind}s"]] == ids
