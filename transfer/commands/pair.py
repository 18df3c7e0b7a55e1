"""What ``plan``, ``transfer`` and ``demo`` share: the source -> target pair of accounts, its
journal, the engine that works on it, and running that engine with progress bars and a report.

Not a command itself (it is not listed in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from transfer.config import Settings
from transfer.engine import Engine, PreparedPlan, RunReport
from transfer.engine.reading import check_accounts
from transfer.environment import Environment
from transfer.errors import TransferError
from transfer.export import load_snapshot
from transfer.journal import Journal, RunRecord, journal_path
from transfer.models import Account
from transfer.plan import PlanOptions
from transfer.progress import logging_above_bars
from transfer.render.safe import echo
from transfer.report import ReportDocument, build_report, render_summary, write_report
from transfer.report.files import utc_now
from transfer.report.html import html_report_path, write_html_report
from transfer.spotify import SpotifyAdapter

log = logging.getLogger(__name__)

MEMORY = ":memory:"


@dataclass
class Pair:
    """The two accounts of a transfer. The source is live (``source``) or a snapshot file."""

    target: SpotifyAdapter
    source_account: Account
    target_account: Account
    source: SpotifyAdapter | None = None
    snapshot: Path | None = None

    def adapters(self) -> list[SpotifyAdapter]:
        return [adapter for adapter in (self.source, self.target) if adapter is not None]

    def calls(self) -> int:
        """API calls made so far by this command, through both adapters."""
        return sum(sum(adapter.calls.values()) for adapter in self.adapters())


def open_pair(env: Environment, snapshot: Path | None) -> Pair:
    """Who the source and target are; ``AccountMixup`` when they are the same user.

    A snapshot is read first, so a bad file is refused before any request is made.
    """
    if snapshot is not None:
        source_account = load_snapshot(snapshot).account
        source = None
    else:
        source = env.adapter("source")
        source_account = source.me()
    target = env.adapter("target")
    target_account = target.me()
    check_accounts(source_account, target_account)
    return Pair(target, source_account, target_account, source, snapshot)


def plan_options(settings: Settings) -> PlanOptions:
    """The ``[transfer]`` settings as plan options. With ``preserve_liked_dates`` the dated
    saves are tried: an app without Extended Quota is refused by Spotify and the engine then
    saves the songs oldest first, with a warning."""
    chosen = settings.transfer.model_dump()
    return PlanOptions.model_validate({**chosen, "extended_quota": chosen["preserve_liked_dates"]})


@contextmanager
def open_journal(settings: Settings, pair: Pair, create: bool = True) -> Iterator[Journal]:
    """The pair's journal; with ``create`` False an absent one is an empty one in memory (so
    ``plan`` leaves no file behind)."""
    path = journal_path(settings.home, pair.source_account.id, pair.target_account.id)
    with Journal.open(path if create or path.exists() else MEMORY) as journal:
        yield journal


def make_engine(env: Environment, pair: Pair, journal: Journal) -> Engine:
    return Engine(target=pair.target, journal=journal, source=pair.source,
                  snapshot=pair.snapshot, options=plan_options(env.settings))


def prepare(env: Environment, engine: Engine) -> PreparedPlan:
    """Read both accounts and compute the plan, with progress bars on a terminal."""
    progress = env.progress()
    engine.progress = progress
    try:
        with logging_above_bars(env.stderr):
            return engine.prepare()
    finally:
        progress.close()


@dataclass(frozen=True)
class Outcome:
    """How a command's run ended: the engine's report, the document and where it was written."""

    run: RunReport
    document: ReportDocument
    path: Path


def run_with_report(
    env: Environment,
    engine: Engine,
    pair: Pair,
    start: Callable[[], RunReport],
    full: bool = False,
) -> Outcome:
    """Run ``start`` (an apply or a resume of ``engine``) with progress bars, then write the
    report and print the summary. A run that stops (pause, Ctrl-C, error) gets its report too,
    and the error goes on to the CLI's handler."""
    journal = engine.journal
    latest = _latest_run(journal)
    progress = env.progress()
    engine.progress = progress
    try:
        with logging_above_bars(env.stderr):
            report = start()
    except (TransferError, KeyboardInterrupt):
        progress.close()
        _report_stopped_run(env, journal, latest, pair, full)
        raise
    finally:
        progress.close()
    document = build_report(journal, report.run_id, utc_now(), resumed=report.resumed,
                            warnings=report.warnings)
    try:
        path, html = write_reports(env.settings.home, document)
    except TransferError as error:
        # The run is done and journaled: say so, with its summary, before the report's error.
        echo(render_summary(document, None, full, pair.calls()), file=env.stdout, nl=False)
        raise TransferError(f"Run {report.run_id} is done, but {error.message[0].lower()}"
                            f"{error.message[1:]}", advice=error.advice) from None
    echo(render_summary(document, path, full, pair.calls(), html_path=html),
         file=env.stdout, nl=False)
    return Outcome(report, document, path)


def write_reports(home: Path, document: ReportDocument) -> tuple[Path, Path]:
    """The JSON report and the readable HTML page beside it; their paths."""
    path = write_report(home, document)
    return path, write_html_report(document, html_report_path(path))


def _latest_run(journal: Journal) -> RunRecord | None:
    runs = journal.runs(limit=1)
    return runs[0] if runs else None


def _report_stopped_run(env: Environment, journal: Journal, before: RunRecord | None,
                        pair: Pair, full: bool) -> None:
    """Write the report of a run that stopped, when this command moved it at all (a resume
    refused before it began leaves the run as it was, and gets no new report)."""
    try:
        latest = _latest_run(journal)
        if latest is None or latest == before:
            return
        document = build_report(journal, latest.id, utc_now())
        path, html = write_reports(env.settings.home, document)
    except TransferError as error:  # the error that stopped the run matters more
        log.warning("The report of the stopped run could not be written: %s", error)
        return
    text = render_summary(document, path, full, pair.calls(), heading=False, html_path=html)
    echo(f"Until it stopped:\n\n{text}", file=env.stdout, nl=False)
