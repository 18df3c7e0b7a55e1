"""Routing by endpoint template, and what a handler receives and returns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from transfer.sandbox.apierror import ApiError, bad_request, forbidden
from transfer.sandbox.render import Renderer
from transfer.sandbox.state import SandboxState


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    """JSON-ready; None answers an empty body."""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    """One API request as a handler sees it (after authentication)."""

    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    headers: Mapping[str, str]
    state: SandboxState
    render: Renderer
    extended: bool
    user_id: str = ""
    scopes: frozenset[str] = frozenset()

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def int_arg(self, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
        text = self.arg(name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise bad_request(f"Invalid {name}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise bad_request(f"Invalid {name}")
        return value

    def limit(self, maximum: int = 50, default: int = 20) -> int:
        return self.int_arg("limit", default, 1, maximum)

    def offset(self, maximum: int | None = None) -> int:
        return self.int_arg("offset", 0, 0, maximum)

    def passthrough_query(self, *names: str) -> dict[str, str]:
        """Query parameters a paging object's ``next``/``previous`` keep."""
        return {name: value for name in names if (value := self.arg(name)) is not None}

    def json(self) -> Any:
        """The JSON body, or None when there is none."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise bad_request("Error parsing json") from None

    def json_object(self) -> dict[str, Any]:
        body = self.json()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise bad_request("Error parsing json")
        return body

    def require_scope(self, *any_of: str) -> None:
        """403 unless the token has at least one of ``any_of``."""
        if not self.scopes.intersection(any_of):
            raise forbidden("Insufficient client scope")

    def list_arg(self, name: str) -> list[str] | None:
        """A comma-separated query parameter as a list (None when absent)."""
        text = self.arg(name)
        if text is None:
            return None
        return [part.strip() for part in text.split(",") if part.strip()]


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    legacy: bool = False
    """Removed for Development Mode apps (403 there); works in ``extended`` mode."""
    cover_upload: bool = False


RouteSpec = tuple[str, str, Handler]
COVER_UPLOAD = ("PUT", "/playlists/{playlist_id}/images")


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], Route]] = []

    def add(self, routes: Iterable[RouteSpec], legacy: bool = False) -> None:
        for method, template, handler in routes:
            pattern = re.compile(
                "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$"
            )
            is_cover = (method, template) == COVER_UPLOAD
            route = Route(method, template, handler, legacy, cover_upload=is_cover)
            self._routes.append((pattern, route))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route of ``path`` (without ``/v1``); 404 for no route, 405 for a wrong method."""
        path = path.rstrip("/") or "/"
        allowed = False
        for pattern, route in self._routes:
            found = pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed = True
        if allowed:
            raise ApiError(405, "Method not allowed")
        raise ApiError(404, "Service not found")

    def template_of(self, path: str) -> str | None:
        path = path.rstrip("/") or "/"
        for pattern, route in self._routes:
            if pattern.match(path):
                return route.template
        return None
