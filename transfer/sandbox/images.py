"""Image URLs the sandbox hands out, and the bytes it serves for them.

URLs look like Spotify's: the last path segment starts with a kind prefix (``ab67616d`` album
art, ``ab67706c`` an uploaded playlist cover, ...); a playlist of the ``old_cover`` odd shape
has its uploaded cover at an older address, ``/images/pl/default/<40 hex>``, without a prefix.
A client must tell a custom cover by exclusion (not a mosaic, not album or editorial art).
Generated art is served as one tiny JPEG.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence

PLACEHOLDER_JPEG = base64.b64decode(
    "/9j/2wCEABoZGSccJz4lJT5CLy8vQkc9Ozs9R0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dH"
    "R0cBHCcnMyYzPSYmPUc9Mj1HR0dEREdHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR0dHR//d"
    "AAQAAf/uAA5BZG9iZQBkwAAAAAH/wAARCAABAAEDACIAAREBAhEB/8QASwABAQAAAAAAAAAAAAAAAAAAAAYBAQAAAAAA"
    "AAAAAAAAAAAAAAAQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwAAARECEQA/AJgAH//Z"
)
"""A valid 1x1 JPEG."""

CUSTOM_COVER_PREFIX = "ab67706c0000da84"
ALBUM_PREFIXES = (("ab67616d0000b273", 640), ("ab67616d00001e02", 300), ("ab67616d00004851", 64))
ARTIST_PREFIXES = (("ab6761610000e5eb", 640), ("ab67616100005174", 320), ("ab6761610000f178", 160))
SHOW_PREFIXES = (("ab6765630000ba8a", 640), ("ab67656300005f1f", 300), ("ab6765630000f68d", 64))
AUDIOBOOK_PREFIXES = (
    ("ab676663000022a8", 640), ("ab6766630000703b", 300), ("ab6766630000db5b", 64),
)
MOSAIC_SIZES = (640, 300, 60)
MAX_COVER_PAYLOAD = 256 * 1024

Image = dict[str, object]

_IMAGE_NAME = re.compile(r"^ab67[0-9a-f]{12}([0-9a-f]{24}|[0-9a-f]{40})$")
_MOSAIC_NAME = re.compile(r"^[0-9a-f]{40}$")


def _digest(*parts: str, length: int = 24) -> str:
    return hashlib.sha1(":".join(parts).encode()).hexdigest()[:length]


def generated(base_url: str, prefixes: Sequence[tuple[str, int]], item_id: str) -> list[Image]:
    """The art of a catalogue item, widest first."""
    digest = _digest(item_id)
    return [
        {"url": f"{base_url}/image/{prefix}{digest}", "height": size, "width": size}
        for prefix, size in prefixes
    ]


def custom_cover(base_url: str, image_hash: str) -> list[Image]:
    return [{"url": f"{base_url}/image/{CUSTOM_COVER_PREFIX}{image_hash}",
             "height": None, "width": None}]


OLD_COVER_PATH = "/images/pl/default/"
"""Where Spotify kept uploaded covers before the ``ab67706c`` names (``u.scdn.co``)."""


def old_custom_cover(base_url: str, image_hash: str) -> list[Image]:
    return [{"url": f"{base_url}{OLD_COVER_PATH}{image_hash}", "height": None, "width": None}]


def old_cover_hash(path: str) -> str | None:
    """The cover hash of an old cover address's path, if it is one."""
    name = path.removeprefix(OLD_COVER_PATH)
    return name if path.startswith(OLD_COVER_PATH) and _MOSAIC_NAME.match(name) else None


def mosaic(base_url: str, album_ids: Sequence[str]) -> list[Image]:
    """Spotify's generated cover: a mosaic of four albums, or the first album's art."""
    if not album_ids:
        return []
    if len(album_ids) < 4:
        return generated(base_url, ALBUM_PREFIXES, album_ids[0])[:1]
    return [
        {"url": f"{base_url}/mosaic/{_digest(str(size), *album_ids[:4], length=40)}",
         "height": size, "width": size}
        for size in MOSAIC_SIZES
    ]


def is_generated_image(name: str) -> bool:
    return bool(_IMAGE_NAME.match(name)) and not name.startswith(CUSTOM_COVER_PREFIX)


def custom_cover_hash(name: str) -> str | None:
    if not name.startswith(CUSTOM_COVER_PREFIX) or not _IMAGE_NAME.match(name):
        return None
    return name[len(CUSTOM_COVER_PREFIX):]


def is_mosaic_name(name: str) -> bool:
    return bool(_MOSAIC_NAME.match(name))


def decode_cover(payload: bytes) -> str | None:
    """The canonical base64 of an uploaded cover, or None when it is not base64 JPEG."""
    try:
        jpeg = base64.b64decode(b"".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not jpeg.startswith(b"\xff\xd8"):
        return None
    return base64.b64encode(jpeg).decode("ascii")
