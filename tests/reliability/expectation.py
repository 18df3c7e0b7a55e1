"""The one check every reliability run ends with: the target account, read back through an
export, is exactly what "what moved correctly means" (``PRODUCT.md``) asks, computed from the
sandbox seed as it was before the run, never from the tool's journal or plan.

Both sides are reduced to a :class:`TargetView`: the playlist list in order (a copy by its
details, items and cover bytes; a followed playlist by its id; a playlist the target already had
as the seed holds it), and each saved collection oldest first. Equal views mean nothing is
missing, nothing is doubled (a second copy or a repeated batch of items shows), the order is
kept, and what the target had is untouched. Default transfer options are assumed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, make_adapter
from tests.e2e.seed_expectations import SeedView
from transfer.config import Settings
from transfer.export import read_library
from transfer.models import Library, Playlist
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import Playlist as SeedPlaylist
from transfer.sandbox.seed import SandboxSeed
from transfer.sandbox.server import SandboxServer

SAVED_KINDS = ("albums", "shows", "episodes", "audiobooks")


@dataclass(frozen=True)
class PlaylistView:
    """One playlist of the target as far as a transfer is judged. ``id`` is None for a copy
    the transfer created (its id is Spotify's choice); ``items`` and ``cover`` only for
    playlists the target owns."""

    relation: str
    id: str | None
    name: str = ""
    description: str = ""
    public: bool | None = None
    collaborative: bool = False
    items: tuple[str | None, ...] = ()
    cover: str | None = None


@dataclass(frozen=True)
class TargetView:
    playlists: tuple[PlaylistView, ...]
    liked_songs: tuple[str, ...]
    albums: tuple[str, ...]
    shows: tuple[str, ...]
    episodes: tuple[str, ...]
    audiobooks: tuple[str, ...]
    artists: tuple[str, ...]


# -- what the target must hold --------------------------------------------------------------


def expected_target(before: SandboxSeed, source: str = SOURCE_USER, target: str = TARGET_USER
                    ) -> TargetView:
    """The target after a complete transfer with default options, from the seed before it."""
    view = SeedView(before, source)
    had = SeedView(before, target) if target in before.libraries else None
    had_ids = list(had.library.playlists) if had else []
    new = []
    for seeded in view.listed_playlists():
        if seeded.owner_id == source:
            new.append(_copy_of(view, seeded))
        elif seeded.id not in had_ids:
            new.append(PlaylistView("followed", seeded.id))
    kept = [_as_held(had, had.playlists[pid]) for pid in had_ids] if had else []
    source_library = view.library
    target_library = had.library if had else None

    def saved(kind: str) -> tuple[str, ...]:
        prefix = "track" if kind == "tracks" else kind[:-1]
        before_ids = [ref.id for ref in getattr(target_library, kind)] if target_library else []
        wanted = [ref.id for ref in getattr(source_library, kind) if ref.id not in before_ids]
        return tuple(f"spotify:{prefix}:{item_id}" for item_id in [*before_ids, *wanted])

    had_artists = list(target_library.artists) if target_library else []
    artists = [*had_artists, *(a for a in source_library.artists if a not in had_artists)]
    return TargetView(
        playlists=(*new, *kept),
        liked_songs=saved("tracks"),
        artists=tuple(f"spotify:artist:{artist}" for artist in artists),
        **{kind: saved(kind) for kind in SAVED_KINDS},
    )


def _copy_of(view: SeedView, seeded: SeedPlaylist) -> PlaylistView:
    movable = tuple(entry.uri for entry in view.entries(seeded)
                    if entry.uri is not None and not entry.is_local)
    return PlaylistView(
        relation="owned", id=None, name=seeded.name, description=seeded.description,
        public=seeded.public and not seeded.collaborative, collaborative=seeded.collaborative,
        items=movable, cover=seeded.cover.jpeg_base64 if seeded.cover else None,
    )


def _as_held(view: SeedView, seeded: SeedPlaylist, copy: bool = False) -> PlaylistView:
    """A playlist as ``view``'s user sees it; ``copy``: one whose id is Spotify's choice."""
    relation = view.relation(seeded)
    if relation == "followed":
        return PlaylistView("followed", seeded.id)
    return PlaylistView(
        relation=relation, id=None if copy else seeded.id, name=seeded.name,
        description=seeded.description, public=seeded.public, collaborative=seeded.collaborative,
        items=tuple(entry.uri for entry in view.entries(seeded)),
        cover=seeded.cover.jpeg_base64 if seeded.cover and relation == "owned" else None,
    )


# -- what the target holds ------------------------------------------------------------------


def exported_view(library: Library, had_playlist_ids: set[str],
                  collaborating_ids: frozenset[str] = frozenset()) -> TargetView:
    """An export of the target reduced like the expectation. Playlists of the target not in
    ``had_playlist_ids`` are taken for copies the transfer made; others' playlists are
    compared by id, with their items only where the seed has the target collaborate
    (``collaborating_ids``): an Extended-Quota app is sent the items summary of every
    playlist, so the export takes any collaborative playlist for one the user works on."""
    return TargetView(
        playlists=tuple(_exported(playlist, had_playlist_ids, collaborating_ids)
                        for playlist in library.playlists),
        liked_songs=tuple(item.uri for item in reversed(library.liked_songs)),
        artists=tuple(item.uri for item in library.artists),
        **{kind: tuple(item.uri for item in reversed(getattr(library, kind)))
           for kind in SAVED_KINDS},
    )


def _exported(playlist: Playlist, had: set[str], collaborating: frozenset[str]
              ) -> PlaylistView:
    if playlist.relation == "followed" or (
            playlist.relation == "collaborator" and playlist.id not in collaborating):
        return PlaylistView("followed", playlist.id)
    cover = playlist.cover.jpeg_base64 if playlist.cover and playlist.cover.custom else None
    return PlaylistView(
        relation=playlist.relation, id=playlist.id if playlist.id in had else None,
        name=playlist.name, description=playlist.description, public=playlist.public,
        collaborative=playlist.collaborative,
        items=tuple(entry.uri for entry in playlist.entries or ()), cover=cover,
    )


def state_view(after: SandboxSeed, had_playlist_ids: set[str], target: str = TARGET_USER
               ) -> TargetView:
    """The target as the sandbox's state holds it, reduced like an export (no API call: for
    libraries too big to export quickly in CI)."""
    view = SeedView(after, target)
    library = view.library

    def saved(kind: str) -> tuple[str, ...]:
        prefix = "track" if kind == "tracks" else kind[:-1]
        return tuple(f"spotify:{prefix}:{ref.id}" for ref in getattr(library, kind))

    return TargetView(
        playlists=tuple(_as_held(view, playlist, copy=playlist.id not in had_playlist_ids)
                        for playlist in view.listed_playlists()),
        liked_songs=saved("tracks"),
        artists=tuple(f"spotify:artist:{artist}" for artist in library.artists),
        **{kind: saved(kind) for kind in SAVED_KINDS},
    )


def read_target(server: SandboxServer, home: Path) -> Library:
    """Export the target account through the tool's own reading code, logged in under a home
    of the checker's (the tool's home and tokens are left alone). Its reads go to the request
    log like any others: count a run's calls before checking it."""
    settings = Settings(api_url=server.api_url, accounts_url=server.accounts_url,
                        client_id=server.client_id, home=home)
    log_in_headless(settings, server, {"target": TARGET_USER})
    return read_library(make_adapter(settings, "target", []))


def assert_target_exact(server: SandboxServer, before: SandboxSeed, home: Path,
                        through_export: bool = True) -> None:
    """The target holds exactly what a complete transfer of ``before`` must leave there, as
    an export of it shows (or, ``through_export`` False, as the sandbox's state holds it).
    Switches the sandbox's faults off first: the check itself must not be disturbed; and
    waits out the latency a request the tool gave up on may still be sleeping through, so
    that a write landing late is seen."""
    slowest = server.faults.latency + server.faults.latency_jitter
    if slowest > 0:
        time.sleep(slowest + 0.1)
    server.set_faults(Faults())
    server.reset_rate_limit()
    server.reset_quota()
    had = before.libraries.get(TARGET_USER)
    had_ids = set(had.playlists) if had else set()
    expected = expected_target(before)
    if through_export:
        collaborating = frozenset(playlist.id for playlist in before.playlists
                                  if TARGET_USER in playlist.collaborator_ids)
        actual = exported_view(read_target(server, home), had_ids, collaborating)
    else:
        actual = state_view(server.state.dump(), had_ids)
    problems = differences(expected, actual)
    assert not problems, "the target is not as expected:\n" + "\n".join(problems)


def differences(expected: TargetView, actual: TargetView) -> list[str]:
    """What differs, one line each, short enough to read in a failed test."""
    problems = []
    if len(expected.playlists) != len(actual.playlists):
        problems.append(f"playlists: {len(actual.playlists)} instead of "
                        f"{len(expected.playlists)}: "
                        f"{_names(actual.playlists)} instead of {_names(expected.playlists)}")
    for number, (want, have) in enumerate(zip(expected.playlists, actual.playlists,
                                              strict=False)):
        if want != have:
            problems.append(f"playlist {number} ({want.name or want.id}): "
                            f"{_field_differences(want, have)}")
    for kind in ("liked_songs", *SAVED_KINDS, "artists"):
        want_items, have_items = getattr(expected, kind), getattr(actual, kind)
        if want_items != have_items:
            missing = len(set(want_items) - set(have_items))
            extra = len(set(have_items) - set(want_items))
            problems.append(f"{kind}: {len(have_items)} instead of {len(want_items)} "
                            f"({missing} missing, {extra} extra, order differs: "
                            f"{not missing and not extra})")
    return problems


def _names(playlists: tuple[PlaylistView, ...]) -> list[str]:
    return [playlist.name or str(playlist.id) for playlist in playlists]


def _field_differences(want: PlaylistView, have: PlaylistView) -> str:
    parts = []
    for name in ("relation", "id", "name", "description", "public", "collaborative", "cover"):
        if getattr(want, name) != getattr(have, name):
            parts.append(f"{name} {str(getattr(have, name))[:60]!r} instead of "
                         f"{str(getattr(want, name))[:60]!r}")
    if want.items != have.items:
        same = sorted(map(str, want.items)) == sorted(map(str, have.items))
        parts.append(f"{len(have.items)} items instead of {len(want.items)} "
                     f"(the same items in another order: {same})")
    return "; ".join(parts)
