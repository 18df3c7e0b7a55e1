"""The file of ``SPOTIFY_TRANSFER_*`` variables a scheduled sync reads (``sync.env``).

A job started by cron or systemd does not see the shell's variables: ``schedule`` writes the
ones the sync needs (the app's client id, and every ``SPOTIFY_TRANSFER_*`` variable set where
``schedule`` runs but the state folder and settings file, which the printed lines set) into
this file, mode 0600, or checks that the file already sets them. The refresh tokens
(``SPOTIFY_TRANSFER_*_REFRESH_TOKEN``) go in only when asked (``--with-tokens``): the job
otherwise logs in with the log-ins stored in the state folder.

One format for both readers: ``NAME="value"`` lines, the value in double quotes with ``"``,
``\\``, ``$`` and backquotes escaped by a backslash, which ``sh`` (``set -a; . FILE``) and
systemd's ``EnvironmentFile=`` read alike. Other lines of an existing file are kept.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from transfer.errors import ConfigError
from transfer.files import write_atomically
from transfer.private import FILE_MODE, owned_by_user

PREFIX = "SPOTIFY_TRANSFER_"
SET_BY_THE_LINES = ("SPOTIFY_TRANSFER_HOME", "SPOTIFY_TRANSFER_CONFIG")
CLIENT_ID = "SPOTIFY_TRANSFER_CLIENT_ID"
TOKENS = ("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN", "SPOTIFY_TRANSFER_TARGET_REFRESH_TOKEN")
"""Secrets: written only when the user asks."""
_ESCAPED = '"\\$`'
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


@dataclass(frozen=True)
class EnvFileChange:
    """What :func:`ensure_env_file` did: ``wrote`` (a new file), ``updated`` or ``checked``;
    the names it set (never the values: they may be secrets)."""

    path: Path
    action: str
    names: tuple[str, ...]
    left_out: tuple[str, ...] = ()
    """Refresh tokens set where ``schedule`` ran but not written (not asked for)."""

    def describe(self) -> str:
        listed = ", ".join(self.names) or "no variable"
        if self.action == "checked":
            said = f"# {self.path} already sets what the job needs ({listed})."
        else:
            verb = "Wrote" if self.action == "wrote" else "Updated"
            said = f"# {verb} {self.path} (mode 600, read by the job): {listed}."
        if self.left_out:
            said += (f"\n# Left out {', '.join(self.left_out)}: the job logs in with the "
                     "log-ins stored in the state folder (--with-tokens writes them too).")
        return said


def job_variables(environ: Mapping[str, str], client_id: str | None,
                  with_tokens: bool = False) -> dict[str, str]:
    """The variables the job needs: the shell's ``SPOTIFY_TRANSFER_*`` ones but those the
    printed lines set (and the refresh tokens unless ``with_tokens``), and the client id
    wherever it came from."""
    left_out = (*SET_BY_THE_LINES, *(() if with_tokens else TOKENS))
    variables = {name: value for name, value in sorted(environ.items())
                 if name.startswith(PREFIX) and name not in left_out}
    if client_id:
        variables[CLIENT_ID] = client_id
    return variables


def tokens_left_out(environ: Mapping[str, str], variables: Mapping[str, str]) -> tuple[str, ...]:
    """The refresh tokens set in ``environ`` that ``variables`` leave out."""
    return tuple(name for name in TOKENS if environ.get(name) and name not in variables)


def ensure_env_file(path: Path, variables: Mapping[str, str],
                    left_out: tuple[str, ...] = ()) -> EnvFileChange:
    """Write ``path`` with ``variables`` (0600), or bring an existing one up to date keeping
    its other lines; ``ConfigError`` for a value no such file can hold or a file not the
    user's own. ``left_out`` names the tokens not written, for the description."""
    for name, value in variables.items():
        if "\n" in value or "\r" in value or "\0" in value:
            raise ConfigError(f"{name} holds a line break, which the job's variables file "
                              "cannot hold.", advice=f"Set {name} without one.")
    lines = _existing_lines(path)
    current = _assignments(lines)
    if not variables.get(CLIENT_ID) and not current.get(CLIENT_ID):
        raise ConfigError(
            f"The scheduled sync needs the app's client id, and neither the settings nor {path} "
            "give it.",
            advice=f"Set {CLIENT_ID} (or client_id in the settings file), then run "
                   "`spotify-transfer schedule` again.",
        )
    changed = {name: value for name, value in variables.items() if current.get(name) != value}
    if lines is not None and not changed:
        _make_private(path)
        return EnvFileChange(path, "checked", tuple(variables), left_out)
    kept = [line for line in lines or [] if _name_of(line) not in changed]
    if lines is None:
        kept = ["# Variables of the scheduled spotify-transfer sync (written by "
                "`spotify-transfer schedule`)."]
    text = "\n".join([*kept, *(f"{name}={quote(value)}" for name, value in changed.items())])
    write_atomically(path, (text + "\n").encode(), "variables file")
    return EnvFileChange(path, "wrote" if lines is None else "updated", tuple(changed),
                         left_out)


def quote(value: str) -> str:
    return '"' + "".join(f"\\{char}" if char in _ESCAPED else char for char in value) + '"'


def unquote(text: str) -> str:
    """A value as ``sh`` reads it, for the forms this module writes and plain words."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\([\"\\$`])", r"\1", text[1:-1])
    return text


def _existing_lines(path: Path) -> list[str] | None:
    try:
        status = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ConfigError(f"The variables file {path} cannot be read: {error.strerror}.",
                          advice="Pass --env-file with a file of your own.") from None
    if not stat.S_ISREG(status.st_mode) or not owned_by_user(status):
        raise ConfigError(f"The variables file {path} is not a regular file of your own.",
                          advice="Pass --env-file with a file of your own.")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"The variables file {path} cannot be read: {error}.",
                          advice="Pass --env-file with a file of your own.") from None


def _assignments(lines: list[str] | None) -> dict[str, str]:
    found = {}
    for line in lines or []:
        match = _ASSIGNMENT.match(line)
        if match is not None:
            found[match.group(1)] = unquote(match.group(2))
    return found


def _name_of(line: str) -> str | None:
    match = _ASSIGNMENT.match(line)
    return match.group(1) if match else None


def _make_private(path: Path) -> None:
    if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
        path.chmod(FILE_MODE)
