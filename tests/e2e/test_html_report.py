"""The HTML report of real runs against the sandbox, loaded in a real headless Chromium: the DOM
the browser built is checked (tables, links into Spotify, names in Cyrillic, Arabic and Hebrew
with their direction as rendered, a playlist named ``<script>`` shown as text), not the file's
text. The browser is found or installed by ``tests.browser``."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.browser import Chromium, DomTree, Element
from tests.browser import chromium as chromium  # the fixture
from tests.conftest import SOURCE_USER, TARGET_USER, log_in_headless, make_adapter
from tests.e2e.cli_support import run_cli
from transfer.config import Settings
from transfer.engine import Engine
from transfer.errors import RateLimited
from transfer.journal import Journal, journal_path
from transfer.plan import PlanOptions
from transfer.report import ReportDocument, build_report
from transfer.report.html import html_report_path, write_html_report
from transfer.sandbox.faults import Faults
from transfer.sandbox.seed import LocalFile, Playlist, PlaylistEntry, SandboxSeed
from transfer.sandbox.server import SandboxServer
from transfer.sandbox.tiny import tiny_seed

pytestmark = pytest.mark.e2e

ARABIC = "أغاني الطريق"
HEBREW_ARTIST = "אמן"
INJECTION = '<script>document.title="owned"</script><img src=x onerror=alert(1)> & "q"'
PROBE = """<script>
for (const element of document.querySelectorAll('bdi, td, li')) {
  element.setAttribute('data-direction', getComputedStyle(element).direction);
}
document.body.setAttribute('data-probe', 'ran');
</script>"""


def html_seed() -> SandboxSeed:
    """The tiny seed plus an Arabic-named playlist and one named to inject markup, holding a
    local file with a Hebrew artist."""
    seed = tiny_seed()

    def entry(uri: str) -> PlaylistEntry:
        return PlaylistEntry(uri=uri, added_at="2021-03-01T10:00:00Z", added_by=SOURCE_USER)

    local = LocalFile(name="<b>bold</b> demo", artist=HEBREW_ARTIST, album="x", duration_ms=1000)
    seed.playlists += [
        Playlist(id="plArabic", owner_id=SOURCE_USER, name=ARABIC,
                 entries=[entry("spotify:track:tr01"), entry("spotify:track:tr12")]),
        Playlist(id="plInject", owner_id=SOURCE_USER, name=INJECTION, entries=[
            entry("spotify:track:tr02"),
            PlaylistEntry(local=local, added_at="2021-03-02T10:00:00Z", added_by=SOURCE_USER)]),
    ]
    seed.libraries[SOURCE_USER].playlists += ["plArabic", "plInject"]
    return seed


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer(html_seed(), port=0) as running:
        yield running


def _engine(settings: Settings, journal: Journal) -> Engine:
    return Engine(target=make_adapter(settings, "target", []), journal=journal,
                  source=make_adapter(settings, "source", []),
                  options=PlanOptions(exclude_playlists=("Mika*",)))


def _report(settings: Settings, journal: Journal, run_id: int, folder: Path) -> Path:
    document = build_report(journal, run_id, datetime.now(UTC))
    return write_html_report(document, html_report_path(folder / f"{run_id}-report.json"))


@dataclass(frozen=True)
class Finished:
    """A complete transfer of ``html_seed``: its report, the page, and the DOM Chromium built."""

    document: ReportDocument
    page: Path
    dom: DomTree


@pytest.fixture(scope="module")
def finished(chromium: Chromium, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Finished]:
    """One transfer and one page load shared by the tests that only read it."""
    home = tmp_path_factory.mktemp("home")
    with SandboxServer(html_seed(), port=0) as running:
        settings = Settings(api_url=running.api_url, accounts_url=running.accounts_url,
                            client_id=running.client_id, home=home)
        log_in_headless(settings, running)
        with Journal.open(journal_path(home, SOURCE_USER, TARGET_USER)) as journal:
            report = _engine(settings, journal).run()
            page = _report(settings, journal, report.run_id, home)
            document = build_report(journal, report.run_id, datetime.now(UTC))
    yield Finished(document, page, DomTree(chromium.dump_dom(page)))


def _rows(dom: DomTree, table_class: str) -> list[Element]:
    tables = dom.find_all("table", class_=table_class)
    return [row for table in tables for row in table.find_all("tr")
            if not row.find_all("th", scope="col")]


def test_the_playlist_table_has_one_row_per_playlist_with_links_into_spotify(
    chromium: Chromium, finished: Finished
) -> None:
    document, dom = finished.document, finished.dom
    rows = _rows(dom, "playlists")
    assert len(rows) == len(document.playlists) == 7
    for row, playlist in zip(rows, document.playlists, strict=True):
        assert playlist.name in row.text
        assert next(a.attributes["href"] for a in row.find_all("a")) == \
            f"https://open.spotify.com/playlist/{playlist.source_id}"
    copy = next(p for p in document.playlists if p.name == ARABIC)
    arabic_row = rows[document.playlists.index(copy)]
    assert f"https://open.spotify.com/playlist/{copy.target_id}" in \
        [a.attributes["href"] for a in arabic_row.find_all("a")]
    assert "copy created done" in arabic_row.text and "1 of 2" in arabic_row.text


def test_skipped_items_are_listed_by_reason_with_links_to_open_them(
    chromium: Chromium, finished: Finished
) -> None:
    document, dom = finished.document, finished.dom
    tables = {table.attributes["data-reason"]: table
              for table in dom.find_all("table", class_="skipped")}
    assert set(tables) == {"local_file", "unavailable", "excluded"}
    excluded = _rows(dom, "skipped")
    mika = next(row for row in excluded if "Mika's mix" in row.text)
    assert [a.attributes["href"] for a in mika.find_all("a", class_="open")] == \
        ["https://open.spotify.com/playlist/plMika"]
    local = next(row for row in tables["local_file"].find_all("tr") if "bold" in row.text)
    assert "<b>bold</b> demo" in local.text and "not on Spotify" in local.text
    assert f"#2 in {INJECTION}" in local.text
    headings = [h3.text for h3 in dom.find_all("h3")]
    assert "unavailable on Spotify (withdrawn or not playable) (2)" in headings
    assert sum(1 for item in document.skipped if not item.already_there) == 5


def test_a_name_made_of_markup_is_shown_as_text_and_never_runs(
    chromium: Chromium, finished: Finished
) -> None:
    dom = finished.dom
    assert not dom.find_all("script") and not dom.find_all("img") and not dom.find_all("b")
    assert dom.find_all("title")[0].text.startswith("Transfer complete")
    assert any(bdi.text == INJECTION for bdi in dom.find_all("bdi"))


def test_names_keep_their_script_and_right_to_left_names_are_rendered_right_to_left(
    chromium: Chromium, finished: Finished, tmp_path: Path
) -> None:
    """The page's own policy forbids scripts, so a copy without it runs a probe that records
    the direction the browser gave each element."""
    page = finished.page
    markup = page.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in markup[:200]
    probed = tmp_path / "probed.html"
    probed.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "",
                             markup).replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = DomTree(chromium.dump_dom(probed))
    assert dom.find_all("body")[0].attributes.get("data-probe") == "ran"
    directions = {bdi.text: bdi.attributes.get("data-direction") for bdi in dom.find_all("bdi")}
    assert directions[ARABIC] == "rtl"
    assert directions[HEBREW_ARTIST] == "rtl"
    assert directions["Пусто"] == "ltr" and directions["Road trip 🚗"] == "ltr"
    assert directions[INJECTION] == "ltr"


def test_the_page_fetches_nothing_and_its_policy_stops_any_script(
    chromium: Chromium, finished: Finished, tmp_path: Path
) -> None:
    page, dom = finished.page, finished.dom
    assert not dom.find_all("link") and not dom.find_all("iframe")
    assert not [e for e in dom.elements if "src" in e.attributes or "srcset" in e.attributes]
    hrefs = [a.attributes["href"] for a in dom.find_all("a")]
    assert hrefs and all(href.startswith("https://open.spotify.com/") or
                         href.endswith(".json") for href in hrefs)
    tampered = tmp_path / "tampered.html"
    tampered.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                        encoding="utf-8")
    assert "data-probe" not in DomTree(chromium.dump_dom(tampered)).find_all("body")[0].attributes


def test_a_paused_run_says_when_to_resume_and_how(
    chromium: Chromium, server: SandboxServer, point_at: Callable[[SandboxServer], Settings],
    tmp_path: Path,
) -> None:
    settings = point_at(server)
    with Journal.open(journal_path(settings.home, SOURCE_USER, TARGET_USER)) as journal:
        engine = _engine(settings, journal)
        prepared = engine.prepare()
        server.reset_quota()
        server.set_faults(Faults(quota=2, quota_retry_after=3600))
        with pytest.raises(RateLimited):
            engine.apply(prepared)
        run_id = journal.runs(limit=1)[0].id
        page = _report(settings, journal, run_id, tmp_path)
    dom = DomTree(chromium.dump_dom(page))
    assert dom.find_all("h1")[0].text.startswith("Transfer paused")
    notice = dom.find_all("div", class_="notice")[0]
    assert "spotify-transfer transfer" in [code.text for code in notice.find_all("code")]
    assert notice.find_all("time"), "the time it may resume"
    cards = {li.text.split(" ", 1)[1]: li.text.split(" ", 1)[0]
             for li in dom.find_all("ul", class_="cards")[0].find_all("li")}
    assert cards["moved"] == "2" and int(cards["left to do"]) > 0


def test_a_screenshot_of_the_report(
    chromium: Chromium, finished: Finished, tmp_path: Path
) -> None:
    page = finished.page
    picture = chromium.screenshot(page, tmp_path / "report.png", width=1100, height=1500)
    data = picture.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1100, 1500)
    assert len(data) > 20_000, "a page with tables and text, not a blank one"


def test_every_transfer_writes_the_page_beside_its_json_report(
    chromium: Chromium, server: SandboxServer, point_at: Callable[[SandboxServer], Settings],
) -> None:
    settings = point_at(server)
    result = run_cli("transfer", "--yes")
    assert result.exit_code == 0, result.output
    folder = settings.home / "reports" / f"{SOURCE_USER}__{TARGET_USER}"
    (json_report,) = folder.glob("*.json")
    page = html_report_path(json_report)
    assert str(page) in result.output, "the path is printed"
    dom = DomTree(chromium.dump_dom(page))
    assert dom.find_all("h1")[0].text.startswith("Transfer complete")
    footer_links = [a.attributes["href"] for a in dom.find_all("footer")[0].find_all("a")]
    assert footer_links == [json_report.name]
    assert len(_rows(dom, "playlists")) == len(html_seed().libraries[SOURCE_USER].playlists)
