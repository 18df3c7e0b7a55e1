"""Access tokens of an account, refreshed when due.

For servers and scheduled jobs, ``SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN`` and
``..._TARGET_REFRESH_TOKEN`` log in without a browser: the token in the environment is used
unless the stored log-in already came from that very token (which Spotify may have rotated
since), or an interactive log-in made while it was set replaced it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Literal

from transfer.auth.store import StoredLogin, TokenStore
from transfer.config import Settings
from transfer.errors import AuthError, ConfigError
from transfer.spotify.endpoints import ALL_SCOPES
from transfer.spotify.oauth import AccountsPKCE

logger = logging.getLogger(__name__)

AccountName = Literal["source", "target"]
ACCOUNTS: tuple[AccountName, ...] = ("source", "target")
EXPIRY_MARGIN = 60
"""Seconds before expiry when an access token is refreshed."""


def other_account(account: str) -> AccountName:
    return "target" if account == "source" else "source"


def token_digest(refresh_token: str) -> str:
    """A stand-in for a refresh token that tells two apart without keeping either."""
    return hashlib.sha256(refresh_token.encode()).hexdigest()


def login_advice(account: str) -> str:
    return (
        f"Run `spotify-transfer login {account}` (or set "
        f"SPOTIFY_TRANSFER_{account.upper()}_REFRESH_TOKEN for a run without a browser)."
    )


class AccountTokens:
    """Access tokens of one account, refreshed when due; thread-safe.

    Implements ``transfer.spotify.TokenSource``.
    """

    def __init__(
        self,
        account: str,
        settings: Settings,
        store: TokenStore,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account = account
        self._settings = settings
        self._store = store
        self._clock = clock
        self._login: StoredLogin | None = None
        self._stale = False
        self._lock = threading.Lock()

    def access_token(self) -> str:
        with self._lock:
            login = self._login or self._initial_login()
            if self._stale or login.expires_at - self._clock() < EXPIRY_MARGIN:
                login = self._refreshed(login)
            self._login, self._stale = login, False
            return login.access_token

    def current_token(self) -> str:
        with self._lock:
            login = self._login
        return login.access_token if login is not None else self.access_token()

    def invalidate(self) -> None:
        with self._lock:
            self._stale = True

    def stored(self) -> StoredLogin | None:
        """The log-in on disk, without refreshing anything."""
        return self._store.load(self.account)

    def remember_user(self, user_id: str, display_name: str | None) -> None:
        """Record whose tokens these are (to catch a log-in as the wrong user later)."""
        with self._lock:
            login = self._login or self._store.load(self.account)
            if login is None or (login.user_id, login.display_name) == (user_id, display_name):
                return
            login = login.model_copy(update={"user_id": user_id, "display_name": display_name})
            self._store.save(self.account, login)
            self._login = login

    def _initial_login(self) -> StoredLogin:
        stored = self._store.load(self.account)
        from_environment = self._settings.refresh_token(self.account)
        if from_environment:
            digest = token_digest(from_environment)
            if stored is None or stored.seeded_from != digest:
                logger.info("Logging in the %s account from the environment", self.account)
                seed = StoredLogin(access_token="", refresh_token=from_environment, expires_at=0,
                                   seeded_from=digest)
                return self._refreshed(seed)
        if stored is None:
            raise AuthError(
                f"The {self.account} account is not logged in.",
                account=self.account,
                advice=login_advice(self.account),
            )
        return stored

    def _refreshed(self, login: StoredLogin) -> StoredLogin:
        info = make_pkce(self._settings).refresh(login.refresh_token, self.account)
        fresh = StoredLogin.from_token_info(info, previous=login)
        self._store.save(self.account, fresh)
        return fresh


class FixedToken:
    """A token source for one access token that cannot be refreshed (just after log-in)."""

    def __init__(self, account: str, access_token: str) -> None:
        self.account = account
        self._token = access_token

    def access_token(self) -> str:
        return self._token

    def current_token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        raise AuthError(
            f"Spotify refused the new log-in of the {self.account} account.",
            account=self.account,
            advice=f"Run `spotify-transfer login {self.account}` again.",
        )


def make_pkce(settings: Settings, redirect_uri: str | None = None) -> AccountsPKCE:
    """spotipy's PKCE helper for our app and accounts service."""
    if not settings.client_id:
        raise ConfigError(
            "No Spotify app client id is set.",
            advice="Set SPOTIFY_TRANSFER_CLIENT_ID (the Client ID on your app's dashboard at "
            "developer.spotify.com) or client_id in the settings file.",
        )
    return AccountsPKCE(
        client_id=settings.client_id,
        redirect_uri=redirect_uri or settings.redirect_uri,
        accounts_url=settings.accounts_base,
        scopes=ALL_SCOPES,
        timeout=settings.network.request_timeout,
    )
