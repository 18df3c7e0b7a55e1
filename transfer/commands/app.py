"""``spotify-transfer app [--no-browser] [--port N]``: the local web app (:mod:`transfer.app`)
for people who never open a terminal: set up, connect, choose, plan, transfer, undo, sync."""

from __future__ import annotations

import os
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.errors import ConfigError, ExitStatus
from transfer.render.safe import echo

if TYPE_CHECKING:
    from transfer.app.state import AppState, Demo
    from transfer.config import Settings


@click.command("app", epilog=exit_codes(notes={
    ExitStatus.OK: "the app was stopped",
}))
@click.option("--no-browser", is_flag=True,
              help="Do not open a browser: print the address to open instead.")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port of the app on 127.0.0.1 (default: a free one).")
@click.pass_obj
def command(env: Environment, no_browser: bool, port: int | None) -> None:
    """Start the local web app on 127.0.0.1 and open it in the browser: the whole move in a
    few clicks (set up the Spotify app, connect both accounts, choose, see the plan, transfer
    with live progress, undo, keep in step). Only this computer's browser can use it, through
    the address printed here. Ctrl-C stops it; a transfer it was running resumes from where
    it stopped when the app starts again (or with `spotify-transfer transfer`)."""
    from transfer.config import CONFIG_ENV, default_config_path, load_settings
    from transfer.private import check_state_folder

    settings_file = env.config_path or (Path(os.environ[CONFIG_ENV])
                                        if os.environ.get(CONFIG_ENV) else default_config_path())

    def load() -> Settings:
        settings = load_settings(env.config_path)
        check_state_folder(settings.home)
        return settings

    settings = load()
    if port is not None and port == urlsplit(settings.redirect_uri).port:
        raise ConfigError(f"Port {port} is the redirect URI's ({settings.redirect_uri}): the "
                          "log-in listens there while an account connects.",
                          advice="Choose another --port, or leave it out for a free one.")
    serve(env, make_state(load, settings_file, env.config_path), port, no_browser)


def make_state(load: Callable[[], Settings], settings_file: Path, config_path: Path | None,
               demo: Demo | None = None) -> AppState:
    from transfer.app.security import Secrets
    from transfer.app.state import AppState

    return AppState(launch=Secrets(), load_settings=load, settings_file=settings_file,
                    config_path=config_path, demo=demo)


def serve(env: Environment, state: AppState, port: int | None, no_browser: bool) -> None:
    """Run the app until Ctrl-C."""
    from transfer.app.server import AppServer

    with AppServer(state, port) as server:
        echo(f"spotify-transfer app is running at {state.launch.origin}/ (only for this "
             "computer).", file=env.stdout)
        opened = False if no_browser else webbrowser.open(server.start_url)
        if opened:
            echo("Your browser was opened on it. If it did not open, open this address "
                 "(it works once):", file=env.stdout)
        else:
            echo("Open this address in a browser on this computer (it works once):",
                 file=env.stdout)
        echo(server.start_url, file=env.stdout)
        echo("Keep this window open while you use the app; Ctrl-C stops it.", file=env.stdout)
        env.stdout.flush()
        try:
            server.wait()
        except KeyboardInterrupt:
            echo("Stopped. A transfer that was going on resumes when you start the app again.",
                 file=env.stdout)
