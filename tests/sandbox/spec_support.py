"""Drive the sandbox over real HTTP with every answer validated against the OpenAPI spec.

A ``SpecSession`` is a ``requests.Session`` whose response hook validates each Web API answer
(``/v1/...``) with ``tests.openapi`` in strict mode, and each token answer as the accounts
service's. Handing it to spotipy as ``requests_session`` validates spotipy's traffic too.
Every validated ``(method, template, status)`` is recorded in ``VALIDATED``, and appended to
the file named by ``SPEC_COVERAGE_FILE`` when that is set.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
import spotipy

from tests import openapi
from transfer.sandbox.builtin import REDIRECT_URIS, SOURCE_USER, builtin_seed
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import Mode, SandboxServer

VALIDATED: set[tuple[str, str, int]] = set()


def _record(method: str, template: str, status: int) -> None:
    key = (method, template, status)
    if key in VALIDATED:
        return
    VALIDATED.add(key)
    target = os.environ.get("SPEC_COVERAGE_FILE")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(f"{method} {template} {status}\n")


class SpecSession(requests.Session):
    def __init__(self, strict: bool = True) -> None:
        super().__init__()
        self.strict = strict
        self.hooks["response"].append(self._validate)

    def _validate(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        path = urlsplit(response.request.url or "").path
        if path.startswith(openapi.API_PREFIX + "/"):
            operation = openapi.validate_response(response, strict=self.strict)
            _record(operation.method, operation.template, response.status_code)
        elif path == "/api/token":
            openapi.validate_token_response(response)
            _record("POST", "/api/token", response.status_code)


@dataclass
class Sandbox:
    """A running sandbox and a validating session to talk to it."""

    server: SandboxServer
    session: SpecSession = field(default_factory=SpecSession)
    plain: requests.Session = field(default_factory=requests.Session)
    """Not validating: for walking long lists whose pages are validated elsewhere."""
    _tokens: dict[str, str] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return self.server.api_url

    def token(self, user: str = SOURCE_USER) -> str:
        """An access token for ``user`` with every scope, from the refresh grant over HTTP."""
        if user not in self._tokens:
            self._tokens[user] = self.refresh(self.server.refresh_token(user)).json()[
                "access_token"
            ]
        return self._tokens[user]

    def refresh(self, refresh_token: str, client_id: str | None = None) -> requests.Response:
        return self.session.post(
            f"{self.server.accounts_url}/api/token",
            data={"grant_type": "refresh_token", "refresh_token": refresh_token,
                  "client_id": client_id or self.server.client_id},
        )

    def token_with_scopes(self, user: str, scopes: list[str]) -> str:
        """An access token granted only ``scopes``, through authorize + PKCE over HTTP."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        query = {
            "client_id": self.server.client_id, "response_type": "code",
            "redirect_uri": REDIRECT_URIS[0], "code_challenge_method": "S256",
            "code_challenge": challenge.decode().rstrip("="), "state": "s",
            "scope": " ".join(scopes), "sandbox_user": user,
        }
        answer = self.session.get(f"{self.server.accounts_url}/authorize?{urlencode(query)}",
                                  allow_redirects=False)
        assert answer.status_code == 302, answer.text
        code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
        token = self.session.post(
            f"{self.server.accounts_url}/api/token",
            data={"grant_type": "authorization_code", "code": code,
                  "redirect_uri": REDIRECT_URIS[0], "client_id": self.server.client_id,
                  "code_verifier": verifier},
        )
        assert token.status_code == 200, token.text
        return str(token.json()["access_token"])

    def call(self, method: str, path: str, *, user: str = SOURCE_USER, token: str | None = None,
             **kwargs: Any) -> requests.Response:
        """``path`` relative to the API (``/me``) or absolute (a ``next`` URL)."""
        url = path if path.startswith("http") else self.api + path
        headers = {"Authorization": f"Bearer {token or self.token(user)}",
                   **kwargs.pop("headers", {})}
        return self.session.request(method, url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def get_ok(self, path: str, **kwargs: Any) -> Any:
        answer = self.call("GET", path, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def pages(
        self, path: str, *, user: str = SOURCE_USER, key: str | None = None,
        validate: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Every page of a paged answer, following the absolute ``next`` links."""
        url: str | None = path
        while url:
            if validate:
                body = self.get_ok(url, user=user)
            else:
                answer = self.plain.get(url if url.startswith("http") else self.api + url,
                                        headers={"Authorization": f"Bearer {self.token(user)}"})
                assert answer.status_code == 200, answer.text
                body = answer.json()
            page = body[key] if key else body
            yield page
            url = page["next"]

    def spotify(self, user: str = SOURCE_USER) -> spotipy.Spotify:
        client = spotipy.Spotify(auth=self.token(user), requests_session=self.session)
        client.prefix = self.api + "/"
        return client

    @contextlib.contextmanager
    def faults(self, faults: Faults) -> Iterator[None]:
        self.server.reset_quota()
        self.server.reset_rate_limit()
        self.server.set_faults(faults, rng_seed=0)
        try:
            yield
        finally:
            self.server.set_faults(Faults())
            self.server.reset_quota()
            self.server.reset_rate_limit()


@contextlib.contextmanager
def running_sandbox(
    seed: SandboxSeed | None = None, mode: Mode = "development", *, aliases: bool | None = None,
    hostile_shapes: bool = False, **options: Any
) -> Iterator[Sandbox]:
    """``options`` go to ``SandboxServer`` (``library_order``, ``rng_seed``, ...)."""
    with SandboxServer(seed or builtin_seed(), port=0, mode=mode, aliases=aliases,
                       hostile_shapes=hostile_shapes, **options) as server:
        sandbox = Sandbox(server)
        try:
            yield sandbox
        finally:
            sandbox.session.close()
            sandbox.plain.close()
