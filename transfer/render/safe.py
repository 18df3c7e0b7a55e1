"""Text from Spotify made safe for a terminal or a log file: the one way out for names.

Names, descriptions and display names come from other people's accounts and may hold
anything. A terminal obeys control characters (``ESC [2J`` clears the screen, ``ESC ]0;…BEL``
retitles the window, ``CR`` overwrites a line) and shows text after a bidi override reversed
(``evil\\u202etxt.exe`` reads ``evilexe.txt``). Everything printed or logged passes here:

- :func:`safe_name` for one user-given string inside a line: control characters and bidi
  controls removed, line breaks and tabs turned into spaces (a name cannot forge a line);
- :func:`safe_text` for a whole rendered text: the same, but its own line breaks and tabs kept;
- :func:`echo` prints through :func:`safe_text`; :class:`SafeFormatter` formats log records
  with their string arguments through :func:`safe_name` and the whole line through
  :func:`safe_text`.

JSON documents keep the data exact (JSON escapes control characters); the HTML report escapes
through ``transfer.report.html_markup``, which also drops these characters.
"""

from __future__ import annotations

import logging
import re
from typing import IO, Any

import click

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Arabic letter mark, LRM/RLM, the embeddings and overrides, the isolates."""
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
"""C0 but tab and line feed, DEL, C1."""
_UNSAFE_IN_TEXT = re.compile(f"[{_CONTROLS}{BIDI_CONTROLS}]")
_LINE_BREAKS = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]")


def safe_text(text: str) -> str:
    """``text`` with every control and bidi-control character removed but its tabs and line
    feeds."""
    return _UNSAFE_IN_TEXT.sub("", text.replace("\r\n", "\n"))


def safe_name(text: str) -> str:
    """One user-given string for a line: line breaks and tabs become spaces, every other
    control and bidi-control character is removed."""
    return safe_text(_LINE_BREAKS.sub(" ", text))


def echo(message: str, file: IO[Any] | None = None, nl: bool = True, err: bool = False) -> None:
    """``click.echo`` of a text that may hold names."""
    click.echo(safe_text(message), file=file, nl=nl, err=err)


class SafeFormatter(logging.Formatter):
    """Formats log records so that names in them cannot act on a terminal or forge a line."""

    def format(self, record: logging.LogRecord) -> str:
        if isinstance(record.args, tuple):
            record.args = tuple(safe_name(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return safe_text(super().format(record))
