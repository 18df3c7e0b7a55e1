"""The run report: the versioned JSON document of what a run did, its files, and the summary
printed at the end of a run (schema: ``docs/report-json.md``)."""

from transfer.report.document import (
    REPORT_DOCUMENT,
    REPORT_DOCUMENT_VERSION,
    ReportDocument,
    RunInfo,
    Summary,
    api_calls,
    build_report,
    render_report_json,
    report_json_schema,
)
from transfer.report.files import report_files, report_path, reports_folder, write_report
from transfer.report.links import open_url, playlist_url
from transfer.report.outcomes import describe
from transfer.report.results import (
    ApiCalls,
    CategoryResult,
    FailedAction,
    PlaylistResult,
    SkippedItem,
)
from transfer.report.summary import render_summary

__all__ = [
    "REPORT_DOCUMENT",
    "REPORT_DOCUMENT_VERSION",
    "ApiCalls",
    "CategoryResult",
    "FailedAction",
    "PlaylistResult",
    "ReportDocument",
    "RunInfo",
    "SkippedItem",
    "Summary",
    "api_calls",
    "build_report",
    "describe",
    "open_url",
    "playlist_url",
    "render_report_json",
    "render_summary",
    "report_files",
    "report_json_schema",
    "report_path",
    "reports_folder",
    "write_report",
]
