"""A scripted stand-in for Spotify at the HTTP level, for unit tests of the adapter.

``FakeSession`` is a ``requests.Session`` whose ``request`` never touches the network: a
handler function answers each request, and every request is recorded. The whole adapter runs
unchanged on top of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from transfer.config import Settings
from transfer.spotify import RetryPolicy, SpotifyAdapter, Transport

API = "https://api.test/v1"


@dataclass
class Sent:
    """One request as the fake saw it."""

    method: str
    url: str
    params: dict[str, Any]
    headers: dict[str, str]
    body: Any

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.removeprefix("/v1")

    @property
    def query(self) -> dict[str, str]:
        """The URL's query and the params, as single values."""
        values = {key: items[0] for key, items in parse_qs(urlsplit(self.url).query).items()}
        values.update({key: str(value) for key, value in self.params.items()})
        return values


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Sent], "Reply | BaseException"]


def error_body(status: int, message: str, reason: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"status": status, "message": message}
    if reason:
        error["reason"] = reason
    return {"error": error}


class FakeSession(requests.Session):
    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self.handler = handler
        self.sent: list[Sent] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
                ) -> requests.Response:
        data = kwargs.get("data")
        body: Any = data
        if isinstance(data, str) and data[:1] in "{[":
            body = json.loads(data)
        sent = Sent(str(method), str(url), dict(kwargs.get("params") or {}),
                    dict(kwargs.get("headers") or {}), body)
        self.sent.append(sent)
        outcome = self.handler(sent)
        if isinstance(outcome, BaseException):
            raise outcome
        return _response(sent, outcome)


def _response(sent: Sent, reply: Reply) -> requests.Response:
    response = requests.Response()
    response.status_code = reply.status
    response.url = sent.url
    response.headers = CaseInsensitiveDict(reply.headers)
    if isinstance(reply.body, bytes):
        response._content = reply.body
    else:
        response._content = b"" if reply.body is None else json.dumps(reply.body).encode()
        response.headers.setdefault("Content-Type", "application/json")
    return response


def scripted(*outcomes: Reply | BaseException) -> Handler:
    """A handler answering with ``outcomes`` in turn, then 200 ``{}``."""
    queue = list(outcomes)

    def handler(sent: Sent) -> Reply | BaseException:
        return queue.pop(0) if queue else Reply(200, {})

    return handler


class StubTokens:
    """A token source that counts refreshes."""

    def __init__(self, account: str = "source") -> None:
        self.account = account
        self.issued = 1
        self.invalidated = 0
        self._stale = False

    def access_token(self) -> str:
        if self._stale:
            self.issued += 1
            self._stale = False
        return f"access-{self.issued}"

    def current_token(self) -> str:
        return f"access-{self.issued}"

    def invalidate(self) -> None:
        self.invalidated += 1
        self._stale = True


@dataclass
class Rig:
    """An adapter over a fake session, with its sleeps recorded."""

    adapter: SpotifyAdapter
    session: FakeSession
    tokens: StubTokens
    sleeps: list[float]
    policy: RetryPolicy


def rig(handler: Handler, *, jitter: float = 0.0, max_retry_after: float = 600.0,
        max_attempts: int = 5, account: str = "source") -> Rig:
    sleeps: list[float] = []
    session = FakeSession(handler)
    tokens = StubTokens(account)
    policy = RetryPolicy(max_retry_after=max_retry_after, max_attempts=max_attempts,
                         jitter=jitter, sleep=sleeps.append)
    transport = Transport(API, tokens, policy, timeout=5, session=session)
    return Rig(SpotifyAdapter(transport), session, tokens, sleeps, policy)


def settings_for_fake() -> Settings:
    return Settings(api_url=API, client_id="client")


def paged(items: list[Any], sent: Sent, wrap: str | None = None) -> Reply:
    """A page of ``items`` as Spotify answers it, with an absolute ``next`` link."""
    query = sent.query
    limit, offset = int(query.get("limit", 20)), int(query.get("offset", 0))
    assert limit <= 50, f"limit {limit} over the API maximum"
    base = sent.url.split("?")[0]
    end = offset + limit
    extra = "&type=artist" if wrap == "artists" else ""
    page = {
        "href": sent.url,
        "items": items[offset:end],
        "limit": limit,
        "offset": offset,
        "total": len(items),
        "next": f"{base}?offset={end}&limit={limit}{extra}" if end < len(items) else None,
        "previous": None,
    }
    return Reply(200, {wrap: page} if wrap else page)
