"""Streaming export and import: the same snapshot, bounded memory, refusals that write nothing.

Snapshots are generated as the benchmarks generate them (``bench.store``):
realistic sessions over 40 projects, one active per project. On every store
(SQLite, PostgreSQL), except the ways of reading input and the 20,000 sessions
in bounded memory, on SQLite (a minute and more on PostgreSQL).
"""

from __future__ import annotations

import io
import json
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.store import snapshot
from helix_lsp.session import (
    ConflictError,
    InvalidArgumentError,
    SessionManager,
)
from tests.stores import manager_on_each_store

mgr = pytest.fixture(name="mgr")(manager_on_each_store)


def text_of(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


class Pipe(io.RawIOBase):
    """A stream that can be read once, like stdin from a pipe."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(min(len(buffer), 7000))  # uneven pieces
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_export_to_writes_what_export_returns(mgr: SessionManager) -> None:
    for i in range(5):
        sess = mgr.create(f"s{i} ✓", project="p", tags=["a"], metadata={"k": 'v\n"q"'})
        mgr.fail(sess.id, "no")
    mgr.create("idle", project="q", description="línea")
    out = io.StringIO()
    assert mgr.export_to(out) == 6
    streamed = out.getvalue()
    at = re.search(r'"exportedAt": "([^"]+)"', streamed)
    assert at is not None
    whole = mgr.export()
    whole["exportedAt"] = at.group(1)
    assert json.loads(streamed) == whole
    lines = streamed.splitlines()
    assert len([line for line in lines if line.startswith('    {"id": ')]) == 6  # a session a line
    one = io.StringIO()
    assert mgr.export_to(one, "idle") == 1
    assert [s["name"] for s in json.loads(one.getvalue())["sessions"]] == ["idle"]
    empty = io.StringIO()
    with SessionManager(":memory:") as nothing:
        nothing.export_to(empty)
    assert json.loads(empty.getvalue())["sessions"] == []


@pytest.mark.parametrize(
    ("store_kind", "how"),
    [("sqlite", "text"), ("sqlite", "bytes"), ("sqlite", "pipe"), ("postgresql", "text")],
    indirect=["store_kind"],
)
def test_import_from_adds_every_session(store_target: str, how: str) -> None:
    doc = snapshot(1200)
    raw = text_of(doc)
    source: Any = {
        "text": io.StringIO(raw),
        "bytes": io.BytesIO(b"\xef\xbb\xbf" + raw.encode()),  # with a BOM
        "pipe": io.BufferedReader(Pipe(raw.encode())),
    }[how]
    progress: list[tuple[int, int | None]] = []
    with SessionManager(store_target) as mgr:
        ids = mgr.import_from(source, progress=lambda done, total: progress.append((done, total)))
        assert ids == [s["id"] for s in doc["sessions"]]
        assert mgr.list().total == 1200
        assert len(mgr.active_sessions()) == 40
        back = mgr.export()
    assert progress[-1] == (1200, 1200)
    assert [s["id"] for s in back["sessions"]] == sorted(
        ids, key=lambda i: next(s["createdAt"] for s in doc["sessions"] if s["id"] == i)
    )


def test_keys_in_another_order_import_too(mgr: SessionManager) -> None:
    doc = snapshot(3)
    reordered = json.dumps(doc, sort_keys=True)  # exportedAt, format, sessions, version
    assert len(mgr.import_from(io.StringIO(reordered))) == 3
    others = [{**s, "id": f"late-{s['id']}", "status": "idle"} for s in doc["sessions"][:2]]
    for entry in others:
        entry.update(startedAt=None, endedAt=None, activeSince=None, failureReason=None)
    late = {"sessions": others, **{k: doc[k] for k in doc if k != "sessions"}}
    assert len(mgr.import_from(io.StringIO(json.dumps(late)))) == 2


def refused(mgr: SessionManager, data: bytes | str) -> str:
    stream: Any = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    with pytest.raises((InvalidArgumentError, ConflictError)) as caught:
        mgr.import_from(stream)
    assert mgr.list().total == 0, "a refused import wrote sessions"
    message = str(caught.value)
    assert "\n" not in message and message.endswith(".")
    return message


def test_a_bad_session_late_in_the_snapshot_writes_nothing(mgr: SessionManager) -> None:
    doc = snapshot(1200)
    doc["sessions"][1100]["mode"] = "dancing"
    assert refused(mgr, text_of(doc)).startswith("session 1101 of the snapshot: 'dancing'")
    doc = snapshot(1200)
    doc["sessions"][1150]["id"] = doc["sessions"][3]["id"]
    assert refused(mgr, text_of(doc)) == (
        f"the snapshot holds session {doc['sessions'][3]['id']} twice."
    )


def test_an_id_already_stored_writes_nothing(mgr: SessionManager) -> None:
    doc = snapshot(1200)
    mgr.import_from(io.StringIO(text_of({**doc, "sessions": doc["sessions"][1190:1191]})))
    with pytest.raises(ConflictError, match="is already in the store; nothing was imported"):
        mgr.import_from(io.StringIO(text_of(doc)))
    assert mgr.list().total == 1


def test_input_that_is_not_a_snapshot_is_refused_in_one_sentence(mgr: SessionManager) -> None:
    head = '{"format": "helix-lsp/sessions", "version": 1, "sessions": ['
    assert refused(mgr, b"\xff\xfe{}") == (
        "the snapshot is not UTF-8 text, so it is not a helix-lsp snapshot; nothing was imported."
    )
    good = text_of(snapshot(2)).encode()
    assert "not UTF-8" in refused(mgr, good[:-40] + b"\xc3\x28" + good[-38:])
    assert refused(mgr, head + "[" * 100_000 + "]" * 100_000 + "]}") == (
        "the snapshot nests its JSON too deeply to be a helix-lsp snapshot; nothing was imported."
    )
    assert "NaN, which is not JSON" in refused(mgr, head + "NaN]}")
    assert refused(mgr, head + "]]}") == (
        "the snapshot is not JSON (expected ',' or '}' at line 1); nothing was imported."
    )
    assert refused(mgr, text_of(snapshot(2)) + "{}").startswith(
        "the snapshot is not JSON (text after the document at line"
    )
    broken = text_of(snapshot(3000)).replace('"mode": "', '"mode": x"', 1)
    assert refused(mgr, broken) == (
        "the snapshot is not JSON (Expecting value at line 9); nothing was imported."
    )
    assert refused(mgr, "  \n") == "the snapshot is empty; nothing was imported."
    assert refused(mgr, "[]") == "the snapshot must be an object; nothing was imported."
    assert refused(mgr, '{"format": "other", "sessions": []}') == (
        "the snapshot's format is not 'helix-lsp/sessions'."
    )
    assert refused(mgr, '{"format": "helix-lsp/sessions", "version": 1}') == (
        "the snapshot has no list of sessions."
    )


KILLED_MIDWAY = """
import os, signal, sys
from helix_lsp.session import SessionManager

def progress(done, total):
    if total is not None and done >= 1000:
        print(done, flush=True)  # committed: the kill comes after this batch
        os.kill(os.getpid(), signal.SIGKILL)

with SessionManager(sys.argv[1]) as mgr, open(sys.argv[2], "rb") as fp:
    mgr.import_from(fp, progress=progress)
"""


def test_an_import_killed_midway_is_completed_by_importing_again(
    tmp_path: Path, store_target: str
) -> None:
    db, source = store_target, tmp_path / "snapshot.json"
    doc = snapshot(3000)
    source.write_text(text_of(doc), encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MIDWAY, db, str(source)],
        capture_output=True,
        text=True,
    )
    assert killed.returncode == -signal.SIGKILL
    committed = int(killed.stdout)
    assert 1000 <= committed < 3000
    with SessionManager(db) as mgr:
        assert mgr.list().total == committed  # the batches committed before the kill
        with source.open("rb") as fp:
            rest = mgr.import_from(fp)
        assert rest == [s["id"] for s in doc["sessions"][committed:]]
        assert mgr.list().total == 3000
        with pytest.raises(ConflictError, match="already in the store"), source.open("rb") as fp:
            mgr.import_from(fp)  # complete now: importing again is a conflict
        assert mgr.check_integrity() is None


MEASURE = """
import re, sys
from helix_lsp.session import SessionManager
verb, db, path = sys.argv[1:]
with SessionManager(db) as mgr:
    if verb == "import":
        with open(path, "rb") as fp:
            count = len(mgr.import_from(fp))
    else:
        with open(path, "w", encoding="utf-8") as fp:
            count = mgr.export_to(fp)
with open("/proc/self/status") as status:  # this program's peak, not its parent's
    peak_kb = int(re.search(r"VmHWM:\\s+(\\d+)", status.read()).group(1))
print(count, peak_kb // 1024)
"""


def test_twenty_thousand_sessions_stream_in_bounded_memory(tmp_path: Path, db_path: Path) -> None:
    source, db, out = tmp_path / "in.json", str(db_path), tmp_path / "out.json"
    source.write_text(text_of(snapshot(20_000)), encoding="utf-8")
    for verb, path in (("import", source), ("export", out)):
        measured = subprocess.run(
            [sys.executable, "-c", MEASURE, verb, db, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        count, peak_mb = map(int, measured.stdout.split())
        assert count == 20_000
        assert peak_mb <= 60, f"{verb} of 20,000 sessions peaked at {peak_mb} MB"
    assert len(json.loads(out.read_text())["sessions"]) == 20_000


def test_a_large_snapshot_object_is_checked_whole_then_written(mgr: SessionManager) -> None:
    doc = json.loads(text_of(snapshot(1200)))
    mgr.import_({**doc, "sessions": doc["sessions"][-1:]})
    with pytest.raises(ConflictError, match="is already in the store; nothing was imported"):
        mgr.import_(doc)
    assert mgr.list().total == 1
    two_active = [dict(s, id=f"x{i}") for i, s in enumerate(doc["sessions"][-2:])]
    two_active[0]["project"] = two_active[1]["project"]
    with pytest.raises(ConflictError, match="two active sessions in project"):
        mgr.import_({**doc, "sessions": doc["sessions"][:1100] + two_active})
    assert mgr.list().total == 1
    assert len(mgr.import_({**doc, "sessions": doc["sessions"][:-1]})) == 1199
    assert mgr.list().total == 1200
