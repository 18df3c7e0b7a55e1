"""Where report files live and how they are written.

``<home>/reports/<source>__<target>/<run id>-<UTC time>.json``: one folder per source -> target
pair (named as its journal), one file each time a run ends (a paused run that is resumed later
gets a second file, which reports the whole run). Files are written atomically: a reader never
sees half a report. The HTML report goes next to the JSON one, with the same name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from transfer.files import write_atomically
from transfer.journal import journal_path
from transfer.report.document import ReportDocument, render_report_json


def reports_folder(home: Path, source_id: str, target_id: str) -> Path:
    """The reports of one source -> target pair."""
    return home / "reports" / journal_path(home, source_id, target_id).stem


def report_path(home: Path, document: ReportDocument) -> Path:
    """A new file's path: ``<run id>-<UTC time>.json`` (``-2``, ``-3``... within a second)."""
    moment = document.generated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = reports_folder(home, document.source.id, document.target.id)
    path = folder / f"{document.run.id}-{moment}.json"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{document.run.id}-{moment}-{number}.json"
    return path


def write_report(home: Path, document: ReportDocument) -> Path:
    """Write the JSON report under ``home``; its path."""
    path = report_path(home, document)
    write_atomically(path, render_report_json(document).encode(), "report")
    return path


def report_files(home: Path, source_id: str, target_id: str) -> list[Path]:
    """The JSON reports of a pair, oldest first."""
    folder = reports_folder(home, source_id, target_id)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.json"), key=_order)


def _order(path: Path) -> tuple[int, str, int]:
    """Run id, then time, then the number within a second."""
    run, _, rest = path.stem.partition("-")
    moment, _, number = rest.partition("-")
    return int(run) if run.isdigit() else -1, moment, int(number) if number.isdigit() else 1


def utc_now() -> datetime:
    return datetime.now(UTC)
