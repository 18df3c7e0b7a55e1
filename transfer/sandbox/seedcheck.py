"""Checks that a seed's references resolve before the sandbox loads it."""

from __future__ import annotations

from transfer.errors import InputError
from transfer.sandbox.seed import SandboxSeed


def check_seed(seed: SandboxSeed) -> None:
    """Refuse a seed whose references do not resolve, with the first few problems named."""
    problems: list[str] = []
    users = {user.id for user in seed.users}
    ids = {
        "track": {item.id for item in seed.catalog.tracks},
        "episode": {item.id for item in seed.catalog.episodes},
    }
    problems += [f"user {u!r} of allowed_user_ids is unknown"
                 for u in seed.app.allowed_user_ids if u not in users]
    for playlist in seed.playlists:
        if playlist.owner_id not in users:
            problems.append(f"playlist {playlist.id}: unknown owner {playlist.owner_id!r}")
        for entry in playlist.entries:
            if (entry.uri is None) == (entry.local is None):
                problems.append(f"playlist {playlist.id}: an entry needs exactly one of uri, local")
            elif entry.uri is not None:
                kind, _, item_id = entry.uri.removeprefix("spotify:").partition(":")
                if item_id not in ids.get(kind, set()):
                    problems.append(f"playlist {playlist.id}: unknown entry {entry.uri!r}")
    problems += [f"libraries: unknown user {u!r}" for u in seed.libraries if u not in users]
    problems += [f"refresh token of unknown user {t.user_id!r}"
                 for t in seed.refresh_tokens if t.user_id not in users]
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InputError(f"The sandbox seed is inconsistent: {shown}{more}")
