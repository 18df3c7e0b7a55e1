"""The flags that read the source from a file instead of the old account, for the commands
that take them (``plan``, ``transfer``, ``verify``): ``--from-snapshot FILE``, ``--from-file
PATH`` and ``--match``. The command receives ``snapshot``, ``from_file`` and ``match``, and
hands them to :func:`transfer.commands.pair.source_options`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., Any])


def source_flags(function: _F) -> _F:
    """The flags as ``plan`` and ``transfer`` read the source with them."""
    return _with_flags(function, checking=False)


def checked_source_flags(function: _F) -> _F:
    """The same flags for ``verify``, which checks against the file the transfer came from."""
    return _with_flags(function, checking=True)


def _with_flags(function: _F, checking: bool) -> _F:
    read = "Check against" if checking else "Read the source from"
    also = ", as `transfer --match` did, and check them too" if checking else ""
    flags = (
        click.option("--from-snapshot", "snapshot", default=None,
                     type=click.Path(path_type=Path, dir_okay=False),
                     help=f"{read} an earlier export instead of the live old account (when it "
                          "is gone)."),
        click.option("--from-file", "from_file", default=None, type=click.Path(path_type=Path),
                     help=f"{read} a file instead of the old account"
                          f"{' (the one the transfer came from)' if checking else ''}: "
                          "Spotify's data download (zip or folder), Exportify CSVs (file, folder "
                          "or zip), a list of Spotify links, or a snapshot."),
        click.option("--match", is_flag=True,
                     help="With --from-file: look up by search the songs the file names without "
                          "a Spotify id (exact title and artist only)"
                          f"{also}."),
    )
    for flag in reversed(flags):
        function = flag(function)
    return function
