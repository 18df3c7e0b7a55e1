"""The built-in seed and the seed generator: valid, deterministic, and holding every tricky case."""

from __future__ import annotations

import base64
import io
import itertools
import re
import time
import unicodedata
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from PIL import Image

from transfer.sandbox.builtin import (
    ALL_SCOPES,
    REDIRECT_URIS,
    SOURCE_USER,
    TARGET_USER,
    builtin_facts,
    builtin_seed,
    describe,
    generate_seed,
)
from transfer.sandbox.seed import Playlist, SandboxSeed

BASE62_ID = re.compile(r"^[0-9A-Za-z]{22}$")


@pytest.fixture(scope="module")
def seed() -> SandboxSeed:
    return builtin_seed()


def _owned(seed: SandboxSeed, user: str = SOURCE_USER) -> list[Playlist]:
    return [playlist for playlist in seed.playlists if playlist.owner_id == user]


def _all_text(seed: SandboxSeed) -> str:
    texts = [p.name + " " + p.description for p in _owned(seed)]
    return " ".join(texts)


# validity -----------------------------------------------------------------------------------


def test_builtin_seed_survives_a_json_round_trip(seed: SandboxSeed) -> None:
    assert SandboxSeed.model_validate_json(seed.model_dump_json()) == seed


def test_every_reference_in_the_seed_resolves(seed: SandboxSeed) -> None:
    catalog = seed.catalog
    artists = {artist.id for artist in catalog.artists}
    albums = {album.id for album in catalog.albums}
    shows = {show.id for show in catalog.shows}
    users = {user.id for user in seed.users}
    playable = {f"spotify:track:{t.id}" for t in catalog.tracks} | {
        f"spotify:episode:{e.id}" for e in catalog.episodes
    }
    assert all(set(album.artist_ids) <= artists for album in catalog.albums)
    assert all(set(t.artist_ids) <= artists and t.album_id in albums for t in catalog.tracks)
    assert all(episode.show_id in shows for episode in catalog.episodes)
    for playlist in seed.playlists:
        assert playlist.owner_id in users
        assert set(playlist.collaborator_ids) <= users
        for entry in playlist.entries:
            assert (entry.uri is None) != (entry.local is None)
            assert entry.uri is None or entry.uri in playable
            assert entry.added_by in users
    playlist_ids = {playlist.id for playlist in seed.playlists}
    kinds: dict[str, list[Any]] = {
        "tracks": catalog.tracks, "albums": catalog.albums, "shows": catalog.shows,
        "episodes": catalog.episodes, "audiobooks": catalog.audiobooks,
    }
    for user, library in seed.libraries.items():
        assert user in users
        for kind, items in kinds.items():
            known = {item.id for item in items}
            assert {saved.id for saved in getattr(library, kind)} <= known, kind
        assert set(library.artists) <= artists
        assert set(library.playlists) <= playlist_ids


def test_ids_are_unique_22_character_base62(seed: SandboxSeed) -> None:
    catalog = seed.catalog
    groups: list[list[Any]] = [
        catalog.artists, catalog.albums, catalog.tracks, catalog.shows, catalog.episodes,
        catalog.audiobooks, seed.playlists,
    ]
    for group in groups:
        ids = [item.id for item in group]
        assert all(BASE62_ID.match(item_id) for item_id in ids)
        assert len(set(ids)) == len(ids)


def test_timestamps_are_iso_8601_utc(seed: SandboxSeed) -> None:
    stamps = [saved.added_at for saved in seed.libraries[SOURCE_USER].tracks]
    stamps += [entry.added_at for playlist in seed.playlists for entry in playlist.entries]
    for stamp in stamps:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
        datetime.fromisoformat(stamp)


# determinism and cost -----------------------------------------------------------------------


def test_the_generator_is_deterministic() -> None:
    assert generate_seed(liked=300, playlists=8, rng_seed=7) == generate_seed(
        liked=300, playlists=8, rng_seed=7
    )
    assert generate_seed(liked=300, playlists=8, rng_seed=7) != generate_seed(
        liked=300, playlists=8, rng_seed=8
    )


def test_builtin_seed_is_the_default_generation(seed: SandboxSeed) -> None:
    assert generate_seed() == seed


def test_builtin_seed_hands_out_independent_copies() -> None:
    first = builtin_seed()
    first.playlists.clear()
    first.libraries[SOURCE_USER].tracks.clear()
    second = builtin_seed()
    assert second.playlists
    assert second.libraries[SOURCE_USER].tracks


def test_builtin_seed_is_cheap_once_built() -> None:
    builtin_seed()
    started = time.perf_counter()
    builtin_seed()
    assert time.perf_counter() - started < 1.0


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        generate_seed(liked=-1)


# accounts and app ---------------------------------------------------------------------------


def test_accounts_app_and_tokens(seed: SandboxSeed) -> None:
    users = {user.id: user.display_name for user in seed.users}
    assert users[SOURCE_USER] == "Alex (old account)"
    assert users[TARGET_USER] == "Alex"
    assert {"spotify", "sam.k", "mika"} <= users.keys()
    assert seed.app.client_id == "sandbox-client-id"
    assert seed.app.redirect_uris == list(REDIRECT_URIS)
    assert seed.app.allowed_user_ids == [SOURCE_USER, TARGET_USER, "sam.k", "mika"]
    tokens = {token.token: token for token in seed.refresh_tokens}
    assert tokens["sandbox-refresh-alex-old"].user_id == SOURCE_USER
    assert tokens["sandbox-refresh-alex-new"].user_id == TARGET_USER
    for token in tokens.values():
        assert set(token.scopes) == set(ALL_SCOPES)
    assert len(ALL_SCOPES) == 11


def test_the_new_account_starts_empty(seed: SandboxSeed) -> None:
    library = seed.libraries[TARGET_USER]
    assert library.model_dump() == type(library)().model_dump()
    assert not _owned(seed, TARGET_USER)


# the source library -------------------------------------------------------------------------


def test_liked_songs_are_many_with_distinct_increasing_dates_over_years(
    seed: SandboxSeed,
) -> None:
    liked = seed.libraries[SOURCE_USER].tracks
    assert 1500 <= len(liked) <= 2500
    moments = [datetime.fromisoformat(saved.added_at) for saved in liked]
    assert all(a < b for a, b in itertools.pairwise(moments))
    minutes = {moment.replace(second=0) for moment in moments}
    assert len(minutes) == len(moments)
    assert (moments[-1] - moments[0]).days > 3 * 365
    assert len({saved.id for saved in liked}) == len(liked)


def test_saved_collection_sizes(seed: SandboxSeed) -> None:
    library = seed.libraries[SOURCE_USER]
    assert 130 <= len(library.albums) <= 170
    assert 100 <= len(library.artists) <= 140
    assert 15 <= len(library.shows) <= 25
    assert 50 <= len(library.episodes) <= 70
    assert 8 <= len(library.audiobooks) <= 12


def test_owned_playlists_cover_every_size_boundary(seed: SandboxSeed) -> None:
    sizes = [len(playlist.entries) for playlist in _owned(seed)]
    assert 25 <= len(sizes) <= 40
    for boundary in (0, 1, 50, 51, 100, 101):
        assert boundary in sizes, boundary
    assert any(200 <= size < 1000 for size in sizes)
    assert any(size > 1000 for size in sizes)


def test_owned_playlists_vary_in_description_visibility_and_cover(seed: SandboxSeed) -> None:
    owned = _owned(seed)
    assert any(p.description == "" for p in owned)
    assert any(len(p.description) >= 250 for p in owned)
    assert all(len(p.description) <= 300 for p in owned)
    assert {p.public for p in owned} == {True, False}
    with_cover = [p for p in owned if p.cover]
    assert 3 <= len(with_cover) < len(owned)


def test_custom_covers_are_small_decodable_baseline_jpegs(seed: SandboxSeed) -> None:
    covers = [p.cover for p in seed.playlists if p.cover]
    assert len({cover.jpeg_base64 for cover in covers}) == len(covers)
    for cover in covers:
        data = base64.b64decode(cover.jpeg_base64, validate=True)
        assert len(data) < 256 * 1024
        assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
        assert b"\xff\xc0" in data  # SOF0: baseline
        image = Image.open(io.BytesIO(data))
        image.load()
        assert image.format == "JPEG" and image.size == (64, 64)


def test_collaborative_playlist_owned_by_the_source_has_entries_by_another_user(
    seed: SandboxSeed,
) -> None:
    collaborative = [p for p in _owned(seed) if p.collaborative]
    assert collaborative
    for playlist in collaborative:
        assert not playlist.public
        adders = {entry.added_by for entry in playlist.entries}
        assert SOURCE_USER in adders and adders - {SOURCE_USER}
        assert adders - {SOURCE_USER} <= set(playlist.collaborator_ids)


def test_playlists_hold_duplicates_episodes_local_files_and_withdrawn_tracks(
    seed: SandboxSeed,
) -> None:
    withdrawn = {f"spotify:track:{t.id}" for t in seed.catalog.tracks if not t.available}
    owned = _owned(seed)
    entries = [entry for playlist in owned for entry in playlist.entries]
    assert any(max(Counter(e.uri for e in p.entries if e.uri).values(), default=1) > 1
               for p in owned)
    assert any(e.uri and e.uri.startswith("spotify:episode:") for e in entries)
    assert all(p.entries and all((e.uri or "").startswith("spotify:episode:") for e in p.entries)
               for p in owned if p.name == "Podcasts to finish")
    assert sum(e.local is not None for e in entries) >= 5
    assert sum(e.uri in withdrawn for e in entries) >= 3
    liked = {f"spotify:track:{saved.id}" for saved in seed.libraries[SOURCE_USER].tracks}
    assert len(liked & {e.uri for e in entries}) > 100
    assert not liked & withdrawn


def test_followed_playlists_of_others_and_the_collaboration(seed: SandboxSeed) -> None:
    by_id = {playlist.id: playlist for playlist in seed.playlists}
    listed = [by_id[pid] for pid in seed.libraries[SOURCE_USER].playlists]
    others = [p for p in listed if p.owner_id != SOURCE_USER]
    assert {"spotify", "sam.k", "mika"} <= {p.owner_id for p in others}
    member_of = [p for p in others if SOURCE_USER in p.collaborator_ids]
    assert [p.owner_id for p in member_of] == ["mika"]
    assert member_of[0].collaborative and member_of[0].entries
    assert {e.added_by for e in member_of[0].entries} == {"mika", SOURCE_USER}
    unlisted = [p for p in seed.playlists if p.id not in {q.id for q in listed}]
    assert {p.owner_id for p in unlisted} <= {"spotify", "sam.k", "mika"}
    assert all(p.entries for p in others)


def test_names_and_descriptions_use_several_scripts_and_emoji(seed: SandboxSeed) -> None:
    text = _all_text(seed)
    names = {unicodedata.name(ch, "").split(" ")[0] for ch in text}
    for script in ("CYRILLIC", "ARABIC", "GREEK", "HIRAGANA", "CJK"):
        assert script in names, script
    assert any(unicodedata.category(ch) == "So" and ord(ch) > 0x1F000 for ch in text)
    assert any(unicodedata.bidirectional(ch) == "AL" for ch in text)  # right-to-left


def test_other_users_own_their_playlists(seed: SandboxSeed) -> None:
    for friend in ("sam.k", "mika"):
        listed = set(seed.libraries[friend].playlists)
        assert {p.id for p in _owned(seed, friend)} <= listed
    assert _owned(seed, "spotify")
    assert "spotify" not in seed.app.allowed_user_ids


# facts --------------------------------------------------------------------------------------


def test_facts_are_computed_from_the_seed(seed: SandboxSeed) -> None:
    facts = builtin_facts()
    assert facts == describe(seed, SOURCE_USER)
    assert facts.liked_songs == len(seed.libraries[SOURCE_USER].tracks)
    assert len(facts.owned_playlist_ids) == len(_owned(seed))
    assert facts.empty_playlist_ids and facts.duplicate_playlist_ids
    assert facts.episode_playlist_ids and facts.local_file_playlist_ids
    assert facts.unavailable_playlist_ids and facts.custom_cover_playlist_ids
    assert len(facts.collaborating_playlist_ids) == 1
    assert facts.editorial_playlist_ids
    assert facts.largest_playlist_id is not None
    assert facts.playlist_sizes[facts.largest_playlist_id] > 1000
    assert 3000 <= facts.total_items <= 9000


def test_facts_of_an_unknown_user_are_refused(seed: SandboxSeed) -> None:
    with pytest.raises(ValueError, match="no library"):
        describe(seed, "nobody")


# scaling ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("liked", "playlists"), [(0, 0), (200, 5), (5000, 120)])
def test_sizes_scale_as_asked(liked: int, playlists: int) -> None:
    seed = generate_seed(liked=liked, playlists=playlists, big_playlist=0, rng_seed=1)
    facts = describe(seed, SOURCE_USER)
    assert facts.liked_songs == liked
    assert len(facts.owned_playlist_ids) == playlists
    assert SandboxSeed.model_validate_json(seed.model_dump_json()) == seed


def test_a_ten_thousand_item_playlist() -> None:
    seed = generate_seed(liked=100, playlists=3, big_playlist=10_000, rng_seed=2)
    facts = describe(seed, SOURCE_USER)
    assert len(facts.owned_playlist_ids) == 3
    assert facts.largest_playlist_id is not None
    assert facts.playlist_sizes[facts.largest_playlist_id] == 10_000
    big = next(p for p in seed.playlists if p.id == facts.largest_playlist_id)
    moments = [entry.added_at for entry in big.entries]
    assert moments == sorted(moments)
    assert len({e.uri for e in big.entries if e.uri}) > 9_900
