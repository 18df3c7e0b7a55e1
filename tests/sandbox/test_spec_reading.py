"""Reading endpoints of the sandbox, every answer validated against the OpenAPI spec.

Each request goes through ``SpecSession``, whose hook validates the answer in strict mode; the
tests add what the spec cannot say: Development-Mode specifics and agreement with the seed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import SOURCE_USER, TARGET_USER, builtin_facts, builtin_seed
from transfer.sandbox.seed_facts import SeedFacts

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def facts() -> SeedFacts:
    return builtin_facts()


def _assert_absolute(sandbox: Sandbox, page: dict[str, Any]) -> None:
    for key in ("href", "next", "previous"):
        if page.get(key) is not None:
            assert page[key].startswith(sandbox.api + "/"), page[key]


def test_me(sandbox: Sandbox) -> None:
    me = sandbox.get_ok("/me")
    assert me["id"] == SOURCE_USER
    assert me["display_name"] == "Alex (old account)"
    for gone in ("country", "email", "product", "followers"):
        assert gone not in me
    assert sandbox.get_ok("/me", user=TARGET_USER)["id"] == TARGET_USER


def test_my_playlists_pages_and_item_summaries(sandbox: Sandbox, facts: SeedFacts) -> None:
    seen: list[dict[str, Any]] = []
    pages = list(sandbox.pages("/me/playlists?limit=7"))
    for page in pages:
        _assert_absolute(sandbox, page)
        assert page["total"] == len(facts.playlist_ids)
        seen += page["items"]
    assert len(pages) > 1 and pages[1]["previous"] is not None
    assert [playlist["id"] for playlist in seen] == list(facts.playlist_ids)
    for playlist in seen:
        readable = playlist["id"] in facts.readable_playlist_ids
        assert ("items" in playlist) == readable, playlist["name"]
        if readable:
            assert playlist["items"]["total"] == facts.playlist_sizes[playlist["id"]]
            assert playlist["items"]["href"] == (
                f"{sandbox.api}/playlists/{playlist['id']}/items"
            )


def test_my_playlists_default_and_maximum_limits(sandbox: Sandbox) -> None:
    assert sandbox.get_ok("/me/playlists")["limit"] == 20
    assert len(sandbox.get_ok("/me/playlists?limit=50")["items"]) <= 50
    assert sandbox.get_ok("/me/playlists?limit=5", user=TARGET_USER)["items"] == []


@pytest.mark.parametrize("which", ["owned", "collaborating", "followed", "big"])
def test_one_playlist(sandbox: Sandbox, facts: SeedFacts, which: str) -> None:
    assert facts.largest_playlist_id is not None
    playlist_id = {
        "owned": facts.owned_playlist_ids[0],
        "collaborating": facts.collaborating_playlist_ids[0],
        "followed": next(pid for pid in facts.followed_playlist_ids
                         if pid not in facts.editorial_playlist_ids),
        "big": facts.largest_playlist_id,
    }[which]
    playlist = sandbox.get_ok(f"/playlists/{playlist_id}")
    assert playlist["id"] == playlist_id
    if which == "followed":
        assert "items" not in playlist and "tracks" not in playlist
        return
    summary = playlist["items"]
    _assert_absolute(sandbox, summary)
    assert summary["total"] == facts.playlist_sizes[playlist_id]
    assert all("item" in entry for entry in summary["items"])


def test_editorial_playlists_are_not_found_in_development_mode(
    sandbox: Sandbox, facts: SeedFacts
) -> None:
    answer = sandbox.get(f"/playlists/{facts.editorial_playlist_ids[0]}")
    assert answer.status_code == 404


def _all_entries(
    sandbox: Sandbox, playlist_id: str, user: str = SOURCE_USER, validate: bool = True
) -> list[Any]:
    entries: list[Any] = []
    path = f"/playlists/{playlist_id}/items?limit=50&additional_types=track,episode"
    for page in sandbox.pages(path, user=user, validate=validate):
        _assert_absolute(sandbox, page)
        entries += page["items"]
    return entries


def test_items_of_the_largest_playlist_page_to_the_end(
    sandbox: Sandbox, facts: SeedFacts
) -> None:
    assert facts.largest_playlist_id is not None
    entries = _all_entries(sandbox, facts.largest_playlist_id, validate=False)
    assert len(entries) == facts.playlist_sizes[facts.largest_playlist_id]
    kind_pages = {index // 50 for index, entry in enumerate(entries)
                  if entry["is_local"] or not entry["item"] or entry["item"]["type"] != "track"}
    for page in sorted(kind_pages | {len(entries) // 50}):  # validated: each kind, the last
        sandbox.get_ok(f"/playlists/{facts.largest_playlist_id}/items"
                       f"?limit=50&offset={page * 50}&additional_types=track,episode")
    kinds = {entry["item"]["type"] if entry["item"] else None for entry in entries}
    assert kinds == {"track", "episode", None}


def test_entries_carry_item_and_no_deprecated_alias_by_default(
    sandbox: Sandbox, facts: SeedFacts
) -> None:
    entries = _all_entries(sandbox, facts.episode_playlist_ids[0])
    assert entries
    assert all("track" not in entry for entry in entries)
    assert any(entry["item"] and entry["item"]["type"] == "episode" for entry in entries)
    listed = sandbox.get_ok("/me/playlists?limit=50")["items"]
    assert all("items" in p or p["owner"]["id"] != facts.user_id for p in listed)
    assert all("tracks" not in p for p in listed)


def test_the_deprecated_aliases_as_the_spec_gives_them_when_switched_on(
    facts: SeedFacts,
) -> None:
    with running_sandbox(aliases=True) as sandbox:
        playlist_id = facts.episode_playlist_ids[0]
        entries = sandbox.get_ok(f"/playlists/{playlist_id}/items?limit=50"
                                 "&additional_types=track,episode")["items"]
        assert entries and all(entry["track"] == entry["item"] for entry in entries)
        listed = sandbox.get_ok("/me/playlists?limit=50")["items"]
        owned = [p for p in listed if p["owner"]["id"] == facts.user_id]
        assert owned and all(p["tracks"] == p["items"] for p in owned)
        full = sandbox.get_ok(f"/playlists/{playlist_id}")
        assert full["tracks"] == full["items"]


def test_local_files_and_withdrawn_tracks(sandbox: Sandbox, facts: SeedFacts) -> None:
    local = [e for e in _all_entries(sandbox, facts.local_file_playlist_ids[0]) if e["is_local"]]
    assert local
    for entry in local:
        assert entry["item"]["uri"].startswith("spotify:local:")
        assert entry["item"]["id"] is None
    withdrawn = _all_entries(sandbox, facts.unavailable_playlist_ids[0])
    assert any(entry["item"] is None and not entry["is_local"] for entry in withdrawn)


def test_items_of_a_collaboration_are_readable(sandbox: Sandbox, facts: SeedFacts) -> None:
    playlist_id = facts.collaborating_playlist_ids[0]
    entries = _all_entries(sandbox, playlist_id)
    assert len(entries) == facts.playlist_sizes[playlist_id]
    assert {entry["added_by"]["id"] for entry in entries} >= {SOURCE_USER}


def test_items_pages_keep_their_order(sandbox: Sandbox, facts: SeedFacts) -> None:
    playlist_id = next(pid for pid, size in facts.playlist_sizes.items() if size == 101
                       and pid in facts.owned_playlist_ids)
    first = sandbox.get_ok(f"/playlists/{playlist_id}/items?limit=50&offset=0")
    last = sandbox.get_ok(f"/playlists/{playlist_id}/items?limit=50&offset=100")
    assert len(first["items"]) == 50 and first["previous"] is None
    assert len(last["items"]) == 1 and last["next"] is None
    assert last["previous"] is not None
    seed = builtin_seed()
    playlist = next(p for p in seed.playlists if p.id == playlist_id)
    assert last["items"][0]["added_at"] == playlist.entries[100].added_at


def test_covers(sandbox: Sandbox, facts: SeedFacts) -> None:
    custom = sandbox.get_ok(f"/playlists/{facts.custom_cover_playlist_ids[0]}/images")
    assert len(custom) == 1
    assert custom[0]["url"].rsplit("/", 1)[1].startswith("ab67706c")
    image = sandbox.session.get(custom[0]["url"])
    assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"
    assert sandbox.get_ok(f"/playlists/{facts.empty_playlist_ids[0]}/images") == []
    plain = next(pid for pid in facts.owned_playlist_ids
                 if pid not in facts.custom_cover_playlist_ids
                 and facts.playlist_sizes[pid] >= 50)
    mosaic = sandbox.get_ok(f"/playlists/{plain}/images")
    assert [image["width"] for image in mosaic] == [640, 300, 60]
    assert not any(image["url"].rsplit("/", 1)[1].startswith("ab67706c") for image in mosaic)


@pytest.mark.parametrize(
    ("path", "key", "count"),
    [("/me/tracks", "track", "liked_songs"), ("/me/albums", "album", "saved_albums"),
     ("/me/shows", "show", "saved_shows"), ("/me/episodes", "episode", "saved_episodes"),
     ("/me/audiobooks", "audiobook", "saved_audiobooks")],
)
def test_saved_collections_newest_first(
    sandbox: Sandbox, facts: SeedFacts, path: str, key: str, count: str
) -> None:
    first = sandbox.get_ok(f"{path}?limit=50")
    _assert_absolute(sandbox, first)
    assert first["total"] == getattr(facts, count)
    stamps = [item["added_at"] for item in first["items"]]
    assert stamps == sorted(stamps, reverse=True)
    assert all(key in item for item in first["items"])
    last_offset = max(0, first["total"] - 1)
    last = sandbox.get_ok(f"{path}?limit=50&offset={last_offset}")
    assert last["next"] is None and len(last["items"]) == 1


def test_followed_artists_by_cursor(sandbox: Sandbox, facts: SeedFacts) -> None:
    ids: list[str] = []
    url: str | None = "/me/following?type=artist&limit=50"
    while url:
        page = sandbox.get_ok(url)["artists"]
        assert page["total"] == facts.followed_artists
        ids += [artist["id"] for artist in page["items"]]
        url = page["next"]
        if url:
            assert url.startswith(sandbox.api + "/")
            assert page["cursors"]["after"] == ids[-1]
    assert len(ids) == len(set(ids)) == facts.followed_artists


def test_library_contains_mixes_kinds(sandbox: Sandbox, facts: SeedFacts) -> None:
    seed = builtin_seed()
    library = seed.libraries[SOURCE_USER]
    saved = [f"spotify:track:{library.tracks[0].id}", f"spotify:album:{library.albums[0].id}",
             f"spotify:show:{library.shows[0].id}", f"spotify:episode:{library.episodes[0].id}",
             f"spotify:audiobook:{library.audiobooks[0].id}",
             f"spotify:artist:{library.artists[0]}",
             f"spotify:playlist:{facts.followed_playlist_ids[0]}"]
    liked = {ref.id for ref in library.tracks}
    unsaved = [f"spotify:track:{next(t.id for t in seed.catalog.tracks if t.id not in liked)}"]
    answer = sandbox.get_ok("/me/library/contains", params={"uris": ",".join(saved + unsaved)})
    assert answer == [True] * len(saved) + [False]


def test_spotipy_reads_through_the_validating_session(
    sandbox: Sandbox, facts: SeedFacts
) -> None:
    spotify = sandbox.spotify()
    assert spotify.me()["id"] == SOURCE_USER
    playlists = spotify.current_user_playlists(limit=50)
    assert playlists["total"] == len(facts.playlist_ids)
    saved = spotify.current_user_saved_tracks(limit=50)
    following = spotify.next(saved)
    assert following is not None and following["offset"] == 50
    items = spotify.playlist_items(facts.owned_playlist_ids[1], limit=50)
    assert items["total"] == facts.playlist_sizes[facts.owned_playlist_ids[1]]
    shows = spotify.current_user_saved_shows(limit=50)
    assert shows["total"] == facts.saved_shows
    artists = spotify.current_user_followed_artists(limit=50)["artists"]
    assert len(list(itertools.islice(artists["items"], 50))) == min(50, facts.followed_artists)


def test_the_fields_filter(sandbox: Sandbox, facts: SeedFacts) -> None:
    playlist_id = facts.owned_playlist_ids[3]
    page = sandbox.get_ok(f"/playlists/{playlist_id}/items?limit=2&fields=total,limit")
    assert page == {"total": facts.playlist_sizes[playlist_id], "limit": 2}
    page = sandbox.get_ok(
        f"/playlists/{playlist_id}/items?limit=2&fields=items(added_at,item(name))"
    )
    assert set(page) == {"items"}
    assert all(set(entry) == {"added_at", "item"} and set(entry["item"]) == {"name"}
               for entry in page["items"])
    playlist = sandbox.get_ok(f"/playlists/{playlist_id}?fields=name,description")
    assert set(playlist) == {"name", "description"}
