"""The least possible calls of a library, estimates, and the plan's options."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.unit.plan_support import SimulatedTarget, followed, library, owned, saved, tracks
from transfer.config import TransferOptions
from transfer.models import Category, Cover, Library
from transfer.plan import (
    Endpoint,
    PlanOptions,
    SaveLibraryItems,
    SaveLikedWithDates,
    diff,
    estimated_seconds,
    least_calls,
    plain_batches,
)


def _source() -> Library:
    return library(
        playlists=(
            owned("p1", tracks("t", 120), cover=Cover(url="u", custom=True)),
            owned("p2", [None, "spotify:track:x"]),
            owned("p3", []),
            followed("f1"),
        ),
        liked_songs=saved(*tracks("l", 101)),
        albums=saved("spotify:album:a"),
    )


def test_least_calls_of_a_library_into_an_empty_account() -> None:
    budget = least_calls(_source())
    assert dict(budget.calls) == {
        Endpoint.MY_PLAYLISTS: 2,  # one page each account
        Endpoint.PLAYLIST_ITEMS: 3 + 1,  # 120 entries in 3 pages, 2 in one, the empty none
        Endpoint.SAVED_TRACKS: 3 + 1,
        Endpoint.SAVED_ALBUMS: 2,
        Endpoint.FOLLOWED_ARTISTS: 2,
        Endpoint.SAVED_SHOWS: 2,
        Endpoint.SAVED_EPISODES: 2,
        Endpoint.SAVED_AUDIOBOOKS: 2,
        Endpoint.CREATE_PLAYLIST: 3,
        Endpoint.ADD_ITEMS: 2 + 1,
        Endpoint.UPLOAD_COVER: 1,
        Endpoint.SAVE_LIBRARY: 3,  # 101 liked + 1 album + 1 follow = 103 -> 3 batches of 40
    }
    assert (budget.reads, budget.writes) == (20, 10)
    assert budget.total == 30


def test_the_plan_for_an_empty_account_writes_the_least_possible() -> None:
    source = _source()
    target = library("alex.new")
    plan = diff(source, target)
    least = least_calls(source, target)
    assert plan.calls() == {e: n for e, n in least.calls.items() if e.is_write}


def test_least_calls_with_a_target_that_has_some_of_it() -> None:
    target = library("alex.new", liked_songs=saved(*tracks("l", 62)),
                     playlists=(followed("f1"),))
    budget = least_calls(_source(), target)
    assert budget.calls[Endpoint.SAVED_TRACKS] == 3 + 2
    assert budget.calls[Endpoint.SAVE_LIBRARY] == 1  # 39 liked + 1 album, f1 already there


def test_estimated_seconds_weighs_cover_uploads_more() -> None:
    plain = estimated_seconds({Endpoint.SAVE_LIBRARY: 10})
    with_covers = estimated_seconds({Endpoint.SAVE_LIBRARY: 8, Endpoint.UPLOAD_COVER: 2})
    assert 0 < plain < with_covers


def test_refused_dated_saves_become_plain_ones_in_the_same_order() -> None:
    options = PlanOptions(preserve_liked_dates=True, extended_quota=True)
    plan = diff(library(liked_songs=saved(*tracks("l", 120))), library("alex.new"), options)
    dated = tuple(a for a in plan.writes if isinstance(a, SaveLikedWithDates))
    plain = plain_batches(dated[1:])
    assert [len(batch.uris) for batch in plain] == [40, 30]
    assert all(isinstance(batch, SaveLibraryItems) for batch in plain)
    assert [u for b in plain for u in b.uris] == [u for b in dated[1:] for u in b.uris]
    target = SimulatedTarget(library("alex.new")).apply((dated[0], *plain)).library
    assert [item.uri for item in target.liked_songs[:70]] == tracks("l", 70)


def test_options_come_from_the_transfer_settings_table() -> None:
    table = TransferOptions(categories=("albums", "playlists"), privacy="private",
                            name_prefix="> ", exclude_playlists=("x*",))
    options = PlanOptions.model_validate(table.model_dump())
    assert options.categories == (Category.PLAYLISTS, Category.ALBUMS)
    assert (options.privacy, options.name_prefix, options.extended_quota) == ("private", "> ",
                                                                             False)
    assert options.excluding_pattern("X-Files") == "x*"


def test_options_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        PlanOptions.model_validate({"privacy": "secret"})
    with pytest.raises(ValidationError):
        PlanOptions.model_validate({"categories": ["mixtapes"]})
