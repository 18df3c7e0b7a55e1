"""A sandbox account's library written as Spotify's "Download your data" package would hold it,
so an end-to-end test can move it from the file into the sandbox's target account."""

from __future__ import annotations

from typing import Any

from transfer.sandbox.seed import PlaylistEntry, SandboxSeed
from transfer.sandbox.state import local_uri


def data_download_of(seed: SandboxSeed, user: str) -> dict[str, Any]:
    """``{path in the zip: JSON document}`` for ``user``: the playlists ``user`` owns in
    ``Playlist1.json``, the saved collections newest first in ``YourLibrary.json``."""
    catalog = seed.catalog
    tracks = {track.id: track for track in catalog.tracks}
    albums = {album.id: album for album in catalog.albums}
    artists = {artist.id: artist for artist in catalog.artists}
    shows = {show.id: show for show in catalog.shows}
    episodes = {episode.id: episode for episode in catalog.episodes}
    library = seed.libraries[user]
    playlists = {playlist.id: playlist for playlist in seed.playlists}

    def item(entry: PlaylistEntry) -> dict[str, Any]:
        common = {"track": None, "episode": None, "localTrack": None, "audiobook": None,
                  "addedDate": entry.added_at[:10]}
        if entry.local is not None:
            return {**common, "localTrack": {"uri": local_uri(entry.local)}}
        assert entry.uri is not None
        kind, item_id = entry.uri.split(":")[1:]
        if kind == "episode":
            episode = episodes[item_id]
            return {**common, "episode": {"episodeName": episode.name,
                                          "showName": shows[episode.show_id].name,
                                          "episodeUri": entry.uri}}
        track = tracks[item_id]
        return {**common, "track": {"trackName": track.name,
                                    "artistName": artists[track.artist_ids[0]].name,
                                    "albumName": albums[track.album_id].name,
                                    "trackUri": entry.uri}}

    owned = [playlists[pid] for pid in library.playlists if playlists[pid].owner_id == user]
    return {
        "Spotify Account Data/Userdata.json": {"username": user, "country": "SE"},
        "Spotify Account Data/Playlist1.json": {"playlists": [
            {"name": playlist.name, "lastModifiedDate": "2026-01-02",
             "description": playlist.description or None, "numberOfFollowers": 0,
             "items": [item(entry) for entry in playlist.entries]} for playlist in owned]},
        "Spotify Account Data/YourLibrary.json": {
            "tracks": [{"artist": artists[tracks[ref.id].artist_ids[0]].name,
                        "album": albums[tracks[ref.id].album_id].name,
                        "track": tracks[ref.id].name, "uri": f"spotify:track:{ref.id}"}
                       for ref in reversed(library.tracks)],
            "albums": [{"artist": artists[albums[ref.id].artist_ids[0]].name,
                        "album": albums[ref.id].name, "uri": f"spotify:album:{ref.id}"}
                       for ref in reversed(library.albums)],
            "shows": [{"name": shows[ref.id].name, "publisher": shows[ref.id].publisher,
                       "uri": f"spotify:show:{ref.id}"} for ref in reversed(library.shows)],
            "episodes": [{"name": episodes[ref.id].name, "show": "",
                          "uri": f"spotify:episode:{ref.id}"}
                         for ref in reversed(library.episodes)],
            "artists": [{"name": artists[artist_id].name, "uri": f"spotify:artist:{artist_id}"}
                        for artist_id in library.artists],
            "bannedTracks": [], "bannedArtists": [], "other": [],
        },
    }
