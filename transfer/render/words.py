"""Words and numbers for people: category names, counts, durations."""

from __future__ import annotations

from datetime import UTC, datetime

from transfer.models import Category
from transfer.plan import Endpoint
from transfer.render.safe import safe_name

CATEGORY_NAMES: dict[Category, str] = {
    Category.PLAYLISTS: "Playlists",
    Category.LIKED_SONGS: "Liked Songs",
    Category.ALBUMS: "Albums",
    Category.ARTISTS: "Artists (followed)",
    Category.SHOWS: "Shows",
    Category.EPISODES: "Episodes",
    Category.AUDIOBOOKS: "Audiobooks",
}

def list_place(category: Category, position: int) -> str:
    """Where an element sat in a list Spotify sent (not inside a playlist), for people."""
    which = "playlist list" if category is Category.PLAYLISTS else f"{CATEGORY_NAMES[category]}"
    return f"#{position + 1} in your {which}"


ENDPOINT_NAMES: dict[Endpoint, str] = {
    Endpoint.CREATE_PLAYLIST: "create playlist",
    Endpoint.ADD_ITEMS: "add to playlist",
    Endpoint.UPLOAD_COVER: "upload cover",
    Endpoint.CHANGE_DETAILS: "change details",
    Endpoint.SAVE_LIBRARY: "save/follow",
    Endpoint.SAVE_TRACKS: "save with dates",
}


def number(count: int) -> str:
    return f"{count:,}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else plural_form or f"{singular}s"
    return f"{number(count)} {word}"


def duration(seconds: float) -> str:
    """``about 40 s``, ``about 3 min``, ``about 1 h 20 min``."""
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"about {hours} h {rest} min" if rest else f"about {hours} h"


def local_time(moment: datetime) -> str:
    """A moment in the machine's local time: ``2026-12-08 03:41:07 CET``."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def resume_time(moment: datetime, now: datetime | None = None) -> str:
    """When a paused run may go on, as every message says it: the local time and how long
    from ``now``, ``2026-12-08 03:41:07 CET (in 1 h 29 min)``."""
    seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    relative = "now" if seconds <= 0 else "in " + duration(seconds).removeprefix("about ")
    return f"{local_time(moment)} ({relative})"


def quoted(name: str) -> str:
    return f"“{safe_name(name)}”"
