"""``spotify-transfer plan [--json] [--from-snapshot FILE] [--only LIST] [--playlist P]...
[--exclude-playlist P]... [--all]``: the dry-run diff preview.

A selection given here is only previewed: ``plan`` keeps nothing (``transfer`` and ``sync``
keep it). Without one, the selection kept for the pair applies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from transfer.commands.selecting import selection_flags
from transfer.environment import Environment

if TYPE_CHECKING:
    from transfer.plan.selection import Selection


@click.command("plan")
@click.option("--json", "as_json", is_flag=True,
              help="Print the versioned JSON document (docs/plan-json.md) instead of text.")
@click.option("--from-snapshot", "snapshot", default=None,
              type=click.Path(path_type=Path, dir_okay=False),
              help="Read the source from an earlier export instead of the live account.")
@click.option("--full", is_flag=True,
              help="List every playlist and every item that cannot move.")
@selection_flags
@click.pass_obj
def command(env: Environment, as_json: bool, snapshot: Path | None, full: bool,
            selection: Selection | None) -> None:
    """Show what `transfer` would do: what would be created, followed and saved, what is
    already there, what is left out by the selection, what cannot move and why, and the API
    calls it will cost. Reads both accounts; never writes to either. A selection given here
    is previewed, not kept."""
    from transfer.commands.pair import make_engine, open_journal, open_pair, prepare
    from transfer.commands.selecting import KEPT, selection_line
    from transfer.plan.selection import load_selection
    from transfer.render import render_plan, render_plan_json
    from transfer.report.files import utc_now

    pair = open_pair(env, snapshot)
    with open_journal(env.settings, pair, create=False) as journal:
        chosen = selection if selection is not None else load_selection(journal)
        engine = make_engine(env, pair, journal, chosen)
        prepared = prepare(env, engine)
        stopped = engine.unfinished()
    if as_json:
        text = render_plan_json(prepared.plan, utc_now(), prepared.reads, prepared.origin,
                                selection=chosen)
    else:
        text = render_plan(prepared.plan, prepared.reads, prepared.origin, verbose=full)
    click.echo(text, file=env.stdout, nl=False)
    if not chosen.is_empty and not as_json:
        where = "given now; `transfer` and `sync` keep it" if selection is not None else KEPT
        click.echo(f"\n{selection_line(chosen, where)}", file=env.stdout)
    if stopped is not None and not as_json:
        click.echo(f"\nNote: run {stopped.id} stopped before it was done ({stopped.state.value}); "
                   "`spotify-transfer transfer` resumes it first.", file=env.stdout)
