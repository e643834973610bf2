"""``helix-lsp report``: where the time of a range went, in the terminal or as a web page.

A report never creates a store: one named with ``--db`` or ``HELIX_LSP_DB``
that does not exist is a mistake and is said so; the default store not
existing yet only means nothing has been recorded, which is an empty report.
Like every verb, it first pauses sessions left active past the idle limit as
of their last activity, so its figures are the ones ``stats`` shows.

Text goes to stdout, as wide as the terminal and coloured only on a terminal
(never with ``NO_COLOR``); ``--json`` prints the report object instead.
``--html FILE`` writes the self-contained page to a new private file (0600,
renamed into place when complete, as ``export -o`` does); ``--open`` also
opens it in the browser, in a private temporary folder when no FILE is given.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from helix_lsp.cli import output
from helix_lsp.cli.safe import clean

if TYPE_CHECKING:  # the grammar imports this module when serving: the core loads only to run
    from helix_lsp.report.model import Report
    from helix_lsp.session import SessionError, SessionManager

#: Past this many sessions a terminal is told the report is being built.
LARGE_STORE = 2000


def register(commands: argparse._SubParsersAction[Any]) -> None:
    """Add ``report`` and its options to the top-level commands."""
    from helix_lsp.cli.parser import OWNER_HELP, add_owned_by  # the grammar imports this module
    rep = commands.add_parser(
        "report",
        help="where the time went: per day, mode, project, session, file and branch",
        description="A report of active time over a range (default: today and the 6 days "
        "before), as text, JSON (--json) or a self-contained web page (--html, --open).",
    )
    rep.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the session store file or postgresql:// URL",
    )
    rep.add_argument("--since", metavar="LENGTH", help="the last 7d, 2w or 12h (default 7d)")
    rep.add_argument("--from", dest="from_", metavar="DATE", help="first day (or a timestamp)")
    rep.add_argument("--to", metavar="DATE", help="last day, included (default: now)")
    rep.add_argument("--project", "-p", help="only this project (default: every project)")
    rep.add_argument("--owner", metavar="NAME", default=argparse.SUPPRESS, help=OWNER_HELP)
    add_owned_by(rep)
    rep.add_argument("--tz", metavar="ZONE", help="the IANA time zone of the days (default: local)")
    rep.add_argument(
        "--idle-minutes",
        type=float,
        metavar="N",
        help="first pause sessions with no activity for N minutes, as of their last activity "
        "(default: $HELIX_LSP_IDLE_MINUTES, else 15; 0: never), as every verb does",
    )
    rep.add_argument("--top", type=int, default=10, metavar="N", help="rows per table (default 10)")
    rep.add_argument("--json", action="store_true", help="print the report object as JSON")
    rep.add_argument(
        "--html", metavar="FILE", help="write the report as a web page (mode 0600); - is stdout"
    )
    rep.add_argument("--open", action="store_true", help="open the web page in the browser")


def run(args: argparse.Namespace) -> int:
    """Build and show the report; the exit status (1 with one sentence when refused)."""

    def build_and_show() -> int:
        _show(_build(args), args)
        return 0

    return output.refusing(build_and_show)


def _store(db: str | None) -> str:
    """The store's path: ``--db``, else ``$HELIX_LSP_DB``, else the user data folder."""
    from helix_lsp.session.store import default_db_path
    from helix_lsp.session.stores import default_target

    return db or default_target() or str(default_db_path())


def _open(args: argparse.Namespace) -> SessionManager:
    """The store, never created: before the default store exists, an empty one in memory.

    A fresh install has no store yet and its report is empty; a path given
    with --db or HELIX_LSP_DB that does not exist is refused (most likely
    mistyped), as every reading verb does.
    """
    from helix_lsp.session import SessionManager
    from helix_lsp.session.store import DB_ENV

    db = getattr(args, "db", None)
    path = _store(db)
    if db is None and not os.environ.get(DB_ENV) and not os.path.exists(path):
        return SessionManager(":memory:", owner=getattr(args, "owner", None))
    return SessionManager(path, create=False, owner=getattr(args, "owner", None))


def _build(args: argparse.Namespace) -> Report:
    from helix_lsp.cli import verbs
    from helix_lsp.report import build_report

    if args.top < 1:
        raise _invalid(f"--top {args.top} must be 1 or more.")
    limit = verbs.idle_minutes(args)
    with _open(args) as mgr:
        try:
            # as every verb does first, so the report and ``stats`` agree
            verbs._pause_away(mgr, limit)
            note = _progress_note(mgr)
            try:
                return build_report(
                    mgr,
                    since=args.since,
                    from_=args.from_,
                    to=args.to,
                    project=args.project,
                    tz=args.tz,
                    owner=args.owned_by,
                )
            finally:
                if note:
                    sys.stderr.write("\r\x1b[K")
                    sys.stderr.flush()
        finally:
            for message in dict.fromkeys(mgr.warnings):
                output.warning(message)


def _progress_note(mgr: SessionManager) -> bool:
    """On a terminal, say that a large store is being read (the line is cleared after)."""
    if not output.Progress.wanted():
        return False
    total = mgr.list(limit=1).total
    if total < LARGE_STORE:
        return False
    sys.stderr.write(f"reading {total} sessions for the report…")
    sys.stderr.flush()
    return True


def _invalid(message: str) -> SessionError:
    from helix_lsp.session import InvalidArgumentError

    return InvalidArgumentError(message)


def _show(report: Report, args: argparse.Namespace) -> None:
    if args.html == "-":
        if args.open or args.json:
            raise _invalid(
                "--html - prints the page on stdout: give a FILE to use --open or --json."
            )
        from helix_lsp.report import render_html

        sys.stdout.write(render_html(report))
        return
    if args.html is not None or args.open:
        page = _write_page(report, args)
        if args.open:
            _open_in_browser(page)
        else:
            sys.stderr.write(f"wrote the report to {clean(page)}\n")
        if not args.json:
            return
    if args.json:
        output.emit(True, "", report.to_json())
        return
    from helix_lsp.report import render_text

    sys.stdout.write(render_text(report, width=_width(), color=_colour(), top=args.top))


def _width() -> int:
    import shutil

    if not sys.stdout.isatty():
        return 80
    return shutil.get_terminal_size((80, 24)).columns


def _colour() -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _write_page(report: Report, args: argparse.Namespace) -> str:
    """Write the page to ``--html`` FILE, or a private temporary file for ``--open``."""
    from helix_lsp.cli.exchange import write_private
    from helix_lsp.report import render_html

    html = render_html(report)
    target: str | None = args.html
    if target is not None:
        write_private(target, _store(getattr(args, "db", None)), lambda fp: fp.write(html))
        return os.path.abspath(target)
    import tempfile

    folder = tempfile.mkdtemp(prefix="helix-report-")  # 0700: only this user reads it
    page = os.path.join(folder, "report.html")
    fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fp:
        fp.write(html)
    return page


def _open_in_browser(page: str) -> None:
    """Open ``page`` in the browser; print its path either way (for when none opens)."""
    import webbrowser
    from pathlib import Path

    sys.stdout.write(clean(page) + "\n")
    sys.stdout.flush()
    if not webbrowser.open(Path(page).as_uri()):
        output.warning(f"no browser could be started; open {page} yourself.")
