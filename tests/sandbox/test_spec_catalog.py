"""Single catalogue look-ups (still served in Development Mode), validated against the spec."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sandbox.spec_support import Sandbox, running_sandbox
from transfer.sandbox.builtin import builtin_seed
from transfer.sandbox.seed import SandboxSeed

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def seed() -> SandboxSeed:
    return builtin_seed()


@pytest.mark.parametrize("kind", ["track", "album", "artist", "show", "episode", "audiobook"])
def test_one_item_of_each_kind(sandbox: Sandbox, seed: SandboxSeed, kind: str) -> None:
    item_id = getattr(seed.catalog, f"{kind}s")[0].id
    item = sandbox.get_ok(f"/{kind}s/{item_id}")
    assert item["id"] == item_id and item["type"] == kind
    assert item["uri"] == f"spotify:{kind}:{item_id}"
    assert sandbox.get(f"/{kind}s/0000000000000000000000").status_code == 404


def test_album_tracks_and_show_episodes_page(sandbox: Sandbox, seed: SandboxSeed) -> None:
    album = max(seed.catalog.albums, key=lambda a: a.total_tracks)
    pages = list(sandbox.pages(f"/albums/{album.id}/tracks?limit=5"))
    assert sum(len(page["items"]) for page in pages) == album.total_tracks
    assert all(page["next"] is None or page["next"].startswith(sandbox.api) for page in pages)
    show = seed.catalog.shows[0]
    episodes = sandbox.get_ok(f"/shows/{show.id}/episodes?limit=50")
    expected = sum(episode.show_id == show.id for episode in seed.catalog.episodes)
    assert episodes["total"] == len(episodes["items"]) == expected
