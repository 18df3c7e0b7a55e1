"""What ``undo`` may take out of the target: exactly what the journal says the tool put there.

The journal's ``added`` list holds every playlist the tool created (or adopted as its copy when
an earlier journal was lost: see :mod:`transfer.plan.adoption`), every playlist and artist
it followed and every item it saved, and nothing the target had before (a plan never saves what
the target already holds). Each is named here for the preview: a created copy by the name the
tool gave it, a followed playlist by the name the run's plan read, saved items by category only
(the journal keeps their URIs, not their names).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from transfer.errors import JournalError
from transfer.journal import AddedHow, AddedItem, Journal
from transfer.models import Category, Kind, id_of, kind_of
from transfer.plan import PlaylistLink, PlaylistOutline


class UndoItem(BaseModel):
    """One thing the tool added to the target, and how ``undo`` names it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    uri: str
    category: Category
    how: AddedHow
    run_id: int
    name: str = ""
    owner_name: str | None = None
    entries: int | None = None
    """Items the tool put in a copy it created (None for anything else)."""
    adopted: bool = False
    """A copy the tool adopted (found in the target when the journal had lost it) rather than
    created in a run of this journal."""

    @property
    def is_playlist(self) -> bool:
        return kind_of(self.uri) is Kind.PLAYLIST


def items_to_take_back(journal: Journal) -> list[UndoItem]:
    """What the tool added to the target and has not taken back yet, oldest first."""
    namer = _Namer(journal)
    return [namer.item(added) for added in journal.added()]


class _Namer:
    """Names playlists from the links (copies) and the plans of the runs that followed them."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._copies: dict[str, PlaylistLink] = {
            link.target_playlist_id: link for link in journal.links().values()}
        self._adopted = journal.adopted_copies()
        self._outlines: dict[int, dict[str, PlaylistOutline]] = {}

    def item(self, added: AddedItem) -> UndoItem:
        item = UndoItem(uri=added.uri, category=Category(added.category), how=added.how,
                        run_id=added.run_id)
        if kind_of(added.uri) is not Kind.PLAYLIST:
            return item
        playlist_id = id_of(added.uri)
        link = self._copies.get(playlist_id)
        if added.how is AddedHow.CREATED and link is not None:
            return item.model_copy(update={"name": link.details.name,
                                           "entries": len(link.target_uris),
                                           "adopted": playlist_id in self._adopted})
        outline = self._outlines_of(added.run_id).get(playlist_id)
        if outline is None:
            return item
        return item.model_copy(update={"name": outline.name, "owner_name": outline.owner_name})

    def _outlines_of(self, run_id: int) -> dict[str, PlaylistOutline]:
        """The playlists a run's plan read, by id (read once per run). A run whose plan cannot
        be read leaves its playlists unnamed: the removal does not need names."""
        if run_id not in self._outlines:
            try:
                playlists = self._journal.plan_of(run_id).playlists
            except JournalError:
                playlists = ()
            self._outlines[run_id] = {outline.source_id: outline for outline in playlists}
        return self._outlines[run_id]
