"""The test browser helper: where it looks for Chromium and why it would skip, and the DOM
parser the HTML report tests read the browser's answer with."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.browser import DomTree, find_chromium, install_chromium


def test_chromium_is_looked_up_by_its_usual_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which",
                        lambda name: "/opt/bin/chromium-browser" if name == "chromium-browser"
                        else None)
    assert find_chromium() == Path("/opt/bin/chromium-browser")


def test_without_root_or_apt_it_says_why_it_cannot_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    said: list[str] = []
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "not run as root" in (install_chromium(said.append) or "")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert "no apt-get" in (install_chromium(said.append) or "")
    assert said == [], "nothing is announced when nothing is installed"


def test_the_dom_parser_keeps_text_in_reading_order_and_finds_by_attributes() -> None:
    dom = DomTree('<table class="t"><tr><td>#2 in <a href="u"><bdi dir="auto">مرحبا</bdi></a>'
                  ' now<br>next</td></tr></table>')
    cell = dom.find_all("td")[0]
    assert cell.text == "#2 in مرحبا now next"
    assert [a.attributes["href"] for a in dom.find_all("table", class_="t")[0].find_all("a")] \
        == ["u"]
    assert dom.find_all("bdi", dir="auto")[0].text == "مرحبا"
