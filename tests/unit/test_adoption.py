"""Adopting copies no journal records (transfer.plan.adoption): a copy holding the source's items
or a start of them is continued, never made twice; anything else is left alone, and the plan's
notes say what was decided."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.plan_support import (
    CUSTOM_COVER,
    SimulatedTarget,
    carried,
    every_page_readable,
    libraries,
    library,
    owned,
    plan_options,
    tracks,
)
from transfer.models import Cover, Library, Playlist
from transfer.plan import (
    AddPlaylistItems,
    AdoptPlaylist,
    CreatePlaylist,
    Plan,
    PlanOptions,
    PlaylistChange,
    UploadCover,
    diff,
)
from transfer.plan.adoption import unlinked_by_name, worth_reading
from transfer.plan.playlists import is_selected
from transfer.render import render_plan

ROAD = tracks("road", 130)


def theirs(playlist_id: str, uris: list[str], **fields: object) -> Playlist:
    """A playlist the target account owns."""
    return owned(playlist_id, uris, **fields).model_copy(update={"owner_id": "alex.new"})


def target(*playlists: Playlist) -> Library:
    return library("alex.new", playlists=playlists)


SOURCE = library(playlists=(owned("p1", ROAD, name="Road trip", description="summer"),))


def _of(plan: Plan, kind: type) -> list:
    return [action for action in plan.writes if isinstance(action, kind)]


def test_a_complete_copy_is_adopted_and_nothing_is_written() -> None:
    plan = diff(SOURCE, target(theirs("c1", ROAD, name="Road trip", description="summer")))
    (adopt,) = _of(plan, AdoptPlaylist)
    assert (adopt.source_playlist_id, adopt.target_playlist_id) == ("p1", "c1")
    assert adopt.target_uris == tuple(ROAD)
    assert plan.calls() == {}, "adopting makes no call"
    (outline,) = plan.playlists
    assert outline.adopted and outline.change is PlaylistChange.UNCHANGED
    assert any("Adopting 1 copy" in note and "Road trip" in note for note in plan.notes)


def test_a_copy_stopped_midway_is_adopted_and_only_the_rest_is_added() -> None:
    plan = diff(SOURCE, target(theirs("c1", ROAD[:100], name="Road trip", description="summer")))
    assert not _of(plan, CreatePlaylist)
    assert [type(action) for action in plan.writes] == [AdoptPlaylist, AddPlaylistItems]
    (add,) = _of(plan, AddPlaylistItems)
    assert (add.position, add.uris) == (100, tuple(ROAD[100:]))
    assert plan.playlists[0].change is PlaylistChange.UPDATE and plan.playlists[0].adopted


def test_after_adopting_the_next_plan_is_empty() -> None:
    simulated = SimulatedTarget(target(theirs("c1", ROAD[:30], name="Road trip",
                                              description="summer")))
    simulated.apply_plan(diff(SOURCE, simulated.library))
    assert [entry.uri for entry in simulated.library.playlists[0].entries or ()] == ROAD
    again = diff(SOURCE, simulated.library, links=simulated.links)
    assert again.is_empty and simulated.created == 0


def test_a_same_named_playlist_with_other_items_is_left_alone() -> None:
    mine = theirs("mine", [ROAD[0], "spotify:track:other"], name="Road trip")
    plan = diff(SOURCE, target(mine))
    assert [action.key for action in _of(plan, CreatePlaylist)] == ["create:p1"]
    assert not _of(plan, AdoptPlaylist)
    assert all(getattr(action, "target_playlist_id", None) != "mine" for action in plan.writes)
    assert any(note.startswith("Not adopted: 1 playlist") for note in plan.notes)


def test_a_longer_playlist_is_never_adopted() -> None:
    longer = theirs("longer", [*ROAD, "spotify:track:extra"], name="Road trip")
    plan = diff(SOURCE, target(longer))
    assert _of(plan, CreatePlaylist) and not _of(plan, AdoptPlaylist)


def test_a_start_of_the_items_is_adopted_only_with_the_source_description() -> None:
    empty_mine = theirs("mine", [], name="Road trip", description="my own")
    assert _of(diff(SOURCE, target(empty_mine)), CreatePlaylist)
    started_mine = theirs("mine", ROAD[:2], name="Road trip", description="my own")
    assert _of(diff(SOURCE, target(started_mine)), CreatePlaylist)
    whole = theirs("whole", ROAD, name="Road trip", description="edited in the target")
    assert _of(diff(SOURCE, target(whole)), AdoptPlaylist), "all the items: a copy"
    empty_copy = theirs("copy", [], name="Road trip", description="summer")
    plan = diff(SOURCE, target(empty_copy))
    assert [a.target_playlist_id for a in _of(plan, AdoptPlaylist)] == ["copy"]
    assert len(_of(plan, AddPlaylistItems)) == 2


def test_an_escaped_description_matches() -> None:
    source = library(playlists=(owned("p1", ROAD, name="Mix", description="rock & roll"),))
    copy = theirs("c1", ROAD[:5], name="Mix", description="rock &amp; roll")
    assert _of(diff(source, target(copy)), AdoptPlaylist)


def test_of_two_copies_the_fullest_is_adopted_and_the_other_named() -> None:
    partial = theirs("partial", ROAD[:50], name="Road trip", description="summer")
    full = theirs("full", ROAD, name="Road trip")
    plan = diff(SOURCE, target(partial, full))
    assert [a.target_playlist_id for a in _of(plan, AdoptPlaylist)] == ["full"]
    assert not _of(plan, AddPlaylistItems)
    assert any("1 more copy" in note and "doubled earlier" in note for note in plan.notes)


def test_a_copy_is_adopted_for_one_source_playlist_at_most() -> None:
    source = library(playlists=(owned("p1", ROAD[:10], name="Mix"),
                                owned("p2", ROAD[:10], name="Mix")))
    plan = diff(source, target(theirs("c1", ROAD[:10], name="Mix")))
    assert [a.source_playlist_id for a in _of(plan, AdoptPlaylist)] == ["p1"]
    assert [a.source_playlist_id for a in _of(plan, CreatePlaylist)] == ["p2"]


def test_the_copy_name_counts_prefix_and_suffix_included() -> None:
    options = PlanOptions(name_prefix="[old] ")
    bare = theirs("bare", ROAD, name="Road trip")
    assert _of(diff(SOURCE, target(bare), options), CreatePlaylist)
    named = theirs("named", ROAD, name="[old] Road trip")
    assert _of(diff(SOURCE, target(named), options), AdoptPlaylist)


def test_a_linked_copy_is_never_adopted_again() -> None:
    simulated = SimulatedTarget(target())
    simulated.apply_plan(diff(SOURCE, simulated.library))
    source = library(playlists=(*SOURCE.playlists, owned("p2", ROAD, name="Road trip")))
    plan = diff(source, simulated.library, links=simulated.links)
    assert [a.source_playlist_id for a in _of(plan, CreatePlaylist)] == ["p2"]
    assert not _of(plan, AdoptPlaylist)


def test_a_playlist_the_target_follows_is_not_adopted() -> None:
    followed_copy = theirs("c1", ROAD, name="Road trip").model_copy(
        update={"relation": "followed", "owner_id": "someone"})
    assert _of(diff(SOURCE, target(followed_copy)), CreatePlaylist)


def test_the_cover_is_uploaded_unless_the_copy_has_one_of_its_own() -> None:
    cover = Cover(url=f"{CUSTOM_COVER}p1", custom=True)
    source = library(playlists=(SOURCE.playlists[0].model_copy(update={"cover": cover}),))
    bare = theirs("c1", ROAD, name="Road trip")
    assert _of(diff(source, target(bare)), UploadCover)
    covered = bare.model_copy(update={"cover": Cover(url=f"{CUSTOM_COVER}c1", custom=True)})
    assert not _of(diff(source, target(covered)), UploadCover)


def test_a_new_journal_with_copies_in_the_target_is_said() -> None:
    copy = target(theirs("c1", ROAD, name="Road trip"))
    fresh = diff(SOURCE, copy, fresh_journal=True)
    assert fresh.notes[0].startswith("No journal records a transfer between these accounts")
    assert not any("No journal" in note for note in diff(SOURCE, copy).notes)
    assert not diff(SOURCE, target(), fresh_journal=True).notes


def test_only_candidates_no_longer_than_the_source_are_read() -> None:
    names = unlinked_by_name(SOURCE, PlanOptions(), {})
    listed = theirs("c1", [], name="Road trip").model_copy(update={"entries": None})
    assert worth_reading(listed.model_copy(update={"total": 130}), names, ())
    assert not worth_reading(listed.model_copy(update={"total": 131}), names, ())
    assert not worth_reading(listed.model_copy(update={"name": "Other"}), names, ())
    assert not worth_reading(listed, names, ["c1"]), "a linked copy is not a candidate"


def test_the_plan_text_names_each_adopted_copy() -> None:
    source = library(playlists=(*SOURCE.playlists, owned("p2", ROAD[:3], name="Short")))
    plan = diff(source, target(theirs("c1", ROAD, name="Road trip"),
                               theirs("c2", ROAD[:1], name="Short", description="")))
    text = render_plan(plan)
    assert "= adopt     “Road trip”: a copy found in the target, up to date" in text
    assert "~ update    “Short”: adopting the copy found in the target, +2 items" in text
    assert "Plan: 2 copies to adopt (no call), 2 items to add to playlists." in text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(libraries("alex.old"), libraries("alex.new", source=False), plan_options, st.floats(0, 1))
def test_a_transfer_replanned_after_its_links_were_lost_doubles_nothing(
    source: Library, target_library: Library, options: PlanOptions, share: float
) -> None:
    """A transfer stopped anywhere, its journal lost, planned again: each copy is adopted or
    made once, holds its source's items, and the plan after it is empty."""
    plan = diff(source, target_library, options)
    cut = int(len(plan.writes) * share)
    stopped = SimulatedTarget(target_library).apply(plan.writes[:cut])
    lost = SimulatedTarget(stopped.library, created=stopped.created)
    lost.apply_plan(diff(source, lost.library, options, fresh_journal=True))
    wanted = {p.id: p for p in source.playlists
              if p.relation == "owned" and is_selected(p, options) and every_page_readable(p)}
    assert set(lost.links) == set(wanted)
    copies = {p.id: p for p in lost.library.playlists}
    for source_id, link in lost.links.items():
        held = [entry.uri for entry in copies[link.target_playlist_id].entries or ()]
        assert held == carried(wanted[source_id])
    owned_ids = [p.id for p in lost.library.playlists if p.relation == "owned"]
    assert sorted(owned_ids) == sorted([*(link.target_playlist_id for link in
                                          lost.links.values()), "mine"]), "a copy made twice"
    assert diff(source, lost.library, options, lost.links).is_empty
