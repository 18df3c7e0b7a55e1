"""Cassette tests: the adapter replayed from recorded HTTP exchanges (vcrpy via
pytest-recording), never touching the network unless re-recording.

- Cassettes live in the top-level ``cassettes/<test module>/<test>.yaml``.
- Replay only by default (record mode ``none``) with the network blocked: a request missing
  from a cassette fails the test instead of going out.
- Tokens, codes, verifiers and refresh tokens are scrubbed **at record time**
  (``scrub_request`` / ``scrub_response``); ``test_cassettes_are_scrubbed`` scans every cassette.
- Recording runs against a sandbox started on a fixed port (``SPOTIFY_CASSETTE_API_URL``,
  default ``http://127.0.0.1:43017/v1``), with a small library and a manual clock that the
  adapter's waits advance; see ``tests/cassette/README.md`` for re-recording, also against the
  real Spotify.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from transfer.auth import AccountTokens, TokenStore
from transfer.config import Settings
from transfer.sandbox.clock import ManualClock
from transfer.sandbox.faults import Faults
from transfer.sandbox.server import SandboxServer
from transfer.spotify import RetryPolicy, SpotifyAdapter, Transport

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "cassettes"
REDACTED = "REDACTED"
SECRET_FORM_FIELDS = ("code", "code_verifier", "refresh_token")
SECRET_JSON_FIELDS = ("access_token", "refresh_token")

DEFAULT_API_URL = "http://127.0.0.1:43017/v1"
API_URL = os.environ.get("SPOTIFY_CASSETTE_API_URL", DEFAULT_API_URL).rstrip("/")
ACCOUNTS_URL = os.environ.get(
    "SPOTIFY_CASSETTE_ACCOUNTS_URL", API_URL.removesuffix("/v1")).rstrip("/")
LIVE = API_URL != DEFAULT_API_URL
"""Recorded against something other than the cassette sandbox (the real Spotify)."""


def scrub_request(request: Any) -> Any:
    """Blank the secrets of a token request's form body before it is written."""
    if request.path.endswith("/api/token") and request.body:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        fields = [(key, REDACTED if key in SECRET_FORM_FIELDS else value)
                  for key, value in parse_qsl(body, keep_blank_values=True)]
        request.body = urlencode(fields).encode()
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Blank the tokens of a token answer before it is written."""
    body = response.get("body", {}).get("string")
    if not body:
        return response
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return response
    if isinstance(document, dict) and any(key in document for key in SECRET_JSON_FIELDS):
        for key in SECRET_JSON_FIELDS:
            if key in document:
                document[key] = REDACTED
        scrubbed = json.dumps(document).encode()
        response["body"]["string"] = scrubbed
        for name, values in response.get("headers", {}).items():
            if name.lower() == "content-length":
                values[:] = [str(len(scrubbed))]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [("authorization", REDACTED)],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "port", "path", "query"],
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    return str(CASSETTES / request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture
def recording(record_mode: str) -> bool:
    return record_mode != "none"


@pytest.fixture
def cassette_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cassette_sandbox(recording: bool, cassette_clock: ManualClock
                     ) -> Iterator[SandboxServer | None]:
    """While recording (not live): a sandbox with the small library on the cassette port.
    While replaying: None, nothing listens."""
    if not recording or LIVE:
        yield None
        return
    port = urlsplit(API_URL).port
    with SandboxServer(small_seed(), port=port or 0, clock=cassette_clock) as server:
        yield server


@dataclass
class CassetteRig:
    """What a cassette test works with."""

    sandbox: SandboxServer | None
    clock: ManualClock
    home: Path
    waits: list[float] = field(default_factory=list)
    on_wait: list[Callable[[], None]] = field(default_factory=list)

    def settings(self) -> Settings:
        server = self.sandbox
        return Settings(
            api_url=API_URL, accounts_url=ACCOUNTS_URL, home=self.home,
            client_id=server.client_id if server else os.environ.get(
                "SPOTIFY_CASSETTE_CLIENT_ID", "sandbox-client-id"),
            source_refresh_token=self._refresh_token("SOURCE", SOURCE_USER),
            target_refresh_token=self._refresh_token("TARGET", TARGET_USER),
        )

    def _refresh_token(self, account: str, sandbox_user: str) -> str:
        if self.sandbox is not None:
            return self.sandbox.refresh_token(sandbox_user)
        return os.environ.get(f"SPOTIFY_CASSETTE_{account}_REFRESH_TOKEN", REDACTED)

    def adapter(self, account: str = "source", max_retry_after: float = 600) -> SpotifyAdapter:
        """An adapter whose waits are recorded (and advance the sandbox's clock)."""
        settings = self.settings()
        policy = RetryPolicy(max_retry_after=max_retry_after, jitter=0.0, sleep=self._sleep,
                             clock=lambda: self.clock.now())
        tokens = AccountTokens(account, settings, TokenStore(self.home))
        return SpotifyAdapter(Transport(settings.api_base, tokens, policy, timeout=10))

    def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds)
        for action in self.on_wait:
            action()

    def faults(self, faults: Faults) -> None:
        """Inject faults while recording; replay has them in the cassette already."""
        if self.sandbox is not None:
            self.sandbox.set_faults(faults)


@pytest.fixture
def cassette(cassette_sandbox: SandboxServer | None, cassette_clock: ManualClock,
             tmp_path: Path) -> CassetteRig:
    return CassetteRig(cassette_sandbox, cassette_clock, tmp_path)


@pytest.fixture
def sandbox_only() -> None:
    """For tests that inject sandbox faults: they cannot be recorded against Spotify."""
    if LIVE:
        pytest.skip("needs the sandbox's fault injection; not recordable against Spotify")
