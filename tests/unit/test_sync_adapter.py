"""What a sync asks of the adapter beyond a transfer: one page of the playlist list, the
artists followed after a given one, a copy's items replaced, and a known user taken as is."""

from __future__ import annotations

import pytest

from tests.unit.spotify_fakes import Reply, Sent, paged, rig, scripted
from transfer.errors import SpotifyError
from transfer.models import Account

ME = {"id": "alex.old", "display_name": "Alex"}


def _playlist(number: int) -> dict[str, object]:
    return {"id": f"p{number}", "name": f"List {number}", "owner": {"id": "alex.old"},
            "snapshot_id": f"s{number}", "images": [], "items": {"total": 0}}


def test_one_page_of_the_playlist_list_from_an_offset() -> None:
    playlists = [_playlist(number) for number in range(120)]

    def handler(sent: Sent) -> Reply:
        return Reply(200, ME) if sent.path == "/me" else paged(playlists, sent)

    test = rig(handler)
    page = test.adapter.my_playlists_page(50)
    assert [playlist.id for playlist in page.items] == [f"p{n}" for n in range(50, 100)]
    assert page.total == 120 and page.items[0].relation == "owned"
    assert test.adapter.calls[("GET", "/me/playlists")] == 1
    assert test.session.sent[-1].query["offset"] == "50"


def test_a_known_user_costs_no_call() -> None:
    test = rig(scripted())
    test.adapter.assume(Account(id="alex.old", display_name="Alex"))
    assert test.adapter.me().id == "alex.old"
    assert not test.session.sent


def test_artists_followed_after_one() -> None:
    artists = [{"uri": f"spotify:artist:a{n}", "name": f"A{n}"} for n in range(5)]

    def handler(sent: Sent) -> Reply:
        after = sent.query.get("after")
        start = [a["uri"] for a in artists].index(f"spotify:artist:{after}") + 1 if after else 0
        page = {"items": artists[start:], "next": None, "total": len(artists),
                "cursors": {"after": None}, "limit": 50}
        return Reply(200, {"artists": page})

    test = rig(handler)
    (page,) = test.adapter.followed_artist_pages(after="a2")
    assert [artist.uri for artist in page.items] == ["spotify:artist:a3", "spotify:artist:a4"]
    assert page.total == 5
    assert test.session.sent[0].query["after"] == "a2"


def test_replacing_a_copys_items() -> None:
    test = rig(scripted(Reply(200, {"snapshot_id": "s9"})))
    assert test.adapter.replace_items("copy1", ["spotify:track:a"]) == "s9"
    sent = test.session.sent[0]
    assert (sent.method, sent.path, sent.body) == ("PUT", "/playlists/copy1/items",
                                                   {"uris": ["spotify:track:a"]})
    with pytest.raises(ValueError):
        test.adapter.replace_items("copy1", [f"spotify:track:{n}" for n in range(101)])


def test_an_after_that_is_not_followed_is_refused_by_spotify() -> None:
    test = rig(scripted(Reply(400, {"error": {"status": 400, "message": "bad after"}})))
    with pytest.raises(SpotifyError) as refused:
        list(test.adapter.followed_artist_pages(after="gone"))
    assert refused.value.status == 400
