"""The store's schema, one migration per version.

``PRAGMA user_version`` holds the version a file is at; ``MIGRATIONS[n]``
brings it from version n to n + 1 inside the opening transaction, so a store
is never left half-migrated. The indexes are laid out for the queries of
``queries.py``: the newest sessions of a status, mode, project or tag without
sorting, a covering index for statistics, and a partial unique index that
keeps one active session per project even against two writers. Version 2
adds ``store_meta`` (a per-store secret) and sets ``PRAGMA application_id``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from typing import Final

from helix_lsp.session.storefile import APPLICATION_ID


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


def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """``store_meta`` (the store's own values, e.g. its secret) and our application id.

    The id in the file's header is how helix-lsp tells its stores from other
    applications' SQLite files without changing them.
    """
    conn.execute(
        "CREATE TABLE store_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID"
    )
    conn.execute("INSERT INTO store_meta (key, value) VALUES ('secret', ?)", [os.urandom(32)])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


#: MIGRATIONS[n] brings a store from version n to n + 1.
MIGRATIONS: Final[list[Callable[[sqlite3.Connection], None]]] = [_migrate_to_1, _migrate_to_2]
SCHEMA_VERSION: Final = len(MIGRATIONS)
