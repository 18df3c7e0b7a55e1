"""Settings: file and environment, the environment winning; errors name the key and source."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from transfer.cli import cli
from transfer.config import Settings, default_config_path, load_settings
from transfer.errors import ConfigError, ExitStatus
from transfer.models import Category

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "spotify-transfer.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings()
    assert settings.client_id is None
    assert settings.redirect_uri == "http://127.0.0.1:8888/callback"
    assert settings.api_url == "https://api.spotify.com/v1"
    assert settings.accounts_url == "https://accounts.spotify.com"
    assert settings.home.name == "spotify-transfer"
    assert settings.transfer.categories == tuple(Category)
    assert settings.transfer.privacy == "keep"
    assert settings.transfer.preserve_liked_dates is False
    assert settings.network.max_retry_after == 600
    assert settings.network.request_timeout == 15


def test_file_values_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, """
client_id = "abc"
home = "/srv/transfer"
[transfer]
categories = ["playlists", "liked_songs"]
include_playlists = ["Road*"]
exclude_playlists = ["*draft*"]
name_prefix = "[old] "
privacy = "private"
preserve_liked_dates = true
[network]
max_retry_after = 30
request_timeout = 5.5
max_attempts = 3
""")
    settings = load_settings(path)
    assert settings.client_id == "abc"
    assert settings.home == Path("/srv/transfer")
    assert settings.transfer.categories == (Category.PLAYLISTS, Category.LIKED_SONGS)
    assert settings.transfer.include_playlists == ("Road*",)
    assert settings.transfer.exclude_playlists == ("*draft*",)
    assert settings.transfer.name_prefix == "[old] "
    assert settings.transfer.privacy == "private"
    assert settings.transfer.preserve_liked_dates is True
    assert (settings.network.max_retry_after, settings.network.request_timeout,
            settings.network.max_attempts) == (30, 5.5, 3)


def test_environment_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, 'client_id = "from-file"\n[network]\nmax_retry_after = 30\n'
                           "request_timeout = 9\n")
    monkeypatch.setenv("SPOTIFY_TRANSFER_CLIENT_ID", "from-env")
    monkeypatch.setenv("SPOTIFY_TRANSFER_NETWORK__MAX_RETRY_AFTER", "120")
    monkeypatch.setenv("SPOTIFY_TRANSFER_API_URL", "http://127.0.0.1:9/v1")
    settings = load_settings(path)
    assert settings.client_id == "from-env"
    assert settings.network.max_retry_after == 120
    assert settings.network.request_timeout == 9  # the rest of the table stays from the file
    assert settings.api_base == "http://127.0.0.1:9/v1"


def test_spotipy_client_id_variable_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIPY_CLIENT_ID", "spotipy-id")
    assert load_settings().client_id == "spotipy-id"
    monkeypatch.setenv("SPOTIFY_TRANSFER_CLIENT_ID", "ours")
    assert load_settings().client_id == "ours"


def test_refresh_tokens_come_from_the_environment_and_stay_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN", "rt-source")
    settings = load_settings()
    assert settings.refresh_token("source") == "rt-source"
    assert settings.refresh_token("target") is None
    assert "rt-source" not in repr(settings)


def test_config_file_chosen_by_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_CONFIG", str(write(tmp_path, 'client_id = "v"\n')))
    assert load_settings().client_id == "v"


def test_user_config_file_is_read_when_present() -> None:
    path = default_config_path()
    path.parent.mkdir(parents=True)
    path.write_text('[transfer]\nname_suffix = " (old)"\n')
    assert load_settings().transfer.name_suffix == " (old)"


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_named_file_that_is_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    missing = tmp_path / "nope.toml"
    if how == "variable":
        monkeypatch.setenv("SPOTIFY_TRANSFER_CONFIG", str(missing))
    with pytest.raises(ConfigError, match=r"nope\.toml does not exist"):
        load_settings(missing if how == "option" else None)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("colour = 1\n", "'colour'"),
        ("[transfer]\nshuffle = true\n", "'transfer.shuffle'"),
        ("[network]\nmax_retry_after = \"ten\"\n", "'network.max_retry_after'"),
        ("[transfer]\npreserve_liked_dates = \"yes\"\n", "'transfer.preserve_liked_dates'"),
        ("[transfer]\nprivacy = \"secret\"\n", "'transfer.privacy'"),
        ("[transfer]\ncategories = [\"playlists\", \"podcasts\"]\n", "'transfer.categories.1'"),
        ("[network]\nrequest_timeout = 0\n", "'network.request_timeout'"),
        ("api_url = \"ftp://example.org\"\n", "'api_url'"),
    ],
)
def test_wrong_file_settings_name_the_key_and_the_file(tmp_path: Path, text: str, key: str
                                                      ) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert key in caught.value.message
    assert str(path) in caught.value.message
    assert caught.value.exit_status is ExitStatus.USAGE


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "client_id = \n"))


def test_wrong_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_TRANSFER_NETWORK__MAX_ATTEMPTS", "many")
    with pytest.raises(ConfigError, match="SPOTIFY_TRANSFER_NETWORK__MAX_ATTEMPTS"):
        load_settings()


def test_the_example_file_documents_every_setting_and_loads() -> None:
    settings = load_settings(EXAMPLE)
    document = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    text = EXAMPLE.read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert name in text, f"{name} is not in the example"
    for table in (settings.transfer, settings.network, settings.sync):
        for key in type(table).model_fields:
            assert key in text, f"{key} is not in the example"
    assert document["transfer"]["categories"] == [category.value for category in Category]


def test_a_wrong_settings_file_stops_a_command_with_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, "[network]\nmax_attempts = \"lots\"\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "whoami"])
    assert result.exit_code == ExitStatus.USAGE
    assert "network.max_attempts" in result.output and str(path) in result.output
    assert "Traceback" not in result.output
