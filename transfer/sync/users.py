"""Who the two accounts are, without asking Spotify when it was asked before.

``GET /me`` costs a call per account and run; a scheduled sync every hour would spend two of
its handful on it. The stored log-in of each account records its user (``login`` and every
sync record it), so a sync uses that, unless the log-in comes from a refresh token in the
environment that the stored one was not made from (then the stored user may be someone else).
"""

from __future__ import annotations

from transfer.auth import AccountTokens
from transfer.auth.tokens import token_digest
from transfer.config import Settings
from transfer.errors import AuthError
from transfer.models import Account
from transfer.spotify import SpotifyAdapter


def known_user(tokens: AccountTokens, settings: Settings) -> Account | None:
    """The user behind an account's tokens as last recorded; None when it must be asked."""
    try:
        stored = tokens.stored()
    except AuthError:
        return None
    if stored is None or stored.user_id is None:
        return None
    from_environment = settings.refresh_token(tokens.account)
    if from_environment and stored.seeded_from != token_digest(from_environment):
        return None
    return Account(id=stored.user_id, display_name=stored.display_name)


def identify(adapter: SpotifyAdapter, tokens: AccountTokens, settings: Settings) -> Account:
    """The account's user: known from the stored log-in, else asked (and then recorded)."""
    known = known_user(tokens, settings)
    if known is not None:
        adapter.assume(known)
        return known
    user = adapter.me()
    tokens.remember_user(user.id, user.display_name)
    return user
