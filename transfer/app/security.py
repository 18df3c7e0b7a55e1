"""What keeps other programs and web pages out of the app.

- it binds 127.0.0.1 only (``server``);
- the address the browser is opened on carries a secret made for this launch; opened once, it
  is exchanged for an HttpOnly, SameSite=Strict cookie and the browser is sent on to an address
  without it. The secret then stops working: something that read it from a command line later
  gets nothing. Every other request without the cookie is refused;
- the Host header must be ``127.0.0.1:<port>`` or ``localhost:<port>`` (DNS rebinding);
- every POST carries the launch's CSRF token (and a cross-site ``Origin`` is refused);
- every answer has a Content-Security-Policy without inline scripts or other origins.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

ENTER_PATH = "/enter"
COOKIE_MAX_AGE = 24 * 3600
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
"""The run report is a page of its own with its styles inline, and no script at all."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class Secrets:
    """The launch's secrets: the one-time key of the first address, the cookie, the CSRF token."""

    port: int = 0
    key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    entered: bool = False

    @property
    def cookie_name(self) -> str:
        # Cookies are not kept apart by port: the name says which launch's cookie it is.
        return f"spotify_transfer_{self.port}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_url(self) -> str:
        return f"{self.origin}{ENTER_PATH}?key={self.key}"

    def allowed_hosts(self) -> tuple[str, ...]:
        return (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def csrf_ok(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.csrf.encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _refuse(send: Send, status: int, text: str) -> None:
    body = (f"<!doctype html><meta charset=utf-8><title>spotify-transfer</title>"
            f"<p>{text}</p>").encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"content-security-policy", CSP.encode()),
        (b"cache-control", b"no-store"),
    ]})
    await send({"type": "http.response.body", "body": body})


NO_COOKIE = ("This page belongs to a spotify-transfer app started on this computer. Open the "
             "address it printed when it started (or start <code>spotify-transfer app</code> "
             "again).")


class Guard:
    """ASGI middleware: Host check, the key-for-cookie exchange, the cookie check, a
    cross-site Origin refused, and the security headers on every answer."""

    def __init__(self, app: Asgi, launch: Secrets) -> None:
        self.app = app
        self.launch = launch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        launch = self.launch
        if _header(scope, b"host") not in launch.allowed_hosts():
            await _refuse(send, 421, "Wrong host: this app answers only on its own address.")
            return
        origin = _header(scope, b"origin")
        if origin is not None and origin not in (launch.origin, f"http://localhost:{launch.port}"):
            await _refuse(send, 403, "Refused: the request came from another site.")
            return
        if scope["path"] == ENTER_PATH:
            await self._enter(scope, send)
            return
        if not self._has_cookie(scope):
            await _refuse(send, 403, NO_COOKIE)
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {bytes(key).lower() for key, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers += [(b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"same-origin")]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, secured)

    def _has_cookie(self, scope: Scope) -> bool:
        raw = _header(scope, b"cookie")
        if not raw:
            return False
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(raw)
        except Exception:  # a malformed Cookie header is no cookie
            return False
        morsel = cookie.get(self.launch.cookie_name)
        return morsel is not None and hmac.compare_digest(morsel.value.encode(),
                                                          self.launch.session.encode())

    async def _enter(self, scope: Scope, send: Send) -> None:
        """The launch key for the cookie, once; then on to the first page."""
        launch = self.launch
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        key = (query.get("key") or [""])[0]
        if launch.entered or not hmac.compare_digest(key.encode(), launch.key.encode()):
            if self._has_cookie(scope):
                await self._redirect(send, "/", [])
                return
            await _refuse(send, 403, "This address was already used, or is not this app's. "
                          "Use the browser window it opened, or start "
                          "<code>spotify-transfer app</code> again for a new address.")
            return
        launch.entered = True
        cookie = (f"{launch.cookie_name}={launch.session}; HttpOnly; SameSite=Strict; Path=/; "
                  f"Max-Age={COOKIE_MAX_AGE}")
        await self._redirect(send, "/", [(b"set-cookie", cookie.encode())])

    @staticmethod
    async def _redirect(send: Send, location: str, extra: list[tuple[bytes, bytes]]) -> None:
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", location.encode()), (b"content-length", b"0"),
            (b"cache-control", b"no-store"), (b"content-security-policy", CSP.encode()),
            *extra,
        ]})
        await send({"type": "http.response.body", "body": b""})
