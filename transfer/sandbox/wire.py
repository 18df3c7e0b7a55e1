"""What goes back over the socket: status, headers, bytes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"


@dataclass
class Answer:
    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> Answer:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Answer(status, body, JSON_TYPE, dict(headers or {}))


def text_answer(status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Answer:
    return Answer(status, text.encode("utf-8"), content_type)


def redirect(location: str) -> Answer:
    return Answer(302, b"", None, {"Location": location})
