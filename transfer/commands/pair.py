"""What ``plan``, ``transfer`` and ``demo`` share: the source -> target pair of accounts, its
journal, the engine that works on it, and running that engine with progress bars and a report.

Not a command itself (it is not listed in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from transfer.config import Settings
from transfer.engine import Engine, PreparedPlan, RunReport
from transfer.engine.reading import check_accounts
from transfer.environment import Environment
from transfer.errors import ConfigError, TransferError
from transfer.journal import Journal, RunRecord, journal_path
from transfer.models import Account
from transfer.plan import PlanOptions
from transfer.plan.selection import Selection
from transfer.progress import logging_above_bars
from transfer.render.safe import echo
from transfer.render.source import render_source
from transfer.report import ReportDocument, build_report, render_summary, write_report
from transfer.report.files import utc_now
from transfer.report.html import html_report_path, write_html_report
from transfer.sources import SourceFile, read_source
from transfer.sources.match import match_source
from transfer.sources.reading import SNAPSHOT
from transfer.spotify import SpotifyAdapter
from transfer.spotify.endpoints import SEARCH

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
    source_file: SourceFile | None = None
    """What ``snapshot`` held (a snapshot, a data download, CSVs or links), read once."""

    def adapters(self) -> list[SpotifyAdapter]:
        return [adapter for adapter in (self.source, self.target) if adapter is not None]

    def calls(self) -> int:
        """API calls made so far by this command, through both adapters."""
        return sum(sum(adapter.calls.values()) for adapter in self.adapters())


def open_pair(env: Environment, snapshot: Path | None, known: bool = False) -> Pair:
    """Who the source and target are; ``AccountMixup`` when they are the same user.

    A source file (``snapshot``: a snapshot or any format ``transfer.sources`` reads) is read
    first, so a bad file is refused before any request is made. With ``known`` the users
    recorded with the log-ins are taken without asking Spotify (as a sync does), so that
    ``--now`` sends its one probe and nothing before it.
    """
    from transfer.sync.users import identify

    def user(adapter: SpotifyAdapter, account: str) -> Account:
        if known:
            return identify(adapter, env.tokens(account), env.settings)
        found = adapter.me()
        env.tokens(account).remember_user(found.id, found.display_name)  # for a later --now
        return found

    source_file = read_source(snapshot) if snapshot is not None else None
    if source_file is not None:
        source_account = source_file.library.account
        source = None
    else:
        source = env.adapter("source")
        source_account = user(source, "source")
    target = env.adapter("target")
    target_account = user(target, "target")
    check_accounts(source_account, target_account)
    return Pair(target, source_account, target_account, source, snapshot, source_file)


def source_options(snapshot: Path | None, from_file: Path | None, match: bool) -> Path | None:
    """The one source file of ``--from-snapshot`` / ``--from-file``; refuses both at once, and
    ``--match`` without a file."""
    if snapshot is not None and from_file is not None:
        raise ConfigError("--from-snapshot and --from-file both name a source; give one.",
                          advice="--from-file reads snapshots too.")
    if match and from_file is None and snapshot is None:
        raise ConfigError("--match looks up the songs of a file that have no Spotify id; "
                          "it needs --from-file.", advice="Add --from-file PATH, or leave out "
                          "--match.")
    return from_file if from_file is not None else snapshot


def use_source_file(env: Environment, engine: Engine, pair: Pair, match: bool,
                    verbose: bool = False, stream: TextIO | None = None) -> int:
    """Show what the source file held (and with ``match``, look up by search the songs it names
    without an id, through the target account), and give the engine that library. Only reads;
    returns the searches made (``prepare`` counts them)."""
    source = pair.source_file
    if source is None or source.kinds == (SNAPSHOT,):
        return 0
    matching = match_source(source, pair.target.search_tracks) if match else None
    echo(render_source(source, matching, verbose), file=stream or env.stdout)
    engine.source_library = (matching.source if matching else source).library
    return matching.calls if matching else 0


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


def make_engine(env: Environment, pair: Pair, journal: Journal,
                selection: Selection | None = None, try_now: bool = False) -> Engine:
    """The pair's engine; with a ``selection``, its choices replace the settings' and each run
    begun keeps it for the next."""
    options = plan_options(env.settings)
    if selection is not None:
        options = selection.plan_options(options)
    library = pair.source_file.library if pair.source_file is not None else None
    return Engine(target=pair.target, journal=journal, source=pair.source,
                  snapshot=pair.snapshot, source_library=library, options=options,
                  selection=selection, try_now=try_now)


def prepare(env: Environment, engine: Engine, searches: int = 0) -> PreparedPlan:
    """Read both accounts and compute the plan, with progress bars on a terminal. ``searches``
    made for the source file (``--match``) count with the reads the plan cost."""
    progress = env.progress()
    engine.progress = progress
    try:
        with logging_above_bars(env.stderr):
            prepared = engine.prepare()
    finally:
        progress.close()
    if not searches:
        return prepared
    key = str(SEARCH)
    return replace(prepared, reads={**prepared.reads, key: prepared.reads.get(key, 0) + searches})


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
