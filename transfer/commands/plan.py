"""``spotify-transfer plan [--json] [--from-snapshot FILE | --from-file PATH [--match]]
[--only LIST] [--playlist P]... [--exclude-playlist P]... [--all]``: the dry-run diff preview.

A selection given here is only previewed: ``plan`` keeps nothing (``transfer`` and ``sync``
keep it). Without one, the selection kept for the pair applies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from transfer.commands.exit_codes import exit_codes
from transfer.commands.selecting import selection_flags
from transfer.commands.source_flags import source_flags
from transfer.environment import Environment
from transfer.errors import ExitStatus
from transfer.render.safe import echo

if TYPE_CHECKING:
    from transfer.plan.selection import Selection


@click.command("plan", epilog=exit_codes(ExitStatus.PAUSED))
@click.option("--json", "as_json", is_flag=True,
              help="Print the versioned JSON document (docs/plan-json.md) instead of text.")
@source_flags
@click.option("--full", is_flag=True,
              help="List every playlist and every item that cannot move.")
@selection_flags
@click.pass_obj
def command(env: Environment, as_json: bool, snapshot: Path | None, from_file: Path | None,
            match: bool, full: bool, selection: Selection | None) -> None:
    """Show what `transfer` would do: what would be created, followed and saved, what is
    already there, what is left out by the selection, what cannot move and why, and the API
    calls it will cost. Reads both accounts; never writes to either. A selection given here
    is previewed, not kept."""
    from transfer.commands.pair import (
        make_engine,
        open_journal,
        open_pair,
        prepare,
        source_options,
        use_source_file,
    )
    from transfer.commands.selecting import KEPT, selection_line
    from transfer.plan.selection import load_selection
    from transfer.render import render_plan, render_plan_json
    from transfer.report.files import utc_now

    pair = open_pair(env, source_options(snapshot, from_file, match))
    with open_journal(env.settings, pair, create=False) as journal:
        chosen = selection if selection is not None else load_selection(journal)
        engine = make_engine(env, pair, journal, chosen)
        searches = use_source_file(env, engine, pair, match, full,
                                   env.stderr if as_json else None)
        prepared = prepare(env, engine, searches)
        stopped = engine.unfinished()
    if as_json:  # JSON keeps names exact: it escapes control characters itself
        click.echo(render_plan_json(prepared.plan, utc_now(), prepared.reads, prepared.origin,
                                    selection=chosen), file=env.stdout, nl=False)
    else:
        echo(render_plan(prepared.plan, prepared.reads, prepared.origin, verbose=full),
             file=env.stdout, nl=False)
    if not chosen.is_empty and not as_json:
        where = "given now; `transfer` and `sync` keep it" if selection is not None else KEPT
        echo(f"\n{selection_line(chosen, where)}", file=env.stdout)
    if stopped is not None and not as_json:
        echo(f"\nNote: run {stopped.id} stopped before it was done ({stopped.state.value}); "
             "`spotify-transfer transfer` resumes it first.", file=env.stdout)
