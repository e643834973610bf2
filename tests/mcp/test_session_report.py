"""``session_report``: the report of a range through the SDK's client, over real stdio.

The store is written through the core with its clock set (Europe/Berlin):
``fix-login`` (api, debugging) 09:00-10:30 and 14:00-15:00 on 2 Nov 2026 in
``src/login.py`` (activity recorded as an editor records it),
``landing`` (web, building) 23:00 on 3 Nov to 01:00 on 4 Nov, across midnight.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from mcp_harness import call, connect, ok, text_of

from helix_lsp.session import Activity, SessionManager

TZ = "Europe/Berlin"
H = 3600.0
RANGE = {"from": "2026-11-02", "to": "2026-11-04", "tz": TZ}


@pytest.fixture
def store(db_path: Path) -> Path:
    now = [0]

    def clock(local: str) -> None:
        moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(TZ))
        now[0] = int(moment.timestamp()) * 1_000_000_000

    with pytest.MonkeyPatch.context() as patch, SessionManager(db_path) as mgr:
        patch.setattr(time, "time_ns", lambda: now[0])
        clock("2026-11-02T09:00")
        login = mgr.create("fix-login", "debugging", "api", start=True)
        for moment in ("09:00", "10:30"):
            clock(f"2026-11-02T{moment}")
            mgr.record_activity(login.id, [Activity(now[0] // 1_000_000, "src/login.py")])
        mgr.pause(login.id)
        clock("2026-11-02T14:00")
        mgr.resume(login.id)
        clock("2026-11-02T15:00")
        mgr.record_activity(login.id, [Activity(now[0] // 1_000_000, "src/login.py")])
        mgr.complete(login.id)
        clock("2026-11-03T23:00")
        landing = mgr.create("landing", "building", "web", start=True)
        clock("2026-11-04T01:00")
        mgr.complete(landing.id)
    return db_path


async def test_the_report_is_the_object_and_the_text(store: Path, project_dir: Path) -> None:
    async with connect(store, project_dir) as session:
        tools = {t.name: t for t in (await session.list_tools()).tools}
        result = await call(session, "session_report", **RANGE)
        web = await ok(session, "session_report", project="web", **RANGE)

    schema = tools["session_report"].input_schema["properties"]
    assert {"since", "from", "to", "project", "tz"} <= set(schema)
    assert tools["session_report"].annotations is not None
    assert tools["session_report"].annotations.read_only_hint is True

    assert not result.is_error, text_of(result)
    got = result.structured_content
    assert got is not None
    assert got["totalSeconds"] == 4.5 * H
    assert [(d["date"], d["seconds"]) for d in got["byDay"]] == [
        ("2026-11-02", 2.5 * H),
        ("2026-11-03", 1 * H),
        ("2026-11-04", 1 * H),
    ]
    assert [(s["name"], s["seconds"]) for s in got["sessions"]] == [
        ("fix-login", 2.5 * H),
        ("landing", 2 * H),
    ]
    assert got["byProject"] == {"api": 2.5 * H, "web": 2 * H}
    assert got["files"] == [{"project": "api", "file": "src/login.py", "seconds": 2.5 * H}]

    text = text_of(result)
    assert "Total 4h 30m in 2 sessions, on 3 of 3 days" in text
    assert "fix-login" in text and "src/login.py" in text

    assert web["project"] == "web"
    assert [s["name"] for s in web["sessions"]] == ["landing"]


async def test_bad_input_is_a_tool_error_with_one_sentence(store: Path, project_dir: Path) -> None:
    async with connect(store, project_dir) as session:
        zone = await call(session, "session_report", tz="Mars/Olympus")
        both = await call(session, "session_report", since="7d", to="2026-11-04")
        length = await call(session, "session_report", since="soon")

    for result, says in (
        (zone, "is not a time zone name"),
        (both, "not both"),
        (length, "is not a length"),
    ):
        assert result.is_error
        assert says in text_of(result)
        assert result.structured_content is not None
        assert result.structured_content["error"]["kind"] == "invalid_argument"
