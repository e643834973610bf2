"""Start-up with a session to resolve: an active session left two days ago.

The common morning: the editor was closed without pausing, so the store holds
an active session whose last activity is long past. A starting helix-lsp
pauses it as of that activity and asks whether to resume it, before it
answers anything else. Measured from spawn through ``initialize`` and
``initialized`` to the reply of the next request (``shutdown``), which both
servers answer only after ``initialized`` has been handled, so the work done
there is inside the figure. Every helix spawn gets its own copy of the store
(the first one would otherwise resolve the session for all the others).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import figures
from bench.client import Client
from bench.scenarios import alternate

#: how long ago the session was last worked on
AWAY_MS = 2 * 24 * 3600 * 1000


def away_store(path: Path, project: str) -> None:
    """A store at ``path`` with one session of ``project`` left active two days ago."""
    from helix_lsp.session import SessionManager

    with SessionManager(str(path)) as mgr:
        sess = mgr.create("left-running", project=project, start=True)
        seq = sess.record.seq
    old = time.time_ns() // 1_000_000 - AWAY_MS
    import sqlite3

    conn = sqlite3.connect(str(path))
    try:
        with conn:
            conn.execute(
                "UPDATE sessions SET created_at = ?, updated_at = ?, started_at = ?, "
                "active_since = ?, last_activity_at = ? WHERE seq = ?",
                [old, old, old, old, old, seq],
            )
            conn.execute("UPDATE session_events SET at = ? WHERE session_seq = ?", [old, seq])
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def resolved(path: Path) -> bool:
    """Whether the server paused the session as of its last activity (by idle)."""
    from helix_lsp.session import SessionManager

    with SessionManager(str(path), create=False) as mgr:
        sess = mgr.get("left-running")
        return sess.away_since is not None


async def run(
    n: int,
    spawn_baseline: Callable[[], Client],
    spawn_helix: Callable[[Path], Client],
    root: Path,
    options: dict[str, Any],
    tmp: Path,
) -> dict[str, Any]:
    """Spawn -> ``initialize`` -> ``initialized`` -> ``shutdown`` reply, each a new process."""
    folder = tmp / "away-start"
    folder.mkdir()
    template = folder / "template.db"
    away_store(template, root.name)
    stores: list[Path] = []

    async def one(client: Client) -> float:
        await client.spawn()
        await client.initialize(root, options)
        await client.request("shutdown", None)
        seconds = time.perf_counter() - client.spawned_at
        client.notify("exit", None)
        await client.close()
        return seconds

    async def base_step(i: int) -> float:
        return await one(spawn_baseline())

    async def helix_step(i: int) -> float:
        store = folder / f"away-{i}.db"
        shutil.copyfile(template, store)
        stores.append(store)
        return await one(spawn_helix(store))

    base, helix = await alternate(n, base_step, helix_step)
    result = figures.compare(base, helix)
    result["resolved"] = all(resolved(s) for s in stores)
    return result
