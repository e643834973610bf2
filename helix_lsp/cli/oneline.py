"""``helix-lsp session active --format '{mode} {name}'``: one line for a shell prompt.

A prompt runs this before every command, so its start-up is all that
matters. The entry point comes here before building any grammar, and the
common case (the active session of the project, from a store of ours) is one
query, on a connection that may only read, with nothing but ``sqlite3`` imported: no argparse, no
``typing``, no session core, nothing of the language server. Anything
unusual (``--current``, a store the quick look does not recognise, an older
schema, a busy or damaged file) goes through the session core, which gives
the same answer or the same one-sentence refusal as every other verb.
``bench/oneline.py`` measures the path against a bare ``python3 -c pass``.

The line shows your active session of the project (the time being tracked
now; see ``_mine`` for how "your" is told without asking git every time);
``--current`` shows the current one instead (active, else the most recently
paused, else the idle one ``start`` would take). No session, or no store
yet, prints an empty line and exits 0, so a prompt never shows an error for
"nothing going on".
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: importing typing would cost the prompt
    from collections.abc import Mapping, Sequence
    from typing import Any

    from helix_lsp.session import Session

#: One symbol per mode, for ``{icon}``.
ICONS: Mapping[str, str] = {
    "planning": "📝",
    "building": "🔨",
    "testing": "🧪",
    "refactoring": "🧹",
    "debugging": "🐛",
    "deployment": "🚀",
}

PLACEHOLDERS = ("mode", "name", "status", "project", "active", "icon", "id")

#: The store's SQLite ``application_id`` (``helix_lsp.session.storefile.APPLICATION_ID``,
#: kept equal by a test): the quick look reads only files that carry it.
STORE_APPLICATION_ID = 0x48584C53
_SQLITE_MAGIC = b"SQLite format 3\x00"
_ACTIVE_QUERY = (
    "SELECT id, name, mode, status, project, active_ms, active_since, last_activity_at, owner "
    "FROM sessions WHERE project = ? AND status = 'active'"
)


def _idle_limit_ms() -> int:
    """``$HELIX_LSP_IDLE_MINUTES`` (default 15, 0: never) in ms; a bad value is the default."""
    try:
        minutes = float(os.environ.get("HELIX_LSP_IDLE_MINUTES") or 15)
    except ValueError:
        minutes = 15.0
    return round(minutes * 60_000) if minutes > 0 else 0


class FormatError(ValueError):
    """The ``--format`` text cannot be used; the message is one sentence."""


class _NotHere(Exception):
    """The quick look cannot answer; the session core will."""


def compact_span(ms: int) -> str:
    """Active time for a status line: ``45s``, ``12m``, ``1h02m``."""
    seconds = max(0, ms) // 1000
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def _fields(
    sid: str, name: str, mode: str, status: str, project: str, active_ms: int
) -> dict[str, str]:
    return {
        "mode": mode,
        "name": name,
        "status": status,
        "project": project,
        "active": compact_span(active_ms),
        "icon": ICONS.get(mode, "•"),
        "id": sid,
    }


def fields(sess: Session) -> dict[str, str]:
    """The value of every placeholder for ``sess``, raw (the caller cleans them)."""
    rec = sess.record
    active_ms = int(sess.active_duration.total_seconds() * 1000)
    return _fields(rec.id, rec.name, rec.mode.value, rec.status.value, rec.project, active_ms)


def _parse_format(fmt: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """``string.Formatter().parse`` without importing ``string`` (and with it ``re``)."""
    try:
        from _string import formatter_parser  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # pragma: no cover - an interpreter without CPython's helper
        from string import Formatter

        return list(Formatter().parse(fmt))
    parts: list[tuple[str, str | None, str | None, str | None]] = list(formatter_parser(fmt))
    return parts


def check_format(fmt: str) -> None:
    """Refuse a ``--format`` text with an unknown placeholder, in one sentence."""
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        parts = _parse_format(fmt)
    except ValueError as err:
        raise FormatError(
            f"the --format text is malformed ({err}); write {{{{ and }}}} for literal braces."
        ) from None
    for _literal, field, spec, _conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            raise FormatError(f"unknown placeholder {{{field}}} in --format; use {known}.")
        if spec and "{" in spec:
            raise FormatError(f"the placeholder {{{field}}} in --format nests another one.")


def fill(fmt: str, values: Mapping[str, str] | None) -> str:
    """``fmt`` filled in with ``values``, cleaned for the terminal (empty without a session)."""
    check_format(fmt)
    if values is None:
        return ""
    from helix_lsp.cli.safe import clean

    try:
        text = fmt.format_map({key: clean(value) for key, value in values.items()})
    except (ValueError, TypeError) as err:
        raise FormatError(f"the --format text cannot be applied ({err}).") from None
    return text.replace("\n", " ").replace("\r", " ")


def store_path(db: str | None) -> str:
    """``--db``, else ``$HELIX_LSP_DB``, else the user data folder (the core's rule)."""
    if db:
        return db
    env = os.environ.get("HELIX_LSP_DB")
    if env:
        return os.path.expanduser(env)
    import platformdirs  # only when no path is given at all

    return os.path.join(platformdirs.user_data_dir("helix-lsp"), "sessions.db")


def project_name(project: str | None) -> str:
    """``--project``, else the current folder's name (the core's rule)."""
    return project or os.path.basename(os.getcwd()) or "default"


def _mine(rows: list[tuple[Any, ...]], owner: str | None) -> tuple[Any, ...] | None:
    """Your row among the project's active sessions (one per owner), or ``_NotHere``.

    With ``--owner`` or ``$HELIX_LSP_OWNER``, the row of that owner. Without,
    when the active sessions all have one owner (the rule on a store of your
    own), that one: git is not asked on every prompt. Only when several
    owners have an active session in the project does the session core tell
    (the store's recorded local owner, else git's global ``user.email``,
    else the login name): ``_NotHere`` sends the line there.
    """
    wanted = (owner or os.environ.get("HELIX_LSP_OWNER") or "").strip()
    if wanted and (wanted == "*" or not wanted.isprintable()):
        raise _NotHere  # the core refuses it in one sentence
    if not wanted:
        if len({row[-1] for row in rows}) <= 1:
            return rows[0] if rows else None
        raise _NotHere
    return next((row for row in rows if row[-1] == wanted), None)


def quick_active(path: str, project: str, owner: str | None = None) -> dict[str, str] | None:
    """Your active session of the project read straight from a store of ours, or ``_NotHere``."""
    import sqlite3

    try:
        with open(path, "rb") as fp:
            header = fp.read(100)
    except OSError:
        raise _NotHere from None
    if (
        len(header) < 100
        or header[:16] != _SQLITE_MAGIC
        or int.from_bytes(header[68:72], "big") != STORE_APPLICATION_ID
        or path.startswith("//")
    ):
        raise _NotHere
    uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    try:
        # mode=rw (never create), and statements may only read; unlike mode=ro,
        # the last connection to close removes the -wal and -shm files as every
        # other face's connections do, instead of leaving them behind.
        conn = sqlite3.connect(uri + "?mode=rw", uri=True, timeout=5)
        try:
            conn.execute("PRAGMA query_only = 1")
            rows = conn.execute(_ACTIVE_QUERY, [project]).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # also a store from before owners: the core migrates it
        raise _NotHere from None
    row = _mine(rows, owner)
    if row is None:
        return None
    import time

    sid, name, mode, status, proj, active_ms, active_since, last_activity, _owner = row
    if active_since is not None:
        now = time.time_ns() // 1_000_000
        # Away (no activity for the idle limit): shown as the next verb will
        # record it, paused as of the last activity; the line only reads.
        last = max(last_activity or active_since, active_since)
        limit = _idle_limit_ms()
        if limit and now - last >= limit:
            status, now = "paused", last
        active_ms += max(0, now - active_since)
    return _fields(sid, name, mode, status, proj, active_ms)


def _core_values(
    path: str, project: str, current: bool, owner: str | None
) -> dict[str, str] | None:
    from helix_lsp.session import SessionManager

    with SessionManager(path, create=False, owner=owner) as mgr:
        sess = mgr.current(project) if current else mgr.active(project)
        return None if sess is None else fields(sess)


def values_for(
    db: str | None, project: str | None, *, current: bool = False, owner: str | None = None
) -> dict[str, str] | None:
    """The placeholders' values for the session the line shows (None: no session)."""
    path = store_path(db)
    proj = project_name(project)
    if path.startswith(("postgresql://", "postgres://")):  # a server: the core reads it
        return _core_values(path, proj, current, owner)
    if path != ":memory:" and not os.path.exists(path):
        return None  # no store yet: nothing is going on
    if not current:
        try:
            return quick_active(path, proj, owner)
        except _NotHere:
            pass
    return _core_values(path, proj, current, owner)


def print_line(
    fmt: str,
    db: str | None,
    project: str | None,
    *,
    current: bool = False,
    owner: str | None = None,
) -> int:
    """Print the line, or one sentence on stderr; the exit status."""
    try:
        check_format(fmt)
        text = fill(fmt, values_for(db, project, current=current, owner=owner))
    except FormatError as err:
        return _fail(str(err))
    except OSError as err:
        return _fail(f"{err.strerror or err}: {err.filename or db}.")
    except Exception as err:
        from helix_lsp.session import SessionError

        if isinstance(err, SessionError):
            return _fail(str(err))
        raise
    sys.stdout.write(text + "\n")
    return 0


def _fail(message: str) -> int:
    from helix_lsp.cli.safe import clean

    sys.stderr.write(f"helix-lsp: {clean(message)}\n")
    return 1


_VALUED = {
    "--format": "format",
    "-f": "format",
    "--db": "db",
    "--project": "project",
    "-p": "project",
    "--owner": "owner",
}


def parse(argv: Sequence[str]) -> dict[str, str | bool] | None:
    """The options after ``session active``, or None when the full grammar must read them."""
    found: dict[str, str | bool] = {"current": False}
    words = list(argv)
    while words:
        word = words.pop(0)
        name, eq, value = word.partition("=")
        if word == "--current":
            found["current"] = True
        elif name in _VALUED and name.startswith("--") and eq:
            found[_VALUED[name]] = value
        elif word in _VALUED and words:
            found[_VALUED[word]] = words.pop(0)
        elif word[:2] in ("-f", "-p") and len(word) > 2:
            found[_VALUED[word[:2]]] = word[2:]
        else:
            return None  # help, --json, a typo: the full grammar explains
    return found if "format" in found else None


def main(argv: Sequence[str]) -> int | None:
    """The fast path: the exit status, or None when ``argv`` needs the full grammar."""
    options = parse(argv)
    if options is None:
        return None
    db, project, owner = options.get("db"), options.get("project"), options.get("owner")
    return print_line(
        str(options["format"]),
        db if isinstance(db, str) else None,
        project if isinstance(project, str) else None,
        current=bool(options["current"]),
        owner=owner if isinstance(owner, str) else None,
    )
