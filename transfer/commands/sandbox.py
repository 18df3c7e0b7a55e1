"""``spotify-transfer sandbox``: run the local Spotify emulator in the foreground."""

from __future__ import annotations

import importlib
import json
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import cast

import click
from pydantic import ValidationError

from transfer.commands.exit_codes import exit_codes
from transfer.errors import ConfigError, InputError
from transfer.files import write_atomically
from transfer.sandbox.faults import SPOTIFY_LIKE_COVER_LIMIT, SPOTIFY_LIKE_RATE_LIMIT, Faults
from transfer.sandbox.library_order import LIBRARY_ORDERS, LibraryOrder
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import MODES, Mode, SandboxServer
from transfer.sandbox.tiny import tiny_seed

DEFAULT_PORT = 8787
PREFERRED_ACCOUNTS = ("alex.old", "alex.new")


def load_seed(path: Path | None) -> SandboxSeed:
    """The seed in ``path``, else the built-in one."""
    if path is None:
        return default_seed()
    try:
        return SandboxSeed.model_validate_json(path.read_bytes())
    except OSError as error:
        raise InputError(f"Cannot read the seed file {path}: {error.strerror}") from error
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(
            f"The seed file {path} is not a sandbox seed: {where}: {first['msg']}"
            f" ({error.error_count()} problem(s))",
        ) from error


def default_seed() -> SandboxSeed:
    try:
        builtin = importlib.import_module("transfer.sandbox.builtin")
    except ImportError:
        return tiny_seed()
    seed: SandboxSeed = builtin.builtin_seed()
    return seed


def choose_accounts(seed: SandboxSeed) -> tuple[str, str]:
    """The source and target accounts to print tokens for."""
    allowed = seed.app.allowed_user_ids
    if all(user in allowed for user in PREFERRED_ACCOUNTS):
        return PREFERRED_ACCOUNTS
    if len(allowed) < 2:
        raise ConfigError("The seed's app needs at least two allow-listed users.")
    return allowed[0], allowed[1]


def settings_lines(server: SandboxServer, source: str, target: str) -> list[str]:
    return [
        f"export SPOTIFY_TRANSFER_API_URL={server.api_url}",
        f"export SPOTIFY_TRANSFER_ACCOUNTS_URL={server.accounts_url}",
        f"export SPOTIFY_TRANSFER_CLIENT_ID={server.client_id}",
        f"export SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN={server.refresh_token(source)}",
        f"export SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN={server.refresh_token(target)}",
    ]


def wait_for_stop() -> None:
    """Block until SIGINT or SIGTERM."""
    stop = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@click.command("sandbox", epilog=exit_codes())
@click.option("--seed", "seed_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A JSON seed (the sandbox state document). Default: the built-in library.")
@click.option("--port", type=int, default=DEFAULT_PORT, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--mode", type=click.Choice(MODES), default="development", show_default=True,
              help="development: the API as Development-Mode apps see it since February 2026; "
                   "extended: as Extended-Quota apps see it (legacy endpoints work).")
@click.option("--library-order", type=click.Choice(LIBRARY_ORDERS), default="kept",
              show_default=True,
              help="How PUT /me/library dates the items of one request among themselves "
                   "(Spotify does not document it): kept (the first sent is the oldest), "
                   "reversed, or arbitrary (a shuffle drawn from --rng-seed).")
@click.option("--dump", "dump_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the state as a JSON seed here on exit.")
@click.option("--token-lifetime", type=click.IntRange(min=1), default=3600, show_default=True,
              help="Seconds an access token lasts.")
@click.option("--rng-seed", type=int, default=0, show_default=True,
              help="Seed of the fault decisions (same seed, same faults).")
@click.option("--latency", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Milliseconds added to every API request (as demo and the benchmarks take "
                   "it).")
@click.option("--latency-jitter", type=click.FloatRange(min=0), default=0.0,
              show_default=True, help="Up to this many random milliseconds more.")
@click.option("--spotify-like-limits", is_flag=True,
              help=f"Rate limits like Spotify's (estimated): {SPOTIFY_LIKE_RATE_LIMIT} requests "
                   f"and {SPOTIFY_LIKE_COVER_LIMIT} cover uploads per 30 s.")
@click.option("--rate-limit", type=click.IntRange(min=1), default=None,
              help="API requests per rolling window; over it 429 with Retry-After.")
@click.option("--rate-window", type=click.FloatRange(min=0.001), default=30.0,
              show_default=True, help="The rolling window in seconds.")
@click.option("--cover-rate-limit", type=click.IntRange(min=1), default=None,
              help="Cover uploads per rolling window.")
@click.option("--quota", type=click.IntRange(min=0), default=None,
              help="API requests before the quota is spent (429 QUOTA_EXCEEDED).")
@click.option("--quota-retry-after", type=click.IntRange(min=0), default=86_400,
              show_default=True, help="Retry-After once the quota is spent.")
@click.option("--error-rate", type=click.FloatRange(0, 1), default=0.0,
              help="Share of API requests answered 500/502/503 without being applied.")
@click.option("--fail-after-apply-rate", type=click.FloatRange(0, 1), default=0.0,
              help="Share of writes applied and then answered 502.")
@click.option("--drop-after-apply-rate", type=click.FloatRange(0, 1), default=0.0,
              help="Share of writes applied and then left without an answer.")
@click.option("--fault-only", multiple=True,
              help='Aim latency and random faults at "METHOD /template" (repeatable).')
@click.option("--hostile-shapes", is_flag=True,
              help="Serve answers of the odd shapes the real Spotify sends at times, beyond its "
                   "spec: nulls in the playlist list, entries and Liked Songs, owners without "
                   "ids, null images, entries in the older `track` shape, an old cover address, "
                   "artists without names (one of each added to the seed, at fixed places); "
                   "also sends the deprecated aliases.")
@click.option("--aliases", is_flag=True,
              help="Send the deprecated `tracks` (playlist summary) and `track` (playlist "
                   "entry) aliases, as Spotify still does (off by default).")
def command(
    seed_path: Path | None, port: int, mode: str, library_order: str, dump_path: Path | None,
    token_lifetime: int,
    rng_seed: int, latency: float, latency_jitter: float, spotify_like_limits: bool,
    rate_limit: int | None,
    rate_window: float, cover_rate_limit: int | None, quota: int | None,
    quota_retry_after: int, error_rate: float, fail_after_apply_rate: float,
    drop_after_apply_rate: float, fault_only: tuple[str, ...], hostile_shapes: bool,
    aliases: bool,
) -> None:
    """Run a local Spotify Web API emulator in the foreground (Ctrl-C stops it)."""
    seed = load_seed(seed_path)
    if spotify_like_limits:
        rate_limit = rate_limit or SPOTIFY_LIKE_RATE_LIMIT
        cover_rate_limit = cover_rate_limit or SPOTIFY_LIKE_COVER_LIMIT
    faults = Faults(
        latency=latency / 1000, latency_jitter=latency_jitter / 1000, rate_limit=rate_limit,
        rate_window=rate_window, cover_rate_limit=cover_rate_limit, quota=quota,
        quota_retry_after=quota_retry_after, error_rate=error_rate,
        fail_after_apply_rate=fail_after_apply_rate,
        drop_after_apply_rate=drop_after_apply_rate, only=list(fault_only),
    )
    source, target = choose_accounts(seed)
    server = SandboxServer(seed, port=port, mode=cast(Mode, mode), faults=faults,
                           rng_seed=rng_seed, token_lifetime=token_lifetime,
                           library_order=cast(LibraryOrder, library_order),
                           hostile_shapes=hostile_shapes, aliases=aliases or hostile_shapes)
    server.start()
    try:
        shapes = ", odd shapes" if hostile_shapes else ""
        click.echo(f"Spotify sandbox ({mode} mode, library order {library_order}{shapes}) "
                   f"listening on {server.base_url}")
        click.echo(f"Accounts: source {source}, target {target}. Export these settings:")
        for line in settings_lines(server, source, target):
            click.echo(line)
        click.echo("Admin: GET/PUT /_sandbox/faults, GET /_sandbox/log, GET /_sandbox/state. "
                   "Press Ctrl-C to stop.")
        wait_for_stop()
    finally:
        server.stop()
    if dump_path is not None:
        state = json.dumps(server.state.dump().model_dump(mode="json"), ensure_ascii=False,
                           indent=1)
        write_atomically(dump_path, state.encode("utf-8"), "sandbox state")
        click.echo(f"State written to {dump_path}")
