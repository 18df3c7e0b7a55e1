"""The parts of the run report: per category, per playlist, each skipped item, each failure,
the API calls. Plain frozen models; :mod:`transfer.report.outcomes` fills them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from transfer.models import Category, Relation
from transfer.plan import PlaylistChange, Skip, SkipReason
from transfer.report.links import open_url, playlist_url


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CategoryResult(_Part):
    """Counts of one category, or of one part of the copies' contents."""

    category: str = Field(
        description="playlists, liked_songs, albums, artists, shows, episodes, audiobooks; "
        "and for the contents of the copies: playlist_items, covers, playlist_details"
    )
    in_source: int | None = Field(None, description="in the source (null for contents)")
    done: int = Field(0, description="created, followed, saved, added or uploaded by this run")
    left: int = Field(0, description="still to do: the run stopped before")
    failed: int = Field(0, description="refused by Spotify")
    already_there: int = Field(0, description="the target had it already")
    skipped: int = Field(0, description="not moved: cannot move, or not chosen")
    removed: int = Field(0, description="taken out of the target by this run (sync --mirror, "
                                        "undo); never counted in done")


PlaylistStatus = Literal["done", "partial", "left", "failed", "already_there", "skipped"]


class PlaylistResult(_Part):
    """One source playlist and what became of it in the target."""

    source_id: str
    source_url: str | None
    name: str = Field(description="the source playlist's name")
    relation: Relation
    owner_name: str | None = None
    change: PlaylistChange = Field(description="what the plan did: create, update, follow, "
                                               "unchanged, skip")
    status: PlaylistStatus = Field(
        description="done; partial (some of its writes failed or are left); left (nothing done "
        "yet); failed; already_there; skipped"
    )
    target_id: str | None = Field(None, description="the copy, or the playlist followed")
    adopted: bool = Field(False, description="the copy was found in the target, not recorded "
                                             "by any journal, and adopted instead of made again")
    target_url: str | None = None
    target_name: str | None = Field(None, description="the copy's name (prefix/suffix applied)")
    entries: int | None = Field(None, description="entries in the source (null: not read)")
    items_added: int = Field(0, description="items this run added to the copy")
    items_left: int = 0
    items_failed: int = 0
    items_already_there: int = Field(0, description="items the copy had before this run")
    items_skipped: int = Field(0, description="entries that cannot move (see skipped_items)")
    cover: Literal["uploaded", "left", "failed"] | None = Field(
        None, description="the custom cover's upload, when there was one to do"
    )
    details_changed: bool = False
    skip_reason: SkipReason | None = None
    skip_reason_text: str | None = None
    skip_detail: str = ""
    skipped_items: list[SkippedItem] = Field(
        default_factory=list, description="this playlist's entries that cannot move"
    )


class SkippedItem(_Part):
    """Something not moved, and why."""

    key: str = Field(description="the skip's stable key (as in plan --json)")
    reason: SkipReason
    reason_text: str
    already_there: bool = Field(description="true when the target has it already (no loss)")
    detail: str = ""
    category: Category
    name: str = Field("", description="empty when Spotify gives none (unavailable entries)")
    artists: list[str] = Field(default_factory=list)
    uri: str | None = None
    url: str | None = Field(None, description="opens it in Spotify (none for local files)")
    playlist_id: str | None = Field(None, description="the playlist itself, or the one holding "
                                                      "the entry")
    playlist_name: str | None = None
    playlist_url: str | None = None
    position: int | None = Field(None, description="zero-based place in the source playlist "
                                 "(with no playlist_id: in the list Spotify sent)")
    count: int = Field(1, description="items this stands for (a whole category turned off)")


def skipped_item(skip: Skip) -> SkippedItem:
    item = skip.item
    return SkippedItem(
        key=skip.key, reason=skip.reason, reason_text=skip.reason.text,
        already_there=skip.reason.already_there, detail=skip.detail, category=item.category,
        name=item.name, artists=list(item.artists), uri=item.uri, url=open_url(item.uri),
        playlist_id=item.playlist_id, playlist_name=item.playlist_name,
        playlist_url=playlist_url(item.playlist_id), position=item.position, count=item.count,
    )


class FailedAction(_Part):
    """A write Spotify refused for good."""

    key: str
    type: str = Field(description="the action type, as in plan --json actions[]")
    description: str = Field(description="what it was meant to do, in words")
    reason: str = Field(description="Spotify's answer, or why it could not be sent")
    playlist_id: str | None = Field(None, description="the source playlist it belongs to")
    playlist_name: str | None = None
    uris: list[str] = Field(default_factory=list, description="the items it carried")


class ApiCalls(_Part):
    by_endpoint: dict[str, int] = Field(
        description='"METHOD /path/template" -> calls, all sessions of the run, retries included'
    )
    reads: int
    writes: int
    total: int
