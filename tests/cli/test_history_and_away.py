"""``helix-lsp session history``, the idle rule at every verb, and a fresh install's reads."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from helix_lsp.session import Activity, SessionManager
from tests.cli.shell import cli

HOUR = 3_600_000


class FixedClock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: int) -> None:
        self.now = start
        for name in ("model", "manager", "handle", "transfer", "exporting"):
            module = __import__(f"helix_lsp.session.{name}", fromlist=["now_ms"])
            monkeypatch.setattr(module, "now_ms", lambda: self.now)

    def advance(self, ms: int) -> int:
        self.now += ms
        return self.now


def real_now() -> int:
    return time.time_ns() // 1_000_000


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sessions.db"


def test_history_prints_a_timeline_that_adds_up(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FixedClock(monkeypatch, 1_800_000_000_000)  # 2027-01-15 08:00 UTC
    with SessionManager(db) as mgr:
        sess = mgr.create("fix-login", project="app", start=True)
        clock.advance(20 * 60_000)
        mgr.set_mode(sess.id, "testing")
        clock.advance(10 * 60_000)
        mgr.record_activity(sess.id, [Activity(clock.now, "a.py", None, 15, 1)])
        clock.advance(HOUR)
        mgr.pause_away(15)
        clock.advance(5 * 60_000)
        mgr.resume(sess.id)
        clock.advance(7 * 60_000)
        mgr.complete(sess.id)
        expected = mgr.get(sess.id).to_json()["activeSeconds"]
    assert expected == 37 * 60

    env = {"TZ": "Europe/Berlin"}
    done = cli("history", "fix-login", "--db", str(db), env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("fix-login")
    assert "2027-01-15 09:00:00 CET" in done.stdout, "local times carry their zone"
    kinds = [line.split()[3] for line in lines[2:-1]]
    assert kinds == ["created", "started", "mode", "paused", "resumed", "completed"]
    paused = next(line for line in lines if " paused " in line)
    assert "09:30:00 CET" in paused and " idle " in paused and "10m00s" in paused
    assert " you " in next(line for line in lines if " resumed " in line)
    assert lines[-1] == "total active 37m00s"

    as_json = json.loads(cli("history", "fix-login", "--db", str(db), "--json").stdout)
    assert [e["kind"] for e in as_json["events"]] == [
        "created",
        "started",
        "modeChanged",
        "paused",
        "resumed",
        "completed",
    ]
    assert [e["by"] for e in as_json["events"]][3] == "idle"
    assert as_json["session"]["activeSeconds"] == expected
    assert as_json["session"]["activeSecondsByMode"] == {"building": 1200.0, "testing": 1020.0}
    stats = cli("stats", "--db", str(db))
    assert "active by mode: building 20m00s, testing 17m00s" in stats.stdout
    as_json = json.loads(cli("stats", "--db", str(db), "--json").stdout)
    assert as_json["activeSecondsByMode"] == {"building": 1200.0, "testing": 1020.0}


def test_a_verb_first_pauses_a_session_left_active_as_of_its_last_activity(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked = real_now() - 2 * HOUR  # the editor was closed two hours ago
    clock = FixedClock(monkeypatch, worked - 60_000)
    with SessionManager(db) as mgr:
        sess = mgr.create("left-open", project="app", start=True)
        clock.advance(60_000)
        mgr.record_activity(sess.id, [Activity(worked, "a.py", "main", 15, 1)])

    kept = cli("list", "--db", str(db), "--json", "--idle-minutes", "0")
    assert json.loads(kept.stdout)["sessions"][0]["status"] == "active", "0 turns it off"
    kept = cli("list", "--db", str(db), "--json", env={"HELIX_LSP_IDLE_MINUTES": "180"})
    assert json.loads(kept.stdout)["sessions"][0]["status"] == "active"

    done = cli("list", "--db", str(db), "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)["sessions"][0]
    assert found["status"] == "paused"
    assert found["lastPausedAt"] == found["lastActivityAt"] == found["awaySince"]
    assert found["activeSeconds"] == 60.0, "the two hours away are not active time"
    assert found["context"]["current_file"] == "a.py" and found["context"]["current_line"] == "15"
    assert "no activity since" in done.stderr
    history = json.loads(cli("history", sess.id, "--db", str(db), "--json").stdout)["events"]
    assert history[-1]["kind"] == "paused" and history[-1]["by"] == "idle"

    kept = json.loads(cli("resume", "--keep-away", "-p", "app", "--db", str(db), "--json").stdout)
    assert kept["session"]["activeSeconds"] >= 60 + 2 * 3600, "the away time counts after all"
    last = json.loads(cli("history", sess.id, "--db", str(db), "--json").stdout)["events"][-1]
    assert (last["kind"], last["at"], last["data"]["keptAway"]) == (
        "resumed",
        found["lastPausedAt"],
        True,
    )


def test_a_bad_idle_setting_is_refused_in_one_sentence(db: Path) -> None:
    done = cli("list", "--db", str(db), env={"HELIX_LSP_IDLE_MINUTES": "soon"})
    assert done.returncode == 1
    assert "HELIX_LSP_IDLE_MINUTES must be a number of minutes" in done.stderr


def test_a_verb_counts_as_activity_on_its_session(db: Path) -> None:
    created = json.loads(cli("create", "x", "-p", "app", "--db", str(db), "--json").stdout)
    time.sleep(0.01)
    tagged = json.loads(cli("tag", "t", "-p", "app", "-s", "x", "--db", str(db), "--json").stdout)
    assert tagged["lastActivityAt"] > created["lastActivityAt"]


def test_a_fresh_install_lists_no_sessions_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.delenv("HELIX_LSP_DB", raising=False)
    env = {"XDG_DATA_HOME": str(data), "HOME": str(tmp_path)}
    done = cli("list", env=env, cwd=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, "no sessions yet"), done.stderr
    listed = cli("list", "--json", env=env, cwd=tmp_path)
    assert json.loads(listed.stdout) == {"sessions": [], "total": 0}
    assert not data.exists(), "a read creates nothing"
    mistyped = cli("list", "--db", str(tmp_path / "sesions.db"))
    assert mistyped.returncode == 1 and "does not exist" in mistyped.stderr


def test_the_prompt_line_shows_a_session_left_active_as_away_without_writing(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked = real_now() - 2 * HOUR
    clock = FixedClock(monkeypatch, worked - 5 * 60_000)
    with SessionManager(db) as mgr:
        sess = mgr.create("left-open", project="app", start=True)
        clock.advance(5 * 60_000)
        mgr.record_activity(sess.id, [Activity(worked, "a.py", None, 15, 1)])
    line = cli("active", "--format", "{status} {active}", "-p", "app", "--db", str(db))
    assert (line.returncode, line.stdout.strip()) == (0, "paused 5m"), line.stderr
    with SessionManager(db) as mgr:
        assert mgr.get(sess.id).status.value == "active", "the prompt's line only reads"


_MODULES_OF_A_VERB = """
import sys
before = set(sys.modules)
from helix_lsp.cli import main
main(["session", "list", "--db", sys.argv[1]])
print(" ".join(sorted(set(sys.modules) - before)))
"""


def test_an_ordinary_verb_loads_no_import_or_export_machinery(db: Path) -> None:
    import subprocess
    import sys

    cli("create", "x", "-p", "app", "--db", str(db))
    done = subprocess.run(
        [sys.executable, "-c", _MODULES_OF_A_VERB, str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(done.stdout.split())
    unwanted = {"helix_lsp.session.importing", "helix_lsp.session.exporting", "hashlib", "tempfile"}
    assert loaded & unwanted == set()
