"""Settings: a TOML file and the environment, the environment winning.

The file is the one given with ``--config``, else ``$SPOTIFY_TRANSFER_CONFIG``, else
``<user config dir>/spotify-transfer/config.toml`` when it exists. Every top-level setting has an
environment variable ``SPOTIFY_TRANSFER_<NAME>``; the tables ``[transfer]``, ``[network]`` and
``[sync]`` are reached with a double underscore, e.g.
``SPOTIFY_TRANSFER_NETWORK__MAX_RETRY_AFTER=300``. ``config/spotify-transfer.example.toml``
documents every setting.

An unknown key or a value of the wrong type is a ``ConfigError`` naming the key and where it came
from (the file or the variable).
"""

from __future__ import annotations

import functools
import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    create_model,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from transfer.errors import ConfigError
from transfer.models import Category

APP_NAME = "spotify-transfer"
ENV_PREFIX = "SPOTIFY_TRANSFER_"
CONFIG_ENV = "SPOTIFY_TRANSFER_CONFIG"

Privacy = Literal["keep", "public", "private"]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// URL")
    try:
        parts.port  # noqa: B018 (read for its check: urllib refuses a port past 65535 here)
    except ValueError:
        raise ValueError("has a port that is not a number from 1 to 65535") from None
    if parts.port == 0:
        raise ValueError("has a port that is not a number from 1 to 65535")
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def default_home() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TransferOptions(_Table):
    """The ``[transfer]`` table: what the plan moves and how created playlists look."""

    categories: tuple[Category, ...] = tuple(Category)
    include_playlists: tuple[str, ...] = Field(
        (), description="glob patterns on playlist names, playlist ids, URIs or links; empty "
                        "means every playlist"
    )
    exclude_playlists: tuple[str, ...] = ()
    name_prefix: str = ""
    name_suffix: str = ""
    privacy: Privacy = "keep"
    preserve_liked_dates: bool = False


class NetworkOptions(_Table):
    """The ``[network]`` table: how fast to send, how long to wait for Spotify, and when to give
    up."""

    max_retry_after: float = Field(
        600.0, ge=0, description="longest total wait (s) for one request before pausing (exit 75)"
    )
    request_timeout: float = Field(15.0, gt=0, description="seconds to wait for an answer")
    max_attempts: int = Field(
        5, ge=1, description="attempts of one request through 5xx answers and dropped connections"
    )
    concurrency: int = Field(
        6, ge=1, le=16,
        description="requests each account has in flight at once where their order does not "
                    "matter (reading different playlists, collections and pages); 1 sends one "
                    "at a time",
    )
    requests_per_30s: int | None = Field(
        None, ge=0,
        description="most API requests sent in any 30 seconds, to stay under Spotify's rate "
                    "limit instead of being refused; unset: 300 against Spotify's own API and "
                    "no limit against any other address (a local sandbox); 0 for no limit",
    )


class SyncOptions(_Table):
    """The ``[sync]`` table: how a scheduled ``sync`` reads and when ``--mirror`` refuses."""

    max_removal_share: float = Field(
        0.25, ge=0, le=1,
        description="sync --mirror refuses (unless --force) to remove more than this share of "
                    "what the tool added to the target, in all or in any one category",
    )
    playlist_pages: int = Field(
        4, ge=0,
        description="pages of 50 of the source's playlist list one sync reads: the first, then "
                    "the others in turn; 0 reads the whole list every time",
    )


class Settings(BaseSettings):
    """Every setting of the tool. Build it with :func:`load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        populate_by_name=True,
    )

    client_id: str | None = Field(
        None,
        validation_alias=AliasChoices(
            "client_id", f"{ENV_PREFIX}CLIENT_ID", "SPOTIPY_CLIENT_ID"
        ),
    )
    redirect_uri: HttpUrl = "http://127.0.0.1:8888/callback"
    api_url: HttpUrl = "https://api.spotify.com/v1"
    accounts_url: HttpUrl = "https://accounts.spotify.com"
    home: Path = Field(default_factory=default_home)
    source_refresh_token: SecretStr | None = None
    target_refresh_token: SecretStr | None = None
    transfer: TransferOptions = TransferOptions()
    network: NetworkOptions = NetworkOptions()
    sync: SyncOptions = SyncOptions()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values arrive as init arguments; the environment outranks them.
        return env_settings, init_settings

    def refresh_token(self, account: str) -> str | None:
        """The headless refresh token of ``source`` or ``target`` from the environment."""
        secret = {"source": self.source_refresh_token, "target": self.target_refresh_token}[account]
        return secret.get_secret_value() if secret is not None else None

    @property
    def api_base(self) -> str:
        """The API URL without a trailing slash."""
        return self.api_url.rstrip("/")

    @property
    def accounts_base(self) -> str:
        return self.accounts_url.rstrip("/")


def load_settings(config_path: Path | None = None) -> Settings:
    """Read the settings file (if any) and the environment; raise ``ConfigError`` when wrong."""
    path, required = _choose_file(config_path, os.environ)
    file_values = _read_toml(path, required) if path is not None else {}
    if file_values:
        _check_file(file_values, path)
    try:
        return Settings(**file_values)
    except ValidationError as error:
        raise _environment_error(error) from None
    except SettingsError:
        raise _unparsed_variable_error(os.environ) from None


def _choose_file(config_path: Path | None, environ: Mapping[str, str]) -> tuple[Path | None, bool]:
    """The settings file and whether it must exist (it must when the user named it)."""
    if config_path is not None:
        return config_path, True
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]), True
    path = default_config_path()
    return (path, False) if path.is_file() else (None, False)


def _read_toml(path: Path, required: bool) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        if required:
            raise ConfigError(f"Settings file {path} does not exist.") from None
        return {}
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"Settings file {path} is not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"Settings file {path} is not UTF-8 text (byte {error.start + 1} cannot be read).",
            advice="Save it again as UTF-8 (TOML files are UTF-8 by definition).",
        ) from None
    except OSError as error:
        raise ConfigError(f"Settings file {path} cannot be read: {error.strerror}") from None


def _check_file(file_values: dict[str, Any], path: Path | None) -> None:
    """Validate the file on its own, strictly, so an error can name the file.

    Validation goes through JSON so that TOML's strings may become paths and enum values while a
    string is still refused where a number or a boolean belongs.
    """
    try:
        _file_model().model_validate_json(json.dumps(file_values), strict=True)
    except ValidationError as error:
        problems = [
            f"Setting {_key(problem)!r} in {path}: {_describe(problem)}"
            for problem in error.errors()
        ]
        raise ConfigError(
            "\n".join(problems),
            advice="See config/spotify-transfer.example.toml for every setting.",
        ) from None


@functools.cache
def _file_model() -> type[BaseModel]:
    """The settings as a plain model: validating it reads no environment variable."""
    fields: dict[str, Any] = {
        name: (field.annotation, field) for name, field in Settings.model_fields.items()
    }
    config = ConfigDict(extra="forbid", populate_by_name=True)
    return create_model("SettingsFile", __config__=config, **fields)


def _environment_error(error: ValidationError) -> ConfigError:
    problems = []
    for problem in error.errors():
        parts = [str(part) for part in problem["loc"]]
        variable = parts[0] if parts[0].isupper() else ENV_PREFIX + "__".join(parts).upper()
        problems.append(
            f"Setting {_key(problem)!r} from the environment ({variable}): {_describe(problem)}"
        )
    return ConfigError("\n".join(problems))


def _unparsed_variable_error(environ: Mapping[str, str]) -> ConfigError:
    """pydantic-settings reads a list or a table from the environment as JSON and gives up on
    the first value that is not: name the variables that hold one."""
    wrong = sorted(
        name for name, value in environ.items()
        if _complex_setting(name) and not _is_json(value)
    )
    example = '\'["playlists", "liked_songs"]\''
    return ConfigError(
        "\n".join(f"Setting {_setting_key(name)!r} from the environment ({name}): not JSON, "
                  "which a list or a table must be" for name in wrong)
        or "A setting from the environment cannot be read as JSON.",
        advice=f"Write a list as a JSON array, e.g. {example}, or set it in the settings file.",
    )


def _complex_setting(variable: str) -> bool:
    """Whether ``variable`` sets a list or a table (values pydantic-settings parses as JSON)."""
    if not variable.upper().startswith(ENV_PREFIX):
        return False
    model: type[BaseModel] = Settings
    parts = variable[len(ENV_PREFIX):].lower().split("__")
    for depth, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if depth == len(parts) - 1:
                return True
            model = annotation
            continue
        return depth == len(parts) - 1 and getattr(annotation, "__origin__", None) is tuple
    return False


def _setting_key(variable: str) -> str:
    return ".".join(variable[len(ENV_PREFIX):].lower().split("__"))


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _key(problem: Mapping[str, Any]) -> str:
    return ".".join(str(part) for part in problem["loc"])


def _describe(error: Mapping[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown setting"
    return str(error["msg"])
