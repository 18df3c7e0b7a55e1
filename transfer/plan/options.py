"""What a plan moves and how created playlists look: the ``[transfer]`` settings as plan input.

The field names are those of the ``[transfer]`` settings table, so
``PlanOptions.model_validate(settings.transfer.model_dump())`` builds one; keys the plan does not
use are ignored. ``extended_quota`` is not a setting of that table: the caller knows whether the
app has Extended Quota and passes it along; ``sync`` and ``mirror`` come from the ``sync``
command.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from transfer.models import Category

Privacy = Literal["keep", "public", "private"]


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

    def excluding_pattern(self, name: str) -> str | None:
        """The exclude pattern that matches a playlist name (case-insensitive glob), if any."""
        return _first_match(name, self.exclude_playlists)

    def is_included(self, name: str) -> bool:
        """True when no include pattern is set or one of them matches the name."""
        return not self.include_playlists or _first_match(name, self.include_playlists) is not None

    def target_name(self, name: str) -> str:
        return f"{self.name_prefix}{name}{self.name_suffix}"

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


def _first_match(name: str, patterns: tuple[str, ...]) -> str | None:
    folded = name.casefold()
    return next((pattern for pattern in patterns if fnmatchcase(folded, pattern.casefold())), None)
