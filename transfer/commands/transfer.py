"""``spotify-transfer transfer [--yes] [--from-snapshot FILE | --from-file PATH [--match]]
[--only LIST] [--playlist P]... [--exclude-playlist P]... [--all]``: plan, confirm, apply.

A run that stopped before it was done (paused, interrupted, failed, killed) is resumed first,
without reading the libraries again. Otherwise both accounts are read, the plan is shown and,
once confirmed, that very plan is applied. Every run ends with a summary and a JSON report.

A selection given with the flags is kept with the run it begins, so later runs follow it
(:mod:`transfer.plan.selection`); given while a stopped run is resumed, it is kept for the next
run (the resumed one goes on as it was planned).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from transfer.commands.exit_codes import exit_codes
from transfer.commands.selecting import selection_flags
from transfer.commands.source_flags import source_flags
from transfer.environment import Environment
from transfer.errors import ConfigError, ExitStatus, TransferError
from transfer.render.safe import echo, safe_name

if TYPE_CHECKING:
    from transfer.commands.pair import Outcome, Pair
    from transfer.engine import Engine
    from transfer.journal import RunRecord
    from transfer.plan.selection import Selection

NO_TERMINAL = ConfigError(
    "transfer asks for a confirmation, but no one can answer it here (no terminal).",
    advice="Pass --yes to apply the plan without asking (for scripts and scheduled jobs); "
    "`spotify-transfer plan` shows it first.",
)


@click.command("transfer", epilog=exit_codes(ExitStatus.BUSY, ExitStatus.PAUSED, notes={
    ExitStatus.ERROR: "error, or the plan was not confirmed",
    ExitStatus.USAGE: "usage or settings error, bad input file, or the same account twice",
}))
@click.option("-y", "--yes", is_flag=True, help="Apply the plan without asking.")
@source_flags
@click.option("--full", is_flag=True,
              help="List every playlist and every item that cannot move.")
@click.option("--now", is_flag=True,
              help="Resume a paused run before the time Spotify gave: one request tries "
                   "whether Spotify takes requests again; if not, it pauses again (exit 75) "
                   "with the new time.")
@selection_flags
@click.pass_obj
def command(env: Environment, yes: bool, snapshot: Path | None, from_file: Path | None,
            match: bool, full: bool, now: bool, selection: Selection | None) -> None:
    """Move the source account's library into the target account: computes the plan (as
    `plan` shows it), asks, then applies it with progress bars. Safe to run again at any
    moment: it resumes where it stopped and never doubles anything. The selection (--only,
    --playlist, --exclude-playlist) is kept for these accounts: later transfers and syncs
    follow it until flags replace it or --all clears it. The order Spotify gives the items of
    one save is learnt from the first batch of Liked Songs; if it mixes them up, keeping the
    order takes a call per song, and transfer asks before spending them (--yes accepts; a no
    stops with nothing lost)."""
    from transfer.commands.pair import make_engine, open_journal, open_pair, source_options
    from transfer.plan.selection import load_selection

    pair = open_pair(env, source_options(snapshot, from_file, match), known=now)
    with open_journal(env.settings, pair) as journal:
        chosen = selection if selection is not None else load_selection(journal)
        engine = make_engine(env, pair, journal, chosen, try_now=now)
        engine.approve_extra_calls = (lambda calls: True) if yes else (
            lambda calls: extra_calls_approved(env, calls))
        stopped = engine.unfinished()
        if stopped is not None:
            keep_for_next_run(env, engine, selection)
            outcome = resume(env, engine, pair, stopped, full)
        else:
            if not yes and not env.stdin.isatty():
                raise NO_TERMINAL
            outcome = plan_and_apply(env, engine, pair, yes, full, given=selection is not None,
                                     match=match)
    if outcome.document.failures:
        raise TransferError(
            f"Spotify refused {len(outcome.document.failures)} write(s); they are listed above "
            "and in the report.",
            advice="Run `spotify-transfer transfer` again to retry them.",
        )


def keep_for_next_run(env: Environment, engine: Engine, selection: Selection | None) -> None:
    """A selection given while a stopped run is resumed: kept (with that run) for the next."""
    from transfer.commands.selecting import selection_line
    from transfer.plan.selection import save_selection

    if selection is not None and save_selection(engine.journal, selection):
        where = "kept for these accounts; the stopped run goes on as planned, the next follows it"
        echo(selection_line(selection, where) + "\n", file=env.stdout)


def resume(env: Environment, engine: Engine, pair: Pair, stopped: RunRecord, full: bool
           ) -> Outcome:
    from transfer.commands.pair import run_with_report
    from transfer.journal import Outcome as ActionOutcome
    from transfer.journal import RunState
    from transfer.report.files import utc_now

    left = engine.journal.actions(stopped.id, [ActionOutcome.PENDING, ActionOutcome.SENT,
                                               ActionOutcome.UNKNOWN])
    how = "was killed" if stopped.state is RunState.RUNNING else f"is {stopped.state.value}"
    origin = "" if stopped.origin == "live" else f" (planned from {stopped.origin})"
    waiting = stopped.resume_at is not None and stopped.resume_at > utc_now()
    then = "it may go on later" if waiting else "resuming it without reading the libraries again"
    echo(f"Run {stopped.id}{origin} {how}, with {len(left)} write(s) left: {then}.\n",
         file=env.stdout)
    return run_with_report(env, engine, pair, lambda: engine.resume(stopped), full)


def plan_and_apply(env: Environment, engine: Engine, pair: Pair, yes: bool, full: bool,
                   given: bool = False, match: bool = False) -> Outcome:
    """Read, show the plan, confirm, apply. ``given``: the engine's selection was given now
    (it is kept once the run begins); ``match``: look up the file's entries without an id."""
    from transfer.commands.pair import prepare, run_with_report, use_source_file
    from transfer.commands.selecting import KEPT, selection_line
    from transfer.render import render_plan

    searches = use_source_file(env, engine, pair, match, full)
    prepared = prepare(env, engine, searches)
    echo(render_plan(prepared.plan, prepared.reads, prepared.origin, verbose=full),
         file=env.stdout)
    if engine.selection is not None and not engine.selection.is_empty:
        where = "given now, kept for these accounts once applied" if given else KEPT
        echo(selection_line(engine.selection, where) + "\n", file=env.stdout)
    if not prepared.plan.is_empty and not yes and not confirmed(env, pair):
        echo("Cancelled: nothing was changed.", file=env.stdout)
        raise click.exceptions.Exit(1)
    return run_with_report(env, engine, pair, lambda: engine.apply(prepared), full)


def confirmed(env: Environment, pair: Pair) -> bool:
    target = pair.target_account
    name = f"{safe_name(target.display_name)} ({target.id})" if target.display_name else target.id
    echo(f"Apply this plan to {name}? [y/N] ", file=env.stderr, nl=False)
    answer = env.stdin.readline()
    if not answer:
        raise NO_TERMINAL
    return answer.strip().lower() in ("y", "yes")


def extra_calls_approved(env: Environment, calls: int) -> bool:
    """Asked during a run (``--yes`` answers yes): Spotify turned out to mix up the order of
    the items of one save, so keeping the order takes a call per item. No answer possible
    (no terminal) is a no: the run stops, nothing lost, and says to run again with --yes."""
    echo(f"\nSpotify mixes up the order of the songs of one save: keeping the order of the "
         f"Liked Songs (and other saved items) takes {calls} more call(s), one per item. "
         "Spend them? [y/N] ", file=env.stderr, nl=False)
    answer = env.stdin.readline()
    return answer.strip().lower() in ("y", "yes")
