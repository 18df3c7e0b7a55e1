"""Scheduled one-way sync, source -> target, on the plan/apply engine and its journal.

- ``job``: one sync (lock, resume, read what changed, plan, refuse a suspicious mirror, apply);
- ``users``: who the accounts are without asking Spotify each time;
- ``summary``: the one line a sync prints;
- ``logfile``: the sync's log file in the state folder;
- ``durations`` and ``scheduling``: ``--every``, crontab and systemd texts, the loop.

What is read and planned is the engine's (:mod:`transfer.engine.incremental`).
"""

from transfer.sync.job import MirrorRefused, SyncJob, SyncRequest, SyncTally

__all__ = ["MirrorRefused", "SyncJob", "SyncRequest", "SyncTally"]
