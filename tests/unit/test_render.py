"""Plan rendering: the text a person reads and the versioned ``plan --json`` document."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from tests.unit.plan_support import (
    SimulatedTarget,
    entry,
    followed,
    library,
    local,
    owned,
    saved,
    tracks,
)
from transfer.models import Account, Cover, Playlist
from transfer.plan import Plan, PlanOptions, SkipReason, diff
from transfer.render import (
    PLAN_DOCUMENT_VERSION,
    PlanDocument,
    plan_document,
    plan_json_schema,
    render_plan,
    render_plan_json,
)
from transfer.render.words import duration

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def _road_trip(extra_local: int = 0) -> Playlist:
    entries = (
        *(entry(uri) for uri in tracks("t", 130)),
        local("home demo"),
        entry(None, name="Gone", artists=("Someone",)),
        *(local(f"extra {n}") for n in range(extra_local)),
    )
    return owned("p1", name="Road trip", cover=Cover(url="c", custom=True)).model_copy(
        update={"entries": entries}
    )


def _plan(**options: object) -> Plan:
    source = library(
        playlists=(_road_trip(), followed("f1", name="Top Hits", owner_name="Spotify"),
                   owned("p2", name="Work stuff"), followed("f2", name="Jazz")),
        liked_songs=saved(*tracks("l", 1234)), albums=saved("spotify:album:a"),
    ).model_copy(update={"account": Account(id="alex.old", display_name="Alex (old account)")})
    target = library("alex.new", playlists=(followed("f2"),), albums=saved("spotify:album:a"))
    return diff(source, target, PlanOptions.model_validate(options))


def test_the_text_shows_each_category_playlist_and_reason() -> None:
    text = render_plan(_plan(exclude_playlists=("work*",)), reads={"GET /me/tracks": 25})
    assert text.startswith("Plan: Alex (old account) (alex.old) → alex.new\n")
    assert "Playlists (4): 2 new, 1 already there, 1 skipped" in text
    assert "+ create    “Road trip”: 130 items, 2 cannot move, custom cover" in text
    assert "+ follow    “Top Hits” by Spotify" in text
    assert ("- skip      “Work stuff”: left out by --exclude-playlist or exclude_playlists "
            "(work*)") in text
    assert "Left out by the selection:\n  - excluded by “work*”: “Work stuff”\n" in text
    assert "= 1 playlist already there, not listed" in text and "Jazz" not in text
    assert "  Liked Songs            1,234              0        0\n" in text
    assert "  Albums                     0              1        0\n" in text
    assert "Artists" not in text, "empty categories are not listed"
    assert "“home demo”, #131 in “Road trip”" in text
    assert "“Gone” by Someone, #132 in “Road trip”" in text
    assert ("API calls: 35 writes (1 create playlist, 2 add to playlist, 31 save/follow, "
            "1 upload cover); 25 reads made to build this plan") in text
    assert "Estimated time: about" in text
    assert text.rstrip().endswith(
        "Plan: 1 playlist to create, 1 playlist to follow, 130 items to add to playlists, "
        "1,234 items to save.")


def test_verbose_text_lists_everything() -> None:
    plan = _plan(exclude_playlists=("work*",))
    assert "= keep      “Jazz”: the target account already has it" in render_plan(
        plan, verbose=True)


def test_long_lists_of_skipped_items_are_cut_unless_verbose() -> None:
    plan = diff(library(playlists=(_road_trip(extra_local=20),)), library("alex.new"))
    text = render_plan(plan)
    assert "local file: the Spotify API cannot add local files (21):" in text
    assert "… and 11 more (see plan --json)" in text
    assert "… and" not in render_plan(plan, verbose=True)
    assert "extra 19" in render_plan(plan, verbose=True)


def test_a_plan_with_nothing_to_do_says_so() -> None:
    source = library(playlists=(owned("p1", tracks("t", 3)),), liked_songs=saved("spotify:track:x"))
    target = SimulatedTarget(library("alex.new"))
    target.apply_plan(diff(source, target.library))
    text = render_plan(diff(source, target.library, links=target.links), origin="old.json")
    assert "Source read from the file old.json." in text
    assert "API calls: 0 writes" in text
    assert text.rstrip().endswith(
        "Nothing to do: the target already has everything that can move.")


def test_notes_and_turned_off_categories_are_shown() -> None:
    text = render_plan(_plan(categories=("liked_songs", "albums"), preserve_liked_dates=True))
    assert "! preserve_liked_dates needs an Extended-Quota app" in text
    assert "Playlists (4): 4 skipped" in text
    assert "- 4 playlists not chosen, not listed (--full lists them)" in text
    assert ("Left out by the selection:\n  - not chosen: Playlists, Artists (followed), Shows, "
            "Episodes, Audiobooks\n") in text
    verbose = render_plan(_plan(categories=("liked_songs", "albums")), verbose=True)
    assert ("- skip      “Road trip”: category not chosen (--only or categories in the "
            "settings)") in verbose


def test_an_empty_source_says_so() -> None:
    text = render_plan(diff(library(), library("alex.new")))
    assert "Playlists: none in the source." in text and "Saved items: none in the source." in text


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0.2, "about 1 s"), (42, "about 42 s"), (600, "about 10 min"), (4800, "about 1 h 20 min"),
     (7200, "about 2 h")],
)
def test_durations_read_naturally(seconds: float, words: str) -> None:
    assert duration(seconds) == words


# --- the JSON document ------------------------------------------------------------------------


def test_the_document_follows_its_published_schema() -> None:
    plan = _plan(exclude_playlists=("work*",), preserve_liked_dates=True, extended_quota=True)
    document = json.loads(render_plan_json(plan, NOW, reads={"GET /me/tracks": 25}))
    schema = json.loads((DOCS / "plan-json.schema.json").read_text())
    jsonschema.validate(document, schema)
    assert (document["document"], document["version"]) == ("spotify-transfer/plan",
                                                           PLAN_DOCUMENT_VERSION)
    assert document["generated_at"] == "2026-11-22T10:00:00Z"


def test_the_published_schema_is_the_one_the_code_writes() -> None:
    """Changing the document means changing docs/plan-json.schema.json on purpose."""
    published = json.loads((DOCS / "plan-json.schema.json").read_text())
    assert plan_json_schema() == published


def test_the_document_holds_the_actions_in_order_with_their_keys() -> None:
    plan = _plan()
    document = plan_document(plan, NOW, reads={"GET /me/playlists": 2, "GET /me/tracks": 25})
    assert [entry.key for entry in document.actions] == [a.key for a in plan.writes]
    assert [entry.action for entry in document.actions] == list(plan.writes)
    assert document.cost.total_writes == len(plan.writes) == document.summary.writes
    assert document.cost.total_reads == 27
    assert sum(document.cost.write_calls.values()) == len(plan.writes)
    assert {entry.reason for entry in document.skipped} == {
        SkipReason.LOCAL_FILE, SkipReason.UNAVAILABLE, SkipReason.ALREADY_FOLLOWED}
    assert PlanDocument.model_validate_json(document.model_dump_json()) == document


def test_the_documentation_names_every_field_reason_and_action() -> None:
    text = (DOCS / "plan-json.md").read_text()
    schema = plan_json_schema()
    names = [*schema["properties"], *(reason.value for reason in SkipReason)]
    for definition in ("PlaylistOutline", "Cost", "Summary", "SkippedEntry", "SkippedItem"):
        names.extend(schema["$defs"][definition]["properties"])
    action_types = [schema["$defs"][name]["properties"]["type"]["const"] for name in
                    ("CreatePlaylist", "AddPlaylistItems", "UploadCover", "UpdatePlaylistDetails",
                     "SaveLibraryItems", "SaveLikedWithDates")]
    missing = [name for name in [*names, *action_types] if f"`{name}`" not in text]
    assert not missing, f"docs/plan-json.md does not mention {missing}"


def test_skipped_entries_read_well_without_artist_or_name() -> None:
    from transfer.models import Category
    from transfer.plan.actions import Skip, SkippedItem
    from transfer.render.text import _skipped_item

    def entry(name: str, artists: tuple[str, ...]) -> Skip:
        item = SkippedItem(category=Category.PLAYLISTS, name=name, artists=artists,
                           playlist_id="p", playlist_name="Old CD rips", position=7)
        return Skip(item=item, reason=SkipReason.LOCAL_FILE)

    assert _skipped_item(entry("Demo", ("",))) == "“Demo”, #8 in “Old CD rips”"
    assert _skipped_item(entry("Demo", ("A", ""))) == "“Demo” by A, #8 in “Old CD rips”"
    assert _skipped_item(entry("", ())) == "#8 in “Old CD rips” (Spotify gives no name)"
