"""The accounts service: ``GET /authorize`` (auto-approving) and ``POST /api/token``."""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from transfer.sandbox.state import SandboxState
from transfer.sandbox.tokens import OAuthError
from transfer.sandbox.wire import Answer, json_answer, redirect, text_answer

SCOPES = (
    "app-remote-control", "playlist-read-private", "playlist-read-collaborative",
    "playlist-modify-public", "playlist-modify-private", "user-library-read",
    "user-library-modify", "user-read-private", "user-read-email", "user-follow-read",
    "user-follow-modify", "user-top-read", "user-read-playback-position",
    "user-read-playback-state", "user-read-recently-played", "user-read-currently-playing",
    "user-modify-playback-state", "ugc-image-upload", "streaming",
)
READ_SCOPES = [
    "user-read-private", "playlist-read-private", "playlist-read-collaborative",
    "user-library-read", "user-follow-read", "user-read-playback-position",
]
WRITE_SCOPES = [
    "playlist-modify-public", "playlist-modify-private", "ugc-image-upload",
    "user-library-modify", "user-follow-modify",
]
TOOL_SCOPES = READ_SCOPES + WRITE_SCOPES
"""Every scope the tool asks for: what a minted refresh token grants."""


class Accounts:
    def __init__(self, state: SandboxState, extended: bool,
                 approved_user: Callable[[], str | None]) -> None:
        self.state = state
        self.extended = extended
        self.approved_user = approved_user

    def authorize(self, query: dict[str, str]) -> tuple[Answer, str | None]:
        """Check the request, then redirect back with a code (or an error) for the user
        chosen by ``sandbox_user`` or ``approve_as``. Returns the answer and that user."""
        app = self.state.app
        if query.get("client_id") != app.client_id:
            return text_answer(400, "INVALID_CLIENT: Invalid client"), None
        redirect_uri = query.get("redirect_uri", "")
        if urlsplit(redirect_uri).hostname == "localhost":
            return text_answer(400, "INVALID_CLIENT: Insecure redirect URI"), None
        if redirect_uri not in app.redirect_uris:
            return text_answer(400, "INVALID_CLIENT: Invalid redirect URI"), None
        state = query.get("state")
        back = _back_to(redirect_uri, state)
        if query.get("response_type") != "code":
            return back(error="unsupported_response_type"), None
        challenge = query.get("code_challenge", "")
        if query.get("code_challenge_method") != "S256" or not challenge:
            return back(error="invalid_request",
                        error_description="code_challenge with S256 is required"), None
        scopes = query.get("scope", "").replace(",", " ").split()
        if any(scope not in SCOPES for scope in scopes):
            return back(error="invalid_scope"), None
        user_id = query.get("sandbox_user") or self.approved_user()
        if user_id is None:
            return self._choose_user_page(query), None
        if user_id not in self.state.users:
            return text_answer(400, f"Unknown sandbox user {user_id!r}"), None
        if not self.extended and user_id not in app.allowed_user_ids:
            return back(error="access_denied"), user_id
        with self.state.lock:
            code = self.state.tokens.issue_code(
                user_id, app.client_id, redirect_uri, challenge, scopes, self.state.clock.now()
            )
        return back(code=code), user_id

    def token(self, form: dict[str, str]) -> tuple[Answer, str | None]:
        """Exchange a code or a refresh token. Returns the answer and the user it was for."""
        try:
            grant_type = form.get("grant_type")
            if form.get("client_id") != self.state.app.client_id:
                raise OAuthError("invalid_client", "Invalid client")
            now = self.state.clock.now()
            with self.state.lock:
                if grant_type == "authorization_code":
                    answer = self.state.tokens.exchange_code(
                        form.get("code", ""), form.get("client_id", ""),
                        form.get("redirect_uri", ""), form.get("code_verifier", ""), now,
                    )
                elif grant_type == "refresh_token":
                    answer = self.state.tokens.refresh(form.get("refresh_token", ""), now)
                else:
                    raise OAuthError("unsupported_grant_type",
                                     "grant_type must be authorization_code or refresh_token")
                grant = self.state.tokens.check_access(str(answer["access_token"]), now)
        except OAuthError as error:
            body = {"error": error.error, "error_description": error.description}
            return json_answer(error.status, body), None
        return json_answer(200, answer), grant.user_id

    def _choose_user_page(self, query: dict[str, str]) -> Answer:
        links = []
        for user in self.state.users.values():
            target = "/authorize?" + urlencode({**query, "sandbox_user": user.id})
            links.append(f'<li><a href="{html.escape(target)}">'
                         f"{html.escape(user.display_name)} ({html.escape(user.id)})</a></li>")
        page = ("<!doctype html><meta charset=utf-8><title>Sandbox log-in</title>"
                "<h1>Log in to the Spotify sandbox as</h1><ul>" + "".join(links) + "</ul>")
        return text_answer(200, page, "text/html; charset=utf-8")


def _back_to(redirect_uri: str, state: str | None) -> Callable[..., Answer]:
    def answer(**params: str) -> Answer:
        if state is not None:
            params["state"] = state
        joiner = "&" if "?" in redirect_uri else "?"
        return redirect(redirect_uri + joiner + urlencode(params))
    return answer
