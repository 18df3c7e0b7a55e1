"""``spotify-transfer whoami``: who the source and target accounts are."""

from __future__ import annotations

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.errors import AccountMixup, AuthError, ExitStatus
from transfer.models import Account
from transfer.render.safe import echo, safe_name


@click.command("whoami", epilog=exit_codes(ExitStatus.PAUSED))
@click.pass_obj
def command(env: Environment) -> None:
    """Show the Spotify user of each account; refuse when both are the same user."""
    from transfer.auth import ACCOUNTS

    users: dict[str, Account] = {}
    problems: list[AuthError] = []
    for account in ACCOUNTS:
        try:
            users[account] = identify(env, account)
        except AuthError as error:
            problems.append(error)
            echo(f"{account}: {error.message}", file=env.stdout)
            continue
        user = users[account]
        name = safe_name(user.display_name or "(no name)")
        echo(f"{account}: {name} ({user.id})", file=env.stdout)
    if len(users) == 2 and users["source"].id == users["target"].id:
        raise AccountMixup(
            f"Source and target are the same Spotify user ({users['source'].id}).",
            advice="Log one of them in again as the other user: `spotify-transfer login target`.",
        )
    if problems:
        first = problems[0]
        raise AuthError(
            f"{len(problems)} account(s) cannot be used.", account=first.account,
            advice=first.advice,
        )


def identify(env: Environment, account: str) -> Account:
    """Ask Spotify who the account is, and remember it for log-in checks."""
    user = env.adapter(account).me()
    env.tokens(account).remember_user(user.id, user.display_name)
    return user
