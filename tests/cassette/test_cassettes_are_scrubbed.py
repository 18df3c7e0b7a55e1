"""No cassette holds a credential: every one is scanned, structurally and as text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
import yaml

from tests.cassette.conftest import (
    CASSETTES,
    REDACTED,
    SECRET_FORM_FIELDS,
    SECRET_JSON_FIELDS,
    scrub_request,
    scrub_response,
)

CREDENTIAL_TEXT = [
    re.compile(r"(?i)bearer\s+(?!REDACTED)[A-Za-z0-9._~+/-]{8,}"),
    re.compile(r'"(?:access_token|refresh_token)"\s*:\s*"(?!REDACTED")'),
    re.compile(r"(?<![A-Za-z_])(?:code|code_verifier|refresh_token)=(?!REDACTED)[^&\s'\"]+"),
    re.compile(r"sandbox-refresh-"),
    re.compile(r"(?i)basic\s+[A-Za-z0-9+/=]{16,}"),
]


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


def test_there_are_cassettes_to_scan() -> None:
    assert len(cassette_files()) >= 5


@pytest.mark.parametrize("path", cassette_files(), ids=lambda path: path.name)
def test_cassette_text_has_no_credential(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in CREDENTIAL_TEXT:
        match = pattern.search(text)
        assert match is None, f"{path.name}: {match.group(0)[:40] if match else ''}"


@pytest.mark.parametrize("path", cassette_files(), ids=lambda path: path.name)
def test_cassette_exchanges_are_scrubbed(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for interaction in document["interactions"]:
        request, response = interaction["request"], interaction["response"]
        for name, values in request["headers"].items():
            if name.lower() in ("authorization", "cookie"):
                assert values == [REDACTED], f"{path.name}: {name} header kept"
        if request["uri"].endswith("/api/token") and request["body"]:
            form = dict(parse_qsl(_text(request["body"])))
            for field in SECRET_FORM_FIELDS:
                assert form.get(field, REDACTED) == REDACTED, f"{path.name}: {field} kept"
        body = _json(response["body"]["string"])
        if isinstance(body, dict):
            for field in SECRET_JSON_FIELDS:
                assert body.get(field, REDACTED) == REDACTED, f"{path.name}: {field} kept"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _json(value: Any) -> Any:
    try:
        return json.loads(_text(value))
    except ValueError:
        return None


class _Request:
    def __init__(self, path: str, body: bytes) -> None:
        self.path, self.body = path, body


def test_scrubbers_blank_codes_verifiers_and_tokens() -> None:
    request = scrub_request(_Request(
        "/api/token", b"grant_type=authorization_code&code=AQCsecret&code_verifier=v3rifier"
                      b"&refresh_token=AQBrefresh&client_id=abc"))
    assert dict(parse_qsl(request.body.decode())) == {
        "grant_type": "authorization_code", "code": REDACTED, "code_verifier": REDACTED,
        "refresh_token": REDACTED, "client_id": "abc"}
    answer = {"body": {"string": b'{"access_token":"BQDsecret","refresh_token":"AQBnew",'
                                 b'"expires_in":3600}'},
              "headers": {"Content-Length": ["70"]}}
    scrubbed = scrub_response(answer)
    body = json.loads(scrubbed["body"]["string"])
    assert body == {"access_token": REDACTED, "refresh_token": REDACTED, "expires_in": 3600}
    assert scrubbed["headers"]["Content-Length"] == [str(len(scrubbed["body"]["string"]))]
    other = {"body": {"string": b'{"items": []}'}}
    assert scrub_response(other) == {"body": {"string": b'{"items": []}'}}
