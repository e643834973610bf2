"""``helix-lsp mcp``: the session store as a Model Context Protocol server on stdio.

AI assistants that speak MCP (Claude Code, VS Code's agent mode, Cursor, …)
read the current session as a resource, drive sessions with tools, and take
each mode's working instructions as a prompt. It needs the optional extra
``helix-lsp[mcp]`` (the official ``mcp`` SDK); the base install stays small,
so nothing here imports the SDK until the server runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence

INSTALL_HINT = (
    "helix-lsp: the MCP server needs the optional 'mcp' extra; "
    "install it with: pip install 'helix-lsp[mcp]'\n"
)


def _parser() -> argparse.ArgumentParser:
    from helix_lsp.cli.parser import Parser  # a usage mistake: one line, exit status 1

    parser = Parser(
        prog="helix-lsp mcp",
        description="Serve the session store to AI assistants over the Model Context Protocol "
        "(stdio).",
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the session store file or postgresql:// URL (default: $HELIX_LSP_DB, "
        "else sessions.db in the user data folder)",
    )
    parser.add_argument(
        "--project",
        "-p",
        help="the project whose current session is served (default: the current folder's name)",
    )
    parser.add_argument(
        "--owner",
        metavar="NAME",
        help="who you are: your sessions are the ones you may change (default: "
        "$HELIX_LSP_OWNER, else the owner a local store records, else git's global "
        "user.email, else the login name)",
    )
    parser.add_argument(
        "--idle-minutes",
        type=float,
        metavar="N",
        help="pause sessions left active with no activity for N minutes, as of their last "
        "activity (default: $HELIX_LSP_IDLE_MINUTES, else 15; 0 = never)",
    )
    return parser


def _idle_minutes(given: float | None) -> float:
    """``--idle-minutes``, else ``$HELIX_LSP_IDLE_MINUTES``, else the core's default."""
    from helix_lsp.session import DEFAULT_IDLE_MINUTES

    text = os.environ.get("HELIX_LSP_IDLE_MINUTES", "").strip()
    if given is None and text:
        try:
            given = float(text)
        except ValueError:
            _parser().error(f"HELIX_LSP_IDLE_MINUTES must be a number of minutes, not {text!r}")
    value = DEFAULT_IDLE_MINUTES if given is None else given
    if not value >= 0:  # also refuses NaN
        _parser().error("--idle-minutes must be 0 (never) or a positive number of minutes")
    return float(value)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``helix-lsp mcp [--db PATH] [--project P]``; the exit status."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    if importlib.util.find_spec("mcp") is None:
        sys.stderr.write(INSTALL_HINT)
        return 1
    from helix_lsp.session import SessionError, default_project
    from helix_lsp.session.validation import project as valid_project

    try:
        project = valid_project(args.project or default_project())
        from helix_lsp.mcp.app import serve

        return serve(args.db, project, _idle_minutes(args.idle_minutes), args.owner)
    except SessionError as err:
        sys.stderr.write(f"helix-lsp: {err}\n")
        return 1
    except OSError as err:
        sys.stderr.write(f"helix-lsp: {err.strerror or err}: {err.filename or args.db or ''}\n")
        return 1
