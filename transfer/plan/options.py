"""What a plan moves and how created playlists look: the ``[transfer]`` settings as plan input.

The field names are those of the ``[transfer]`` settings table, so
``PlanOptions.model_validate(settings.transfer.model_dump())`` builds one; keys the plan does not
use are ignored. ``extended_quota`` is not a setting of that table: the caller knows whether the
app has Extended Quota and passes it along, and ``library_order`` is what the journal learnt of
Spotify's order within one save (:mod:`transfer.plan.save_order`); ``sync`` and ``mirror``
come from the ``sync`` command. A selection made on the command line
(:mod:`transfer.plan.selection`) replaces the settings' ``categories``, ``include_playlists``
and ``exclude_playlists``.

A playlist pattern is a case-insensitive glob on the playlist's name (``Road*``) or a playlist
id, or it names one playlist by a ``spotify:playlist:<id>`` URI or an
``https://open.spotify.com/playlist/<id>`` link (ids are compared exactly).
:func:`playlist_matches` is the one place that decides.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from transfer.models import Category
from transfer.plan.save_order import SaveOrder

Privacy = Literal["keep", "public", "private"]

_REFERENCE = re.compile(
    r"(?:spotify:(?:user:[^:]+:)?playlist:|(?:https?://)?open\.spotify\.com/"
    r"(?:intl-[a-z-]+/)?(?:user/[^/]+/)?playlist/)(?P<id>[A-Za-z0-9]+)(?:[/?#].*)?",
    re.IGNORECASE,
)


UNTITLED = "Untitled playlist"
"""The name a copy of a playlist without one gets (Spotify's web player names a new playlist
"My Playlist #N"; a name saying what happened is clearer)."""


class PlanOptions(BaseModel):
    """Choices a user makes about a transfer. The defaults move everything as it is."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    categories: tuple[Category, ...] = tuple(Category)
    include_playlists: tuple[str, ...] = ()
    exclude_playlists: tuple[str, ...] = ()
    name_prefix: str = ""
    name_suffix: str = ""
    privacy: Privacy = "keep"
    preserve_liked_dates: bool = False
    extended_quota: bool = False
    library_order: SaveOrder | None = None
    """How Spotify orders the items of one ``PUT /me/library``, as an earlier run learnt it;
    None: not known yet (saves are planned in the order sent and the run learns it)."""
    sync: bool = False
    """One-way sync: a copy whose source lost or reordered items still gets the new ones
    (appended), where a transfer leaves it as it is."""
    mirror: bool = False
    """``sync --mirror``: also take out of the target what the source took out (only what the
    tool added there). Implies ``sync``."""

    @field_validator("categories")
    @classmethod
    def _in_category_order(cls, categories: tuple[Category, ...]) -> tuple[Category, ...]:
        """One canonical order, so equal options compare and serialise equal."""
        chosen = set(categories)
        return tuple(category for category in Category if category in chosen)

    @property
    def syncing(self) -> bool:
        return self.sync or self.mirror

    def wants(self, category: Category) -> bool:
        return category in self.categories

    def excluding_pattern(self, name: str, playlist_id: str | None = None) -> str | None:
        """The exclude pattern that matches a playlist (its name or its id), if any."""
        return _first_match(name, playlist_id, self.exclude_playlists)

    def is_included(self, name: str, playlist_id: str | None = None) -> bool:
        """True when no include pattern is set or one of them matches the playlist."""
        return (not self.include_playlists
                or _first_match(name, playlist_id, self.include_playlists) is not None)

    def target_name(self, name: str) -> str:
        """The name a copy of a playlist named ``name`` gets: prefix and suffix around it, and
        ``UNTITLED`` for a name that is empty or blank (Spotify refuses to create a playlist
        without a name)."""
        return f"{self.name_prefix}{name if name.strip() else UNTITLED}{self.name_suffix}"

    def target_public(self, public: bool | None, collaborative: bool) -> bool:
        """Whether a created playlist is public.

        Spotify refuses a public collaborative playlist, so collaborative ones stay private
        whatever the override; an unknown flag (None) becomes private under ``keep``.
        """
        if collaborative:
            return False
        if self.privacy == "keep":
            return bool(public)
        return self.privacy == "public"


def referenced_id(pattern: str) -> str | None:
    """The playlist id of a ``spotify:playlist:<id>`` URI or an
    ``https://open.spotify.com/playlist/<id>`` link (a query such as ``?si=…`` allowed); None
    for anything else."""
    found = _REFERENCE.fullmatch(pattern.strip())
    return found.group("id") if found is not None else None


def playlist_matches(pattern: str, name: str, playlist_id: str | None = None) -> bool:
    """Whether ``pattern`` selects the playlist. A URI or link matches the playlist with that
    id only; any other pattern matches the playlist whose id it is, or whose name it matches
    as a case-insensitive glob."""
    reference = referenced_id(pattern)
    if reference is not None:
        return reference == playlist_id
    if playlist_id is not None and pattern.strip() == playlist_id:
        return True
    return fnmatchcase(name.casefold(), pattern.casefold())


def _first_match(name: str, playlist_id: str | None, patterns: tuple[str, ...]) -> str | None:
    return next((pattern for pattern in patterns if playlist_matches(pattern, name, playlist_id)),
                None)
