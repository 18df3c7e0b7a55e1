"""The selection flags ``plan``, ``transfer`` and ``sync`` share: ``--only``, ``--playlist``,
``--exclude-playlist`` and ``--all`` (see :mod:`transfer.plan.selection`).

Not a command itself (it is not listed in ``COMMAND_MODULES``). :func:`selection_flags` adds the
flags to a command and hands it one ``selection`` argument: the :class:`Selection` they make, or
None when none was given (the one kept for the pair then applies).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from transfer.plan.selection import Selection

_F = TypeVar("_F", bound=Callable[..., Any])

KEPT = "kept for these accounts; flags replace it, --all clears it"

def selection_flags(function: _F) -> _F:
    """Add the selection flags to a click command (``plan``, ``transfer``, ``sync``); it
    receives ``selection``."""
    return _with_flags(function, checking=False)


def checked_selection_flags(function: _F) -> _F:
    """The same flags for ``verify``, which checks what they choose and keeps nothing."""
    return _with_flags(function, checking=True)


def _with_flags(function: _F, checking: bool) -> _F:
    @functools.wraps(function)
    def wrapper(*args: Any, only: str | None, playlists: tuple[str, ...],
                excluded: tuple[str, ...], everything: bool, **kwargs: Any) -> Any:
        from transfer.plan.selection import selection_from_flags

        given = selection_from_flags(only, playlists, excluded, everything)
        return function(*args, selection=given, **kwargs)

    verb = "Check" if checking else "Move"
    kept = " Not kept." if checking else " Kept for these accounts."
    follow = "" if checking else " Kept for these accounts: later runs follow it."
    alone = "as --all" if checking else "it clears the kept selection, as --all"
    clear = ("Check what the settings choose (by default everything), not the selection kept "
             "for these accounts." if checking else
             "Clear the kept selection: move what the settings choose (by default "
             "everything).")
    options = [
        click.option("--only", metavar="LIST", default=None,
                     help=f"{verb} only these categories, a comma list of playlists, likes, "
                          f"albums, artists, shows, episodes, audiobooks.{follow} 'all' "
                          f"leaves them to the settings (alone, {alone})."),
        click.option("--playlist", "playlists", metavar="NAME|ID|URL", multiple=True,
                     help=f"{verb} only these playlists (repeatable): a name pattern (* ? "
                          "[abc], any case), an id, a spotify:playlist: URI or an "
                          f"open.spotify.com link.{kept}"),
        click.option("--exclude-playlist", "excluded", metavar="NAME|ID|URL", multiple=True,
                     help=f"Leave these playlists out (repeatable, same forms).{kept}"),
        click.option("--all", "everything", is_flag=True, help=clear),
    ]
    decorated: Callable[..., Any] = wrapper
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[return-value]


def selection_line(selection: Selection, where: str = KEPT) -> str:
    """One line saying which selection a command used, and where it came from."""
    from transfer.plan.selection import described

    return f"Selection ({where}): {'; '.join(described(selection))}."
