"""Deciding from a copy's items whether an add whose answer was lost was applied."""

from __future__ import annotations

import pytest

from transfer.engine.reconcile import batch_landed
from transfer.plan import AddPlaylistItems


def _add(uris: list[str], position: int) -> AddPlaylistItems:
    return AddPlaylistItems(source_playlist_id="p", uris=tuple(uris), position=position)


@pytest.mark.parametrize(
    ("present", "known", "landed"),
    [
        (["a", "b", "x", "y"], 2, True),
        (["a", "b"], 2, False),
        (["a", "b", None, "y"], 2, True),  # withdrawn since: still the batch
        (["a", "b", "y", "x"], 2, False),
        (["a", "b", "x"], 2, False),
    ],
)
def test_an_append(present: list[str | None], known: int, landed: bool) -> None:
    assert batch_landed(present, known, _add(["x", "y"], 2)) is landed


def test_a_batch_of_items_already_there_is_told_apart_by_the_length() -> None:
    add = _add(["a", "a"], 2)
    assert not batch_landed(["a", "a"], 2, add)
    assert batch_landed(["a", "a", "a", "a"], 2, add)
