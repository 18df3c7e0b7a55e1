"""The setup page's check of a client id: its form, then what the accounts service says of it
(an authorize request, not followed: Spotify and the sandbox answer ``400 INVALID_CLIENT`` for a
client they do not know, or for a redirect URI the app has not registered)."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests

SPOTIFY_ACCOUNTS_HOST = "accounts.spotify.com"
SPOTIFY_FORM = re.compile(r"[0-9a-f]{32}")
ANY_FORM = re.compile(r"[A-Za-z0-9_-]{1,64}")
CHECK_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ClientCheck:
    """``ok`` False: the id must not be saved; ``message`` says why or what was found."""

    ok: bool
    message: str
    checked: bool = True
    """False when the accounts service could not be asked (offline): the form alone was."""


def form_problem(client_id: str, accounts_url: str) -> str | None:
    """What is wrong with the look of ``client_id``; None when it looks right."""
    if not client_id:
        return "Paste the app's Client ID from the dashboard."
    spotify = urlsplit(accounts_url).hostname == SPOTIFY_ACCOUNTS_HOST
    if spotify and not SPOTIFY_FORM.fullmatch(client_id):
        return ("A Client ID is 32 characters, digits and the letters a to f (Basic "
                "Information on the app's dashboard). The client secret is not needed.")
    if not ANY_FORM.fullmatch(client_id):
        return "A Client ID holds only letters, digits, '-' and '_'."
    return None


def check_client_id(client_id: str, accounts_url: str, redirect_uri: str,
                    session: requests.Session | None = None) -> ClientCheck:
    client_id = client_id.strip()
    problem = form_problem(client_id, accounts_url)
    if problem is not None:
        return ClientCheck(False, problem, checked=False)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode({
        "client_id": client_id, "response_type": "code", "redirect_uri": redirect_uri,
        "code_challenge_method": "S256", "code_challenge": challenge.rstrip(b"=").decode(),
        "state": secrets.token_urlsafe(16),
    })
    http = session or requests.Session()
    http.trust_env = False
    try:
        answer = http.get(f"{accounts_url.rstrip('/')}/authorize?{query}",
                          allow_redirects=False, timeout=CHECK_TIMEOUT_S)
    except requests.RequestException:
        return ClientCheck(True, "The form is right, but Spotify could not be reached to check "
                           "it (offline?). It is checked again when an account connects.",
                           checked=False)
    body = answer.text[:500]
    if answer.status_code == 400 and "redirect uri" in body.lower():
        return ClientCheck(False, f"Spotify knows this app, but {redirect_uri} is not among its "
                           "Redirect URIs: add exactly that address on the dashboard (Edit "
                           "settings), save, and check again.")
    if answer.status_code == 400 and "invalid_client" in body.lower():
        return ClientCheck(False, "Spotify does not know this Client ID: copy it again from "
                           "the app's dashboard (Basic Information).")
    if answer.status_code >= 400:
        return ClientCheck(False, f"Spotify refused the check ({answer.status_code}). Check "
                           "the Client ID and the Redirect URI on the dashboard.")
    return ClientCheck(True, "Spotify knows this app and its redirect URI.")
