"""Hostile conditions the tests put a store or a process under, for real.

Shared by the core's and the server's tests: a user who cannot override file
modes (root can, through two capabilities), a disk that fills up, and the
check that a store survived whatever happened to it.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path

#: Prefix for a command that must meet file modes like anyone: as root (which
#: ignores them through CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH) drop those two.
AS_A_USER = (
    [
        "setpriv",
        "--bounding-set",
        "-dac_override,-dac_read_search",
        "--inh-caps",
        "-dac_override,-dac_read_search",
    ]
    if os.geteuid() == 0
    else []
)


def small_disk(limit: int) -> Callable[[], None]:
    """A ``preexec_fn``: files of the child cannot grow past ``limit`` bytes."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def assert_intact(db: Path) -> None:
    """SQLite's full integrity check passes on the store file."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
