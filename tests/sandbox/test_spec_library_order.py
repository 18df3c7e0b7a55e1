"""``--library-order``: how ``PUT /me/library`` dates the new items of one request among
themselves (undocumented by Spotify), every answer validated against the OpenAPI spec."""

from __future__ import annotations

import pytest

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import TARGET_USER, builtin_seed
from transfer.sandbox.library_order import LibraryOrder

pytestmark = pytest.mark.e2e

SEED = builtin_seed()
TRACKS = [f"spotify:track:{track.id}" for track in SEED.catalog.tracks if track.available]
ALBUMS = [f"spotify:album:{album.id}" for album in SEED.catalog.albums]


def _saved(sandbox: Sandbox, collection: str) -> list[str]:
    """The target's collection oldest first, as ``GET /me/<collection>`` lists it."""
    kind = collection[:-1]
    pages = sandbox.pages(f"/me/{collection}?limit=50", user=TARGET_USER)
    return [item[kind]["uri"] for page in pages for item in page["items"]][::-1]


def _saved_in(order: LibraryOrder, rng_seed: int, *batches: list[str]) -> list[str]:
    with running_sandbox(library_order=order, rng_seed=rng_seed) as sandbox:
        for uris in batches:
            answer = sandbox.call("PUT", "/me/library", user=TARGET_USER,
                                  params={"uris": ",".join(uris)})
            assert answer.status_code == 200 and answer.content == b""
        return _saved(sandbox, "tracks")


def test_kept_dates_the_items_of_one_save_in_the_order_sent() -> None:
    first, second = TRACKS[:20], TRACKS[20:40]
    assert _saved_in("kept", 0, first, second) == first + second


def test_reversed_dates_the_first_item_sent_newest() -> None:
    first, second = TRACKS[:20], TRACKS[20:40]
    assert _saved_in("reversed", 0, first, second) == first[::-1] + second[::-1]


@pytest.mark.parametrize("size", [3, 4, 40])
def test_arbitrary_is_neither_the_order_sent_nor_its_reverse_and_depends_on_the_seed(
    size: int
) -> None:
    sent = TRACKS[:size]
    orders = [tuple(_saved_in("arbitrary", rng_seed, sent)) for rng_seed in (1, 1, 2)]
    assert orders[0] == orders[1], "the same --rng-seed gives the same order"
    for order in orders:
        assert sorted(order) == sorted(sent)
        assert list(order) not in (sent, sent[::-1])
    if size == 40:
        assert orders[0] != orders[2], "another seed, another order"


def test_requests_stay_in_the_order_they_came_and_only_new_items_are_dated() -> None:
    """Across requests the later is the newer whatever the switch; an item saved again keeps
    its place; albums are dated as tracks are; follows are not affected."""
    with running_sandbox(library_order="reversed") as sandbox:
        batch = [*TRACKS[:3], ALBUMS[0], ALBUMS[1], "spotify:artist:" + SEED.catalog.artists[0].id,
                 "spotify:artist:" + SEED.catalog.artists[1].id]
        sandbox.call("PUT", "/me/library", user=TARGET_USER, params={"uris": ",".join(batch)})
        again = [TRACKS[1], TRACKS[3], TRACKS[4]]
        sandbox.call("PUT", "/me/library", user=TARGET_USER, params={"uris": ",".join(again)})
        assert _saved(sandbox, "tracks") == [TRACKS[2], TRACKS[1], TRACKS[0], TRACKS[4],
                                             TRACKS[3]]
        assert _saved(sandbox, "albums") == [ALBUMS[1], ALBUMS[0]]
        artists = sandbox.get_ok("/me/following?type=artist", user=TARGET_USER)["artists"]
        assert [artist["uri"] for artist in artists["items"]] == batch[5:]
