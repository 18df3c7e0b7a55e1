"""The app's Starlette application and its server: uvicorn on 127.0.0.1 only, in a thread
(``serve`` blocks until Ctrl-C; ``AppServer`` is used by tests and ``demo --app``)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from transfer.app import (
    routes_choose,
    routes_connect,
    routes_result,
    routes_run,
    routes_setup,
    routes_sync,
)
from transfer.app.pages import page, state_of
from transfer.app.security import Guard
from transfer.app.state import AppState
from transfer.errors import ConfigError, TransferError

HOST = "127.0.0.1"
STATIC = Path(__file__).parent / "static"
START_TIMEOUT_S = 15.0


async def home(request: Request) -> Response:
    """The first step not done yet."""
    state = state_of(request)
    try:
        settings = state.settings()
    except ConfigError:
        return RedirectResponse("/setup", status_code=303)
    if not settings.client_id:
        return RedirectResponse("/setup", status_code=303)
    logins = state.logins()
    if logins["target"] is None or (logins["source"] is None and state.source_file is None):
        return RedirectResponse("/connect", status_code=303)
    if state.job is not None and not state.job.ended:
        return RedirectResponse("/transfer" if state.job.phase in ("running", "paused")
                                else "/plan", status_code=303)
    return RedirectResponse("/choose", status_code=303)


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return page(request, "error.html", "", status=error.status_code, title="Refused",
                error=error.detail)


async def transfer_error(request: Request, error: Exception) -> Response:
    """An error of the tool met by a page: its message and advice, never a traceback."""
    assert isinstance(error, TransferError)
    return page(request, "error.html", "", status=400, title="Something is in the way",
                error=error.message, advice=error.advice)


def make_app(state: AppState) -> Guard:
    routes = [
        Route("/", home),
        *routes_setup.routes, *routes_connect.routes, *routes_choose.routes,
        *routes_run.routes, *routes_result.routes, *routes_sync.routes,
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error,
                                                       TransferError: transfer_error})
    app.state.app = state
    return Guard(app, state.launch)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class AppServer:
    """uvicorn serving the app on 127.0.0.1 in a thread; a context manager."""

    def __init__(self, state: AppState, port: int | None = None) -> None:
        self.state = state
        self.port = port or free_port()
        state.launch.port = self.port
        config = uvicorn.Config(make_app(state), host=HOST, port=self.port, log_level="warning",
                                access_log=False, lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="app-server")

    @property
    def start_url(self) -> str:
        return self.state.launch.start_url()

    def start(self) -> AppServer:
        try:
            with socket.socket() as probe:
                probe.bind((HOST, self.port))
        except OSError as error:
            raise ConfigError(f"Cannot listen on {HOST}:{self.port} ({error.strerror}).",
                              advice="Choose another --port, or leave it out for a free one.") \
                from None
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise ConfigError(f"The app could not start on {HOST}:{self.port}.")
            time.sleep(0.02)
        return self

    def wait(self) -> None:
        while self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(5)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()
