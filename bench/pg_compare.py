"""PostgreSQL against SQLite through the language server, in the same run.

Each figure runs the same command on two helix-lsp servers, one started with
``--db FILE`` and one with ``--db postgresql://…`` (a throwaway cluster on
loopback, see :mod:`bench.pgcluster`), alternating in blocks as the rest of
the benchmark does, so the ratio PostgreSQL / SQLite compares the two stores
under the same machine load:

* read: ``helix.session.get`` of one session;
* mutating: ``pause`` / ``resume`` of the active session, each reply checked
  from a separate connection (the change must be committed when it arrives);
* ``list`` (five filters, ``limit 50``) and ``stats`` with the generated store
  of many sessions, built on both engines by the core's own import
  (``SessionManager.import_`` of the same snapshot; both cached, see
  :mod:`bench.pg_store`);
* propagation: two servers on one store; a change made through one, timed
  from sending the command until the other pushes a ``helix/status`` that
  shows it (PostgreSQL: LISTEN/NOTIFY; SQLite: ``data_version`` polled every
  second). Samples are spaced by a random wait so they fall anywhere in the
  poll period.

Without PostgreSQL (or psycopg, or a store that takes URLs) the section is
skipped with one line saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from bench import figures, pg_store, pgcluster, scenarios
from bench import store as gen
from bench.client import Client
from bench.scale import LIST, STATS
from bench.store import LIST_FILTERS

STATUS = "helix/status"
#: The longest a propagation sample waits before it counts as missed.
PROPAGATION_TIMEOUT = 5.0

Spawn = Callable[[str, str], Client]


def compare_stores(sqlite: list[float], postgres: list[float]) -> dict[str, Any]:
    """Both sides in ms, and PostgreSQL / SQLite at p50 and p99."""
    lite, pg = figures.summary(sqlite), figures.summary(postgres)
    return {
        "unit": "ms",
        "sqlite": lite,
        "postgres": pg,
        "ratio_p50": figures.ratio(pg["p50"], lite["p50"]),
        "ratio_p99": figures.ratio(pg["p99"], lite["p99"]),
    }


def unavailable() -> str | None:
    """Why PostgreSQL cannot be measured here (one sentence), or None."""
    reason = pgcluster.missing_reason()
    if reason:
        return reason
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'helix-lsp[postgres]')."
    return None


def store_takes_urls(cluster: pgcluster.Cluster, dbname: str, scratch: Path) -> str | None:
    """Open a store at a URL in a child process: None if it made its tables, else why not.

    Run in a scratch folder: a core that took the URL for a file name would
    create it there, not in the project.
    """
    url = cluster.create_database(dbname)
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys; from helix_lsp.session import SessionManager; "
         "SessionManager(sys.argv[1]).close()", url],
        cwd=scratch, capture_output=True, text=True, timeout=120, check=False,
        env=_child_env(),
    )
    made = cluster.psql("SELECT to_regclass('sessions') IS NOT NULL", dbname).strip()
    if probe.returncode == 0 and made == "t":
        return None
    why = probe.stderr.strip().splitlines()[-1:] if probe.returncode else ["no tables made"]
    return f"this helix-lsp does not open a PostgreSQL store ({why[0] if why else '?'})."


def _child_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


def _status_of(params: Any) -> tuple[str | None, str | None]:
    current = (params or {}).get("current") or {}
    return current.get("id"), current.get("status")


def shows(sid: str, status: str) -> Callable[[Any], bool]:
    """A ``helix/status`` test: its current session is ``sid`` with ``status``."""
    return lambda params: _status_of(params) == (sid, status)


async def _start(client: Client, workspace: Path, options: dict[str, Any]) -> Client:
    await client.spawn()
    await client.initialize(workspace, options)
    return client


@contextlib.asynccontextmanager
async def _both(
    spawn: Spawn, name: str, targets: dict[str, str], workspace: Path, options: dict[str, Any]
) -> AsyncIterator[tuple[Client, Client]]:
    """One started server on each store (``helix-sqlite<name>``, ``helix-pg<name>``),
    both closed afterwards."""
    lite = await _start(spawn(f"helix-sqlite{name}", targets["sqlite"]), workspace, options)
    try:
        pg = await _start(spawn(f"helix-pg{name}", targets["postgres"]), workspace, options)
    except BaseException:
        await lite.close()
        raise
    try:
        yield lite, pg
    finally:
        await asyncio.gather(lite.close(), pg.close())


async def _session(client: Client, name: str) -> str:
    created = await client.command(
        "helix.session.create", {"name": name, "mode": "building", "start": True}
    )
    return str(created["id"])


async def commands(
    spawn: Spawn,
    targets: dict[str, str],
    workspace: Path,
    options: dict[str, Any],
    requests: int,
    cycles: int,
    warm_up: int,
) -> dict[str, Any]:
    """Read and mutating commands on one server per store."""
    from helix_lsp.session import SessionManager

    async with _both(spawn, "", targets, workspace, options) as (lite, pg):
        checkers: list[SessionManager] = []
        try:
            ids = {"sqlite": await _session(lite, "bench-sqlite"),
                   "postgres": await _session(pg, "bench-pg")}
            checkers = [SessionManager(targets["sqlite"]), SessionManager(targets["postgres"])]
            sides = [(lite, ids["sqlite"], checkers[0]), (pg, ids["postgres"], checkers[1])]
            for client, sid, _ in sides:
                for _ in range(warm_up):
                    await client.command("helix.session.get", {"session": sid})

            def reader(side: int) -> Callable[[int], Any]:
                client, sid, _ = sides[side]

                async def step(i: int) -> float:
                    seconds, result = await client.timed_request(
                        scenarios.EXECUTE, scenarios.command("helix.session.get", {"session": sid})
                    )
                    if not result or result.get("id") != sid:
                        raise AssertionError(f"helix.session.get answered {result!r}")
                    return seconds

                return step

            failures = 0

            def mutator(side: int) -> Callable[[int], Any]:
                client, sid, checker = sides[side]

                async def step(i: int) -> float:
                    nonlocal failures
                    action, expect = ("pause", "paused") if i % 2 == 0 else ("resume", "active")
                    seconds, _ = await client.timed_request(
                        scenarios.EXECUTE, scenarios.command(f"helix.session.{action}", {"session": sid})
                    )
                    if checker.get(sid).to_json()["status"] != expect:
                        failures += 1
                    return seconds

                return step

            read_lite, read_pg = await scenarios.alternate(
                requests, reader(0), reader(1), scenarios.BLOCK
            )
            mut_lite, mut_pg = await scenarios.alternate(
                2 * cycles, mutator(0), mutator(1), scenarios.BLOCK
            )
            mutating = compare_stores(mut_lite, mut_pg)
            mutating["committed_before_reply"] = failures == 0
            mutating["checks"] = 4 * cycles
            return {"read_command": compare_stores(read_lite, read_pg), "mutating_command": mutating}
        finally:
            for checker in checkers:
                checker.close()


async def scale(
    spawn: Spawn,
    targets: dict[str, str],
    workspace: Path,
    options: dict[str, Any],
    sessions: int,
    list_requests: int,
    stats_requests: int,
) -> dict[str, Any]:
    """``list`` and ``stats`` over the same ``sessions`` on both stores."""
    async with _both(spawn, "-scale", targets, workspace, options) as sides:
        lite, pg = sides
        out: dict[str, Any] = {"sessions": sessions, "list": {}}
        for label, flt in LIST_FILTERS.items():
            totals, colds = [], []
            for client in sides:
                cold, first = await client.timed_request(
                    scenarios.EXECUTE, scenarios.command(LIST, flt)
                )
                totals.append(first.get("total") if isinstance(first, dict) else None)
                colds.append(cold * 1000)
            if totals[0] != totals[1]:
                raise AssertionError(f"{LIST} {flt}: SQLite total {totals[0]}, PostgreSQL {totals[1]}")

            def lister(client: Client, flt: dict[str, Any] = flt) -> Callable[[int], Any]:
                async def step(i: int) -> float:
                    seconds, _ = await client.timed_request(
                        scenarios.EXECUTE, scenarios.command(LIST, flt)
                    )
                    return seconds

                return step

            a, b = await scenarios.alternate(
                list_requests, lister(lite), lister(pg), scenarios.BLOCK
            )
            figure = compare_stores(a, b)
            figure.update(filter=flt, total=totals[0], cold_ms={"sqlite": colds[0],
                                                                 "postgres": colds[1]})
            out["list"][label] = figure
        stats_totals = []
        for client in sides:
            result = await client.command(STATS, None)
            stats_totals.append(result.get("total") if isinstance(result, dict) else None)
        if stats_totals != [sessions, sessions]:
            raise AssertionError(f"{STATS} totals {stats_totals}, not {sessions}")

        def stats_step(client: Client) -> Callable[[int], Any]:
            async def step(i: int) -> float:
                seconds, _ = await client.timed_request(
                    scenarios.EXECUTE, scenarios.command(STATS, None)
                )
                return seconds

            return step

        a, b = await scenarios.alternate(
            stats_requests, stats_step(lite), stats_step(pg), scenarios.BLOCK
        )
        out["stats"] = compare_stores(a, b)
        return out


async def propagation(
    spawn: Spawn,
    targets: dict[str, str],
    workspace: Path,
    options: dict[str, Any],
    samples: int,
) -> dict[str, Any]:
    """A change through one server until the other server's ``helix/status`` shows it."""
    pairs: dict[str, tuple[Client, Client, str]] = {}
    started: list[Client] = []
    rng = random.Random(13)
    try:
        for kind, target in targets.items():
            writer = await _start(spawn(f"helix-{kind}-writer", target), workspace, options)
            started.append(writer)
            sid = await _session(writer, f"propagation-{kind}")
            watcher = spawn(f"helix-{kind}-watcher", target)
            started.append(watcher)
            await watcher.spawn()
            seen = watcher.watch(STATUS, shows(sid, "active"))
            await watcher.initialize(workspace, options)
            await asyncio.wait_for(seen, 10)
            pairs[kind] = (writer, watcher, sid)
        results: dict[str, list[float]] = {kind: [] for kind in pairs}
        missed = dict.fromkeys(pairs, 0)
        for i in range(samples):
            order = list(pairs) if i % 2 == 0 else list(reversed(pairs))
            action, expect = ("pause", "paused") if i % 2 == 0 else ("resume", "active")
            for kind in order:
                writer, watcher, sid = pairs[kind]
                shown = watcher.watch(STATUS, shows(sid, expect))
                start = time.perf_counter()
                await writer.command(f"helix.session.{action}", {"session": sid})
                try:
                    arrived = await asyncio.wait_for(shown, PROPAGATION_TIMEOUT)
                    results[kind].append(arrived - start)
                except asyncio.TimeoutError:
                    missed[kind] += 1
                await asyncio.sleep(rng.uniform(0.05, 1.05))
        out: dict[str, Any] = {"unit": "ms", "timeout_s": PROPAGATION_TIMEOUT}
        for kind, values in results.items():
            out[kind] = {**figures.summary(values), "max": max(values, default=0.0) * 1000,
                         "missed": missed[kind]}
        return out
    finally:
        await asyncio.gather(*(c.close() for c in started))


async def run(
    *,
    spawn: Spawn,
    tmp: Path,
    root: Path,
    workspace: Path,
    options: dict[str, Any],
    cfg: Any,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Every PostgreSQL figure, or ``{"skipped": reason}``."""
    reason = unavailable()
    if reason:
        log(f"PostgreSQL: skipped, {reason}")
        return {"skipped": reason}
    cluster = pgcluster.Cluster()
    try:
        cluster.create()
    except pgcluster.ClusterError as err:
        cluster.destroy()
        reason = f"the PostgreSQL cluster did not start ({str(err).splitlines()[0]})."
        log(f"PostgreSQL: skipped, {reason}")
        return {"skipped": reason}
    with cluster:
        scratch = tmp / "pg-probe"
        scratch.mkdir()
        reason = store_takes_urls(cluster, "helix_probe", scratch)
        if reason:
            log(f"PostgreSQL: skipped, {reason}")
            return {"skipped": reason}
        version = cluster.psql("SHOW server_version").strip()
        out: dict[str, Any] = {"server_version": version, "port": cluster.port,
                               "settings": "defaults (fsync on, synchronous_commit on)"}
        log("PostgreSQL vs SQLite: read and mutating commands")
        out.update(await commands(
            spawn,
            {"sqlite": str(tmp / "compare.db"), "postgres": cluster.create_database("helix_cmd")},
            workspace, options, cfg.requests, cfg.cycles, cfg.warm_up,
        ))
        log(f"PostgreSQL vs SQLite: status propagation, {cfg.propagations} samples each")
        out["propagation"] = await propagation(
            spawn,
            {"sqlite": str(tmp / "propagation.db"),
             "postgres": cluster.create_database("helix_prop")},
            workspace, options, cfg.propagations,
        )
        n = cfg.scale_sessions
        log(f"PostgreSQL vs SQLite: list and stats with {n} sessions")
        url, seconds = await asyncio.to_thread(
            pg_store.cached_database, cluster, root, n, "helix_scale", log
        )
        folder = tmp / "pg-scale"
        folder.mkdir()
        lite = gen.copy_store(gen.cached_store(root, n, log), folder)
        out["scale"] = await scale(
            spawn, {"sqlite": str(lite), "postgres": url}, workspace, options,
            n, cfg.list_requests, cfg.stats_requests,
        )
        out["scale"]["postgres_import_seconds"] = seconds
        with contextlib.suppress(pgcluster.ClusterError):
            out["scale"]["postgres_database_bytes"] = int(
                cluster.psql("SELECT pg_database_size('helix_scale')").strip()
            )
        return out


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.pg_compare [--quick]``: only this section, as a table."""
    import argparse
    import dataclasses
    import tempfile

    from bench import report, runner

    parser = argparse.ArgumentParser(prog="python -m bench.pg_compare", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts")
    parser.add_argument("--sessions", type=int, help="sessions in the scale stores")
    parser.add_argument("--propagations", type=int, help="propagation samples per store")
    args = parser.parse_args(argv)
    cfg = runner.Config.quick() if args.quick else runner.Config()
    if args.sessions:
        cfg = dataclasses.replace(cfg, scale_sessions=args.sessions)
    if args.propagations:
        cfg = dataclasses.replace(cfg, propagations=args.propagations)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="helix-bench-") as tmp:
        run_ = runner.Run(Path(tmp), sys.executable, [sys.executable, "-m", "helix_lsp"])
        workspace, _ = runner.make_workspace(run_.tmp)
        result = asyncio.run(run(spawn=run_.helix_at, tmp=run_.tmp, root=runner.ROOT,
                                 workspace=workspace, options=runner.OPTIONS, cfg=cfg, log=log))
    print("\n".join(report.postgres_lines(result)).strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
