"""Deterministic, realistic-looking catalogue content for generated sandbox seeds.

Everything is drawn from a seeded ``random.Random`` and the word lists, never from the clock,
so the same arguments always give the same catalogue. Ids are 22-character base62 strings like
Spotify's, derived by hashing a stable key so an item keeps its id whatever else is generated.
"""

from __future__ import annotations

import hashlib
import random
import string
from datetime import UTC, datetime, timedelta

from transfer.sandbox import wordlists as words
from transfer.sandbox.seed import Album, Artist, Audiobook, Catalog, Episode, Show, Track

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ID_LENGTH = 22


def spotify_id(key: str) -> str:
    """A 22-character base62 id derived from ``key`` (128 bits, as Spotify's ids carry)."""
    number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=16).digest(), "big")
    digits = []
    for _ in range(ID_LENGTH):
        number, digit = divmod(number, 62)
        digits.append(_BASE62[digit])
    return "".join(reversed(digits))


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second, as Spotify writes ``added_at``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def increasing_times(
    rng: random.Random, count: int, start: datetime, end: datetime
) -> list[datetime]:
    """``count`` strictly increasing moments spread from ``start`` towards ``end``.

    Consecutive moments are at least 61 seconds apart, so they differ even at the minute
    granularity Spotify orders saved items by.
    """
    if count == 0:
        return []
    mean_step = max(61.0, (end - start).total_seconds() / count)
    moments, moment = [], start
    for _ in range(count):
        moment += timedelta(seconds=max(61.0, rng.uniform(0.1, 1.9) * mean_step))
        moments.append(moment)
    return moments


class CatalogBuilder:
    """Builds a catalogue of at least the requested sizes. Call :meth:`build` once."""

    def __init__(self, rng: random.Random, id_namespace: str) -> None:
        self.rng = rng
        self._namespace = id_namespace
        self.catalog = Catalog()
        self._artist_names: dict[str, str] = {}

    def new_id(self, kind: str, number: int) -> str:
        return spotify_id(f"{self._namespace}/{kind}/{number}")

    def build(
        self, *, tracks: int, albums: int, artists: int, shows: int, episodes: int, audiobooks: int
    ) -> Catalog:
        self._artists(artists)
        self._albums_and_tracks(min_tracks=tracks, min_albums=albums)
        self._shows_and_episodes(min_shows=shows, min_episodes=episodes)
        self._audiobooks(audiobooks)
        return self.catalog

    # names -------------------------------------------------------------------------------

    def person(self) -> str:
        return f"{self.rng.choice(words.FIRST_NAMES)} {self.rng.choice(words.LAST_NAMES)}"

    def phrase(self) -> str:
        rng = self.rng
        pattern = rng.randrange(6)
        if pattern == 0:
            return f"{rng.choice(words.NOUNS)} of {rng.choice(words.NOUNS)}"
        if pattern == 1:
            return f"The {rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}"
        if pattern == 2 and rng.random() < 0.3:
            return rng.choice(words.WORLD_TITLES)
        return f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.NOUNS)}"

    def _artist_name(self) -> str:
        rng = self.rng
        pattern = rng.randrange(10)
        if pattern < 4:
            return self.person()
        if pattern < 6:
            return f"The {rng.choice(words.ADJECTIVES)} {rng.choice(words.PLURALS)}"
        if pattern < 8:
            return f"{rng.choice(words.NOUNS)} {rng.choice(words.NOUNS)}"
        if pattern == 8:
            return rng.choice(words.WORLD_ARTISTS)
        return f"{rng.choice(words.ADJECTIVES)} {rng.choice(words.PLURALS)}"

    def _track_name(self, featured: str | None) -> str:
        name = self.phrase()
        if featured:
            name += f" (feat. {featured})"
        elif self.rng.random() < 0.06:
            name += self.rng.choice(words.TITLE_SUFFIXES)
        return name

    def _fill(self, pattern: str) -> str:
        rng = self.rng
        return pattern.format(
            adjective=rng.choice(words.ADJECTIVES),
            noun=rng.choice(words.NOUNS),
            noun2=rng.choice(words.NOUNS),
            genre=rng.choice(words.GENRES).title(),
            first=rng.choice(words.FIRST_NAMES),
            first2=rng.choice(words.FIRST_NAMES),
            last=rng.choice(words.LAST_NAMES),
            year=rng.randrange(1990, 2026),
        )

    # catalogue ---------------------------------------------------------------------------

    def _artists(self, count: int) -> None:
        self.catalog.artists = [
            Artist(id=self.new_id("artist", number), name=self._artist_name())
            for number in range(count)
        ]
        self._artist_names = {artist.id: artist.name for artist in self.catalog.artists}

    def _album_shape(self) -> tuple[str, int]:
        roll = self.rng.random()
        if roll < 0.25:
            return "single", self.rng.randint(1, 3)
        if roll < 0.35:
            return "compilation", self.rng.randint(12, 20)
        return "album", self.rng.randint(7, 14)

    def _albums_and_tracks(self, *, min_tracks: int, min_albums: int) -> None:
        rng, catalog = self.rng, self.catalog
        artist_ids = [artist.id for artist in catalog.artists]
        while len(catalog.tracks) < min_tracks or len(catalog.albums) < min_albums:
            album_type, size = self._album_shape()
            album_artists = rng.sample(artist_ids, 2 if rng.random() < 0.08 else 1)
            album = Album(
                id=self.new_id("album", len(catalog.albums)),
                name=self.phrase(),
                artist_ids=album_artists,
                release_date=f"{rng.randint(1965, 2026)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}",
                album_type=album_type,
                total_tracks=size,
            )
            catalog.albums.append(album)
            for track_number in range(1, size + 1):
                featured = rng.choice(artist_ids) if rng.random() < 0.1 else None
                catalog.tracks.append(
                    Track(
                        id=self.new_id("track", len(catalog.tracks)),
                        name=self._track_name(self._name_of_artist(featured)),
                        artist_ids=album_artists + ([featured] if featured else []),
                        album_id=album.id,
                        duration_ms=rng.randint(95_000, 420_000),
                        explicit=rng.random() < 0.12,
                        track_number=track_number,
                        available=rng.random() >= 0.01,
                    )
                )

    def _name_of_artist(self, artist_id: str | None) -> str | None:
        return None if artist_id is None else self._artist_names[artist_id]

    def _shows_and_episodes(self, *, min_shows: int, min_episodes: int) -> None:
        rng, catalog = self.rng, self.catalog
        while len(catalog.shows) < min_shows or len(catalog.episodes) < min_episodes:
            show = Show(
                id=self.new_id("show", len(catalog.shows)),
                name=self._fill(rng.choice(words.SHOW_PATTERNS)),
                publisher=rng.choice(words.PUBLISHERS),
                description=f"A show about {rng.choice(words.GENRES)} and everything around it.",
            )
            catalog.shows.append(show)
            first_release = datetime(2019, 1, 7, tzinfo=UTC) + timedelta(days=rng.randrange(1500))
            for number in range(1, rng.randint(6, 14) + 1):
                released = first_release + timedelta(weeks=number)
                catalog.episodes.append(
                    Episode(
                        id=self.new_id("episode", len(catalog.episodes)),
                        name=f"Ep. {number}: {self._fill(rng.choice(words.EPISODE_TOPICS))}",
                        show_id=show.id,
                        duration_ms=rng.randint(15, 150) * 60_000 + rng.randrange(60_000),
                        release_date=released.strftime("%Y-%m-%d"),
                        description=f"Episode {number} of {show.name}.",
                    )
                )

    def _audiobooks(self, count: int) -> None:
        self.catalog.audiobooks = [
            Audiobook(
                id=self.new_id("audiobook", number),
                name=self._fill(self.rng.choice(words.BOOK_PATTERNS)),
                authors=[self.person()],
                narrators=[self.person()],
                publisher=self.rng.choice(words.PUBLISHERS),
                description="Unabridged.",
            )
            for number in range(count)
        ]
