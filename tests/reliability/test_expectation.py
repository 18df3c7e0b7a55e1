"""The exactness check itself: it passes after a clean transfer, also for a target that had
things of its own, and it catches each way a target can be wrong."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from tests.reliability.expectation import TargetView, differences, expected_target
from tests.reliability.rig import Rig, make_rig
from tests.reliability.seeds import OWN_ID, seed_with_a_target_library
from transfer.sandbox.covers import cover_base64
from transfer.sandbox.seed import Cover, SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed
from transfer.spotify import SpotifyAdapter

T = TypeVar("T")


def transferred(seed: SandboxSeed, tmp_path: Path) -> tuple[SandboxServer, Rig]:
    server = SandboxServer(seed, port=0).start()
    rig = make_rig(server, tmp_path / "home")
    rig.run_once()
    return server, rig


@pytest.mark.parametrize("seed", [tiny_seed, seed_with_a_target_library])
def test_a_clean_transfer_passes(seed: Callable[[], SandboxSeed], tmp_path: Path) -> None:
    server, rig = transferred(seed(), tmp_path)
    try:
        rig.assert_exact(tmp_path / "checker")
    finally:
        server.stop()


def _copy(target: SpotifyAdapter, name: str) -> str:
    return next(p.id for p in target.my_playlists() if p.name == name and p.id != OWN_ID)


def test_an_item_added_twice_to_a_copy_is_caught_through_the_export(tmp_path: Path) -> None:
    server, rig = transferred(seed_with_a_target_library(), tmp_path)
    try:
        target = rig.adapter("target")
        target.add_items(_copy(target, "Road trip 🚗"), ["spotify:track:tr01"])
        with pytest.raises(AssertionError, match="8 items instead of 7"):
            rig.assert_exact(tmp_path / "checker")
    finally:
        server.stop()


def _with_playlist(view: TargetView, number: int, **changes: Any) -> TargetView:
    playlists = list(view.playlists)
    playlists[number] = replace(playlists[number], **changes)
    return replace(view, playlists=tuple(playlists))


def _swapped(items: tuple[T, ...]) -> tuple[T, ...]:
    return (items[1], items[0], *items[2:])


MUTATIONS: dict[str, Callable[[TargetView], TargetView]] = {
    "an item missing": lambda view: _with_playlist(view, 0, items=view.playlists[0].items[1:]),
    "an item doubled": lambda view: _with_playlist(
        view, 0, items=(*view.playlists[0].items, view.playlists[0].items[0])),
    "items out of order": lambda view: _with_playlist(
        view, 0, items=_swapped(view.playlists[0].items)),
    "a second copy": lambda view: replace(view, playlists=(view.playlists[0], *view.playlists)),
    "a copy missing": lambda view: replace(view, playlists=view.playlists[1:]),
    "playlists out of order": lambda view: replace(
        view, playlists=(view.playlists[1], view.playlists[0], *view.playlists[2:])),
    "a changed description": lambda view: _with_playlist(view, 0, description="changed"),
    "a private copy of a public playlist": lambda view: _with_playlist(view, 0, public=False),
    "no cover": lambda view: _with_playlist(view, 0, cover=None),
    "a liked song missing": lambda view: replace(view, liked_songs=view.liked_songs[1:]),
    "liked songs out of order": lambda view: replace(
        view, liked_songs=_swapped(view.liked_songs)),
    "an album too many": lambda view: replace(view, albums=(*view.albums, "spotify:album:x")),
    "artists out of order": lambda view: replace(view, artists=_swapped(view.artists)),
    "the target's own playlist edited": lambda view: _with_playlist(
        view, len(view.playlists) - 2, items=()),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_each_way_of_being_wrong_is_caught(mutation: str) -> None:
    seed = seed_with_a_target_library()
    seed.playlists[0].cover = Cover(jpeg_base64=cover_base64(1))
    expected = expected_target(seed)
    assert not differences(expected, expected)
    assert differences(expected, MUTATIONS[mutation](expected))


def test_an_untouched_target_fails(tmp_path: Path) -> None:
    with SandboxServer(tiny_seed(), port=0) as server:
        rig = make_rig(server, tmp_path / "home")
        with pytest.raises(AssertionError, match="playlists: 0 instead of 5"):
            rig.assert_exact(tmp_path / "checker")
