"""Page 2, the accounts: connect the old (source) and the new (target) account one after the
other through :mod:`transfer.app.connect`, show who each is, refuse the same user twice
(``AccountMixup``, as ``login`` does)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from transfer.app.connect import ConnectJob
from transfer.app.forms import checked_form, checked_query
from transfer.app.pages import page, state_of
from transfer.auth import ACCOUNTS, TokenStore
from transfer.errors import ConfigError

TITLE = "Connect the two accounts"


async def connect(request: Request) -> Response:
    state = state_of(request)
    try:
        settings = state.settings()
    except ConfigError as error:
        return page(request, "connect.html", "connect", title=TITLE, error=error.message,
                    advice=error.advice, jobs={}, ready=False)
    jobs = state.connects
    problem = next((job.error for job in jobs.values() if job.error is not None), None)
    return page(request, "connect.html", "connect", title=TITLE, jobs=jobs,
                ready=bool(settings.client_id), redirect_uri=settings.redirect_uri,
                error=problem.message if problem else None,
                advice=problem.advice if problem else None)


def go(request: Request) -> Response:
    """Start the log-in of one account and send the browser to its start address."""
    checked_query(request)
    account = request.path_params["account"]
    if account not in ACCOUNTS:
        raise HTTPException(404)
    state = state_of(request)
    settings = state.settings()
    going = [job for job in state.connects.values() if job.going]
    if going and going[0].account != account:
        return RedirectResponse("/connect", status_code=303)
    job = state.connects.get(account)
    if job is None or not job.going:
        job = ConnectJob(account, settings, done_url=f"{state.launch.origin}/connect")
        state.connects[account] = job
        job.start()
    start = job.wait_for_start()
    if start is None:
        return RedirectResponse("/connect", status_code=303)
    return RedirectResponse(start, status_code=303)


async def forget(request: Request) -> Response:
    """Disconnect an account: its stored tokens are removed (it can connect again)."""
    await checked_form(request)
    account = request.path_params["account"]
    if account not in ACCOUNTS:
        raise HTTPException(404)
    state = state_of(request)
    TokenStore(state.settings().home).delete(account)
    state.connects.pop(account, None)
    return RedirectResponse("/connect", status_code=303)


routes = [
    Route("/connect", connect),
    Route("/connect/{account}/go", go),
    Route("/connect/{account}/forget", forget, methods=["POST"]),
]
