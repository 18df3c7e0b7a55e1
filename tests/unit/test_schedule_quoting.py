"""The scheduler lines hold any path: spaces, quotes, ``%`` (a line break to cron, a specifier
to systemd), ``$`` (a variable to systemd); a path with a line break is refused. The crontab
line is run by a real ``sh`` as cron would run it; the systemd unit is checked by
``systemd-analyze verify`` where it is installed. The variables file is written 0600 and read
back by ``sh`` as the job reads it."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.e2e.cli_support import run_cli
from transfer.errors import ConfigError
from transfer.sync.envfile import ensure_env_file, job_variables
from transfer.sync.scheduling import Install, crontab, systemd_service

AWKWARD = "it's a 100% \"odd\" $HOME `x` \\ dir; *"


def recorder(folder: Path) -> Path:
    """An executable that prints its arguments and the variables it was given, one a line."""
    folder.mkdir(parents=True)
    program = folder / "spotify-transfer"
    program.write_text('#!/bin/sh\nfor word in "$@"; do echo "arg:$word"; done\n'
                       'echo "home:$SPOTIFY_TRANSFER_HOME"\necho "id:$SPOTIFY_TRANSFER_CLIENT_ID"\n'
                       'echo "url:$SPOTIFY_TRANSFER_API_URL"\n')
    program.chmod(0o700)
    return program


def as_cron_runs(line: str) -> str:
    """The command of a crontab line as cron hands it to sh: after the five time fields, an
    unescaped ``%`` ends the command (what follows is its input), ``\\%`` is ``%``."""
    command = line.split(" ", 5)[5]
    out, index = "", 0
    while index < len(command):
        if command.startswith("\\%", index):
            out, index = out + "%", index + 2
        elif command[index] == "%":
            break
        else:
            out, index = out + command[index], index + 1
    return out


def test_the_crontab_line_runs_the_right_program_with_paths_of_any_kind(tmp_path: Path) -> None:
    root = tmp_path / AWKWARD
    program = recorder(root / "bin")
    env_file = root / "config" / "sync.env"
    ensure_env_file(env_file, {"SPOTIFY_TRANSFER_CLIENT_ID": "id with 'quotes' and $x %",
                               "SPOTIFY_TRANSFER_API_URL": "http://127.0.0.1:1/v1?a=%20"})
    install = Install(command=(str(program),), env_file=str(env_file), home=str(root / "state"),
                      mirror=True)
    line = crontab(install).splitlines()[-1]
    assert "\n" not in line and "%" not in line.replace("\\%", "")
    ran = subprocess.run(["sh", "-c", as_cron_runs(line)], capture_output=True, text=True,
                         timeout=30, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "arg:sync", "arg:--mirror", f"home:{root / 'state'}",
        "id:id with 'quotes' and $x %", "url:http://127.0.0.1:1/v1?a=%20"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_the_systemd_unit_names_the_right_program_with_paths_of_any_kind(tmp_path: Path
                                                                         ) -> None:
    root = tmp_path / "a dir 100%"
    program = recorder(root / "bin $HOME")
    install = Install(command=(str(program),), env_file=str(root / "sync %h.env"),
                      home=str(root / "state"))
    unit = systemd_service(install)
    assert f'ExecStart="{root}/bin $HOME/spotify-transfer"'.replace("%", "%%") + " sync" in unit
    assert f'Environment="SPOTIFY_TRANSFER_HOME={root}/state"'.replace("%", "%%") in unit
    assert f"EnvironmentFile=-{root}/sync %%h.env".replace("100%", "100%%") in unit
    assert verify(tmp_path, unit) == ""
    unquoted = unit.replace('"', "")
    assert "is not executable" in verify(tmp_path, unquoted), "the check can fail"


def verify(folder: Path, unit: str) -> str:
    path = folder / "spotify-transfer-sync.service"
    path.write_text(unit)
    checked = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True,
                             text=True, timeout=60)
    return "" if checked.returncode == 0 else checked.stderr


@pytest.mark.parametrize("field", ["command", "env_file", "home", "config"])
def test_a_path_with_a_line_break_is_refused(field: str) -> None:
    paths = {"command": ("/bin/spotify-transfer",), "env_file": "/e/sync.env",
             "home": "/state", "config": "/c.toml"}
    broken = {"command": ("/bin/x\n* * * * * evil",), "env_file": "/e/x\nevil",
              "home": "/s\rtate", "config": "/c\n.toml"}
    with pytest.raises(ConfigError, match="line break"):
        Install(**{**paths, field: broken[field]})  # type: ignore[arg-type]


def test_the_variables_file_is_written_private_then_checked_then_updated(tmp_path: Path
                                                                          ) -> None:
    path = tmp_path / "config" / "sync.env"
    wrote = ensure_env_file(path, {"SPOTIFY_TRANSFER_CLIENT_ID": "abc"})
    assert (wrote.action, wrote.names) == ("wrote", ("SPOTIFY_TRANSFER_CLIENT_ID",))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Wrote" in wrote.describe() and "abc" not in wrote.describe()

    path.chmod(0o644)
    checked = ensure_env_file(path, {"SPOTIFY_TRANSFER_CLIENT_ID": "abc"})
    assert checked.action == "checked" and stat.S_IMODE(path.stat().st_mode) == 0o600

    path.write_text("# mine\nOTHER=1\nSPOTIFY_TRANSFER_CLIENT_ID='old'\n")
    updated = ensure_env_file(path, {"SPOTIFY_TRANSFER_CLIENT_ID": "new",
                                     "SPOTIFY_TRANSFER_API_URL": "http://x"})
    assert updated.action == "updated"
    assert path.read_text().splitlines() == [
        "# mine", "OTHER=1", 'SPOTIFY_TRANSFER_CLIENT_ID="new"',
        'SPOTIFY_TRANSFER_API_URL="http://x"']


def test_the_variables_file_refuses_what_it_cannot_hold(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="line break"):
        ensure_env_file(tmp_path / "sync.env", {"SPOTIFY_TRANSFER_CLIENT_ID": "a\nb"})
    victim = tmp_path / "victim"
    victim.write_text("x")
    (tmp_path / "link.env").symlink_to(victim)
    with pytest.raises(ConfigError, match="not a regular file of your own"):
        ensure_env_file(tmp_path / "link.env", {"SPOTIFY_TRANSFER_CLIENT_ID": "a"})
    assert victim.read_text() == "x"


def test_the_job_gets_the_shells_variables_but_those_the_lines_set() -> None:
    environ = {"SPOTIFY_TRANSFER_HOME": "/h", "SPOTIFY_TRANSFER_CONFIG": "/c",
               "SPOTIFY_TRANSFER_API_URL": "http://x", "PATH": "/bin"}
    assert job_variables(environ, "cid") == {"SPOTIFY_TRANSFER_API_URL": "http://x",
                                             "SPOTIFY_TRANSFER_CLIENT_ID": "cid"}


def test_schedule_writes_the_variables_file_and_says_so(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("SPOTIFY_TRANSFER_CLIENT_ID", "my-client-id")
    env_file = tmp_path / "conf" / "sync.env"
    first = run_cli("schedule", "systemd", "--env-file", str(env_file))
    assert first.exit_code == 0, first.output
    assert f"# Wrote {env_file} (mode 600, read by the job): SPOTIFY_TRANSFER_CLIENT_ID." \
        in first.stderr
    assert f"EnvironmentFile=-{env_file}" in first.stdout
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    sourced = subprocess.run(["sh", "-c", f'set -a; . "{env_file}"; echo "$SPOTIFY_TRANSFER_'
                              'CLIENT_ID"'], capture_output=True, text=True, timeout=30)
    assert sourced.stdout == "my-client-id\n"
    again = run_cli("schedule", "cron", "--env-file", str(env_file))
    assert "already sets what the job needs" in again.stderr
    assert "my-client-id" not in again.output, "values are never printed"


def test_schedule_refuses_a_path_with_a_line_break(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_HOME", str(tmp_path / "state\n17 * * * * evil"))
    result = run_cli("schedule", "cron")
    assert result.exit_code == 2, result.output
    assert "holds a line break" in result.stderr and "Traceback" not in result.output
