"""``spotify-transfer verify [--json] [--full] [--from-snapshot FILE | --from-file PATH
[--match]] [--only LIST] [--playlist P]... [--exclude-playlist P]... [--all]``: prove that the
target holds the library.

Reads the source (the live account, or the file a transfer came from) and the target afresh,
and checks what was chosen to move (the selection given, else the one kept for the pair, else
the settings) rule by rule (:func:`transfer.report.check.check_target`). Which copy is which
comes from the journal's links, else the adoption rules, so it works from another machine
too. Only reads; keeps nothing (a selection given here is not kept). Exit 0 when everything
that can move is there, 1 when something differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from transfer.commands.exit_codes import exit_codes
from transfer.commands.selecting import checked_selection_flags
from transfer.commands.source_flags import checked_source_flags
from transfer.environment import Environment
from transfer.errors import ExitStatus
from transfer.render.safe import echo

if TYPE_CHECKING:
    from transfer.commands.pair import Pair
    from transfer.models import Library
    from transfer.plan.selection import Selection


@click.command("verify", epilog=exit_codes(ExitStatus.PAUSED, notes={
    ExitStatus.OK: "the target holds everything that can move",
    ExitStatus.ERROR: "something differs (listed), or an error"}))
@click.option("--json", "as_json", is_flag=True,
              help="Print the versioned JSON document (docs/verify-json.md) instead of text.")
@checked_source_flags
@click.option("--full", is_flag=True,
              help="List every difference and every item that cannot move.")
@checked_selection_flags
@click.pass_obj
def command(env: Environment, as_json: bool, snapshot: Path | None, from_file: Path | None,
            match: bool, full: bool, selection: Selection | None) -> None:
    """Check that the target account holds everything of the source that can move: each
    playlist's copy (name, description, flags, items in order, custom cover), followed
    playlists, Liked Songs in order, saved albums, shows, episodes, audiobooks and followed
    artists. What cannot move (local files, unavailable items) is listed, not counted as a
    difference. Run it before abandoning the old account. Only reads."""
    from transfer.commands.pair import open_journal, open_pair, plan_options, source_options
    from transfer.commands.selecting import KEPT, selection_line
    from transfer.engine.verifying import read_to_verify
    from transfer.errors import Differs
    from transfer.journal import RunKind
    from transfer.plan.selection import load_selection
    from transfer.progress import logging_above_bars
    from transfer.render.verification import (
        render_verification,
        render_verification_json,
        verify_document,
    )
    from transfer.report.check import cannot_move, check_target
    from transfer.report.files import utc_now

    pair = open_pair(env, source_options(snapshot, from_file, match))
    with open_journal(env.settings, pair, create=False) as journal:
        chosen = selection if selection is not None else load_selection(journal)
        options = plan_options(env.settings)
        options = chosen.plan_options(options)
        stopped = journal.unfinished_run([RunKind.TRANSFER, RunKind.SYNC])
        progress = env.progress()
        try:
            with logging_above_bars(env.stderr):
                library, searches = source_library(pair, match)
                verification = read_to_verify(pair.target, options, journal, progress,
                                              source=pair.source, source_library=library,
                                              searches=searches)
        finally:
            progress.close()
    result = check_target(verification.source, verification.target, options,
                          verification.copies)
    cannot = cannot_move(verification.source, options)
    origin = "live" if pair.snapshot is None else str(pair.snapshot)
    if as_json:  # JSON keeps names exact: it escapes control characters itself
        document = verify_document(verification, result, cannot, options, utc_now(), origin,
                                   chosen)
        click.echo(render_verification_json(document), file=env.stdout, nl=False)
    else:
        echo(render_verification(verification, result, cannot, options, origin, full),
             file=env.stdout, nl=False)
        if not chosen.is_empty:
            where = "given now, not kept" if selection is not None else KEPT
            echo(f"\n{selection_line(chosen, where)}", file=env.stdout)
    if stopped is not None and not as_json:
        echo(f"\nNote: run {stopped.id} stopped before it was done ({stopped.state.value}); "
             "`spotify-transfer transfer` resumes it.", file=env.stdout)
    if not result.ok:
        raise Differs(
            f"The target differs from the source: {result.problems} difference(s), listed "
            f"{'in the document' if as_json else 'above'}.",
            advice="`spotify-transfer transfer` (with the same source) adds what is missing; "
                   "`spotify-transfer plan` shows what it would do. A copy changed in the new "
                   "account is left as it is.",
        )


def source_library(pair: Pair, match: bool) -> tuple[Library | None, int]:
    """The source's library when it comes from a file (with ``match``, the songs it names
    without an id looked up through the target account, as ``transfer --match`` does), and the
    searches that cost; None for a live source."""
    from transfer.sources.match import match_source

    if pair.source_file is None:
        return None, 0
    if not match:
        return pair.source_file.library, 0
    matching = match_source(pair.source_file, pair.target.search_tracks)
    return matching.source.library, matching.calls
