"""The exit codes a command can end with, said at the end of its ``--help``.

Each command names the codes it can end with; what they mean comes from
``transfer.errors.EXIT_MEANINGS``, so the help of every command says the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from transfer.errors import EXIT_MEANINGS, ExitStatus

ALWAYS = (ExitStatus.OK, ExitStatus.ERROR, ExitStatus.USAGE, ExitStatus.INTERRUPTED)
"""Every command can end so: done, an error, a wrong setting or flag, Ctrl-C."""


def exit_codes(*more: ExitStatus, notes: Mapping[ExitStatus, str] | None = None) -> str:
    """The ``epilog`` of a command that can end with ``ALWAYS`` and ``more``; ``notes`` say
    what a code means for this command where it says more than the general meaning."""
    codes = sorted({*ALWAYS, *more})
    meanings = {**EXIT_MEANINGS, **(notes or {})}
    return "Exit codes: " + "; ".join(f"{int(code)} {meanings[code]}" for code in codes) + "."
