"""The OpenAPI test helper rejects what the spec does not allow (and accepts what it does)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests import openapi
from tests.openapi import SpecMismatch, validate_answer, validate_response

API = "http://127.0.0.1:9/v1"


@pytest.fixture(autouse=True)
def _spec() -> None:
    openapi.load_spec()  # skips when the spec is absent


def _paging(items: list[Any], **overrides: Any) -> dict[str, Any]:
    page = {"href": f"{API}/x", "items": items, "limit": 50, "next": None, "offset": 0,
            "previous": None, "total": len(items)}
    return {**page, **overrides}


def _image() -> dict[str, Any]:
    return {"url": "http://127.0.0.1:9/image/ab67616d0000b273aa", "height": 640, "width": 640}


def _album() -> dict[str, Any]:
    return {
        "album_type": "album", "total_tracks": 1, "external_urls": {"spotify": "x"},
        "href": "x", "id": "a", "images": [_image()], "name": "A", "release_date": "2020-01-01",
        "release_date_precision": "day", "type": "album", "uri": "spotify:album:a",
        "artists": [{"id": "r", "name": "R", "type": "artist", "uri": "spotify:artist:r",
                     "href": "x", "external_urls": {"spotify": "x"}}],
    }


def _track() -> dict[str, Any]:
    return {"album": _album(), "artists": _album()["artists"], "disc_number": 1,
            "duration_ms": 1000, "explicit": False, "external_urls": {"spotify": "x"},
            "href": "x", "id": "t", "name": "T", "track_number": 1, "type": "track",
            "uri": "spotify:track:t", "is_local": False}


def _show() -> dict[str, Any]:
    return {"copyrights": [], "description": "", "explicit": False, "external_urls": {},
            "href": "x", "html_description": "", "id": "s", "images": [],
            "is_externally_hosted": False, "languages": ["en"], "media_type": "audio",
            "name": "S", "total_episodes": 1, "type": "show", "uri": "spotify:show:s"}


def _episode() -> dict[str, Any]:
    return {"audio_preview_url": None, "description": "", "html_description": "",
            "duration_ms": 1, "explicit": False, "external_urls": {"spotify": "x"},
            "href": "x", "id": "e",
            "images": [], "is_externally_hosted": False, "is_playable": True,
            "languages": ["en"], "name": "E", "release_date": "2024-01-01",
            "release_date_precision": "day", "type": "episode", "uri": "spotify:episode:e",
            "show": _show()}


def _entry(item: dict[str, Any] | None) -> dict[str, Any]:
    added_by = {"id": "u", "type": "user", "href": "x", "uri": "spotify:user:u",
                "external_urls": {"spotify": "x"}}
    return {"added_at": "2021-03-04T05:06:07Z", "added_by": added_by, "is_local": False,
            "item": item, "track": item}


def _simplified_playlist(**overrides: Any) -> dict[str, Any]:
    owner = {"id": "u", "type": "user", "display_name": None, "href": "x",
             "external_urls": {"spotify": "x"}, "uri": "spotify:user:u"}
    playlist = {"collaborative": False, "description": "", "external_urls": {"spotify": "x"},
                "href": "x", "id": "p", "images": [], "name": "P", "owner": owner,
                "public": True, "snapshot_id": "s", "type": "playlist", "uri": "spotify:playlist:p"}
    return {**playlist, **overrides}


# accepted ------------------------------------------------------------------------------------


def test_valid_answers_pass() -> None:
    validate_answer("GET", "/v1/me/tracks", 200,
                    _paging([{"added_at": "2020-01-01T00:00:00Z", "track": _track()}]))
    validate_answer("GET", "/playlists/p/items", 200,
                    _paging([_entry(_track()), _entry(_episode())], next=f"{API}/x?offset=2"))
    validate_answer("GET", "/v1/me/library/contains", 200, [True, False])
    validate_answer("POST", "/v1/playlists/p/items", 201, {"snapshot_id": "abc"})


def test_unavailable_entries_may_be_null_as_the_spec_text_says() -> None:
    validate_answer("GET", "/v1/playlists/p/items", 200, _paging([_entry(None)]))


def test_deprecated_required_fields_may_be_missing() -> None:
    album = {**_album(), "tracks": _paging([]), "copyrights": [], "external_ids": {},
             "genres": []}  # no label, popularity, available_markets: removed in 2026
    validate_answer("GET", "/v1/me/albums", 200,
                    _paging([{"added_at": "2020-01-01T00:00:00Z", "album": album}]))


def test_library_400_is_the_regular_wrapped_error() -> None:
    error = {"error": {"status": 400, "message": "Too many ids requested"}}
    validate_answer("PUT", "/v1/me/library", 400, error)
    with pytest.raises(SpecMismatch):
        validate_answer("PUT", "/v1/me/library", 400, error["error"])


def test_allow_listed_statuses_pass_where_they_apply() -> None:
    error = {"error": {"status": 0, "message": "m"}}
    for status in (400, 404, 502):
        error["error"]["status"] = status
        validate_answer("GET", "/v1/playlists/p/items", status, error)


# rejected ------------------------------------------------------------------------------------


def test_a_missing_required_field_is_rejected() -> None:
    page = _paging([])
    del page["total"]
    with pytest.raises(SpecMismatch, match="'total' is a required property"):
        validate_answer("GET", "/v1/me/tracks", 200, page)


def test_a_wrong_type_is_rejected() -> None:
    with pytest.raises(SpecMismatch, match="at limit"):
        validate_answer("GET", "/v1/me/tracks", 200, _paging([], limit="50"))
    with pytest.raises(SpecMismatch, match="is not of type 'boolean'"):
        validate_answer("GET", "/v1/me/library/contains", 200, [True, "yes"])


def test_a_wrong_type_deep_inside_refs_is_rejected() -> None:
    track = _track()
    track["album"]["images"][0]["height"] = "640"
    with pytest.raises(SpecMismatch, match="at items/0/item"):
        validate_answer("GET", "/v1/playlists/p/items", 200, _paging([_entry(track)]))


def test_null_only_where_the_spec_says_nullable() -> None:
    validate_answer("GET", "/v1/me/tracks", 200, _paging([], previous=None))
    with pytest.raises(SpecMismatch, match="at href"):
        validate_answer("GET", "/v1/me/tracks", 200, _paging([], href=None))
    with pytest.raises(SpecMismatch, match="at items/0/name"):
        validate_answer("GET", "/v1/me/playlists", 200,
                        _paging([_simplified_playlist(name=None)]))
    validate_answer("GET", "/v1/me/playlists", 200,  # its text: "otherwise `null`"
                    _paging([_simplified_playlist(description=None)]))


def test_an_item_of_the_wrong_kind_is_rejected() -> None:
    with pytest.raises(SpecMismatch, match="at items/0/item"):
        validate_answer("GET", "/v1/playlists/p/items", 200,
                        _paging([_entry({**_track(), "type": "album"})]))


def test_a_bad_date_time_is_rejected() -> None:
    entry = {"added_at": "last tuesday", "track": _track()}
    with pytest.raises(SpecMismatch, match="date-time"):
        validate_answer("GET", "/v1/me/tracks", 200, _paging([entry]))


def test_an_undocumented_status_is_rejected() -> None:
    with pytest.raises(SpecMismatch, match="status 200 is not documented"):
        validate_answer("POST", "/v1/me/playlists", 200, _simplified_playlist())
    with pytest.raises(SpecMismatch, match="status 418"):
        validate_answer("GET", "/v1/me", 418, {"error": {"status": 418, "message": "teapot"}})


def test_allow_listed_statuses_only_where_they_apply() -> None:
    not_found = {"error": {"status": 404, "message": "Not found"}}
    with pytest.raises(SpecMismatch, match="status 404 is not documented"):
        validate_answer("GET", "/v1/me", 404, not_found)  # no id in the path
    bad = {"error": {"status": 400, "message": "Bad request"}}
    with pytest.raises(SpecMismatch, match="status 400 is not documented"):
        validate_answer("GET", "/v1/me", 400, bad)  # takes no input


def test_an_error_body_must_be_wrapped() -> None:
    with pytest.raises(SpecMismatch, match="'error' is a required property"):
        validate_answer("GET", "/v1/me", 401, {"status": 401, "message": "expired"})
    with pytest.raises(SpecMismatch, match="at error/status"):
        validate_answer("GET", "/v1/me", 401, {"error": {"status": 200, "message": "x"}})


def test_a_body_where_the_spec_documents_none_is_rejected() -> None:
    validate_answer("PUT", "/v1/me/library", 200, None, raw_body=b"")
    with pytest.raises(SpecMismatch, match="documents no body"):
        validate_answer("PUT", "/v1/me/library", 200, {}, raw_body=b"{}")


def test_a_non_json_content_type_is_rejected() -> None:
    with pytest.raises(SpecMismatch, match="content type"):
        validate_answer("GET", "/v1/me/library/contains", 200, [True], content_type="text/html")


def test_an_unknown_path_or_method_is_rejected() -> None:
    with pytest.raises(SpecMismatch, match="no path"):
        validate_answer("GET", "/v1/me/nothing/here", 200, {})
    with pytest.raises(SpecMismatch, match="no operation"):
        validate_answer("PATCH", "/v1/me", 200, {})


def test_strict_mode_requires_every_documented_field() -> None:
    playlist = _simplified_playlist()
    del playlist["snapshot_id"]
    validate_answer("GET", "/v1/me/playlists", 200, _paging([playlist]))
    with pytest.raises(SpecMismatch, match="'snapshot_id' is a required property"):
        validate_answer("GET", "/v1/me/playlists", 200, _paging([playlist]), strict=True)
    # the item summary is conditional in Development Mode
    validate_answer("GET", "/v1/me/playlists", 200, _paging([_simplified_playlist()]),
                    strict=True)


# templates, responses, tokens ----------------------------------------------------------------


def test_paths_map_to_the_most_literal_template() -> None:
    assert openapi.find_template("/me/playlists") == "/me/playlists"
    assert openapi.find_template("/playlists/abc/items") == "/playlists/{playlist_id}/items"
    assert openapi.api_path("http://h:1/v1/me/tracks?limit=2") == "/me/tracks"


def _response(method: str, url: str, status: int, body: bytes, content_type: str) -> (
    requests.Response
):
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = content_type
    response.request = requests.Request(method, url).prepare()
    return response


def test_validate_response_reads_a_requests_response() -> None:
    body = json.dumps([True]).encode()
    operation = validate_response(
        _response("GET", f"{API}/me/library/contains?uris=x", 200, body, "application/json")
    )
    assert operation.template == "/me/library/contains"
    with pytest.raises(SpecMismatch, match="not JSON"):
        validate_response(_response("GET", f"{API}/me", 200, b"<html>", "text/html"))


def test_token_answers() -> None:
    token = {"access_token": "a", "token_type": "Bearer", "expires_in": 3600,
             "refresh_token": "r", "scope": "user-library-read playlist-read-private"}
    url = "http://127.0.0.1:9/api/token"
    ok = openapi.validate_token_response(
        _response("POST", url, 200, json.dumps(token).encode(), "application/json")
    )
    assert ok["access_token"] == "a"
    for broken in ({**token, "scope": "user-read-everything"}, {**token, "expires_in": "1h"},
                   {k: v for k, v in token.items() if k != "token_type"}):
        with pytest.raises(SpecMismatch):
            openapi.validate_token_response(
                _response("POST", url, 200, json.dumps(broken).encode(), "application/json")
            )
    error = {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    openapi.validate_token_response(
        _response("POST", url, 400, json.dumps(error).encode(), "application/json")
    )
    with pytest.raises(SpecMismatch):
        openapi.validate_token_response(_response(
            "POST", url, 400, json.dumps({"error": "nope"}).encode(), "application/json"))
    with pytest.raises(SpecMismatch, match="token endpoint at"):
        openapi.validate_token_response(_response(
            "POST", "http://127.0.0.1:9/token", 200, json.dumps(token).encode(),
            "application/json"))


def test_a_missing_spec_skips_with_a_reason(monkeypatch: pytest.MonkeyPatch,
                                            tmp_path: Path) -> None:
    monkeypatch.setattr(openapi, "SPEC_PATH", tmp_path / "absent.yml")
    with pytest.raises(pytest.skip.Exception, match="OpenAPI spec is not at"):
        openapi.load_spec()


def _local_track(is_local: bool = True) -> dict[str, Any]:
    links: dict[str, Any] = {"external_urls": {}, "href": None, "id": None, "uri": None}
    album: dict[str, Any] = {
        "album_type": None, "total_tracks": None, **links, "images": [], "name": "Tape",
        "release_date": None, "release_date_precision": None, "type": "album", "artists": [],
    }
    return {"album": album, "artists": [{**links, "name": "", "type": "artist"}],
            "disc_number": 0, "duration_ms": 1000, "explicit": False, "external_ids": {},
            **links, "uri": "spotify:local:::Demo:1", "is_local": is_local, "name": "Demo",
            "preview_url": None, "track_number": 0, "type": "track"}


def test_local_files_may_have_null_fields_but_only_when_local() -> None:
    entry = {**_entry(_local_track()), "is_local": True}
    validate_answer("GET", "/v1/playlists/p/items", 200, _paging([entry]), strict=True)
    with pytest.raises(SpecMismatch, match="does not match the spec"):
        validate_answer("GET", "/v1/playlists/p/items", 200,
                        _paging([_entry(_local_track(is_local=False))]))


def test_strict_mode_takes_partial_external_ids_and_names_the_meant_branch() -> None:
    track = {**_track(), "external_ids": {"isrc": "QZ1"}, "preview_url": None}
    entry = _entry(track)
    validate_answer("GET", "/v1/playlists/p/items", 200, _paging([entry]), strict=True)
    del track["duration_ms"]
    with pytest.raises(SpecMismatch, match="'duration_ms' is a required property") as raised:
        validate_answer("GET", "/v1/playlists/p/items", 200, _paging([entry]), strict=True)
    assert "show" not in str(raised.value)  # the episode branch is not the one meant


def test_partial_answers_need_no_field_but_keep_their_types() -> None:
    validate_answer("GET", "/v1/playlists/p/items", 200,
                    {"items": [{"added_at": "2020-01-01T00:00:00Z"}]}, partial=True)
    with pytest.raises(SpecMismatch, match="at items/0/added_at"):
        validate_answer("GET", "/v1/playlists/p/items", 200, {"items": [{"added_at": 5}]},
                        partial=True)
    with pytest.raises(SpecMismatch, match="required property"):
        validate_answer("GET", "/v1/playlists/p/items", 200, {"items": []})
