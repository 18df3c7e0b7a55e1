"""``/_sandbox/...``: control a running sandbox from another process (not request-logged).

``GET log``, ``POST log/reset``, ``GET``/``PUT faults``, ``POST quota/reset``, ``GET state``,
``POST approve?user=ID``, ``POST revoke?user=ID``, ``GET refresh-token?user=ID``,
``POST expire-tokens``.

They change the sandbox and hand out refresh tokens, so only this machine's programs may call
them, and not through a web page: the ``Host`` header must name the loopback address and port
the sandbox serves (a DNS-rebinding page sends its own host name), and an ``Origin`` header,
which browsers send with cross-site requests, must be the sandbox's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Protocol

from pydantic import ValidationError

from transfer.sandbox.faults import Faults
from transfer.sandbox.requestlog import RequestLog
from transfer.sandbox.state import SandboxState
from transfer.sandbox.wire import Answer, json_answer

PREFIX = "/_sandbox"
LOOPBACK_NAMES = ("localhost",)


class AdminTarget(Protocol):
    state: SandboxState
    request_log: RequestLog

    @property
    def faults(self) -> Faults: ...

    def set_faults(self, faults: Faults) -> None: ...

    def reset_quota(self) -> None: ...

    def approve_as(self, user_id: str | None) -> None: ...

    def revoke(self, user_id: str) -> int: ...

    def refresh_token(self, user_id: str) -> str: ...

    def expire_access_tokens(self) -> None: ...


def refusal(headers: Mapping[str, str], host: str, port: int) -> Answer | None:
    """A 403 for a request from elsewhere than this machine's programs; None when allowed.
    ``headers`` have lower-case names."""
    allowed = {f"{name}:{port}" for name in (host, *LOOPBACK_NAMES)}
    if headers.get("host", "").lower() not in allowed:
        return _forbidden("Host must be the sandbox's own loopback address and port")
    origin = headers.get("origin")
    if origin is not None and origin.lower() not in {f"http://{name}" for name in allowed}:
        return _forbidden("Cross-site requests to the admin endpoints are refused")
    return None


def _forbidden(message: str) -> Answer:
    return json_answer(403, {"error": {"status": 403, "message": message}})


def handle(target: AdminTarget, method: str, path: str, query: dict[str, str],
           body: bytes) -> Answer:
    action = (method, path[len(PREFIX):].strip("/"))
    user = query.get("user")
    if action == ("GET", "log"):
        return json_answer(200, target.request_log.summary())
    if action == ("POST", "log/reset"):
        target.request_log.reset()
        return json_answer(200, {"ok": True})
    if action == ("GET", "faults"):
        return json_answer(200, target.faults.model_dump())
    if action == ("PUT", "faults"):
        return _set_faults(target, body)
    if action == ("POST", "quota/reset"):
        target.reset_quota()
        return json_answer(200, {"ok": True})
    if action == ("GET", "state"):
        return json_answer(200, target.state.dump().model_dump(mode="json"))
    if action == ("POST", "expire-tokens"):
        target.expire_access_tokens()
        return json_answer(200, {"ok": True})
    if action[1] in ("approve", "revoke", "refresh-token"):
        return _user_action(target, action, user)
    return json_answer(404, {"error": {"status": 404, "message": "No such admin action"}})


def _user_action(target: AdminTarget, action: tuple[str, str], user: str | None) -> Answer:
    if user is None or user not in target.state.users:
        return json_answer(400, {"error": {"status": 400, "message": "Unknown or missing user"}})
    if action == ("POST", "approve"):
        target.approve_as(user)
        return json_answer(200, {"ok": True, "user": user})
    if action == ("POST", "revoke"):
        return json_answer(200, {"ok": True, "revoked": target.revoke(user)})
    if action == ("GET", "refresh-token"):
        return json_answer(200, {"refresh_token": target.refresh_token(user)})
    return json_answer(405, {"error": {"status": 405, "message": "Method not allowed"}})


def _set_faults(target: AdminTarget, body: bytes) -> Answer:
    try:
        faults = Faults.model_validate(json.loads(body or b"{}"))
    except (ValueError, ValidationError) as error:
        return json_answer(400, {"error": {"status": 400, "message": str(error)}})
    target.set_faults(faults)
    return json_answer(200, faults.model_dump())
