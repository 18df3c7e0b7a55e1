"""A full disk under the tool's own writers: one clear error (or, for the log file, one
warning), the file being replaced left as it was, and no traceback."""

from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from transfer.errors import DiskFull, ExitStatus
from transfer.files import write_atomically
from transfer.sync.logfile import PrivateLogHandler

ROOT = Path(__file__).resolve().parents[2]


def _no_space(*arguments: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_leaves_the_file_as_it_was_and_says_disk_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "reports" / "1.json"
    write_atomically(path, b"the old report", "report")
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(DiskFull) as caught:
        write_atomically(path, b"the new report", "report")
    assert caught.value.message == f"Disk full: cannot write the report {path}."
    assert "Free some space" in (caught.value.advice or "")
    assert path.read_bytes() == b"the old report"
    assert [entry.name for entry in path.parent.iterdir()] == ["1.json"], "no temporary left"


def test_a_log_file_on_a_full_disk_stops_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    handler = PrivateLogHandler(tmp_path / "sync.log", encoding="utf-8")
    handler.stream.close()
    handler.stream = open("/dev/full", "a", encoding="utf-8")  # noqa: SIM115 (the handler's)
    logger = logging.getLogger("test.disk_full")
    logger.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO):
            logger.warning("first line")
            logger.warning("second line")
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert isinstance(handler.failed, OSError) and handler.failed.errno == errno.ENOSPC
    warnings = [record.getMessage() for record in caplog.records
                if record.name == "transfer.sync.logfile"]
    assert len(warnings) == 1 and "disk full" in warnings[0], warnings
    assert "Logging error" not in capsys.readouterr().err


def test_output_to_a_full_disk_is_one_line_and_exit_1(tmp_path: Path) -> None:
    """``spotify-transfer schedule cron > /dev/full``: the command's own output cannot be
    written."""
    environment = {**os.environ, "SPOTIFY_TRANSFER_CLIENT_ID": "abc",
                   "SPOTIFY_TRANSFER_HOME": str(tmp_path / "home")}
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = subprocess.run(
            [sys.executable, "-m", "transfer", "schedule", "cron",
             "--env-file", str(tmp_path / "sync.env")],
            cwd=ROOT, env=environment, stdout=full, stderr=subprocess.PIPE, text=True,
            timeout=60, check=False,
        )
    assert result.returncode == ExitStatus.ERROR, result.stderr
    assert "Error: Disk full" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
