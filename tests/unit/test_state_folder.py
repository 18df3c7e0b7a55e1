"""The state folder is private (``transfer.private``): folders 0700 and files 0600 whatever the
umask, the journal's -wal and -shm files too; a state folder of another user is refused with
exit 2; the lock file and the log file are never opened through a symbolic link, and the lock
file is never truncated."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli_support import run_cli
from transfer.errors import ConfigError, JournalError
from transfer.journal import Journal
from transfer.private import check_state_folder, private_folder
from transfer.sync.logfile import log_path, logging_to_file


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_folders_are_made_0700_whatever_the_umask(tmp_path: Path, open_umask: None) -> None:
    folder = private_folder(tmp_path / "a" / "b" / "c")
    assert [mode(path) for path in (folder, folder.parent, folder.parent.parent)] == [0o700] * 3
    (tmp_path / "open").mkdir(mode=0o755)
    private_folder(tmp_path / "open")
    assert mode(tmp_path / "open") == 0o755, "a folder that exists is left as it is"


def test_the_journal_and_its_wal_and_shm_files_are_0600(tmp_path: Path,
                                                        open_umask: None) -> None:
    path = tmp_path / "home" / "journals" / "a__b.sqlite"
    with Journal.open(path) as journal:
        journal.hold()
        files = {name: mode(Path(f"{path}{name}")) for name in ("", "-wal", "-shm", ".lock")
                 if Path(f"{path}{name}").exists()}
        journal.release()
    assert files == {"": 0o600, "-wal": 0o600, "-shm": 0o600, ".lock": 0o600}
    assert mode(path.parent) == mode(path.parent.parent) == 0o700


def test_an_older_journal_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "a__b.sqlite"
    Journal.open(path).close()
    path.chmod(0o644)
    Journal.open(path).close()
    assert mode(path) == 0o600


def test_the_lock_file_is_never_truncated_nor_followed(tmp_path: Path) -> None:
    path = tmp_path / "a__b.sqlite"
    lock = Path(f"{path}.lock")
    lock.write_text("x" * 40)
    with Journal.open(path) as journal:
        journal.hold()
        journal.release()
    text = lock.read_text()
    assert len(text) == 40 and text.split()[0] == str(os.getpid())

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    lock.unlink()
    lock.symlink_to(victim)
    with Journal.open(path) as journal, pytest.raises(JournalError, match="symbolic link"):
        journal.hold()
    assert victim.read_text() == "precious"


def test_a_journal_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.sqlite"
    Journal.open(victim).close()
    (tmp_path / "a__b.sqlite").symlink_to(victim)
    with pytest.raises(JournalError, match="symbolic link"):
        Journal.open(tmp_path / "a__b.sqlite")


def test_the_log_file_is_0600_and_never_followed(tmp_path: Path, open_umask: None) -> None:
    with logging_to_file(tmp_path):
        logging.getLogger("transfer.test").warning("written")
    path = log_path(tmp_path)
    assert "written" in path.read_text()
    assert (mode(path), mode(path.parent)) == (0o600, 0o700)

    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path.unlink()
    path.symlink_to(victim)
    with pytest.raises(ConfigError, match="symbolic link"), logging_to_file(tmp_path):
        pass
    assert victim.read_text() == "precious"


def foreign_folder(tmp_path: Path) -> Path:
    """A folder that belongs to another user: made and given away when running as root, else
    one of the system's."""
    if os.getuid() != 0:
        return Path("/")
    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chown(folder, 65534, 65534)
    return folder


def test_a_state_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    folder = foreign_folder(tmp_path)
    with pytest.raises(ConfigError, match="belongs to another user"):
        check_state_folder(folder)
    check_state_folder(tmp_path / "missing")
    (tmp_path / "mine" / "journals").mkdir(parents=True)
    check_state_folder(tmp_path / "mine")


def test_the_command_line_refuses_it_with_exit_2(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = foreign_folder(tmp_path)
    monkeypatch.setenv("SPOTIFY_TRANSFER_HOME", str(folder))
    result = run_cli("status")
    assert result.exit_code == 2, result.output
    assert f"The state folder {folder} belongs to another user" in result.output
    assert "SPOTIFY_TRANSFER_HOME" in result.output
    assert "Traceback" not in result.output


def test_a_subfolder_of_another_user_is_refused(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("giving a folder away needs root")
    home = tmp_path / "home"
    (home / "journals").mkdir(parents=True)
    os.chown(home / "journals", 65534, 65534)
    with pytest.raises(ConfigError, match="journals belongs to another user"):
        check_state_folder(home)
