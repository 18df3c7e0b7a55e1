"""What reading a source file gives: the library, and what in the file could not be used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from transfer.models import Category, Library, PlaylistEntry, SavedItem


@dataclass(frozen=True)
class Problem:
    """A line or entry of the file that was left out, and why. ``where`` is ``file:line`` (or
    ``file: entry``) so the user can find it."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True)
class Unidentified:
    """An item the file names (title, artists, album) without a Spotify id. A playlist entry
    stays in its playlist as an entry without a URI (``no_id``), at ``position``; a Liked Song
    has no place in the library until it is matched."""

    where: str
    category: Category
    name: str
    artists: tuple[str, ...] = ()
    album: str = ""
    playlist_id: str | None = None
    position: int | None = None
    playlist_index: int | None = None
    """Which of the file's playlists (in reading order) holds it, until ids are given."""
    added_at: datetime | None = None


@dataclass(frozen=True)
class SourceFile:
    """A library read from a file: the snapshot model the plan works on, plus what was left out.

    ``kinds`` names the formats found (a folder may hold several). ``digest`` is a hash of the
    library's content: the same library read again gives the same digest."""

    path: Path
    kinds: tuple[str, ...]
    library: Library
    problems: tuple[Problem, ...] = ()
    unidentified: tuple[Unidentified, ...] = ()
    digest: str = ""

    @property
    def described(self) -> str:
        return ", ".join(self.kinds)


@dataclass
class FilePlaylist:
    """A playlist as a file gives it: a name, maybe a description, its entries in order."""

    name: str
    entries: list[PlaylistEntry]
    description: str = ""


@dataclass
class Collected:
    """What the readers of one source gather before it becomes a ``Library``."""

    playlists: list[FilePlaylist]
    saved: dict[Category, list[SavedItem]]
    followed_playlists: list[str]
    problems: list[Problem]
    unidentified: list[Unidentified]
    kinds: list[str]
    username: str | None = None

    @classmethod
    def empty(cls) -> Collected:
        return cls([], {category: [] for category in Category}, [], [], [], [])

    def kind(self, name: str) -> None:
        if name not in self.kinds:
            self.kinds.append(name)

    @property
    def usable(self) -> bool:
        """Something can move: an item, a follow (empty playlists alone are not enough)."""
        return bool(any(playlist.entries for playlist in self.playlists)
                    or self.followed_playlists
                    or any(self.saved.values()) or self.unidentified)
