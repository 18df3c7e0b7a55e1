"""Running ``sync`` on a schedule: a crontab line, a systemd service and timer, and the loop of
``sync --every`` for machines with neither.

The files in ``config/`` are these texts for a typical install (:data:`EXAMPLE`);
``spotify-transfer schedule cron|systemd`` prints them for this one: the absolute path of the
executable, the state folder and the settings file in use, and the file that holds the
``SPOTIFY_TRANSFER_*`` variables a job needs (kept out of the crontab and the unit: they may
hold refresh tokens).
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from transfer.errors import (
    AccountMixup,
    AuthError,
    ConfigError,
    InputError,
    RateLimited,
    TransferError,
)
from transfer.render.words import resume_time
from transfer.sync.durations import describe_duration

log = logging.getLogger(__name__)

DEFAULT_EVERY = timedelta(hours=6)
CRON_MINUTE = 17
"""Minute past the hour a cron job starts: off the hour, when everyone's jobs start."""


@dataclass(frozen=True)
class Install:
    """Where things are for the job: the command that runs the tool, the variables file, and
    the settings the job must see as the shell does."""

    command: tuple[str, ...]
    env_file: str
    home: str | None = None
    config: str | None = None
    mirror: bool = False

    def __post_init__(self) -> None:
        for path in (*self.command, self.env_file, self.home, self.config):
            if path is not None and any(char in path for char in "\n\r"):
                raise ConfigError(
                    f"The path {path!r} holds a line break, which no crontab line or systemd "
                    "unit can hold.",
                    advice="Install spotify-transfer, and keep its state folder and settings, "
                           "under paths without line breaks.")

    def words(self) -> list[str]:
        return [*self.command, "sync", *(["--mirror"] if self.mirror else [])]

    def sync_command(self) -> str:
        return " ".join(_quoted(word) for word in self.words())

    def variables(self) -> list[tuple[str, str]]:
        settings = [("SPOTIFY_TRANSFER_HOME", self.home), ("SPOTIFY_TRANSFER_CONFIG", self.config)]
        return [(name, value) for name, value in settings if value]


def _quoted(word: str) -> str:
    """A word for sh; ``$HOME`` at its start is left for the shell to expand."""
    if word.startswith("$HOME/"):
        rest = word.removeprefix("$HOME/")
        return '"$HOME/' + "".join(f"\\{char}" if char in '"\\$`' else char
                                   for char in rest) + '"'
    return shlex.quote(word)


def _cron_line(text: str) -> str:
    """Cron turns an unescaped ``%`` of a command into a line break."""
    return text.replace("%", "\\%")


EXAMPLE = Install(command=("$HOME/.local/bin/spotify-transfer",),
                  env_file="$HOME/.config/spotify-transfer/sync.env")
"""The install ``config/`` assumes: pipx's or ``pip install --user``'s place."""


def cron_schedule(every: timedelta) -> str:
    """The five cron fields that start a job every ``every``; ``ConfigError`` when cron cannot
    say it (it counts minutes within an hour and hours within a day)."""
    minutes = int(every.total_seconds() // 60)
    if every.total_seconds() % 60 == 0:
        if minutes < 60 and 60 % minutes == 0:
            return f"*/{minutes} * * * *" if minutes > 1 else "* * * * *"
        hours, rest = divmod(minutes, 60)
        if rest == 0 and hours < 24 and 24 % hours == 0:
            return f"{CRON_MINUTE} */{hours} * * *" if hours > 1 else f"{CRON_MINUTE} * * * *"
        if minutes == 24 * 60:
            return f"{CRON_MINUTE} 4 * * *"
    raise ConfigError(
        f"cron cannot start a job every {describe_duration(every)}.",
        advice="Use a number of minutes that divides an hour, of hours that divides a day, or "
               "1d; or the systemd timer (`schedule systemd`), or `sync --every`.",
    )


def crontab(install: Install, every: timedelta = DEFAULT_EVERY) -> str:
    """The crontab lines (comments and the job)."""
    sets = "".join(f"{name}={_quoted(value)} " for name, value in install.variables())
    env = _quoted(install.env_file)
    job = (f"{cron_schedule(every)} "
           + _cron_line(f"set -a; [ -f {env} ] && . {env}; set +a; "
                        f"{sets}exec {install.sync_command()}"))
    return (
        f"# spotify-transfer: sync the source account into the target every "
        f"{describe_duration(every)}.\n"
        "# Add it with `crontab -e`. Cron mails the one-line summary each run prints.\n"
        "# This file (mode 600) may set SPOTIFY_TRANSFER_CLIENT_ID and, on a server,\n"
        "# SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN and SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN:\n"
        f"#   {install.env_file}\n"
        "# Exit codes: 0 done, 1 error, 2 settings, 73 a sync was still running, 75 paused by\n"
        "# Spotify (the next run resumes), 130 stopped.\n"
        f"{job}\n"
    )


def systemd_service(install: Install) -> str:
    environment = "".join(f"Environment={_systemd_word(f'{name}={value}')}\n"
                          for name, value in install.variables())
    return (
        "# spotify-transfer sync, started by spotify-transfer-sync.timer.\n"
        "# Install both in ~/.config/systemd/user/, then:\n"
        "#   systemctl --user daemon-reload\n"
        "#   systemctl --user enable --now spotify-transfer-sync.timer\n"
        "# Its output (the one-line summary): journalctl --user -u spotify-transfer-sync\n"
        "[Unit]\n"
        "Description=Sync a Spotify library into another account (spotify-transfer)\n"
        "Wants=network-online.target\n"
        "After=network-online.target\n"
        "\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"EnvironmentFile=-{_systemd_path(install.env_file)}\n"
        f"{environment}"
        f"ExecStart={_systemd_command(install)}\n"
        "# 73: a sync was still running; 75: paused by Spotify, the next run resumes.\n"
        "SuccessExitStatus=73 75\n"
        "Nice=10\n"
    )


def systemd_timer(every: timedelta = DEFAULT_EVERY) -> str:
    interval = describe_duration(every)
    return (
        f"# Starts spotify-transfer-sync.service every {interval} (and 10 minutes after boot).\n"
        "[Unit]\n"
        f"Description=Sync a Spotify library every {interval} (spotify-transfer)\n"
        "\n"
        "[Timer]\n"
        "OnBootSec=10min\n"
        f"OnUnitActiveSec={interval}\n"
        "RandomizedDelaySec=5min\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def _systemd_path(path: str) -> str:
    """A path for a unit: ``%`` doubled (systemd expands specifiers), ``$HOME/`` as ``%h/``."""
    if path.startswith("$HOME/"):
        return "%h/" + path.removeprefix("$HOME/").replace("%", "%%")
    return path.replace("%", "%%")


def _systemd_word(word: str, argument: bool = False) -> str:
    """A word of ``ExecStart=`` or an ``Environment=`` assignment, in double quotes when it
    holds a space, a quote, a backslash or a ``;``. In an ``argument`` (not the program's
    path) ``$`` is doubled: systemd expands variables there."""
    text = _systemd_path(word)
    if argument:
        text = text.replace("$", "$$")
    if text and not any(char.isspace() or char in "\"'\\;" for char in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _systemd_command(install: Install) -> str:
    program, *arguments = install.words()
    return " ".join([_systemd_word(program), *(_systemd_word(word, argument=True)
                                                for word in arguments)])


# -- sync --every ---------------------------------------------------------------------------

STOPPING = (ConfigError, InputError, AuthError, AccountMixup)
"""Errors a later attempt cannot get past without a person: the loop stops on them."""
NAP = 60.0
"""Longest single sleep, so a clock that jumps (a suspended laptop) is noticed soon."""


@dataclass
class Every:
    """``sync --every``: one sync, then wait, forever. A pause waits until Spotify allows;
    errors a person must fix stop the loop (raised); others are reported and tried again at
    the next turn. Ctrl-C (``KeyboardInterrupt``) stops it at once, sleeping or not."""

    interval: timedelta
    sync_once: Callable[[], None]
    report: Callable[[str], None]
    sleep: Callable[[float], None]
    clock: Callable[[], datetime]
    turns: int | None = None
    """Stop after this many syncs (tests); None: never."""

    def run(self) -> None:
        done = 0
        while self.turns is None or done < self.turns:
            next_turn = self.clock() + self.interval
            try:
                self.sync_once()
            except RateLimited as pause:
                next_turn = max(next_turn, pause.resume_at)
            except STOPPING:
                raise
            except TransferError as error:
                log.warning("This sync failed (%s); trying again at the next turn", error)
            done += 1
            if self.turns is not None and done >= self.turns:
                return
            self.report(f"next sync at {resume_time(next_turn, self.clock())}")
            self._wait_until(next_turn)

    def _wait_until(self, moment: datetime) -> None:
        while (left := (moment - self.clock()).total_seconds()) > 0:
            self.sleep(min(left, NAP))


def default_env_file(config_dir: Path) -> Path:
    return config_dir / "sync.env"
