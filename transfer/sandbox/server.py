"""The sandbox HTTP server: a stateful local Spotify on 127.0.0.1.

Serves the accounts service (``/authorize``, ``/api/token``), the Web API under ``/v1``,
image bytes under ``/image/``, ``/mosaic/`` and ``/images/pl/default/``, and admin actions
under ``/_sandbox/``.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import socket
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from transfer.errors import ConfigError
from transfer.sandbox import admin, images
from transfer.sandbox.accounts import TOOL_SCOPES, Accounts
from transfer.sandbox.api import API_PREFIX, NOT_REGISTERED, Api
from transfer.sandbox.clock import Clock
from transfer.sandbox.faults import FaultInjector, Faults
from transfer.sandbox.library_order import LIBRARY_ORDERS, LibraryOrder, SaveDating
from transfer.sandbox.render import Renderer
from transfer.sandbox.requestlog import LoggedRequest, RequestLog
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.shapes import ODD_NOT_REGISTERED, with_odd_shapes
from transfer.sandbox.state import SandboxState
from transfer.sandbox.tokens import DEFAULT_TOKEN_LIFETIME
from transfer.sandbox.wire import Answer, json_answer

logger = logging.getLogger(__name__)

Mode = Literal["development", "extended"]
MODES: tuple[Mode, ...] = ("development", "extended")


class SandboxServer:
    """A sandbox on a background thread. ``port=0`` picks a free port."""

    def __init__(
        self,
        seed: SandboxSeed,
        host: str = "127.0.0.1",
        port: int = 0,
        mode: Mode = "development",
        faults: Faults | None = None,
        rng_seed: int = 0,
        *,
        clock: Clock | None = None,
        token_lifetime: int = DEFAULT_TOKEN_LIFETIME,
        library_order: LibraryOrder = "kept",
        hostile_shapes: bool = False,
        aliases: bool | None = None,
    ) -> None:
        """``hostile_shapes``: serve the odd shapes of :mod:`transfer.sandbox.shapes`, one of
        each added to the seed, and the deprecated aliases. ``aliases``: send the deprecated
        ``tracks``/``track`` aliases (default: only with ``hostile_shapes``)."""
        if mode not in MODES:
            raise ConfigError(f"Unknown sandbox mode {mode!r}: use development or extended.")
        if library_order not in LIBRARY_ORDERS:
            raise ConfigError(f"Unknown library order {library_order!r}: use "
                              + ", ".join(LIBRARY_ORDERS) + ".")
        if hostile_shapes:
            seed = with_odd_shapes(seed)
        self.hostile_shapes = hostile_shapes
        self.aliases = hostile_shapes if aliases is None else aliases
        self.host, self.mode = host, mode
        self._requested_port = port
        self.state = SandboxState(seed, clock, token_lifetime, id_seed=rng_seed,
                                  save_order=SaveDating(library_order, rng_seed))
        self.request_log = RequestLog()
        self._faults = FaultInjector(faults, rng_seed, self.state.clock)
        self._approved: str | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._api: Api | None = None
        self._accounts = Accounts(self.state, self.extended, lambda: self._approved)
        self._handling: Counter[str] = Counter()
        self._handled = threading.Condition()

    # -- life cycle -----------------------------------------------------------------------

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            return self
        try:
            httpd = _HTTPServer((self.host, self._requested_port), _Handler)
        except OSError as error:
            raise ConfigError(
                f"The sandbox cannot listen on {self.host}:{self._requested_port}: {error}",
                advice="Choose another port with --port, or 0 for any free one.",
            ) from error
        httpd.sandbox = self
        self._httpd = httpd
        render = Renderer(self.state, self.base_url, self.extended, self.aliases)
        self._api = Api(self.state, render, self._faults, self.request_log, self.extended,
                        ODD_NOT_REGISTERED if self.hostile_shapes else NOT_REGISTERED)
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"sandbox-{self.port}", daemon=True,
        )
        self._thread.start()
        logger.info("Sandbox listening on %s", self.base_url)
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where it is ----------------------------------------------------------------------

    @property
    def extended(self) -> bool:
        return self.mode == "extended"

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("The sandbox is not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def accounts_url(self) -> str:
        return self.base_url

    @property
    def client_id(self) -> str:
        return self.state.app.client_id

    # -- control --------------------------------------------------------------------------

    def refresh_token(self, user_id: str) -> str:
        """A valid refresh token for ``user_id`` (from the seed, or minted with every scope
        the tool uses)."""
        if user_id not in self.state.users:
            raise ConfigError(f"No sandbox user {user_id!r}")
        return self.state.refresh_token(user_id, TOOL_SCOPES)

    def approve_as(self, user_id: str | None) -> None:
        """Whom ``/authorize`` approves when the request names no ``sandbox_user``."""
        self._approved = user_id

    @property
    def faults(self) -> Faults:
        return self._faults.faults

    def set_faults(self, faults: Faults, rng_seed: int | None = None) -> None:
        """Change the faults while running; ``rng_seed`` restarts the random sequence."""
        self._faults.set_faults(faults, rng_seed)

    def reset_quota(self) -> None:
        self._faults.reset_quota()

    @property
    def library_order(self) -> LibraryOrder:
        """The order ``PUT /me/library`` dates the new items of one request in."""
        return self.state.save_order.order

    def set_library_order(self, order: LibraryOrder) -> None:
        with self.state.lock:
            self.state.save_order.order = order

    def reset_rate_limit(self) -> None:
        self._faults.reset_rate_limit()

    def revoke(self, user_id: str) -> int:
        """Revoke every token of a user: the next refresh answers ``invalid_grant``."""
        with self.state.lock:
            return self.state.tokens.revoke_user(user_id)

    def expire_access_tokens(self) -> None:
        with self.state.lock:
            self.state.tokens.expire_access_tokens()

    def in_flight(self) -> list[str]:
        """The requests being handled now, as ``"METHOD /path"``."""
        with self._handled:
            return sorted(self._handling.elements())

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Return once no request is being handled: a request whose client was killed goes on
        (and takes effect) after the client is gone, as it would at Spotify."""
        with self._handled:
            if not self._handled.wait_for(lambda: not self._handling, timeout):
                raise TimeoutError(f"the sandbox still handles {sorted(self._handling)}")

    # -- dispatch -------------------------------------------------------------------------

    def dispatch(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str],
        body: bytes,
    ) -> Answer | None:
        """Answer one HTTP request; None means close the connection without an answer."""
        request = f"{method} {path}"
        with self._handled:
            self._handling[request] += 1
        try:
            return self._dispatch(method, path, query, headers, body)
        finally:
            with self._handled:
                self._handling[request] -= 1
                if self._handling[request] <= 0:
                    del self._handling[request]
                self._handled.notify_all()

    def _dispatch(
        self, method: str, path: str, query: dict[str, list[str]], headers: Mapping[str, str],
        body: bytes,
    ) -> Answer | None:
        if path.startswith(admin.PREFIX):
            refused = admin.refusal(headers, self.host, self.port)
            return refused or admin.handle(self, method, path, _first(query), body)
        if method == "GET" and path.startswith(("/image/", "/mosaic/", images.OLD_COVER_PATH)):
            return self._image(path)
        if path in ("/authorize", "/api/token"):
            return self._account(method, path, query, body)
        if (path == API_PREFIX or path.startswith(API_PREFIX + "/")) and self._api is not None:
            return self._api.handle(method, path, query, headers, body)
        return json_answer(404, {"error": {"status": 404, "message": "Service not found"}})

    def _account(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> Answer:
        user_id: str | None = None
        if path == "/authorize" and method == "GET":
            answer, user_id = self._accounts.authorize(_first(query))
        elif path == "/api/token" and method == "POST":
            form = _first(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
            answer, user_id = self._accounts.token(form)
        else:
            answer = json_answer(405, {"error": "method_not_allowed"})
        self.request_log.add(
            LoggedRequest(method, path, answer.status, answer.status < 400, None, user_id, path)
        )
        return answer

    def _image(self, path: str) -> Answer:
        kind, _, name = path.strip("/").partition("/")
        if kind == "mosaic" and images.is_mosaic_name(name):
            return Answer(200, images.PLACEHOLDER_JPEG, "image/jpeg")
        image_hash = images.custom_cover_hash(name) if kind == "image" else \
            images.old_cover_hash(path)
        if image_hash is not None:
            playlist = self.state.cover_owner(image_hash)
            if playlist is not None and playlist.cover is not None:
                return Answer(200, base64.b64decode(playlist.cover.jpeg_base64), "image/jpeg")
        elif kind == "image" and images.is_generated_image(name):
            return Answer(200, images.PLACEHOLDER_JPEG, "image/jpeg")
        return Answer(404, b"Not found", "text/plain")


def _first(query: dict[str, list[str]]) -> dict[str, str]:
    return {name: values[0] for name, values in query.items() if values}


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: SandboxServer

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that went away (killed, or its connection closed mid-request) is not the
        sandbox's failure: no traceback for it. Anything else is reported as usual."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("Client %s went away", client_address)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 120
    server: _HTTPServer

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        split = urlsplit(self.path)
        query = parse_qs(split.query, keep_blank_values=True)
        headers = {name.lower(): value for name, value in self.headers.items()}
        body = self._read_body(headers)
        try:
            answer = self.server.sandbox.dispatch(self.command, split.path, query, headers, body)
        except Exception:
            logger.exception("Sandbox failure on %s %s", self.command, self.path)
            answer = json_answer(500, {"error": {"status": 500, "message": "Server error"}})
        if answer is None:
            self._drop()
        else:
            self._send(answer)

    def _read_body(self, headers: Mapping[str, str]) -> bytes:
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(headers.get("content-length", "0") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if answer.content_type:
            self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if answer.body and self.command != "HEAD":
            self.wfile.write(answer.body)

    def _drop(self) -> None:
        """Close the connection without a byte of answer (a write applied, answer lost)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)
