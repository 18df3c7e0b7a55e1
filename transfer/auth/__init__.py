"""Accounts: the PKCE log-in, tokens stored per account, refreshed when due.

- ``store``: ``TokenStore`` and ``StoredLogin`` (files of mode 0600);
- ``tokens``: ``AccountTokens``, the token source of an account (headless from the environment);
- ``loopback``: the redirect URI check and the 127.0.0.1 listener;
- ``login``: the interactive log-in.
"""

from __future__ import annotations

from transfer.auth.login import LoginDialog, log_in
from transfer.auth.store import StoredLogin, TokenStore
from transfer.auth.tokens import ACCOUNTS, AccountName, AccountTokens, other_account

__all__ = [
    "ACCOUNTS",
    "AccountName",
    "AccountTokens",
    "LoginDialog",
    "StoredLogin",
    "TokenStore",
    "log_in",
    "other_account",
]
