"""The upload box: a file read as the source instead of the old account (``--from-file``), and
``demo --app`` starting the app on the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.app.app_support import ROOT, TARGET_USER, Rig, poll
from tests.conftest import log_in_headless


@pytest.fixture
def target_only(rig: Rig) -> Iterator[Rig]:
    log_in_headless(rig.settings(), rig.sandbox, {"target": TARGET_USER})
    rig.start_app()
    yield rig


def test_links_file_uploaded_as_the_source(target_only: Rig) -> None:
    rig = target_only
    client = httpx.Client(base_url=rig.origin, trust_env=False, timeout=30)
    client.get(rig.state.launch.start_url())
    uri = rig.before.playlists[1].entries[0].uri
    links = f"# name: From my notes\n{uri}\nnot a link\n".encode()
    answer = client.post("/choose/upload", data={"csrf": rig.state.launch.csrf},
                         files={"source": ("links.txt", links, "text/plain")})
    assert answer.status_code == 303
    assert rig.state.source_file is not None and rig.state.source_file.name == "links.txt"
    page = client.get("/choose").text
    assert "From my notes" in page and "links.txt" in page
    assert client.get("/plan").status_code == 200
    job = rig.state.job
    assert job is not None
    poll(lambda: job.phase in ("planned", "failed"), what="the plan")
    assert job.phase == "planned", job.message
    assert "From my notes" in client.get("/plan").text
    bad = client.post("/choose/upload", data={"csrf": rig.state.launch.csrf},
                      files={"source": ("empty.txt", b"nothing here\n", "text/plain")})
    assert bad.status_code == 400 and "links.txt" in bad.text
    assert rig.state.source_file.name == "links.txt"


def test_demo_app_starts_on_the_sandbox_with_the_setup_filled_in() -> None:
    process = subprocess.Popen([sys.executable, "-m", "transfer", "demo", "--app",
                                "--no-browser"], cwd=ROOT, env=dict(os.environ), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert process.stdout is not None
        address = next(line.strip() for line in process.stdout if "/enter?key=" in line)
        client = httpx.Client(base_url=address.split("/enter")[0], trust_env=False, timeout=30)
        client.get(address)
        setup = client.get("/setup").text
        assert 'value="sandbox-client-id"' in setup and "demo" in setup
        assert "alex.old" in client.get("/connect").text
    finally:
        process.terminate()
        process.wait(10)
