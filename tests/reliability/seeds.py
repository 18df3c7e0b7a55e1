"""Seeds of the reliability tests: names in many scripts with direction marks, very long
descriptions, a playlist of 10,000 items, an empty library, a log-in without some scopes, a
target that already has a library of its own; and a snapshot built from a seed."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from tests.conftest import SOURCE_USER, TARGET_USER, small_seed
from tests.e2e.seed_expectations import SeedView
from transfer import models
from transfer.sandbox.covers import cover_base64
from transfer.sandbox.seed import (
    Cover,
    LocalFile,
    Playlist,
    PlaylistEntry,
    RefreshToken,
    SandboxSeed,
    SavedRef,
    UserLibrary,
)
from transfer.sandbox.tiny import tiny_seed

RLM, LRM, RLE, PDF, RLI, PDI = "\u200f", "\u200e", "\u202b", "\u202c", "\u2067", "\u2069"
NAMES = [
    ("Любими песни за път", "Песни за дългия път до морето. Лято 2023 — „най-хубавите“."),
    ("أغاني الصيف", f"{RLM}أجمل أغاني الصيف{RLM} للسهر على البحر {LRM}2024{LRM}"),
    (f"{RLE}שירים{PDF} mixed {RLI}عربي{PDI} LTR", "Direction marks: ‏‎‫‬⁧⁩ all kept"),
    ("👩‍👩‍👧‍👦 family 🇧🇬🇸🇦 🏳️‍🌈", "ZWJ sequences, flags and skin tones 👍🏽✌🏿"),
    ("Ünïcödé ñame ﷽ 𝄞", "Combining marks: e\u0301 a\u0308, astral 𝄞, <b>&'\"/ html-like"),
]
LONG_DESCRIPTION = ("Дълго описание — وصف طويل — 🎶 " * 160)[:4000]
LIMITED_TARGET_TOKEN = "sandbox-refresh-alex-new-without-library-modify"
OWN_ID = "plTargetOwn"


def unicode_seed() -> SandboxSeed:
    """The tiny seed plus owned playlists named and described in many scripts, one with a
    4,000-character description and a custom cover."""
    seed = tiny_seed()
    entries = [PlaylistEntry(uri=f"spotify:track:tr{n:02d}", added_at="2021-04-01T10:00:00Z",
                             added_by=SOURCE_USER) for n in (4, 5, 6)]
    playlists = [Playlist(id=f"plScript{number}", owner_id=SOURCE_USER, name=name,
                          description=description, public=number % 2 == 0,
                          entries=entries[: number % 3 + 1])
                 for number, (name, description) in enumerate(NAMES)]
    playlists.append(Playlist(id="plLong", owner_id=SOURCE_USER, name="Long story",
                              description=LONG_DESCRIPTION, cover=Cover(
                                  jpeg_base64=cover_base64(5)), entries=entries))
    seed.playlists.extend(playlists)
    seed.libraries[SOURCE_USER].playlists[:0] = [playlist.id for playlist in playlists]
    return seed


def big_playlist_seed(size: int = 10_000) -> SandboxSeed:
    """The small seed's catalogue and a source account holding one playlist of ``size``
    entries (tracks drawn with repeats, episodes, local files, unavailable tracks) and
    nothing else. Quicker to build than ``generate_seed`` at that size."""
    seed = small_seed()
    rng = random.Random(10_000)
    catalog = seed.catalog
    available = [f"spotify:track:{t.id}" for t in catalog.tracks if t.available]
    withdrawn = [f"spotify:track:{t.id}" for t in catalog.tracks if not t.available]
    episodes = [f"spotify:episode:{e.id}" for e in catalog.episodes]
    local = LocalFile(name="Garage take", artist="Me", album="Tapes", duration_ms=61_000)
    entries = []
    for number in range(size):
        draw = rng.random()
        pool = withdrawn if draw < 0.002 else episodes if draw < 0.01 else available
        common = {"added_at": f"2022-01-01T{number // 3600 % 24:02d}:{number // 60 % 60:02d}:"
                              f"{number % 60:02d}Z", "added_by": SOURCE_USER}
        if draw > 0.999:
            entries.append(PlaylistEntry(local=local, **common))
        else:
            entries.append(PlaylistEntry(uri=rng.choice(pool), **common))
    big = Playlist(id="plTenThousand", owner_id=SOURCE_USER, name="All the things",
                   description="Everything, forever.", public=True, entries=entries)
    seed.playlists.append(big)
    seed.libraries[SOURCE_USER] = UserLibrary(playlists=[big.id])
    return seed


def seed_snapshot(seed: SandboxSeed, user: str = SOURCE_USER) -> models.Library:
    """What an export of ``user`` holds, built from the seed without a request (custom
    covers left out: their addresses are the sandbox's to make)."""
    view = SeedView(seed, user)
    playlists = []
    for seeded in view.listed_playlists():
        relation = view.relation(seeded)
        playlists.append(models.Playlist(
            id=seeded.id, name=seeded.name, description=seeded.description,
            public=seeded.public, collaborative=seeded.collaborative, owner_id=seeded.owner_id,
            relation=relation, total=len(seeded.entries),
            entries=None if relation == "followed" else view.entries(seeded),
        ))

    def saved(kind: str) -> tuple[models.SavedItem, ...]:
        return tuple(models.SavedItem(uri=uri, name=name, added_at=added_at)
                     for uri, name, added_at in view.saved(kind))

    return models.Library(
        exported_at=datetime(2026, 1, 1, tzinfo=UTC), account=models.Account(id=user),
        playlists=tuple(playlists), liked_songs=tuple(view.liked_songs()),
        albums=saved("album"), shows=saved("show"), episodes=saved("episode"),
        audiobooks=saved("audiobook"),
        artists=tuple(models.SavedItem(uri=uri, name=name)
                      for uri, name in view.followed_artists()),
    )


def empty_seed() -> SandboxSeed:
    """The tiny catalogue with a source account that holds nothing at all."""
    seed = tiny_seed()
    seed.libraries[SOURCE_USER] = UserLibrary()
    return seed


def limited_scopes_seed() -> SandboxSeed:
    """The tiny seed with a second log-in of the target that may not save to its library."""
    seed = tiny_seed()
    full = next(token for token in seed.refresh_tokens if token.user_id == TARGET_USER)
    seed.refresh_tokens.append(RefreshToken(
        token=LIMITED_TARGET_TOKEN, user_id=TARGET_USER,
        scopes=[scope for scope in full.scopes if scope not in
                ("user-library-modify", "user-follow-modify")],
    ))
    return seed


def seed_with_a_target_library() -> SandboxSeed:
    """The tiny seed; the target already has a liked song, an album, an artist, a followed
    playlist and a playlist of its own named like one of the source's."""
    seed = tiny_seed()
    seed.playlists.append(Playlist(id=OWN_ID, owner_id=TARGET_USER, name="Road trip 🚗",
                                   entries=[PlaylistEntry(uri="spotify:track:tr11",
                                                          added_at="2020-01-01T00:00:00Z",
                                                          added_by=TARGET_USER)]))
    seed.libraries[TARGET_USER] = UserLibrary(
        tracks=[SavedRef(id="tr05", added_at="2020-02-02T00:00:00Z")],
        albums=[SavedRef(id="al2", added_at="2020-02-02T00:00:00Z")],
        artists=["ar2"], playlists=[OWN_ID, "plMika"])
    return seed
