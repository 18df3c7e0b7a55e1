"""The one adapter between the tool and Spotify: the only package that imports spotipy.

- ``endpoints``: paths, limits and scopes, declared once;
- ``transport``: the choke point every request goes through (counting, token, retry);
- ``retry`` and ``failures``: when to try again, and what a failure means;
- ``adapter``: ``SpotifyAdapter``, the reads and writes the engine uses;
- ``parse``: Spotify's JSON turned into ``transfer.models``;
- ``oauth``: PKCE log-in and token refresh through spotipy.
"""

from __future__ import annotations

from transfer.spotify.adapter import Page, SpotifyAdapter, chunks
from transfer.spotify.endpoints import (
    ALL_SCOPES,
    LIBRARY_BATCH,
    PLAYLIST_BATCH,
    READ_PAGE,
    TIMESTAMPED_BATCH,
    Endpoint,
)
from transfer.spotify.errors import CoverTooLarge, DatesNotSupported
from transfer.spotify.logs import install_spotipy_log_filter
from transfer.spotify.retry import RetryPolicy
from transfer.spotify.transport import TokenSource, Transport

install_spotipy_log_filter()

__all__ = [
    "ALL_SCOPES",
    "LIBRARY_BATCH",
    "PLAYLIST_BATCH",
    "READ_PAGE",
    "TIMESTAMPED_BATCH",
    "CoverTooLarge",
    "DatesNotSupported",
    "Endpoint",
    "Page",
    "RetryPolicy",
    "SpotifyAdapter",
    "TokenSource",
    "Transport",
    "chunks",
]
