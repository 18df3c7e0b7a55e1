"""Helpers for the sandbox server tests: spotipy (unmodified) pointed at a sandbox."""

from __future__ import annotations

from typing import Any

import requests
import spotipy
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyPKCE

from transfer.sandbox.accounts import TOOL_SCOPES
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import REDIRECT_URIS

REDIRECT_URI = REDIRECT_URIS[0]


def pkce_manager(server: SandboxServer, scopes: list[str] | None = None,
                 token_info: dict[str, Any] | None = None) -> SpotifyPKCE:
    manager = SpotifyPKCE(
        client_id=server.client_id, redirect_uri=REDIRECT_URI,
        scope=" ".join(scopes if scopes is not None else TOOL_SCOPES), open_browser=False,
        cache_handler=MemoryCacheHandler(token_info), requests_session=requests.Session(),
    )
    manager.OAUTH_AUTHORIZE_URL = server.accounts_url + "/authorize"
    manager.OAUTH_TOKEN_URL = server.accounts_url + "/api/token"
    return manager


def client(manager: SpotifyPKCE, server: SandboxServer, timeout: float = 5) -> spotipy.Spotify:
    """A spotipy client with a session of its own (no hidden urllib3 retries)."""
    spotify = spotipy.Spotify(auth_manager=manager, requests_session=requests.Session(),
                              requests_timeout=timeout)
    spotify.prefix = server.api_url + "/"
    return spotify


def headless(server: SandboxServer, user_id: str, timeout: float = 5) -> spotipy.Spotify:
    """Logged in from a refresh token, as a scheduled job would be."""
    token_info = {"access_token": "expired", "refresh_token": server.refresh_token(user_id),
                  "expires_at": 0, "scope": " ".join(TOOL_SCOPES)}
    return client(pkce_manager(server, token_info=token_info), server, timeout)


def pkce_login(server: SandboxServer, user_id: str,
               scopes: list[str] | None = None) -> spotipy.Spotify:
    """The real PKCE flow: authorize URL, the redirect (not followed), the code exchange."""
    manager = pkce_manager(server, scopes)
    url = manager.get_authorize_url(state="state-123") + f"&sandbox_user={user_id}"
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI) and "state=state-123" in location
    manager.get_access_token(manager.parse_response_code(location), check_cache=False)
    return client(manager, server)


def access_token(server: SandboxServer, user_id: str) -> str:
    answer = requests.post(server.accounts_url + "/api/token", data={
        "grant_type": "refresh_token", "refresh_token": server.refresh_token(user_id),
        "client_id": server.client_id,
    }, timeout=5)
    answer.raise_for_status()
    return str(answer.json()["access_token"])


class Raw:
    """Plain HTTP against the API with one user's token, for status-code tests."""

    def __init__(self, server: SandboxServer, user_id: str) -> None:
        self.server = server
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {access_token(server, user_id)}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 5)
        return self.session.request(method, self.server.api_url + path, **kwargs)

    def all_pages(self, path: str) -> list[Any]:
        """Follow ``next`` to the end; returns every item."""
        items: list[Any] = []
        url: str | None = self.server.api_url + path
        while url:
            page = self.session.get(url, timeout=5).json()
            items += page["items"]
            url = page["next"]
        return items
