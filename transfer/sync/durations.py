"""Durations as people write them for ``sync --every``: ``90s``, ``30m``, ``6h``, ``1d``,
or combined, ``1h30m``."""

from __future__ import annotations

import math
import re
from datetime import timedelta

from transfer.errors import ConfigError

_PART = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
SHORTEST = timedelta(minutes=1)
"""Syncing more often than this only spends the app's quota."""
LONGEST = timedelta(days=366)
"""Syncing less often than this is what a scheduler is for (and longer waits overflow)."""


def parse_duration(text: str) -> timedelta:
    """``text`` as a duration; ``ConfigError`` when it is not one or is under a minute."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise ConfigError(
            f"{text!r} is not a duration.",
            advice="Write it as a number and a unit: 30m, 6h, 1d (or combined: 1h30m).",
        )
    parts = _PART.findall(compact)
    if any(len(number) > 12 for number, _ in parts):  # far past LONGEST, whatever the unit
        seconds = math.inf
    else:
        seconds = sum(int(number) * _UNITS[unit] for number, unit in parts)
    if seconds > LONGEST.total_seconds():
        raise ConfigError(f"--every {text} is too long: at most {LONGEST.days}d.",
                          advice="For a sync this seldom, run `spotify-transfer sync` from a "
                                 "scheduler (see `spotify-transfer schedule --help`).")
    duration = timedelta(seconds=int(seconds))
    if duration < SHORTEST:
        raise ConfigError(f"--every {text} is too often.",
                          advice="Sync at most once a minute; every few hours is plenty.")
    return duration


def describe_duration(duration: timedelta) -> str:
    """A duration the way it is written: ``6h``, ``1h30m``, ``1d``."""
    seconds = int(duration.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
