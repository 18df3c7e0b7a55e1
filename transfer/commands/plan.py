"""``spotify-transfer plan [--json] [--from-snapshot FILE | --from-file PATH [--match]]``: the
dry-run diff preview."""

from __future__ import annotations

from pathlib import Path

import click

from transfer.environment import Environment


@click.command("plan")
@click.option("--json", "as_json", is_flag=True,
              help="Print the versioned JSON document (docs/plan-json.md) instead of text.")
@click.option("--from-snapshot", "snapshot", default=None,
              type=click.Path(path_type=Path, dir_okay=False),
              help="Read the source from an earlier export instead of the live account.")
@click.option("--from-file", "from_file", default=None,
              type=click.Path(path_type=Path),
              help="Read the source from a file instead of the old account: Spotify's data "
                   "download (zip or folder), Exportify CSVs (file, folder or zip), a list of "
                   "Spotify links, or a snapshot.")
@click.option("--match", is_flag=True,
              help="With --from-file: look up by search the songs the file names without a "
                   "Spotify id (exact title and artist only).")
@click.option("--full", is_flag=True,
              help="List every playlist and every item that cannot move.")
@click.pass_obj
def command(env: Environment, as_json: bool, snapshot: Path | None, from_file: Path | None,
            match: bool, full: bool) -> None:
    """Show what `transfer` would do: what would be created, followed and saved, what is
    already there, what cannot move and why, and the API calls it will cost. Reads both
    accounts; never writes to either."""
    from transfer.commands.pair import (
        make_engine,
        open_journal,
        open_pair,
        prepare,
        source_options,
        use_source_file,
    )
    from transfer.render import render_plan, render_plan_json
    from transfer.report.files import utc_now

    pair = open_pair(env, source_options(snapshot, from_file, match))
    with open_journal(env.settings, pair, create=False) as journal:
        engine = make_engine(env, pair, journal)
        searches = use_source_file(env, engine, pair, match, full,
                                   env.stderr if as_json else None)
        prepared = prepare(env, engine, searches)
        stopped = engine.unfinished()
    if as_json:
        text = render_plan_json(prepared.plan, utc_now(), prepared.reads, prepared.origin)
    else:
        text = render_plan(prepared.plan, prepared.reads, prepared.origin, verbose=full)
    click.echo(text, file=env.stdout, nl=False)
    if stopped is not None and not as_json:
        click.echo(f"\nNote: run {stopped.id} stopped before it was done ({stopped.state.value}); "
                   "`spotify-transfer transfer` resumes it first.", file=env.stdout)
