"""The sections of the HTML report, each made from the JSON report document alone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import groupby

from transfer.journal import RunState
from transfer.models import Category
from transfer.plan import SkipReason
from transfer.render.words import CATEGORY_NAMES, list_place, number, plural
from transfer.report.document import ReportDocument
from transfer.report.html_markup import Html, h, join, link, name
from transfer.report.results import CategoryResult, PlaylistResult, SkippedItem
from transfer.report.summary import LABELS, ORDER

CHANGE_WORDS = {"create": "copy created", "update": "copy updated", "follow": "followed",
                "unchanged": "already there", "skip": "not moved"}
STATUS_WORDS = {"done": "done", "partial": "partly done", "left": "not done yet",
                "failed": "failed", "already_there": "already there", "skipped": "not moved"}
RELATION_WORDS = {"owned": "yours", "collaborator": "you collaborate", "followed": "followed"}


def when(moment: datetime | None) -> Html:
    if moment is None:
        return h("span", "—", class_="muted")
    local = moment.astimezone()
    return h("time", local.strftime("%Y-%m-%d %H:%M:%S %Z"), datetime=moment.isoformat())


def title(document: ReportDocument) -> str:
    run = document.run
    kind = run.kind.value.capitalize()
    if run.state is RunState.DONE:
        return f"{kind} complete" if run.complete else f"{kind} done, with failures"
    words = {RunState.PAUSED: "paused", RunState.INTERRUPTED: "interrupted",
             RunState.FAILED: "stopped by an error", RunState.RUNNING: "stopped (killed)"}
    return f"{kind} {words[run.state]}"


def heading(document: ReportDocument) -> Html:
    run = document.run
    source, target = document.source, document.target
    pair = h("p", _account(source.display_name, source.id), " → ",
             _account(target.display_name, target.id), class_="pair")
    origin = "the live account" if run.origin == "live" else f"the snapshot {run.origin}"
    meta = h("p", f"Run {run.id}{' (resumed)' if run.resumed else ''} · started ",
             when(run.started_at), " · ended ", when(run.ended_at), f" · source read from {origin}",
             class_="muted")
    return join([h("h1", title(document), " ", h("span", run.state.value,
                                                  class_=f"state state-{run.state.value}")),
                 pair, meta, _notice(document)])


def _account(display_name: str | None, user_id: str) -> Html:
    if not display_name:
        return h("bdi", user_id)
    return join([name(display_name), Html(" "), h("span", f"({user_id})", class_="muted")])


def _notice(document: ReportDocument) -> Html:
    run = document.run
    if run.resume_command is None:
        return Html("")
    reason = h("p", run.message) if run.message and run.state is not RunState.DONE else Html("")
    if run.state is RunState.PAUSED:
        step = h("p", "Spotify asked to wait. Run ", h("code", run.resume_command), " after ",
                 when(run.resume_at), " to finish it.")
    else:
        step = h("p", "Progress is saved: run ", h("code", run.resume_command), " to finish it.")
    return h("div", reason, step, class_="notice")


def cards(document: ReportDocument) -> Html:
    summary = document.summary
    lost = sum(count for reason, count in summary.skipped_by_reason.items()
               if not SkipReason(reason).already_there)
    there = sum(row.already_there for row in document.categories
                if row.category in (*(c.value for c in Category), "playlist_items"))
    figures = [(summary.done, "moved"), (there, "already there"), (lost, "not moved"),
               (summary.left, "left to do"), (summary.failed, "failed")]
    if summary.removed:
        figures.insert(1, (summary.removed, "removed"))
    return h("ul", *(h("li", h("span", number(count), class_="figure"), label)
                     for count, label in figures), class_="cards")


def categories_table(categories: Sequence[CategoryResult]) -> Html:
    rows = {row.category: row for row in categories}
    removing = any(row.removed for row in rows.values())
    body = [_category_row(rows[group], removing) for group in ORDER
            if group in rows and _any(rows[group])]
    if not body:
        return join([h("h2", "What moved"), h("p", "Nothing was moved.")])
    removed = (("Removed", "n"),) if removing else ()
    head = _head("What", ("In the source", "n"), ("Moved", "n"), *removed,
                 ("Already there", "n"), ("Not moved", "n"), ("Left to do", "n"),
                 ("Failed", "n"))
    return join([h("h2", "What moved"), h("table", head, h("tbody", *body))])


def _any(row: CategoryResult) -> bool:
    return bool(row.done or row.left or row.failed or row.already_there or row.skipped
                or row.removed)


def _category_row(row: CategoryResult, removing: bool = False) -> Html:
    label, verb = LABELS[row.category]
    removed = (row.removed,) if removing else ()
    counts = (row.in_source, row.done, *removed, row.already_there, row.skipped, row.left,
              row.failed)
    return h("tr", h("th", label, h("span", f" ({verb})", class_="muted"), scope="row"),
             *(h("td", "—" if count is None else number(count), class_="n") for count in counts))


def _head(*columns: str | tuple[str, str]) -> Html:
    cells = [h("th", column, scope="col") if isinstance(column, str)
             else h("th", column[0], scope="col", class_=column[1]) for column in columns]
    return h("thead", h("tr", *cells))


def playlists_table(playlists: Sequence[PlaylistResult]) -> Html:
    if not playlists:
        return Html("")
    head = _head(("#", "n"), "Playlist", "What happened", ("Items added", "n"),
                 ("Not moved", "n"), ("Left", "n"), ("Failed", "n"), "Cover", "In the target")
    rows = [_playlist_row(index, playlist) for index, playlist in enumerate(playlists, 1)]
    return join([h("h2", f"Playlists ({number(len(playlists))})"),
                 h("table", head, h("tbody", *rows), class_="playlists")])


def _playlist_row(index: int, playlist: PlaylistResult) -> Html:
    owner = f" · by {playlist.owner_name}" if playlist.owner_name and \
        playlist.relation != "owned" else ""
    what = h("td", CHANGE_WORDS[playlist.change], " ",
             h("span", STATUS_WORDS[playlist.status], class_=f"status-{playlist.status}"),
             h("br") if playlist.skip_reason_text else None,
             h("span", _reason(playlist.skip_reason_text, playlist.skip_detail), class_="muted")
             if playlist.skip_reason_text else None)
    added = f"{number(playlist.items_added)} of {number(playlist.entries)}" \
        if playlist.entries is not None and playlist.relation == "owned" else "—"
    return h("tr",
             h("td", index, class_="n"),
             h("td", name(playlist.name, playlist.source_url),
               h("br"), h("span", RELATION_WORDS[playlist.relation], owner, class_="muted"),
               class_="name"),
             what,
             h("td", added, class_="n"),
             *(h("td", number(count) if count else "", class_="n")
               for count in (playlist.items_skipped, playlist.items_left, playlist.items_failed)),
             h("td", playlist.cover or ""),
             _target_cell(playlist))


def _target_cell(playlist: PlaylistResult) -> Html:
    if playlist.target_id is None:
        return h("td", "")
    if playlist.target_name:
        adopted = h("span", "adopted: found in the target", class_="muted") \
            if playlist.adopted else None
        return h("td", name(playlist.target_name, playlist.target_url),
                 h("br") if adopted else None, adopted, class_="name")
    return h("td", link(playlist.target_url, "open in Spotify"))


def _reason(text: str | None, detail: str) -> str:
    return f"{text} ({detail})" if detail else text or ""


def not_moved(skipped: Sequence[SkippedItem]) -> Html:
    losses = _by_reason(item for item in skipped if not item.already_there)
    if not losses:
        return join([h("h2", "Not moved"), h("p", "Everything that was chosen moved.")])
    total = sum(item.count for _, items in losses for item in items)
    sections = [h("h2", f"Not moved ({number(total)})")]
    for reason, items in losses:
        head = _head("Item", "Artists", "Where", "Open in Spotify")
        sections.append(h("h3", f"{reason.text} ({number(sum(i.count for i in items))})",
                          id=f"reason-{reason.value}"))
        sections.append(h("table", head, h("tbody", *(_skipped_row(item) for item in items)),
                          class_="skipped", data_reason=reason.value))
    return join(sections)


def _by_reason(items: Iterable[SkippedItem]) -> list[tuple[SkipReason, list[SkippedItem]]]:
    ordered = sorted(items, key=lambda item: list(SkipReason).index(item.reason))
    return [(reason, list(group)) for reason, group in groupby(ordered, key=lambda i: i.reason)]


def _skipped_row(item: SkippedItem) -> Html:
    if item.reason is SkipReason.CATEGORY_OFF and item.category is not Category.PLAYLISTS:
        label = f"{CATEGORY_NAMES[item.category]}: {plural(item.count, 'item')}"
        return h("tr", h("td", label), h("td", ""), h("td", ""), h("td", ""))
    title_cell = h("td", name(item.name, fallback="(Spotify gives no name)"),
                   h("span", f" ({item.detail})", class_="muted") if item.detail else None,
                   class_="name")
    open_cell = h("td", link(item.url, "open", class_="open") if item.url else
                  h("span", "not on Spotify" if item.reason is SkipReason.LOCAL_FILE
                    else "—", class_="muted"))
    artists = join((name(artist) for artist in item.artists), ", ")
    return h("tr", title_cell, h("td", artists), h("td", _where(item)), open_cell)


def _where(item: SkippedItem) -> Html:
    if item.position is None:
        return Html(CATEGORY_NAMES[item.category]) if item.category is not Category.PLAYLISTS \
            else Html("")
    if item.playlist_id is None:
        return Html(list_place(item.category, item.position))
    return join([Html(f"#{item.position + 1} in "),
                 name(item.playlist_name or "", item.playlist_url)])


def already_there(skipped: Sequence[SkippedItem]) -> Html:
    groups = _by_reason(item for item in skipped if item.already_there)
    if not groups:
        return Html("")
    parts = [h("h2", "Already in the target")]
    for reason, items in groups:
        parts.append(h("h3", f"{reason.text} ({number(len(items))})"))
        parts.append(h("ul", *(h("li", name(item.name, item.url or item.playlist_url))
                               for item in items), class_="plain"))
    return join(parts)


def failures(document: ReportDocument) -> Html:
    if not document.failures:
        return Html("")
    head = _head("What", "Playlist", "Spotify's answer")
    rows = [h("tr", h("td", failure.description, dir="auto"),
              h("td", name(failure.playlist_name) if failure.playlist_name else ""),
              h("td", failure.reason)) for failure in document.failures]
    return join([h("h2", f"Failed ({number(len(rows))})"),
                 h("table", head, h("tbody", *rows), class_="failures")])


def messages(document: ReportDocument) -> Html:
    parts = []
    for heading_text, lines in (("Warnings", document.warnings), ("Notes", document.notes)):
        if lines:
            parts.append(h("h2", heading_text))
            parts.append(h("ul", *(h("li", line, dir="auto") for line in lines), class_="plain"))
    return join(parts)


def api_calls(document: ReportDocument) -> Html:
    calls = document.api_calls
    rows = [h("tr", h("td", h("code", endpoint)), h("td", number(count), class_="n"))
            for endpoint, count in calls.by_endpoint.items()]
    line = f"{number(calls.total)} in all: {number(calls.reads)} reads, " \
           f"{number(calls.writes)} writes."
    table = h("table", _head("Endpoint", ("Calls", "n")), h("tbody", *rows)) if rows else None
    return join([h("h2", "API calls"), h("p", line), table or Html("")])


def footer(document: ReportDocument, json_name: str | None) -> Html:
    source = [" from ", link(json_name, json_name)] if json_name else []
    about = f" ({document.document}, version {document.version}), generated "
    return h("footer", h("p", "Written by spotify-transfer", *source, about,
                         when(document.generated_at), "."))
