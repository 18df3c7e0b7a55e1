"""Page 1, the Spotify app: the dashboard steps, the redirect URI to copy, the client id checked
(form, then the accounts service) and saved to the settings file."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from transfer.app.client_check import check_client_id
from transfer.app.forms import checked_form
from transfer.app.pages import page, state_of
from transfer.app.settings_file import save_client_id
from transfer.errors import ConfigError

TITLE = "Set up the Spotify app"


def _settings_or_problem(request: Request) -> tuple[object, ConfigError | None]:
    try:
        return state_of(request).settings(), None
    except ConfigError as error:
        return None, error


async def setup(request: Request) -> Response:
    settings, problem = _settings_or_problem(request)
    if problem is not None or settings is None:
        return page(request, "setup.html", "setup", title=TITLE,
                    error=problem.message if problem else None,
                    advice=problem.advice if problem else None, settings=None,
                    settings_file=state_of(request).settings_file)
    return page(request, "setup.html", "setup", title=TITLE, settings=settings,
                settings_file=state_of(request).settings_file,
                notice="Saved." if request.query_params.get("saved") else None)


def check(request: Request) -> Response:
    settings = state_of(request).settings()
    client_id = request.query_params.get("client_id", "")
    result = check_client_id(client_id, settings.accounts_base, settings.redirect_uri)
    return JSONResponse({"ok": result.ok, "message": result.message, "checked": result.checked})


async def save(request: Request) -> Response:
    form = await checked_form(request)
    state = state_of(request)
    client_id = str(form.get("client_id", "")).strip()
    settings = state.settings()
    result = check_client_id(client_id, settings.accounts_base, settings.redirect_uri)
    if not result.ok:
        return page(request, "setup.html", "setup", status=400, title=TITLE, settings=settings,
                    settings_file=state.settings_file, error=result.message, typed=client_id)
    save_client_id(state.settings_file, client_id)
    saved = state.settings()
    if saved.client_id != client_id:
        return page(request, "setup.html", "setup", status=400, title=TITLE, settings=saved,
                    settings_file=state.settings_file,
                    error="Saved in the settings file, but SPOTIFY_TRANSFER_CLIENT_ID (or "
                          "SPOTIPY_CLIENT_ID) is set in the environment and wins over it.",
                    advice="Unset that variable and start the app again.")
    return RedirectResponse("/setup?saved=1", status_code=303)


routes = [
    Route("/setup", setup),
    Route("/setup/check", check),
    Route("/setup", save, methods=["POST"]),
]
