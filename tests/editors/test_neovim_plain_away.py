"""Plain Neovim (no helix plugin), closed without pausing and started again.

The session is worked on at a.py:15, Neovim quits (:qa, or kill -9 of Neovim
and its server together), the idle limit passes, and Neovim starts again on
b.py with the user's last-position jump restoring b.py:7 and the user's
highlight request sending it. The away time must not count, the place must
stay a.py:15, and Neovim's own showMessageRequest handler must show the offer
(vim.ui.select on 0.10, inputlist on 0.7). Accepting it resumes the session;
0.10's own showDocument handler opens a.py at line 15 (0.7 has none).
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

from tests.editors.test_neovim_plain import nvim

INIT = Path(__file__).parent / "fixtures_server" / "plain_away_init.lua"
IDLE_MINUTES = 0.1  # 6 s: short, yet longer than the checks after resuming take
TOLERANCE_MS = 1500


def ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def server_pids(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if f"\nPPid:\t{parent}\n" in (entry / "status").read_text():
                    found.append(int(entry.name))
    return found


def run(tmp_path: Path, project: Path, version: str, phase: str, file: str,
        exit_: str = "qa") -> dict[str, Any]:
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
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
    }
    argv = [nvim(version), "--headless", "--clean", "-i", str(tmp_path / "main.shada"),
            "-u", str(INIT), file]
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
    assert out.exists(), f"nvim wrote nothing (exit {proc.returncode}): {stderr[-2000:]}"
    events = {}
    for line in out.read_text().splitlines():
        e = json.loads(line)
        events[e["kind"]] = e["value"]
    assert "fatal" not in events, events
    return events


@pytest.mark.parametrize("exit_", ["qa", "kill"], ids=["quit", "kill-9"])
@pytest.mark.parametrize("version", ["0.7", "0.10"])
def test_plain_neovim_closed_and_reopened(tmp_path: Path, version: str, exit_: str) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    for name in ("a.py", "b.py"):
        (project / name).write_text("".join(f"{name[0]}_{i} = {i}\n" for i in range(1, 31)))

    work = run(tmp_path, project, version, "work", "a.py", exit_)
    before = work["before_exit"]
    assert before["status"] == "active"
    assert (before["context"]["current_file"], before["context"]["current_line"]) == ("a.py", "15")
    last_ms = work["last_move_ms"]
    time.sleep(max(0.0, (last_ms + IDLE_MINUTES * 60_000 + 1000) / 1000 - time.time()))

    back = run(tmp_path, project, version, "return", "b.py")
    assert back["opened_at"] == {"file": "b.py", "line": 7}
    offer = back["offer"]
    assert offer["items"] == ["Resume at a.py:15", "Count the away time", "Leave paused"], offer
    assert "fix-login" in offer["prompt"]
    paused = offer["store"]
    assert paused["status"] == "paused"
    assert abs(ms(paused["lastPausedAt"]) - last_ms) <= TOLERANCE_MS, (paused, last_ms)
    worked_s = (last_ms - ms(work["started"]["activeSince"])) / 1000
    assert abs(paused["activeSeconds"] - worked_s) <= TOLERANCE_MS / 1000, (paused, worked_s)
    assert (paused["context"]["current_file"], paused["context"]["current_line"]) == ("a.py", "15")

    resumed = back["store"]
    assert resumed["status"] == "active"
    # the highlight at the restored b.py:7 did not move the place
    assert (resumed["context"]["current_file"], resumed["context"]["current_line"]) == ("a.py", "15")
    if version == "0.10":  # its own window/showDocument handler
        assert back["after"] == {"file": "a.py", "line": 15}
