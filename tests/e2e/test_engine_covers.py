"""A transfer from a snapshot uploads the cover bytes the snapshot kept: Spotify's image URLs
expire (a new upload retires the old one), and the snapshot may be all that is left."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import make_adapter
from tests.e2e.engine_support import make_world
from transfer.config import Settings
from transfer.export import read_library, write_snapshot
from transfer.journal import RunState
from transfer.plan import UploadCover
from transfer.sandbox.builtin import builtin_facts
from transfer.sandbox.covers import cover_jpeg
from transfer.sandbox.server import SandboxServer

pytestmark = pytest.mark.e2e


def test_a_snapshot_gives_its_cover_bytes_when_the_url_expired(
        fresh_sandbox: SandboxServer, point_at: Callable[[SandboxServer], Settings],
        tmp_path: Path) -> None:
    world = make_world(fresh_sandbox, point_at)
    covered = builtin_facts().custom_cover_playlist_ids[0]
    before = next(p for p in world.before.playlists if p.id == covered)
    snapshot = tmp_path / "old.json"
    write_snapshot(read_library(make_adapter(world.settings, "source", [])), snapshot)
    make_adapter(world.settings, "source", []).upload_cover(covered, cover_jpeg(9))
    with world.journal() as journal:
        engine = world.engine(journal, snapshot=snapshot)
        prepared = engine.prepare()
        uploads = [a for a in prepared.plan.writes if isinstance(a, UploadCover)
                   and a.source_playlist_id == covered]
        assert uploads and uploads[0].jpeg_base64 is not None
        report = engine.apply(prepared)
        copy_id = journal.links()[covered].target_playlist_id
    assert report.state is RunState.DONE and not report.failures, report.warnings
    copy = next(p for p in world.server.state.dump().playlists if p.id == copy_id)
    assert copy.cover is not None and before.cover is not None
    assert copy.cover.jpeg_base64 == before.cover.jpeg_base64
