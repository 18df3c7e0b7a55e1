"""Pages 4 and 5: the plan (read both accounts, show the diff, wait for the go) and the
transfer with live progress (Server-Sent Events at ``/events``), a pause by Spotify shown as a
countdown; and the same live view for an undo."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from transfer.app.forms import checked_form
from transfer.app.jobs import PAUSED, PLANNED, RUNNING, STOPPED, Job, transfer_work
from transfer.app.pages import page, state_of
from transfer.app.pairing import pair_ids
from transfer.errors import ConfigError

EVENT_INTERVAL_S = 0.5
TITLE_PLAN = "The plan"
TITLE_TRANSFER = "Transfer"


def _start_transfer(request: Request) -> Job | None:
    state = state_of(request)
    env = state.environment()
    return state.start_job(Job("transfer"),
                           transfer_work(env, state.source_file, state.chosen))


async def plan(request: Request) -> Response:
    state = state_of(request)
    try:
        known = pair_ids(state) is not None
    except ConfigError as error:
        return page(request, "plan.html", "plan", title=TITLE_PLAN, error=error.message,
                    advice=error.advice)
    if not known:
        return page(request, "plan.html", "plan", title=TITLE_PLAN,
                    error="Connect both accounts first (or upload a file as the source).")
    job = state.job
    if job is None or (job.ended and (request.query_params.get("again")
                                      or job.kind != "transfer")):
        job = _start_transfer(request)
    if job is not None and job.kind == "transfer" and job.phase in (RUNNING, PAUSED):
        return RedirectResponse("/transfer", status_code=303)
    return page(request, "plan.html", "plan", title=TITLE_PLAN, job=job,
                plan=job.result if job is not None and job.phase == PLANNED else None,
                stopped=job.result if job is not None and job.phase == STOPPED else None)


async def go(request: Request) -> Response:
    await checked_form(request)
    job = state_of(request).job
    if job is not None and job.phase in (PLANNED, STOPPED):
        job.go()
    kind = job.kind if job is not None else "transfer"
    return RedirectResponse("/undo" if kind == "undo" else "/transfer", status_code=303)


async def cancel(request: Request) -> Response:
    await checked_form(request)
    job = state_of(request).job
    if job is not None and not job.ended:
        job.cancel()
    return RedirectResponse("/choose" if job is None or job.kind == "transfer" else "/result",
                            status_code=303)


async def transfer(request: Request) -> Response:
    job = state_of(request).job
    return page(request, "transfer.html", "transfer", title=TITLE_TRANSFER, job=job,
                view=job.view() if job is not None else None)


async def events(request: Request) -> Response:
    """The job's state twice a second, as ``job`` events; ``end`` once it ended."""
    state = state_of(request)

    async def stream() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        while True:
            job = state.job
            if job is None:
                yield "event: end\ndata: {}\n\n"
                return
            yield f"event: job\ndata: {json.dumps(job.view(), default=str)}\n\n"
            if job.ended:
                yield "event: end\ndata: {}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(EVENT_INTERVAL_S)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


routes = [
    Route("/plan", plan),
    Route("/plan/go", go, methods=["POST"]),
    Route("/plan/cancel", cancel, methods=["POST"]),
    Route("/transfer", transfer),
    Route("/events", events),
]
