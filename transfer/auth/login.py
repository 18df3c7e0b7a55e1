"""The interactive log-in: Authorization Code with PKCE and a loopback redirect.

1. a fresh ``state`` and PKCE verifier; the authorize URL;
2. the browser opens it and comes back to our listener on 127.0.0.1 (or, with ``--no-browser``,
   the user opens it anywhere and pastes back the address the browser went to);
3. the code is traded for tokens, the user behind them identified with ``GET /me``;
4. refused when it is the user of the other account (a browser still signed in as the old
   account while logging in the new one); otherwise stored.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from transfer.auth.loopback import (
    Callback,
    LoopbackListener,
    code_from,
    parse_callback,
    paste_problem,
    redirect_target,
)
from transfer.auth.store import StoredLogin, TokenStore
from transfer.auth.tokens import FixedToken, make_pkce, other_account, token_digest
from transfer.config import Settings
from transfer.errors import AccountMixup, AuthError
from transfer.models import Account
from transfer.spotify import SpotifyAdapter

logger = logging.getLogger(__name__)

BROWSER_TIMEOUT = 300.0
PASTE_ATTEMPTS = 5
NO_BROWSER = ("No web browser was found to open. Open the address above in a browser on this "
              "machine, or stop (Ctrl-C) and run `spotify-transfer login {account} --no-browser` "
              "to log in from a browser anywhere and paste back the address it ends on.")


@dataclass
class LoginDialog:
    """How the log-in talks to the person: the CLI passes terminal functions, tests fakes.

    ``open_browser`` None means ``--no-browser``: show the URL and read the address back.
    It returns whether a browser was started. ``read_redirect`` returns None when the input
    ended.
    """

    show: Callable[[str], None]
    read_redirect: Callable[[str], str | None]
    open_browser: Callable[[str], bool] | None = None
    timeout: float = BROWSER_TIMEOUT
    show_dialog: bool = False
    """Ask Spotify to show its consent page even when the browser is signed in, with a link
    to switch accounts (the web app connects two accounts one after the other)."""
    done_url: str | None = None
    """Where the listener sends the browser after the callback (the web app)."""


def log_in(
    account: str,
    settings: Settings,
    store: TokenStore,
    dialog: LoginDialog,
    port: int | None = None,
) -> Account:
    """Log ``account`` in and store its tokens; the Spotify user it is."""
    target = redirect_target(settings.redirect_uri, port)
    pkce = make_pkce(settings, target.uri)
    state = secrets.token_urlsafe(24)
    url = pkce.authorize_url(state)
    if dialog.show_dialog:
        url += "&show_dialog=true"
    if dialog.open_browser is None:
        dialog.show(f"Open this address in a browser and log in as the {account} account:\n{url}")
        callback = _pasted_callback(dialog, state, account)
    else:
        with LoopbackListener(target, state, account, url,
                              dialog.done_url) as listener:
            dialog.show(f"Opening the browser to log in the {account} account. If it does not "
                        f"open, visit:\n{url}")
            if not dialog.open_browser(listener.start_url):
                dialog.show(NO_BROWSER.format(account=account))
            callback = listener.wait(dialog.timeout)
    code = code_from(callback, state, account)
    login = StoredLogin.from_token_info(pkce.exchange_code(code, account))
    user = identify(account, settings, login)
    refuse_other_accounts_user(account, user, store)
    environment_token = settings.refresh_token(account)
    store.save(account, login.model_copy(update={
        "user_id": user.id,
        "display_name": user.display_name,
        "seeded_from": token_digest(environment_token) if environment_token else None,
    }))
    if environment_token:
        logger.warning("This log-in replaces SPOTIFY_TRANSFER_%s_REFRESH_TOKEN until that "
                       "variable changes", account.upper())
    return user


def _pasted_callback(dialog: LoginDialog, state: str, account: str) -> Callback:
    """The address pasted back, asked for again (a few times) while it is not this log-in's
    answer, with what was wrong with it."""
    problem = ""
    for _ in range(PASTE_ATTEMPTS):
        pasted = dialog.read_redirect("Then paste the address the browser went to: ")
        if pasted is None:
            raise AuthError("No address was pasted (the input ended).", account=account,
                            advice=f"Run `spotify-transfer login {account} --no-browser` again "
                                   "and paste the address the browser went to.")
        problem = paste_problem(pasted, state) or ""
        if not problem:
            return parse_callback(pasted)
        dialog.show(problem)
    raise AuthError(f"No usable address was pasted in {PASTE_ATTEMPTS} tries. {problem}",
                    account=account,
                    advice=f"Run `spotify-transfer login {account} --no-browser` again.")


def identify(account: str, settings: Settings, login: StoredLogin) -> Account:
    """The Spotify user behind a fresh access token."""
    adapter = SpotifyAdapter.connect(settings, FixedToken(account, login.access_token))
    return adapter.me()


def refuse_other_accounts_user(account: str, user: Account, store: TokenStore) -> None:
    other = other_account(account)
    other_login = store.load(other)
    if other_login is not None and other_login.user_id == user.id:
        raise AccountMixup(
            f"This log-in is {user.display_name or user.id} ({user.id}), the same Spotify user "
            f"as the {other} account; the {account} account was not changed.",
            advice=f"Log out of Spotify in the browser (or use a private window), then run "
            f"`spotify-transfer login {account}` and sign in as the {account} user.",
        )
