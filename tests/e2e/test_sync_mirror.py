"""``sync --mirror`` against the sandbox: what the source took out is taken out of the target,
but only what the tool added there; what the target had before and what its user added stay;
a mirror that would remove too much, or follows an emptied source, is refused unless forced."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.e2e.sync_support import (
    SyncWorld,
    assert_in_step,
    make_sync_world,
    owned_playlists,
    unsaved,
)
from transfer.config import Settings
from transfer.models import Kind, uri_of
from transfer.sandbox.seed import Playlist as SeedPlaylist
from transfer.sandbox.seed import SandboxSeed, SavedRef, UserLibrary
from transfer.sandbox.server import SandboxServer
from transfer.sync.job import MirrorRefused

pytestmark = pytest.mark.e2e

OWN_ID = "targetsown0000000000001"


def _seed() -> SandboxSeed:
    """The small seed, with a target that already has some of the source's items, one item
    the source does not have, and a playlist of its own."""
    seed = small_seed()
    source = seed.libraries[SOURCE_USER]
    extra_track = next(t.id for t in seed.catalog.tracks
                       if t.available and t.id not in {r.id for r in source.tracks})
    seed.playlists.append(SeedPlaylist(id=OWN_ID, owner_id=TARGET_USER, name="Mine"))
    seed.libraries[TARGET_USER] = UserLibrary(
        tracks=[*source.tracks[:3], SavedRef(id=extra_track, added_at="2020-01-01T00:00:00Z")],
        albums=source.albums[:1], artists=source.artists[:1], playlists=[OWN_ID],
    )
    return seed


@pytest.fixture
def world(point_at: Callable[[SandboxServer], Settings]) -> Iterator[SyncWorld]:
    with SandboxServer(_seed(), port=0) as server:
        world = make_sync_world(server, point_at)
        world.sync()
        server.request_log.reset()
        yield world


def _uris(refs: list[SavedRef], kind: Kind) -> list[str]:
    return [uri_of(kind, ref.id) for ref in refs]


def test_a_mirror_takes_out_what_the_source_took_out_and_nothing_else(world: SyncWorld) -> None:
    before = world.state()
    had = _seed().libraries[TARGET_USER]
    source_library = before.libraries[SOURCE_USER]
    source = world.source()
    owned = owned_playlists(before)
    deleted, trimmed = owned[0], next(p for p in owned[1:] if len(p.entries) > 3)
    followed = next(pid for pid in source_library.playlists
                    if pid not in {p.id for p in owned})
    taken_out = [
        *_uris(source_library.tracks[:1], Kind.TRACK),      # the target had it before
        *_uris(source_library.tracks[-2:], Kind.TRACK),     # the tool saved these
        *_uris(source_library.albums[-1:], Kind.ALBUM),
        *_uris(source_library.shows[-1:], Kind.SHOW),
        *_uris(source_library.episodes[-1:], Kind.EPISODE),
        *_uris(source_library.audiobooks[-1:], Kind.AUDIOBOOK),
        uri_of(Kind.ARTIST, source_library.artists[-1]),
        uri_of(Kind.PLAYLIST, followed),
        uri_of(Kind.PLAYLIST, deleted.id),                  # the source deletes its playlist
    ]
    source.remove_from_library(taken_out)
    trimmed_uri = next(e.uri for e in trimmed.entries if e.uri and e.uri.startswith("spotify:t"))
    source.remove_items(trimmed.id, [trimmed_uri])
    user_saves = [*unsaved(before, "tracks", 1), *unsaved(before, "artists", 1)]
    world.target().save_to_library(user_saves)               # the target's user adds these

    plain = world.sync()
    assert plain.changes.removed == 0, "a sync without --mirror removes nothing"
    tally = world.sync(mirror=True)

    after = world.state()
    links = world.links()
    assert deleted.id not in links, "the copy of a deleted playlist is removed and forgotten"
    target = after.libraries[TARGET_USER]
    had.tracks.extend(SavedRef(id=uri.split(":")[2], added_at="") for uri in user_saves[:1])
    had.artists.append(user_saves[1].split(":")[2])
    assert_in_step(after, links, exact=had)
    assert source_library.tracks[0].id in {ref.id for ref in target.tracks}, "had before"
    assert OWN_ID in target.playlists
    assert tally.changes.removed == len(taken_out) - 1 + 1, "all but the one it had; 1 entry"
    assert world.sync(mirror=True).changes.empty, "a second mirror finds nothing more"


def test_a_copy_changed_in_the_target_is_left_alone(world: SyncWorld) -> None:
    state = world.state()
    trimmed = next(p for p in owned_playlists(state) if len(p.entries) > 3)
    copy_id = world.links()[trimmed.id].target_playlist_id
    mine = unsaved(state, "tracks", 1)
    world.target().add_items(copy_id, mine)
    world.source().remove_items(trimmed.id, [next(e.uri for e in trimmed.entries if e.uri)])
    world.sync(mirror=True)
    copy = next(p for p in world.state().playlists if p.id == copy_id)
    assert copy.entries[-1].uri == mine[0] and len(copy.entries) == len(trimmed.entries) + 1
    world.server.request_log.reset()
    world.sync(mirror=True)
    reads = world.server.request_log.counts()
    assert not reads[("GET", "/playlists/{playlist_id}/items")], "looked at once, not each time"
    assert world.server.request_log.api_total() <= 10


def test_removing_too_much_is_refused_unless_forced(world: SyncWorld) -> None:
    library = world.state().libraries[SOURCE_USER]
    gone = _uris(library.tracks[-40:], Kind.TRACK)
    world.source().remove_from_library(gone)
    world.server.request_log.reset()
    with pytest.raises(MirrorRefused, match="more than the 5% allowed"):
        world.job(max_removal_share=0.05, mirror=True).run()
    assert world.server.request_log.writes() == 0
    tally = world.job(max_removal_share=0.05, mirror=True, force=True).run()
    assert tally.changes.removed == len(gone)
    held = {ref.id for ref in world.state().libraries[TARGET_USER].tracks}
    assert not held & {uri.split(":")[2] for uri in gone}


def test_an_emptied_source_is_refused_unless_forced(world: SyncWorld) -> None:
    albums = world.state().libraries[SOURCE_USER].albums
    world.source().remove_from_library(_uris(albums, Kind.ALBUM))
    with pytest.raises(MirrorRefused, match="emptied"):
        world.sync(mirror=True)
    world.sync(mirror=True, force=True)
    target = world.state().libraries[TARGET_USER]
    assert [ref.id for ref in target.albums] == [albums[0].id], "only what it had before"


def test_items_taken_out_of_a_playlist_stay_until_a_mirror(world: SyncWorld) -> None:
    state = world.state()
    trimmed = next(p for p in owned_playlists(state) if len(p.entries) > 3)
    first = next(e.uri for e in trimmed.entries if e.uri)
    new = unsaved(state, "tracks", 1)
    world.source().remove_items(trimmed.id, [first])
    world.source().add_items(trimmed.id, new)
    world.sync()
    copy_id = world.links()[trimmed.id].target_playlist_id
    copy = next(p for p in world.state().playlists if p.id == copy_id)
    uris = [entry.uri for entry in copy.entries]
    assert first in uris and uris[-1] == new[0], "kept, and the new one appended"
    world.server.request_log.reset()
    world.sync()
    assert world.server.request_log.writes() == 0, "nothing more to do without --mirror"
    world.sync(mirror=True)
    assert_in_step(world.state(), world.links())
