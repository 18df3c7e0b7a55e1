"""``spotify-transfer login source|target``: log an account in through the browser."""

from __future__ import annotations

import webbrowser

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.errors import ExitStatus
from transfer.render.safe import echo, safe_name


@click.command("login", epilog=exit_codes(ExitStatus.PAUSED))
@click.argument("account", type=click.Choice(["source", "target"]))
@click.option("--no-browser", is_flag=True,
              help="Print the address to open and read back the address the browser went to.")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port of the loopback redirect (default: the redirect URI's port).")
@click.pass_obj
def command(env: Environment, account: str, no_browser: bool, port: int | None) -> None:
    """Log the SOURCE (old) or TARGET (new) account in with Spotify (PKCE, no secret kept)."""
    from transfer.auth import LoginDialog, log_in

    def show(text: str) -> None:
        echo(text, file=env.stderr)

    def read_redirect(prompt: str) -> str | None:
        echo(prompt, file=env.stderr, nl=False)
        line = env.stdin.readline()
        return line.strip() if line else None

    dialog = LoginDialog(
        show=show,
        read_redirect=read_redirect,
        open_browser=None if no_browser else webbrowser.open,
    )
    user = log_in(account, env.settings, env.token_store(), dialog, port=port)
    name = safe_name(user.display_name or user.id)
    echo(f"Logged in the {account} account as {name} ({user.id}).", file=env.stdout)
