"""The store's schema, one migration per version.

``PRAGMA user_version`` holds the version a file is at; ``MIGRATIONS[n]``
brings it from version n to n + 1 inside the opening transaction, so a store
is never left half-migrated. The indexes are laid out for the queries of
``queries.py``: the newest sessions of a status, mode, project or tag without
sorting, a covering index for statistics, and a partial unique index that
keeps one active session per project even against two writers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction.

    (``executescript`` would commit first, breaking the migration's atomicity.)
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE sessions (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            mode TEXT NOT NULL,
            status TEXT NOT NULL,
            project TEXT NOT NULL,
            description TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            metadata TEXT NOT NULL DEFAULT '{}',
            context TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            started_at INTEGER,
            last_paused_at INTEGER,
            ended_at INTEGER,
            failure_reason TEXT,
            active_ms INTEGER NOT NULL DEFAULT 0,
            active_since INTEGER,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE session_tags (
            tag TEXT NOT NULL,
            seq INTEGER NOT NULL REFERENCES sessions(seq) ON DELETE CASCADE,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (tag, seq)
        ) WITHOUT ROWID;
        CREATE INDEX session_tags_session ON session_tags(seq);
        CREATE INDEX session_tags_recent ON session_tags(tag, created_at);
        CREATE INDEX sessions_created ON sessions(created_at);
        CREATE INDEX sessions_status ON sessions(status, created_at);
        CREATE INDEX sessions_mode ON sessions(mode, created_at);
        CREATE INDEX sessions_project ON sessions(project, status, created_at);
        CREATE INDEX sessions_name ON sessions(name);
        CREATE INDEX sessions_ended ON sessions(ended_at) WHERE ended_at IS NOT NULL;
        CREATE INDEX sessions_stats
            ON sessions(project, status, mode, active_ms, active_since, started_at);
        CREATE UNIQUE INDEX sessions_one_active ON sessions(project) WHERE status = 'active';
        """,
    )


#: MIGRATIONS[n] brings a store from version n to n + 1.
MIGRATIONS: Final[list[Callable[[sqlite3.Connection], None]]] = [_migrate_to_1]
SCHEMA_VERSION: Final = len(MIGRATIONS)
