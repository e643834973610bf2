"""The shell prompt's line: ``helix-lsp session active --format`` against ``python3 -c pass``.

A prompt runs the command before every shell prompt, so its whole start-up
counts. It is measured the way a shell runs it (a new process, a store with
an active session in the current project) and compared with the floor every
Python command pays, a bare ``python3 -c pass`` of the same interpreter,
timed in the same run, interleaved so that machine load hits both alike.
The goal is at most 4 times that floor.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMAT = "{icon} {mode} {name} {active}"


def _run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(runs: int) -> dict[str, float]:
    """Median wall time (ms) of both commands over ``runs`` runs, and their ratio.

    Keys: ``python_pass_ms``, ``oneline_ms``, ``oneline_ratio`` (goal ≤ 4).
    """
    from helix_lsp.session import SessionManager

    with tempfile.TemporaryDirectory(prefix="helix-bench-oneline-") as folder:
        root = Path(folder)
        project = root / "api-server"
        project.mkdir()
        db = root / "sessions.db"
        with SessionManager(db) as mgr:
            mgr.create("fix-memory-leak", "debugging", "api-server", start=True)
        env = {**os.environ, "HELIX_LSP_DB": str(db)}
        line = [sys.executable, "-m", "helix_lsp", "session", "active", "--format", FORMAT]
        floor = [sys.executable, "-c", "pass"]
        check = subprocess.run(line, cwd=project, env=env, capture_output=True, text=True)
        if check.returncode != 0 or "fix-memory-leak" not in check.stdout:
            raise RuntimeError(f"the --format line failed: {check.stderr.strip()}")
        _run_once(floor, project, env)  # warm the file cache for both
        passes, lines = [], []
        for _ in range(max(1, runs)):
            passes.append(_run_once(floor, project, env))
            lines.append(_run_once(line, project, env))
    base, ours = statistics.median(passes) * 1000, statistics.median(lines) * 1000
    return {
        "python_pass_ms": base,
        "oneline_ms": ours,
        "oneline_ratio": ours / base if base > 0 else float("nan"),
    }


if __name__ == "__main__":
    for key, value in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 20).items():
        print(f"{key:16} {value:8.2f}")
