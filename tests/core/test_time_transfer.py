"""Snapshots carry each session's history and its time per file and branch, on
every store (SQLite, PostgreSQL), and from a SQLite file to PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from helix_lsp.session import Activity, SessionManager, rollup
from helix_lsp.session.events import total_ms
from tests.stores import NewStore

MIN = 60_000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    now = [1_800_000_000_000]
    for name in ("model", "manager", "handle", "transfer", "exporting"):
        module = __import__(f"helix_lsp.session.{name}", fromlist=["now_ms"])
        monkeypatch.setattr(module, "now_ms", lambda: now[0])
    return now


def worked(mgr: SessionManager, now: list[int]) -> str:
    sess = mgr.create("fix-login", "planning", "app", start=True)
    now[0] += 10 * MIN
    mgr.record_activity(sess.id, [Activity(now[0], "a.py", "main", 15, 1)])
    now[0] += 20 * MIN
    mgr.record_activity(sess.id, [Activity(now[0], "b.py", "feature", 3, 1)])
    mgr.set_mode(sess.id, "debugging")
    now[0] += 5 * MIN
    mgr.record_activity(sess.id, [Activity(now[0], "b.py", "feature", 9, 1)])
    now[0] += 2 * 60 * MIN
    mgr.pause_away(15)
    mgr.create("other", project="web")
    return sess.id


def time_of(mgr: SessionManager, sid: str) -> list[tuple[object, ...]]:
    seq = mgr.get(sid).record.seq
    with mgr.read_snapshot() as conn:
        found = conn.execute(
            "SELECT file, branch, bucket, ms FROM session_time WHERE session_seq = ? "
            "ORDER BY 1, 2, 3",
            [seq],
        ).fetchall()
    return [tuple(row) for row in found]


@pytest.mark.parametrize("streamed", [False, True])
def test_history_and_time_survive_export_and_import(
    new_store: NewStore, clock: list[int], streamed: bool
) -> None:
    with new_store() as first, new_store() as second:
        moved(first, second, clock, streamed)


def test_sessions_move_from_a_sqlite_file_to_postgresql(
    db_path: Path, pg_url: str, clock: list[int]
) -> None:
    moved(str(db_path), pg_url, clock, streamed=True)


def moved(source: str, target: str, clock: list[int], streamed: bool) -> None:
    with SessionManager(source) as mgr, SessionManager(target) as other:
        sid = worked(mgr, clock)
        assert sum(ms for *_, ms in time_of(mgr, sid)) == 35 * MIN
        if streamed:
            text = io.StringIO()
            mgr.export_to(text)
            text.seek(0)
            other.import_from(text)
        else:
            other.import_(json.loads(json.dumps(mgr.export())))
        assert other.history(sid) == mgr.history(sid)
        assert time_of(other, sid) == time_of(mgr, sid)
        mine, theirs = mgr.get(sid).to_json(), other.get(sid).to_json()
        for key in ("activeSeconds", "activeSecondsByMode", "lastActivityAt", "awaySince"):
            assert theirs[key] == mine[key], key
        assert theirs["activeSecondsByMode"] == {"planning": 1800.0, "debugging": 300.0}
        assert other.away_offer("app") is not None, "still offered as away after the move"
        # the imported time is in the running totals a report reads, as in the first store
        times, places, spans, _ = rollup.stored(other.store.conn)
        mine_times, mine_places, mine_spans, _ = rollup.stored(mgr.store.conn)
        assert (times, places) == (mine_times, mine_places) and times and places
        assert [s[1:] for s in spans] == [s[1:] for s in mine_spans] and spans


def test_a_snapshot_from_before_the_history_imports_with_one_reconstructed(
    new_store: NewStore, clock: list[int]
) -> None:
    with new_store() as a, new_store() as b, SessionManager(a) as mgr, SessionManager(b) as other:
        sid = worked(mgr, clock)
        snapshot = json.loads(json.dumps(mgr.export()))
        for entry in snapshot["sessions"]:
            for key in ("history", "time", "activeMsByMode", "pausedBy", "lastActivityAt"):
                entry.pop(key)
            entry.pop("activeSecondsByMode")
        other.import_(snapshot)
        history = other.history(sid)
        assert [e["kind"] for e in history] == ["created", "started", "paused"]
        assert [e["by"] for e in history] == ["import", "import", "idle"]  # awaySince said so
        assert all(e["data"]["reconstructed"] for e in history)
        sess, found = other.history_events(sid)
        assert total_ms(found, clock[0]) == sess.record.active_total_ms(clock[0]) == 35 * MIN
        assert sess.to_json()["activeSecondsByMode"] == {"debugging": 2100.0}
        times, _, spans, modes = rollup.stored(other.store.conn)
        assert (times, {}, spans, modes) == rollup.summarised(other.store.conn)
        assert sum(ms for (span, *_), ms in times.items() if span == rollup.DAY) == 35 * MIN


def test_a_snapshot_with_a_bad_history_is_refused_whole(
    new_store: NewStore, clock: list[int]
) -> None:
    with new_store() as a, new_store() as b, SessionManager(a) as mgr, SessionManager(b) as other:
        worked(mgr, clock)
        snapshot = json.loads(json.dumps(mgr.export()))
        snapshot["sessions"][-1]["history"][0]["kind"] = "teleported"
        with pytest.raises(Exception, match="unknown kind 'teleported'"):
            other.import_(snapshot)
        assert other.list().total == 0
