"""The setup page writes the client id into the settings file, keeping the rest of the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from transfer.errors import ConfigError
from transfer.files import write_atomically

_CLIENT_ID_LINE = re.compile(r"^\s*client_id\s*=.*$", re.MULTILINE)
_FIRST_TABLE = re.compile(r"^\s*\[", re.MULTILINE)


def with_client_id(text: str, client_id: str) -> str:
    """``text`` (a TOML settings file) with its top-level ``client_id`` set to ``client_id``."""
    line = f"client_id = {json.dumps(client_id)}"
    table = _FIRST_TABLE.search(text)
    top, rest = (text[:table.start()], text[table.start():]) if table else (text, "")
    if _CLIENT_ID_LINE.search(top):
        top = _CLIENT_ID_LINE.sub(lambda _: line, top, count=1)
    else:
        top = f"{line}\n{top}"
    return top + rest


def save_client_id(path: Path, client_id: str) -> None:
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"The settings file {path} cannot be read: {error}.",
                          advice="Fix or move the file, then save again.") from None
    write_atomically(path, with_client_id(text, client_id).encode(), "settings file")
