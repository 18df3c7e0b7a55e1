"""The adapter replayed from cassettes: paging, batching, error mapping and retries as the
recorded server answered them. The assertions hold for any library (the recording's own
totals are the reference), so the cassettes can be re-recorded against the real Spotify too,
except for the fault tests, which need the sandbox."""

from __future__ import annotations

import math

import pytest

from tests.cassette.conftest import CassetteRig
from transfer.errors import Forbidden, NotFound, OutcomeUnknown, RateLimited
from transfer.models import Category, Playlist
from transfer.sandbox.faults import Faults
from transfer.spotify import SpotifyAdapter

pytestmark = [pytest.mark.vcr, pytest.mark.block_network]

ITEMS = ("GET", "/playlists/{playlist_id}/items")


def pages(count: int) -> int:
    return max(1, math.ceil(count / 50))


def test_liked_songs_are_read_50_a_page(cassette: CassetteRig) -> None:
    adapter = cassette.adapter()
    read = list(adapter.saved_pages(Category.LIKED_SONGS))
    total = read[0].total
    assert total is not None and total > 50, "the recording needs more than one page"
    items = [item for page in read for item in page.items]
    assert len(items) == total
    assert all(len(page.items) == 50 for page in read[:-1])
    added = [item.added_at for item in items]
    assert all(moment is not None for moment in added)
    assert added == sorted(added, reverse=True), "newest first"  # type: ignore[type-var]
    assert adapter.calls[("GET", "/me/tracks")] == pages(total)


def first_page(adapter: SpotifyAdapter, category: Category) -> list[str]:
    """The URIs of the first page of a collection (one call)."""
    return [item.uri for item in next(adapter.saved_pages(category)).items]


def smallest_multi_page(playlists: list[Playlist]) -> Playlist:
    owned = [p for p in playlists if p.relation == "owned" and (p.total or 0) > 50]
    return min(owned, key=lambda playlist: playlist.total or 0)


def test_playlists_and_entries_follow_next_links(cassette: CassetteRig) -> None:
    adapter = cassette.adapter()
    playlists = list(adapter.my_playlists())
    assert {playlist.relation for playlist in playlists} >= {"owned", "followed"}
    assert all(playlist.total is None for playlist in playlists
               if playlist.relation == "followed")
    chosen = smallest_multi_page(playlists)
    entries = list(adapter.playlist_entries(chosen.id))
    assert len(entries) == chosen.total
    assert adapter.calls[ITEMS] == pages(len(entries))
    assert adapter.calls[("GET", "/me/playlists")] == pages(len(playlists))


def test_items_of_a_followed_playlist_are_forbidden(cassette: CassetteRig) -> None:
    adapter = cassette.adapter()
    followed = next(p for p in adapter.my_playlists()
                    if p.relation == "followed" and p.owner_id != "spotify")
    with pytest.raises(Forbidden):
        list(adapter.playlist_entries(followed.id))
    assert adapter.calls[ITEMS] == 1


def test_an_unknown_playlist_is_not_found(cassette: CassetteRig) -> None:
    with pytest.raises(NotFound):
        cassette.adapter().playlist("0000000000000000000000")


def test_library_writes_go_40_a_call_with_kinds_mixed(cassette: CassetteRig) -> None:
    source, target = cassette.adapter("source"), cassette.adapter("target")
    tracks = first_page(source, Category.LIKED_SONGS)[:40]
    albums = first_page(source, Category.ALBUMS)[:5]
    artists = first_page(source, Category.ARTISTS)[:5]
    mixed = [uri for group in zip(tracks[:5], albums, artists, strict=True) for uri in group]
    uris = mixed + tracks[5:]
    assert len(uris) > 40
    target.save_to_library(uris)
    assert target.library_contains(uris) == [True] * len(uris)
    target.remove_from_library(uris)
    assert target.library_contains(uris) == [False] * len(uris)
    batches = math.ceil(len(uris) / 40)
    assert target.calls[("PUT", "/me/library")] == batches
    assert target.calls[("DELETE", "/me/library")] == batches
    assert target.calls[("GET", "/me/library/contains")] == 2 * batches


def test_playlist_adds_keep_order_and_position(cassette: CassetteRig) -> None:
    source, target = cassette.adapter("source"), cassette.adapter("target")
    tracks = first_page(source, Category.LIKED_SONGS)
    playlist_id = target.create_playlist("Cassette copy", "recorded", public=False)
    target.add_items(playlist_id, tracks[:45])
    target.add_items(playlist_id, tracks[45:50], position=0)
    entries = [entry.uri for entry in target.playlist_entries(playlist_id)]
    assert entries == tracks[45:50] + tracks[:45]
    assert target.calls[("POST", "/playlists/{playlist_id}/items")] == 2
    target.remove_from_library([f"spotify:playlist:{playlist_id}"])


@pytest.mark.usefixtures("sandbox_only")
def test_429_waits_what_the_recording_asked(cassette: CassetteRig) -> None:
    adapter = cassette.adapter()
    adapter.me()
    album = first_page(adapter, Category.ALBUMS)[0]
    cassette.faults(Faults(rate_limit=2, rate_window=30))
    for _ in range(3):
        assert adapter.library_contains([album]) == [True]
    assert cassette.waits and all(1 <= wait <= 30 for wait in cassette.waits)
    assert adapter.calls[("GET", "/me/library/contains")] == 3 + len(cassette.waits)


@pytest.mark.usefixtures("sandbox_only")
def test_5xx_on_a_read_is_retried_after_a_backoff(cassette: CassetteRig) -> None:
    adapter = cassette.adapter()
    adapter.me()
    cassette.faults(Faults(error_rate=1.0, only=["GET /me/shows"]))
    cassette.on_wait.append(lambda: cassette.faults(Faults()))
    assert list(adapter.saved(Category.SHOWS))
    assert cassette.waits == [0.5]
    assert adapter.calls[("GET", "/me/shows")] == 2


@pytest.mark.usefixtures("sandbox_only")
def test_an_add_whose_answer_was_lost_is_reported_not_repeated(cassette: CassetteRig) -> None:
    target = cassette.adapter("target")
    playlist_id = target.create_playlist("Lost answer")
    cassette.faults(Faults(fail_after_apply_rate=1.0,
                           only=["POST /playlists/{playlist_id}/items"]))
    uri = first_page(cassette.adapter("source"), Category.LIKED_SONGS)[0]
    with pytest.raises(OutcomeUnknown):
        target.add_items(playlist_id, [uri])
    cassette.faults(Faults())
    assert [entry.uri for entry in target.playlist_entries(playlist_id)] == [uri]
    assert cassette.waits == []


@pytest.mark.usefixtures("sandbox_only")
def test_quota_spent_pauses_with_the_time_to_resume(cassette: CassetteRig) -> None:
    adapter = cassette.adapter()
    adapter.me()
    cassette.faults(Faults(quota=0))
    with pytest.raises(RateLimited) as caught:
        adapter.playlist_cover("0000000000000000000000")
    assert caught.value.quota
    assert caught.value.resume_at > cassette.clock.now()
    assert cassette.waits == []
