"""``transfer.render.safe``: what is removed from names and texts, and the log lines of the
sync's log file and of the console written through it."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from transfer.render.safe import SafeFormatter, safe_name, safe_text
from transfer.report.html_markup import h, name
from transfer.sync.logfile import log_path, logging_to_file

HOSTILE = "\x1b[2J\x1b]0;pwned\x07evil\u202etxt.exe\r\nERROR forged\x9b1m\u2066x\u2069\u061c"
UNSAFE = {*map(chr, range(0x00, 0x20)), *map(chr, range(0x7F, 0xA0)), "\u061c", "\u200e",
          "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}


def test_a_name_keeps_its_letters_and_loses_every_control() -> None:
    assert safe_name(HOSTILE) == "[2J]0;pwnedeviltxt.exe  ERROR forged1mx"
    assert safe_name("Кино — فيروز 🎸 Sigur Rós") == "Кино — فيروز 🎸 Sigur Rós"
    assert safe_name("a\tb\nc") == "a b c"


def test_a_text_keeps_its_own_lines_and_tabs() -> None:
    assert safe_text("one\n\ttwo\r\nthree\rfour\x1b[0m") == "one\n\ttwo\nthreefour[0m"


@given(st.text())
def test_nothing_unsafe_is_left(text: str) -> None:
    assert not UNSAFE & set(safe_name(text))
    assert not (UNSAFE - {"\n", "\t"}) & set(safe_text(text))
    assert "\n" not in safe_name(text)


def test_html_drops_bidi_overrides_and_controls_inside_the_isolate() -> None:
    markup = name("evil\u202etxt.exe\x1b[2J")
    assert markup == '<bdi dir="auto">eviltxt.exe[2J</bdi>'
    assert h("td", "x", title="a\u202eb") == '<td title="ab">x</td>'


def test_the_sync_log_file_holds_no_control_character(tmp_path: Path) -> None:
    with logging_to_file(tmp_path):
        logging.getLogger("transfer.test").warning("Playlist %s and %r", HOSTILE, "x")
    written = log_path(tmp_path).read_text()
    assert written.count("\n") == 1, "the name did not forge a second line"
    assert "Playlist [2J]0;pwnedeviltxt.exe  ERROR forged1mx and 'x'" in written
    assert not (UNSAFE - {"\n"}) & set(written)


def test_a_traceback_keeps_its_lines() -> None:
    try:
        raise ValueError("bad \x1b[31mvalue")
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed: %s", ("a\nb",),
                                   sys.exc_info())
    text = SafeFormatter("%(message)s").format(record)
    assert text.startswith("failed: a b\nTraceback")
    assert "ValueError: bad [31mvalue" in text


def test_the_console_log_lines_of_the_command_line(tmp_path: Path) -> None:
    """The handler ``spotify-transfer -v`` installs, in a real process."""
    program = ("import logging, sys\n"
               "from transfer.cli import cli\n"
               "@cli.command('say')\n"
               "def say():\n"
               "    logging.getLogger('transfer.x').warning('name %s', sys.argv[1])\n"
               "cli.main(args=['say'], standalone_mode=False)\n")
    result = subprocess.run([sys.executable, "-c", program, HOSTILE], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "WARNING transfer.x: name [2J]0;pwnedeviltxt.exe  ERROR forged1mx\n"
