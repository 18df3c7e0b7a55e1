"""``spotify-transfer plan [--json] [--from-snapshot FILE]``: the dry-run diff preview."""

from __future__ import annotations

from pathlib import Path

import click

from transfer.environment import Environment
from transfer.render.safe import echo


@click.command("plan")
@click.option("--json", "as_json", is_flag=True,
              help="Print the versioned JSON document (docs/plan-json.md) instead of text.")
@click.option("--from-snapshot", "snapshot", default=None,
              type=click.Path(path_type=Path, dir_okay=False),
              help="Read the source from an earlier export instead of the live account.")
@click.option("--full", is_flag=True,
              help="List every playlist and every item that cannot move.")
@click.pass_obj
def command(env: Environment, as_json: bool, snapshot: Path | None, full: bool) -> None:
    """Show what `transfer` would do: what would be created, followed and saved, what is
    already there, what cannot move and why, and the API calls it will cost. Reads both
    accounts; never writes to either."""
    from transfer.commands.pair import make_engine, open_journal, open_pair, prepare
    from transfer.render import render_plan, render_plan_json
    from transfer.report.files import utc_now

    pair = open_pair(env, snapshot)
    with open_journal(env.settings, pair, create=False) as journal:
        engine = make_engine(env, pair, journal)
        prepared = prepare(env, engine)
        stopped = engine.unfinished()
    if as_json:  # JSON keeps names exact: it escapes control characters itself
        click.echo(render_plan_json(prepared.plan, utc_now(), prepared.reads, prepared.origin),
                   file=env.stdout, nl=False)
    else:
        echo(render_plan(prepared.plan, prepared.reads, prepared.origin, verbose=full),
             file=env.stdout, nl=False)
    if stopped is not None and not as_json:
        echo(f"\nNote: run {stopped.id} stopped before it was done ({stopped.state.value}); "
             "`spotify-transfer transfer` resumes it first.", file=env.stdout)
