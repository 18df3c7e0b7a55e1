"""A real headless browser for tests: Debian's Chromium, found on the machine or installed once
per test session (as root, with apt), else the tests that need it are skipped with the reason.

``chromium`` (a session fixture) gives a :class:`Chromium` that loads a local file with the
network and every background service off and returns the DOM after load (``dump_dom``) or a
PNG screenshot (``screenshot``); ``playwright_chromium`` drives that same executable with
Playwright (``executable_path``: no browser is ever downloaded). Import the fixture into a test
module to use it::

    from tests.browser import chromium  # noqa: F401  (a fixture)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN_PATH = Path("/usr/bin/chromium")
INSTALL_TIMEOUT_S = 900
RUN_TIMEOUT_S = 60
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
    "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
)


@dataclass(frozen=True)
class Chromium:
    executable: Path

    def dump_dom(self, page: Path, extra: tuple[str, ...] = ()) -> str:
        """The DOM of ``page`` after it loaded, serialised by the browser."""
        return self._run("--dump-dom", *extra, page.resolve().as_uri())

    def screenshot(self, page: Path, picture: Path, width: int = 1280, height: int = 1600
                   ) -> Path:
        self._run(f"--screenshot={picture}", f"--window-size={width},{height}",
                  page.resolve().as_uri())
        if not picture.exists():
            raise AssertionError(f"Chromium wrote no screenshot to {picture}")
        return picture

    def _run(self, *arguments: str) -> str:
        with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
            result = subprocess.run(
                [str(self.executable), *FLAGS, f"--user-data-dir={profile}", *arguments],
                capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
                env={**os.environ, "HOME": profile},
            )
        if result.returncode != 0:
            raise AssertionError(f"Chromium failed ({result.returncode}): {result.stderr[-2000:]}")
        return result.stdout


def find_chromium() -> Path | None:
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return DEBIAN_PATH if DEBIAN_PATH.exists() else None


def install_chromium(say: Callable[[str], None]) -> str | None:
    """Install Debian's chromium with apt (root only); None when done, else why it could not."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "Chromium is not installed and the tests do not run as root to install it"
    apt = shutil.which("apt-get")
    if apt is None:
        return "Chromium is not installed and there is no apt-get to install it"
    say("Chromium not found: installing Debian's chromium with apt-get (once per session, "
        "this takes a minute or two)...")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update"], [apt, "install", "-y", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, env=environment,
                                timeout=INSTALL_TIMEOUT_S, check=False)
        if result.returncode != 0:
            return f"`{' '.join(command)}` failed: {result.stderr.strip()[-500:]}"
    return None


@pytest.fixture(scope="session")
def chromium(request: pytest.FixtureRequest) -> Iterator[Chromium]:
    """Headless Chromium, installed first if need be; the test is skipped if none can be."""
    executable = find_chromium()
    if executable is None:
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")

        def say(line: str) -> None:
            if reporter is not None:
                reporter.write_line(line)

        problem = install_chromium(say)
        executable = find_chromium()
        if executable is None:
            pytest.skip(f"No headless browser for the HTML report tests: {problem}")
        say(f"Chromium installed: {executable}")
    yield Chromium(executable)


class DomTree(HTMLParser):
    """A browser's serialised DOM, parsed into elements with their attributes and text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {key: value or "" for key, value in attrs}, [])
        if self._open:
            self._open[-1].nodes.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].nodes.append(data)

    def find_all(self, tag: str, **attributes: str) -> list[Element]:
        """Elements by tag and exact attribute values (``class_`` for class)."""
        return [element for element in self.elements
                if element.tag == tag and element.has(**attributes)]


VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "col", "source", "area", "base"}


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]
    nodes: list[Element | str]

    @property
    def text(self) -> str:
        """All the text inside in document order, as a reader sees it (spaces collapsed)."""
        parts = [node if isinstance(node, str) else f" {node.text} " for node in self.nodes]
        return " ".join("".join(parts).split())

    @property
    def children(self) -> list[Element]:
        return [node for node in self.nodes if isinstance(node, Element)]

    def has(self, **attributes: str) -> bool:
        return all(self.attributes.get(key.rstrip("_").replace("_", "-")) == value
                   for key, value in attributes.items())

    def find_all(self, tag: str, **attributes: str) -> list[Element]:
        found = []
        for child in self.children:
            if child.tag == tag and child.has(**attributes):
                found.append(child)
            found.extend(child.find_all(tag, **attributes))
        return found


PLAYWRIGHT_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run",
                   "--disable-extensions", "--disable-default-apps", "--mute-audio",
                   "--no-proxy-server")
"""Chromium's switches when Playwright drives it (it adds --headless itself)."""


@pytest.fixture(scope="session")
def playwright_chromium(chromium: Chromium) -> Iterator[object]:
    """A Playwright ``Browser`` driving the same system Chromium (never a downloaded one)."""
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed (the test extra)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium.executable),
                                             args=list(PLAYWRIGHT_ARGS), headless=True)
        try:
            yield browser
        finally:
            browser.close()
