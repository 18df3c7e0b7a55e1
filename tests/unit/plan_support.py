"""Test support for the plan core: library builders, a tiny pure in-memory applier that plays a
plan against a target library the way Spotify would, and hypothesis strategies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from transfer.models import (
    Account,
    Category,
    Cover,
    Kind,
    Library,
    Playlist,
    PlaylistEntry,
    SavedItem,
    kind_of,
)
from transfer.plan import (
    AddPlaylistItems,
    AdoptPlaylist,
    CreatePlaylist,
    Plan,
    PlanOptions,
    PlaylistDetails,
    PlaylistLink,
    SaveLibraryItems,
    SaveLikedWithDates,
    Skip,
    UpdatePlaylistDetails,
    UploadCover,
    WriteAction,
    category_of,
)

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
CUSTOM_COVER = "https://i.scdn.co/image/ab67706c0000da84"


def library(account: str = "alex.old", **parts: object) -> Library:
    return Library.model_validate({"exported_at": EPOCH, "account": Account(id=account), **parts})


def entry(uri: str | None, **fields: object) -> PlaylistEntry:
    kind = kind_of(uri) if uri is not None else None
    return PlaylistEntry.model_validate({"uri": uri, "kind": kind, **fields})


def local(name: str) -> PlaylistEntry:
    return PlaylistEntry(uri=f"spotify:local:Artist:Album:{name}:180", is_local=True, name=name)


def owned(playlist_id: str, uris: Iterable[str | None] = (), **fields: object) -> Playlist:
    return Playlist.model_validate(
        {
            "id": playlist_id,
            "name": fields.pop("name", f"Playlist {playlist_id}"),
            "owner_id": "alex.old",
            "relation": "owned",
            "snapshot_id": fields.pop("snapshot_id", f"snap-{playlist_id}"),
            "entries": tuple(entry(uri) for uri in uris),
            **fields,
        }
    )


def followed(playlist_id: str, relation: str = "followed", **fields: object) -> Playlist:
    return Playlist.model_validate(
        {
            "id": playlist_id,
            "name": fields.pop("name", f"Playlist {playlist_id}"),
            "owner_id": "someone",
            "relation": relation,
            **fields,
        }
    )


def saved(*uris: str, dated: bool = True, since: datetime = EPOCH) -> tuple[SavedItem, ...]:
    """Saved items newest first: the first URI gets the latest date, all after ``since``."""
    count = len(uris)
    return tuple(
        SavedItem(uri=uri, added_at=since + timedelta(minutes=count - index) if dated else None)
        for index, uri in enumerate(uris)
    )


def tracks(prefix: str, count: int) -> list[str]:
    return [f"spotify:track:{prefix}{index}" for index in range(count)]


@dataclass
class SimulatedTarget:
    """A target account in memory. ``apply`` plays write actions as Spotify would: a created or
    followed playlist goes to the top of the list, a saved item to the top of its collection,
    a followed artist to the end of the list."""

    library: Library
    links: dict[str, PlaylistLink] = field(default_factory=dict)
    calls: int = 0
    created: int = 0

    def apply(self, actions: Iterable[WriteAction | Skip]) -> SimulatedTarget:
        for action in actions:
            if isinstance(action, AdoptPlaylist):
                self._adopt(action)  # no call: the journal records it
            elif not isinstance(action, Skip):
                self.calls += 1
                self._apply(action)
        return self

    def apply_plan(self, plan: Plan) -> SimulatedTarget:
        return self.apply(plan.actions)

    def _apply(self, action: WriteAction) -> None:
        if isinstance(action, CreatePlaylist):
            self._create(action)
        elif isinstance(action, AddPlaylistItems):
            self._add(action)
        elif isinstance(action, UploadCover | UpdatePlaylistDetails):
            self._edit(action)
        elif isinstance(action, SaveLibraryItems):
            for uri in action.uris:
                self._save(uri, None)
        elif isinstance(action, SaveLikedWithDates):
            for track in action.tracks:
                self._save(track.uri, track.added_at)
            self._sort_liked()

    def _create(self, action: CreatePlaylist) -> None:
        self.created += 1
        copy_id = f"copy{self.created}"
        copy = Playlist(
            id=copy_id, name=action.name, description=action.description, public=action.public,
            collaborative=action.collaborative, owner_id=self.library.account.id,
            relation="owned", snapshot_id=f"{copy_id}-0", entries=(),
        )
        self._set(playlists=(copy, *self.library.playlists))
        details = PlaylistDetails(
            name=action.name, description=action.description, public=action.public,
            collaborative=action.collaborative,
        )
        self.links[action.source_playlist_id] = PlaylistLink(
            source_playlist_id=action.source_playlist_id, target_playlist_id=copy_id,
            details=details, target_snapshot_id=copy.snapshot_id,
        )

    def _adopt(self, action: AdoptPlaylist) -> None:
        assert action.source_playlist_id not in self.links, "adopted while linked"
        details = PlaylistDetails(
            name=action.name, description=action.description, public=action.public,
            collaborative=action.collaborative,
        )
        self.links[action.source_playlist_id] = PlaylistLink(
            source_playlist_id=action.source_playlist_id,
            target_playlist_id=action.target_playlist_id, details=details,
            target_uris=action.target_uris, target_snapshot_id=action.target_snapshot_id,
            cover_url=action.cover_url,
        )

    def _add(self, action: AddPlaylistItems) -> None:
        link = self.links[action.source_playlist_id]
        copy = self._playlist(link.target_playlist_id)
        entries = list(copy.entries or ())
        assert action.position <= len(entries), "an add beyond the end of the copy"
        entries[action.position : action.position] = [entry(uri) for uri in action.uris]
        snapshot = f"{copy.id}-{len(entries)}"
        self._replace(copy.model_copy(update={"entries": tuple(entries), "snapshot_id": snapshot}))
        uris = list(link.target_uris)
        uris[action.position : action.position] = action.uris
        self.links[action.source_playlist_id] = link.model_copy(
            update={"target_uris": tuple(uris), "target_snapshot_id": snapshot}
        )

    def _edit(self, action: UploadCover | UpdatePlaylistDetails) -> None:
        link = self.links[action.source_playlist_id]
        assert action.target_playlist_id in (None, link.target_playlist_id)
        copy = self._playlist(link.target_playlist_id)
        if isinstance(action, UploadCover):
            cover = Cover(url=f"{CUSTOM_COVER}{copy.id}", custom=True)
            self._replace(copy.model_copy(update={"cover": cover}))
            self.links[action.source_playlist_id] = link.model_copy(
                update={"cover_url": action.cover_url}
            )
            return
        details = PlaylistDetails(
            name=action.name, description=action.description, public=action.public,
            collaborative=action.collaborative,
        )
        self._replace(copy.model_copy(update=details.model_dump()))
        self.links[action.source_playlist_id] = link.model_copy(update={"details": details})

    def _save(self, uri: str, added_at: datetime | None) -> None:
        category = category_of(uri)
        if category is Category.PLAYLISTS:
            playlist_id = uri.split(":")[2]
            assert playlist_id not in {p.id for p in self.library.playlists}, "followed twice"
            follow = followed(playlist_id)
            self._set(playlists=(follow, *self.library.playlists))
            return
        items = getattr(self.library, category.value)
        assert uri not in {item.uri for item in items}, f"{uri} saved twice"
        item = SavedItem(uri=uri, added_at=added_at)
        if category is Category.ARTISTS:  # listed in the order followed
            self._set(artists=(*items, item))
        else:
            self._set(**{category.value: (item, *items)})

    def _sort_liked(self) -> None:
        ordered = sorted(
            self.library.liked_songs, key=lambda item: item.added_at or EPOCH, reverse=True
        )
        self._set(liked_songs=tuple(ordered))

    def _playlist(self, playlist_id: str) -> Playlist:
        return next(p for p in self.library.playlists if p.id == playlist_id)

    def _replace(self, playlist: Playlist) -> None:
        self._set(
            playlists=tuple(playlist if p.id == playlist.id else p for p in self.library.playlists)
        )

    def _set(self, **update: object) -> None:
        self.library = self.library.model_copy(update=update)


def unread_copies(target: Library) -> Library:
    """The target as ``/me/playlists`` shows it, before any playlist's items are read."""
    playlists = tuple(p.model_copy(update={"entries": None}) for p in target.playlists)
    return target.model_copy(update={"playlists": playlists})


# --- hypothesis strategies ---------------------------------------------------------------

_track_pool = st.integers(0, 59).map(lambda n: f"spotify:track:t{n}")
_episode_pool = st.integers(0, 9).map(lambda n: f"spotify:episode:e{n}")
_entries = st.lists(
    st.one_of(
        _track_pool.map(entry),
        _track_pool.map(entry),
        _episode_pool.map(entry),
        st.just(entry(None, name="withdrawn")),
        st.integers(0, 5).map(lambda n: local(f"song{n}")),
    ),
    max_size=230,
)


def _saved_of(
    kind: Kind, pool: int, max_size: int, since: datetime
) -> st.SearchStrategy[tuple[SavedItem, ...]]:
    uris = st.lists(
        st.integers(0, pool - 1).map(lambda n: f"spotify:{kind.value}:{kind.value[0]}{n}"),
        unique=True,
        max_size=max_size,
    )
    return uris.map(lambda chosen: saved(*chosen, since=since))


@st.composite
def source_playlists(draw: st.DrawFn) -> tuple[Playlist, ...]:
    count = draw(st.integers(0, 7))
    playlists = []
    for index in range(count):
        relation = draw(st.sampled_from(["owned", "owned", "followed", "collaborator"]))
        name = draw(st.sampled_from(["Road trip", "Chill", "Work mix", "RUN", "Ünïcode ☕"]))
        if relation == "owned":
            cover = draw(st.sampled_from([None, Cover(url=f"{CUSTOM_COVER}s{index}", custom=True),
                                          Cover(url="https://mosaic/x", custom=False)]))
            playlist = owned(
                f"p{index}", name=name, cover=cover,
                public=draw(st.sampled_from([True, False, None])),
                collaborative=draw(st.booleans()), description=draw(st.sampled_from(["", "d"])),
            ).model_copy(update={"entries": tuple(draw(_entries))})
        else:
            playlist = followed(f"f{draw(st.integers(0, 9))}", relation=relation, name=name)
        playlists.append(playlist)
    return tuple(playlists)


@st.composite
def libraries(draw: st.DrawFn, account: str, source: bool = True) -> Library:
    """A source library, or (``source=False``) a target one: saved items dated a year before
    the source's, some followed playlists, and a playlist of its own named like a source one
    (with items and a description of its own, so it is never taken for a copy)."""
    since = EPOCH if source else EPOCH - timedelta(days=365)
    parts: dict[str, object] = {
        "liked_songs": draw(_saved_of(Kind.TRACK, 160, 130, since)),
        "albums": draw(_saved_of(Kind.ALBUM, 30, 20, since)),
        "artists": draw(_saved_of(Kind.ARTIST, 30, 20, since)),
        "shows": draw(_saved_of(Kind.SHOW, 10, 5, since)),
        "episodes": draw(_saved_of(Kind.EPISODE, 10, 5, since)),
        "audiobooks": draw(_saved_of(Kind.AUDIOBOOK, 10, 5, since)),
    }
    if source:
        parts["playlists"] = draw(source_playlists())
    else:
        follows = draw(st.lists(st.integers(0, 9), unique=True, max_size=4))
        mine = owned("mine", ["spotify:track:own1"], name="Chill",
                     description="my own").model_copy(update={"owner_id": account})
        parts["playlists"] = (*(followed(f"f{n}") for n in follows), mine)
    return library(account, **parts)


plan_options = st.builds(
    PlanOptions,
    categories=st.sets(st.sampled_from(list(Category)), min_size=1).map(tuple),
    include_playlists=st.sampled_from([(), ("*",), ("r*",), ("chill", "work*")]),
    exclude_playlists=st.sampled_from([(), ("work*",), ("ÜNÏ*",)]),
    name_prefix=st.sampled_from(["", "[old] "]),
    name_suffix=st.sampled_from(["", " (copy)"]),
    privacy=st.sampled_from(["keep", "public", "private"]),
    preserve_liked_dates=st.booleans(),
    extended_quota=st.booleans(),
)


def saved_uris(library: Library, category: Category) -> list[str]:
    return [item.uri for item in getattr(library, category.value)]


def expected_saved(source: Library, target: Library, category: Category) -> list[str]:
    """What a collection should hold after a transfer: the new items, in the source's order,
    on top of what the target had (below it for followed artists)."""
    had = saved_uris(target, category)
    new = [uri for uri in dict.fromkeys(saved_uris(source, category)) if uri not in had]
    return [*had, *new] if category is Category.ARTISTS else [*new, *had]


def every_page_readable(playlist: Playlist) -> bool:
    """Whether each page of 50 entries holds one that is not unavailable: an owned playlist
    with a page of nothing but unavailable entries is not copied."""
    entries = list(playlist.entries or ())
    return all(any(entry.uri is not None or entry.no_id for entry in entries[start:start + 50])
               for start in range(0, len(entries), 50))


def carried(playlist: Playlist) -> list[str]:
    return [
        e.uri for e in playlist.entries or ()
        if e.uri is not None and not e.is_local and kind_of(e.uri) in (Kind.TRACK, Kind.EPISODE)
    ]

