"""The request log: every API and accounts request the sandbox answered, by endpoint template.

It is what cost benchmarks count and how tests prove that ``plan`` makes no write. Admin
requests (``/_sandbox/...``) and image downloads are not logged.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import NamedTuple

ACCOUNTS_TEMPLATES = frozenset({"/authorize", "/api/token"})

DROPPED = 0
"""The status logged for a request whose connection was closed without an answer."""


class LoggedRequest(NamedTuple):
    method: str
    path_template: str
    status: int
    applied: bool
    """True when the request took effect (a write changed the state, a read was answered)."""
    fault: str | None = None
    """``rate_limit``, ``cover_rate_limit``, ``quota``, ``error``, ``after_apply_502``,
    ``dropped``; None when no fault was injected."""
    user_id: str | None = None
    path: str = ""

    @property
    def is_api(self) -> bool:
        return self.path_template not in ACCOUNTS_TEMPLATES

    @property
    def is_write(self) -> bool:
        return self.is_api and self.method != "GET"


class RequestLog:
    """Thread-safe, append-only until ``reset``."""

    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    @property
    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def counts(self) -> Counter[tuple[str, str]]:
        """Requests per ``(method, path_template)``."""
        with self._lock:
            return Counter((entry.method, entry.path_template) for entry in self._entries)

    def writes(self) -> int:
        """API requests other than GET (accounts requests are not writes)."""
        with self._lock:
            return sum(1 for entry in self._entries if entry.is_write)

    def total(self) -> int:
        with self._lock:
            return len(self._entries)

    def api_total(self) -> int:
        """API requests only (not ``/authorize`` nor ``/api/token``)."""
        with self._lock:
            return sum(1 for entry in self._entries if entry.is_api)

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()

    def summary(self) -> dict[str, object]:
        """A JSON-ready view for ``GET /_sandbox/log``."""
        counts = self.counts()
        return {
            "total": self.total(),
            "api_total": self.api_total(),
            "writes": self.writes(),
            "counts": [
                {"method": method, "path_template": template, "count": count}
                for (method, template), count in sorted(counts.items())
            ],
            "entries": [entry._asdict() for entry in self.entries],
        }
