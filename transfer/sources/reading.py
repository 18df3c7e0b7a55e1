"""``read_source``: find what a path holds and read every part of it into one library."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from transfer.errors import InputError
from transfer.export import load_snapshot
from transfer.sources import download, exportify, links
from transfer.sources.build import build_library
from transfer.sources.members import MAX_MEMBER_BYTES, Member, members
from transfer.sources.model import Collected, Problem, SourceFile

SNAPSHOT = "spotify-transfer snapshot"
FORMATS = ("a Spotify data download (zip or folder), Exportify CSVs, a list of Spotify links, "
           "or a snapshot from `spotify-transfer export`")
SHOWN_PROBLEMS = 10


def read_source(path: Path) -> SourceFile:
    """The library ``path`` holds, with what was left out; ``InputError`` (exit 2) when it holds
    nothing that can be moved, listing why line by line."""
    if _larger_than_any_export(path):  # only a snapshot may be that large (up to its own cap)
        library = load_snapshot(path)
        return build_library(path, Collected.empty(), snapshot=library, kind=SNAPSHOT)
    found = list(members(path))
    if len(found) == 1 and path.is_file() and found[0].name == path.name:
        single = found[0]
        text = _text(single)
        if not _recognised(single) and (text is None or not text.strip()
                                        or _json_text(single) is not None):
            library = load_snapshot(path)  # a snapshot, or the clear error of a damaged one
            return build_library(path, Collected.empty(), snapshot=library, kind=SNAPSHOT)
    collected = Collected.empty()
    for member in found:
        _read_member(member, collected)
    if not collected.kinds and not collected.problems:
        raise InputError(f"{path} holds no library this tool can read.",
                         advice=f"Give {FORMATS}.")
    if not collected.usable:
        listed = "; ".join(str(problem) for problem in collected.problems[:SHOWN_PROBLEMS])
        more = len(collected.problems) - SHOWN_PROBLEMS
        raise InputError(
            f"{path} holds nothing that can be moved"
            + (f": {listed}" if listed else " (it is empty)")
            + (f"; and {more} more" if more > 0 else "") + ".",
            advice="Fix the lines named, or give another file.",
        )
    return build_library(path, collected)


def _larger_than_any_export(path: Path) -> bool:
    try:
        return path.is_file() and not zipfile.is_zipfile(path) \
            and path.stat().st_size > MAX_MEMBER_BYTES
    except OSError:
        return False  # the reading below says what is wrong


def _json_text(member: Member) -> str | None:
    text = _text(member)
    if text is None or not text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
        return None
    return text


def _json(member: Member, into: Collected | None = None) -> object:
    """The JSON document ``member`` holds; None when it is not valid JSON, is nested too deeply
    or holds a number no export has (a problem of ``into``, when given)."""
    try:
        return json.loads(_text(member) or "")
    except json.JSONDecodeError as error:
        why = (f"{member.name}:{error.lineno}",
               f"not valid JSON ({error.msg}, column {error.colno}): truncated or corrupt")
    except RecursionError:
        why = (member.name, "nested too deeply to be an export")
    except ValueError as error:  # an integer of thousands of digits
        why = (member.name, f"holds a number no export has ({error})")
    if into is not None:
        into.problems.append(Problem(why[0], f"{why[1]}; file left out"))
    return None


def _text(member: Member) -> str | None:
    try:
        return member.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _recognised(member: Member) -> bool:
    """True when ``member`` is a part of a data download, a CSV export or a list of links."""
    if _json_text(member) is not None:
        return _download_part(_json(member))
    text = _text(member)
    return text is not None and (exportify.header_of(text) is not None
                                 or links.looks_like_links(text))


def _download_part(document: object) -> bool:
    return (download.is_playlists(document) or download.is_library(document)
            or download.is_userdata(document))


def _read_member(member: Member, into: Collected) -> None:
    if _json_text(member) is not None:
        document = _json(member, into)
        if isinstance(document, dict):
            if download.is_playlists(document):
                download.read_playlists(member.name, document, into)
            elif download.is_library(document):
                download.read_library(member.name, document, into)
            elif download.is_userdata(document) and member.stem.lower() == "userdata":
                into.username = str(document["username"])
        return
    text = _text(member)
    if text is None:
        return
    if exportify.header_of(text) is not None:
        exportify.read_csv(member.name, member.stem, text, into)
    elif links.looks_like_links(text):
        links.read_links(member.name, member.stem, text, into)
