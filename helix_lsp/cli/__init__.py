"""``helix-lsp``: the language server, and ``helix-lsp session VERB`` on the same store.

Serving loads the server (which loads the session core inside its own
start-up); the shell verbs live in :mod:`helix_lsp.cli.verbs`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from helix_lsp.cli import parser as grammar


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "mcp":  # the MCP server has its own options and optional extra
        from helix_lsp.mcp import main as mcp_main

        return mcp_main(argv[1:])
    wants_session = "session" in argv or "-h" in argv or "--help" in argv
    args = grammar.build(with_session_verbs=wants_session).parse_args(argv)
    if args.command != "session":
        return _serve(args)
    from helix_lsp.cli.verbs import run

    return run(args)


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
