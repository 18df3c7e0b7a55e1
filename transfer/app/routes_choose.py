"""Page 3, what moves: categories and the source's playlists (a search box filters them; the
form works without script), producing a :class:`Selection` kept for the pair as the CLI's
``--only/--playlist/--exclude-playlist`` keep it. And the upload box: a data download, Exportify
CSVs or a links file as the source instead of the old account (``--from-file``)."""

from __future__ import annotations

import secrets
import shutil

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from transfer.app.forms import checked_form
from transfer.app.pages import page, state_of
from transfer.app.pairing import current_selection, pair_journal, source_file_read
from transfer.errors import TransferError
from transfer.journal import Journal
from transfer.models import Category, Playlist
from transfer.plan.selection import Selection, save_selection
from transfer.private import private_folder
from transfer.render.safe import safe_name

TITLE = "Choose what moves"
UPLOAD_NAME_CHARS = 120


def _playlists(request: Request) -> list[Playlist]:
    state = state_of(request)
    source = source_file_read(state)
    if source is not None:
        return list(source.library.playlists)
    return list(state.environment().adapter("source").my_playlists())


async def choose(request: Request, error: TransferError | None = None, status: int = 200
                 ) -> Response:
    state = state_of(request)
    query = request.query_params.get("q", "").strip()
    playlists: list[Playlist] = []
    problem = error
    selection = Selection()
    settings = state.settings()
    try:
        selection = current_selection(state)
        if state.logins()["source"] is not None or state.source_file is not None:
            playlists = _playlists(request)
    except TransferError as failure:
        problem = problem or failure
    categories = selection.categories or settings.transfer.categories
    chosen = set(selection.playlists or ())
    words = query.casefold().split()
    rows = [{"playlist": playlist,
             "checked": not chosen or playlist.id in chosen
             or f"spotify:playlist:{playlist.id}" in chosen,
             "shown": all(word in playlist.name.casefold() for word in words)}
            for playlist in playlists]
    return page(request, "choose.html", "choose", status=status, title=TITLE, rows=rows,
                query=query, categories=categories, all_categories=list(Category),
                error=problem.message if problem else None,
                advice=problem.advice if problem else None,
                notice="Kept for these accounts." if request.query_params.get("saved") else None,
                source_known=state.logins()["source"] is not None or state.source_file)


async def save(request: Request) -> Response:
    form = await checked_form(request)
    state = state_of(request)
    picked = [Category(value) for value in form.getlist("category") if value in
              {category.value for category in Category}]
    ids = [str(value) for value in form.getlist("playlist")]
    listed = int(str(form.get("listed", "0")) or 0)
    if not picked:
        return await choose(request, TransferError("Choose at least one category."), 400)
    if Category.PLAYLISTS in picked and listed and not ids:
        return await choose(request, TransferError(
            "Choose at least one playlist, or leave out the Playlists category."), 400)
    every_category = len(picked) == len(Category)
    every_playlist = Category.PLAYLISTS not in picked or not listed or len(ids) >= listed
    selection = Selection(categories=None if every_category else tuple(picked),
                          playlists=None if every_playlist else tuple(ids))
    state.chosen = selection
    path = pair_journal(state)
    if path is not None:
        with Journal.open(path) as journal:
            if not journal.in_progress_elsewhere():
                save_selection(journal, selection)
    return RedirectResponse("/choose?saved=1", status_code=303)


async def upload(request: Request) -> Response:
    """Keep the uploaded file(s) in the state folder and read them as the source."""
    form = await checked_form(request)
    state = state_of(request)
    files = [item for item in form.getlist("source") if isinstance(item, UploadFile)
             and item.filename]
    if not files:
        return await choose(request, TransferError("Choose a file to upload first."), 400)
    folder = private_folder(state.uploads_folder()) / secrets.token_hex(8)
    private_folder(folder)
    for item in files:
        name = safe_name((item.filename or "upload").replace("/", "_").replace("\\", "_"))
        with (folder / name[-UPLOAD_NAME_CHARS:].lstrip(".")).open("wb") as stream:
            shutil.copyfileobj(item.file, stream)
    members = list(folder.iterdir())
    previous = state.source_file
    state.source_file = members[0] if len(members) == 1 else folder
    try:
        source_file_read(state)
    except TransferError as error:
        state.source_file = previous
        shutil.rmtree(folder, ignore_errors=True)
        return await choose(request, error, 400)
    state.chosen = None
    return RedirectResponse("/choose", status_code=303)


async def clear_upload(request: Request) -> Response:
    await checked_form(request)
    state = state_of(request)
    state.source_file = None
    state.chosen = None
    return RedirectResponse("/choose", status_code=303)


routes = [
    Route("/choose", choose),
    Route("/choose", save, methods=["POST"]),
    Route("/choose/upload", upload, methods=["POST"]),
    Route("/choose/upload/clear", clear_upload, methods=["POST"]),
]
