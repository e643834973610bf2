"""Two processes hammering one store (a SQLite file, a PostgreSQL database): every
change of both must be there."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from helix_lsp.session import SessionManager, Status
from tests.stores import is_postgres

COUNT = 120


def test_two_writers_lose_nothing(store_target: str) -> None:
    with SessionManager(store_target) as mgr:
        shared = mgr.create("shared", "building", "shared-project", start=True)
    worker = Path(__file__).with_name("hammer_worker.py")
    start_at = str(time.time() + 1.5)
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), store_target, label, str(COUNT), start_at],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label in ("left", "right")
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        results.append(json.loads(out))

    with SessionManager(store_target) as mgr:
        assert mgr.list(limit=1).total == 2 * COUNT + 1
        for label, result in zip(("left", "right"), results, strict=True):
            assert len(result["created"]) == COUNT
            for i, sid in enumerate(result["created"]):
                sess = mgr.get(sid)
                assert sess.name == f"{label}-{i}"
                assert sess.get_context("current_line") == str(i)
                expected = Status.COMPLETED if sid in result["completed"] else Status.PAUSED
                assert sess.status is expected
        shared = mgr.get(shared.id)
        assert len(shared.metadata) == 2 * COUNT, "a metadata write of one process was lost"
        assert sorted(shared.tags) == sorted(
            f"{lab}{n}" for lab in ("left", "right") for n in range(20)
        )
        assert shared.status in (Status.ACTIVE, Status.PAUSED)
        left, right = results
        overlap = min(left["ended"], right["ended"]) - max(left["began"], right["began"])
        assert overlap > 0, "the two writers never ran at the same time"
        if not is_postgres(store_target):
            with mgr.read_snapshot() as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
