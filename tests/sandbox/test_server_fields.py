"""The ``fields`` filter of playlist answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.server_support import Raw
from transfer.sandbox.apierror import ApiError
from transfer.sandbox.fields import apply_fields, parse_fields
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

ANSWER = {"total": 2, "limit": 5, "items": [
    {"added_at": "t1", "item": {"name": "A", "album": {"name": "X", "href": "h", "id": "1"}}},
    {"added_at": "t2", "item": None},
]}


@pytest.mark.parametrize(("fields", "expected"), [
    ("total,limit", {"total": 2, "limit": 5}),
    ("items(added_at)", {"items": [{"added_at": "t1"}, {"added_at": "t2"}]}),
    ("items.item.name", {"items": [{"item": {"name": "A"}}, {"item": None}]}),
    ("items(item(album(!name,href)))", {"items": [{"item": {"album": {"href": "h"}}},
                                                   {"item": None}]}),
    ("items(item(album(!name)))", {"items": [{"item": {"album": {"href": "h", "id": "1"}}},
                                              {"item": None}]}),
    ("items(added_at),items(item(name)),total", {"total": 2, "items": [
        {"added_at": "t1", "item": {"name": "A"}}, {"added_at": "t2", "item": None}]}),
    ("nothing", {}),
])
def test_fields_keep_drop_and_drill(fields: str, expected: dict) -> None:
    assert apply_fields(ANSWER, parse_fields(fields)) == expected


@pytest.mark.parametrize("fields", ["items(added_at", "a,,b", "(x)", "a)"])
def test_malformed_fields_are_refused(fields: str) -> None:
    with pytest.raises(ApiError) as refused:
        parse_fields(fields)
    assert refused.value.status == 400


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(tiny_seed()) as running:
        yield running


def test_fields_filter_playlist_answers(server: SandboxServer) -> None:
    raw = Raw(server, "alex.old")
    page = raw("GET", "/playlists/plOwn1/items",
               params={"limit": 2, "fields": "items(added_by.id,item(uri)),next"}).json()
    assert page == {
        "items": [{"added_by": {"id": "alex.old"}, "item": {"uri": "spotify:track:tr01"}},
                  {"added_by": {"id": "alex.old"}, "item": {"uri": "spotify:track:tr02"}}],
        "next": f"{server.api_url}/playlists/plOwn1/items?offset=2&limit=2"
                "&fields=items%28added_by.id%2Citem%28uri%29%29%2Cnext",
    }
    playlist = raw("GET", "/playlists/plOwn1", params={"fields": "name,items.total"}).json()
    assert playlist == {"name": "Road trip 🚗", "items": {"total": 9}}
    assert raw("GET", "/playlists/plOwn1", params={"fields": "name("}).status_code == 400
