"""The sandbox's odd shapes (``--hostile-shapes``, :mod:`transfer.sandbox.shapes`): each is
served at its fixed place, and the answers depart from the OpenAPI spec there and nowhere
else: with the odd elements taken out, every answer validates."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from tests import openapi
from tests.sandbox.server_support import Raw
from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.shapes import ODD_OWNER, with_odd_shapes
from transfer.sandbox.tiny import tiny_seed

SOURCE = "alex.old"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(tiny_seed(), hostile_shapes=True) as running:
        yield running


@pytest.fixture(scope="module")
def raw(sandbox: Sandbox) -> Raw:
    return Raw(sandbox.server, SOURCE)


def _valid(path: str, body: Any) -> None:
    openapi.validate_answer("GET", path, 200, body, strict=True)


def test_the_playlist_list_holds_a_null_at_its_place_and_is_otherwise_as_the_spec_says(
    raw: Raw,
) -> None:
    page = raw("GET", "/me/playlists?limit=50").json()
    ids = [p["id"] if p else None for p in page["items"]]
    assert ids == ["plOwn1", None, "oddOwnerNull", "oddNoOwner", "oddImagesNull",
                   "oddImageUrlNull", "oddOldCover", "oddOlder", "oddHoles", "oddAllNull",
                   "plCollab", "plMika", "plEditorial", "plOwn2"]
    assert page["total"] == len(ids), "the null's slot counts"
    by_id = {p["id"]: p for p in page["items"] if p}
    assert by_id["oddOwnerNull"]["owner"]["id"] is None
    assert "owner" not in by_id["oddNoOwner"]
    assert by_id["oddImagesNull"]["images"] == [None]
    assert by_id["oddImageUrlNull"]["images"][0]["url"] is None
    old = by_id["oddOldCover"]["images"][0]["url"]
    assert "/images/pl/default/" in old and "ab67706c" not in old
    assert "items" not in by_id["oddOlder"] and by_id["oddOlder"]["tracks"]["total"] == 3
    assert by_id["plOwn1"]["tracks"] == by_id["plOwn1"]["items"], "aliases on"
    odd = ("oddOwnerNull", "oddNoOwner", "oddImagesNull", "oddImageUrlNull")
    for playlist_id in odd:
        with pytest.raises(openapi.SpecMismatch):
            _valid("/me/playlists", {**page, "items": [by_id[playlist_id]]})
    cleaned = copy.deepcopy(page)
    cleaned["items"] = [p for p in cleaned["items"] if p and p["id"] not in odd]
    _valid("/me/playlists", cleaned)


def test_entries_of_odd_shapes_and_the_older_shape(raw: Raw) -> None:
    holes = raw("GET", "/playlists/oddHoles/items?limit=50").json()
    entries = holes["items"]
    assert entries[1] is None
    assert entries[2]["added_by"]["id"] == ""
    assert all(artist["name"] is None for artist in entries[3]["item"]["artists"])
    assert "item" not in entries[4] and "track" not in entries[4]
    assert entries[0]["item"] == entries[0]["track"]
    cleaned = copy.deepcopy(holes)
    cleaned["items"] = [entries[0]]
    _valid("/playlists/oddHoles/items", cleaned)
    older = raw("GET", "/playlists/oddOlder/items?limit=50").json()
    assert all("item" not in entry and entry["track"]["uri"] for entry in older["items"])
    with pytest.raises(openapi.SpecMismatch, match="'item' is a required property"):
        _valid("/playlists/oddOlder/items", older)
    renamed = {**older, "items": [{**entry, "item": entry["track"]} for entry in older["items"]]}
    _valid("/playlists/oddOlder/items", renamed)
    every_null = raw("GET", "/playlists/oddAllNull/items?limit=50").json()
    assert every_null["items"] == [None, None, None] and every_null["total"] == 3


def test_the_old_cover_address_serves_the_uploaded_bytes(raw: Raw, sandbox: Sandbox) -> None:
    url = raw("GET", "/playlists/oddOldCover").json()["images"][0]["url"]
    answer = raw.session.get(url, timeout=5)
    assert answer.status_code == 200 and answer.content.startswith(b"\xff\xd8")
    assert raw.session.get(url[:-1] + "0", timeout=5).status_code == 404


def test_a_null_among_the_liked_songs_is_second_newest(raw: Raw) -> None:
    page = raw("GET", "/me/tracks?limit=50").json()
    assert page["items"][1] is None
    assert all(item is not None for index, item in enumerate(page["items"]) if index != 1)
    cleaned = {**page, "items": [item for item in page["items"] if item]}
    _valid("/me/tracks", cleaned)


def test_the_placement_is_the_same_every_time_and_the_seed_is_left_alone() -> None:
    seed = tiny_seed()
    once, twice = with_odd_shapes(seed), with_odd_shapes(tiny_seed())
    assert once == twice
    assert seed == tiny_seed(), "the seed given is not changed"
    assert ODD_OWNER in {user.id for user in once.users}
