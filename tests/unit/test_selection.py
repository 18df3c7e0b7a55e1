"""Choosing what moves: matching playlists by name, id, URI or link; the ``--only`` list; the
selection the flags make; its precedence over the settings; keeping it with the pair's runs;
and what a plan leaves out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.plan_support import followed, library, owned, saved, tracks
from transfer.errors import ConfigError
from transfer.journal import Journal, RunKind
from transfer.models import Category
from transfer.plan import PlanOptions, SkipReason, diff
from transfer.plan.options import playlist_matches, referenced_id
from transfer.plan.selection import (
    SELECTION_FACT,
    LeftOutPlaylist,
    Selection,
    SelectionError,
    left_out,
    load_selection,
    parse_only,
    save_selection,
    selection_from_flags,
)

ID = "37i9dQZF1DXcBWIGoYBM5M"


# --- matching one playlist ----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [
    f"spotify:playlist:{ID}",
    f"https://open.spotify.com/playlist/{ID}",
    f"https://open.spotify.com/playlist/{ID}?si=4f1c2e9a8b7d",
    f"open.spotify.com/playlist/{ID}/",
    f"https://open.spotify.com/intl-de/playlist/{ID}",
    f"https://open.spotify.com/user/alex.old/playlist/{ID}",
    f"spotify:user:alex.old:playlist:{ID}",
    f"  {ID} ",
])
def test_a_playlist_is_named_by_its_id_uri_or_link(pattern: str) -> None:
    assert playlist_matches(pattern, "Anything", ID)
    assert not playlist_matches(pattern, "Anything", ID.lower()), "ids are compared exactly"


def test_a_uri_or_link_never_matches_by_name() -> None:
    name = f"spotify:playlist:{ID}"
    assert not playlist_matches(name, name, "other")
    assert referenced_id(f"https://open.spotify.com/album/{ID}") is None
    assert referenced_id("Road*") is None


@pytest.mark.parametrize(("pattern", "name", "matches"), [
    ("Road*", "road trip 🚗", True),
    ("ROAD*", "Road trip", True),
    ("*trip*", "Road trip", True),
    ("Road", "Road trip", False),
    ("[Rr]oad?trip", "road trip", True),
    ("Пусто", "пусто", True),
])
def test_other_patterns_are_case_insensitive_globs_on_names(pattern: str, name: str,
                                                            matches: bool) -> None:
    assert playlist_matches(pattern, name, "p1") is matches


def test_options_match_by_id_and_say_which_pattern_excluded() -> None:
    options = PlanOptions(include_playlists=("jazz*", f"spotify:playlist:{ID}"),
                          exclude_playlists=("*old*", ID))
    assert options.is_included("Anything", ID) and options.is_included("Jazz", "p")
    assert not options.is_included("Rock", "p")
    assert options.excluding_pattern("Anything", ID) == ID
    assert options.excluding_pattern("Golden oldies", "p") == "*old*"
    assert options.excluding_pattern("Jazz", "p") is None


# --- the --only list and the flags ------------------------------------------------------------


def test_only_accepts_likes_and_liked_songs_in_any_case_and_order() -> None:
    assert parse_only("albums, LIKES") == (Category.ALBUMS, Category.LIKED_SONGS)
    assert parse_only("liked_songs,playlists") == (Category.LIKED_SONGS, Category.PLAYLISTS)
    assert parse_only("all") is None


@pytest.mark.parametrize(("text", "words"), [
    ("likes,bogus", "unknown 'bogus'; choose from playlists, likes (or liked_songs), albums"),
    ("", "--only needs one or more of"),
    (" , ", "--only needs one or more of"),
    ("all,albums", "give it without other names"),
])
def test_a_bad_only_list_says_what_is_valid(text: str, words: str) -> None:
    with pytest.raises(SelectionError, match=r".") as caught:
        parse_only(text)
    assert words in str(caught.value)
    assert isinstance(caught.value, ConfigError), "exit code 2"


def test_no_flag_is_no_selection_and_all_is_the_empty_one() -> None:
    assert selection_from_flags() is None
    assert selection_from_flags(everything=True) == Selection()
    assert selection_from_flags(only="all") == Selection()
    assert Selection().is_empty
    with pytest.raises(SelectionError, match="--all clears the selection"):
        selection_from_flags(only="likes", everything=True)


def test_a_playlist_flag_adds_playlists_to_only_and_links_are_kept_as_uris() -> None:
    link = f"https://open.spotify.com/playlist/{ID}?si=abc"
    selection = selection_from_flags(only="likes", playlists=["Road*", link, "Road*"],
                                     excluded=[f"spotify:playlist:{ID}"])
    assert selection == Selection(categories=(Category.PLAYLISTS, Category.LIKED_SONGS),
                                  playlists=("Road*", f"spotify:playlist:{ID}"),
                                  excluded=(f"spotify:playlist:{ID}",))
    assert selection_from_flags(excluded=["Old*"]) == Selection(excluded=("Old*",))
    assert selection_from_flags(only="albums", excluded=["x"]) == Selection(
        categories=(Category.ALBUMS,), excluded=("x",)), "excluding adds nothing"
    with pytest.raises(SelectionError, match="need a name, an id or a link"):
        selection_from_flags(playlists=[" "])


# --- precedence ---------------------------------------------------------------------------------


def test_a_selection_replaces_only_the_parts_it_chooses() -> None:
    settings = PlanOptions(categories=(Category.PLAYLISTS, Category.ALBUMS),
                           include_playlists=("Work*",), exclude_playlists=("*old*",),
                           name_prefix="[old] ")
    assert Selection().plan_options(settings) == settings, "nothing chosen: the settings"
    chosen = Selection(categories=(Category.SHOWS,), excluded=()).plan_options(settings)
    assert chosen.categories == (Category.SHOWS,)
    assert chosen.include_playlists == ("Work*",), "left to the settings"
    assert chosen.exclude_playlists == (), "an empty list chosen is a choice"
    assert chosen.name_prefix == "[old] "
    both = Selection(playlists=("Road*",)).plan_options(settings)
    assert (both.categories, both.include_playlists) == (settings.categories, ("Road*",))


def test_flags_win_over_the_kept_selection_which_wins_over_the_settings() -> None:
    settings = PlanOptions(categories=(Category.ALBUMS,))
    with Journal.open(":memory:") as journal:
        journal.begin_run(RunKind.TRANSFER, diff(library(), library("alex.new")))
        assert save_selection(journal, Selection(categories=(Category.SHOWS,)))
        kept = load_selection(journal)
        given = selection_from_flags(only="likes")
        assert given is not None
        assert given.plan_options(settings).categories == (Category.LIKED_SONGS,)
        assert kept.plan_options(settings).categories == (Category.SHOWS,)
        assert Selection().plan_options(settings).categories == (Category.ALBUMS,)


# --- kept with the pair -------------------------------------------------------------------------


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal.open(":memory:") as opened:
        yield opened


def _run(journal: Journal, kind: RunKind = RunKind.TRANSFER) -> int:
    run_id = journal.begin_run(kind, diff(library(), library("alex.new")))
    journal.release()
    return run_id


def test_nothing_kept_is_the_empty_selection_and_needs_a_run_to_keep(journal: Journal) -> None:
    assert load_selection(journal) == Selection()
    assert not save_selection(journal, Selection(excluded=("x",))), "no run to keep it with"
    assert load_selection(journal) == Selection()


def test_the_latest_selection_kept_wins_and_the_empty_one_clears(journal: Journal) -> None:
    first = _run(journal)
    road = Selection(playlists=("Road*",))
    assert save_selection(journal, road)
    _run(journal, RunKind.UNDO)
    assert load_selection(journal) == road, "a run that keeps none does not clear it"
    _run(journal, RunKind.SYNC)
    albums = Selection(categories=(Category.ALBUMS,))
    assert save_selection(journal, albums)
    assert load_selection(journal) == albums
    assert SELECTION_FACT not in journal.facts(first), "only the latest is kept"
    assert save_selection(journal, Selection())
    assert load_selection(journal).is_empty


def test_a_kept_selection_that_cannot_be_read_says_what_to_do(journal: Journal) -> None:
    run_id = _run(journal)
    journal.set_fact(run_id, SELECTION_FACT, {"categories": ["vinyl"]})
    with pytest.raises(SelectionError, match="clear it with --all"):
        load_selection(journal)


# --- what a plan leaves out -------------------------------------------------------------------


def test_a_plan_says_what_the_selection_leaves_out_and_by_what() -> None:
    source = library(
        playlists=(owned("p1", tracks("t", 2), name="Road trip"),
                   owned(ID, tracks("u", 1), name="Work"),
                   owned("p3", tracks("v", 1), name="Golden oldies"),
                   followed("f1", name="Jazz")),
        liked_songs=saved(*tracks("l", 2)), albums=saved("spotify:album:a"),
    )
    selection = Selection(categories=(Category.PLAYLISTS, Category.ALBUMS),
                          playlists=("Road*", "Work", "*old*"),
                          excluded=(f"https://open.spotify.com/playlist/{ID}", "golden*"))
    plan = diff(source, library("alex.new"), selection.plan_options(PlanOptions()))
    out = left_out(plan)
    assert out.categories == (Category.LIKED_SONGS, Category.ARTISTS, Category.SHOWS,
                              Category.EPISODES, Category.AUDIOBOOKS)
    assert out.playlists == (
        LeftOutPlaylist(source_id=ID, name="Work", reason=SkipReason.EXCLUDED,
                        by=f"spotify:playlist:{ID}"),
        LeftOutPlaylist(source_id="p3", name="Golden oldies", reason=SkipReason.EXCLUDED,
                        by="golden*"),
        LeftOutPlaylist(source_id="f1", name="Jazz", reason=SkipReason.NOT_INCLUDED,
                        by="Road*, Work, *old*"),
    )
    assert plan.playlists[0].change.value == "create", "Road trip is chosen"
    assert left_out(diff(source, library("alex.new"))).is_empty


def test_a_chosen_pattern_that_matches_no_playlist_is_pointed_out_except_in_a_sync() -> None:
    source = library(playlists=(owned("p1", tracks("t", 1), name="Road trip"),))
    options = PlanOptions(include_playlists=("Raod*", "road*", "spotify:playlist:gone"))
    out = left_out(diff(source, library("alex.new"), options))
    assert out.unmatched == ("Raod*", "spotify:playlist:gone")
    syncing = options.model_copy(update={"sync": True})
    assert left_out(diff(source, library("alex.new"), syncing)).unmatched == ()
    off = options.model_copy(update={"categories": (Category.ALBUMS,)})
    assert left_out(diff(source, library("alex.new"), off)).unmatched == ()
