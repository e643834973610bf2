"""``helix-lsp``: the language server, and ``helix-lsp session VERB`` on the same store.

Serving loads the server (which loads the session core inside its own
start-up); the shell verbs live in :mod:`helix_lsp.cli.verbs`. The prompt's
``session active --format`` goes straight to :mod:`helix_lsp.cli.oneline`,
before any grammar is built, because a shell runs it on every prompt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse


def _wants_oneline(argv: Sequence[str]) -> bool:
    """``session active ... --format TEXT`` (and no request for help)."""
    rest = argv[2:]
    return (
        list(argv[:2]) == ["session", "active"]
        and any(a in ("--format", "-f") or a.startswith(("--format=", "-f")) for a in rest)
        and not any(a in ("-h", "--help") for a in rest)
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if _wants_oneline(argv):
        from helix_lsp.cli import oneline
        from helix_lsp.cli.output import quiet_broken_pipe

        return quiet_broken_pipe(lambda: oneline.main(argv[2:]))
    if argv and argv[0] == "mcp":  # the MCP server has its own options and optional extra
        from helix_lsp.mcp import main as mcp_main

        return mcp_main(argv[1:])
    from helix_lsp.cli import parser as grammar

    wants_session = "session" in argv or "-h" in argv or "--help" in argv
    args = grammar.build(with_session_verbs=wants_session).parse_args(argv)
    if args.command != "session":
        return _serve(args)
    from helix_lsp.cli.output import quiet_broken_pipe
    from helix_lsp.cli.verbs import run

    return quiet_broken_pipe(lambda: run(args))


def _serve(args: argparse.Namespace) -> int:
    from helix_lsp.server import run_server  # type: ignore[attr-defined,unused-ignore]

    run_server(
        db=args.db,
        tcp=(args.host, args.port) if args.tcp else None,
        log_file=args.log_file,
        stock_transport=args.stock_transport,
        socket_path=args.socket,
    )
    return 0
