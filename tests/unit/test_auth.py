"""Token storage, refresh, headless log-in, and the refusals of the accounts service."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from spotipy.oauth2 import SpotifyPKCE

from tests.unit.spotify_fakes import FakeSession, Reply, Sent
from transfer.auth import AccountTokens, StoredLogin, TokenStore
from transfer.auth import tokens as tokens_module
from transfer.auth.tokens import token_digest
from transfer.config import Settings
from transfer.errors import AuthError, ConfigError
from transfer.spotify.logs import mask_secrets
from transfer.spotify.oauth import AccountsPKCE


def login(**changes: Any) -> StoredLogin:
    values: dict[str, Any] = {"access_token": "acc-1", "refresh_token": "ref-1",
                              "expires_at": 10_000.0, "scope": "user-read-private"}
    values.update(changes)
    return StoredLogin(**values)


def test_token_file_is_private_from_the_first_byte(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[int, int]] = []
    real_open = os.open

    def spy(path: Any, flags: int, mode: int = 0o777, *args: Any, **kwargs: Any) -> int:
        opened.append((flags, mode))
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    old_umask = os.umask(0)
    try:
        store = TokenStore(tmp_path)
        store.save("source", login())
    finally:
        os.umask(old_umask)
    ((flags, mode),) = opened
    assert mode == 0o600 and flags & os.O_EXCL and flags & os.O_CREAT
    assert stat.S_IMODE(store.path("source").stat().st_mode) == 0o600
    assert stat.S_IMODE(store.directory.stat().st_mode) == 0o700
    assert [path.name for path in store.directory.iterdir()] == ["source.json"]


def test_token_file_round_trip_and_replacement(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    assert store.load("target") is None
    store.save("target", login(user_id="alex.new"))
    store.save("target", login(access_token="acc-2", user_id="alex.new"))
    loaded = store.load("target")
    assert loaded is not None and loaded.access_token == "acc-2"
    assert stat.S_IMODE(store.path("target").stat().st_mode) == 0o600
    assert "acc-2" not in repr(loaded) and "ref-1" not in repr(loaded)


def test_corrupt_token_file_says_to_log_in_again(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.directory.mkdir()
    store.path("source").write_text("{not json")
    with pytest.raises(AuthError, match="cannot be read") as caught:
        store.load("source")
    assert "spotify-transfer login source" in (caught.value.advice or "")


def test_a_home_under_a_regular_file_blames_the_folder_not_the_log_in(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with pytest.raises(ConfigError, match="cannot be read: Not a directory") as caught:
        TokenStore(blocked / "home").load("source")
    assert "SPOTIFY_TRANSFER_HOME" in (caught.value.advice or "")


def test_unwritable_home_is_a_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with pytest.raises(ConfigError, match="Cannot save the log-in"):
        TokenStore(blocked).save("source", login())


class FakeAccounts:
    """Stands in for the accounts service's refresh answers."""

    def __init__(self) -> None:
        self.refreshed: list[str] = []

    def refresh(self, refresh_token: str, account: str) -> dict[str, Any]:
        self.refreshed.append(refresh_token)
        number = len(self.refreshed)
        return {"access_token": f"fresh-{number}", "refresh_token": f"rotated-{number}",
                "expires_at": 20_000 + number, "scope": "user-read-private"}


@pytest.fixture
def accounts(monkeypatch: pytest.MonkeyPatch) -> FakeAccounts:
    fake = FakeAccounts()
    monkeypatch.setattr(tokens_module, "make_pkce", lambda settings, redirect=None: fake)
    return fake


def tokens_for(tmp_path: Path, now: float = 5_000.0, **settings: Any) -> AccountTokens:
    return AccountTokens("source", Settings(home=tmp_path, client_id="c", **settings),
                         TokenStore(tmp_path), clock=lambda: now)


def test_not_logged_in_says_how_to(tmp_path: Path, accounts: FakeAccounts) -> None:
    with pytest.raises(AuthError) as caught:
        tokens_for(tmp_path).access_token()
    assert caught.value.account == "source"
    assert "spotify-transfer login source" in (caught.value.advice or "")
    assert "SPOTIFY_TRANSFER_SOURCE_REFRESH_TOKEN" in (caught.value.advice or "")


def test_a_valid_stored_token_is_used_without_refresh(tmp_path: Path,
                                                      accounts: FakeAccounts) -> None:
    TokenStore(tmp_path).save("source", login())
    assert tokens_for(tmp_path).access_token() == "acc-1"
    assert accounts.refreshed == []


def test_a_token_about_to_expire_is_refreshed_and_stored(tmp_path: Path,
                                                         accounts: FakeAccounts) -> None:
    TokenStore(tmp_path).save("source", login(user_id="alex.old"))
    source = tokens_for(tmp_path, now=10_000.0 - 30)
    assert source.access_token() == "fresh-1"
    assert accounts.refreshed == ["ref-1"]
    stored = TokenStore(tmp_path).load("source")
    assert stored is not None
    assert (stored.refresh_token, stored.user_id) == ("rotated-1", "alex.old")


def test_invalidate_forces_a_refresh(tmp_path: Path, accounts: FakeAccounts) -> None:
    TokenStore(tmp_path).save("source", login())
    source = tokens_for(tmp_path)
    assert source.access_token() == "acc-1"
    source.invalidate()
    assert source.current_token() == "acc-1"
    assert source.access_token() == "fresh-1"
    assert source.access_token() == "fresh-1"
    assert accounts.refreshed == ["ref-1"]


def test_headless_log_in_from_the_environment_token(tmp_path: Path,
                                                    accounts: FakeAccounts) -> None:
    source = tokens_for(tmp_path, source_refresh_token="env-token")
    assert source.access_token() == "fresh-1"
    assert accounts.refreshed == ["env-token"]
    stored = TokenStore(tmp_path).load("source")
    assert stored is not None and stored.seeded_from == token_digest("env-token")
    assert "env-token" not in store_text(tmp_path)
    # The next run keeps using the stored (possibly rotated) token, not the spent one.
    assert tokens_for(tmp_path, source_refresh_token="env-token").access_token() == "fresh-1"
    assert accounts.refreshed == ["env-token"]


def test_a_changed_environment_token_replaces_the_stored_log_in(
    tmp_path: Path, accounts: FakeAccounts
) -> None:
    TokenStore(tmp_path).save("source", login(seeded_from=token_digest("old-env")))
    assert tokens_for(tmp_path, source_refresh_token="new-env").access_token() == "fresh-1"
    assert accounts.refreshed == ["new-env"]


def test_remember_user_records_whose_tokens_these_are(tmp_path: Path,
                                                      accounts: FakeAccounts) -> None:
    TokenStore(tmp_path).save("source", login())
    tokens_for(tmp_path).remember_user("alex.old", "Alex")
    stored = TokenStore(tmp_path).load("source")
    assert stored is not None and (stored.user_id, stored.display_name) == ("alex.old", "Alex")


def store_text(home: Path) -> str:
    return "".join(path.read_text() for path in (home / "tokens").iterdir())


def pkce_answering(reply: Reply) -> tuple[AccountsPKCE, FakeSession]:
    session = FakeSession(lambda sent: reply)
    pkce = AccountsPKCE("client", "http://127.0.0.1:8888/callback", "https://accounts.test/",
                        ["user-read-private", "playlist-read-private"], 5, session=session)
    return pkce, session


def test_pkce_uses_our_accounts_url_on_the_instance_only() -> None:
    pkce, session = pkce_answering(Reply(200, {"access_token": "a", "expires_in": 3600,
                                               "refresh_token": "r", "scope": "s"}))
    url = pkce.authorize_url("the-state")
    assert url.startswith("https://accounts.test/authorize?")
    assert "state=the-state" in url and "code_challenge_method=S256" in url
    assert "scope=user-read-private+playlist-read-private" in url
    assert SpotifyPKCE.OAUTH_TOKEN_URL == "https://accounts.spotify.com/api/token"
    info = pkce.exchange_code("the-code", "source")
    assert info["access_token"] == "a" and info["expires_at"] > 0
    sent: Sent = session.sent[0]
    assert sent.url == "https://accounts.test/api/token"


def test_refused_refresh_token_names_the_account_and_says_to_log_in() -> None:
    pkce, _ = pkce_answering(Reply(400, {"error": "invalid_grant",
                                         "error_description": "Invalid refresh token"}))
    with pytest.raises(AuthError) as caught:
        pkce.refresh("spent", "target")
    assert caught.value.account == "target"
    assert "Invalid refresh token" in caught.value.message
    advice = caught.value.advice or ""
    assert "spotify-transfer login target" in advice and "six months" in advice


def test_unknown_client_id_is_a_configuration_error() -> None:
    pkce, _ = pkce_answering(Reply(400, {"error": "invalid_client",
                                         "error_description": "Invalid client"}))
    with pytest.raises(ConfigError, match="client id"):
        pkce.refresh("x", "source")


def test_accounts_service_5xx_is_passed_on_for_a_retry() -> None:
    import requests

    pkce, _ = pkce_answering(Reply(503, {"error": "unavailable"}))
    with pytest.raises(requests.HTTPError):
        pkce.refresh("x", "source")


def test_make_pkce_needs_a_client_id(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="client id"):
        tokens_module.make_pkce(Settings(home=tmp_path))


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer BQDsecret123",
        "{'refresh_token': 'AQBsecret123', 'grant_type': 'refresh_token'}",
        "code_verifier=secret123&code=secret123",
        '"access_token": "secret123"',
    ],
)
def test_mask_secrets_hides_token_values(text: str) -> None:
    masked = mask_secrets(text)
    assert "secret123" not in masked
    assert "***" in masked


def test_token_requests_are_not_logged_even_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    pkce, _ = pkce_answering(Reply(200, {"access_token": "BQDnewaccess", "expires_in": 3600,
                                         "refresh_token": "AQDnewrefresh", "scope": "s"}))
    pkce.refresh("AQDoldrefresh", "source")
    for secret in ("BQDnewaccess", "AQDnewrefresh", "AQDoldrefresh"):
        assert secret not in caplog.text
