"""Support for the command tests: running the CLI in-process and in a real process, reading the
report files and the journal a command left, and small seeds with the cases a test needs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tests.conftest import SOURCE_USER, TARGET_USER
from transfer.cli import cli
from transfer.journal import Journal, journal_path
from transfer.plan import PlaylistLink
from transfer.sandbox.covers import cover_base64
from transfer.sandbox.seed import Cover, Playlist, PlaylistEntry, SandboxSeed
from transfer.sandbox.tiny import tiny_seed

ROOT = Path(__file__).resolve().parents[2]
COVERED_ID = "plCovered"


def run_cli(*args: str, stdin: str | None = None) -> Result:
    """The CLI in-process; its stdin is not a terminal."""
    return CliRunner().invoke(cli, list(args), input=stdin)


def _answer_ctrl_c() -> None:
    """In the child: SIGINT back to its default. A test run started in the background (``&``
    in a script, as CI may) ignores SIGINT, every child inherits that, and Python then never
    raises KeyboardInterrupt: a Ctrl-C test would watch the run finish instead."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_cli(*args: str, **options: Any) -> subprocess.Popen[str]:
    """The CLI in a real process with this process's environment (the test's settings), which
    answers SIGINT as a terminal's Ctrl-C whatever this process does with it."""
    return subprocess.Popen(
        [sys.executable, "-m", "transfer", *args], cwd=ROOT, env=dict(os.environ), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_answer_ctrl_c, **options,
    )


def reports(home: Path) -> list[dict[str, Any]]:
    """Every JSON report of the test pair, oldest run first."""
    folder = home / "reports" / f"{SOURCE_USER}__{TARGET_USER}"
    paths = sorted(folder.glob("*.json"), key=lambda path: (path.stat().st_mtime_ns, path.name))
    return [json.loads(path.read_text()) for path in paths]


def links(home: Path) -> dict[str, PlaylistLink]:
    with Journal.open(journal_path(home, SOURCE_USER, TARGET_USER)) as journal:
        return journal.links()


def covered_seed() -> SandboxSeed:
    """The tiny seed, plus an owned playlist with a custom cover."""
    seed = tiny_seed()
    seed.playlists.append(Playlist(
        id=COVERED_ID, owner_id=SOURCE_USER, name="Covered", description="with art",
        cover=Cover(jpeg_base64=cover_base64(3)),
        entries=[PlaylistEntry(uri="spotify:track:tr10", added_at="2021-04-01T10:00:00Z",
                               added_by=SOURCE_USER)],
    ))
    seed.libraries[SOURCE_USER].playlists.insert(0, COVERED_ID)
    return seed
