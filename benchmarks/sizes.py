"""The libraries benchmarked: named sizes, each a ``generate_seed`` recipe for the source.

The item counts are approximate by design (playlist sizes are drawn by the generator); the
exact count of each generated library is measured and reported with its results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from transfer.errors import InputError
from transfer.sandbox.builtin import generate_seed
from transfer.sandbox.seed import SandboxSeed


@dataclass(frozen=True)
class LibrarySize:
    """A named library size and the generator's arguments that make it."""

    name: str
    recipe: dict[str, int] = field(default_factory=dict)

    def seed(self) -> SandboxSeed:
        """A fresh, deterministic sandbox seed of this size."""
        return generate_seed(**self.recipe)


SIZES: dict[str, LibrarySize] = {
    size.name: size
    for size in (
        LibrarySize("tiny", dict(liked=40, playlists=4, big_playlist=0, saved_albums=3,
                                 followed_artists=3, saved_shows=1, saved_episodes=2,
                                 saved_audiobooks=1)),
        LibrarySize("1k", dict(liked=450, playlists=12, big_playlist=0, saved_albums=30,
                               followed_artists=25, saved_shows=5, saved_episodes=15,
                               saved_audiobooks=3)),
        LibrarySize("10k", dict(liked=4000, playlists=120, big_playlist=2000, saved_albums=250,
                                followed_artists=150, saved_shows=20, saved_episodes=60,
                                saved_audiobooks=10)),
        LibrarySize("50k", dict(liked=21000, playlists=400, big_playlist=10000,
                                saved_albums=1000, followed_artists=500, saved_shows=50,
                                saved_episodes=200, saved_audiobooks=30)),
    )
}
"""``1k``, ``10k`` and ``50k`` are the benchmark's sizes (many Liked Songs, hundreds of
playlists at 50k, one of them of 10,000 items); ``tiny`` is for the smoke test."""

DEFAULT_SIZES = ("1k", "10k", "50k")


def parse_sizes(text: str) -> list[LibrarySize]:
    """``"1k,10k"`` as sizes; an unknown name is an ``InputError`` listing the known ones."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown or not names:
        raise InputError(f"Unknown size {', '.join(unknown) or text!r}: choose among "
                         f"{', '.join(SIZES)}.")
    return [SIZES[name] for name in names]
