"""The store's schema, one migration per version.

``PRAGMA user_version`` holds the version a file is at; ``MIGRATIONS[n]``
brings it from version n to n + 1 inside the opening transaction, so a store
is never left half-migrated. The indexes are laid out for the queries of
``queries.py``: the newest sessions of a status, mode, project or tag without
sorting, a covering index for statistics, and a partial unique index that
keeps one active session per project even against two writers. Version 2
adds ``store_meta`` (a per-store secret) and sets ``PRAGMA application_id``.
Version 3 adds the time a session can be trusted with: its last activity,
who paused it, its active time per mode, its history (``session_events``)
and its active time per file, branch and 15-minute slot (``session_time``),
with a partial index of the sessions whose time is not all in their current
mode, so that statistics decode only those rows' per-mode JSON;
sessions of older stores get a history reconstructed from their timestamps.
Version 4 gives every session an owner (see ``_migrate_to_4``); version 5
adds the running totals reports read (``rollup``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from typing import Final

from helix_lsp.session import db
from helix_lsp.session.storefile import APPLICATION_ID


def _run(conn: db.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction.

    (``executescript`` would commit first, breaking the migration's atomicity.)
    """
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


#: The indexes of version 1, the same SQL on every store (PostgreSQL's baseline
#: creates them too): the newest sessions of a status, mode, project or tag
#: without sorting, a covering index for statistics, and one active session per
#: project even against two writers.
VERSION_1_INDEXES: Final = """
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
CREATE UNIQUE INDEX sessions_one_active ON sessions(project) WHERE status = 'active'
"""


def _migrate_to_1(conn: db.Connection) -> None:
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
        """,
    )
    _run(conn, VERSION_1_INDEXES)


def _migrate_to_2(conn: db.Connection) -> None:
    """``store_meta`` (the store's own values, e.g. its secret) and our application id.

    The id in the file's header is how helix-lsp tells its stores from other
    applications' SQLite files without changing them.
    """
    conn.execute(
        "CREATE TABLE store_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID"
    )
    conn.execute("INSERT INTO store_meta (key, value) VALUES ('secret', ?)", [os.urandom(32)])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")


def _migrate_to_3(conn: db.Connection) -> None:
    """Activity, history and time buckets; a reconstructed history for every session.

    ``session_time`` is keyed by session, file, branch and the start of a
    15-minute UTC slot (15 minutes divides every zone's offset, so local
    midnights fall on slot edges): steady work adds to a few rows an hour
    instead of one per cursor move.
    """
    from helix_lsp.session import events, rows  # late: rows needs the new columns

    _run(
        conn,
        """
        ALTER TABLE sessions ADD COLUMN last_activity_at INTEGER;
        ALTER TABLE sessions ADD COLUMN paused_by TEXT;
        ALTER TABLE sessions ADD COLUMN active_by_mode TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE session_events (
            seq INTEGER PRIMARY KEY,
            session_seq INTEGER NOT NULL REFERENCES sessions(seq) ON DELETE CASCADE,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            by TEXT NOT NULL,
            mode TEXT NOT NULL,
            data TEXT
        );
        CREATE INDEX session_events_session ON session_events(session_seq);
        CREATE TABLE session_time (
            session_seq INTEGER NOT NULL REFERENCES sessions(seq) ON DELETE CASCADE,
            file TEXT NOT NULL DEFAULT '',
            branch TEXT NOT NULL DEFAULT '',
            bucket INTEGER NOT NULL,
            ms INTEGER NOT NULL,
            PRIMARY KEY (session_seq, file, branch, bucket)
        ) WITHOUT ROWID;
        CREATE INDEX session_time_bucket ON session_time(bucket);
        CREATE INDEX sessions_mixed_modes ON sessions(project, mode, active_ms, active_by_mode)
            WHERE active_by_mode <> '{"' || mode || '":' || active_ms || '}'
        """,
    )
    # Before version 3 every cursor position was written as a change of the
    # session's context, so its last change is the best record of its last activity.
    conn.execute("UPDATE sessions SET last_activity_at = updated_at")
    conn.execute(
        "UPDATE sessions SET active_by_mode = json_object(mode, active_ms) "
        "WHERE typeof(active_ms) = 'integer' AND active_ms > 0 AND typeof(mode) = 'text'"
    )
    columns = ", ".join("'' AS owner" if f == "owner" else f for f in rows.FIELDS)  # version 4's
    cursor = conn.execute(f"SELECT {columns} FROM sessions ORDER BY seq")
    while batch := cursor.fetchmany(500):
        reconstructed = []
        for row in batch:
            try:
                rec = rows.to_record(row)
                history = events.reconstruct(rec)
            except (ValueError, TypeError, KeyError, AssertionError):
                continue  # a row no session could hold: it stays as it is, without history
            reconstructed += [e.row(rec.seq) for e in history]
        conn.executemany(events.INSERT, reconstructed)


def sql_text(value: str) -> str:
    """``value`` as an SQL string literal (quotes doubled), the same in SQLite and PostgreSQL."""
    return "'" + value.replace("'", "''") + "'"


def _migrate_to_4(conn: db.Connection) -> None:
    """Owners: every session belongs to someone, one active session per (owner, project).

    The sessions already stored are the local owner's (``owner.for_migration``,
    resolved only when there are any). The indexes that list and statistics
    walk get owner-first twins, so the default "my sessions" filter is a
    range scan on a shared store, while the owner-less ones stay for
    ``owner: "*"`` (and for a store with one owner, see ``queries.sole_owner``).
    Plain SQL that PostgreSQL accepts as well: no PRAGMA, no SQLite functions
    (the partial index's predicate is the dialect's, as PostgreSQL wants it immutable).
    """
    from helix_lsp.session import owner

    conn.execute("ALTER TABLE sessions ADD COLUMN owner TEXT NOT NULL DEFAULT ''")
    if conn.execute("SELECT 1 FROM sessions LIMIT 1").fetchone() is not None:
        # before the new indexes exist, so that the rows are written once and each
        # index is built in one sorted pass
        conn.execute(f"UPDATE sessions SET owner = {sql_text(owner.for_migration())}")
    _run(
        conn,
        f"""
        DROP INDEX sessions_one_active;
        CREATE UNIQUE INDEX sessions_one_active ON sessions(owner, project)
            WHERE status = 'active';
        DROP INDEX sessions_project;
        CREATE INDEX sessions_project ON sessions(project, owner, status, created_at);
        CREATE INDEX sessions_owner ON sessions(owner, created_at);
        CREATE INDEX sessions_owner_status ON sessions(owner, status, created_at);
        CREATE INDEX sessions_owner_mode ON sessions(owner, mode, created_at);
        CREATE INDEX sessions_owner_stats
            ON sessions(owner, project, status, mode, active_ms, active_since, started_at);
        CREATE INDEX sessions_owner_mixed_modes
            ON sessions(owner, project, mode, active_ms, active_by_mode)
            WHERE {db.dialect(conn).mixed_modes}
        """,
    )


def read_older(conn: sqlite3.Connection, version: int) -> None:
    """Let a SQLite store that cannot be migrated (read-only, damaged) be read as the
    current version.

    Temporary objects shadow the main database's for unqualified names, so a
    view adds the newer columns with their defaults, empty temporary tables
    stand for the history and time, and the running totals of what the file
    holds are worked out in memory; nothing is written to the file.
    """
    if version >= 5:
        return
    from helix_lsp.session import owner, rollup

    mine = sql_text(owner.for_migration())
    if version == 3:
        conn.execute(f"CREATE TEMP VIEW sessions AS SELECT *, {mine} AS owner FROM main.sessions")
    elif version < 3:
        _run(
            conn,
            f"""
            CREATE TEMP VIEW sessions AS SELECT *, updated_at AS last_activity_at,
                NULL AS paused_by, '{{}}' AS active_by_mode, {mine} AS owner FROM main.sessions;
            CREATE TEMP TABLE session_events (
                seq INTEGER PRIMARY KEY, session_seq INTEGER NOT NULL, at INTEGER NOT NULL,
                kind TEXT NOT NULL, by TEXT NOT NULL, mode TEXT NOT NULL, data TEXT
            );
            CREATE TEMP TABLE session_time (
                session_seq INTEGER NOT NULL, file TEXT NOT NULL DEFAULT '',
                branch TEXT NOT NULL DEFAULT '', bucket INTEGER NOT NULL, ms INTEGER NOT NULL,
                PRIMARY KEY (session_seq, file, branch, bucket)
            ) WITHOUT ROWID
            """,
        )
    rollup.create(conn, temp=True)
    if version >= 3:  # a damaged file gives what could be read
        with contextlib.suppress(sqlite3.Error):
            rollup.backfill(conn)


def _migrate_to_5(conn: db.Connection) -> None:
    """Running totals of active time for reports (``rollup``), filled from the
    stored histories and time buckets; kept up to date by every later write."""
    from helix_lsp.session import rollup

    rollup.create(conn)
    rollup.backfill(conn)


#: MIGRATIONS[n] brings a store from version n to n + 1.
MIGRATIONS: Final[list[Callable[[db.Connection], None]]] = [
    _migrate_to_1,
    _migrate_to_2,
    _migrate_to_3,
    _migrate_to_4,
    _migrate_to_5,
]
SCHEMA_VERSION: Final = len(MIGRATIONS)
