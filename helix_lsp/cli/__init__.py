"""``helix-lsp``: the language server, and ``helix-lsp session VERB`` on the same store.

Serving loads the server (which loads the session core inside its own
start-up); the shell verbs live in :mod:`helix_lsp.cli.verbs`. The prompt's
``session active --format`` goes straight to :mod:`helix_lsp.cli.oneline`,
before any grammar is built, because a shell runs it on every prompt.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # the prompt's fast path starts here: no typing at run time
    import argparse
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:2] == ["session", "active"]:  # a shell prompt's line: see oneline
        from helix_lsp.cli import oneline
        from helix_lsp.cli.output import quiet_broken_pipe

        status = quiet_broken_pipe(lambda: oneline.main(argv[2:]))
        if status is not None:
            return status
    if argv and argv[0] == "mcp":  # the MCP server has its own options and optional extra
        from helix_lsp.mcp import main as mcp_main

        return mcp_main(argv[1:])
    from helix_lsp.cli import parser as grammar

    wants_session = "session" in argv or "-h" in argv or "--help" in argv
    args = grammar.build(with_session_verbs=wants_session).parse_args(argv)
    from helix_lsp.cli.output import quiet_broken_pipe

    if args.command == "report":
        from helix_lsp.cli import report

        status = quiet_broken_pipe(lambda: report.run(args))
        return 0 if status is None else status
    if args.command != "session":
        return _serve(args)
    from helix_lsp.cli.verbs import run

    status = quiet_broken_pipe(lambda: run(args))
    return 0 if status is None else status


def _serve(args: argparse.Namespace) -> int:
    from helix_lsp.server import run_server  # type: ignore[attr-defined,unused-ignore]

    run_server(
        db=args.db,
        tcp=(args.host, args.port) if args.tcp else None,
        log_file=args.log_file,
        stock_transport=args.stock_transport,
        socket_path=args.socket,
        owner=args.owner,
    )
    return 0
