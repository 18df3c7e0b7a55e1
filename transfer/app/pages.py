"""Rendering pages: Jinja2 templates from this package, autoescaped, with what every page
shows (the steps, who is connected, the CSRF token). Names go through
:func:`transfer.render.safe.safe_name` (the ``name`` filter) and are shown with
``<bdi dir="auto">`` in the templates, so right-to-left names read right."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from transfer.app.state import AppState
from transfer.models import Category
from transfer.progress import LABELS
from transfer.render.safe import safe_name, safe_text
from transfer.render.words import duration, number

STEPS = (
    ("setup", "/setup", "1. Spotify app"),
    ("connect", "/connect", "2. Accounts"),
    ("choose", "/choose", "3. Choose"),
    ("plan", "/plan", "4. Plan"),
    ("transfer", "/transfer", "5. Transfer"),
    ("result", "/result", "6. Result"),
    ("sync", "/sync", "7. Keep in step"),
)
CATEGORY_LABELS = {category: LABELS[category.value] for category in Category}

templates = Environment(loader=PackageLoader("transfer.app", "templates"),
                        autoescape=select_autoescape(default=True, default_for_string=True))
templates.filters["name"] = lambda text: safe_name(text or "")
templates.filters["text"] = lambda text: safe_text(text or "")
templates.filters["number"] = number
templates.filters["duration"] = duration
templates.filters["label"] = lambda category: LABELS.get(str(category), str(category))
templates.globals["STEPS"] = STEPS
templates.globals["CATEGORY_LABELS"] = CATEGORY_LABELS


def state_of(request: Request) -> AppState:
    state: AppState = request.app.state.app
    return state


def page(request: Request, template: str, step: str, status: int = 200, **context: Any
         ) -> HTMLResponse:
    state = state_of(request)
    try:
        logins = state.logins()
    except Exception:  # a settings problem is shown by the setup page
        logins = {"source": None, "target": None}
    shown = {"step": step, "csrf": state.launch.csrf, "logins": logins, "demo": state.demo,
             "job": state.job, "source_file": state.source_file, **context}
    body = templates.get_template(template).render(**shown)
    return HTMLResponse(body, status_code=status)
