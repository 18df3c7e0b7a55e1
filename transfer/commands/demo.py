"""``spotify-transfer demo``: the whole main job against a local Spotify sandbox.

It starts the sandbox in this process with its built-in library, logs both accounts in through
the real PKCE log-in (a stand-in browser opens the authorize address and follows the redirect to
the tool's loopback listener), shows the plan, transfers with progress bars, checks the target
against the source from fresh exports, runs the transfer once more to show it changes nothing,
and gives its verdict with the API calls used against the least possible. Its state lives in a
temporary folder: the user's settings and tokens are never read nor touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.client import HTTPMessage
from pathlib import Path
from typing import IO, TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import click
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from transfer.commands.exit_codes import exit_codes
from transfer.config import Settings
from transfer.environment import Environment
from transfer.errors import ConfigError
from transfer.private import private_folder
from transfer.sandbox.faults import Faults

if TYPE_CHECKING:
    from transfer.sandbox.server import SandboxServer

NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")
SOURCE_USER = "alex.old"
TARGET_USER = "alex.new"
MILD_FAULTS = Faults(error_rate=0.02, fail_after_apply_rate=0.03, rate_limit=150,
                     rate_window=2.0)
"""A realistic bad day for the plan and the transfer: a few 5xx (some after a write was
applied), and a rate limit of 75 requests a second answered with 429 and Retry-After."""


class DemoSettings(Settings):
    """Settings from arguments alone: no environment variable and no settings file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


@click.command("demo", epilog=exit_codes())
@click.option("--latency", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Milliseconds the sandbox adds to every API request (as `sandbox "
                   "--latency` and the benchmarks take it).")
@click.option("--faults", is_flag=True,
              help="Turn on a mild realistic mix of faults (some 429s and 5xx) to see the "
                   "transfer get past them.")
@click.option("--hostile-shapes", is_flag=True,
              help="Let the sandbox answer in the odd shapes the real Spotify sends at times "
                   "(nulls in lists, owners without ids, null images, older entries): the "
                   "transfer lists what it cannot read and moves the rest.")
@click.option("--keep", is_flag=True, help="Keep the demo's state folder and say where it is.")
@click.option("--home", "home", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="A new or empty folder for the demo's state (kept afterwards).")
@click.option("--app", "web_app", is_flag=True,
              help="Try the web app (`spotify-transfer app`) on the sandbox instead: the setup "
                   "step is filled in, the accounts connect through the sandbox's log-in page.")
@click.option("--no-browser", is_flag=True,
              help="With --app: print the app's address instead of opening a browser.")
@click.pass_obj
def command(env: Environment, latency: float, faults: bool, hostile_shapes: bool, keep: bool,
            home: Path | None, web_app: bool, no_browser: bool) -> None:
    """Try the whole transfer on a local Spotify sandbox, with nothing to set up: two
    made-up accounts, a library of a few thousand items, the real log-in, plan, transfer and
    an independent check of the result. Nothing leaves this machine. With --app, the same
    in the web app, in your browser."""
    from transfer.commands.demo_run import DemoRun
    from transfer.sandbox.builtin import builtin_seed
    from transfer.sandbox.server import SandboxServer

    slow = Faults(latency=latency / 1000)
    bad_day = MILD_FAULTS.model_copy(update={"latency": latency / 1000}) if faults else None
    with _state_folder(home, keep, env) as folder, _loopback_without_proxy():
        redirect_uri = f"http://127.0.0.1:{_free_port()}/callback"
        seed = builtin_seed()
        seed.app.redirect_uris.append(redirect_uri)
        with SandboxServer(seed, port=0, faults=slow, hostile_shapes=hostile_shapes) as server:
            settings = DemoSettings(client_id=server.client_id, redirect_uri=redirect_uri,
                                    api_url=server.api_url, accounts_url=server.accounts_url,
                                    home=folder)
            if web_app:
                _run_app(env, server, settings, folder, no_browser)
                return
            demo_env = Environment(stdout=env.stdout, stderr=env.stderr, stdin=env.stdin,
                                   sleep=env.sleep, traceback=env.traceback, _settings=settings)
            DemoRun(demo_env, server, bad_day, kept=keep or home is not None).run()


def _run_app(env: Environment, server: SandboxServer, settings: Settings, folder: Path,
             no_browser: bool) -> None:
    """The web app on the sandbox: its settings file (in the demo's folder) starts with the
    sandbox's client id; the sandbox's log-in page lets the person pick each account."""
    from transfer.app.settings_file import save_client_id
    from transfer.app.state import Demo
    from transfer.commands.app import make_state, serve
    from transfer.config import _read_toml

    settings_file = folder / "config.toml"
    save_client_id(settings_file, server.client_id)
    fixed = settings.model_dump(exclude={"client_id"})

    def load() -> Settings:
        return DemoSettings(**{**fixed, **_read_toml(settings_file, True)})

    serve(env, make_state(load, settings_file, None, Demo(SOURCE_USER, TARGET_USER)), None,
          no_browser)


@contextmanager
def _state_folder(home: Path | None, keep: bool, env: Environment) -> Iterator[Path]:
    if home is not None:
        if home.exists() and any(home.iterdir()):
            raise ConfigError(f"{home} is not empty.",
                              advice="The demo starts from nothing each time: give it a new or "
                                     "empty folder (--home), or leave --home out.")
        private_folder(home)
        yield home
        click.echo(f"\nThe demo's state (journal, reports, sandbox tokens) is in {home}",
                   file=env.stdout)
        return
    folder = Path(tempfile.mkdtemp(prefix="spotify-transfer-demo-"))
    try:
        yield folder
    finally:
        if keep:
            click.echo(f"\nThe demo's state (journal, reports, sandbox tokens) is kept in "
                       f"{folder}", file=env.stdout)
        else:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _loopback_without_proxy() -> Iterator[None]:
    """The sandbox is on 127.0.0.1: never reach it through an HTTP proxy the environment sets
    (for this process, while the demo runs)."""
    saved = {name: os.environ.get(name) for name in NO_PROXY_VARIABLES}
    for name, value in saved.items():
        os.environ[name] = ",".join(part for part in (value, "127.0.0.1") if part)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def browser_signed_in_as(user: str) -> Callable[[str], bool]:
    """A stand-in browser already signed in to Spotify as ``user``: it opens the log-in's
    start address, follows it to the authorize address (the sandbox approves as that user)
    and follows the redirect to the listener."""

    class SignedIn(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, request: urllib.request.Request, fp: IO[bytes], code: int,
                             msg: str, headers: HTTPMessage, newurl: str
                             ) -> urllib.request.Request | None:
            if urlsplit(newurl).path.endswith("/authorize"):
                newurl = f"{newurl}&{urlencode({'sandbox_user': user})}"
            return super().redirect_request(request, fp, code, msg, headers, newurl)

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), SignedIn)

    def open_address(url: str) -> bool:
        def visit() -> None:
            with opener.open(url, timeout=30):
                pass

        threading.Thread(target=visit, daemon=True, name=f"browser-{user}").start()
        return True

    return open_address
