"""``spotify-transfer undo [--yes] [--source USER_ID]``: take a transfer back.

Removes from the target account exactly what the tool added there, as its journal records it
(copies it created, playlists and artists it followed, items it saved), after a preview and a
confirmation. What the target had before is never touched. Only the target account is used:
an undo works after the source account is gone. An undo that stopped (paused by Spotify,
interrupted, killed) is resumed by running the command again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.errors import ConfigError, ExitStatus, TransferError
from transfer.render.safe import echo, safe_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from transfer.journal import RunRecord
    from transfer.models import Account
    from transfer.undo import Undo, UndoReport

NO_TERMINAL = ConfigError(
    "undo asks for a confirmation, but no one can answer it here (no terminal).",
    advice="Pass --yes to undo without asking; run `spotify-transfer undo` in a terminal to "
    "see what it would remove first.",
)


@click.command("undo", epilog=exit_codes(ExitStatus.BUSY, ExitStatus.PAUSED, notes={
    ExitStatus.OK: "done, or nothing to undo",
    ExitStatus.ERROR: "error, or the removal was not confirmed",
}))
@click.option("-y", "--yes", is_flag=True, help="Undo without asking.")
@click.option("--source", "source_id", default=None, metavar="USER_ID",
              help="Which transfer to take back when several accounts were moved into the "
              "target (the source account's Spotify user id).")
@click.option("--full", is_flag=True, help="List every playlist the undo removes.")
@click.pass_obj
def command(env: Environment, yes: bool, source_id: str | None, full: bool) -> None:
    """Take back a transfer: remove from the target account what spotify-transfer added
    there (playlists it created, playlists and artists it followed, items it saved), and
    nothing else. Shows what it will remove and asks first."""
    from transfer.journal import Journal
    from transfer.undo import Undo

    target = env.adapter("target")
    account = target.me()
    path = _journal_of(env, account, source_id)
    if path is None:
        echo(f"Nothing to undo: no transfer into {_name(account)} is recorded in "
             f"{env.settings.home}.", file=env.stdout)
        return
    with Journal.open(path) as journal:
        undo = Undo(target=target, journal=journal)
        stopped = undo.unfinished()
        report = (_resume(env, undo, stopped) if stopped is not None
                  else _plan_and_apply(env, undo, yes, full))
    if report is None:
        return
    _finish(env, report, account)


def _journal_of(env: Environment, account: Account, source_id: str | None) -> Path | None:
    from transfer.status.journals import journals_into

    journals = journals_into(env.settings.home, account.id)
    if source_id is not None:
        chosen = [journal for journal in journals if journal.source_id == source_id]
        if not chosen:
            raise ConfigError(
                f"No transfer from {source_id} into {_name(account)} is recorded.",
                advice=_sources_advice([journal.source_id for journal in journals]),
            )
        return chosen[0].path
    if len(journals) > 1:
        sources = [journal.source_id for journal in journals]
        raise ConfigError(
            f"Several accounts were moved into {_name(account)}: {', '.join(sources)}.",
            advice=f"Choose one with --source, e.g. `spotify-transfer undo --source {sources[0]}`.",
        )
    return journals[0].path if journals else None


def _sources_advice(sources: list[str]) -> str:
    if not sources:
        return "`spotify-transfer status` lists the transfers that are recorded."
    return f"Recorded sources for this target: {', '.join(sources)}."


def _resume(env: Environment, undo: Undo, stopped: RunRecord) -> UndoReport | None:
    from transfer.journal import Outcome
    from transfer.undo.render import render_resume

    left = undo.journal.actions(stopped.id, [Outcome.PENDING, Outcome.SENT, Outcome.UNKNOWN])
    echo(render_resume(stopped, undo.items_of(stopped.id), len(left)), file=env.stdout)
    return _with_progress(env, undo, lambda: undo.resume(stopped))


def _plan_and_apply(env: Environment, undo: Undo, yes: bool, full: bool) -> UndoReport | None:
    from transfer.undo import render_undo_plan

    prepared = undo.prepare()
    echo(render_undo_plan(prepared.plan, prepared.items, prepared.reads, prepared.stopped,
                                full), file=env.stdout)
    if prepared.plan.is_empty:
        undo.apply(prepared)  # closes stopped runs, if any; sends nothing
        return None
    if not yes and not env.stdin.isatty():
        raise NO_TERMINAL
    if not yes and not _confirmed(env, prepared.plan.target):
        echo("Cancelled: nothing was changed.", file=env.stdout)
        raise click.exceptions.Exit(1)
    return _with_progress(env, undo, lambda: undo.apply(prepared))


def _with_progress(env: Environment, undo: Undo, start: Callable[[], UndoReport | None]
                   ) -> UndoReport | None:
    from transfer.progress import logging_above_bars

    progress = env.progress()
    undo.progress = progress
    try:
        with logging_above_bars(env.stderr):
            return start()
    finally:
        progress.close()


def _confirmed(env: Environment, target: Account) -> bool:
    echo(f"Remove all of this from {_name(target)}? [y/N] ", file=env.stderr, nl=False)
    answer = env.stdin.readline()
    if not answer:
        raise NO_TERMINAL
    return answer.strip().lower() in ("y", "yes")


def _finish(env: Environment, report: UndoReport, account: Account) -> None:
    from transfer.undo import render_undo_summary

    echo(render_undo_summary(report, account), file=env.stdout, nl=False)
    if report.failures:
        raise TransferError(
            f"Spotify refused {len(report.failures)} removal(s); they are listed above.",
            advice="Run `spotify-transfer undo` again to retry them.",
        )


def _name(account: Account) -> str:
    return f"{safe_name(account.display_name)} ({account.id})" if account.display_name \
        else account.id
