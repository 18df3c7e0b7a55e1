from datetime import UTC, datetime

import pytest

from transfer.models import Account, Kind, Library, id_of, kind_of, uri_of


def test_uri_helpers_round_trip() -> None:
    assert kind_of("spotify:track:abc") is Kind.TRACK
    assert kind_of("spotify:local:Artist:Album:Song:180") is Kind.LOCAL
    assert id_of("spotify:episode:xyz") == "xyz"
    assert uri_of("album", "q1") == "spotify:album:q1"


@pytest.mark.parametrize("bad", ["", "track:abc", "spotify:nonsense:abc", "http://x"])
def test_kind_of_refuses_what_is_not_a_uri(bad: str) -> None:
    with pytest.raises(ValueError):
        kind_of(bad)


def test_library_json_round_trip() -> None:
    library = Library(exported_at=datetime(2026, 1, 2, tzinfo=UTC), account=Account(id="u"))
    assert Library.model_validate_json(library.model_dump_json()) == library
