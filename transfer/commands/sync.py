"""``spotify-transfer sync [--mirror [--force]] [--every DURATION] [--full] [-q] [--only LIST]
[--playlist P]... [--exclude-playlist P]... [--all]``: one-way incremental sync, made for
schedulers. It follows the selection kept for the pair; one given here replaces it.

It never prompts (log-ins come from the stored tokens or the refresh tokens in the
environment), prints one line per sync (what changed, the calls it cost, how it ended), logs to
``$SPOTIFY_TRANSFER_HOME/logs/sync.log``, and exits with the contract's codes (its --help lists
them). ``--every`` keeps syncing in a loop.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from types import FrameType
from typing import TYPE_CHECKING

import click

from transfer.commands.exit_codes import exit_codes
from transfer.commands.selecting import selection_flags
from transfer.environment import Environment
from transfer.errors import ConfigError, ExitStatus, RateLimited, TransferError
from transfer.render.safe import echo

if TYPE_CHECKING:
    from transfer.plan.selection import Selection
    from transfer.sync.job import SyncJob, SyncRequest, SyncTally

log = logging.getLogger(__name__)


@click.command("sync", epilog=exit_codes(ExitStatus.BUSY, ExitStatus.PAUSED, notes={
    ExitStatus.ERROR: "error (also: --mirror refused without --force)",
    ExitStatus.PAUSED: "paused: Spotify asked to wait (the next sync resumes after the time "
                       "shown)",
}))
@click.option("--mirror", is_flag=True,
              help="Also take out of the target what was taken out of the source (only what "
                   "this tool added there).")
@click.option("--force", is_flag=True,
              help="With --mirror: go on even when the source looks emptied or more than "
                   "[sync] max_removal_share would be removed, in all or of one category "
                   "(with --every: the first sync only).")
@click.option("--every", metavar="DURATION", default=None,
              help="Keep running: a sync every DURATION (30m, 6h, 1d), for machines without "
                   "cron or systemd. Ctrl-C stops it.")
@click.option("--full", is_flag=True,
              help="Read both libraries in full this time, not only what changed.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when nothing changed.")
@click.option("--now", is_flag=True,
              help="Resume a paused run before the time Spotify gave: one request tries "
                   "whether Spotify takes requests again; if not, it pauses again (exit 75) "
                   "with the new time (with --every: the first sync only).")
@selection_flags
@click.pass_obj
def command(env: Environment, mirror: bool, force: bool, every: str | None, full: bool,
            quiet: bool, now: bool, selection: Selection | None) -> None:
    """Bring the target up to date with what changed in the source since the last run:
    new playlists, new items (in order), details and covers of the copies, new likes, saved
    albums, shows, episodes, audiobooks and followed artists. Cheap when nothing changed.
    Follows the selection kept for these accounts (from the last transfer or sync); one given
    here replaces it."""
    from transfer.spotify.retry import utc_now
    from transfer.sync.durations import parse_duration
    from transfer.sync.job import SyncRequest
    from transfer.sync.logfile import logging_to_file
    from transfer.sync.scheduling import Every

    if force and not mirror:
        raise ConfigError("--force goes with --mirror.",
                          advice="Run `spotify-transfer sync --mirror --force`.")
    interval = parse_duration(every) if every is not None else None
    request = SyncRequest(mirror=mirror, force=force, full=full, selection=selection, now=now)
    with logging_to_file(env.settings.home), _sigterm_as_interrupt():
        if interval is None:
            sync_once(env, request, quiet)
            return
        log.info("Syncing every %s", every)
        turns = [request, replace(request, force=False, full=False, now=False)]

        def turn() -> None:
            sync_once(env, turns[0], quiet)
            turns[:] = turns[-1:]  # --force, --full and --now are for the first sync only

        def report(line: str) -> None:
            log.info("%s", line)
            echo(line, file=env.stdout)

        Every(interval, turn, report=report, sleep=env.sleep, clock=utc_now).run()


def sync_once(env: Environment, request: SyncRequest, quiet: bool = False) -> None:
    """One sync with its summary line (printed, and logged), its reports, and the error that
    stopped it raised again for the exit code."""
    from transfer.progress import logging_above_bars
    from transfer.sync.summary import summary_line

    job = make_job(env, request)
    progress = env.progress()
    job.progress = progress
    ending = "done"
    try:
        with logging_above_bars(env.stderr):
            job.run()
    except TransferError as error:
        ending = ending_of(error)
        raise
    except KeyboardInterrupt:
        ending = "interrupted"
        raise
    finally:
        progress.close()
        tally = job.tally
        line = summary_line(tally.source, tally.target, tally.changes, tally.calls, ending)
        log.info("%s", line)
        if not (quiet and ending == "done" and tally.changes.empty and not tally.changes.failed):
            echo(line, file=env.stdout)
        _write_reports(env, tally)


def make_job(env: Environment, request: SyncRequest) -> SyncJob:
    from transfer.commands.pair import plan_options
    from transfer.journal import Journal, journal_path
    from transfer.models import Account
    from transfer.sync.job import SyncJob
    from transfer.sync.users import identify

    settings = env.settings
    source, target = env.adapter("source"), env.adapter("target")

    def open_journal(source_account: Account, target_account: Account) -> Journal:
        return Journal.open(journal_path(settings.home, source_account.id, target_account.id))

    return SyncJob(
        source=source,
        target=target,
        options=plan_options(settings),
        identify_source=lambda: identify(source, env.tokens("source"), settings),
        identify_target=lambda: identify(target, env.tokens("target"), settings),
        open_journal=open_journal,
        request=request,
        max_removal_share=settings.sync.max_removal_share,
        playlist_pages=settings.sync.playlist_pages,
    )


def ending_of(error: TransferError) -> str:
    """How a sync that stopped on ``error`` ended, in a few words for the summary line."""
    from transfer.journal import JournalBusy
    from transfer.render.words import resume_time
    from transfer.sync.job import MirrorRefused

    if isinstance(error, RateLimited):
        return f"paused until {resume_time(error.resume_at)}"
    if isinstance(error, JournalBusy):
        return "skipped: another sync of these accounts is running"
    if isinstance(error, MirrorRefused):
        return "refused: --mirror would remove too much (see the message)"
    return f"failed: {error.message}"


def _write_reports(env: Environment, tally: SyncTally) -> None:
    """The JSON and HTML reports of the runs that did something or stopped early (a sync
    that found nothing to do leaves none: schedulers would pile them up)."""
    from transfer.commands.pair import write_reports
    from transfer.journal import Journal, Outcome, RunState, journal_path
    from transfer.report import build_report
    from transfer.report.files import utc_now

    if tally.source is None or tally.target is None or not tally.run_ids:
        return
    path = journal_path(env.settings.home, tally.source.id, tally.target.id)
    try:
        with Journal.open(path) as journal:
            for run_id in tally.run_ids:
                wrote = journal.actions(run_id, [Outcome.DONE, Outcome.FAILED])
                if wrote or journal.run(run_id).state is not RunState.DONE:
                    write_reports(env.settings.home, build_report(journal, run_id, utc_now()))
    except TransferError as error:
        log.warning("The report of the sync could not be written: %s", error)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """A scheduler stopping the job (SIGTERM) stops it as Ctrl-C does: the run is recorded as
    interrupted and resumes next time."""

    def interrupt(number: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an in-process test runner)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
