"""Emacs 28 + stock eglot 1.9 (no helix code), closed without pausing and started again.

The session is worked on at a.py:15, Emacs exits (normally, or kill -9 of
Emacs and its server together), the idle limit passes, and Emacs opens b.py
at line 7 again. The away time must not count, the place must stay a.py:15,
eglot's own handler must ask (with `completing-read`), and accepting resumes
the session there. eglot 1.9 has no window/showDocument, so point stays
where it is; with the few lines of init file that add the handler (as newer
eglot has it) the file opens at the line.
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
from typing import Any

import pytest

from tests.editors.test_emacs_eglot import emacs
from tests.editors.test_neovim_plain_away import server_pids

SCRIPT = Path(__file__).parent / "fixtures_server" / "eglot_away_test.el"
IDLE_MINUTES = 0.1  # 6 s: short, yet longer than the checks after resuming take
TOLERANCE_MS = 1500


def ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def run(tmp_path: Path, project: Path, phase: str, exit_: str = "qa",
        show_document: bool = False) -> tuple[dict[str, Any], str]:
    out = tmp_path / f"{phase}.jsonl"
    env = {
        **os.environ,
        "HELIX_TEST_OUT": str(out),
        "HELIX_TEST_ROOT": str(project),
        "HELIX_TEST_DB": str(tmp_path / "store" / "sessions.db"),
        "HELIX_TEST_PYTHON": sys.executable,
        "HELIX_TEST_PHASE": phase,
        "HELIX_TEST_EXIT": exit_,
        "HELIX_TEST_IDLE_MINUTES": str(IDLE_MINUTES),
        "HOME": str(tmp_path / "home"),
    }
    if show_document:
        env["HELIX_TEST_SHOW_DOCUMENT"] = "1"
    proc = subprocess.Popen([emacs(), "--batch", "-Q", "-l", str(SCRIPT)], cwd=project, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if exit_ == "kill":
        deadline = time.monotonic() + 60
        while '"saved"' not in (out.read_text() if out.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in [proc.pid, *server_pids(proc.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    _, stderr = proc.communicate(timeout=90)
    assert out.exists(), f"emacs wrote nothing (exit {proc.returncode}): {stderr[-2000:]}"
    events = {}
    for line in out.read_text().splitlines():
        e = json.loads(line)
        events[e["kind"]] = e["value"]
    assert "fatal" not in events, (events, stderr[-2000:])
    return events, stderr


def closed_and_reopened(tmp_path: Path, exit_: str, show_document: bool) -> dict[str, Any]:
    project = tmp_path / "billing"
    project.mkdir()
    for name in ("a.py", "b.py"):
        (project / name).write_text("".join(f"{name[0]}_{i} = {i}\n" for i in range(1, 31)))

    work, _ = run(tmp_path, project, "work", exit_)
    before = work["before_exit"]
    assert before["status"] == "active", before
    assert (before["context"]["current_file"], before["context"]["current_line"]) == ("a.py", "15")
    last_ms = work["last_move_ms"]
    time.sleep(max(0.0, (last_ms + IDLE_MINUTES * 60_000 + 1000) / 1000 - time.time()))

    back, _ = run(tmp_path, project, "return", show_document=show_document)
    assert back["opened_at"] == {"file": "b.py", "line": 7}
    offer = back["offer"]
    assert offer["items"] == ["Resume at a.py:15", "Count the away time", "Leave paused"], offer
    assert "fix-login" in offer["prompt"]
    paused = offer["store"]
    assert paused["status"] == "paused"
    assert abs(ms(paused["lastPausedAt"]) - last_ms) <= TOLERANCE_MS, (paused, last_ms)
    worked_s = (last_ms - ms(work["started"]["activeSince"])) / 1000
    assert abs(paused["activeSeconds"] - worked_s) <= TOLERANCE_MS / 1000, (paused, worked_s)

    resumed = back["store"]
    assert resumed["status"] == "active", resumed
    # eldoc's highlight at the restored b.py:7, asked while the offer was
    # open, did not move the place
    assert (resumed["context"]["current_file"], resumed["context"]["current_line"]) == ("a.py", "15")
    return back


@pytest.mark.parametrize("exit_", ["qa", "kill"], ids=["exit", "kill-9"])
def test_stock_eglot_closed_and_reopened(tmp_path: Path, exit_: str) -> None:
    back = closed_and_reopened(tmp_path, exit_, show_document=False)
    # eglot 1.9 cannot open it (it has no window/showDocument): point stays
    assert back["after"] == {"file": "b.py", "line": 7}


def test_eglot_with_a_show_document_handler_opens_the_place(tmp_path: Path) -> None:
    back = closed_and_reopened(tmp_path, "qa", show_document=True)
    assert back["after"] == {"file": "a.py", "line": 15}
