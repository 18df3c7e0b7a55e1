"""``undo``: take back out of the target exactly what the tool put there, from the journal.

See :mod:`transfer.undo.runner` for the run's life, :mod:`transfer.undo.planning` for what is
removed and how, and :mod:`transfer.undo.stopped` for runs that stopped half-way.
"""

from transfer.undo.items import UndoItem, items_to_take_back
from transfer.undo.planning import undo_plan
from transfer.undo.render import render_undo_plan, render_undo_summary
from transfer.undo.runner import PreparedUndo, Undo, UndoReport

__all__ = [
    "PreparedUndo",
    "Undo",
    "UndoItem",
    "UndoReport",
    "items_to_take_back",
    "render_undo_plan",
    "render_undo_summary",
    "undo_plan",
]
