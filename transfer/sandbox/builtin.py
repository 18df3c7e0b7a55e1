"""The built-in sandbox library, and a generator of libraries of any size.

``builtin_seed()`` is the library behind ``spotify-transfer demo`` and most end-to-end tests:
an old account ``alex.old`` holding a realistic library of a few thousand items with every case
a transfer must handle, an empty new account ``alex.new``, Spotify's editorial account and two
friends who own followed and collaborative playlists. ``generate_seed(...)`` builds the same
shape at any size (benchmarks ask for tens of thousands of items). Both are deterministic: all
randomness comes from one seeded ``random.Random`` and no clock is read.

``builtin_facts()`` describes the built-in seed (counts, which playlist holds which case),
computed from the seed itself so tests never rely on hand-kept numbers.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

from transfer.sandbox import wordlists as words
from transfer.sandbox.catalog_builder import CatalogBuilder, increasing_times, timestamp
from transfer.sandbox.covers import cover_base64
from transfer.sandbox.seed import (
    App,
    Cover,
    LocalFile,
    Playlist,
    PlaylistEntry,
    RefreshToken,
    SandboxSeed,
    SavedRef,
    User,
    UserLibrary,
)
from transfer.sandbox.seed_facts import SeedFacts, describe

__all__ = [
    "ALL_SCOPES",
    "CLIENT_ID",
    "EDITORIAL_USER",
    "FRIEND_USERS",
    "READ_SCOPES",
    "REDIRECT_URIS",
    "REFRESH_TOKENS",
    "SOURCE_USER",
    "TARGET_USER",
    "WRITE_SCOPES",
    "SeedFacts",
    "builtin_facts",
    "builtin_seed",
    "describe",
    "generate_seed",
]

SOURCE_USER = "alex.old"
TARGET_USER = "alex.new"
EDITORIAL_USER = "spotify"
FRIEND_USERS = ("sam.k", "mika")
CLIENT_ID = "sandbox-client-id"
REDIRECT_URIS = ("http://127.0.0.1:8888/callback", "http://127.0.0.1:43019/callback")
READ_SCOPES = (
    "user-read-private",
    "playlist-read-private",
    "playlist-read-collaborative",
    "user-library-read",
    "user-follow-read",
    "user-read-playback-position",
)
WRITE_SCOPES = (
    "playlist-modify-public",
    "playlist-modify-private",
    "ugc-image-upload",
    "user-library-modify",
    "user-follow-modify",
)
ALL_SCOPES = READ_SCOPES + WRITE_SCOPES
REFRESH_TOKENS = {
    SOURCE_USER: "sandbox-refresh-alex-old",
    TARGET_USER: "sandbox-refresh-alex-new",
}

_USERS = (
    User(id=SOURCE_USER, display_name="Alex (old account)"),
    User(id=TARGET_USER, display_name="Alex"),
    User(id=EDITORIAL_USER, display_name="Spotify"),
    User(id="sam.k", display_name="Sam K."),
    User(id="mika", display_name="Mika"),
)
_START = datetime(2016, 3, 1, 9, 30, tzinfo=UTC)
_END = datetime(2026, 10, 1, 18, 0, tzinfo=UTC)
# Spotify shows at most 300 characters of a playlist description; one playlist uses them all.
_LONG_DESCRIPTION = (
    "Everything I listened to on the night bus between Sofia, Thessaloniki and Istanbul, "
    "in the order I found it: long instrumentals for border crossings, loud things for "
    "the ferry, podcasts for when the battery was low, and songs strangers played on "
    "their phones at 3 a.m. Never delete, never shuffle."
)

Pending = str | LocalFile  # a catalogue URI or a local file, before dates are assigned


@dataclass(frozen=True)
class _Recipe:
    """What one playlist holds: its size and how many entries of each tricky kind."""

    name: str
    size: int
    description: str = ""
    public: bool = False
    cover: bool = False
    duplicates: int = 0
    episodes: int = 0
    local: int = 0
    unavailable: int = 0
    from_liked: bool = False
    collaborator: str | None = None


def _special_recipes(big_playlist: int) -> list[_Recipe]:
    """The owned playlists that carry the tricky cases, in the order they are kept."""
    recipes = [
        _Recipe("Empty for now", 0),
        _Recipe("One song", 1, "Just this one.", public=True),
        _Recipe("Top 50 of 2019", 50, "My most played songs of 2019.", public=True, cover=True),
        _Recipe("51 Shades of Blue", 51, "Blues, and things that feel like it."),
        _Recipe("100 Road Songs", 100, "Exactly one hundred.", public=True),
        _Recipe("101 Dancefloor Fillers", 101, ""),
        _Recipe("Road Trip 🚗", 74, "Windows down.", public=True, cover=True, duplicates=6),
        _Recipe("Podcasts to finish", 12, "Episodes I keep meaning to get back to.", episodes=12),
        _Recipe("Songs & stories", 30, "Music with a few episodes in between.", episodes=8),
        _Recipe("Old CD rips", 24, "From the shoebox of CDs.", local=6),
        _Recipe("Forgotten favourites", 40, "Some of these are gone now.", unavailable=4),
        _Recipe(
            "Shared with Sam", 60, "Both of us add here.", cover=True, collaborator="sam.k"
        ),
        _Recipe("Любими песни за път", 35, "Песни за дългия път до морето. Лято 2023."),
        _Recipe("أغاني الصيف", 28, "أجمل أغاني الصيف للسهر على البحر", public=True),
        _Recipe("夜のドライブ", 45, "夜の高速道路で聴きたい曲", cover=True),
        _Recipe("Καλοκαίρι στην Κρήτη", 33, "Τραγούδια για τα καλοκαίρια στην Κρήτη."),
        _Recipe("🔥 Gym 💪", 55, "💯 no skips 🏋️", public=True),
        _Recipe("Night bus", 20, _LONG_DESCRIPTION, episodes=2),
        _Recipe("Best of my Likes", 300, "", cover=True, from_liked=True),
        _Recipe("Everything 2018", 420, "A year in songs.", duplicates=3),
    ]
    if big_playlist:
        big = _Recipe(
            "All the things",
            big_playlist,
            "Everything, forever.",
            public=True,
            cover=True,
            duplicates=min(8, big_playlist // 20),
            episodes=min(3, big_playlist // 20),
            local=min(1, big_playlist // 20),
            unavailable=min(2, big_playlist // 20),
        )
        recipes.insert(0, big)
    return recipes


def _others_recipes() -> list[tuple[str, _Recipe, bool]]:
    """Playlists owned by others: (owner, recipe, followed by the source account)."""
    return [
        (EDITORIAL_USER, _Recipe("Fresh Finds Weekly", 60, "New music, every Friday.",
                                 public=True, cover=True), True),
        (EDITORIAL_USER, _Recipe("Morning Coffee Jazz", 80, "Slow jazz for the first cup.",
                                 public=True, cover=True), True),
        (EDITORIAL_USER, _Recipe("Throwback Anthems", 100, "", public=True), True),
        (EDITORIAL_USER, _Recipe("Peaceful Piano Hours", 50, "Relax and indulge.",
                                 public=True), False),
        ("sam.k", _Recipe("Sam's Summer 2024", 40, "☀️", public=True), True),
        ("sam.k", _Recipe("Jazz corner", 25, "Sam's jazz picks.", public=True,
                          duplicates=1), True),
        ("sam.k", _Recipe("Sam's private mix", 10, ""), False),
        ("mika", _Recipe("Mika & Alex: shared queue", 48, "Add anything good.",
                         collaborator=SOURCE_USER, episodes=2), True),
        ("mika", _Recipe("Mika's workout", 20, "", public=True), False),
    ]


@dataclass
class _Library:
    """Mutable working state of the generator."""

    rng: random.Random
    catalog: CatalogBuilder
    available: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    liked: list[str] = field(default_factory=list)
    playlists: list[Playlist] = field(default_factory=list)
    covers_used: int = 0


def generate_seed(
    *,
    liked: int = 2000,
    playlists: int = 32,
    big_playlist: int = 1150,
    saved_albums: int = 150,
    followed_artists: int = 120,
    saved_shows: int = 20,
    saved_episodes: int = 60,
    saved_audiobooks: int = 10,
    rng_seed: int = 0,
) -> SandboxSeed:
    """A deterministic sandbox library of the given size for the source account.

    ``playlists`` is the number of playlists ``alex.old`` owns, counting one of
    ``big_playlist`` entries when that is not zero; the tricky cases come first, then ordinary
    playlists of varied sizes. Playlists owned by others (editorial, friends, a collaborative
    one) are added on top. Every count must be zero or more.
    """
    counts = (liked, playlists, big_playlist, saved_albums, followed_artists, saved_shows,
              saved_episodes, saved_audiobooks)
    if min(counts) < 0:
        raise ValueError("generate_seed sizes must be zero or more")
    rng = random.Random(rng_seed)
    builder = CatalogBuilder(rng, id_namespace=f"seed-{rng_seed}")
    catalog = builder.build(
        tracks=max(600, int(1.5 * max(liked, big_playlist)) + 500),
        albums=int(saved_albums * 1.3) + 20,
        artists=max(followed_artists * 2, 80, liked // 12),
        shows=int(saved_shows * 1.5) + 5,
        episodes=saved_episodes + 40,
        audiobooks=saved_audiobooks * 2 + 2,
    )
    library = _Library(rng, builder)
    _ensure_unavailable_tracks(library, minimum=12)
    library.available = [track.id for track in catalog.tracks if track.available]
    library.unavailable = [track.id for track in catalog.tracks if not track.available]
    library.liked = rng.sample(library.available, min(liked, len(library.available)))
    recipes = _owned_recipes(rng, playlists, big_playlist)
    for recipe in recipes:
        library.playlists.append(_playlist(library, SOURCE_USER, recipe))
    followed = []
    for owner, recipe, is_followed in _others_recipes():
        playlist = _playlist(library, owner, recipe)
        library.playlists.append(playlist)
        if is_followed:
            followed.append(playlist.id)
    source_list = [playlist.id for playlist in library.playlists[: len(recipes)]] + followed
    rng.shuffle(source_list)
    source_library = UserLibrary(
        tracks=_saved(rng, library.liked),
        albums=_saved(rng, rng.sample([a.id for a in catalog.albums], saved_albums)),
        shows=_saved(rng, rng.sample([s.id for s in catalog.shows], saved_shows)),
        episodes=_saved(rng, rng.sample([e.id for e in catalog.episodes], saved_episodes)),
        audiobooks=_saved(rng, rng.sample([b.id for b in catalog.audiobooks], saved_audiobooks)),
        artists=rng.sample([a.id for a in catalog.artists], followed_artists),
        playlists=source_list,
    )
    return SandboxSeed(
        app=App(
            client_id=CLIENT_ID,
            redirect_uris=list(REDIRECT_URIS),
            allowed_user_ids=[SOURCE_USER, TARGET_USER, *FRIEND_USERS],
        ),
        users=list(_USERS),
        catalog=catalog,
        playlists=library.playlists,
        libraries={
            SOURCE_USER: source_library,
            TARGET_USER: UserLibrary(),
            **{friend: _friend_library(library, friend) for friend in FRIEND_USERS},
        },
        refresh_tokens=[
            RefreshToken(token=token, user_id=user, scopes=list(ALL_SCOPES))
            for user, token in REFRESH_TOKENS.items()
        ],
    )


@functools.cache
def _builtin_json() -> str:
    return generate_seed().model_dump_json()


def builtin_seed() -> SandboxSeed:
    """The built-in library (a fresh copy each call: the server may change what it is given)."""
    return SandboxSeed.model_validate_json(_builtin_json())


@functools.cache
def builtin_facts() -> SeedFacts:
    """What the built-in seed holds, as seen by the source account."""
    return describe(builtin_seed(), SOURCE_USER)


def _owned_recipes(rng: random.Random, count: int, big_playlist: int) -> list[_Recipe]:
    recipes = _special_recipes(big_playlist)[:count]
    themes = list(words.PLAYLIST_THEMES)
    for number in range(count - len(recipes)):
        theme = themes[number % len(themes)]
        name = theme if number < len(themes) else f"{theme} {number // len(themes) + 1}"
        description = "" if rng.random() < 0.4 else rng.choice(words.DESCRIPTIONS).format(
            year=rng.randrange(2014, 2026), genre=rng.choice(words.GENRES)
        )
        recipes.append(
            _Recipe(
                name,
                min(500, int(rng.lognormvariate(3.3, 0.9))),
                description,
                public=rng.random() < 0.5,
                cover=rng.random() < 0.15,
                duplicates=1 if rng.random() < 0.1 else 0,
            )
        )
    return recipes


def _ensure_unavailable_tracks(library: _Library, minimum: int) -> None:
    """Withdraw a few more tracks if chance left the catalogue with fewer than ``minimum``."""
    tracks = library.catalog.catalog.tracks
    missing = minimum - sum(not track.available for track in tracks)
    for track in tracks[::-97][: max(0, missing)]:
        track.available = False


def _playlist(library: _Library, owner: str, recipe: _Recipe) -> Playlist:
    rng = library.rng
    pending = _pending_entries(library, recipe)
    created = _START + (_END - _START) * rng.uniform(0.0, 0.6)
    moments = increasing_times(rng, len(pending), created, _END)
    adders = [owner] if recipe.collaborator is None else [owner, recipe.collaborator]
    entries = [
        PlaylistEntry(
            uri=item if isinstance(item, str) else None,
            local=item if isinstance(item, LocalFile) else None,
            added_at=timestamp(moment),
            added_by=rng.choice(adders),
        )
        for item, moment in zip(pending, moments, strict=True)
    ]
    cover = None
    if recipe.cover:
        cover = Cover(jpeg_base64=cover_base64(library.covers_used))
        library.covers_used += 1
    return Playlist(
        id=library.catalog.new_id("playlist", len(library.playlists)),
        owner_id=owner,
        name=recipe.name,
        description=recipe.description,
        public=recipe.public and recipe.collaborator is None,
        collaborative=recipe.collaborator is not None,
        collaborator_ids=[recipe.collaborator] if recipe.collaborator else [],
        cover=cover,
        snapshot_version=rng.randint(2, 60) if entries else 1,
        entries=entries,
    )


def _pending_entries(library: _Library, recipe: _Recipe) -> list[Pending]:
    rng, catalog = library.rng, library.catalog.catalog
    specials = recipe.duplicates + recipe.episodes + recipe.local + recipe.unavailable
    plain = max(0, recipe.size - specials)
    pool = library.liked if recipe.from_liked and len(library.liked) >= plain else library.available
    tracks = rng.sample(pool, min(plain, len(pool)))
    items: list[Pending] = [f"spotify:track:{track}" for track in tracks]
    episodes = rng.sample(catalog.episodes, recipe.episodes)
    withdrawn = rng.sample(library.unavailable, recipe.unavailable)
    extras: list[Pending] = [
        *(f"spotify:episode:{episode.id}" for episode in episodes),
        *(f"spotify:track:{track}" for track in withdrawn),
        *(_local_file(library, number) for number in range(recipe.local)),
    ]
    if items:
        extras += rng.choices(items, k=recipe.duplicates)
    for extra in extras:
        items.insert(rng.randrange(len(items) + 1), extra)
    return items[: recipe.size]


def _local_file(library: _Library, number: int) -> LocalFile:
    rng = library.rng
    name = rng.choice(("Track 03", "Unreleased demo", "Voice memo", "Песен 7", "ライブ音源"))
    return LocalFile(
        name=f"{name} ({number + 1})",
        artist=library.catalog.person() if rng.random() < 0.7 else "",
        album=rng.choice(("", "Mixtape 2009", "Live at the Garage")),
        duration_ms=rng.randint(120, 400) * 1000,
    )


def _saved(rng: random.Random, ids: list[str]) -> list[SavedRef]:
    """Saved items, oldest first, at distinct increasing times over the years."""
    moments = increasing_times(rng, len(ids), _START, _END)
    return [SavedRef(id=item, added_at=timestamp(moment)) for item, moment in zip(ids, moments,
                                                                                   strict=True)]


def _friend_library(library: _Library, friend: str) -> UserLibrary:
    """A friend's playlist list: what they own or collaborate on."""
    return UserLibrary(
        playlists=[
            playlist.id
            for playlist in library.playlists
            if playlist.owner_id == friend or friend in playlist.collaborator_ids
        ]
    )
