"""Parsing and checking the Spotify URIs and ids a request carries."""

from __future__ import annotations

import re
from collections.abc import Iterable

from transfer.sandbox.apierror import bad_request
from transfer.sandbox.state import SandboxState

_ID = re.compile(r"^[0-9A-Za-z]+$")
_USER_ID = re.compile(r"^[0-9A-Za-z._\-]+$")

LIBRARY_KINDS = frozenset({"track", "album", "episode", "show", "audiobook", "artist", "user",
                           "playlist"})
PLAYLIST_ITEM_KINDS = frozenset({"track", "episode"})
NON_EXISTING = "Payload contains a non-existing ID"


def valid_id(kind: str, item_id: str) -> bool:
    return bool((_USER_ID if kind == "user" else _ID).match(item_id))


def parse_uri(uri: str, kinds: frozenset[str]) -> tuple[str, str]:
    """``spotify:<kind>:<id>`` -> (kind, id); 400 when malformed or of another kind."""
    parts = uri.split(":")
    if len(parts) != 3 or parts[0] != "spotify" or parts[1] not in kinds:
        raise bad_request(f"Invalid URI: {uri}" if uri else "Invalid URI")
    if not valid_id(parts[1], parts[2]):
        raise bad_request(f"Invalid base62 id: {uri}")
    return parts[1], parts[2]


def parse_existing(
    state: SandboxState, uris: Iterable[str], kinds: frozenset[str]
) -> list[tuple[str, str]]:
    """Parse URIs that must name existing items (400 otherwise)."""
    parsed = [parse_uri(uri, kinds) for uri in uris]
    if any(not state.exists(kind, item_id) for kind, item_id in parsed):
        raise bad_request(NON_EXISTING)
    return parsed


def check_ids(kind: str, ids: Iterable[str]) -> list[str]:
    checked = list(ids)
    for item_id in checked:
        if not valid_id(kind, item_id):
            raise bad_request(f"Invalid base62 id: {item_id}")
    return checked
