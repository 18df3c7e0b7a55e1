"""Page 6, the result: the report of the pair's latest transfer (the JSON and HTML reports
the engine wrote), links to open items in Spotify, and undo with a preview, then a confirm."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from transfer.app.forms import checked_form
from transfer.app.jobs import Job, undo_work
from transfer.app.pages import page, state_of
from transfer.app.pairing import pair_ids, pair_journal
from transfer.app.routes_run import cancel, go
from transfer.app.security import REPORT_CSP
from transfer.errors import TransferError
from transfer.report import ReportDocument
from transfer.report.files import report_files
from transfer.report.html import html_report_path

TITLE = "The result"
TITLE_UNDO = "Undo the transfer"


def latest_report(request: Request) -> tuple[ReportDocument, Path] | None:
    """The pair's latest transfer or sync report (a JSON file the engine's run wrote)."""
    state = state_of(request)
    ids = pair_ids(state)
    if ids is None:
        return None
    for path in reversed(report_files(state.settings().home, *ids)):
        try:
            document = ReportDocument.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if document.run.kind.value != "undo":
            return document, path
    return None


async def result(request: Request) -> Response:
    try:
        found = latest_report(request)
    except TransferError as error:
        return page(request, "result.html", "result", title=TITLE, error=error.message,
                    advice=error.advice, document=None)
    return page(request, "result.html", "result", title=TITLE,
                document=found[0] if found else None)


async def report_page(request: Request) -> Response:
    """The HTML report the engine wrote beside the JSON one."""
    found = latest_report(request)
    if found is None:
        raise HTTPException(404, "No report yet.")
    html = html_report_path(found[1])
    if not html.is_file():
        raise HTTPException(404, "The HTML report is not there.")
    return HTMLResponse(html.read_text(encoding="utf-8"),
                        headers={"Content-Security-Policy": REPORT_CSP})


async def undo_start(request: Request) -> Response:
    await checked_form(request)
    state = state_of(request)
    path = pair_journal(state)
    if path is None:
        return page(request, "undo.html", "result", status=400, title=TITLE_UNDO,
                    error="Nothing to undo: no transfer between these accounts is recorded.")
    if state.start_job(Job("undo"), undo_work(state.environment(), path)) is None:
        return page(request, "undo.html", "result", status=409, title=TITLE_UNDO,
                    error="Something else is going on in the app: wait for it to end.")
    return RedirectResponse("/undo", status_code=303)


async def undo(request: Request) -> Response:
    job = state_of(request).job
    if job is None or job.kind != "undo":
        return page(request, "undo.html", "result", title=TITLE_UNDO, undo=None)
    return page(request, "undo.html", "result", title=TITLE_UNDO, undo=job, view=job.view())


routes = [
    Route("/result", result),
    Route("/result/report.html", report_page),
    Route("/undo", undo),
    Route("/undo", undo_start, methods=["POST"]),
    Route("/undo/go", go, methods=["POST"]),
    Route("/undo/cancel", cancel, methods=["POST"]),
]
