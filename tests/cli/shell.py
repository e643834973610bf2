"""Running ``helix-lsp session VERB`` the way a person does: a new process, a real store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def cli(
    *args: str,
    cwd: Path | None = None,
    stdin: str | bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``helix-lsp session ARGS...``; stdout and stderr as text."""
    merged = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", *args],
        capture_output=True,
        timeout=60,
        cwd=cwd,
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        env=merged,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "surrogateescape"),
        done.stderr.decode("utf-8", "surrogateescape"),
    )


def dump(db: Path) -> list[tuple[object, ...]]:
    """Every row of the store, to compare before and after a refused command."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM sessions ORDER BY id").fetchall()


def poke(db: Path, sql: str, *params: object) -> None:
    """Write a row the way an older helix-lsp or another tool may have left it."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()
