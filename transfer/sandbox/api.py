"""The Web API pipeline: route, latency, token, rate limit and quota, Development-Mode
restrictions, faults before applying, the handler, faults after applying, the request log."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from transfer.sandbox import (
    routes_catalog,
    routes_legacy,
    routes_library,
    routes_playlists,
    routes_search,
)
from transfer.sandbox.apierror import ApiError
from transfer.sandbox.faults import Decision, FaultInjector
from transfer.sandbox.render import Renderer
from transfer.sandbox.requestlog import DROPPED, LoggedRequest, RequestLog
from transfer.sandbox.routing import Call, Reply, Route, Router
from transfer.sandbox.state import SandboxState
from transfer.sandbox.wire import Answer, json_answer

logger = logging.getLogger(__name__)

API_PREFIX = "/v1"
NOT_REGISTERED = "User not registered in the Developer Dashboard"
DEVELOPMENT_MODE_REMOVED = "This endpoint is not available for apps in Development Mode"
ERROR_MESSAGES = {500: "Server error", 502: "Bad gateway", 503: "Service unavailable"}


def build_router() -> Router:
    router = Router()
    router.add(routes_library.ROUTES)
    router.add(routes_playlists.ROUTES)
    router.add(routes_catalog.ROUTES)
    router.add(routes_search.ROUTES)
    router.add(routes_legacy.ROUTES, legacy=True)
    return router


class Api:
    def __init__(
        self, state: SandboxState, render: Renderer, faults: FaultInjector, log: RequestLog,
        extended: bool, not_registered: str = NOT_REGISTERED,
    ) -> None:
        self.not_registered = not_registered
        """The 403 message for a user off the allow-list (Spotify words it several ways)."""
        self.state = state
        self.render = render
        self.faults = faults
        self.log = log
        self.extended = extended
        self.router = build_router()

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str],
        body: bytes,
    ) -> Answer | None:
        """Answer one request under ``/v1``; None means: close the connection, answer nothing."""
        api_path = path[len(API_PREFIX):] or "/"
        try:
            route, params = self.router.match(method, api_path)
        except ApiError as error:
            self.log.add(LoggedRequest(method, api_path, error.status, False, path=api_path))
            return json_answer(error.status, error.body())
        decision = self.faults.draw(method, route.template, method != "GET")
        self.state.clock.sleep(decision.latency)
        call = Call(method, api_path, route.template, params, query, body, headers, self.state,
                    self.render, self.extended)
        return self._answer(route, call, decision, headers.get("authorization", ""))

    def _answer(self, route: Route, call: Call, decision: Decision, auth: str) -> Answer | None:
        fault: str | None = None
        applied = False
        try:
            self._authenticate(call, auth)
            self._admit(route)
            if route.legacy and not self.extended:
                raise ApiError(403, DEVELOPMENT_MODE_REMOVED)
            if decision.error_status is not None:
                fault = "error"
                status = decision.error_status
                raise ApiError(status, ERROR_MESSAGES.get(status, "Server error"))
            with self.state.lock:
                reply = route.handler(call)
            applied = True
            if decision.after_apply == "drop":
                self._log(call, DROPPED, True, "dropped")
                return None
            if decision.after_apply == "502":
                fault = "after_apply_502"
                raise ApiError(502, ERROR_MESSAGES[502])
        except ApiError as error:
            if isinstance(error, _Refused):
                fault = error.fault
            self._log(call, error.status, applied, fault)
            return json_answer(error.status, error.body(), error.headers)
        except Exception:
            logger.exception("Sandbox failure on %s %s", call.method, call.path)
            self._log(call, 500, applied, "internal")
            return json_answer(500, ApiError(500, ERROR_MESSAGES[500]).body())
        self._log(call, reply.status, True, None)
        return _reply_answer(reply)

    def _authenticate(self, call: Call, auth: str) -> None:
        scheme, _, token = auth.partition(" ")
        with self.state.lock:
            grant = self.state.tokens.check_access(
                token.strip() if scheme.lower() == "bearer" else None, self.state.clock.now()
            )
        call.user_id, call.scopes = grant.user_id, grant.scopes
        if not self.extended and grant.user_id not in self.state.app.allowed_user_ids:
            raise ApiError(403, self.not_registered)

    def _admit(self, route: Route) -> None:
        """Count the request against the rate limits and the quota, or raise a 429."""
        refusal = self.faults.admit(route.cover_upload)
        if refusal is None:
            return None
        headers = {"Retry-After": str(refusal.retry_after)}
        if refusal.quota:
            raise _Refused(429, "Too many requests", "QUOTA_EXCEEDED", headers, refusal.kind)
        raise _Refused(429, "API rate limit exceeded", None, headers, refusal.kind)

    def _log(self, call: Call, status: int, applied: bool, fault: str | None) -> None:
        self.log.add(LoggedRequest(call.method, call.template, status, applied, fault,
                                   call.user_id or None, call.path))


class _Refused(ApiError):
    def __init__(self, status: int, message: str, reason: str | None,
                 headers: dict[str, str], fault: str) -> None:
        super().__init__(status, message, reason, headers)
        self.fault = fault


def _reply_answer(reply: Reply) -> Answer:
    if reply.body is None:
        return Answer(reply.status, b"", None, reply.headers)
    return json_answer(reply.status, reply.body, reply.headers)
