"""Validate real HTTP answers against Spotify's OpenAPI spec (a test helper, not shipped).

The spec is ``shared/spotify-openapi/fixed-spotify-open-api.yml`` beside the repository (CI
clones the repository with ``shared/`` next to it); tests that need it are skipped with a clear
reason when it is absent. It is parsed once per session.

``validate_response(response)`` finds the operation for the request's method and path, takes the
schema the spec gives for the answer's status code and validates the JSON body with jsonschema,
``$ref``s resolved. It fails on a missing required field, a wrong type, a content type the spec
does not give, and on a status the spec does not list for that operation, unless that status is
in ``UNDOCUMENTED_STATUSES`` below: an explicit list, each entry with its reason.

OpenAPI 3.0 is not JSON Schema; three adaptations are made, each stated here:

* ``nullable: true`` becomes ``anyOf: [{type: null}, <schema>]``.
* Properties the spec marks ``deprecated`` are not required, even where a ``required`` list
  names them (``AlbumObject.label``, ``...available_markets``): Spotify removed them for
  Development-Mode apps in February 2026 (``SPOTIFY_API.md``), which is what ``deprecated``
  records.
* A property whose description says it may be `` `null` `` is nullable, as is what
  ``_SPEC_NULLABLE`` lists with the reason: the schemas often omit ``nullable`` where the text
  says it (``CursorPagingObject.next``: "( `null` if none)").
* Local files: Spotify describes a local file in a playlist as a track with ``is_local: true``
  and null ids, hrefs, album type, dates (Web API concepts, "Playlists: local files"), which
  the schema cannot express; ``item``/``track`` also accept that shape, where any field of
  the track, its album and its artists may be null.
* Where an error answer's body is a bare ``ErrorObject`` (the 400 of the three ``/me/library``
  operations), the wrapped ``{"error": ErrorObject}`` is expected instead: every other error
  answer of the spec wraps it, as Spotify's regular error format does.

``strict=True`` additionally requires every documented, non-deprecated property except those
in ``CONDITIONAL_PROPERTIES`` (fields Spotify sends only in some circumstances): the spec's own
``required`` lists are sparse (a ``PlaylistObject`` has none), so without it ``{}`` passes.
``partial=True`` (answers to requests with the ``fields`` filter, which asks for a subset)
requires nothing and checks the types of what is there.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
import requests
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_PATH = Path(
    os.environ.get(
        "SPOTIFY_OPENAPI_SPEC",
        REPO_ROOT.parent / "shared" / "spotify-openapi" / "fixed-spotify-open-api.yml",
    )
)
API_PREFIX = "/v1"

Schema = dict[str, Any]


class SpecMismatch(AssertionError):
    """An answer that does not match the spec."""


@dataclass(frozen=True)
class Allowance:
    """An error status the spec does not list, accepted for the operations it applies to."""

    reason: str
    response_ref: str
    applies: str
    """``input``: operations taking parameters or a body; ``path-id``: operations whose path
    holds an id; ``any``: every operation."""


UNDOCUMENTED_STATUSES: Mapping[int, Allowance] = {
    400: Allowance(
        "Spotify answers 400 for a malformed request or one over a limit (limit > 50, more than "
        "100 URIs, ...); the spec lists 400 only for the /me/library operations.",
        "#/components/responses/BadRequest",
        "input",
    ),
    404: Allowance(
        "Spotify answers 404 for an unknown id (a playlist that does not exist); the spec lists "
        "404 for one operation only.",
        "#/components/responses/NotFound",
        "path-id",
    ),
    413: Allowance(
        "Spotify refuses a custom cover over its 256 KB payload limit (the spec states the "
        "limit but no status) with 413 and its regular error body.",
        "#/components/responses/BadRequest",
        "input",
    ),
    500: Allowance(
        "Server errors happen (and the sandbox injects them as faults); the spec lists none. "
        "The body is Spotify's regular error object.",
        "#/components/responses/BadRequest",
        "any",
    ),
    502: Allowance("As 500.", "#/components/responses/BadRequest", "any"),
    503: Allowance("As 500.", "#/components/responses/BadRequest", "any"),
}

# Properties Spotify sends only in some circumstances, by schema name. ``strict`` does not
# require them.
CONDITIONAL_PROPERTIES: Mapping[str, frozenset[str]] = {
    # Only when relinking or restrictions apply, or when a market is given.
    "TrackObject": frozenset({"restrictions", "is_playable", "linked_from", "external_ids"}),
    "SimplifiedTrackObject": frozenset({"restrictions", "is_playable", "linked_from"}),
    "AlbumBase": frozenset({"restrictions"}),
    "EpisodeBase": frozenset({"restrictions", "resume_point", "language", "is_playable"}),
    "ChapterBase": frozenset({"restrictions", "resume_point", "is_playable"}),
    "AudiobookBase": frozenset({"edition"}),
    # Development Mode: the item summary only for playlists the user owns or collaborates on.
    "PlaylistObject": frozenset({"items", "followers"}),
    "SimplifiedPlaylistObject": frozenset({"items"}),
    # Added to the spec in 2026; not every answer carries it.
    "PrivateUserObject": frozenset({"account_id"}),
    "CursorObject": frozenset({"before"}),
    # A track has an ISRC, an album a UPC (sometimes an EAN): never all three.
    "ExternalIdObject": frozenset({"isrc", "ean", "upc"}),
}

_SPEC_NULLABLE: Mapping[tuple[str, str], str] = {
    ("PlaylistTrackObject", "item"): "SimplifiedPlaylistObject.items says: a track object may "
    "be `null`. This can happen if a track is no longer available",
    ("PlaylistTrackObject", "track"): "as item",
    ("CursorObject", "after"): "on the last page, where next is `null`, there is no cursor",
    ("CursorObject", "before"): "as after",
}
# Descriptions that mention `null` about something other than the property itself.
_NULL_TEXT_ELSEWHERE = {("SimplifiedPlaylistObject", "items"),
                        ("SimplifiedPlaylistObject", "tracks")}


# loading -------------------------------------------------------------------------------------


@functools.cache
def _load(path: Path) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as stream:
        spec: dict[str, Any] = yaml.load(stream, Loader=loader)
    return spec


def load_spec() -> dict[str, Any]:
    """The parsed spec (cached); skips the calling test when the file is absent."""
    if not SPEC_PATH.is_file():
        pytest.skip(f"the OpenAPI spec is not at {SPEC_PATH} (shared/ beside the repository)")
    return _load(SPEC_PATH)


# operations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    spec: Mapping[str, Any]

    @property
    def statuses(self) -> list[int]:
        return sorted(int(code) for code in self.spec.get("responses", {}) if code.isdigit())

    @property
    def takes_input(self) -> bool:
        parameters = [p for p in self.spec.get("parameters", []) if _param_in(p) != "path"]
        return bool(parameters) or "requestBody" in self.spec

    @property
    def has_path_id(self) -> bool:
        return "{" in self.template


def _param_in(parameter: Mapping[str, Any]) -> str:
    if "$ref" in parameter:
        parameter = _resolve(load_spec(), parameter["$ref"])
    return str(parameter.get("in", ""))


def _resolve(document: Mapping[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


@functools.cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    patterns = []
    for template in load_spec()["paths"]:
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        literal_segments = sum("{" not in part for part in template.split("/"))
        patterns.append((re.compile(f"^{regex}$"), template, literal_segments))
    return patterns


def api_path(url_or_path: str) -> str:
    """The path relative to the API base: ``http://h/v1/me/tracks?x`` -> ``/me/tracks``."""
    path = urlsplit(url_or_path).path
    index = path.find(API_PREFIX + "/")
    path = path[index + len(API_PREFIX):] if index >= 0 else path
    return path.rstrip("/") or "/"  # Spotify answers /me/ as /me (spotipy asks for "me/")


def find_template(path: str) -> str:
    """The spec's path template for a concrete API path (the most literal one wins)."""
    matches = [(literal, template) for pattern, template, literal in _templates()
               if pattern.match(path)]
    if not matches:
        raise SpecMismatch(f"the spec has no path matching {path!r}")
    return max(matches)[1]


def operation(method: str, template: str) -> Operation:
    path_item = load_spec()["paths"].get(template)
    if path_item is None or method.lower() not in path_item:
        raise SpecMismatch(f"the spec has no operation {method.upper()} {template}")
    return Operation(method.upper(), template, path_item[method.lower()])


# schema conversion ---------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _own_properties(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> dict[str, Any]:
    """Properties a schema declares itself or through ``allOf`` members (refs followed)."""
    properties = dict(schema.get("properties", {}))
    for member in schema.get("allOf", []):
        if "$ref" in member:
            member = schemas[member["$ref"].rsplit("/", 1)[1]]
        properties.update(_own_properties(member, schemas))
    return properties


def _adapt(components: dict[str, Any], *, strict: bool) -> dict[str, Any]:
    """The spec's components made into draft-4 JSON Schema, as the module docstring says."""
    components = copy.deepcopy(components)
    schemas = components["schemas"]
    _nullable_where_said(schemas)
    if strict:
        for name, schema in schemas.items():
            _require_documented(schema, CONDITIONAL_PROPERTIES.get(name, frozenset()))
    for node in list(_walk(schemas)):
        if isinstance(node.get("required"), list):
            deprecated = {key for key, value in _own_properties(node, schemas).items()
                          if isinstance(value, dict) and value.get("deprecated")}
            node["required"] = [key for key in node["required"] if key not in deprecated]
            if not node["required"]:
                del node["required"]
    schemas["LocalTrackObject"] = _local_track(schemas, strict)
    for field in ("item", "track"):
        union = schemas["PlaylistTrackObject"]["properties"][field]
        union["anyOf"] = [*union.pop("oneOf"), {"$ref": "#/components/schemas/LocalTrackObject"}]
    return _nullable_to_json_schema(components)


def _nullable_where_said(schemas: dict[str, Any]) -> None:
    for name, schema in schemas.items():
        members = [schema, *(m for m in schema.get("allOf", []) if "$ref" not in m)]
        for member in members:
            for key, value in member.get("properties", {}).items():
                said = "`null`" in str(value.get("description", ""))
                if (name, key) in _SPEC_NULLABLE or (
                    said and (name, key) not in _NULL_TEXT_ELSEWHERE
                ):
                    value["nullable"] = True


def _loose(schemas: Mapping[str, Any], name: str, strict: bool) -> dict[str, Any]:
    """Schema ``name`` with every property nullable and link objects free-form."""
    properties = {}
    for key, value in _own_properties(schemas[name], schemas).items():
        if key in ("external_urls", "external_ids"):
            value = {"type": "object"}
        properties[key] = {**value, "nullable": True}
    loose: dict[str, Any] = {"type": "object", "properties": properties}
    if strict:
        conditional = CONDITIONAL_PROPERTIES.get(name, frozenset())
        loose["required"] = sorted(key for key, value in properties.items()
                                   if not value.get("deprecated") and key not in conditional)
    return loose


def _local_track(schemas: Mapping[str, Any], strict: bool) -> dict[str, Any]:
    """A local file's track object, as the module docstring says."""
    track = _loose(schemas, "TrackObject", strict)
    album = _loose(schemas, "SimplifiedAlbumObject", strict)
    album["required"] = [key for key in album.get("required", []) if key not in
                         CONDITIONAL_PROPERTIES["AlbumBase"]]
    track["properties"]["album"] = album
    track["properties"]["artists"] = {
        "type": "array", "items": _loose(schemas, "SimplifiedArtistObject", strict)
    }
    track["properties"]["is_local"] = {"enum": [True]}
    track["required"] = sorted({*track.get("required", []), "is_local", "type", "uri"})
    return track


def _require_documented(schema: dict[str, Any], conditional: frozenset[str]) -> None:
    members = [schema, *(m for m in schema.get("allOf", []) if "$ref" not in m)]
    for member in members:
        properties = member.get("properties", {})
        wanted = [key for key, value in properties.items()
                  if not value.get("deprecated") and key not in conditional]
        if wanted:
            member["required"] = sorted(set(member.get("required", [])) | set(wanted))


def _nullable_to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable_to_json_schema(value) for value in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False):
        return {"anyOf": [{"type": "null"}, converted]}
    return converted


@functools.cache
def _components(strict: bool, partial: bool = False) -> dict[str, Any]:
    if partial:
        return _without_required(_components(False))
    return _adapt(load_spec()["components"], strict=strict)


def _without_required(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    for node in list(_walk(schema)):
        if isinstance(node.get("required"), list):
            del node["required"]
    return schema


@functools.cache
def _validator(
    response_ref_or_key: str, strict: bool, partial: bool = False
) -> jsonschema.Draft4Validator | None:
    """A validator for a response (``METHOD template status`` or a components ref); None when
    the response documents no body."""
    spec = load_spec()
    if response_ref_or_key.startswith("#/"):
        response = _resolve(spec, response_ref_or_key)
    else:
        method, template, status = response_ref_or_key.split(" ")
        response = operation(method, template).spec["responses"][status]
    if "$ref" in response:
        response = _resolve(spec, response["$ref"])
    content = response.get("content")
    if not content:
        return None
    schema = content["application/json"]["schema"]
    if schema == {"$ref": "#/components/schemas/ErrorObject"}:
        schema = _resolve(spec, "#/components/responses/BadRequest")["content"][
            "application/json"]["schema"]
    schema = _nullable_to_json_schema(schema)
    if partial:
        schema = _without_required(schema)
    root = {**schema, "components": _components(strict, partial)}
    return jsonschema.Draft4Validator(root, format_checker=FORMATS)


# validation ----------------------------------------------------------------------------------

FORMATS = jsonschema.FormatChecker(formats=())
_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time (the stdlib way, so no optional jsonschema extra is needed)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True



def validate_answer(
    method: str,
    path: str,
    status: int,
    body: Any,
    *,
    content_type: str | None = None,
    raw_body: bytes | None = None,
    template: str | None = None,
    strict: bool = False,
    partial: bool = False,
) -> Operation:
    """Validate one answer; ``body`` is the decoded JSON (None when there was none)."""
    template = template or find_template(api_path(path))
    op = operation(method, template)
    key = f"{op.method} {template} {status}"
    if str(status) in op.spec.get("responses", {}):
        validator = _validator(key, strict, partial)
    else:
        validator = _validator(_allowance(op, status).response_ref, strict, partial)
    if validator is None:
        if raw_body:
            raise SpecMismatch(f"{key}: the spec documents no body, got {raw_body[:200]!r}")
        return op
    if content_type is not None and not content_type.startswith("application/json"):
        raise SpecMismatch(f"{key}: content type {content_type!r}, the spec says JSON")
    errors = sorted(validator.iter_errors(body), key=lambda error: str(error.absolute_path))
    if errors:
        details = "\n".join(_describe(error) for error in errors[:10])
        raise SpecMismatch(f"{key}: the body does not match the spec:\n{details}")
    return op


def _describe(error: jsonschema.ValidationError) -> str:
    leaves = _leaves(error)
    return "\n".join(
        f"  at {'/'.join(map(str, leaf.absolute_path)) or '(root)'}: {leaf.message[:300]}"
        for leaf in leaves[:3]
    )


def _leaves(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The reasons of a failure; for a ``oneOf``/``anyOf``, those of the branch meant (the
    one whose ``type`` matched), not of every branch."""
    if not error.context:
        return [error]
    branches: dict[object, list[jsonschema.ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def wrong_kind(errors: list[jsonschema.ValidationError]) -> bool:
        return any(
            (e.validator == "type" and e.absolute_path == error.absolute_path)
            or (e.validator == "enum" and list(e.absolute_path)[-1:] == ["type"])
            for e in errors
        )

    meant = [errors for errors in branches.values() if not wrong_kind(errors)]
    chosen = min(meant or list(branches.values()), key=len)
    return [leaf for sub in chosen for leaf in _leaves(sub)]


def _allowance(op: Operation, status: int) -> Allowance:
    allowance = UNDOCUMENTED_STATUSES.get(status)
    applies = allowance is not None and (
        allowance.applies == "any"
        or (allowance.applies == "input" and op.takes_input)
        or (allowance.applies == "path-id" and op.has_path_id)
    )
    if allowance is None or not applies:
        raise SpecMismatch(
            f"{op.method} {op.template}: status {status} is not documented "
            f"(the spec lists {op.statuses}) and not in the allow-list"
        )
    return allowance


def validate_response(
    response: requests.Response, *, template: str | None = None, strict: bool = False
) -> Operation:
    """Validate a ``requests`` response to a request made to the API (``.../v1/...``); an
    answer to a request with the ``fields`` filter is validated as ``partial``."""
    request = response.request
    assert request.method is not None and request.url is not None
    raw = response.content
    try:
        body = json.loads(raw) if raw else None
    except ValueError as error:
        where = f"{request.method} {request.url}"
        raise SpecMismatch(f"{where}: body is not JSON: {raw[:200]!r}") from error
    return validate_answer(
        request.method,
        request.url,
        response.status_code,
        body,
        content_type=response.headers.get("Content-Type") if raw else None,
        raw_body=raw,
        template=template,
        strict=strict,
        partial="fields" in parse_qs(urlsplit(request.url).query),
    )


# the accounts service -------------------------------------------------------------------------
# The spec covers the Web API only; of the accounts service it gives the token URL and the
# scopes (components.securitySchemes.oauth_2_0). The token answer's shape is RFC 6749 5.1/5.2.

TOKEN_SCHEMA: Schema = {
    "type": "object",
    "required": ["access_token", "token_type", "expires_in", "scope"],
    "properties": {
        "access_token": {"type": "string", "minLength": 1},
        "token_type": {"enum": ["Bearer"]},
        "expires_in": {"type": "integer", "minimum": 1},
        "refresh_token": {"type": "string", "minLength": 1},
        "scope": {"type": "string"},
    },
}
TOKEN_ERROR_SCHEMA: Schema = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"enum": ["invalid_request", "invalid_client", "invalid_grant",
                           "unauthorized_client", "unsupported_grant_type", "invalid_scope"]},
        "error_description": {"type": "string"},
    },
}


def spec_scopes() -> frozenset[str]:
    flows = load_spec()["components"]["securitySchemes"]["oauth_2_0"]["flows"]
    return frozenset(flows["authorizationCode"]["scopes"])


def spec_token_path() -> str:
    flows = load_spec()["components"]["securitySchemes"]["oauth_2_0"]["flows"]
    return urlsplit(flows["authorizationCode"]["tokenUrl"]).path


def validate_token_response(response: requests.Response) -> dict[str, Any]:
    """A token endpoint answer: 200 with a token whose scopes the spec knows, or a 400/401
    OAuth error. Returns the decoded body."""
    request_path = urlsplit(response.request.url or "").path
    if request_path != spec_token_path():
        raise SpecMismatch(f"token endpoint at {request_path}, the spec says {spec_token_path()}")
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        raise SpecMismatch(f"token answer is not JSON: {response.headers.get('Content-Type')}")
    body = response.json()
    if response.status_code == 200:
        _check(TOKEN_SCHEMA, body, "token answer")
        unknown = set(body["scope"].split()) - spec_scopes()
        if unknown:
            raise SpecMismatch(f"token grants scopes the spec does not know: {sorted(unknown)}")
    elif response.status_code in (400, 401):
        _check(TOKEN_ERROR_SCHEMA, body, "token error")
    else:
        raise SpecMismatch(f"token endpoint answered {response.status_code}")
    return dict(body)


def _check(schema: Schema, body: Any, what: str) -> None:
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(body))
    if errors:
        raise SpecMismatch(f"{what} does not match: " + "; ".join(e.message for e in errors))
