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
import subprocess
import sys
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



def read_as_a_user(
    script: str, db: Path, preexec_fn: Callable[[], None] | None = None
) -> str:
    """Run ``python -c script DB`` as a user who cannot write the store's folder
    (made 0555 meanwhile, 0700 again after); its standard output."""
    os.chmod(db.parent, 0o555)
    try:
        return subprocess.run(
            [*AS_A_USER, sys.executable, "-c", script, str(db)],
            capture_output=True,
            text=True,
            check=True,
            preexec_fn=preexec_fn,
        ).stdout
    finally:
        os.chmod(db.parent, 0o700)

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
