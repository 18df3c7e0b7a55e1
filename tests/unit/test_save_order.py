"""Learning the order within one save and sending the rest accordingly
(``transfer.plan.save_order``), against a simulated library that dates each request's new
items as each of the three orders would."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transfer.plan import LIBRARY_BATCH, RemoveLibraryItems, SaveLibraryItems
from transfer.plan.cost import one_per_request_calls
from transfer.plan.save_order import (
    SaveOrder,
    arrange,
    arranged,
    judge,
    probe_items,
    repair,
    unlearnt,
)

TRACKS = [f"spotify:track:t{index:03d}" for index in range(200)]
ALBUMS = [f"spotify:album:a{index:02d}" for index in range(20)]
ARTIST = "spotify:artist:ar1"


class Library:
    """Saved items oldest first, dated as ``order`` dates the new items of one kind in one
    request (as the sandbox does)."""

    def __init__(self, order: SaveOrder, rng: random.Random, held: Sequence[str] = ()) -> None:
        self.order, self.rng = order, rng
        self.items: list[str] = list(held)
        self.requests = 0

    def save(self, uris: Sequence[str]) -> None:
        self.requests += 1
        for prefix in ("spotify:track:", "spotify:album:"):
            new = [uri for uri in uris if uri not in self.items and uri.startswith(prefix)]
            if self.order is SaveOrder.REVERSED:
                new.reverse()
            elif self.order is SaveOrder.ARBITRARY and len(new) >= 3:
                original = list(new)
                while new in (original, original[::-1]):
                    self.rng.shuffle(new)
            self.items.extend(new)

    def remove(self, uris: Sequence[str]) -> None:
        self.requests += 1
        self.items = [uri for uri in self.items if uri not in uris]

    def send(self, action: object) -> None:
        if isinstance(action, RemoveLibraryItems):
            self.remove(action.uris)
        else:
            assert isinstance(action, SaveLibraryItems)
            self.save(action.uris)

    def kind(self, prefix: str) -> list[str]:
        return [uri for uri in self.items if uri.startswith(prefix)]


def _batches(uris: Sequence[str]) -> list[SaveLibraryItems]:
    return [SaveLibraryItems(uris=tuple(uris[start:start + LIBRARY_BATCH]))
            for start in range(0, len(uris), LIBRARY_BATCH)]


def _transfer(order: SaveOrder, uris: Sequence[str], held: Sequence[str] = (),
              seed: int = 0) -> Library:
    """A run: the saves as planned while the order is unknown up to the first that can teach
    it, that one read back, learnt and repaired, the rest arranged for the order learnt."""
    library = Library(order, random.Random(seed), held)
    planned = unlearnt(_batches(uris))
    probe = next((index for index, action in enumerate(planned) if probe_items(action)), None)
    for action in planned[:probe]:
        library.send(action)
    if probe is None:
        return library
    first, rest = planned[probe], planned[probe + 1:]
    assert isinstance(first, SaveLibraryItems)
    library.send(first)
    sent = probe_items(first)
    prefix = sent[0].rsplit(":", 1)[0] + ":"
    newest_first = library.kind(prefix)[::-1][:50]
    learnt = judge(sent, newest_first)
    assert learnt is order
    shown = [uri for uri in reversed(newest_first) if uri in set(sent)]
    for action in (*repair(first.uris, shown, learnt), *arranged(rest, learnt)):
        library.send(action)
    return library


@settings(max_examples=60, deadline=None)
@given(order=st.sampled_from(list(SaveOrder)), count=st.integers(0, 130),
       albums=st.integers(0, 12), held=st.integers(0, 60), seed=st.integers(0, 10_000))
def test_every_order_ends_exact_whatever_the_target_held(
    order: SaveOrder, count: int, albums: int, held: int, seed: int
) -> None:
    """Whatever the order, the songs (and the albums sharing their batches) end in the order
    sent, after what the target held, which stays as it was."""
    own = TRACKS[200 - held:] if held else []
    songs, saved_albums = TRACKS[:count], ALBUMS[:albums]
    if not songs and not saved_albums:
        return
    library = _transfer(order, [*songs, *saved_albums], held=own, seed=seed)
    assert library.kind("spotify:track:") == [*own, *songs]
    assert library.kind("spotify:album:") == saved_albums


@pytest.mark.parametrize(("order", "extra"), [(SaveOrder.KEPT, 0), (SaveOrder.REVERSED, 2)])
def test_the_repair_of_a_first_batch_costs_nothing_kept_and_two_calls_reversed(
    order: SaveOrder, extra: int
) -> None:
    library = _transfer(order, TRACKS[:120])
    assert library.requests == 3 + extra


def test_an_arbitrary_first_batch_keeps_the_songs_already_in_order_and_saves_the_rest_singly(
) -> None:
    sent = tuple(TRACKS[:6])
    shown = [sent[0], sent[1], sent[4], sent[2], sent[5], sent[3]]  # oldest first
    fixed = repair(sent, shown, SaveOrder.ARBITRARY)
    # the first four stand in their order among themselves: only the last two move
    assert fixed[0] == RemoveLibraryItems(uris=sent[4:], redo=True)
    assert [action.uris for action in fixed[1:]] == [(uri,) for uri in sent[4:]]
    assert all(action.redo for action in fixed)


def test_reversed_batches_keep_follows_as_they_are_and_arbitrary_ones_carry_them_first() -> None:
    batch = SaveLibraryItems(uris=(ARTIST, *TRACKS[:3]))
    assert arrange(batch, SaveOrder.REVERSED) == (
        SaveLibraryItems(uris=(ARTIST, TRACKS[2], TRACKS[1], TRACKS[0])),)
    assert [action.uris for action in arrange(batch, SaveOrder.ARBITRARY)] == [
        (ARTIST, TRACKS[0]), (TRACKS[1],), (TRACKS[2],)]
    assert arrange(batch, SaveOrder.KEPT) == arrange(batch, None) == (batch,)
    assert one_per_request_calls([batch, SaveLibraryItems(uris=(ARTIST,))]) == 2
    mixed = SaveLibraryItems(uris=(*TRACKS[:2], *ALBUMS[:3], "spotify:episode:e1"))
    assert [action.uris for action in arrange(mixed, SaveOrder.ARBITRARY)] == [
        (TRACKS[0], ALBUMS[0], "spotify:episode:e1"), (TRACKS[1], ALBUMS[1]), (ALBUMS[2],)]


def test_judging_compares_only_the_songs_sent_and_needs_three_of_them() -> None:
    sent = TRACKS[:4]
    own = TRACKS[100:110]
    assert judge(sent, [*sent[::-1], *own]) is SaveOrder.KEPT
    assert judge(sent, [*sent, *own]) is SaveOrder.REVERSED
    assert judge(sent, [sent[1], sent[3], sent[0], sent[2], *own]) is SaveOrder.ARBITRARY
    assert judge(sent, [sent[1], *own]) is None
    assert probe_items(SaveLibraryItems(uris=(ARTIST, *TRACKS[:2]))) == ()
    assert probe_items(SaveLibraryItems(uris=tuple(TRACKS[:3]), redo=True)) == ()


def test_with_too_few_songs_to_learn_from_they_go_one_per_request_and_albums_teach_the_order(
) -> None:
    few = SaveLibraryItems(uris=(ARTIST, *TRACKS[:2], ALBUMS[0]))
    assert [action.uris for action in unlearnt([few])] == [
        (ARTIST, TRACKS[0], ALBUMS[0]), (TRACKS[1],)]
    mixed = SaveLibraryItems(uris=(*TRACKS[:2], *ALBUMS[:5]))
    assert probe_items(mixed) == tuple(ALBUMS[:5])
    assert unlearnt([mixed]) == [mixed]
    library = _transfer(SaveOrder.REVERSED, [*TRACKS[:2], *ALBUMS[:5]])
    assert library.kind("spotify:track:") == TRACKS[:2]
    assert library.kind("spotify:album:") == ALBUMS[:5]
