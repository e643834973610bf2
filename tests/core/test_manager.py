"""The manager's answers and rules: live handles, name resolution, one active
session per project, queries, statistics, history, snapshots and limits.

On every store (SQLite, PostgreSQL), except the tests about SQLite's file by
nature (its place and mode, HELIX_LSP_DB's default, a newer schema, a file that
is not a store, data_version, ``:memory:``), which open a SQLite file themselves."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from helix_lsp.session import (
    ConflictError,
    InvalidArgumentError,
    InvalidTransitionError,
    Mode,
    NotFoundError,
    SessionManager,
    Status,
    StorageError,
)
from helix_lsp.session.model import from_iso
from tests.stores import NewStore, manager_on_each_store, query

mgr = pytest.fixture(name="mgr")(manager_on_each_store)


def test_handle_stays_in_step_and_setters_persist(mgr: SessionManager, store_target: str) -> None:
    sess = mgr.create("implement-user-auth", Mode.BUILDING, "api-server")
    assert sess.status is Status.IDLE and str(sess.status) == "idle"
    assert mgr.get(sess.id) is sess
    mgr.start(sess.id)
    assert sess.status is Status.ACTIVE
    sess.add_tag("authentication")
    sess.add_tag("authentication")
    sess.set_metadata("sprint", "23")
    with SessionManager(store_target) as other:
        seen = other.get(sess.id)
        assert seen.tags == ["authentication"]
        assert seen.get_metadata("sprint") == "23"
        other.pause(sess.id)
    assert sess.status is Status.ACTIVE  # stale until refreshed...
    assert sess.refresh().status is Status.PAUSED  # ...and current after


def test_names_resolve_to_open_sessions_then_finished(mgr: SessionManager) -> None:
    old = mgr.create("auth", "building", "api")
    mgr.fail(old.id, "wrong approach")
    assert mgr.get("auth") is old
    new = mgr.create("auth", "building", "api")
    assert mgr.get("auth") is new
    mgr.create("auth", "testing", "web")
    with pytest.raises(InvalidArgumentError, match="several open sessions are named 'auth'"):
        mgr.get("auth")
    with pytest.raises(NotFoundError, match="no session has the id or name 'nope'"):
        mgr.get("nope")


def test_current_session_rules(mgr: SessionManager) -> None:
    with pytest.raises(NotFoundError, match="project 'api' has no active or paused session"):
        mgr.pause(project="api")
    a = mgr.create("a", project="api")
    b = mgr.create("b", project="api")
    assert mgr.start(project="api").session is b  # the most recently created idle one
    assert mgr.resolve(None, "api") is b
    mgr.pause(project="api")
    assert mgr.resolve(None, "api") is b  # the most recently paused one
    mgr.start(a.id)
    assert mgr.resolve(None, "api") is a  # the active one first


def test_one_active_session_per_project(mgr: SessionManager) -> None:
    a = mgr.create("a", project="api", start=True)
    elsewhere = mgr.create("c", project="web", start=True)
    b = mgr.create("b", project="api")
    result = mgr.start(b.id)
    assert [p.id for p in result.paused] == [a.id]
    assert a.status is Status.PAUSED and b.status is Status.ACTIVE
    assert elsewhere.status is Status.ACTIVE
    result = mgr.resume(a.id)
    assert [p.id for p in result.paused] == [b.id]
    assert {s.id for s in mgr.active_sessions()} == {a.id, elsewhere.id}
    assert mgr.active("api") is a and mgr.active("nothing") is None


def test_list_filters_order_and_paging(mgr: SessionManager) -> None:
    made = []
    for i in range(30):
        sess = mgr.create(
            f"task-{i:02d}",
            Mode.TESTING if i % 3 == 0 else Mode.BUILDING,
            "api" if i % 2 else "web",
            tags=["even"] if i % 2 == 0 else ["odd"],
        )
        made.append(sess)
        time.sleep(0.001)
    page = mgr.list(limit=10)
    assert [s.name for s in page] == [f"task-{i:02d}" for i in range(29, 19, -1)]
    assert page.total == 30
    assert [s.name for s in mgr.list(limit=5, offset=27)] == ["task-02", "task-01", "task-00"]
    assert mgr.list(mode="testing").total == 10
    assert mgr.list(mode=["testing", "building"]).total == 30
    assert mgr.list(project="api", tag="odd").total == 15
    assert mgr.list(project="api", tag="even").total == 0
    assert [s.name for s in mgr.list(query="K-2")][:2] == ["task-29", "task-28"]
    assert mgr.list(query="100%").total == 0
    mgr.start(made[4].id)
    assert [s.id for s in mgr.list(status="active")] == [made[4].id]
    with pytest.raises(InvalidArgumentError, match="'sleeping' is not a valid status"):
        mgr.list(status="sleeping")
    with pytest.raises(InvalidArgumentError, match="limit must be between 1"):
        mgr.list(limit=0)


def test_stats(mgr: SessionManager) -> None:
    a = mgr.create("a", "building", "api", start=True)
    time.sleep(0.05)
    mgr.complete(a.id)
    mgr.create("b", "testing", "api")
    c = mgr.create("c", "debugging", "web", start=True)
    time.sleep(0.02)
    stats = mgr.stats()
    assert stats.total == 3
    assert stats.by_status["completed"] == 1 and stats.by_status["idle"] == 1
    assert stats.by_status["active"] == 1 and stats.by_status["failed"] == 0
    assert stats.by_mode == {
        "planning": 0,
        "building": 1,
        "testing": 1,
        "refactoring": 0,
        "debugging": 1,
        "deployment": 0,
    }
    assert stats.active_seconds >= 0.07
    assert stats.average_active_seconds == pytest.approx(stats.active_seconds / 2)
    assert set(stats.by_project) == {"api", "web"}
    assert mgr.stats("web").total == 1
    payload = stats.to_json()
    assert set(payload) >= {"total", "byStatus", "byMode", "activeSeconds", "averageActiveSeconds"}
    assert c.active_duration.total_seconds() > 0


def test_delete_and_trim_history(mgr: SessionManager, store_target: str) -> None:
    active = mgr.create("busy", project="api", start=True)
    with pytest.raises(InvalidTransitionError, match="cannot delete 'busy': it is active"):
        mgr.delete(active.id)
    finished = []
    for i in range(5):
        sess = mgr.create(f"done-{i}", project="api", start=True)
        mgr.complete(sess.id)
        finished.append(sess)
        time.sleep(0.002)
    assert mgr.trim_history(2) == 3
    assert sorted(s.name for s in mgr.list(status=["completed", "failed"])) == ["done-3", "done-4"]
    assert mgr.trim_history(2) == 0
    assert mgr.delete("done-3") == finished[3].id
    assert mgr.list().total == 2  # busy and done-4
    assert query(store_target, "SELECT COUNT(*) AS n FROM session_tags") == [{"n": 0}]


def test_export_import_round_trip_is_lossless(mgr: SessionManager, new_store: NewStore) -> None:
    a = mgr.create(
        "a",
        "planning",
        "api",
        description="line one\nline two",
        tags=["x", "y"],
        metadata={"sprint": "23"},
        context={"branch": "main"},
    )
    mgr.start(a.id)
    time.sleep(0.01)
    mgr.pause(a.id)
    b = mgr.create("b", "testing", "api", start=True)
    mgr.fail(mgr.create("c", project="web").id, "gave up ✗")
    snapshot = json.loads(json.dumps(mgr.export()))
    with new_store() as target, SessionManager(target) as other:
        assert sorted(other.import_(snapshot)) == sorted(s["id"] for s in snapshot["sessions"])
        again = other.export()
    for left, right in zip(snapshot["sessions"], again["sessions"], strict=True):
        left, right = dict(left), dict(right)
        running = {"durationSeconds": ("active", "paused"), "activeSeconds": ("active",)}
        for key, clock_runs in running.items():
            if left["status"] not in clock_runs:  # a running clock moves between exports
                assert left[key] == right[key]
            left.pop(key)
            right.pop(key)
        if left["status"] == "active":  # its interval goes on from the import, same total
            since = {
                s: from_iso(side.pop("activeSince"), "t") or 0
                for s, side in (("left", left), ("right", right))
            }
            moved = since["right"] - since["left"]
            assert moved >= 0 and right.pop("activeMs") == left.pop("activeMs") + moved
            mode = left["mode"]
            closed = left.pop("activeMsByMode")
            assert right.pop("activeMsByMode") == {**closed, mode: closed.get(mode, 0) + moved}
            left.pop("activeSecondsByMode")
            right.pop("activeSecondsByMode")
        assert left == right
    with pytest.raises(ConflictError, match="already in the store"):
        mgr.import_(snapshot)
    assert mgr.list().total == 3
    one = mgr.export(b.id)
    assert [s["name"] for s in one["sessions"]] == ["b"]


def test_import_is_all_or_nothing(mgr: SessionManager) -> None:
    good = mgr.create("good", project="api")
    snap = mgr.export(good.id)
    mgr.delete(good.id)
    bad = dict(snap["sessions"][0], id="other", mode="dancing")
    with pytest.raises(InvalidArgumentError, match="'dancing' is not a valid mode"):
        mgr.import_({**snap, "sessions": [snap["sessions"][0], bad]})
    assert mgr.list().total == 0
    for broken in [[], "text", {"format": "other"}, {**snap, "version": 99}]:
        with pytest.raises(InvalidArgumentError):
            mgr.import_(broken)  # type: ignore[arg-type]


def test_limits_refuse_clearly_and_write_nothing(mgr: SessionManager, store_target: str) -> None:
    sess = mgr.create("x", project="api")
    cases = [
        (lambda: mgr.create(""), "the session name must not be empty"),
        (lambda: mgr.create("x" * 201), "longer than 200"),
        (lambda: mgr.create("a\x00b"), "invisible or control character"),
        (lambda: mgr.create("x", "dancing"), "not a valid mode"),
        (lambda: sess.add_tag("two words"), "white space"),
        (lambda: sess.add_tag("t" * 65), "longer than 64"),
        (lambda: sess.set_metadata("k", "v" * 5000), "longer than 4096"),
        (lambda: sess.set_context("", "v"), "key must not be empty"),
        (lambda: mgr.set_metadata(sess.id, "k", 5), "must be a string"),  # type: ignore[arg-type]
    ]
    for call, message in cases:
        with pytest.raises(InvalidArgumentError, match=message):
            call()
    for i in range(64):
        sess.add_tag(f"t{i}")
    with pytest.raises(InvalidArgumentError, match="at most 64 tags"):
        sess.add_tag("one-more")
    with SessionManager(store_target) as other:
        assert len(other.get(sess.id).tags) == 64
    assert mgr.list().total == 1


def test_store_file_is_private_and_in_the_user_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HELIX_LSP_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = os.umask(0)
    try:
        with SessionManager() as mgr:
            mgr.create("x", project="p")
            path = Path(mgr.path)
    finally:
        os.umask(old)
    assert path == tmp_path / "data" / "helix-lsp" / "sessions.db"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_env_variable_picks_the_default_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "env" / "s.db"
    monkeypatch.setenv("HELIX_LSP_DB", str(target))
    with SessionManager() as mgr:
        assert mgr.path == str(target)
    assert target.exists()


def test_newer_schema_is_read_but_never_written(db_path: Path) -> None:
    with SessionManager(db_path) as mgr:
        mgr.create("kept", project="p")
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = db_path.read_bytes()
    with SessionManager(db_path) as mgr:
        assert (
            mgr.read_only_reason is not None
            and "schema version 99, newer than" in mgr.read_only_reason
        )
        assert [s.name for s in mgr.list()] == ["kept"]
        with pytest.raises(
            StorageError, match="upgrade helix-lsp to change it; nothing was changed"
        ):
            mgr.create("new", project="p")
        with pytest.raises(StorageError):
            mgr.start("kept")
    assert db_path.read_bytes() == before


def test_not_a_database_is_refused_and_left_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_text("my notes, not a database\n" * 100)
    with pytest.raises(StorageError, match="not a helix-lsp store"):
        SessionManager(db_path)
    assert db_path.read_text() == "my notes, not a database\n" * 100


def test_data_version_sees_other_writers(db_path: Path) -> None:
    with SessionManager(db_path) as mgr:
        first = mgr.data_version()
        mgr.create("mine", project="p")
        assert mgr.data_version() == first  # our own commits do not count
        with SessionManager(db_path) as other:
            other.create("theirs", project="p")
        assert mgr.data_version() != first


def test_memory_store(tmp_path: Path) -> None:
    with SessionManager(":memory:") as mgr:
        mgr.create("x", project="p", start=True)
        assert mgr.active("p") is not None
