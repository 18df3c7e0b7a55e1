"""Spotify's ``fields`` filter for playlist answers.

``fields=total,limit`` keeps those keys; ``a.b`` and ``a(b,c)`` drill into an object, or into
every element of a list; ``!name`` drops a key (``album(!name,href)``: a ``!`` beside kept keys
changes nothing, beside none it keeps everything else).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from transfer.sandbox.apierror import bad_request


@dataclass
class FieldSpec:
    keep: dict[str, FieldSpec | None] = field(default_factory=dict)
    """Kept keys; None keeps the whole value."""
    drop: set[str] = field(default_factory=set)

    def add(self, name: str, sub: FieldSpec | None) -> None:
        if name in self.keep:
            held = self.keep[name]
            self.keep[name] = None if held is None or sub is None else held.merged(sub)
        else:
            self.keep[name] = sub

    def merged(self, other: FieldSpec) -> FieldSpec:
        result = FieldSpec(dict(self.keep), self.drop | other.drop)
        for name, sub in other.keep.items():
            result.add(name, sub)
        return result


def parse_fields(text: str) -> FieldSpec:
    """Parse a ``fields`` value; 400 when it is not well formed."""
    parser = _Parser(text.replace(" ", ""))
    spec = parser.field_list()
    if parser.at < len(parser.text):
        raise bad_request("Invalid fields parameter")
    return spec


def apply_fields(value: Any, spec: FieldSpec) -> Any:
    if isinstance(value, list):
        return [apply_fields(item, spec) for item in value]
    if not isinstance(value, dict):
        return value
    if not spec.keep:
        return {key: item for key, item in value.items() if key not in spec.drop}
    kept = {}
    for key, sub in spec.keep.items():
        if key in value:
            kept[key] = value[key] if sub is None else apply_fields(value[key], sub)
    return kept


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def field_list(self) -> FieldSpec:
        spec = FieldSpec()
        while True:
            self.field(spec)
            if not self._take(","):
                return spec

    def field(self, spec: FieldSpec) -> None:
        excluded = self._take("!")
        name = self._name()
        if excluded:
            spec.drop.add(name)
            return
        sub: FieldSpec | None = None
        if self._take("."):
            sub = FieldSpec()
            self.field(sub)
        elif self._take("("):
            sub = self.field_list()
            if not self._take(")"):
                raise bad_request("Invalid fields parameter")
        spec.add(name, sub)

    def _name(self) -> str:
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in ",.()!":
            self.at += 1
        if self.at == start:
            raise bad_request("Invalid fields parameter")
        return self.text[start:self.at]

    def _take(self, char: str) -> bool:
        if self.at < len(self.text) and self.text[self.at] == char:
            self.at += 1
            return True
        return False
