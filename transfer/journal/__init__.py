"""The journal: a SQLite record per source -> target pair of every run, every action and its
outcome, the copies this tool created, and what it added to the target account.

See :mod:`transfer.journal.store` for the write protocol.
"""

from transfer.journal.database import JournalBusy, JournalGone
from transfer.journal.records import (
    ActionRecord,
    AddedHow,
    AddedItem,
    Outcome,
    RunKind,
    RunRecord,
    RunState,
)
from transfer.journal.schema import SCHEMA_VERSION
from transfer.journal.store import Journal, journal_path

__all__ = [
    "SCHEMA_VERSION",
    "ActionRecord",
    "AddedHow",
    "AddedItem",
    "Journal",
    "JournalBusy",
    "JournalGone",
    "Outcome",
    "RunKind",
    "RunRecord",
    "RunState",
    "journal_path",
]
