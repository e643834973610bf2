"""A large, realistic session store for the scale figures, generated once.

The store is built through the core's public API (one ``import_`` of a
generated snapshot, so every row passes the same checks a user's import
would) and cached under ``.bench-cache/``: generating 100,000 sessions takes
seconds, and every run after the first only copies the file. The cache key
includes the generator's version, the store's schema version and the SQL of
its tables and indexes, so any change to those builds a new file instead of
measuring a stale one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from helix_lsp.session import SessionManager
from helix_lsp.session import schema as core_schema

GENERATOR_VERSION = 1
PROJECTS = 40


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TAGS = _words(
    "auth api db ui cli perf security docs ci infra billing search cache queue "
    "payments mobile web backend frontend migration release hotfix refactor tests "
    "logging metrics alerts onboarding i18n a11y export import sync offline "
    "notifications email reports admin settings"
)
VERBS = _words("implement fix refactor investigate add remove migrate optimise document test")
NOUNS = _words(
    "user-auth payment-flow search-index cache-layer login-page api-gateway "
    "report-export queue-worker billing-cron settings-form"
)
MODES = ("planning", "building", "testing", "refactoring", "debugging", "deployment")
DAY_MS = 86_400_000

#: Filters the scale figures use; each one matches many rows, so ``total`` needs a count.
LIST_FILTERS: dict[str, dict[str, Any]] = {
    "status": {"status": "completed", "limit": 50},
    "project+status": {"project": "project-07", "status": "completed", "limit": 50},
    "mode": {"mode": "debugging", "limit": 50},
    "tag": {"tag": "payments", "limit": 50},
    "query": {"query": "payment", "limit": 50},
}


def iso(ms: int | None) -> str | None:
    if ms is None:
        return None
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def _entry(
    rng: random.Random, index: int, created: int, status: str, project: str
) -> dict[str, Any]:
    started = ended = paused = since = None
    active_ms = 0
    reason = None
    if status != "idle" and not (status == "failed" and rng.random() < 0.2):
        started = created + rng.randrange(1, 3_600_000)
        length = rng.randrange(60_000, 8 * 3_600_000)
        active_ms = rng.randrange(0, length)
        if status in ("completed", "failed"):
            ended = started + length
        elif status == "paused":
            paused = started + length
        else:  # active
            since = started + length - active_ms // 4
            active_ms -= active_ms // 4
    if status == "failed":
        ended = ended or created + rng.randrange(1, 3_600_000)
        reason = "Tests failed, need to redesign"
    last = max(t for t in (created, started, ended, paused, since) if t is not None)
    verb, noun = rng.choice(VERBS), rng.choice(NOUNS)
    return {
        "id": f"b{index:07d}",
        "name": f"{verb}-{noun}-{index}",
        "mode": rng.choice(MODES),
        "status": status,
        "project": project,
        "description": f"{verb} the {noun.replace('-', ' ')}" if rng.random() < 0.5 else None,
        "tags": rng.sample(TAGS, rng.randrange(0, 4)),
        "metadata": {"sprint": str(rng.randrange(1, 60))},
        "context": {
            "branch": f"feature/{noun}",
            "current_file": f"src/{noun.replace('-', '_')}.py",
            "current_line": str(rng.randrange(1, 900)),
        },
        "createdAt": iso(created),
        "updatedAt": iso(last),
        "startedAt": iso(started),
        "lastPausedAt": iso(paused),
        "endedAt": iso(ended),
        "failureReason": reason,
        "activeMs": active_ms,
        "activeSince": iso(since),
    }


def snapshot(count: int, seed: int = 7) -> dict[str, Any]:
    """``count`` sessions over two years and 40 projects, one active per project."""
    rng = random.Random(seed)
    now = int(time.time() * 1000)
    first = now - 730 * DAY_MS
    step = max(1, (now - DAY_MS - first) // max(count, 1))
    sessions = []
    for index in range(count):
        project = f"project-{index % PROJECTS:02d}"
        created = first + index * step + rng.randrange(0, step)
        if index >= count - PROJECTS:
            status = "active"
        else:
            roll = rng.random()
            status = (
                "paused"
                if roll < 0.02
                else "idle"
                if roll < 0.05
                else "failed"
                if roll < 0.15
                else "completed"
            )
        sessions.append(_entry(rng, index, created, status, project))
    return {
        "format": "helix-lsp/sessions",
        "version": 1,
        "exportedAt": iso(now),
        "sessions": sessions,
    }


def cache_dir(root: Path) -> Path:
    return root / ".bench-cache"


def schema_fingerprint() -> str:
    """The SQL of every table and index a new store gets, so any schema edit shows."""
    with tempfile.TemporaryDirectory(prefix="helix-bench-schema-") as tmp:
        path = Path(tmp) / "schema.db"
        SessionManager(path).close()
        with contextlib.closing(sqlite3.connect(path)) as conn:
            rows = conn.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
            ).fetchall()
    return f"{core_schema.SCHEMA_VERSION}:{rows!r}"


def cached_store(root: Path, count: int, log: Any = print) -> Path:
    """The path of a generated store of ``count`` sessions, building it if needed."""
    key = hashlib.sha256(
        f"{GENERATOR_VERSION}:{count}:{schema_fingerprint()}".encode()
    ).hexdigest()[:12]
    folder = cache_dir(root)
    target = folder / f"sessions-{count}-{key}.db"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    partial = folder / f".partial-{os.getpid()}-{target.name}"
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{partial}{suffix}").unlink()
    doc = snapshot(count)
    with SessionManager(partial) as mgr:
        mgr.import_(doc)
    with contextlib.closing(sqlite3.connect(partial)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to copy
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{partial}{suffix}").unlink()
    partial.replace(target)
    for stale in folder.glob(f"sessions-{count}-*.db"):
        if stale != target:  # built for an older schema or generator
            stale.unlink()
    log(f"generated {count} sessions in {time.perf_counter() - started:.1f}s -> {target}")
    return target


def copy_store(source: Path, folder: Path) -> Path:
    """A private copy for one server, so the cached file is never written to."""
    target = folder / "scale.db"
    shutil.copyfile(source, target)
    return target
