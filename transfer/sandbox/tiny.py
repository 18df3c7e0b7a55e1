"""A tiny seed with one of every tricky case, for fast tests (the built-in seed is bigger).

Users: ``alex.old`` (source, a full library), ``alex.new`` (empty target), ``spotify``
(editorial), ``sam.k`` and ``mika`` (friends), ``stranger`` (not on the app's allow-list).
"""

from __future__ import annotations

from transfer.sandbox.accounts import TOOL_SCOPES
from transfer.sandbox.seed import (
    Album,
    App,
    Artist,
    Audiobook,
    Catalog,
    Episode,
    LocalFile,
    Playlist,
    PlaylistEntry,
    RefreshToken,
    SandboxSeed,
    SavedRef,
    Show,
    Track,
    User,
    UserLibrary,
)

CLIENT_ID = "sandbox-client-id"
REDIRECT_URIS = ["http://127.0.0.1:8888/callback", "http://127.0.0.1:43019/callback"]
SOURCE_REFRESH = "sandbox-refresh-alex-old"
TARGET_REFRESH = "sandbox-refresh-alex-new"


def _track(number: int, album: int, artist: int, available: bool = True) -> Track:
    return Track(id=f"tr{number:02d}", name=f"Track {number}", artist_ids=[f"ar{artist}"],
                 album_id=f"al{album}", track_number=number, available=available)


def _entry(uri: str, day: int, by: str = "alex.old") -> PlaylistEntry:
    return PlaylistEntry(uri=uri, added_at=f"2021-03-{day:02d}T10:00:00Z", added_by=by)


def _saved(ids: list[str], month: int) -> list[SavedRef]:
    return [SavedRef(id=item_id, added_at=f"2022-{month:02d}-{day + 1:02d}T08:30:00Z")
            for day, item_id in enumerate(ids)]


def tiny_catalog() -> Catalog:
    return Catalog(
        artists=[Artist(id=f"ar{n}", name=name) for n, name in
                 enumerate(["Кино", "فيروز", "The Tests 🎸"], start=1)],
        albums=[Album(id=f"al{n}", name=f"Album {n}", artist_ids=[f"ar{1 + n % 3}"],
                      release_date="1988" if n == 1 else "2019-05-17") for n in range(1, 6)],
        tracks=[_track(n, 1 + (n - 1) % 5, 1 + n % 3, available=n != 12) for n in range(1, 13)],
        shows=[Show(id="sh1", name="Show One", publisher="Pod Co"),
               Show(id="sh2", name="Show Two")],
        episodes=[Episode(id=f"ep{n}", name=f"Episode {n}", show_id=f"sh{1 + n % 2}")
                  for n in range(1, 5)],
        audiobooks=[Audiobook(id="ab1", name="Book One", authors=["A. Author"],
                              narrators=["N. Narrator"]),
                    Audiobook(id="ab2", name="Book Two", authors=["B. Author"])],
    )


def tiny_playlists() -> list[Playlist]:
    local = LocalFile(name="Demo Tape", artist="Me", album="Garage", duration_ms=123_000)
    return [
        Playlist(id="plOwn1", owner_id="alex.old", name="Road trip 🚗",
                 description="Songs for the road / 'best' of", public=True, entries=[
                     _entry("spotify:track:tr01", 1), _entry("spotify:track:tr02", 2),
                     _entry("spotify:track:tr01", 3), _entry("spotify:episode:ep1", 4),
                     PlaylistEntry(local=local, added_at="2021-03-05T10:00:00Z",
                                   added_by="alex.old"),
                     _entry("spotify:track:tr12", 6), _entry("spotify:track:tr03", 7),
                     _entry("spotify:track:tr04", 8), _entry("spotify:track:tr05", 9),
                 ]),
        Playlist(id="plOwn2", owner_id="alex.old", name="Пусто", description=""),
        Playlist(id="plCollab", owner_id="sam.k", name="Shared", collaborative=True,
                 collaborator_ids=["alex.old"], entries=[
                     _entry("spotify:track:tr06", 1, by="sam.k"),
                     _entry("spotify:track:tr07", 2, by="alex.old"),
                 ]),
        Playlist(id="plMika", owner_id="mika", name="Mika's mix", public=True,
                 entries=[_entry("spotify:track:tr08", 1, by="mika")]),
        Playlist(id="plEditorial", owner_id="spotify", name="Today's Top Hits", public=True,
                 entries=[_entry("spotify:track:tr09", 1, by="spotify")]),
    ]


def tiny_seed() -> SandboxSeed:
    return SandboxSeed(
        app=App(client_id=CLIENT_ID, redirect_uris=list(REDIRECT_URIS),
                allowed_user_ids=["alex.old", "alex.new", "sam.k", "mika"]),
        users=[User(id="alex.old", display_name="Alex (old account)"),
               User(id="alex.new", display_name="Alex"),
               User(id="spotify", display_name="Spotify"),
               User(id="sam.k", display_name="Sam K"),
               User(id="mika", display_name="Mika"),
               User(id="stranger", display_name="Not allow-listed")],
        catalog=tiny_catalog(),
        playlists=tiny_playlists(),
        libraries={
            "alex.old": UserLibrary(
                tracks=_saved(["tr03", "tr05", "tr07", "tr09", "tr12"], 1),
                albums=_saved(["al1", "al2"], 2),
                shows=_saved(["sh1"], 3),
                episodes=_saved(["ep2", "ep3"], 4),
                audiobooks=_saved(["ab1"], 5),
                artists=["ar1", "ar2", "ar3"],
                playlists=["plOwn1", "plCollab", "plMika", "plEditorial", "plOwn2"],
            ),
            "sam.k": UserLibrary(playlists=["plCollab"]),
            "mika": UserLibrary(playlists=["plMika"]),
        },
        refresh_tokens=[
            RefreshToken(token=SOURCE_REFRESH, user_id="alex.old", scopes=list(TOOL_SCOPES)),
            RefreshToken(token=TARGET_REFRESH, user_id="alex.new", scopes=list(TOOL_SCOPES)),
        ],
    )
