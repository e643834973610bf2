"""Running a stock editor through "closed without pausing, started again".

The plain Neovim and the eglot tests check the same story with different
editors: work at a.py:15, the editor quits (or is killed with its server),
the idle limit passes, the editor comes back on b.py:7, the offer is asked
and accepted. What differs is only how each editor is started; this module
holds the rest, so both editors are held to the same checks.

An editor run writes one JSON object a line to ``$HELIX_TEST_OUT``
(``{"kind": ..., "value": ...}``); the last value of each kind is kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

IDLE_MINUTES = 0.1  # 6 s: short, yet longer than the checks after resuming take
TOLERANCE_MS = 1500
OFFERED = ["Resume at a.py:15", "Count the away time", "Leave paused"]


def ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def server_pids(parent: int) -> list[int]:
    """The children of ``parent``: the language server an editor started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if f"\nPPid:\t{parent}\n" in (entry / "status").read_text():
                    found.append(int(entry.name))
    return found


def phase_env(tmp_path: Path, project: Path, phase: str, exit_: str) -> dict[str, str]:
    """What every editor's test script reads: where to write, the store, the phase."""
    return {
        **os.environ,
        "HELIX_TEST_OUT": str(tmp_path / f"{phase}.jsonl"),
        "HELIX_TEST_ROOT": str(project),
        "HELIX_TEST_DB": str(tmp_path / "store" / "sessions.db"),
        "HELIX_TEST_PYTHON": sys.executable,
        "HELIX_TEST_PHASE": phase,
        "HELIX_TEST_EXIT": exit_,
        "HELIX_TEST_IDLE_MINUTES": str(IDLE_MINUTES),
        "HOME": str(tmp_path / "home"),
    }


def run_editor(editor: str, argv: list[str], project: Path, env: dict[str, str],
               exit_: str) -> dict[str, Any]:
    """Run one phase to its end; with ``exit_ == "kill"``, kill -9 the editor and
    its server once the session is saved. Returns the last value of each kind."""
    out = Path(env["HELIX_TEST_OUT"])
    proc = subprocess.Popen(argv, cwd=project, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if exit_ == "kill":
        deadline = time.monotonic() + 60
        while '"saved"' not in (out.read_text() if out.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in [proc.pid, *server_pids(proc.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=90)
    assert out.exists(), f"{editor} wrote nothing (exit {proc.returncode}): {stderr[-2000:]}"
    events = {}
    for line in out.read_text().splitlines():
        e = json.loads(line)
        events[e["kind"]] = e["value"]
    assert "fatal" not in events, (events, stderr[-2000:])
    return events


class Phase(Protocol):
    """Runs the editor for one phase ("work" or "return") in ``project``."""

    def __call__(self, project: Path, phase: str, exit_: str) -> dict[str, Any]: ...


def place(session: dict[str, Any]) -> tuple[str, str]:
    return session["context"]["current_file"], session["context"]["current_line"]


def closed_and_reopened(tmp_path: Path, project_name: str, run: Phase,
                        exit_: str) -> dict[str, Any]:
    """Work, leave with ``exit_``, wait past the limit, come back on b.py:7 and
    accept the offer; checks the time and the place and returns the "return" events."""
    project = tmp_path / project_name
    project.mkdir()
    for name in ("a.py", "b.py"):
        (project / name).write_text("".join(f"{name[0]}_{i} = {i}\n" for i in range(1, 31)))

    work = run(project, "work", exit_)
    before = work["before_exit"]
    assert before["status"] == "active", before
    assert place(before) == ("a.py", "15")
    last_ms = work["last_move_ms"]
    time.sleep(max(0.0, (last_ms + IDLE_MINUTES * 60_000 + 1000) / 1000 - time.time()))

    back = run(project, "return", "qa")
    assert back["opened_at"] == {"file": "b.py", "line": 7}
    offer = back["offer"]
    assert offer["items"] == OFFERED, offer
    assert "fix-login" in offer["prompt"]
    paused = offer["store"]
    assert paused["status"] == "paused"
    assert abs(ms(paused["lastPausedAt"]) - last_ms) <= TOLERANCE_MS, (paused, last_ms)
    worked_s = (last_ms - ms(work["started"]["activeSince"])) / 1000
    assert abs(paused["activeSeconds"] - worked_s) <= TOLERANCE_MS / 1000, (paused, worked_s)

    resumed = back["store"]
    assert resumed["status"] == "active", resumed
    # the editor's highlight at the restored b.py:7, asked while the offer
    # was open, did not move the place
    assert place(resumed) == ("a.py", "15")
    return back
