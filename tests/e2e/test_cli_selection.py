"""Choosing what moves from the command line, against the sandbox: ``--only``, ``--playlist``
and ``--exclude-playlist`` move only what they say, the choice is kept for the pair so a later
``sync`` (and ``transfer`` without flags) follows it, ``--all`` clears it, ``plan`` shows what
is left out without keeping anything, ``status`` shows the kept choice, and bad input is one
line and exit code 2 before any request."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, make_adapter
from tests.e2e.cli_support import links, run_cli
from tests.e2e.test_cli_transfer_confirm import answer
from tests.e2e.test_cli_transfer_resume import with_clock
from transfer.commands import pair
from transfer.config import Settings
from transfer.errors import ExitStatus
from transfer.journal import Journal, RunState, journal_path
from transfer.plan.selection import load_selection
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.state import entry_uri
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
ROAD = "plOwn1"  # “Road trip 🚗”, owned
EMPTY = "plOwn2"  # “Пусто”, owned
FOLLOWED = ("plCollab", "plMika", "plEditorial")


@pytest.fixture
def tiny(point_at: Callable[[SandboxServer], Settings]) -> Iterator[tuple[SandboxServer, Settings]]:
    """A sandbox of the tiny seed of this test's own, both accounts logged in."""
    with SandboxServer(tiny_seed(), port=0) as server:
        yield server, point_at(server)


def _state(server: SandboxServer) -> SandboxSeed:
    return server.state.dump()


def _saved_ids(state: SandboxSeed, user: str, kind: str) -> list[str]:
    return [ref.id for ref in getattr(state.libraries[user], kind)]


def _entries(state: SandboxSeed, playlist_id: str) -> list[str | None]:
    playlist = next(p for p in state.playlists if p.id == playlist_id)
    return [entry_uri(entry) for entry in playlist.entries]


def _status_selection(home: Path) -> Any:
    result = run_cli("status", "--json")
    document = json.loads(result.stdout)
    return document["pairs"][0]["selection"]


def test_only_likes_and_road_playlists_move_and_a_later_sync_follows_the_choice(
    tiny: tuple[SandboxServer, Settings]
) -> None:
    server, settings = tiny
    result = run_cli("transfer", "--yes", "--only", "likes", "--playlist", "Road*")
    assert result.exit_code == ExitStatus.OK, result.output
    assert "Selection (given now, kept for these accounts once applied): only playlists, " \
           "liked_songs; playlists Road*." in result.stdout
    state = _state(server)
    target = state.libraries[TARGET_USER]
    copied = links(settings.home)
    assert set(copied) == {ROAD}, "only the Road playlist is copied"
    assert target.playlists == [copied[ROAD].target_playlist_id], "nothing followed"
    liked = set(_saved_ids(state, SOURCE_USER, "tracks"))
    assert set(_saved_ids(state, TARGET_USER, "tracks")) == liked
    for kind in ("albums", "shows", "episodes", "audiobooks", "artists"):
        assert not getattr(target, kind), f"{kind} were not chosen"
    assert _status_selection(settings.home) == {
        "categories": ["playlists", "liked_songs"], "playlists": ["Road*"], "excluded": None}
    assert "Selection kept" in run_cli("status").stdout

    # The source changes: new items in the chosen and the left-out playlists, a new like, a new
    # saved album, and two new playlists, one of them chosen by the pattern.
    source = make_adapter(settings, "source", [])
    source.add_items(ROAD, ["spotify:track:tr08"])
    source.add_items(EMPTY, ["spotify:track:tr09"])
    source.save_to_library(["spotify:track:tr10", "spotify:album:al3"])
    road_two = source.create_playlist("road 2")
    source.add_items(road_two, ["spotify:track:tr11"])
    other = source.create_playlist("Work")
    source.add_items(other, ["spotify:track:tr11"])

    synced = run_cli("sync")
    assert synced.exit_code == ExitStatus.OK, synced.output
    state = _state(server)
    copied = links(settings.home)
    assert set(copied) == {ROAD, road_two}, "the new Road playlist follows the pattern"
    assert _entries(state, copied[ROAD].target_playlist_id)[-1] == "spotify:track:tr08"
    assert _entries(state, copied[road_two].target_playlist_id) == ["spotify:track:tr11"]
    assert "tr10" in _saved_ids(state, TARGET_USER, "tracks")
    assert not state.libraries[TARGET_USER].albums, "a new album is not carried"
    assert len(state.libraries[TARGET_USER].playlists) == 2

    # transfer without flags follows the kept selection too: nothing left to do.
    again = run_cli("transfer", "--yes")
    assert again.exit_code == ExitStatus.OK, again.output
    assert "Nothing to do: the target already has everything chosen that can move." in again.stdout
    assert not _state(server).libraries[TARGET_USER].albums


def test_flags_replace_the_kept_selection_and_all_clears_it(
    tiny: tuple[SandboxServer, Settings]
) -> None:
    server, settings = tiny
    albums_only = run_cli("transfer", "--yes", "--only", "albums")
    assert albums_only.exit_code == ExitStatus.OK, albums_only.output
    summary = albums_only.stdout.split("Transfer complete", 1)[1]
    assert "category not chosen (--only or categories in the settings) (5):" in summary
    assert "    “Road trip 🚗”\n" in summary, "playlists left out are named in the summary"
    assert _saved_ids(_state(server), TARGET_USER, "albums") == ["al1", "al2"]
    assert not _state(server).libraries[TARGET_USER].playlists

    url = f"https://open.spotify.com/playlist/{ROAD}?si=abc123"
    replaced = run_cli("sync", "--only", "playlists", "--exclude-playlist", url,
                       "--exclude-playlist", "mika*")
    assert replaced.exit_code == ExitStatus.OK, replaced.output
    state = _state(server)
    assert set(links(settings.home)) == {EMPTY}, "Road trip excluded by its link"
    followed = set(state.libraries[TARGET_USER].playlists) - {
        link.target_playlist_id for link in links(settings.home).values()}
    assert followed == {"plCollab", "plEditorial"}, "Mika's mix excluded by its name"
    assert not state.libraries[TARGET_USER].tracks, "likes are not chosen"
    assert _status_selection(settings.home) == {
        "categories": ["playlists"], "playlists": None,
        "excluded": [f"spotify:playlist:{ROAD}", "mika*"]}

    cleared = run_cli("transfer", "--yes", "--all")
    assert cleared.exit_code == ExitStatus.OK, cleared.output
    state = _state(server)
    assert ROAD in links(settings.home) and "plMika" in state.libraries[TARGET_USER].playlists
    assert state.libraries[TARGET_USER].tracks and state.libraries[TARGET_USER].artists
    assert _status_selection(settings.home) is None
    assert "Selection kept" not in run_cli("status").stdout


def test_plan_shows_what_is_left_out_and_keeps_nothing(
    tiny: tuple[SandboxServer, Settings]
) -> None:
    server, settings = tiny
    args = ("--only", "playlists,liked_songs", "--exclude-playlist", f"spotify:playlist:{ROAD}",
            "--exclude-playlist", "MIKA*")
    result = run_cli("plan", "--json", *args)
    assert result.exit_code == ExitStatus.OK, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, json.loads((DOCS / "plan-json.schema.json").read_text()))
    assert document["selection"] == {"categories": ["playlists", "liked_songs"],
                                     "playlists": None,
                                     "excluded": [f"spotify:playlist:{ROAD}", "MIKA*"]}
    left_out = document["left_out"]
    assert left_out["categories"] == ["albums", "artists", "shows", "episodes", "audiobooks"]
    assert [(p["source_id"], p["reason"], p["by"]) for p in left_out["playlists"]] == [
        (ROAD, "excluded", f"spotify:playlist:{ROAD}"), ("plMika", "excluded", "MIKA*")]

    text = run_cli("plan", *args).stdout
    assert "Left out by the selection:" in text
    assert "not chosen: Albums, Artists (followed), Shows, Episodes, Audiobooks" in text
    assert f"excluded by “spotify:playlist:{ROAD}”: “Road trip 🚗”" in text
    assert "excluded by “MIKA*”: “Mika's mix”" in text
    assert "Selection (given now; `transfer` and `sync` keep it)" in text
    chosen = run_cli("plan", "--playlist", "road*", "--playlist", "plEditorial").stdout
    assert "- 3 playlists not chosen, not listed (--full lists them)" in chosen
    assert "3 playlists matching none of: road*, plEditorial" in chosen
    typo = run_cli("plan", "--playlist", "Raod*").stdout
    assert "! “Raod*” matches no playlist of the source: a typo?" in typo

    assert server.request_log.writes() == 0
    assert not journal_path(settings.home, SOURCE_USER, TARGET_USER).exists()
    assert run_cli("plan", "--json").exit_code == ExitStatus.OK
    assert json.loads(run_cli("plan", "--json").stdout)["selection"] is None


def test_flags_and_the_kept_selection_win_over_the_settings_part_by_part(
    tiny: tuple[SandboxServer, Settings], tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[transfer]\ncategories = ["playlists", "albums"]\n'
                      'exclude_playlists = ["Mika*"]\n', encoding="utf-8")

    def options(*args: str) -> dict[str, Any]:
        result = run_cli("--config", str(config), "plan", "--json", *args)
        assert result.exit_code == ExitStatus.OK, result.output
        chosen: dict[str, Any] = json.loads(result.stdout)["options"]
        return chosen

    from_settings = options()
    assert (from_settings["categories"], from_settings["exclude_playlists"]) == (
        ["playlists", "albums"], ["Mika*"])
    flags = options("--exclude-playlist", "Road*")
    assert (flags["categories"], flags["exclude_playlists"]) == (["playlists", "albums"],
                                                                 ["Road*"])
    kept = run_cli("--config", str(config), "transfer", "--yes", "--only", "shows")
    assert kept.exit_code == ExitStatus.OK, kept.output
    followed = options()
    assert (followed["categories"], followed["exclude_playlists"]) == (["shows"], ["Mika*"])
    cleared = run_cli("--config", str(config), "transfer", "--yes", "--all")
    assert cleared.exit_code == ExitStatus.OK, cleared.output
    assert options()["categories"] == ["playlists", "albums"]


def test_a_kept_selection_shows_in_the_plan(tiny: tuple[SandboxServer, Settings]) -> None:
    assert run_cli("transfer", "--yes", "--only", "shows").exit_code == ExitStatus.OK
    text = run_cli("plan").stdout
    assert "Selection (kept for these accounts; flags replace it, --all clears it): only " \
           "shows." in text
    document = json.loads(run_cli("plan", "--json").stdout)
    assert document["selection"]["categories"] == ["shows"]
    assert "playlists" in document["left_out"]["categories"]


def test_a_cancelled_transfer_keeps_no_selection(tiny: tuple[SandboxServer, Settings]) -> None:
    server, settings = tiny
    status, stdout, stderr = answer("n", "--only", "albums")
    assert status == 1, stderr
    assert "Selection (given now, kept for these accounts once applied): only albums." in stdout
    assert server.request_log.writes() == 0
    with Journal.open(journal_path(settings.home, SOURCE_USER, TARGET_USER)) as journal:
        assert journal.runs() == [] and load_selection(journal).is_empty


def test_a_selection_given_while_a_run_is_paused_is_kept_for_the_next_run(
    tiny: tuple[SandboxServer, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, settings = tiny
    server.reset_quota()
    server.set_faults(Faults(quota=18, quota_retry_after=3600))
    paused = run_cli("transfer", "--yes")
    assert paused.exit_code == ExitStatus.PAUSED, paused.output
    server.set_faults(Faults())
    server.reset_quota()

    refused = run_cli("transfer", "--yes", "--only", "albums")
    assert refused.exit_code == ExitStatus.PAUSED, refused.output
    assert "Selection (kept for these accounts; the stopped run goes on as planned, the next " \
           "follows it): only albums." in refused.stdout
    assert _status_selection(settings.home) == {"categories": ["albums"], "playlists": None,
                                                "excluded": None}

    with Journal.open(journal_path(settings.home, SOURCE_USER, TARGET_USER)) as journal:
        (run,) = journal.runs(limit=1)
    assert run.state is RunState.PAUSED and run.resume_at is not None
    later = run.resume_at + timedelta(seconds=1)
    monkeypatch.setattr(pair, "make_engine", with_clock(pair.make_engine, later))
    resumed = run_cli("transfer", "--yes")
    assert resumed.exit_code == ExitStatus.OK, resumed.output
    assert "Run 1 is paused" in resumed.stdout, "the stopped run went on as planned"
    assert _state(server).libraries[TARGET_USER].tracks, "its likes were carried"
    albums = set(_saved_ids(_state(server), TARGET_USER, "albums"))
    source = make_adapter(settings, "source", [])
    source.save_to_library(["spotify:track:tr10", "spotify:album:al3"])

    following = run_cli("transfer", "--yes")
    assert following.exit_code == ExitStatus.OK, following.output
    state = _state(server)
    assert set(_saved_ids(state, TARGET_USER, "albums")) == albums | {"al3"}
    assert "tr10" not in _saved_ids(state, TARGET_USER, "tracks"), "likes are not chosen now"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--only", "likes,bogus"), "--only: unknown 'bogus'; choose from playlists, likes"),
        (("--only", ","), "--only needs one or more of"),
        (("--only", "all,albums"), "--only all leaves the categories to the settings"),
        (("--all", "--only", "likes"), "--all clears the selection; give it without"),
        (("--playlist", "  "), "--playlist and --exclude-playlist need a name"),
    ],
)
@pytest.mark.parametrize("command", ["plan", "transfer", "sync"])
def test_bad_selection_flags_are_one_line_and_exit_2_before_any_request(
    logged_in: Settings, sandbox: SandboxServer, command: str, args: tuple[str, ...],
    words: str
) -> None:
    result = run_cli(command, *args, "--yes") if command == "transfer" else run_cli(command,
                                                                                     *args)
    assert result.exit_code == ExitStatus.USAGE, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert sandbox.request_log.total() == 0
