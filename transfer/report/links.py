"""Links that open an item in Spotify (``https://open.spotify.com/<kind>/<id>``).

Local files and unavailable entries have none: Spotify has no page for them.
"""

from __future__ import annotations

from transfer.models import FILE_ID_PREFIX, Kind, kind_of

OPEN_SPOTIFY = "https://open.spotify.com"
_LINKABLE = {Kind.TRACK, Kind.EPISODE, Kind.ALBUM, Kind.ARTIST, Kind.SHOW, Kind.AUDIOBOOK,
             Kind.PLAYLIST, Kind.USER}


def open_url(uri: str | None) -> str | None:
    """The web address of a ``spotify:<kind>:<id>`` URI, or None when it has none."""
    if uri is None:
        return None
    try:
        kind = kind_of(uri)
    except ValueError:
        return None
    if kind not in _LINKABLE:
        return None
    return f"{OPEN_SPOTIFY}/{kind.value}/{uri.split(':', 2)[2]}"


def playlist_url(playlist_id: str | None) -> str | None:
    """None for a playlist read from a file (its id is the tool's, not Spotify's)."""
    if not playlist_id or playlist_id.startswith(FILE_ID_PREFIX):
        return None
    return f"{OPEN_SPOTIFY}/playlist/{playlist_id}"
