"""Tokens stored per account: ``$SPOTIFY_TRANSFER_HOME/tokens/<account>.json``, mode 0600 from
the first byte (never a moment when others may read them), replaced atomically."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transfer.errors import AuthError, ConfigError, DiskFull, is_disk_full
from transfer.private import private_folder
from transfer.spotify.oauth import TokenInfo

HOME_ADVICE = "Check that SPOTIFY_TRANSFER_HOME points at a folder you can read and write."


class StoredLogin(BaseModel):
    """What is kept of one account's log-in."""

    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(repr=False)
    refresh_token: str = Field(repr=False)
    expires_at: float
    scope: str = ""
    user_id: str | None = None
    display_name: str | None = None
    seeded_from: str | None = Field(
        None, description="digest of the environment refresh token this log-in supersedes"
    )

    @classmethod
    def from_token_info(cls, info: TokenInfo, previous: StoredLogin | None = None) -> StoredLogin:
        """A log-in from a token answer; what the answer leaves out is kept from ``previous``."""
        refresh_token = info.get("refresh_token") or (previous.refresh_token if previous else "")
        return cls(
            access_token=info["access_token"],
            refresh_token=refresh_token,
            expires_at=float(info["expires_at"]),
            scope=info.get("scope") or (previous.scope if previous else ""),
            user_id=previous.user_id if previous else None,
            display_name=previous.display_name if previous else None,
            seeded_from=previous.seeded_from if previous else None,
        )


class TokenStore:
    """One JSON file per account under ``<home>/tokens``, mode 0600."""

    def __init__(self, home: Path) -> None:
        self.directory = home / "tokens"

    def path(self, account: str) -> Path:
        return self.directory / f"{account}.json"

    def load(self, account: str) -> StoredLogin | None:
        path = self.path(account)
        try:
            return StoredLogin.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except OSError as error:
            # The state folder is at fault (a file where a folder goes, no permission), not
            # the log-in: logging in again would fail the same way.
            raise ConfigError(
                f"The stored log-in of the {account} account ({path}) cannot be read: "
                f"{error.strerror}.",
                advice=HOME_ADVICE,
            ) from None
        except (ValidationError, ValueError):
            raise AuthError(
                f"The stored log-in of the {account} account ({path}) cannot be read.",
                account=account,
                advice=f"Run `spotify-transfer login {account}` to replace it.",
            ) from None

    def save(self, account: str, login: StoredLogin) -> None:
        """Write atomically: a private temporary file, then a rename over the old one."""
        data = json.dumps(login.model_dump(), indent=2).encode()
        temporary = self.directory / f".{account}.{secrets.token_hex(6)}.tmp"
        try:
            private_folder(self.directory)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path(account))
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            if is_disk_full(error):
                raise DiskFull(f"Disk full: cannot save the log-in of the {account} account in "
                               f"{self.directory}.") from None
            raise ConfigError(
                f"Cannot save the log-in of the {account} account in {self.directory}: "
                f"{error.strerror}",
                advice=HOME_ADVICE,
            ) from None

    def delete(self, account: str) -> None:
        self.path(account).unlink(missing_ok=True)


