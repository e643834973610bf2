"""The command line's grammar: ``helix-lsp`` (the server) and ``helix-lsp session VERB``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr and exit status 1."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: {message} (see {self.prog} --help)\n")
        raise SystemExit(1)


class _Version(argparse.Action):
    """``--version``: looks the version up only when asked (see ``helix_lsp.__version__``)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        import helix_lsp

        sys.stdout.write(f"helix-lsp {helix_lsp.__version__}\n")
        parser.exit()


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


OWNER_HELP = (
    "who you are: your sessions are the ones you may change (default: $HELIX_LSP_OWNER, "
    "else a local store's recorded owner, else git's global user.email, else the login name)"
)


def add_owned_by(verb: argparse.ArgumentParser) -> None:
    """``--owned-by NAME|'*'``: whose sessions a listing shows (default: yours)."""
    verb.add_argument(
        "--owned-by",
        metavar="NAME",
        help="show NAME's sessions instead of yours; '*' shows everyone's",
    )


def build(*, with_session_verbs: bool = True) -> Parser:
    """The grammar; serving needs only the server's options, not the 15 verbs."""
    parser = Parser(
        prog="helix-lsp",
        description="Session management for developers. With no command, runs the language "
        "server (stdio by default); `helix-lsp session ...` works on the same store from a shell.",
    )
    parser.add_argument("--version", action=_Version)
    parser.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    parser.add_argument("--tcp", action="store_true", help="listen for one client on TCP instead")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument(
        "--socket",
        metavar="PATH",
        help="listen for one client on a Unix socket created 0600 at PATH instead",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the session store file or postgresql:// URL (default: $HELIX_LSP_DB, "
        "else sessions.db in the user data folder)",
    )
    parser.add_argument("--owner", metavar="NAME", help=OWNER_HELP)
    parser.add_argument("--log-file", metavar="PATH", help="also write the server log to this file")
    parser.add_argument(
        "--stock-transport",
        action="store_true",
        help="read stdin the way stock pygls does (for comparison)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    session = commands.add_parser("session", help="create, drive and query sessions")
    from helix_lsp.cli import report

    report.register(commands)
    # Listed for --help only: `helix-lsp mcp` is dispatched before this parser runs.
    commands.add_parser(
        "mcp",
        help="serve sessions to AI assistants over the Model Context Protocol "
        "(needs the 'mcp' extra; helix-lsp mcp --help)",
    )
    if with_session_verbs:
        _session_verbs(session)
    return parser


def _session_verbs(session: argparse.ArgumentParser) -> None:
    from helix_lsp.session import Mode, Status  # serving never builds these verbs

    modes = [m.value for m in Mode]
    statuses = [s.value for s in Status]
    common = Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the session store file or postgresql:// URL",
    )
    common.add_argument("--owner", metavar="NAME", default=argparse.SUPPRESS, help=OWNER_HELP)
    common.add_argument("--project", "-p", help="the project (default: the current folder's name)")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument(
        "--idle-minutes",
        type=float,
        metavar="N",
        help="first pause sessions with no activity for N minutes, as of their last activity "
        "(default: $HELIX_LSP_IDLE_MINUTES, else 15; 0: never)",
    )
    target = Parser(add_help=False)
    target.add_argument(
        "--session",
        "-s",
        dest="session_opt",
        metavar="SESSION",
        help="id or name (default: the project's current session)",
    )

    verbs = session.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=Parser)

    #: the workspace commands' names work too (``helix-lsp session addTag x``)
    aliases = {
        "tag": ["addTag"],
        "untag": ["removeTag"],
        "meta": ["setMetadata"],
        "context": ["setContext"],
        "mode": ["setMode"],
        "show": ["get"],
    }

    def verb(name: str, help_text: str, *, positional: bool = True) -> argparse.ArgumentParser:
        sub = verbs.add_parser(
            name, help=help_text, parents=[common, target], aliases=aliases.get(name, [])
        )
        sub.set_defaults(verb=name)
        if positional:
            sub.add_argument(
                "session",
                nargs="?",
                metavar="SESSION",
                help="id or name (default: the project's current session)",
            )
        return sub

    create = verbs.add_parser("create", help="create a session", parents=[common])
    create.add_argument("name")
    create.add_argument("--mode", "-m", default="building", type=str.lower, choices=modes)
    create.add_argument("--description", "-d")
    create.add_argument("--tag", "-t", action="append", default=[], dest="tags")
    create.add_argument("--meta", action="append", default=[], type=_key_value, metavar="KEY=VALUE")
    create.add_argument(
        "--context", action="append", default=[], type=_key_value, metavar="KEY=VALUE"
    )
    create.add_argument("--start", action="store_true", help="start it at once")

    for name in ("start", "pause", "complete"):
        verb(name, f"{name} a session")
    resume = verb("resume", "resume a session")
    resume.add_argument(
        "--keep-away",
        action="store_true",
        help="count the time it was paused as active after all (e.g. after an idle pause)",
    )
    fail = verb("fail", "mark a session failed")
    fail.add_argument("--reason", "-r", required=True)

    tag = verb("tag", "add tags", positional=False)
    tag.add_argument("tags", nargs="+", metavar="TAG")
    untag = verb("untag", "remove tags", positional=False)
    untag.add_argument("tags", nargs="+", metavar="TAG")
    for name in ("meta", "context"):
        sub = verb(name, f"set or remove a {name} entry", positional=False)
        sub.add_argument("key", metavar="KEY")
        sub.add_argument("value", metavar="VALUE", nargs="?")
        sub.add_argument("--unset", action="store_true", help="remove the key")
    mode = verb("mode", "change the mode", positional=False)
    mode.add_argument("mode", type=str.lower, choices=modes)

    verb("show", "show one session and what can be done with it now")
    verb("history", "a session's timeline: every change, who made it, the active intervals")
    active = verbs.add_parser(
        "active", help="the project's active session, if any", parents=[common]
    )
    active.add_argument(
        "--format",
        "-f",
        metavar="TEXT",
        help="print one line for a shell prompt, e.g. '{icon} {name} {active}' "
        "(placeholders: {mode} {name} {status} {project} {active} {icon} {id}); "
        "an empty line when there is no session",
    )
    active.add_argument(
        "--current",
        action="store_true",
        help="the current session instead: active, else the last paused, else the idle one",
    )
    lst = verbs.add_parser("list", help="list sessions, newest first", parents=[common])
    lst.add_argument("--status", action="append", type=str.lower, choices=statuses)
    lst.add_argument("--mode", "-m", action="append", type=str.lower, choices=modes)
    lst.add_argument("--tag", "-t")
    lst.add_argument("--query", "-q", help="part of the name")
    lst.add_argument("--limit", "-n", type=int, default=50)
    lst.add_argument("--offset", type=int, default=0)
    add_owned_by(lst)
    add_owned_by(verbs.add_parser("stats", help="counts and active time", parents=[common]))
    verb("delete", "delete a session for good")
    trim = verbs.add_parser(
        "trim",
        help="keep only the newest finished sessions",
        parents=[common],
        aliases=["trimHistory"],
    )
    trim.set_defaults(verb="trim")
    trim.add_argument("--keep", type=int, required=True, metavar="N")
    export = verb("export", "print a JSON snapshot (one session, or --all)")
    export.add_argument("--all", action="store_true", help="every session in the store")
    export.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE (a new private file, mode 0600) instead of stdout; - is stdout",
    )
    imp = verbs.add_parser(
        "import", help="add the sessions of a snapshot, all or none", parents=[common]
    )
    imp.add_argument("file", metavar="FILE", help="snapshot file, or - for stdin")
