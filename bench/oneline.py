"""The shell prompt's line: ``helix-lsp session active --format`` against ``python3 -c pass``.

A prompt runs the command before every shell prompt, so its whole start-up
counts. It is measured the way a shell runs it (a new process, a store with
an active session in the current project) and compared with the floor every
Python command pays, a bare ``python3 -c pass`` of the same interpreter,
timed in the same run, interleaved so that machine load hits both alike.
The goal is at most 4 times that floor.

The same pair is also timed without site-packages (``python3 -S``, this
checkout on ``PYTHONPATH``): the harshest floor, which no installation's
``.pth`` files or start-up hooks inflate.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FORMAT = "{icon} {mode} {name} {active}"
ARGS = ("session", "active", "--format", FORMAT)


def _run_once(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(runs: int) -> dict[str, float]:
    """Median wall times (ms) over ``runs`` runs, and the ratios.

    Keys: ``python_pass_ms``, ``oneline_ms``, ``oneline_ratio`` (goal ≤ 4), and
    the same without site-packages: ``python_bare_ms``, ``oneline_bare_ms``,
    ``oneline_bare_ratio``.
    """
    from helix_lsp.session import SessionManager

    with tempfile.TemporaryDirectory(prefix="helix-bench-oneline-") as folder:
        root = Path(folder)
        project = root / "api-server"
        project.mkdir()
        db = root / "sessions.db"
        with SessionManager(db) as mgr:
            mgr.create("fix-memory-leak", "debugging", "api-server", start=True)
        checkout = str(Path(__file__).resolve().parent.parent)
        path = os.environ.get("PYTHONPATH")
        env = {
            **os.environ,
            "HELIX_LSP_DB": str(db),
            "PYTHONPATH": f"{checkout}{os.pathsep}{path}" if path else checkout,
        }
        commands = {
            "python_pass": [sys.executable, "-c", "pass"],
            "oneline": [sys.executable, "-m", "helix_lsp", *ARGS],
            "python_bare": [sys.executable, "-S", "-c", "pass"],
            "oneline_bare": [sys.executable, "-S", "-m", "helix_lsp", *ARGS],
        }
        for name in ("oneline", "oneline_bare"):
            check = subprocess.run(
                commands[name], cwd=project, env=env, capture_output=True, text=True
            )
            if check.returncode != 0 or "fix-memory-leak" not in check.stdout:
                raise RuntimeError(f"the --format line failed: {check.stderr.strip()}")
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(max(1, runs)):  # interleaved, so that load hits every command alike
            for name, argv in commands.items():
                samples[name].append(_run_once(argv, project, env))
    result = {f"{name}_ms": _median_ms(times) for name, times in samples.items()}
    for kind in ("", "_bare"):
        base = result[f"python_{'pass' if not kind else 'bare'}_ms"]
        result[f"oneline{kind}_ratio"] = result[f"oneline{kind}_ms"] / base if base else math.nan
    return result


if __name__ == "__main__":
    for key, value in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 20).items():
        print(f"{key:18} {value:8.2f}")
