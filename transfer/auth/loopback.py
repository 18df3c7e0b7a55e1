"""The loopback end of the log-in: where the browser comes back with the authorization code.

The listener binds 127.0.0.1 only, on the redirect URI's port, answers only the redirect URI's
path, and accepts a callback only with the ``state`` this log-in generated; anything else gets an
error page and the listener keeps waiting for the real one. Each connection is served on its own
thread with a time limit, so one that never sends a request (a browser's pre-connection, or a
local program) holds up nothing.

The browser is started on a start address of the listener's (:attr:`LoopbackListener.start_url`)
that redirects it to Spotify, not on the authorize address itself: a program's command line can
be read by every user of the machine, and the authorize address carries the ``state``. The start
address answers once; opened a second time, the log-in is abandoned, as something else on the
machine may then know the ``state``.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit, urlunsplit

from transfer.errors import AuthError, ConfigError

logger = logging.getLogger(__name__)

START_PATH = "/spotify-transfer/start"
CONNECTION_TIMEOUT = 5.0
"""Seconds a connection may take to send its request (and to take the answer)."""


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


def paste_problem(pasted: str, state: str) -> str | None:
    """What is wrong with an address pasted for ``--no-browser``, in a line that says what to
    paste instead; None when it is the answer to this log-in (or Spotify's refusal of it)."""
    whole = "Paste the whole address from the browser's address bar, after you approved."
    if not pasted.strip():
        return f"Nothing was pasted. {whole}"
    parts = urlsplit(pasted.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"That is not an address (it should start with http://127.0.0.1). {whole}"
    callback = parse_callback(pasted)
    if callback.state is None and callback.code is None and callback.error is None:
        return ("That address carries no answer from Spotify (no code, no state): it is not "
                f"where the browser went after you approved. {whole}")
    if callback.state != state:
        return ("That address belongs to another log-in (its state does not match): open the "
                "address shown above, approve, and paste where the browser goes then.")
    if not callback.error and not callback.code:
        return f"That address carries no authorization code (is it cut short?). {whole}"
    return None


class _Handler(BaseHTTPRequestHandler):
    server: _CallbackServer
    timeout = CONNECTION_TIMEOUT

    def do_GET(self) -> None:
        expected = self.server.expected
        if urlsplit(self.path).path == START_PATH and expected.authorize_url:
            self._start(expected.authorize_url)
            return
        if urlsplit(self.path).path != expected.path:
            self._answer(404, "Not the log-in address.")
            return
        callback = parse_callback(self.path)
        if callback.state != expected.state:
            logger.warning("Ignored a call to the log-in address with a wrong state")
            self._answer(400, "This log-in link is out of date or not from this log-in.")
            return
        self.server.callback = callback
        if expected.done_url:
            self._back_to(expected.done_url)
        elif callback.error:
            self._answer(200, f"Spotify did not grant access ({callback.error}).")
        else:
            self._answer(200, "Logged in. You can close this tab and return to the terminal.")

    def _back_to(self, done_url: str) -> None:
        """A page that sends the browser on to ``done_url`` (the web app). A page of this
        listener's rather than a redirect: the app's SameSite=Strict cookie goes with a
        navigation this same-site page starts, not always with a redirect chain that began at
        Spotify."""
        address = html.escape(done_url)
        body = (f"<!doctype html><meta charset=utf-8><title>spotify-transfer</title>"
                f'<meta http-equiv="refresh" content="0;url={address}">'
                f'<p>Logged in. <a href="{address}">Back to spotify-transfer</a></p>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _start(self, authorize_url: str) -> None:
        with self.server.lock:
            self.server.starts += 1
            first = self.server.starts == 1
        if not first:
            self._answer(410, "This log-in link was already used: the log-in is abandoned. "
                         "Run it again in the terminal.")
            return
        self.send_response(303)
        self.send_header("Location", authorize_url)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", "0")
        self.end_headers()

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
    authorize_url: str | None
    done_url: str | None = None


class _CallbackServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, port: int, expected: _Expected) -> None:
        self.expected = expected
        self.callback: Callback | None = None
        self.starts = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", port), _Handler)


class LoopbackListener:
    """Listens on ``127.0.0.1:<port>`` for the browser's return; use as a context manager."""

    def __init__(self, target: RedirectTarget, state: str, account: str,
                 authorize_url: str | None = None, done_url: str | None = None) -> None:
        """``authorize_url``: where :attr:`start_url` sends the browser; ``done_url``: where
        the browser is sent once the callback came (the web app), instead of a closing page."""
        self._account = account
        self.start_url = f"http://127.0.0.1:{target.port}{START_PATH}"
        try:
            self._server = _CallbackServer(target.port,
                                           _Expected(target.path, state, authorize_url,
                                                     done_url))
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
            if self._server.starts > 1:
                raise AuthError(
                    "The log-in's start address was opened twice: something else on this "
                    "machine may have seen the log-in, so it was abandoned.",
                    account=self._account,
                    advice=f"Run `spotify-transfer login {self._account}` again.")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AuthError("No answer came back from the browser in time.",
                                account=self._account,
                                advice="Run the log-in again, or use --no-browser.")
            self._server.timeout = min(remaining, 0.25)
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
