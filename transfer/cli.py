"""The command line: one click group, one place that turns errors into exit codes and advice.

Each command lives in its own module under ``transfer.commands`` and exposes ``command``
(a ``click.Command``); the list of modules is ``transfer.commands.COMMAND_MODULES``.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from transfer.commands import COMMAND_MODULES
from transfer.environment import Environment
from transfer.errors import DiskFull, ExitStatus, RateLimited, TransferError, is_disk_full
from transfer.render.safe import SafeFormatter, echo


class _Group(click.Group):
    """Runs a command and maps every error to the exit-code contract."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransferError as error:
            env = ctx.find_object(Environment)
            if env is not None and env.traceback:
                raise
            report_error(error, ctx.invoked_subcommand)
            ctx.exit(int(error.exit_status))
        except KeyboardInterrupt:
            echo("Interrupted. Progress is saved; run the same command again to resume.",
                 err=True)
            ctx.exit(int(ExitStatus.INTERRUPTED))
        except OSError as error:
            # A file the tool writes beyond its own writers (the terminal's output redirected
            # to a full disk, a log line): the one OS error every command may meet.
            if not is_disk_full(error):
                raise
            full = DiskFull(f"Disk full: {error.filename or 'the output'} cannot be written.")
            report_error(full, ctx.invoked_subcommand)
            ctx.exit(int(full.exit_status))


RESUMING_NOW = ("transfer", "sync")
"""The commands whose ``--now`` tries a paused run before its time."""


def report_error(error: TransferError, command: str | None = None) -> None:
    """Print an error the way every command does: the message, then what to do about it."""
    from transfer.render.words import resume_time

    echo(f"Error: {error.message}", err=True)
    if isinstance(error, RateLimited):
        sooner = (f" (`spotify-transfer {command} --now` tries sooner, with one request)"
                  if command in RESUMING_NOW else "")
        echo(
            f"Spotify asked to wait {error.retry_after:,.0f} s. Resume after "
            f"{resume_time(error.resume_at)} by running the same command again{sooner}.",
            err=True,
        )
    if error.advice:
        echo(error.advice, err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default=None,
    help="Settings file (TOML). Default: $SPOTIFY_TRANSFER_CONFIG or the user config folder.",
)
@click.option("-v", "--verbose", count=True, help="More log lines (-vv for debug).")
@click.option("--traceback", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(package_name="spotify-transfer")
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, verbose: int, traceback: bool) -> None:
    """Move a whole Spotify library from one account to another, and keep them in step."""
    level = logging.WARNING - 10 * min(verbose, 2)
    console = logging.StreamHandler()
    console.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[console])
    ctx.obj = Environment(config_path=config_path, traceback=traceback)


for _name in COMMAND_MODULES:
    _module = importlib.import_module(f"transfer.commands.{_name}")
    cli.add_command(_module.command)


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=list(argv) if argv is not None else None, prog_name="spotify-transfer")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
