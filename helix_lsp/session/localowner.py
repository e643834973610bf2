"""The owner a SQLite store records for the one person whose file it is.

A SQLite store is one OS user's file (created 0600 in their data folder), so
whoever writes it is that person, whatever environment their editor was
started with. Yet a face started with another HOME (a snap or flatpak
editor, an editor launched from a desktop file, a test harness) finds no git
``user.email`` and resolves the login name instead, and would then be refused
the sessions the shell started, by their own store. So the store keeps the
owner its sessions were made for (``store_meta``, key ``owner``), and a
manager given no owner and no ``$HELIX_LSP_OWNER`` acts as that owner rather
than asking git and the login (``owner.resolve``'s ``recorded``).

The record is made when the store is created, and when a store of an earlier
version is migrated: the owner the migration fills in
(``owner.for_migration``). A store of the current version without one gets it
the first time it is opened writable: the sole owner of its sessions when
there is exactly one, else the opening manager's. A file that belongs to
another OS user is not this process's to speak for: its record is neither
written nor used. PostgreSQL stores are shared by many people and record
nothing: their faces follow ``owner.resolve``'s rules alone.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Final

from helix_lsp.session import db, owner
from helix_lsp.session.errors import InvalidArgumentError

#: The ``store_meta`` key of the recorded owner (its value is text).
KEY: Final = "owner"


def ours(path: Path) -> bool:
    """Whether the store file belongs to this process's OS user."""
    if not hasattr(os, "geteuid"):  # no OS users to tell apart
        return True
    try:
        return path.stat().st_uid == os.geteuid()
    except OSError:
        return False


def read(conn: db.Connection) -> str | None:
    """The recorded owner, or None (none recorded, or not a usable name)."""
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE key = ?", [KEY]).fetchone()
    except sqlite3.DatabaseError:  # no store_meta (schema version 1), or unreadable
        return None
    if row is None:
        return None
    value = row[0]
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    with contextlib.suppress(InvalidArgumentError):
        return owner.normalise(value)
    return None


def record(conn: db.Connection) -> str:
    """Record the local owner unless one is recorded (inside a write transaction
    of a store of the current version); the owner recorded."""
    found = read(conn)
    if found is not None:
        return found
    name: str | None = None
    low, high = conn.execute("SELECT min(owner), max(owner) FROM sessions").fetchone()
    if low is not None and low == high:
        with contextlib.suppress(InvalidArgumentError):
            name = owner.normalise(low)
    if name is None:
        name = owner.for_migration()
    conn.execute(
        "INSERT INTO store_meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [KEY, name],
    )
    return name


__all__ = ["KEY", "ours", "read", "record"]
