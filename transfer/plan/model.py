"""The plan: the actions in the order they run, and an outline of what they mean per playlist
and per category (for people, the report and ``status``)."""

from __future__ import annotations

from collections import Counter
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from transfer.models import Account, Category, Relation
from transfer.plan.actions import (
    Action,
    RemoveLibraryItems,
    Skip,
    SkipReason,
    UndoAction,
    WriteAction,
)
from transfer.plan.endpoints import Endpoint
from transfer.plan.mirror import MirrorOutline
from transfer.plan.options import PlanOptions


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlaylistChange(StrEnum):
    """What happens to one source playlist."""

    CREATE = "create"
    UPDATE = "update"
    FOLLOW = "follow"
    UNCHANGED = "unchanged"
    SKIP = "skip"


class PlaylistOutline(_Frozen):
    """One source playlist in the plan, in source order."""

    source_id: str
    name: str
    relation: Relation
    owner_name: str | None = None
    snapshot_id: str | None = None
    target_id: str | None = Field(
        None, description="the linked copy, or the playlist followed; None while to be created"
    )
    change: PlaylistChange
    target_name: str | None = Field(
        None, description="the name the copy is created with (name_prefix and name_suffix "
                          "applied; a placeholder for a source playlist without a name)")
    skip_reason: SkipReason | None = None
    skip_detail: str = Field("", description="e.g. the pattern that excluded it")
    entries: int | None = Field(None, description="entries in the source; None when not read")
    adding: int = 0
    already_there: int = 0
    skipped_entries: int = 0
    cover: bool = Field(False, description="a custom cover is uploaded")
    details: bool = Field(False, description="the copy's details are updated")
    removing: int = Field(0, description="entries taken out of the copy (sync --mirror)")
    behind: bool = Field(
        False, description="the copy keeps entries the source took out, or their old order, "
                           "until a sync --mirror"
    )
    adopted: bool = Field(
        False, description="target_id is a copy found in the target that no journal recorded, "
                           "adopted instead of creating another"
    )


class CategoryOutline(_Frozen):
    """Counts for one category. For playlists the counts are of playlists, not items."""

    category: Category
    in_source: int = 0
    new: int = 0
    updated: int = 0
    already_there: int = 0
    skipped: int = 0


class Plan(_Frozen):
    """What a transfer will do: ``plan`` shows it, ``transfer`` executes this very object."""

    source: Account
    target: Account
    options: PlanOptions = PlanOptions()
    actions: tuple[Action, ...] = ()
    playlists: tuple[PlaylistOutline, ...] = ()
    categories: tuple[CategoryOutline, ...] = ()
    notes: tuple[str, ...] = ()
    mirror: MirrorOutline | None = Field(
        None, description="sync --mirror: how much it removes of what the tool added"
    )

    @model_validator(mode="after")
    def _keys_are_unique(self) -> Plan:
        keys = Counter(action.key for action in self.actions)
        doubled = [key for key, count in keys.items() if count > 1]
        if doubled:
            raise ValueError(f"a plan's action keys must be unique; doubled: {doubled[:3]}")
        return self

    @property
    def writes(self) -> tuple[WriteAction, ...]:
        """What the plan adds or changes (a transfer's or sync's writes, playlist item
        removals of ``sync --mirror`` included); library removals are :attr:`removals`."""
        return tuple(action for action in self.actions
                     if not isinstance(action, Skip | RemoveLibraryItems))

    @property
    def removals(self) -> tuple[UndoAction, ...]:
        """What the plan takes out of the target's library (``undo``, ``sync --mirror``)."""
        return tuple(action for action in self.actions if isinstance(action, RemoveLibraryItems))

    @property
    def skips(self) -> tuple[Skip, ...]:
        return tuple(action for action in self.actions if isinstance(action, Skip))

    @property
    def is_empty(self) -> bool:
        """True when the plan writes nothing (skips are reports, not work)."""
        return not self.writes and not self.removals

    def calls(self) -> Counter[Endpoint]:
        """The write calls this plan makes, per endpoint: one per action."""
        actions = (*self.writes, *self.removals)
        return Counter(action.endpoint for action in actions if action.endpoint is not None)

    def category(self, category: Category) -> CategoryOutline:
        found = next((outline for outline in self.categories if outline.category is category), None)
        return found or CategoryOutline(category=category)

    def action(self, key: str) -> Action:
        for action in self.actions:
            if action.key == key:
                return action
        raise KeyError(key)
