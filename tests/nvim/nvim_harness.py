"""Harness of the Neovim client tests.

Headless Neovim 0.7.2 and 0.10.4 run nvim-client/ against the real server.

Both editors come from tests/editors/neovim.sh: 0.7.2 is `nvim` on PATH (Debian
bookworm), 0.10.4 is the wrapper $HELIX_TEST_CACHE/nvim-0.10/nvim. A missing
editor fails the tests (it is never a skip): run the installer first.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PLUGIN = REPO / "nvim-client"
INSTALLER = REPO / "tests" / "editors" / "neovim.sh"
RUN_TIMEOUT = 150  # seconds for one Neovim run (the driver itself stops at 90 s)


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "helix-lsp-tests"
    return Path(os.environ.get("HELIX_TEST_CACHE") or default)


def nvim_command(series: str) -> list[str]:
    if series == "0.7":
        found = shutil.which("nvim")
        return [found] if found else []
    wrapper = cache_dir() / "nvim-0.10" / "nvim"
    return [str(wrapper)] if wrapper.exists() else []


def nvim_version(cmd: list[str]) -> str | None:
    try:
        out = subprocess.run(
            [*cmd, "--headless", "--clean", "--version"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.match(r"NVIM v(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else None


@dataclass
class Nvim:
    series: str
    cmd: list[str]
    version: str | None

    def require(self) -> None:
        """Fails the calling test (never skips it) when this Neovim is missing."""
        if not self.version or not self.version.startswith(self.series + "."):
            where = " ".join(self.cmd) if self.cmd else "nothing"
            pytest.fail(
                f"Neovim {self.series} is not installed (found {self.version or 'no Neovim'} "
                f"at {where}); run `bash {INSTALLER.relative_to(REPO)}` first",
                pytrace=False,
            )


@pytest.fixture(params=["0.7", "0.10"], ids=["nvim-0.7", "nvim-0.10"])
def nvim(request: pytest.FixtureRequest) -> Nvim:
    series: str = request.param
    cmd = nvim_command(series)
    return Nvim(series, cmd, nvim_version(cmd) if cmd else None)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git project `proj`: src/app.py (20 lines), notes.txt, a nested package pkg/."""
    root = tmp_path / "proj"
    (root / "src").mkdir(parents=True)
    lines = [f"value_{i} = {i}  # line {i}" for i in range(1, 21)]
    (root / "src" / "app.py").write_text("\n".join(lines) + "\n")
    (root / "notes.txt").write_text("first\nsecond\nthird\n")
    (root / "pkg").mkdir()
    (root / "pkg" / "package.json").write_text('{"name": "pkg"}\n')
    (root / "pkg" / "web.js").write_text("export const x = 1;\n")
    subprocess.run(["git", "init", "-q", str(root)], check=False, capture_output=True)
    if not (root / ".git").exists():
        (root / ".git").mkdir()
    return root


@dataclass
class Run:
    results: dict[str, Any]
    returncode: int
    stdout: str
    stderr: str
    db: Path
    env_db: Path  # $HELIX_LSP_DB of the run: must stay untouched


def cli(db: Path, *args: str) -> Any:
    """`helix-lsp session ARGS --json --db DB`, decoded."""
    proc = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", *args, "--json", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"helix-lsp session {' '.join(args)}: {proc.stderr}"
    return json.loads(proc.stdout)


RunScenario = Callable[..., Run]


@pytest.fixture
def run_scenario(nvim: Nvim, project: Path, tmp_path: Path) -> RunScenario:
    def run(
        scenario: str,
        file: str = "src/app.py",
        server: list[str] | None = None,
        setup: dict[str, Any] | None = None,
        tz: str | None = None,
        shada: Path | None = None,
        extra_env: dict[str, str] | None = None,
        kill: bool = False,
    ) -> Run:
        """Runs one scenario; `shada`: the ShaDa file to read and write (else
        none); `kill`: once the scenario has saved its results (T.save), kill -9
        Neovim and its server instead of letting it quit."""
        nvim.require()
        db = tmp_path / "store" / "sessions.db"
        db.parent.mkdir(exist_ok=True)
        decoy = tmp_path / "env-store" / "sessions.db"
        result_file = tmp_path / f"{scenario}.json"
        home = tmp_path / "home"
        for sub in ("config", "data", "state", "cache"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / "config"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_STATE_HOME=str(home / "state"),
            XDG_CACHE_HOME=str(home / "cache"),
            # Never the user's store; and a different file from db_path, so a
            # server that ignored the plugin's dbPath would be noticed.
            HELIX_LSP_DB=str(decoy),
            HELIX_NVIM_PLUGIN=str(PLUGIN),
            HELIX_NVIM_SCENARIO=str(HERE / f"{scenario}.lua"),
            HELIX_NVIM_RESULT=str(result_file),
            HELIX_NVIM_DB=str(db),
            HELIX_NVIM_SERVER=json.dumps(server or [sys.executable, "-m", "helix_lsp"]),
            HELIX_NVIM_PYTHON=sys.executable,
            HELIX_NVIM_SETUP=json.dumps(setup or {}),
        )
        if tz:
            env["TZ"] = tz
        env.update(extra_env or {})
        argv = [
            *nvim.cmd,
            "--headless",
            "--clean",
            "-i",
            str(shada) if shada else "NONE",
            "-n",
            "-u",
            str(HERE / "driver.lua"),
            file,
        ]
        if kill:
            return killed_run(argv, project, env, result_file, db, decoy, nvim)
        try:
            proc = subprocess.run(
                argv,
                cwd=project,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"Neovim {nvim.version} did not finish in {RUN_TIMEOUT} s: {exc}")
        assert result_file.exists(), (
            f"Neovim {nvim.version} wrote no results (exit {proc.returncode})\n"
            f"stdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}"
        )
        results = json.loads(result_file.read_text())
        return Run(results, proc.returncode, proc.stdout, proc.stderr, db, decoy)

    return run


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a detached language server too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        m = re.search(r"^PPid:\s+(\d+)$", status, re.M)
        if m and int(m.group(1)) == pid:
            found.append(int(entry.name))
    return found


def killed_run(
    argv: list[str], project: Path, env: dict[str, str], result_file: Path, db: Path, decoy: Path,
    nvim: Nvim,
) -> Run:
    """Runs Neovim until its scenario has saved its results, then kill -9s it
    and its language server together, as a crash or a power cut would: what
    the store holds is what the server had written by then."""
    proc = subprocess.Popen(
        argv, cwd=project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + RUN_TIMEOUT
    results: dict[str, Any] | None = None
    while results is None and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            saved = json.loads(result_file.read_text())
        except (OSError, ValueError):
            continue
        if saved.get("saved"):
            results = saved
    servers = children(proc.pid)
    for pid in [proc.pid, *servers]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=30)
    for pid in servers:  # reaped by init; wait until each is gone
        while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
            time.sleep(0.05)
    assert results is not None, (
        f"Neovim {nvim.version} saved no results before being killed (exit {proc.returncode})\n"
        f"stderr: {stderr[-3000:]}"
    )
    return Run(results, proc.returncode, stdout, stderr, db, decoy)


def _state(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]).lower()
    except (OSError, IndexError):
        return "zombie"
