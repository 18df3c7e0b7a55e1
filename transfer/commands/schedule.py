"""``spotify-transfer schedule cron|systemd``: the scheduler lines for this install.

Prints a crontab line, or a systemd service and timer, that run ``spotify-transfer sync`` with
this executable's absolute path, this state folder and settings file, and a file for the
``SPOTIFY_TRANSFER_*`` variables the job needs, which it writes or checks
(``transfer.sync.envfile``; ``config/`` ships the same texts for a typical install).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.render.safe import echo

if TYPE_CHECKING:
    from transfer.sync.scheduling import Install


@click.command("schedule", epilog=exit_codes())
@click.argument("scheduler", type=click.Choice(["cron", "systemd"]))
@click.option("--every", metavar="DURATION", default="6h", show_default=True,
              help="How often the sync runs (30m, 6h, 1d).")
@click.option("--mirror", is_flag=True, help="Schedule `sync --mirror`.")
@click.option("--with-tokens", is_flag=True,
              help="Also write the refresh tokens set here (SPOTIFY_TRANSFER_SOURCE_/TARGET_"
                   "REFRESH_TOKEN) into the variables file; without it they are left out and "
                   "the job uses the log-ins stored in the state folder.")
@click.option("--env-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The file of SPOTIFY_TRANSFER_* variables the job reads "
                   "(default: sync.env in the user config folder).")
@click.pass_obj
def command(env: Environment, scheduler: str, every: str, mirror: bool,
            env_file: Path | None, with_tokens: bool) -> None:
    """Print how to run `sync` from cron or a systemd timer on this machine, and write the
    file of variables the job reads (mode 600): the client id and the SPOTIFY_TRANSFER_*
    variables set here (refresh tokens only with --with-tokens), or check that it already
    sets them."""
    from transfer.sync.durations import parse_duration
    from transfer.sync.envfile import ensure_env_file, job_variables, tokens_left_out
    from transfer.sync.scheduling import crontab, systemd_service, systemd_timer

    interval = parse_duration(every)
    install = this_install(env, env_file, mirror)
    variables = job_variables(os.environ, env.settings.client_id, with_tokens)
    written = ensure_env_file(Path(install.env_file), variables,
                              tokens_left_out(os.environ, variables))
    echo(written.describe(), file=env.stderr)
    if scheduler == "cron":
        click.echo(crontab(install, interval), file=env.stdout, nl=False)
        return
    units = Path("~/.config/systemd/user")
    click.echo(f"# {units / 'spotify-transfer-sync.service'}\n{systemd_service(install)}\n"
               f"# {units / 'spotify-transfer-sync.timer'}\n{systemd_timer(interval)}",
               file=env.stdout, nl=False)


def this_install(env: Environment, env_file: Path | None, mirror: bool) -> Install:
    """Where this install's executable, state folder and settings file are."""
    import platformdirs

    from transfer.config import APP_NAME, CONFIG_ENV, default_config_path
    from transfer.sync.scheduling import Install, default_env_file

    config = env.config_path or (Path(os.environ[CONFIG_ENV]) if os.environ.get(CONFIG_ENV)
                                 else None)
    if config is None and default_config_path().is_file():
        config = default_config_path()
    chosen_env_file = env_file or default_env_file(Path(platformdirs.user_config_dir(APP_NAME)))
    return Install(
        command=executable(),
        env_file=str(chosen_env_file.expanduser().absolute()),
        home=str(env.settings.home.expanduser().absolute()),
        config=str(config.expanduser().absolute()) if config is not None else None,
        mirror=mirror,
    )


def executable() -> tuple[str, ...]:
    """The command that runs this very install: its console script when there is one beside
    this Python, else this Python with ``-m transfer``."""
    beside = Path(sys.executable).parent / "spotify-transfer"
    if beside.is_file():
        return (str(beside.absolute()),)
    found = shutil.which("spotify-transfer")
    if found:
        return (str(Path(found).absolute()),)
    return (str(Path(sys.executable).absolute()), "-m", "transfer")
