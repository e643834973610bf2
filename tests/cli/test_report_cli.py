"""``helix-lsp report``: text, JSON and the web page, from a store the core wrote.

The store holds two sessions in early November 2026 (Europe/Berlin), written
through the core with its clock set, and one from October, outside the range:

* ``fix-login`` (api, debugging): 09:00-10:30 and 14:00-15:00 on 2 Nov, 2h 30m;
* ``landing`` (web, building): 23:00 on 3 Nov to 01:00 on 4 Nov, 2h across midnight.

``fix-login`` is worked on in ``src/login.py`` on branch ``main`` (activity
recorded as an editor records it). Each session's activity lies in one mode
and within the range, so every figure of the report is known exactly.
"""

from __future__ import annotations

import json
import os
import pty
import re
import stat
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from fcntl import ioctl
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from helix_lsp.session import Activity, SessionManager
from tests.cli.shell import dump

TZ = "Europe/Berlin"
RANGE = ["--from", "2026-11-02", "--to", "2026-11-04", "--tz", TZ]
H = 3600.0


def report(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``helix-lsp report ARGS...`` in a new process; stdout and stderr as text."""
    return subprocess.run(
        [sys.executable, "-m", "helix_lsp", "report", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


def in_terminal(args: list[str], columns: int, env: Mapping[str, str] | None = None) -> str:
    """``helix-lsp report ARGS...`` with stdout on a terminal ``columns`` wide; what it showed."""
    leader, follower = pty.openpty()
    ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "helix_lsp", "report", *args],
        stdout=follower,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command has ended
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    return shown.decode().replace("\r\n", "\n")


def at(local: str) -> int:
    """A local time in Berlin, in UTC milliseconds."""
    return int(datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(TZ)).timestamp()) * 1000


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Sets the core's clock to a local time in Berlin."""
    now = [0]
    monkeypatch.setattr(time, "time_ns", lambda: now[0])

    def set_to(local: str) -> None:
        now[0] = at(local) * 1_000_000

    return set_to


@pytest.fixture
def store(mgr: SessionManager, db_path: Path, clock: Callable[[str], None]) -> Path:
    clock("2026-10-01T09:00")
    old = mgr.create("october", "planning", "api", start=True)
    clock("2026-10-01T12:00")
    mgr.complete(old.id)

    clock("2026-11-02T09:00")
    login = mgr.create("fix-login", "debugging", "api", start=True)
    mgr.record_activity(login.id, [Activity(at("2026-11-02T09:00"), "src/login.py", "main", 1)])
    clock("2026-11-02T10:30")
    mgr.record_activity(login.id, [Activity(at("2026-11-02T10:30"), "src/login.py", "main", 9)])
    mgr.pause(login.id)
    clock("2026-11-02T14:00")
    mgr.resume(login.id)
    clock("2026-11-02T15:00")
    mgr.record_activity(login.id, [Activity(at("2026-11-02T15:00"), "src/login.py", "main", 4)])
    mgr.complete(login.id)

    clock("2026-11-03T23:00")
    landing = mgr.create("landing", "building", "web", start=True)
    clock("2026-11-04T01:00")
    mgr.complete(landing.id)
    return db_path


def modes(**seconds: float) -> dict[str, float]:
    out = dict.fromkeys(
        ["planning", "building", "testing", "refactoring", "debugging", "deployment"], 0.0
    )
    out.update(seconds)
    return out


def test_json_holds_every_figure_of_the_range(store: Path) -> None:
    done = report("--db", str(store), "--json", *RANGE)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert (got["from"], got["to"], got["tz"]) == (
        "2026-11-01T23:00:00.000Z",
        "2026-11-04T23:00:00.000Z",
        TZ,
    )
    assert got["totalSeconds"] == 4.5 * H
    assert [(d["date"], d["seconds"], d["byMode"]) for d in got["byDay"]] == [
        ("2026-11-02", 2.5 * H, modes(debugging=2.5 * H)),
        ("2026-11-03", 1 * H, modes(building=1 * H)),
        ("2026-11-04", 1 * H, modes(building=1 * H)),
    ]
    assert got["byMode"] == modes(debugging=2.5 * H, building=2 * H)
    assert got["byProject"] == {"api": 2.5 * H, "web": 2 * H}
    assert [
        (s["name"], s["project"], s["mode"], s["status"], s["seconds"]) for s in got["sessions"]
    ] == [
        ("fix-login", "api", "debugging", "completed", 2.5 * H),
        ("landing", "web", "building", "completed", 2 * H),
    ]
    assert got["files"] == [{"project": "api", "file": "src/login.py", "seconds": 2.5 * H}]
    assert got["branches"] == [{"project": "api", "branch": "main", "seconds": 2.5 * H}]


def test_the_totals_agree_with_the_sessions_active_time(store: Path) -> None:
    got = json.loads(report("--db", str(store), "--json", *RANGE).stdout)
    with SessionManager(store, create=False) as mgr:
        active = {s.name: s.to_json()["activeSeconds"] for s in mgr.list(project=None)}
    assert {s["name"]: s["seconds"] for s in got["sessions"]} == {
        "fix-login": active["fix-login"],
        "landing": active["landing"],
    }
    assert got["totalSeconds"] == active["fix-login"] + active["landing"]


def test_project_limits_the_report(store: Path) -> None:
    got = json.loads(report("--db", str(store), "--json", "-p", "web", *RANGE).stdout)
    assert got["project"] == "web"
    assert got["totalSeconds"] == 2 * H
    assert [s["name"] for s in got["sessions"]] == ["landing"]
    assert got["files"] == []


def test_text_report_has_the_figures_and_no_colour_when_piped(store: Path) -> None:
    done = report("--db", str(store), *RANGE)
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "2026-11-02 to 2026-11-04" in text
    assert "Total 4h 30m in 2 sessions, on 3 of 3 days" in text
    assert "fix-login" in text and "landing" in text and "src/login.py" in text
    assert "october" not in text
    assert "\x1b[" not in text
    assert 60 < max(bar_widths(text)) <= 80


def bar_widths(text: str) -> list[int]:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [len(line) for line in plain.splitlines() if "█" in line]


def test_text_on_a_terminal_is_as_wide_as_it_and_coloured_unless_no_color(store: Path) -> None:
    wide = in_terminal(["--db", str(store), *RANGE], columns=120)
    assert "\x1b[" in wide
    assert "fix-login" in wide
    assert 80 < max(bar_widths(wide)) <= 120
    narrow = in_terminal(["--db", str(store), *RANGE], columns=50, env={"NO_COLOR": "1"})
    assert "\x1b[" not in narrow
    assert "fix-login" in narrow
    assert max(bar_widths(narrow)) <= 50


def test_html_is_a_private_self_contained_page(store: Path, tmp_path: Path) -> None:
    page = tmp_path / "out" / "week.html"
    page.parent.mkdir()
    done = report("--db", str(store), "--html", str(page), *RANGE)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert str(page) in done.stderr
    assert stat.S_IMODE(page.stat().st_mode) == 0o600
    html = page.read_text(encoding="utf-8")
    assert "fix-login" in html and "landing" in html
    assert "<canvas" in html
    assert "default-src &#x27;none&#x27;" in html  # the page's own policy: nothing fetched
    assert "<script src" not in html and "<link" not in html
    assert [p.name for p in page.parent.iterdir()] == ["week.html"]  # no temporary left


def test_open_writes_a_private_page_and_hands_it_to_the_browser(
    store: Path, tmp_path: Path
) -> None:
    seen = tmp_path / "browser-saw.txt"
    browser = f"{sys.executable} -c \"import sys; open('{seen}', 'w').write(sys.argv[1])\" %s"
    done = report("--db", str(store), "--open", *RANGE, env={"BROWSER": browser})
    assert done.returncode == 0, done.stderr
    page = Path(done.stdout.strip())
    assert page.is_file() and stat.S_IMODE(page.stat().st_mode) == 0o600
    assert stat.S_IMODE(page.parent.stat().st_mode) == 0o700
    assert seen.read_text() == page.as_uri()
    assert "fix-login" in page.read_text(encoding="utf-8")


def test_a_missing_default_store_is_an_empty_report_and_is_not_created(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"XDG_DATA_HOME": str(data), "HELIX_LSP_DB": ""}
    done = report("--json", "--since", "3d", env=env)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["totalSeconds"] == 0 and got["sessions"] == [] and len(got["byDay"]) == 3
    assert "Total 0s in 0 sessions" in report(env=env).stdout
    assert not data.exists()


@pytest.mark.parametrize("named", ["--db", "HELIX_LSP_DB"])
def test_a_missing_named_store_is_refused(tmp_path: Path, named: str) -> None:
    missing = tmp_path / "typo.db"
    if named == "--db":
        done = report("--db", str(missing))
    else:
        done = report(env={"HELIX_LSP_DB": str(missing)})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "does not exist" in done.stderr
    assert not missing.exists()


def test_a_session_left_active_counts_up_to_its_last_activity(
    mgr: SessionManager, db_path: Path, clock: Callable[[str], None]
) -> None:
    clock("2026-11-02T09:00")
    left = mgr.create("left-open", "building", "api", start=True)
    clock("2026-11-02T09:30")
    mgr.record_activity(left.id, [Activity(at("2026-11-02T09:30"), "src/app.py")])
    # the editor was closed here; the report runs weeks later, on the real clock
    done = report("--db", str(db_path), "--json", "--from", "2026-11-02", "--tz", TZ)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["totalSeconds"] == 1800.0
    assert [(s["name"], s["status"], s["seconds"]) for s in got["sessions"]] == [
        ("left-open", "paused", 1800.0)
    ]
    assert "paused" in done.stderr and "left-open" in done.stderr


def test_the_report_does_not_change_the_store(store: Path, tmp_path: Path) -> None:
    before = dump(store)
    assert report("--db", str(store), *RANGE).returncode == 0
    assert report("--db", str(store), "--html", str(tmp_path / "r.html"), *RANGE).returncode == 0
    assert dump(store) == before


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--tz", "Mars/Olympus"], "is not a time zone name"),
        (["--since", "soon"], "is not a length"),
        (["--since", "7d", "--from", "2026-11-01"], "not both"),
        (["--from", "2026-11-05", "--to", "2026-11-01"], "the range is empty"),
        (["--from", "yesterday"], "is not a date"),
        (["--top", "0"], "--top 0 must be 1 or more"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_1(
    store: Path, args: list[str], says: str, tmp_path: Path
) -> None:
    page = tmp_path / "never.html"
    done = report("--db", str(store), "--html", str(page), *args)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and says in done.stderr, done.stderr
    assert not page.exists()


def test_a_folder_or_the_store_itself_is_refused_as_the_page(store: Path, tmp_path: Path) -> None:
    before = dump(store)
    folder = report("--db", str(store), "--html", str(tmp_path), *RANGE)
    assert folder.returncode == 1 and "is a folder" in folder.stderr
    itself = report("--db", str(store), "--html", str(store), *RANGE)
    assert itself.returncode == 1 and "the session store itself" in itself.stderr
    assert dump(store) == before


def test_a_large_store_shows_progress_on_a_terminal_only(tmp_path: Path) -> None:
    from bench.store import snapshot

    big = tmp_path / "big" / "sessions.db"
    with SessionManager(big) as mgr:
        mgr.import_(snapshot(2500))
    leader, follower = pty.openpty()
    proc = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "report", "--db", str(big), "--json"],
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=120,
        check=False,
    )
    os.close(follower)
    shown = os.read(leader, 65536).decode()
    os.close(leader)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["from"]  # stdout holds only the report
    assert shown.startswith("reading 2500 sessions for the report")
    assert shown.endswith("\r\x1b[K")  # the line is gone once the report is out
    piped = report("--db", str(big), "--json")
    assert piped.returncode == 0 and piped.stderr == ""
