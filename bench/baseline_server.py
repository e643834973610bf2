"""The floor helix-lsp is compared with: a stock pygls 2 server.

It does nothing but what any pygls server does: stock ``start_io()``, one
no-op workspace command and one no-op custom notification. Every figure of the
benchmark is a ratio against this server, measured in the same run with the
same client, so the ratios say what helix-lsp costs beyond the bare library.
"""

from __future__ import annotations

from typing import Any

from pygls.lsp.server import LanguageServer

NOOP_COMMAND = "bench.noop"
NOOP_NOTIFICATION = "bench/noop"

server = LanguageServer("helix-bench-baseline", "1")


@server.command(NOOP_COMMAND)
def noop_command(ls: LanguageServer, *args: Any) -> None:
    """Answers ``null``; the arguments are taken as they come."""
    return None


@server.feature(NOOP_NOTIFICATION)
def noop_notification(ls: LanguageServer, params: Any) -> None:
    """Ignores the notification."""


def main() -> None:
    server.start_io()


if __name__ == "__main__":
    main()
