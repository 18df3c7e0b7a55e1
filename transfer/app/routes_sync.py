"""Page 7, keep in step: the scheduler lines of ``spotify-transfer schedule`` (cron and
systemd, from :mod:`transfer.sync.scheduling`) with the variables file written as that command
writes it, and the last transfers and syncs as ``spotify-transfer status`` tells them."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from transfer.app.forms import checked_form
from transfer.app.pages import page, state_of
from transfer.errors import TransferError

TITLE = "Keep the two accounts in step"
UNITS = Path("~/.config/systemd/user")


def _lines(request: Request) -> dict[str, str]:
    from transfer.commands.schedule import this_install
    from transfer.sync.scheduling import crontab, systemd_service, systemd_timer

    install = this_install(state_of(request).environment(), None, False)
    return {"cron": crontab(install),
            "service": systemd_service(install), "timer": systemd_timer(),
            "env_file": install.env_file}


def _status_text(request: Request) -> str:
    from transfer.report.files import utc_now
    from transfer.status.collect import StatusContext, collect_status
    from transfer.status.render import render_status

    state = state_of(request)
    context = StatusContext(home=state.settings().home, now=utc_now(),
                            config_path=state.config_path)
    return render_status(collect_status(context))


async def sync(request: Request, notice: str | None = None) -> Response:
    try:
        lines, status = _lines(request), _status_text(request)
    except TransferError as error:
        return page(request, "sync.html", "sync", title=TITLE, error=error.message,
                    advice=error.advice, lines=None, status_text="")
    return page(request, "sync.html", "sync", title=TITLE, lines=lines, status_text=status,
                units=UNITS, notice=notice)


async def turn_on(request: Request) -> Response:
    """Write (or check) the variables file the scheduled sync reads, as ``schedule`` does."""
    from transfer.sync.envfile import ensure_env_file, job_variables

    await checked_form(request)
    lines = _lines(request)
    settings = state_of(request).settings()
    try:
        written = ensure_env_file(Path(lines["env_file"]),
                                  job_variables(os.environ, settings.client_id))
    except TransferError as error:
        return page(request, "sync.html", "sync", status=400, title=TITLE, lines=lines,
                    status_text="", error=error.message, advice=error.advice)
    return await sync(request, notice=written.describe() + " Now add the lines below to "
                      "your scheduler.")


routes = [
    Route("/sync", sync),
    Route("/sync", turn_on, methods=["POST"]),
]
