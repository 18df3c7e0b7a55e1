"""The HTML report: the JSON report document as a page a person would rather read than a log.

One self-contained file beside the JSON report (same name, ``.html``): the style is inline,
nothing is fetched (a Content-Security-Policy forbids it, and scripts with it), and no script is
needed to read it. Every name is escaped and isolated, so names in any script and direction
read correctly and a playlist called ``<script>`` is just text. Links open items in Spotify's
web player (``https://open.spotify.com/<kind>/<id>``).
"""

from __future__ import annotations

from pathlib import Path

from transfer.files import write_atomically
from transfer.report.document import ReportDocument
from transfer.report.html_markup import Html, h, join
from transfer.report.html_sections import (
    already_there,
    api_calls,
    cards,
    categories_table,
    failures,
    footer,
    heading,
    messages,
    not_moved,
    playlists_table,
    title,
)
from transfer.report.html_style import STYLE

CONTENT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                  "base-uri 'none'; form-action 'none'")


def html_report_path(json_path: Path) -> Path:
    """Where the HTML report of the JSON report at ``json_path`` goes: beside it."""
    return json_path.with_suffix(".html")


def render_html_report(document: ReportDocument, json_name: str | None = None) -> str:
    """The page, as text. ``json_name`` is the JSON report's file name, linked at the foot."""
    head = h("head",
             Html('<meta charset="utf-8">'),
             Html('<meta name="viewport" content="width=device-width, initial-scale=1">'),
             Html(f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">'),
             Html('<meta name="referrer" content="no-referrer">'),
             h("title", f"{title(document)}: {_pair(document)}"),
             h("style", Html(STYLE)))
    body = h("body",
             h("header", heading(document), cards(document)),
             h("main", join([
                 h("section", categories_table(document.categories), id="categories"),
                 h("section", playlists_table(document.playlists), id="playlists"),
                 h("section", not_moved(document.skipped), id="not-moved"),
                 h("section", failures(document), id="failures"),
                 h("section", already_there(document.skipped), id="already-there"),
                 h("section", messages(document), id="messages"),
                 h("section", api_calls(document), id="api-calls"),
             ])),
             footer(document, json_name))
    return "<!DOCTYPE html>\n" + h("html", head, body, lang="en", dir="ltr") + "\n"


def write_html_report(document: ReportDocument, path: Path) -> Path:
    """Write the page to ``path`` (atomically: a reader never sees half of it); the path.

    Called with :func:`html_report_path` of the JSON report's path, the page links to it.
    """
    json_name = path.with_suffix(".json").name
    write_atomically(path, render_html_report(document, json_name).encode("utf-8"), "report")
    return path


def _pair(document: ReportDocument) -> str:
    source = document.source.display_name or document.source.id
    target = document.target.display_name or document.target.id
    return f"{source} → {target}"
