"""The journal's tables and how a database is brought up to the current schema.

``MIGRATIONS[n]`` takes a database from version ``n`` to ``n + 1``; version 0 is an empty file.
Each migration runs in the caller's transaction together with the version bump, so a
half-migrated journal cannot exist. A journal of a newer version than this tool knows is
refused, never downgraded.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

_V1 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (0);

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('transfer', 'sync', 'undo')),
    state       TEXT NOT NULL
                CHECK (state IN ('running', 'done', 'paused', 'failed', 'interrupted')),
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    resume_at   TEXT,
    source_id   TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    origin      TEXT NOT NULL DEFAULT 'live',
    message     TEXT,
    plan        TEXT NOT NULL,            -- the plan's outline as JSON (actions are below)
    counts      TEXT NOT NULL DEFAULT '{}',
    facts       TEXT NOT NULL DEFAULT '{}' -- what the engine needs to check lost answers
);

CREATE TABLE actions (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,         -- the plan's order
    key         TEXT NOT NULL,
    type        TEXT NOT NULL,
    payload     TEXT NOT NULL,            -- the action as JSON
    outcome     TEXT NOT NULL
                CHECK (outcome IN ('pending', 'sent', 'done', 'unknown', 'failed', 'skipped')),
    reason      TEXT,                     -- skip reason, or what went wrong
    detail      TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (run_id, seq),
    UNIQUE (run_id, key)
);
CREATE INDEX actions_by_outcome ON actions (run_id, outcome);

CREATE TABLE run_calls (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    endpoint    TEXT NOT NULL,            -- "METHOD /template"
    count       INTEGER NOT NULL,
    PRIMARY KEY (run_id, endpoint)
);

CREATE TABLE links (
    source_playlist_id  TEXT PRIMARY KEY,
    target_playlist_id  TEXT NOT NULL UNIQUE,
    details             TEXT NOT NULL,    -- JSON: the details the tool last set
    target_uris         TEXT NOT NULL DEFAULT '[]',
    target_snapshot_id  TEXT,
    source_snapshot_id  TEXT,
    cover_url           TEXT,
    run_id              INTEGER NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE added (
    uri         TEXT PRIMARY KEY,
    category    TEXT NOT NULL,
    how         TEXT NOT NULL CHECK (how IN ('saved', 'followed', 'created')),
    run_id      INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    removed_at  TEXT
);
"""

_V2 = """
CREATE TABLE learnt (
    name        TEXT PRIMARY KEY,         -- e.g. 'library_order'
    value       TEXT NOT NULL,            -- JSON
    run_id      INTEGER NOT NULL,         -- the run that learnt it
    learnt_at   TEXT NOT NULL
);
"""
"""Version 2: what a run learnt of how Spotify behaves for this target (the order one
``PUT /me/library`` gives its items), so later runs need not learn it again."""

MIGRATIONS: dict[int, str] = {0: _V1, 1: _V2}


def read_version(connection: sqlite3.Connection) -> int | None:
    """The schema version; 0 for an empty database, None for a database that is not a journal."""
    tables = {
        row[0]
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if not tables:
        return 0
    if "schema_version" not in tables:
        return None
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row is not None else None


def migrate(connection: sqlite3.Connection, version: int) -> None:
    """Run the migrations from ``version`` to ``SCHEMA_VERSION`` (inside a transaction)."""
    for step in range(version, SCHEMA_VERSION):
        for statement in _statements(MIGRATIONS[step]):
            connection.execute(statement)
        connection.execute("UPDATE schema_version SET version = ?", (step + 1,))


def _statements(script: str) -> list[str]:
    """Split a migration script; ``executescript`` would commit the caller's transaction."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
