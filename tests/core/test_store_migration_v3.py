"""Stores of schema versions 1 and 2 migrate to version 3 without losing a session.

The old stores are made with the SQL those versions ran (``MIGRATIONS[0]`` and
``MIGRATIONS[1]`` never change once released) and rows written with their
columns only, as helix-lsp wrote them then. Every session comes through with
its times, a history reconstructed from its timestamps (marked as such) that
adds up to its active time, and its active time in its current mode.

SQLite only: old stores are SQLite files by nature.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from pathlib import Path

import pytest

from helix_lsp.report import build_report
from helix_lsp.session import Activity, SessionManager, rollup
from helix_lsp.session.events import total_ms
from helix_lsp.session.model import now_ms
from helix_lsp.session.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conditions import read_as_a_user

T = 1_790_000_000_000
MIN = 60_000
#: name, mode, status, started, last paused, ended, reason, active ms, active since
OLD_ROWS = [
    ("idle-one", "planning", "idle", None, None, None, None, 0, None),
    ("paused-one", "building", "paused", T + MIN, T + 50 * MIN, None, None, 30 * MIN, None),
    (
        "active-one",
        "testing",
        "active",
        T + 2 * MIN,
        T + 20 * MIN,
        None,
        None,
        12 * MIN,
        T + 40 * MIN,
    ),
    ("running-one", "debugging", "active", T + 3 * MIN, None, None, None, 0, T + 3 * MIN),
    ("done-one", "refactoring", "completed", T, T + 5 * MIN, T + 90 * MIN, None, 70 * MIN, None),
    ("failed-one", "deployment", "failed", T, None, T + 9 * MIN, "broke", 9 * MIN, None),
]


def old_store(db: Path, version: int) -> None:
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN")
        for step in range(version):
            MIGRATIONS[step](conn)
        for index, row in enumerate(OLD_ROWS):
            name, mode, status, started, paused, ended, reason, active, since = row
            project = f"proj-{index}"  # one active session per project
            conn.execute(
                "INSERT INTO sessions (id, name, mode, status, project, tags, created_at, "
                "updated_at, started_at, last_paused_at, ended_at, failure_reason, active_ms, "
                "active_since) VALUES (?, ?, ?, ?, ?, '[\"old\"]', ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    f"id{index}",
                    name,
                    mode,
                    status,
                    project,
                    T,
                    T + 100 * MIN,
                    started,
                    paused,
                    ended,
                    reason,
                    active,
                    since,
                ],
            )
            conn.execute(
                "INSERT INTO session_tags (tag, seq, created_at) VALUES ('old', ?, ?)",
                [index + 1, T],
            )
        conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")


@pytest.mark.parametrize("version", [1, 2])
def test_an_older_store_migrates_with_reconstructed_history(tmp_path: Path, version: int) -> None:
    db = tmp_path / "sessions.db"
    old_store(db, version)
    with SessionManager(db) as mgr:
        assert mgr.list().total == len(OLD_ROWS)
        assert mgr.list(tag="old").total == len(OLD_ROWS)
        at = now_ms()
        for index, (name, mode, status, *_rest) in enumerate(OLD_ROWS):
            sess, history = mgr.history_events(f"id{index}")
            assert (sess.name, sess.mode.value, sess.status.value) == (name, mode, status)
            assert history[0].kind == "created"
            assert all(e.data.get("reconstructed") for e in history)
            active = sess.record.active_total_ms(at)
            assert total_ms(history, at) == active, name
            shown = sess.record.to_json(at)  # one moment for both figures
            assert shown["activeSecondsByMode"] == {mode: shown["activeSeconds"]}
        kinds = {
            name: [e["kind"] for e in mgr.history(f"id{index}")]
            for index, (name, *_rest) in enumerate(OLD_ROWS)
        }
        assert kinds["idle-one"] == ["created"]
        assert kinds["paused-one"] == ["created", "started", "paused"]
        assert kinds["active-one"] == ["created", "started", "paused", "resumed"]
        assert kinds["running-one"] == ["created", "started"]
        assert kinds["done-one"] == ["created", "started", "completed"]
        assert kinds["failed-one"] == ["created", "started", "failed"]
        running = mgr.get("running-one").to_json()
        # before version 3 every cursor position was a change: the last one is the
        # last activity, so an upgrade does not take a session in use for one left away
        assert running["lastActivityAt"] == running["updatedAt"]
        paused = mgr.get("paused-one").to_json()
        assert paused["activeSeconds"] == 30 * 60 and paused["lastPausedAt"] is not None
        mgr.resume("paused-one")  # the migrated store is written as usual
        assert [e["kind"] for e in mgr.history("paused-one")][-1] == "resumed"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
        # the reconstructed time is in the running totals reports read
        assert rollup.stored(conn) == rollup.summarised(conn)
        assert (
            sum(ms for (span, *_k), ms in rollup.stored(conn)[0].items() if span == rollup.DAY) > 0
        )
        stored = conn.execute("SELECT active_by_mode FROM sessions WHERE id = 'id4'").fetchone()
        assert json.loads(stored[0]) == {"refactoring": 70 * MIN}


_READ_AS_A_USER = """
import json, sys
from helix_lsp.session import SessionManager
with SessionManager(sys.argv[1]) as mgr:
    print(json.dumps([mgr.read_only_reason is not None, mgr.list().total,
                      [e["kind"] for e in mgr.history("done-one")],
                      mgr.get("running-one").to_json()["lastActivityAt"],
                      mgr.get("running-one").to_json()["updatedAt"]]))
"""


def test_a_store_that_cannot_be_migrated_still_shows_its_history(tmp_path: Path) -> None:
    db = tmp_path / "ro" / "sessions.db"
    db.parent.mkdir()
    old_store(db, 2)
    shown = read_as_a_user(_READ_AS_A_USER, db)
    read_only, total, kinds, last_activity, updated = json.loads(shown)
    assert (read_only, total, kinds) == (True, len(OLD_ROWS), ["created", "started", "completed"])
    assert last_activity == updated, "the last change stands for the last activity"


_REPORT_AS_A_USER = """
import json, sys
from helix_lsp.report import build_report
from helix_lsp.session import SessionManager
with SessionManager(sys.argv[1]) as mgr:
    print(json.dumps([mgr.read_only_reason is not None, build_report(mgr, since="2d").to_json()]))
"""


def test_a_version_3_store_that_cannot_be_migrated_reports_its_time(tmp_path: Path) -> None:
    """Its running totals are worked out in memory from its history: the same report."""
    db = tmp_path / "ro" / "sessions.db"
    db.parent.mkdir()
    with SessionManager(db) as mgr:
        for name in ("a", "b"):
            sess = mgr.create(name, "building", "p", start=True)
            time.sleep(0.02)  # some active time in each mode
            mgr.record_activity(sess.id, [Activity(now_ms(), "a.py", "main")])
            mgr.set_mode(sess.id, "testing")
            time.sleep(0.02)
            mgr.pause(sess.id)
        expected = build_report(mgr, since="2d").to_json()
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:  # the file of version 3
        for name in ("time_rollup", "place_rollup", "session_intervals"):
            conn.execute(f"DROP TABLE {name}")
        conn.execute("DROP INDEX sessions_finished")
        conn.execute("PRAGMA user_version = 3")
    read_only, report = json.loads(read_as_a_user(_REPORT_AS_A_USER, db))
    assert read_only and report["sessionCount"] == 2 and report["totalSeconds"] > 0
    for key in ("totalSeconds", "byMode", "byProject", "sessions", "files", "branches"):
        assert report[key] == expected[key], key
