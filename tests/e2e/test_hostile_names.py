"""Names that try to act on a terminal: escape sequences (clear the screen, retitle the
window, a hyperlink), C1 controls, carriage returns and line feeds that forge a line, bidi
overrides that show ``evil\\u202etxt.exe`` as ``evilexe.txt``. They go through plan,
transfer (its summary and HTML report), status, verify and undo: nothing printed holds one of
those characters, the names are still recognisable, and the data itself (the copy in the target,
the JSON documents) keeps them exactly. Log lines: ``tests/unit/test_safe_output.py``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER
from tests.e2e.cli_support import reports, run_cli
from transfer.config import Settings
from transfer.render.safe import safe_name
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

PLAYLIST = "\x1b[2J\x1b]0;pwned\x07evil\u202etxt.exe"
DESCRIPTION = "\x9b31mred\u2066 isolate\u2069 \u200fmark\u061c"
SOURCE_NAME = "Alex\x1b[31m\u202d(old)\u202c"
FRIEND = "Mika\r\nERROR forged line\x00"
LOCAL_FILE = "Tape\x1b]8;;http://evil.example/\x07link\x1b]8;;\x07"
ARTIST = "Кино\u202e\u2067"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_seed() -> SandboxSeed:
    """The tiny seed with hostile names on a playlist the tool creates, a playlist it follows
    (by its owner's name), a local file it cannot move, an artist and the source
    account itself."""
    seed = tiny_seed()
    playlists = {playlist.id: playlist for playlist in seed.playlists}
    playlists["plOwn1"].name = PLAYLIST
    playlists["plOwn1"].description = DESCRIPTION
    users = {user.id: user for user in seed.users}
    users[SOURCE_USER].display_name = SOURCE_NAME
    users["mika"].display_name = FRIEND
    local = playlists["plOwn1"].entries[4].local
    assert local is not None
    local.name = LOCAL_FILE
    seed.catalog.artists[0].name = ARTIST
    return seed


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(hostile_seed(), port=0) as running:
        yield running


@pytest.fixture
def settings(server: SandboxServer, point_at: Callable[[SandboxServer], Settings]) -> Settings:
    return point_at(server)


def strings(value: Any) -> set[str]:
    """Every string in a JSON document."""
    if isinstance(value, dict):
        return set().union(*map(strings, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(strings, value)) if value else set()
    return {value} if isinstance(value, str) else set()


def assert_safe(text: str, where: str) -> None:
    found = sorted({f"U+{ord(char):04X}" for char in UNSAFE.findall(text)})
    assert not found, f"{where} holds {found}:\n{text!r}"


def test_hostile_names_are_printed_harmless_and_kept_exact(
    server: SandboxServer, settings: Settings,
) -> None:
    plan = run_cli("plan")
    assert plan.exit_code == 0, plan.output
    assert_safe(plan.output, "plan")
    assert f"“{safe_name(PLAYLIST)}”" in plan.output
    assert "“[2J]0;pwnedeviltxt.exe”" in plan.output, "still recognisable"
    assert f"by {safe_name(FRIEND)}" in plan.output and "\nERROR forged" not in plan.output
    assert safe_name(SOURCE_NAME) in plan.output

    document = json.loads(run_cli("plan", "--json").stdout)
    assert PLAYLIST in strings(document), "JSON keeps the name exact"

    transfer = run_cli("transfer", "--yes")
    assert transfer.exit_code == 0, transfer.output
    assert_safe(transfer.output, "transfer")
    assert safe_name(LOCAL_FILE) in transfer.output, "the file it could not move is named"
    copies = [playlist for playlist in server.state.playlists.values()
              if playlist.owner_id == TARGET_USER]
    assert [(copy.name, copy.description) for copy in copies if "evil" in copy.name] == [
        (PLAYLIST, DESCRIPTION)], "the copy has the name and description exactly"
    report = reports(settings.home)[-1]
    assert {PLAYLIST, SOURCE_NAME, LOCAL_FILE} <= strings(report)
    html_files = list((settings.home / "reports").rglob("*.html"))
    assert html_files
    for page in html_files:
        assert_safe(page.read_text(), page.name)

    status = run_cli("status")
    assert status.exit_code == 0, status.output
    assert_safe(status.output, "status")
    assert safe_name(SOURCE_NAME) in status.output
    assert SOURCE_NAME in strings(json.loads(run_cli("status", "--json").stdout))

    verify = run_cli("verify", "--full")
    assert verify.exit_code == 0, verify.output
    assert_safe(verify.output, "verify")
    assert safe_name(LOCAL_FILE) in verify.output, "what cannot move is named"
    assert PLAYLIST in strings(json.loads(run_cli("verify", "--json").stdout))

    preview = run_cli("undo")
    assert preview.exit_code == 2, "no terminal to ask at: the preview, then a refusal"
    assert_safe(preview.output, "undo preview")
    assert safe_name(PLAYLIST) in preview.output
    undo = run_cli("undo", "--yes")
    assert undo.exit_code == 0, undo.output
    assert_safe(undo.output, "undo")
