"""Where the command line's words go: results on stdout, problems on stderr.

Results print as text for people or, with ``--json``, as JSON for scripts;
both are safe on a terminal (see :mod:`helix_lsp.cli.safe`). A reader that
stops early (``show X --json | head``) ends the command quietly, as it ends
``cat`` or ``grep``: :func:`quiet_broken_pipe` turns that into exit status
141 (128 + SIGPIPE, what a shell reports for such a command) without a word.
"""

from __future__ import annotations

import os
import sys

from helix_lsp.cli.safe import clean, json_text

TYPE_CHECKING = False
if TYPE_CHECKING:  # the prompt's fast path imports this module: no typing at run time
    from collections.abc import Callable
    from typing import Any

#: The exit status of a command whose reader went away (128 + SIGPIPE).
BROKEN_PIPE_STATUS = 141


def emit(as_json: bool, text: str, payload: Any) -> None:
    """Print the result: ``text`` (already cleaned) or ``payload`` as JSON."""
    sys.stdout.write((json_text(payload) if as_json else text) + "\n")


def problem(message: str) -> None:
    """One line on stderr, cleaned: messages quote user values."""
    sys.stderr.write(f"helix-lsp: {clean(message)}\n")


def warning(message: str) -> None:
    sys.stderr.write(f"helix-lsp: warning: {clean(message)}\n")


def quiet_broken_pipe(command: Callable[[], int | None]) -> int | None:
    """Run ``command``; a closed stdout ends it silently with status 141."""
    try:
        status = command()
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's own flush at exit
        # cannot raise again and print "Exception ignored ... Broken pipe".
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return BROKEN_PIPE_STATUS
    return status


def refusing(command: Callable[[], int]) -> int:
    """Run ``command``; a refusal (the core's SessionError, a file the OS will not give)
    is one line on stderr and exit status 1. A closed stdout is left to
    :func:`quiet_broken_pipe`."""
    from helix_lsp.session.errors import SessionError

    try:
        return command()
    except SessionError as err:
        problem(str(err))
        return 1
    except BrokenPipeError:
        raise
    except OSError as err:
        problem(f"{err.strerror or err}: {err.filename or ''}".rstrip(": ") + ".")
        return 1


class Progress:
    """``exporting 1200/5000 sessions`` on one rewritten stderr line, only on a terminal."""

    def __init__(self, doing: str) -> None:
        self.doing = doing
        self.shown = False
        self._last = -1.0

    @staticmethod
    def wanted() -> bool:
        return sys.stderr.isatty()

    def __call__(self, done: int, total: int | None) -> None:
        import time

        now = time.monotonic()
        if now - self._last < 0.1 and done != total:
            return
        self._last = now
        counted = f"{done}/{total}" if total is not None else str(done)
        sys.stderr.write(f"\r{self.doing} {counted} sessions")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
