"""The HTML report's markup rules, without a browser: escaping, safe links, a self-contained
head. (tests/e2e/test_html_report.py loads real reports in Chromium.)"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from transfer.journal import RunKind, RunState
from transfer.models import Account, Category
from transfer.plan import PlanOptions, SkipReason
from transfer.report import ApiCalls, ReportDocument, RunInfo, SkippedItem, Summary
from transfer.report.html import html_report_path, render_html_report, write_html_report
from transfer.report.html_markup import Html, h, join, link, name

MOMENT = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_text_and_attributes_are_escaped_and_only_html_goes_in_as_it_is() -> None:
    assert h("td", '<b>"x" & y</b>') == "<td>&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;</td>"
    assert h("a", "x", title='" onmouseover="boom') == \
        '<a title="&quot; onmouseover=&quot;boom">x</a>'
    assert h("p", Html("<em>kept</em>"), None, 3) == "<p><em>kept</em>3</p>"
    assert h("td", "x", class_="n", data_reason="local_file", hidden=True, dir=None) == \
        '<td class="n" data-reason="local_file" hidden>x</td>'
    assert h("br") == "<br>"
    with pytest.raises(ValueError):
        h("br", "text")
    assert join([h("b", "1"), h("b", "2")], " & ") == "<b>1</b> &amp; <b>2</b>"


def test_links_go_only_to_spotify_or_a_report_file_beside_the_page() -> None:
    spotify = link("https://open.spotify.com/track/abc", "open")
    assert spotify == ('<a href="https://open.spotify.com/track/abc" rel="noopener noreferrer"'
                       ' target="_blank">open</a>')
    assert link("1-20260501T120000Z.json", "json") == '<a href="1-20260501T120000Z.json">json</a>'
    for address in ("javascript:alert(1)", "https://evil.example/x", "../../etc/passwd.json",
                    None):
        assert link(address, "x") == "<span>x</span>"


def test_names_are_isolated_and_a_missing_one_says_so() -> None:
    assert name("فيروز") == '<bdi dir="auto">فيروز</bdi>'
    assert name("") == '<span class="muted">(no name)</span>'


def _document(**changes: object) -> ReportDocument:
    base = ReportDocument(
        generated_at=MOMENT,
        run=RunInfo(id=4, kind=RunKind.TRANSFER, state=RunState.PAUSED, complete=False,
                    resumed=False, origin="live", started_at=MOMENT, ended_at=MOMENT,
                    resume_at=MOMENT, message="Spotify's request quota is spent.",
                    resume_command="spotify-transfer transfer"),
        source=Account(id="alex.old", display_name="</title><script>x()</script>"),
        target=Account(id="alex.new"),
        options=PlanOptions(),
        summary=Summary(done=1, left=2, failed=0, skipped_by_reason={"local_file": 1}),
        categories=[], playlists=[],
        skipped=[SkippedItem(key="skip:local_file:p#0", reason=SkipReason.LOCAL_FILE,
                             reason_text=SkipReason.LOCAL_FILE.text, already_there=False,
                             category=Category.PLAYLISTS, name="Demo", position=0,
                             playlist_id="p", playlist_name="Mix")],
        failures=[], warnings=[], notes=[],
        api_calls=ApiCalls(by_endpoint={"GET /me": 1}, reads=1, writes=0, total=1),
    )
    return base.model_copy(update=changes)


def test_the_page_is_self_contained_utf8_and_escapes_the_accounts() -> None:
    page = render_html_report(_document(), "4-x.json")
    head = page[: page.index("</head>")]
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head>"
                           "<meta charset=\"utf-8\">")
    assert "Content-Security-Policy" in head and "default-src 'none'" in head
    assert "<script" not in page and "&lt;/title&gt;&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page.replace(
        "https://open.spotify.com/", "")
    assert "Transfer paused" in page and "<code>spotify-transfer transfer</code>" in page


def test_the_file_is_written_beside_the_json_report(tmp_path: Path) -> None:
    json_path = tmp_path / "reports" / "4-20260501T120000Z.json"
    path = write_html_report(_document(), html_report_path(json_path))
    assert path == tmp_path / "reports" / "4-20260501T120000Z.html"
    text = path.read_text(encoding="utf-8")
    assert 'href="4-20260501T120000Z.json"' in text
