"""``helix-lsp session active --format '{mode} {name}'``: one line for a shell prompt.

A prompt runs this on every command, so the path is kept short: the entry
point comes here before building the grammar of every verb, the session core
is imported only once the format has been checked and the store found, and
nothing of the language server is loaded. ``bench/oneline.py`` measures it
against a bare ``python3 -c pass``.

The line shows the project's *active* session (the time being tracked now);
``--current`` shows the current one instead (active, else the most recently
paused, else the idle one ``start`` would take), for prompts that want to
remind of a paused session. No session, or no store yet, prints an empty
line and exits 0, so a prompt never shows an error for "nothing going on".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from string import Formatter
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from helix_lsp.session import Session

#: One symbol per mode, for ``{icon}``.
ICONS: Final[Mapping[str, str]] = {
    "planning": "📝",
    "building": "🔨",
    "testing": "🧪",
    "refactoring": "🧹",
    "debugging": "🐛",
    "deployment": "🚀",
}


def compact_span(ms: int) -> str:
    """Active time for a status line: ``45s``, ``12m``, ``1h02m``."""
    seconds = max(0, ms) // 1000
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def fields(sess: Session) -> dict[str, str]:
    """The value of every placeholder for ``sess``, raw (the caller cleans them)."""
    rec = sess.record
    return {
        "mode": rec.mode.value,
        "name": rec.name,
        "status": rec.status.value,
        "project": rec.project,
        "active": compact_span(int(sess.active_duration.total_seconds() * 1000)),
        "icon": ICONS.get(rec.mode.value, "•"),
        "id": rec.id,
    }


PLACEHOLDERS: Final = ("mode", "name", "status", "project", "active", "icon", "id")


class FormatError(ValueError):
    """The ``--format`` text cannot be used; the message is one sentence."""


def check_format(fmt: str) -> list[str]:
    """The placeholders ``fmt`` uses, or :class:`FormatError` naming the bad one."""
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        parts = list(Formatter().parse(fmt))
    except ValueError as err:
        raise FormatError(
            f"the --format text is malformed ({err}); write {{{{ and }}}} for literal braces."
        ) from None
    used = []
    for _literal, field, spec, _conversion in parts:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            raise FormatError(f"unknown placeholder {{{field}}} in --format; use {known}.")
        if spec and ("{" in spec):
            raise FormatError(f"placeholder {{{field}}} has a nested field in --format.")
        used.append(field)
    return used


def line(fmt: str, sess: Session | None) -> str:
    """``fmt`` filled in for ``sess`` (the empty string without a session)."""
    check_format(fmt)
    if sess is None:
        return ""
    from helix_lsp.cli.safe import clean

    values = {key: clean(value) for key, value in fields(sess).items()}
    try:
        text = fmt.format_map(values)
    except (ValueError, TypeError) as err:
        raise FormatError(f"the --format text cannot be applied ({err}).") from None
    return text.replace("\n", " ").replace("\r", " ")


def render(
    fmt: str, db: str | None, project: str | None, *, current: bool = False
) -> tuple[int, str]:
    """Exit status and the line for ``session active --format FMT``."""
    check_format(fmt)
    from helix_lsp.session.store import default_db_path

    path = db if db else str(default_db_path())
    if path != ":memory:" and not os.path.exists(path):
        return 0, ""  # no store yet: nothing is going on
    from helix_lsp.session import SessionManager, default_project

    proj = project or default_project()
    with SessionManager(path, create=False) as mgr:
        sess = mgr.current(proj) if current else mgr.active(proj)
    return 0, line(fmt, sess)


def _parse(argv: Sequence[str]) -> tuple[str, str | None, str | None, bool]:
    """The options of ``session active --format``: the fast path's own small grammar."""
    from helix_lsp.cli.parser import Parser

    grammar = Parser(prog="helix-lsp session active", add_help=False)
    grammar.add_argument("--format", "-f", required=True)
    grammar.add_argument("--db")
    grammar.add_argument("--project", "-p")
    grammar.add_argument("--current", action="store_true")
    args = grammar.parse_args(list(argv))
    return args.format, args.db, args.project, args.current


def main(argv: Sequence[str]) -> int:
    """Entry point of the fast path (``argv`` is what follows ``session active``)."""
    fmt, db, project, current = _parse(argv)
    return print_line(fmt, db, project, current=current)


def print_line(fmt: str, db: str | None, project: str | None, *, current: bool = False) -> int:
    """Print the line, or one sentence on stderr; the exit status."""
    from helix_lsp.session import SessionError

    try:
        status, text = render(fmt, db, project, current=current)
    except (FormatError, SessionError) as err:
        return _fail(str(err))
    except OSError as err:
        return _fail(f"{err.strerror or err}: {err.filename or db}.")
    sys.stdout.write(text + "\n")
    return status


def _fail(message: str) -> int:
    from helix_lsp.cli.safe import clean

    sys.stderr.write(f"helix-lsp: {clean(message)}\n")
    return 1
