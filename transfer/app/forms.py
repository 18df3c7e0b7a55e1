"""Reading a POST: every form carries the launch's CSRF token, checked here for every route."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from transfer.app.pages import state_of

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
"""As large as ``--from-file`` reads (a larger file is refused by the reader)."""


async def checked_form(request: Request) -> FormData:
    """The form of a POST whose CSRF token is this launch's; 403 otherwise."""
    form = await request.form(max_part_size=MAX_UPLOAD_BYTES)
    token = form.get("csrf")
    if not isinstance(token, str) or not state_of(request).launch.csrf_ok(token):
        raise HTTPException(403, "The form is out of date or not from this app: reload the page "
                                 "and send it again.")
    return form


def checked_query(request: Request) -> None:
    """A GET that starts something (a log-in) carries the CSRF token in its query."""
    if not state_of(request).launch.csrf_ok(request.query_params.get("csrf")):
        raise HTTPException(403, "The link is out of date or not from this app: reload the page.")
