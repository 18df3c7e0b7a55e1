"""``spotify-transfer transfer [--yes] [--from-snapshot FILE]``: plan, confirm, apply.

A run that stopped before it was done (paused, interrupted, failed, killed) is resumed first,
without reading the libraries again. Otherwise both accounts are read, the plan is shown and,
once confirmed, that very plan is applied. Every run ends with a summary and a JSON report.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from transfer.environment import Environment
from transfer.errors import ConfigError, TransferError
from transfer.render.safe import echo, safe_name

if TYPE_CHECKING:
    from transfer.commands.pair import Outcome, Pair
    from transfer.engine import Engine
    from transfer.journal import RunRecord

NO_TERMINAL = ConfigError(
    "transfer asks for a confirmation, but no one can answer it here (no terminal).",
    advice="Pass --yes to apply the plan without asking (for scripts and scheduled jobs); "
    "`spotify-transfer plan` shows it first.",
)


@click.command("transfer")
@click.option("-y", "--yes", is_flag=True, help="Apply the plan without asking.")
@click.option("--from-snapshot", "snapshot", default=None,
              type=click.Path(path_type=Path, dir_okay=False),
              help="Read the source from an earlier export (when the old account is gone).")
@click.option("--full", is_flag=True,
              help="List every playlist and every item that cannot move.")
@click.pass_obj
def command(env: Environment, yes: bool, snapshot: Path | None, full: bool) -> None:
    """Move the source account's library into the target account: computes the plan (as
    `plan` shows it), asks, then applies it with progress bars. Safe to run again at any
    moment: it resumes where it stopped and never doubles anything. Exit codes: 0 done,
    1 error or cancelled, 2 bad input or the same account twice, 75 paused by Spotify (run
    it again after the time it says), 130 interrupted (run it again to resume)."""
    from transfer.commands.pair import make_engine, open_journal, open_pair

    pair = open_pair(env, snapshot)
    with open_journal(env.settings, pair) as journal:
        engine = make_engine(env, pair, journal)
        stopped = engine.unfinished()
        if stopped is not None:
            outcome = resume(env, engine, pair, stopped, full)
        else:
            if not yes and not env.stdin.isatty():
                raise NO_TERMINAL
            outcome = plan_and_apply(env, engine, pair, yes, full)
    if outcome.document.failures:
        raise TransferError(
            f"Spotify refused {len(outcome.document.failures)} write(s); they are listed above "
            "and in the report.",
            advice="Run `spotify-transfer transfer` again to retry them.",
        )


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


def plan_and_apply(env: Environment, engine: Engine, pair: Pair, yes: bool, full: bool
                   ) -> Outcome:
    from transfer.commands.pair import prepare, run_with_report
    from transfer.render import render_plan

    prepared = prepare(env, engine)
    echo(render_plan(prepared.plan, prepared.reads, prepared.origin, verbose=full),
         file=env.stdout)
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
