"""Authorization Code with PKCE through spotipy's ``SpotifyPKCE``, pointed at our accounts URL.

spotipy is used for what it does well (the verifier and challenge, the authorize URL, the token
requests); the loopback listener, the ``state`` check and token storage are ours
(``transfer.auth``). Token answers are returned as plain dicts; nothing here stores or logs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests
from spotipy.cache_handler import MemoryCacheHandler
from spotipy.oauth2 import SpotifyOauthError, SpotifyPKCE

from transfer.errors import AuthError, ConfigError

TokenInfo = dict[str, Any]


class AccountsPKCE(SpotifyPKCE):
    """``SpotifyPKCE`` talking to ``accounts_url`` (Spotify's, or the sandbox's).

    The URLs are set on the instance, never on the class, so two accounts services can be used
    in one process.
    """

    def __init__(
        self,
        client_id: str,
        redirect_uri: str,
        accounts_url: str,
        scopes: Sequence[str],
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(
            client_id=client_id,
            redirect_uri=redirect_uri,
            scope=" ".join(scopes),
            requests_timeout=timeout,
            requests_session=session or requests.Session(),
            open_browser=False,
            cache_handler=MemoryCacheHandler(),
        )
        base = accounts_url.rstrip("/")
        self.OAUTH_AUTHORIZE_URL = f"{base}/authorize"
        self.OAUTH_TOKEN_URL = f"{base}/api/token"

    def _handle_oauth_error(self, http_error: requests.HTTPError) -> None:
        """A 5xx or 429 from the accounts service is passed on as the HTTP error it is, so the
        caller retries it; a refusal becomes ``SpotifyOauthError`` as spotipy does."""
        response = http_error.response
        if response is not None and (response.status_code >= 500 or response.status_code == 429):
            raise http_error
        super()._handle_oauth_error(http_error)

    def authorize_url(self, state: str) -> str:
        """The URL the user opens to grant access; makes a fresh verifier and challenge."""
        self.get_pkce_handshake_parameters()
        return str(self.get_authorize_url(state=state))

    def exchange_code(self, code: str, account: str) -> TokenInfo:
        """Trade the authorization code (with the verifier) for tokens."""
        try:
            self.get_access_token(code=code, check_cache=False)
        except SpotifyOauthError as error:
            raise oauth_error(error, account, during="log-in") from None
        return dict(self.cache_handler.get_cached_token())

    def refresh(self, refresh_token: str, account: str) -> TokenInfo:
        """New tokens from a refresh token; ``AuthError`` when Spotify refuses it."""
        try:
            return dict(self.refresh_access_token(refresh_token))
        except SpotifyOauthError as error:
            raise oauth_error(error, account, during="refresh") from None


def oauth_error(error: SpotifyOauthError, account: str, during: str) -> Exception:
    """The user-facing error for a refused token request."""
    code = getattr(error, "error", None)
    description = getattr(error, "error_description", None) or code or "no reason given"
    login = f"Run `spotify-transfer login {account}`"
    if code == "invalid_client":
        return ConfigError(
            f"Spotify does not know the app's client id ({description}).",
            advice="Check SPOTIFY_TRANSFER_CLIENT_ID (the Client ID on the app's dashboard).",
        )
    if code == "invalid_grant" and during == "refresh":
        return AuthError(
            f"The log-in of the {account} account is no longer valid ({description}).",
            account=account,
            advice=f"{login} again: Spotify's refresh tokens expire six months after sign-in "
            "and end when access is revoked.",
        )
    return AuthError(
        f"Spotify refused the {during} of the {account} account ({description}).",
        account=account,
        advice=f"{login} again.",
    )
