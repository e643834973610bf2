"""Which session a caller means: by id, by name, or "the current one".

The rules are the contract's: an id names one session; a name means the open
(not finished) session of that name, refused as ambiguous when there are
several, else the most recently finished one; no reference means the
project's current session (the active one, else the most recently paused
one; for ``start``, the most recently created idle one), of the caller's own
sessions (an id or a name may name another owner's, to read). ``current_or_none``
adds the idle one that ``start`` would take, for callers that show "the
current session" rather than act on it. They run inside the
caller's connection and transaction, so a change checks the row it writes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

from helix_lsp.session import db, validation
from helix_lsp.session.errors import (
    ForbiddenError,
    InvalidArgumentError,
    NotFoundError,
    StorageError,
)
from helix_lsp.session.model import MAX_MS, MIN_MS, Mode, SessionRecord, Status
from helix_lsp.session.store import COLUMNS, Store

FINAL: Final = "('completed', 'failed')"


def default_project() -> str:
    """The current folder's name: the project a shell user most likely means."""
    return Path.cwd().name or "default"


_NAMES: Final = tuple(c.strip() for c in COLUMNS.split(","))
_TIMES: Final = ("started_at", "last_paused_at", "ended_at", "active_since", "last_activity_at")
_log = logging.getLogger("helix_lsp.session")


def _time(value: object) -> bool:
    return value is None or (type(value) is int and MIN_MS <= value <= MAX_MS)


def _sound(rec: SessionRecord) -> bool:
    """Whether ``_bad_column`` finds nothing: the same checks in one expression.

    Every read of a session runs this, so it avoids the loops by field name;
    only a row that fails it goes through ``_bad_column`` to name the column.
    """
    tags, meta, ctx, by_mode = rec.tags, rec.metadata, rec.context, rec.active_by_mode
    most = validation.MAX_ACTIVE_MS
    return (
        type(rec.id) is str
        and type(rec.name) is str
        and type(rec.project) is str
        and type(rec.owner) is str
        and type(tags) is list
        and all(type(t) is str for t in tags)
        and type(meta) is dict
        and all(type(k) is str and type(v) is str for k, v in meta.items())
        and type(ctx) is dict
        and all(type(k) is str and type(v) is str for k, v in ctx.items())
        and (rec.description is None or type(rec.description) is str)
        and (rec.failure_reason is None or type(rec.failure_reason) is str)
        and type(rec.created_at) is int
        and MIN_MS <= rec.created_at <= MAX_MS
        and type(rec.updated_at) is int
        and MIN_MS <= rec.updated_at <= MAX_MS
        and _time(rec.started_at)
        and _time(rec.last_paused_at)
        and _time(rec.ended_at)
        and _time(rec.active_since)
        and _time(rec.last_activity_at)
        and type(rec.active_ms) is int
        and 0 <= rec.active_ms <= most
        and (rec.paused_by is None or type(rec.paused_by) is str)
        and type(by_mode) is dict
        and all(type(k) is str and type(v) is int and 0 <= v <= most for k, v in by_mode.items())
    )


def _bad_column(rec: SessionRecord) -> str | None:
    """The first field of a decoded row that a session could not hold, or None."""
    for name in ("id", "name", "project", "owner"):
        if not isinstance(getattr(rec, name), str):
            return name
    if not isinstance(rec.tags, list) or not all(isinstance(t, str) for t in rec.tags):
        return "tags"
    for name in ("metadata", "context"):
        values = getattr(rec, name)
        if not isinstance(values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in values.items()
        ):
            return name
    for name in ("description", "failure_reason"):
        if not isinstance(getattr(rec, name), (str, type(None))):
            return name
    for name in ("created_at", "updated_at"):
        value = getattr(rec, name)
        if type(value) is not int or not MIN_MS <= value <= MAX_MS:
            return name
    for name in _TIMES:
        value = getattr(rec, name)
        if value is not None and (type(value) is not int or not MIN_MS <= value <= MAX_MS):
            return name
    active = rec.active_ms
    if type(active) is not int or not 0 <= active <= validation.MAX_ACTIVE_MS:
        return "active_ms"
    if not isinstance(rec.paused_by, (str, type(None))):
        return "paused_by"
    by_mode = rec.active_by_mode
    if not isinstance(by_mode, dict) or not all(
        isinstance(k, str) and type(v) is int and 0 <= v <= validation.MAX_ACTIVE_MS
        for k, v in by_mode.items()
    ):
        return "active_by_mode"
    return None


def read(row: Sequence[object]) -> SessionRecord:
    """The session a row holds, or a ``StorageError`` naming the row and the column.

    A row written by another program (or damaged) must not break every
    listing and status push: callers that show many sessions skip what this
    refuses (see ``readable``); a lookup of that one session reports it.
    """
    try:
        rec: SessionRecord | None = Store.to_record(row)
    except (ValueError, TypeError, KeyError):
        rec = None
    if rec is not None and _sound(rec):
        return rec
    bad = None if rec is None else _bad_column(rec)
    if rec is not None and bad is None:
        return rec
    values = dict(zip(_NAMES, row, strict=False))
    if bad is None:
        decoded = ("mode", "status", "tags", "metadata", "context", "active_by_mode")
        bad = next((n for n in decoded if not _decodes(n, values.get(n))), "a")
    shown = repr(values.get(bad, ""))
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    sid = values.get("id")
    raise StorageError(
        f"session {sid if isinstance(sid, str) else repr(sid)} cannot be read: its {bad} "
        f"column holds {shown}; delete it, or restore it from an export."
    )


def _decodes(column: str, value: object) -> bool:
    try:
        if column == "mode":
            Mode(value)
        elif column == "status":
            Status(value)
        else:
            json.loads(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False
    return True


Problems = dict[str, str]
"""Session id -> why its row cannot be read: what a manager has skipped so far."""


def readable(rows: Iterable[Sequence[object]], problems: Problems) -> Iterator[SessionRecord]:
    """The rows that can be read as sessions; the others are noted in ``problems``."""
    for row in rows:
        try:
            rec = read(row)
        except StorageError as err:
            sid = str(row[0])
            if sid not in problems:
                _log.warning("%s", err.message)
            problems[sid] = err.message
            continue
        if problems and rec.id in problems:
            del problems[rec.id]  # mended meanwhile
        yield rec


def one(
    conn: db.Connection,
    where: str,
    params: Iterable[object],
    problems: Problems | None = None,
) -> SessionRecord | None:
    """The first session matching ``where`` (which may end in ORDER BY), or None.

    With ``problems``, rows that cannot be read are noted there and passed
    over; without, such a row raises ``StorageError``.
    """
    params = list(params)
    sql = f"SELECT {COLUMNS} FROM sessions WHERE {where} LIMIT 1"
    skipped = 0
    while True:
        # No OFFSET parameter on the first try: PostgreSQL cannot cache a plan
        # whose OFFSET is a parameter (it plans every execution again, three
        # times the cost of the read itself).
        if skipped:
            row = conn.execute(f"{sql} OFFSET ?", [*params, skipped]).fetchone()
        else:
            row = conn.execute(sql, params).fetchone()
        if row is None:
            return None
        if problems is None:
            return read(row)
        for rec in readable([row], problems):
            return rec
        skipped += 1


def latest_pause(conn: db.Connection, project: str) -> int | None:
    """When the project's most recently paused session was paused."""
    row = conn.execute(
        "SELECT max(last_paused_at) FROM sessions WHERE project = ? AND status = 'paused'",
        [project],
    ).fetchone()
    value = row[0] if row else None
    return value if isinstance(value, int) else None


def created_before(conn: db.Connection, seq: int) -> int | None:
    """When the session stored just before ``seq`` was created (see ``clock``, rule 3)."""
    row = conn.execute(
        "SELECT created_at FROM sessions WHERE seq < ? ORDER BY seq DESC LIMIT 1", [seq]
    ).fetchone()
    value = row[0] if row else None
    return value if isinstance(value, int) else None


def pause_bounds(conn: db.Connection, project: str, seq: int) -> tuple[int | None, int | None]:
    """``latest_pause(project)`` and ``created_before(seq)`` in one statement.

    A pause needs both (see ``clock``, rules 1 and 3); asking once saves a
    round through SQLite on every pause.
    """
    row = conn.execute(
        "SELECT (SELECT max(last_paused_at) FROM sessions WHERE project = ? AND status = 'paused'),"
        " (SELECT created_at FROM sessions WHERE seq < ? ORDER BY seq DESC LIMIT 1)",
        [project, seq],
    ).fetchone()
    pause, created = row if row else (None, None)
    return (
        pause if isinstance(pause, int) else None,
        created if isinstance(created, int) else None,
    )


def find(conn: db.Connection, ref: object, owner: str | None = None) -> SessionRecord:
    """The session an id or a name refers to; a name means ``owner``'s session of
    that name first, when there is one (another owner's may share the name)."""
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
    if owner is not None and len(rows) > 1:
        rows = [r for r in rows if r[-2] == owner] or rows  # FIELDS ends in owner, seq
    if len(rows) > 1:
        ids = ", ".join(r[0] for r in rows)
        raise InvalidArgumentError(f"several open sessions are named {ref!r} ({ids}); use an id.")
    if rows:
        return read(rows[0])
    rec = one(conn, "name = ? ORDER BY owner = ? DESC, ended_at DESC, seq DESC", [ref, owner])
    if rec is None:
        raise NotFoundError(f"no session has the id or name {ref!r}.")
    return rec


def _newest_idle(
    conn: db.Connection, proj: str, owner: str, problems: Problems | None = None
) -> SessionRecord | None:
    return one(
        conn,
        "project = ? AND owner = ? AND status = 'idle' ORDER BY created_at DESC, seq DESC",
        [proj, owner],
        problems,
    )


def _open(
    conn: db.Connection, proj: str, owner: str, problems: Problems | None = None
) -> SessionRecord | None:
    """``owner``'s active session in the project, else their most recently paused one."""
    mine = [proj, owner]
    return one(conn, "project = ? AND owner = ? AND status = 'active'", mine, problems) or one(
        conn,
        "project = ? AND owner = ? AND status = 'paused' ORDER BY last_paused_at DESC, seq DESC",
        mine,
        problems,
    )


def current_or_none(
    conn: db.Connection,
    project: str | None,
    problems: Problems | None = None,
    *,
    owner: str,
) -> SessionRecord | None:
    """``owner``'s current session of the project: active, else last paused, else
    the idle one to start."""
    proj = validation.project(project if project is not None else default_project())
    return _open(conn, proj, owner, problems) or _newest_idle(conn, proj, owner, problems)


def current(
    conn: db.Connection, project: str | None, action: str, owner: str
) -> SessionRecord:
    """``owner``'s current session of the project for ``action`` (see the module's rules)."""
    proj = validation.project(project if project is not None else default_project())
    if action == "start":
        rec = _newest_idle(conn, proj, owner)
        if rec is None:
            raise NotFoundError(f"project {proj!r} has no idle session to start.")
        return rec
    rec = _open(conn, proj, owner)
    if rec is None:
        idle = _newest_idle(conn, proj, owner)
        hint = "" if idle is None else f"; '{idle.name}' is idle: start it first"
        raise NotFoundError(f"project {proj!r} has no active or paused session{hint}.")
    return rec


def resolve(
    conn: db.Connection, ref: object, project: str | None, action: str, owner: str
) -> SessionRecord:
    """``ref``'s session, or ``owner``'s current one of the project when ``ref`` is None."""
    return current(conn, project, action, owner) if ref is None else find(conn, ref, owner)


def check_owner(rec: SessionRecord, owner: str, action: str) -> None:
    """Refuse (``ForbiddenError``, nothing written) a change to another owner's session."""
    if rec.owner != owner:
        what = f"{action} " if action else "change "
        raise ForbiddenError(
            f"cannot {what}'{rec.name}': it belongs to {rec.owner}, and only its owner "
            "may change it."
        )
