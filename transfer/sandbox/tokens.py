"""OAuth state: authorization codes, access tokens and refresh tokens.

Codes are single use (even a failed exchange spends one) and bound to the client, the redirect
URI and the PKCE challenge. A refresh answers a new access token and the same refresh token,
which stays valid (so one kept in the environment keeps working) until its user is revoked or
six months after the sign-in that issued it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from transfer.sandbox.apierror import ApiError
from transfer.sandbox.clock import iso, parse_iso
from transfer.sandbox.seed import RefreshToken

CODE_LIFETIME = timedelta(minutes=10)
DEFAULT_TOKEN_LIFETIME = 3600
EXPIRED = datetime(1970, 1, 1, tzinfo=UTC)
REFRESH_TOKEN_LIFETIME = timedelta(days=183)
"""Refresh tokens expire six months after the sign-in (Spotify, since 2026-07-20)."""


class OAuthError(Exception):
    """Answer the token endpoint with ``{"error", "error_description"}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class AccessGrant:
    user_id: str
    scopes: frozenset[str]
    expires_at: datetime


@dataclass(frozen=True)
class AuthCode:
    user_id: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    scopes: tuple[str, ...]
    expires_at: datetime


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a verifier (base64url, no padding)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class TokenStore:
    """Not thread-safe by itself: the sandbox state's lock guards it."""

    def __init__(self, refresh_tokens: list[RefreshToken], token_lifetime: int) -> None:
        self.token_lifetime = token_lifetime
        self._refresh: dict[str, RefreshToken] = {
            token.token: token.model_copy(deep=True) for token in refresh_tokens
        }
        self._access: dict[str, AccessGrant] = {}
        self._codes: dict[str, AuthCode] = {}

    def refresh_tokens(self) -> list[RefreshToken]:
        return [token.model_copy(deep=True) for token in self._refresh.values()]

    def refresh_token_for(self, user_id: str, all_scopes: list[str], now: datetime) -> str:
        """A valid refresh token of ``user_id``: the first unexpired one held, or a new one."""
        for token in self._refresh.values():
            if token.user_id == user_id and (
                token.issued_at is None
                or parse_iso(token.issued_at) + REFRESH_TOKEN_LIFETIME > now
            ):
                return token.token
        return self._mint_refresh(user_id, all_scopes, now)

    def issue_code(
        self, user_id: str, client_id: str, redirect_uri: str, challenge: str,
        scopes: list[str], now: datetime,
    ) -> str:
        code = secrets.token_urlsafe(48)
        self._codes[code] = AuthCode(
            user_id, client_id, redirect_uri, challenge, tuple(scopes), now + CODE_LIFETIME
        )
        return code

    def exchange_code(
        self, code: str, client_id: str, redirect_uri: str, verifier: str, now: datetime
    ) -> dict[str, object]:
        grant = self._codes.pop(code, None)
        if grant is None or grant.expires_at <= now:
            raise OAuthError("invalid_grant", "Invalid authorization code")
        if grant.client_id != client_id:
            raise OAuthError("invalid_client", "Invalid client")
        if grant.redirect_uri != redirect_uri:
            raise OAuthError("invalid_grant", "Invalid redirect URI")
        if not verifier or s256(verifier) != grant.code_challenge:
            raise OAuthError("invalid_grant", "code_verifier was incorrect")
        refresh = self._mint_refresh(grant.user_id, list(grant.scopes), now)
        return self._token_answer(grant.user_id, list(grant.scopes), refresh, now)

    def refresh(self, refresh_token: str, now: datetime) -> dict[str, object]:
        held = self._refresh.get(refresh_token)
        if held is None or (
            held.issued_at is not None
            and parse_iso(held.issued_at) + REFRESH_TOKEN_LIFETIME <= now
        ):
            raise OAuthError("invalid_grant", "Invalid refresh token")
        return self._token_answer(held.user_id, held.scopes, refresh_token, now)

    def check_access(self, token: str | None, now: datetime) -> AccessGrant:
        if not token:
            raise ApiError(401, "No token provided")
        grant = self._access.get(token)
        if grant is None:
            raise ApiError(401, "Invalid access token")
        if grant.expires_at <= now:
            raise ApiError(401, "The access token expired")
        return grant

    def revoke_user(self, user_id: str) -> int:
        """Revoke every refresh and access token of a user; returns how many."""
        refresh = [key for key, token in self._refresh.items() if token.user_id == user_id]
        access = [key for key, grant in self._access.items() if grant.user_id == user_id]
        for key in refresh:
            del self._refresh[key]
        for key in access:
            del self._access[key]
        return len(refresh) + len(access)

    def expire_access_tokens(self) -> None:
        """Make every access token expired (tests: force a refresh)."""
        self._access = {
            key: AccessGrant(grant.user_id, grant.scopes, EXPIRED)
            for key, grant in self._access.items()
        }

    def _mint_refresh(self, user_id: str, scopes: list[str], now: datetime) -> str:
        token = "sandbox-refresh-" + secrets.token_urlsafe(32)
        self._refresh[token] = RefreshToken(
            token=token, user_id=user_id, scopes=list(scopes), issued_at=iso(now)
        )
        return token

    def _token_answer(
        self, user_id: str, scopes: list[str], refresh: str, now: datetime
    ) -> dict[str, object]:
        access = "sandbox-access-" + secrets.token_urlsafe(32)
        expires_at = now + timedelta(seconds=self.token_lifetime)
        self._access[access] = AccessGrant(user_id, frozenset(scopes), expires_at)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "refresh_token": refresh,
            "scope": " ".join(scopes),
        }
