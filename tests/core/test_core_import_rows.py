"""One bad row cannot poison the store.

An import is checked in full before anything is written: a row whose times
cannot be printed, whose numbers cannot be summed, or whose fields have the
wrong shape is refused in one sentence. And a row that got into the store
anyway (another program, an older release) is reported and skipped by
listings and lookups instead of breaking every one of them.

SQLite only: the bad rows are written into the store file behind the
store's back.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Any

import pytest

from helix_lsp.session import InvalidArgumentError, SessionManager, StorageError


def _snapshot(mgr: SessionManager) -> dict[str, Any]:
    sess = mgr.create("template", project="web", tags=["t"])
    mgr.start(sess.id)
    mgr.complete(sess.id)
    snap = mgr.export(sess.id)
    mgr.delete(sess.id)
    return snap


BAD_ROWS: dict[str, tuple[dict[str, Any], str]] = {
    "created in year 0 in UTC": (
        {"createdAt": "0001-01-01T00:00:00+01:00"},
        "createdAt '0001-01-01T00:00:00+01:00' is outside the years 1970 to 9999 (UTC)",
    ),
    "created in year 10000 in UTC": (
        {"createdAt": "9999-12-31T23:59:59-01:00"},
        "createdAt '9999-12-31T23:59:59-01:00' is outside the years 1970 to 9999 (UTC)",
    ),
    "activeMs of 2**53": ({"activeMs": 2**53}, "activeMs must be between 0 and"),
    "negative activeMs": ({"activeMs": -5}, "activeMs must be between 0 and"),
    "NaN seconds": ({"activeMs": None, "activeSeconds": math.nan}, "activeSeconds must be"),
    "infinite seconds": ({"activeMs": None, "activeSeconds": math.inf}, "activeSeconds must be"),
    "true seconds": ({"activeMs": None, "activeSeconds": True}, "activeSeconds must be"),
    "ended before started": (
        {"startedAt": "2026-11-24T18:00:00.000Z", "endedAt": "2026-11-24T17:00:00.000Z"},
        "ends (endedAt) before it starts (startedAt)",
    ),
    "tags as a dict": ({"tags": {"a": 1}}, "tags must be a list of strings, not dict"),
    "tags as text": ({"tags": "a,b"}, "tags must be a list of strings, not str"),
    "metadata as a list": ({"metadata": ["a"]}, "the metadata must be an object of strings"),
    "a number as a time": ({"updatedAt": 1_700_000_000}, "updatedAt must be an ISO 8601"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_an_import_with_one_bad_row_is_refused_in_one_sentence(
    mgr: SessionManager, case: str
) -> None:
    snap = _snapshot(mgr)
    good = dict(snap["sessions"][0], id="good1")
    change, message = BAD_ROWS[case]
    bad = dict(snap["sessions"][0], id="bad1", **change)
    with pytest.raises(InvalidArgumentError) as info:
        mgr.import_({**snap, "sessions": [good, bad]})
    text = str(info.value)
    assert text.startswith("session 2 of the snapshot") and message in text
    assert text.endswith(".") and "\n" not in text
    assert mgr.list().total == 0  # not even the good row
    assert mgr.stats().total == 0


@pytest.mark.parametrize("version", [True, 0, 2, "1", None])
def test_a_snapshot_version_must_be_a_whole_number_this_release_reads(
    mgr: SessionManager, version: object
) -> None:
    snap = _snapshot(mgr)
    with pytest.raises(InvalidArgumentError, match="snapshot's version"):
        mgr.import_({**snap, "version": version})
    assert mgr.list().total == 0


def test_rows_at_the_limits_import_and_read_back(mgr: SessionManager) -> None:
    snap = _snapshot(mgr)
    entry = dict(
        snap["sessions"][0],
        id="edge1",
        createdAt="1970-01-01T00:00:00Z",
        startedAt="1970-01-01T00:00:00Z",
        endedAt="9999-12-31T23:59:59.999Z",
        activeMs=3_155_760_000_000,
    )
    mgr.import_({**snap, "sessions": [entry]})
    shown = mgr.get("edge1").to_json()
    assert shown["createdAt"] == "1970-01-01T00:00:00.000Z"
    assert shown["endedAt"] == "9999-12-31T23:59:59.999Z"
    assert mgr.stats().to_json()["activeSeconds"] == 3_155_760_000
    assert mgr.export()["sessions"][0]["id"] == "edge1"


def _poison(mgr: SessionManager, sid: str, column: str, value: object) -> None:
    with sqlite3.connect(mgr.path) as conn:
        conn.execute(f"UPDATE sessions SET {column} = ? WHERE id = ?", [value, sid])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("tags", "not json"),
        ("tags", '{"a": 1}'),
        ("mode", "dancing"),
        ("status", "sleeping"),
        ("metadata", "[1]"),
        ("created_at", 10**17),
        ("active_ms", 2**62),
        ("started_at", "yesterday"),
    ],
)
def test_an_unreadable_row_is_reported_and_skipped(
    mgr: SessionManager, column: str, value: object
) -> None:
    kept = mgr.create("kept", project="web", start=True)
    broken = mgr.create("broken", project="web")
    mgr.pause(kept.id)
    _poison(mgr, broken.id, column, value)
    with SessionManager(mgr.path) as reader:
        assert [s.name for s in reader.list()] == ["kept"]
        current = reader.current("web")
        assert current is not None and current.name == "kept"
        assert reader.stats().total >= 1
        (problem,) = reader.problems
        assert problem.startswith(f"session {broken.id} cannot be read")
        with pytest.raises(StorageError, match=f"session {broken.id} cannot be read"):
            reader.get(broken.id)
        reader.delete(broken.id)  # the way out of it
        assert reader.list().total == 1
