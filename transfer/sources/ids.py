"""Spotify ids in the forms files hold them: ``spotify:`` URIs and open.spotify.com links."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote_plus

from transfer.models import Kind

ID = re.compile(r"^[0-9A-Za-z]{22}$")
LINKABLE = ("track", "episode", "album", "artist", "show", "playlist", "audiobook", "user")
_LINK = re.compile(
    r"^(?:https?://)?(?:open|play)\.spotify\.com/(?:intl-[A-Za-z-]+/)?(?:embed/)?"
    r"(?:user/[^/?#]+/)?(?P<kind>[a-z]+)/(?P<id>[^/?#\s]+)/?(?:[?#]\S*)?$"
)
_LEGACY_PLAYLIST = re.compile(r"^spotify:user:[^:]+:playlist:(?P<id>[0-9A-Za-z]{22})$")


def uri_from(text: str) -> str:
    """The ``spotify:<kind>:<id>`` URI a link or URI names; ``ValueError`` says what is wrong.

    Accepts ``https://open.spotify.com/intl-de/track/<id>?si=...``, ``spotify:track:<id>``,
    the old ``spotify:user:<name>:playlist:<id>`` and local files (``spotify:local:...``)."""
    text = text.strip()
    if text.startswith("spotify:local:"):
        return text
    legacy = _LEGACY_PLAYLIST.match(text)
    if legacy:
        return f"spotify:playlist:{legacy['id']}"
    if text.startswith("spotify:"):
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"not a Spotify URI: {text}")
        kind, item_id = parts[1], parts[2]
    else:
        link = _LINK.match(text)
        if link is None:
            raise ValueError(f"not a Spotify link or URI: {text}")
        kind, item_id = link["kind"], link["id"]
    if kind not in LINKABLE:
        raise ValueError(f"not a kind of Spotify item that can be moved: {kind}")
    if kind != "user" and not ID.match(item_id):
        raise ValueError(f"not a valid Spotify {kind} id: {item_id}")
    return f"spotify:{kind}:{item_id}"


def track_uri(text: str, default: Kind = Kind.TRACK) -> str:
    """A URI, link or bare 22-character id (taken as a ``default``) as a URI."""
    text = text.strip()
    if ID.match(text):
        return f"spotify:{default.value}:{text}"
    return uri_from(text)


def local_name(uri: str) -> tuple[str, tuple[str, ...], str]:
    """Title, artists and album from ``spotify:local:<artist>:<album>:<title>:<seconds>``."""
    parts = [unquote_plus(part) for part in uri.split(":")[2:]]
    parts += [""] * (4 - len(parts))
    artist, album, title = parts[0], parts[1], parts[2]
    return title, (artist,) if artist else (), album


def date_from(text: object) -> datetime | None:
    """A date or ISO time from a file (``2021-03-04``, ``2018-12-23T10:12:16Z``), in UTC;
    None when absent; ``ValueError`` when it is not a date."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        raise ValueError(f"not a date: {text!r}")
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
