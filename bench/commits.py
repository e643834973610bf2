"""Counting the store's commits from outside the server.

The observable is SQLite's ``PRAGMA data_version`` read from a separate
connection: its value changes whenever another connection has committed to the
file since the previous read. Polled every few milliseconds it counts commits
exactly as long as they are further apart than the poll interval (the
contract coalesces cursor writes to about one per second, so they are), and it
is a lower bound otherwise. The session row's ``version`` column, which the
core bumps on every update, is read before and after as an exact count of the
writes that touched that session; the figure reported is the larger of both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from pathlib import Path

POLL_SECONDS = 0.005


class CommitCounter:
    """Polls one store file while a measured action runs."""

    def __init__(self, db: Path, session_id: str) -> None:
        self.db = db
        self.session_id = session_id
        self.conn = sqlite3.connect(db, isolation_level=None)  # reads only
        self.changes = 0
        self.polls = 0
        self._task: asyncio.Task[None] | None = None
        self._last = 0
        self._row_version_before = 0
        self.row_writes = 0

    def row_version(self) -> int:
        row = self.conn.execute(
            "SELECT version FROM sessions WHERE id = ?", [self.session_id]
        ).fetchone()
        return int(row[0]) if row else 0

    def status(self) -> str | None:
        """The session's status as another process sees it (the durability check)."""
        row = self.conn.execute(
            "SELECT status FROM sessions WHERE id = ?", [self.session_id]
        ).fetchone()
        return None if row is None else str(row[0])

    def context(self) -> dict[str, str]:
        """The session's context as stored on disk."""
        row = self.conn.execute(
            "SELECT context FROM sessions WHERE id = ?", [self.session_id]
        ).fetchone()
        value: dict[str, str] = json.loads(row[0]) if row else {}
        return value

    def _data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    async def _poll(self, limit_seconds: float) -> None:
        deadline = time.monotonic() + limit_seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            value = self._data_version()
            self.polls += 1
            if value != self._last:
                self.changes += 1
                self._last = value

    def start(self, limit_seconds: float = 600.0) -> None:
        self.changes = self.polls = 0
        self._last = self._data_version()
        self._row_version_before = self.row_version()
        self._task = asyncio.get_running_loop().create_task(self._poll(limit_seconds))

    async def stop(self) -> int:
        """Stop polling; returns the commits seen (the larger of both observables)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        value = self._data_version()
        if value != self._last:
            self.changes += 1
            self._last = value
        self.row_writes = self.row_version() - self._row_version_before
        return max(self.changes, self.row_writes)

    def close(self) -> None:
        self.conn.close()
