"""Which session a caller means: by id, by name, or "the current one".

The rules are the contract's: an id names one session; a name means the open
(not finished) session of that name, refused as ambiguous when there are
several, else the most recently finished one; no reference means the
project's current session (the active one, else the most recently paused
one; for ``start``, the most recently created idle one). ``current_or_none``
adds the idle one that ``start`` would take, for callers that show "the
current session" rather than act on it. They run inside the
caller's connection and transaction, so a change checks the row it writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from helix_lsp.session import validation
from helix_lsp.session.errors import InvalidArgumentError, NotFoundError
from helix_lsp.session.model import SessionRecord
from helix_lsp.session.store import COLUMNS, Store

FINAL: Final = "('completed', 'failed')"


def default_project() -> str:
    """The current folder's name: the project a shell user most likely means."""
    return Path.cwd().name or "default"


def one(conn: sqlite3.Connection, where: str, params: Iterable[object]) -> SessionRecord | None:
    """The first session matching ``where`` (which may end in ORDER BY), or None."""
    row = conn.execute(
        f"SELECT {COLUMNS} FROM sessions WHERE {where} LIMIT 1", list(params)
    ).fetchone()
    return None if row is None else Store.to_record(row)


def find(conn: sqlite3.Connection, ref: object) -> SessionRecord:
    """The session an id or a name refers to."""
    if not isinstance(ref, str) or not ref.strip():
        raise InvalidArgumentError("a session is named by its id or its name, a non-empty string.")
    ref = ref.strip()
    rec = one(conn, "id = ?", [ref])
    if rec is not None:
        return rec
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM sessions WHERE name = ? AND status NOT IN {FINAL} "
        "ORDER BY created_at DESC, seq DESC",
        [ref],
    ).fetchall()
    if len(rows) > 1:
        ids = ", ".join(r[0] for r in rows)
        raise InvalidArgumentError(f"several open sessions are named {ref!r} ({ids}); use an id.")
    if rows:
        return Store.to_record(rows[0])
    rec = one(conn, "name = ? ORDER BY ended_at DESC, seq DESC", [ref])
    if rec is None:
        raise NotFoundError(f"no session has the id or name {ref!r}.")
    return rec


def _newest_idle(conn: sqlite3.Connection, proj: str) -> SessionRecord | None:
    return one(conn, "project = ? AND status = 'idle' ORDER BY created_at DESC, seq DESC", [proj])


def _open(conn: sqlite3.Connection, proj: str) -> SessionRecord | None:
    """The project's active session, else its most recently paused one."""
    return one(conn, "project = ? AND status = 'active'", [proj]) or one(
        conn, "project = ? AND status = 'paused' ORDER BY last_paused_at DESC, seq DESC", [proj]
    )


def current_or_none(conn: sqlite3.Connection, project: str | None) -> SessionRecord | None:
    """The project's current session: active, else last paused, else the idle one to start."""
    proj = validation.project(project if project is not None else default_project())
    return _open(conn, proj) or _newest_idle(conn, proj)


def current(conn: sqlite3.Connection, project: str | None, action: str) -> SessionRecord:
    """The project's current session for ``action`` (see the module's rules)."""
    proj = validation.project(project if project is not None else default_project())
    if action == "start":
        rec = _newest_idle(conn, proj)
        if rec is None:
            raise NotFoundError(f"project {proj!r} has no idle session to start.")
        return rec
    rec = _open(conn, proj)
    if rec is None:
        idle = _newest_idle(conn, proj)
        hint = "" if idle is None else f"; '{idle.name}' is idle: start it first"
        raise NotFoundError(f"project {proj!r} has no active or paused session{hint}.")
    return rec


def resolve(
    conn: sqlite3.Connection, ref: object, project: str | None, action: str
) -> SessionRecord:
    """``ref``'s session, or the project's current one when ``ref`` is None."""
    return current(conn, project, action) if ref is None else find(conn, ref)
