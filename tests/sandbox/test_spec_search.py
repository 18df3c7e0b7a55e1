"""``GET /search`` as a Development-Mode app meets it, every answer validated against the spec:
field filters, the limit of 10, paging through ``next``, every type, and the 400s."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.routes_search import TYPES
from transfer.sandbox.seed import SandboxSeed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def seed() -> SandboxSeed:
    return builtin_seed()


def _search(sandbox: Sandbox, q: str, kind: str = "track", extra: str = "") -> dict:
    return sandbox.get_ok(f"/search?q={quote(q)}&type={kind}{extra}")


def test_a_track_is_found_by_its_title_and_artist_filters(sandbox: Sandbox, seed: SandboxSeed
                                                          ) -> None:
    artists = {artist.id: artist.name for artist in seed.catalog.artists}
    albums = {album.id: album.name for album in seed.catalog.albums}
    for track in seed.catalog.tracks[:40:7]:
        artist = artists[track.artist_ids[0]]
        found = _search(sandbox, f'track:"{track.name}" artist:"{artist}"', extra="&limit=10")
        tracks = found["tracks"]
        assert set(found) == {"tracks"} and tracks["limit"] == 10
        assert track.id in [item["id"] for item in tracks["items"]]
        for item in tracks["items"]:  # every hit holds every word of both filters
            assert set(track.name.lower().split()) <= set(item["name"].lower().split())
        album = _search(sandbox, f'track:"{track.name}" album:"{albums[track.album_id]}"')
        assert track.id in [item["id"] for item in album["tracks"]["items"]]


def test_exact_titles_come_first_and_case_and_accents_do_not_matter(
    sandbox: Sandbox, seed: SandboxSeed
) -> None:
    track = seed.catalog.tracks[3]
    shouted = track.name.upper()
    items = _search(sandbox, f"track:{shouted!r}".replace("'", '"'))["tracks"]["items"]
    assert items and items[0]["name"].lower() == track.name.lower()


def test_nothing_found_is_an_empty_page(sandbox: Sandbox) -> None:
    tracks = _search(sandbox, 'track:"no such title anywhere" artist:"nobody"')["tracks"]
    assert tracks["items"] == [] and tracks["total"] == 0 and tracks["next"] is None


def test_paging_follows_next_with_the_query_kept(sandbox: Sandbox, seed: SandboxSeed) -> None:
    artist = max(seed.catalog.artists,
                 key=lambda a: sum(a.id in t.artist_ids for t in seed.catalog.tracks))
    expected = sum(artist.id in t.artist_ids and t.available for t in seed.catalog.tracks)
    pages = list(sandbox.pages(f"/search?q={quote(f'artist:{chr(34)}{artist.name}{chr(34)}')}"
                               "&type=track&limit=3", key="tracks"))
    seen = [item["id"] for page in pages for item in page["items"]]
    assert len(seen) == len(set(seen)) and len(seen) >= min(expected, 3)
    assert pages[0]["total"] == len(seen)


@pytest.mark.parametrize("kind", TYPES)
def test_every_type_answers_its_paging_object(sandbox: Sandbox, seed: SandboxSeed, kind: str
                                               ) -> None:
    names = {"album": seed.catalog.albums[0].name, "artist": seed.catalog.artists[0].name,
             "track": seed.catalog.tracks[0].name, "show": seed.catalog.shows[0].name,
             "episode": seed.catalog.episodes[0].name,
             "audiobook": seed.catalog.audiobooks[0].name,
             "playlist": next(p.name for p in seed.playlists if p.public)}
    found = _search(sandbox, names[kind], kind)[f"{kind}s"]
    assert found["total"] >= 1 and found["items"]


def test_several_types_at_once_and_filters_that_do_not_apply(sandbox: Sandbox,
                                                             seed: SandboxSeed) -> None:
    name = seed.catalog.artists[0].name
    both = _search(sandbox, name, "artist,track")
    assert set(both) == {"artists", "tracks"}
    shows = _search(sandbox, f'track:"{seed.catalog.tracks[0].name}"', "show")
    assert shows["shows"]["total"] == 0  # the track filter does not apply to shows


@pytest.mark.parametrize("query", [
    "type=track", "q=&type=track", "q=abc", "q=abc&type=song", "q=abc&type=track&limit=11",
    "q=abc&type=track&limit=0", "q=abc&type=track&offset=1001",
])
def test_400_for_a_bad_search(sandbox: Sandbox, query: str) -> None:
    answer = sandbox.get(f"/search?{query}")
    assert answer.status_code == 400
    assert answer.json()["error"]["status"] == 400
