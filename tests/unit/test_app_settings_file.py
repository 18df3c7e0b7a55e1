"""The setup page's edit of the settings file, and the client id's form."""

from __future__ import annotations

import tomllib
from pathlib import Path

from transfer.app.client_check import form_problem
from transfer.app.settings_file import save_client_id, with_client_id


def test_client_id_set_at_the_top_level_and_the_rest_kept() -> None:
    text = '# mine\nhome = "/x"\n\n[transfer]\nclient_id_note = 1\nname_prefix = "a"\n'
    changed = with_client_id(text, 'abc"d')
    parsed = tomllib.loads(changed)
    assert parsed["client_id"] == 'abc"d' and parsed["home"] == "/x"
    assert parsed["transfer"] == {"client_id_note": 1, "name_prefix": "a"}
    again = tomllib.loads(with_client_id(changed, "new"))
    assert again["client_id"] == "new" and again["transfer"]["name_prefix"] == "a"


def test_saved_into_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "config.toml"
    save_client_id(path, "0123456789abcdef0123456789abcdef")
    assert tomllib.loads(path.read_text())["client_id"] == "0123456789abcdef0123456789abcdef"


def test_the_form_of_a_spotify_client_id() -> None:
    spotify = "https://accounts.spotify.com"
    assert form_problem("0123456789abcdef0123456789abcdef", spotify) is None
    assert form_problem("0123456789ABCDEF", spotify) is not None
    assert form_problem("", spotify) is not None
    assert form_problem("sandbox-client-id", "http://127.0.0.1:9/") is None
    assert form_problem("a b", "http://127.0.0.1:9/") is not None
