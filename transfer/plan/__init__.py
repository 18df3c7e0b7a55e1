"""The plan: what a transfer will do, computed without any I/O.

``diff(source, target, options, links)`` compares two library snapshots and returns a
:class:`Plan`, a frozen list of typed actions that ``plan`` renders and ``transfer`` executes.
"""

from transfer.plan.actions import (
    ADD_BATCH,
    DATED_BATCH,
    LIBRARY_BATCH,
    Action,
    AddPlaylistItems,
    AdoptPlaylist,
    CreatePlaylist,
    DatedTrack,
    RemoveLibraryItems,
    RemovePlaylistItems,
    ReplacePlaylistItems,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    SkippedItem,
    SkipReason,
    UndoAction,
    UpdatePlaylistDetails,
    UploadCover,
    WriteAction,
    category_of,
    plain_batches,
)
from transfer.plan.cost import CallBudget, estimated_seconds, least_calls
from transfer.plan.diff import diff
from transfer.plan.endpoints import Endpoint
from transfer.plan.links import (
    PlaylistDetails,
    PlaylistLink,
    copy_needs_reading,
    known_copy_uris,
    source_needs_reading,
)
from transfer.plan.mirror import MirrorInput, MirrorOutline, plan_removals, refusal
from transfer.plan.model import CategoryOutline, Plan, PlaylistChange, PlaylistOutline
from transfer.plan.options import PlanOptions, Privacy

__all__ = [
    "ADD_BATCH",
    "DATED_BATCH",
    "LIBRARY_BATCH",
    "Action",
    "AddPlaylistItems",
    "AdoptPlaylist",
    "CallBudget",
    "CategoryOutline",
    "CreatePlaylist",
    "DatedTrack",
    "Endpoint",
    "MirrorInput",
    "MirrorOutline",
    "Plan",
    "PlanOptions",
    "PlaylistChange",
    "PlaylistDetails",
    "PlaylistLink",
    "PlaylistOutline",
    "Privacy",
    "RemoveLibraryItems",
    "RemovePlaylistItems",
    "ReplacePlaylistItems",
    "SaveLibraryItems",
    "SaveLikedWithDates",
    "Skip",
    "SkipReason",
    "SkippedItem",
    "UndoAction",
    "UpdatePlaylistDetails",
    "UploadCover",
    "WriteAction",
    "category_of",
    "copy_needs_reading",
    "diff",
    "estimated_seconds",
    "known_copy_uris",
    "least_calls",
    "plain_batches",
    "plan_removals",
    "refusal",
    "source_needs_reading",
]
