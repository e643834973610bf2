"""One benchmark run: temporary workspace, both servers, every workload in order.

Everything a run creates lives in one temporary folder (stores, the
workspace, the servers' stderr logs) that is removed at the end, except the
generated large store, which is cached under ``.bench-cache/`` because it
costs seconds to build and is identical between runs.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import away_start, figures, pg_compare, scale, scenarios
from bench import store as gen
from bench.client import Client
from bench.commits import CommitCounter

ROOT = Path(__file__).resolve().parent.parent
OPTIONS: dict[str, Any] = {"cursorNotifications": True}


@dataclass(frozen=True)
class Config:
    """How many samples of each kind; ``quick`` is the smoke test's size."""

    startups: int = 15
    requests: int = 1000
    cycles: int = 300
    burst: int = 50_000
    bursts: int = 2
    warm_up: int = 50
    scale_sessions: int = 100_000
    scale_startups: int = 8
    list_requests: int = 200
    stats_requests: int = 30
    sustained_seconds: float = 6.0
    #: samples of cross-server status propagation per store
    propagations: int = 20
    #: measure PostgreSQL against SQLite (when PostgreSQL is installed)
    postgres: bool = True

    @staticmethod
    def quick() -> Config:
        return Config(
            startups=2,
            requests=20,
            cycles=5,
            burst=300,
            bursts=1,
            warm_up=3,
            scale_sessions=2_000,
            scale_startups=1,
            list_requests=5,
            stats_requests=3,
            sustained_seconds=1.0,
            propagations=3,
        )


def helix_version(helix_cmd: list[str]) -> str:
    out = subprocess.run(
        [*helix_cmd, "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return out.stdout.strip() or out.stderr.strip()


def source_state() -> dict[str, Any]:
    """The commit measured, and whether helix_lsp/ differed from it (figures of a dirty tree)."""

    def git(*args: str) -> str:
        try:
            out = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return out.stdout.strip()

    changed = git("status", "--porcelain", "--", "helix_lsp")
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "helix_lsp_uncommitted_files": len(changed.splitlines()) if changed else 0,
    }


def make_workspace(tmp: Path) -> tuple[Path, str]:
    """A project folder (a git repository when git is there) with one source file."""
    root = tmp / "bench-project"
    (root / "src").mkdir(parents=True)
    source = root / "src" / "app.py"
    source.write_text("".join(f"value_{i} = {i}\n" for i in range(5000)))
    if shutil.which("git"):
        subprocess.run(
            ["git", "init", "-q", str(root)],
            check=False,
            timeout=30,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return root, source.as_uri()


class Run:
    """Factories for the two kinds of server, all logging into one folder."""

    def __init__(self, tmp: Path, python: str, helix_cmd: list[str]) -> None:
        self.tmp = tmp
        self.python = python
        self.helix_cmd = helix_cmd
        self.logs = tmp / "logs"
        self.logs.mkdir()
        self.count = 0

    def _client(self, name: str, argv: list[str]) -> Client:
        self.count += 1
        return Client(name, argv, stderr_path=self.logs / f"{self.count:03d}-{name}.log", cwd=ROOT)

    def baseline(self) -> Client:
        return self._client("baseline", [self.python, "-m", "bench.baseline_server"])

    def helix(self, db: Path) -> Client:
        return self._client("helix", [*self.helix_cmd, "--db", str(db)])

    def helix_at(self, name: str, target: str) -> Client:
        """helix-lsp on ``target``: a store file or a ``postgresql://`` URL."""
        return self._client(name, [*self.helix_cmd, "--db", target])

    def fresh_helix(self, i: int) -> Client:
        return self.helix(self.tmp / f"startup-{i}.db")


async def _measure(cfg: Config, run: Run, log: Callable[[str], None]) -> dict[str, Any]:
    workspace, uri = make_workspace(run.tmp)
    out: dict[str, Any] = {"disk_fsync": figures.fsync_latency(run.tmp)}
    log("startup (fresh store)")
    out["startup"] = await scenarios.startup(
        cfg.startups, run.baseline, run.fresh_helix, workspace, OPTIONS
    )
    log("startup with a session left active two days ago")
    out["startup_away"] = await away_start.run(
        cfg.startups, run.baseline, run.helix, workspace, OPTIONS, run.tmp
    )
    db = run.tmp / "helix.db"
    base, helix = run.baseline(), run.helix(db)
    counter: CommitCounter | None = None
    try:
        await base.spawn()
        await helix.spawn()
        await base.initialize(workspace, OPTIONS)
        await helix.initialize(workspace, OPTIONS)
        created = await helix.command(
            "helix.session.create", {"name": "bench-session", "mode": "building", "start": True}
        )
        counter = CommitCounter(db, created["id"])
        pair = scenarios.Pair(base, helix, created["id"], uri, counter)
        await scenarios.warm_up(pair, cfg.warm_up)
        log("read command")
        out["read_command"] = await scenarios.read_command(pair, cfg.requests)
        out["read_command_interleaved"] = await scenarios.read_command(
            pair, max(2, cfg.requests // 4), block=1
        )
        log("mutating command")
        out["mutating_command"] = await scenarios.mutating_command(pair, cfg.cycles)
        log(f"cursor bursts of {cfg.burst}")
        out["cursor_notification"], out["cursor_commits"] = await scenarios.cursor_burst(
            pair, cfg.burst, cfg.bursts
        )
        log(f"cursor moves for {cfg.sustained_seconds} s")
        out["cursor_commits"]["sustained"] = await scenarios.cursor_sustained(
            pair, cfg.sustained_seconds, 2000
        )
        base_mem, helix_mem = base.memory(), helix.memory()
        out["peak_rss"] = {
            "unit": "KiB",
            "baseline": base_mem.get("VmHWM", 0),
            "helix": helix_mem.get("VmHWM", 0),
            "ratio": figures.ratio(helix_mem.get("VmHWM", 0), base_mem.get("VmHWM", 0)),
        }
        log(f"scale: {cfg.scale_sessions} sessions")
        cached = gen.cached_store(ROOT, cfg.scale_sessions, log)
        scale_dir = run.tmp / "scale"
        scale_dir.mkdir()
        scale_db = gen.copy_store(cached, scale_dir)
        out["scale"] = await scale.run(
            baseline=base,
            spawn_baseline=run.baseline,
            spawn_helix=lambda: run.helix(scale_db),
            root=workspace,
            options=OPTIONS,
            startups=cfg.scale_startups,
            list_requests=cfg.list_requests,
            stats_requests=cfg.stats_requests,
            sessions=cfg.scale_sessions,
        )
    finally:
        if counter is not None:
            counter.close()
        await asyncio.gather(base.close(), helix.close())
    if cfg.postgres:
        out["postgres"] = await pg_compare.run(
            spawn=run.helix_at, tmp=run.tmp, root=ROOT, workspace=workspace,
            options=OPTIONS, cfg=cfg, log=log,
        )
    else:
        out["postgres"] = {"skipped": "left out with --no-postgres."}
    return out


def run_benchmark(
    cfg: Config,
    *,
    quick: bool,
    python: str = sys.executable,
    helix_cmd: list[str] | None = None,
    log: Callable[[str], None] = lambda line: None,
) -> dict[str, Any]:
    """Run everything; returns the JSON document ``--json`` prints.

    ``helix_cmd`` starts helix-lsp (default: this Python with ``-m helix_lsp``);
    ``--db PATH`` is appended to it.
    """
    helix_cmd = helix_cmd or [python, "-m", "helix_lsp"]
    version = helix_version(helix_cmd)
    load_before = figures.load_average()
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="helix-bench-") as tmp:
        run = Run(Path(tmp), python, helix_cmd)
        try:
            results = asyncio.run(_measure(cfg, run, log))
        except BaseException:
            for path in sorted(run.logs.iterdir()):
                text = path.read_text(errors="replace").strip()
                if text:
                    log(f"--- {path.name}\n{text[-2000:]}")
            raise
    return {
        "meta": {
            "helix_version": version,
            "quick": quick,
            "config": asdict(cfg),
            "machine": figures.machine(),
            "load_average_before": load_before,
            "load_average_after": figures.load_average(),
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "seconds": round(time.time() - started, 1),
            "helix_command": helix_cmd,
            "source": source_state(),
        },
        "figures": results,
    }
