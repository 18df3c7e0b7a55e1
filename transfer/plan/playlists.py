"""Planning one source playlist: copy it, continue its copy, follow it, or say why not.

A copy made earlier (known from its link) is continued while it is a prefix of what the source
holds now: then the missing tail is appended. Otherwise ``transfer`` leaves it as it is and
reports ``DIVERGED``; a sync goes on as :mod:`transfer.plan.copies` says (new items appended,
and with ``--mirror`` what the source took out taken out), unless someone changed the copy in
the target account. An unavailable entry in the copy (``uri`` None) matches whatever the source
has at that place: a track the tool added that Spotify later withdrew is not a divergence.

A source playlist holding an entry that cannot be read is never mirrored (what its copy holds
at that place may be what the source still has): new items are appended as without
``--mirror``.

A playlist one of whose pages (50 entries at offsets 0, 50, ...) holds no entry that can be
read (each null, unavailable or malformed) is not copied nor continued: Spotify sent that page
broken, or the playlist holds nothing that can move; either way a copy would be empty or
miss that page for good, since later items cannot go into its middle. It is reported as
``UNREADABLE``; a later ``transfer`` reads it again, a ``sync`` once its snapshot changes
(it is left alone until then, as the marks say), and either copies it once the page reads.

A copy no journal records (its journal lost) may be adopted instead of created again
(:mod:`transfer.plan.adoption`): it is then continued as a linked copy is, after an
:class:`AdoptPlaylist` that records it in the journal.

A playlist's writes run details, cover, then items: the last add's answer then carries the
copy's final ``snapshot_id``, which lets the next run trust the copy without reading it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transfer.models import Category, Kind, Playlist, PlaylistEntry, kind_of
from transfer.plan.actions import (
    AdoptPlaylist,
    CreatePlaylist,
    Skip,
    SkippedItem,
    SkipReason,
    UpdatePlaylistDetails,
    UploadCover,
    WriteAction,
)
from transfer.plan.copies import (
    CopyTarget,
    ItemsChange,
    add_batches,
    appended,
    holds_what_was_carried,
    is_prefix,
    mirrored,
    new_ones_appended,
)
from transfer.plan.links import PlaylistDetails, PlaylistLink, known_copy_uris
from transfer.plan.model import PlaylistChange, PlaylistOutline
from transfer.plan.options import PlanOptions

_ADDABLE = (Kind.TRACK, Kind.EPISODE)


@dataclass(frozen=True)
class PlaylistPlan:
    """The plan for one source playlist: its writes (in order), or a URI to follow."""

    outline: PlaylistOutline
    writes: tuple[WriteAction, ...] = ()
    follow: str | None = None
    skips: tuple[Skip, ...] = ()


def plan_playlist(
    playlist: Playlist,
    options: PlanOptions,
    link: PlaylistLink | None,
    target_by_id: Mapping[str, Playlist],
    adopted: Playlist | None = None,
) -> PlaylistPlan:
    """``adopted``: a copy in the target that no link names, to take as this playlist's copy
    (see :mod:`transfer.plan.adoption`); used only when there is no link."""
    refusal = _refusal(playlist, options)
    if refusal is not None:
        return _skipped(playlist, *refusal)
    if playlist.relation != "owned":
        return _follow(playlist, target_by_id)
    broken = unreadable_page(playlist)
    if broken is not None:
        return _skipped(playlist, SkipReason.UNREADABLE, broken,
                        target_id=link.target_playlist_id if link is not None else None)
    if link is None and adopted is not None:
        return _adopt_copy(playlist, options, adopted)
    if link is None:
        return _new_copy(playlist, options)
    return _continue_copy(playlist, options, link, target_by_id.get(link.target_playlist_id))


PAGE = 50
"""Entries Spotify sends a page (``GET /playlists/{id}/items``, limit 50)."""


def unreadable_page(playlist: Playlist) -> str | None:
    """Which page of the playlist's entries holds none that can be read, in words; None when
    every page has one (or the entries were not read). Entries a file names without an id
    are not unreadable: they were read."""
    entries = playlist.entries or ()
    for start in range(0, len(entries), PAGE):
        page = entries[start : start + PAGE]
        if all(entry.uri is None and not entry.no_id for entry in page):
            if len(page) == len(entries):
                return f"all {len(entries)} of its entries" if len(entries) > 1 else \
                    "its one entry"
            return f"entries {start + 1} to {start + len(page)} of {len(entries)}"
    return None


def is_selected(playlist: Playlist, options: PlanOptions) -> bool:
    """Whether the options select this playlist (category on, patterns matching)."""
    return _refusal(playlist, options) is None


def _refusal(playlist: Playlist, options: PlanOptions) -> tuple[SkipReason, str] | None:
    if not options.wants(Category.PLAYLISTS):
        return SkipReason.CATEGORY_OFF, ""
    pattern = options.excluding_pattern(playlist.name, playlist.id)
    if pattern is not None:
        return SkipReason.EXCLUDED, pattern
    if not options.is_included(playlist.name, playlist.id):
        return SkipReason.NOT_INCLUDED, ", ".join(options.include_playlists)
    return None


def _follow(playlist: Playlist, target_by_id: Mapping[str, Playlist]) -> PlaylistPlan:
    if playlist.id in target_by_id:
        return _skipped(playlist, SkipReason.ALREADY_FOLLOWED, target_id=playlist.id)
    outline = _outline(playlist, PlaylistChange.FOLLOW, target_id=playlist.id)
    return PlaylistPlan(outline=outline, follow=playlist.uri)


def _new_copy(playlist: Playlist, options: PlanOptions) -> PlaylistPlan:
    if playlist.entries is None:
        return _skipped(playlist, SkipReason.ITEMS_UNKNOWN)
    uris, entry_skips = carried_entries(playlist)
    details = target_details(playlist, options)
    create = CreatePlaylist(source_playlist_id=playlist.id, **details.model_dump())
    cover = _cover_upload(playlist, None, None)
    target = CopyTarget(playlist.id, None, playlist.name)
    writes: tuple[WriteAction, ...] = (create, *cover, *add_batches(target, uris, 0))
    outline = _outline(
        playlist,
        PlaylistChange.CREATE,
        adding=len(uris),
        skipped_entries=len(entry_skips),
        cover=bool(cover),
        target_name=details.name,
    )
    return PlaylistPlan(outline=outline, writes=writes, skips=entry_skips)


def _adopt_copy(playlist: Playlist, options: PlanOptions, copy: Playlist) -> PlaylistPlan:
    """Take ``copy`` as the link a lost journal had: the details the tool would have set (so
    none are changed), the items it holds, and the source's custom cover if the copy has one
    of its own; then continue it like any linked copy."""
    details = target_details(playlist, options)
    has_own_cover = copy.cover is not None and copy.cover.custom
    link = PlaylistLink(
        source_playlist_id=playlist.id,
        target_playlist_id=copy.id,
        details=details,
        target_uris=tuple(entry.uri for entry in copy.entries or ()),
        target_snapshot_id=copy.snapshot_id,
        cover_url=playlist.cover.url if has_own_cover and playlist.cover else None,
    )
    adopt = AdoptPlaylist(
        source_playlist_id=playlist.id,
        target_playlist_id=copy.id,
        playlist_name=playlist.name,
        target_uris=link.target_uris,
        target_snapshot_id=copy.snapshot_id,
        cover_url=link.cover_url,
        **details.model_dump(),
    )
    continued = _continue_copy(playlist, options, link, copy)
    outline = continued.outline.model_copy(update={"adopted": True})
    return PlaylistPlan(outline=outline, writes=(adopt, *continued.writes),
                        skips=continued.skips)


def _continue_copy(
    playlist: Playlist, options: PlanOptions, link: PlaylistLink, copy: Playlist | None
) -> PlaylistPlan:
    target_id = link.target_playlist_id
    if copy is None:
        return _skipped(playlist, SkipReason.COPY_REMOVED, target_id=target_id)
    entry_skips = carried_entries(playlist)[1] if playlist.entries is not None else ()
    change = _items_change(playlist, options, link, copy)
    if isinstance(change, Skip):
        return PlaylistPlan(outline=_skip_outline(playlist, change, target_id), skips=(change,))
    details = _details_update(playlist, options, link)
    cover = _cover_upload(playlist, link.cover_url, target_id)
    writes: tuple[WriteAction, ...] = (*details, *cover, *change.writes)
    if not writes:
        reason = SkipReason.NOT_MIRRORED if change.behind else SkipReason.UP_TO_DATE
        skip = playlist_skip(playlist, reason)
        outline = _skip_outline(playlist, skip, target_id, change.kept, len(entry_skips),
                                behind=change.behind)
        return PlaylistPlan(outline=outline, skips=(skip, *entry_skips))
    outline = _outline(
        playlist,
        PlaylistChange.UPDATE,
        target_id=target_id,
        adding=change.adding,
        already_there=change.kept,
        skipped_entries=len(entry_skips),
        cover=bool(cover),
        details=bool(details),
        removing=change.removing,
        behind=change.behind,
    )
    return PlaylistPlan(outline=outline, writes=writes, skips=entry_skips)


def _items_change(
    playlist: Playlist, options: PlanOptions, link: PlaylistLink, copy: Playlist
) -> ItemsChange | Skip:
    """The item writes that continue a copy, or the skip that says why it is left alone."""
    if playlist.entries is None:
        if playlist.snapshot_id is None or playlist.snapshot_id != link.source_snapshot_id:
            return playlist_skip(playlist, SkipReason.ITEMS_UNKNOWN)
        return ItemsChange((), adding=0, kept=len(link.target_uris))
    wanted = carried_entries(playlist)[0]
    present = known_copy_uris(link, copy)
    if present is None:
        return playlist_skip(playlist, SkipReason.ITEMS_UNKNOWN,
                             "the copy in the target was not read")
    where = CopyTarget(playlist.id, link.target_playlist_id, playlist.name)
    if is_prefix(present, wanted):
        return appended(where, present, wanted)
    if not options.syncing or not holds_what_was_carried(present, link.target_uris):
        return playlist_skip(playlist, SkipReason.DIVERGED)
    if options.mirror and not any(entry.malformed for entry in playlist.entries):
        return mirrored(where, link.target_uris, wanted)
    return new_ones_appended(where, link.target_uris, wanted)


def carried_entries(playlist: Playlist) -> tuple[tuple[str, ...], tuple[Skip, ...]]:
    """The URIs of a playlist that can be copied, in order, and a skip for each that cannot."""
    uris: list[str] = []
    skips: list[Skip] = []
    for position, entry in enumerate(playlist.entries or ()):
        reason = _entry_problem(entry)
        if reason is None and entry.uri is not None:
            uris.append(entry.uri)
        else:
            skips.append(_entry_skip(playlist, position, entry, reason or SkipReason.UNAVAILABLE))
    return tuple(uris), tuple(skips)


def _entry_problem(entry: PlaylistEntry) -> SkipReason | None:
    if entry.is_local:
        return SkipReason.LOCAL_FILE
    if entry.malformed:
        return SkipReason.MALFORMED
    if entry.uri is None:
        return SkipReason.NO_ID if entry.no_id else SkipReason.UNAVAILABLE
    try:
        kind = kind_of(entry.uri)
    except ValueError:
        return SkipReason.UNSUPPORTED
    if kind is Kind.LOCAL:
        return SkipReason.LOCAL_FILE
    return None if kind in _ADDABLE else SkipReason.UNSUPPORTED


def _entry_skip(
    playlist: Playlist, position: int, entry: PlaylistEntry, reason: SkipReason
) -> Skip:
    item = SkippedItem(
        category=Category.PLAYLISTS,
        name=entry.name,
        uri=entry.uri,
        artists=entry.artists,
        playlist_id=playlist.id,
        playlist_name=playlist.name,
        position=position,
    )
    return Skip(item=item, reason=reason, detail=entry.malformed)


def target_details(playlist: Playlist, options: PlanOptions) -> PlaylistDetails:
    """The details a copy of ``playlist`` gets: prefix/suffix and privacy override applied."""
    return PlaylistDetails(
        name=options.target_name(playlist.name),
        description=playlist.description,
        public=options.target_public(playlist.public, playlist.collaborative),
        collaborative=playlist.collaborative,
    )


def _details_update(
    playlist: Playlist, options: PlanOptions, link: PlaylistLink
) -> tuple[UpdatePlaylistDetails, ...]:
    """Details change only when the source's differ from those the tool last set, so edits
    made in the target account survive until the source itself changes."""
    details = target_details(playlist, options)
    if details == link.details:
        return ()
    return (
        UpdatePlaylistDetails(
            source_playlist_id=playlist.id,
            target_playlist_id=link.target_playlist_id,
            playlist_name=playlist.name,
            **details.model_dump(),
        ),
    )


def _cover_upload(
    playlist: Playlist, uploaded_url: str | None, target_id: str | None
) -> tuple[UploadCover, ...]:
    cover = playlist.cover
    if cover is None or not cover.custom or cover.url == uploaded_url:
        return ()
    upload = UploadCover(
        source_playlist_id=playlist.id,
        target_playlist_id=target_id,
        playlist_name=playlist.name,
        cover_url=cover.url,
        jpeg_base64=cover.jpeg_base64,
    )
    return (upload,)


def playlist_skip(playlist: Playlist, reason: SkipReason, detail: str = "") -> Skip:
    """A skip of a whole playlist, and why."""
    item = SkippedItem(
        category=Category.PLAYLISTS,
        name=playlist.name,
        uri=playlist.uri,
        playlist_id=playlist.id,
        playlist_name=playlist.name,
        count=1,
    )
    return Skip(item=item, reason=reason, detail=detail)


def _skipped(
    playlist: Playlist, reason: SkipReason, detail: str = "", target_id: str | None = None
) -> PlaylistPlan:
    skip = playlist_skip(playlist, reason, detail)
    return PlaylistPlan(outline=_skip_outline(playlist, skip, target_id), skips=(skip,))


def _skip_outline(
    playlist: Playlist,
    skip: Skip,
    target_id: str | None,
    already_there: int = 0,
    skipped_entries: int = 0,
    behind: bool = False,
) -> PlaylistOutline:
    change = PlaylistChange.UNCHANGED if skip.reason.already_there else PlaylistChange.SKIP
    return _outline(
        playlist,
        change,
        target_id=target_id,
        skip_reason=skip.reason,
        skip_detail=skip.detail,
        already_there=already_there,
        skipped_entries=skipped_entries,
        behind=behind,
    )


def _outline(playlist: Playlist, change: PlaylistChange, **counts: object) -> PlaylistOutline:
    entries = len(playlist.entries) if playlist.entries is not None else playlist.total
    return PlaylistOutline.model_validate(
        {
            "source_id": playlist.id,
            "name": playlist.name,
            "relation": playlist.relation,
            "owner_name": playlist.owner_name,
            "snapshot_id": playlist.snapshot_id,
            "change": change,
            "entries": entries,
            **counts,
        }
    )


def untitled_notes(outlines: Iterable[PlaylistOutline]) -> tuple[str, ...]:
    """What the plan says of each copy created for a source playlist that has no name."""
    return tuple(
        f"The source playlist {outline.source_id} has no name; Spotify refuses to create a "
        f"playlist without one, so its copy is named “{outline.target_name}”."
        for outline in outlines
        if outline.change is PlaylistChange.CREATE and not outline.name.strip()
        and outline.target_name is not None
    )
