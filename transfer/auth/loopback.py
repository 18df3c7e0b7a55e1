"""The loopback end of the log-in: where the browser comes back with the authorization code.

The listener binds 127.0.0.1 only, on the redirect URI's port, answers only the redirect URI's
path, and accepts a callback only with the ``state`` this log-in generated; anything else gets an
error page and the listener keeps waiting for the real one.
"""

from __future__ import annotations

import html
import logging
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit, urlunsplit

from transfer.errors import AuthError, ConfigError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RedirectTarget:
    """A loopback redirect URI, taken apart."""

    uri: str
    port: int
    path: str


def redirect_target(redirect_uri: str, port: int | None = None) -> RedirectTarget:
    """Check the redirect URI (with ``port`` replacing its port) and take it apart.

    Spotify no longer accepts ``localhost`` (since 2025-11-27): only a loopback IP over http.
    """
    parts = urlsplit(redirect_uri)
    host = parts.hostname or ""
    if host == "localhost":
        raise ConfigError(
            f"The redirect URI {redirect_uri} uses localhost, which Spotify no longer allows.",
            advice="Use http://127.0.0.1:PORT/callback (SPOTIFY_TRANSFER_REDIRECT_URI) and "
            "register exactly that address on the app's dashboard.",
        )
    if parts.scheme != "http" or host != "127.0.0.1":
        raise ConfigError(
            f"The redirect URI {redirect_uri} is not a loopback address this tool can listen on.",
            advice="Use http://127.0.0.1:PORT/callback, registered on the app's dashboard.",
        )
    chosen = port if port is not None else parts.port
    if chosen is None:
        raise ConfigError(f"The redirect URI {redirect_uri} names no port.",
                          advice="Add one, e.g. http://127.0.0.1:8888/callback.")
    uri = urlunsplit((parts.scheme, f"{host}:{chosen}", parts.path or "/", "", ""))
    return RedirectTarget(uri=uri, port=chosen, path=parts.path or "/")


@dataclass(frozen=True)
class Callback:
    """What the browser brought back."""

    code: str | None
    state: str | None
    error: str | None


def parse_callback(url: str) -> Callback:
    query = parse_qs(urlsplit(url.strip()).query)

    def first(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    return Callback(code=first("code"), state=first("state"), error=first("error"))


def code_from(callback: Callback, state: str, account: str) -> str:
    """The authorization code, once the callback is checked; ``AuthError`` when refused."""
    if callback.state != state:
        raise AuthError(
            "The address does not belong to this log-in (its state does not match).",
            account=account,
            advice=f"Run `spotify-transfer login {account}` again and use the address it shows.",
        )
    if callback.error:
        advice = "Try again."
        if callback.error == "access_denied":
            advice = ("Approve the access in the browser. In Development Mode the user must also "
                      "be on the app's user list (Dashboard > User Management).")
        raise AuthError(f"Spotify did not grant access ({callback.error}).", account=account,
                        advice=advice)
    if not callback.code:
        raise AuthError("The address carries no authorization code.", account=account,
                        advice="Paste the whole address the browser went to after approving.")
    return callback.code


class _Handler(BaseHTTPRequestHandler):
    server: _CallbackServer

    def do_GET(self) -> None:
        expected = self.server.expected
        if urlsplit(self.path).path != expected.path:
            self._answer(404, "Not the log-in address.")
            return
        callback = parse_callback(self.path)
        if callback.state != expected.state:
            logger.warning("Ignored a call to the log-in address with a wrong state")
            self._answer(400, "This log-in link is out of date or not from this log-in.")
            return
        self.server.callback = callback
        if callback.error:
            self._answer(200, f"Spotify did not grant access ({callback.error}).")
        else:
            self._answer(200, "Logged in. You can close this tab and return to the terminal.")

    def _answer(self, status: int, text: str) -> None:
        body = (f"<!doctype html><meta charset=utf-8><title>spotify-transfer</title>"
                f"<p>{html.escape(text)}</p>").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """The request line carries the code: never log it."""


@dataclass(frozen=True)
class _Expected:
    path: str
    state: str


class _CallbackServer(HTTPServer):
    def __init__(self, port: int, expected: _Expected) -> None:
        self.expected = expected
        self.callback: Callback | None = None
        super().__init__(("127.0.0.1", port), _Handler)


class LoopbackListener:
    """Listens on ``127.0.0.1:<port>`` for the browser's return; use as a context manager."""

    def __init__(self, target: RedirectTarget, state: str, account: str) -> None:
        self._account = account
        try:
            self._server = _CallbackServer(target.port, _Expected(target.path, state))
        except OSError as error:
            raise ConfigError(
                f"Cannot listen on 127.0.0.1:{target.port} for the log-in ({error.strerror}).",
                advice="Free that port, or pass --port with another port whose "
                "http://127.0.0.1:PORT/callback is registered on the app's dashboard.",
            ) from None

    def wait(self, timeout: float) -> Callback:
        """The first callback with the right state; ``AuthError`` after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self._server.callback is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AuthError("No answer came back from the browser in time.",
                                account=self._account,
                                advice="Run the log-in again, or use --no-browser.")
            self._server.timeout = min(remaining, 1.0)
            self._server.handle_request()
        return self._server.callback

    def close(self) -> None:
        self._server.server_close()

    def __enter__(self) -> LoopbackListener:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
