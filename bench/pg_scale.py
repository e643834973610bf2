"""Many helix-lsp servers on one PostgreSQL store, simulated: what the database pays.

``python -m bench.pg_scale --servers 200 --seconds 60`` starts a throwaway
cluster (``max_connections`` above the servers' count) and plays the
database traffic of that many language servers for that long, each through
the product's own store code (``SessionManager`` on a ``postgresql://`` URL)
and with the connection use a server has: **one connection per server** that
runs its commands and cursor writes and ``LISTEN``\\s for its project's changes.
Per simulated server: every second one coalesced cursor write
(``record_activity`` with a second's worth of moves); every ten seconds a
command, in turn ``pause``, ``resume``, ``list`` and ``stats``; and the
status reads a server makes (the project's active or current session, the
workspace's active sessions): 20 ms after its own pause/resume, at most
every 2 s while its own cursor writes go on, and at most four times a
second for notifications naming its project (the server's own test,
``helix_lsp.server.live.touches``). Every notification is taken as the
server takes it: without waiting, when the socket turns readable or after a
statement that collected some.

**Who works on what** (``team_projects``): each server is a developer of its
own (``devNNNN@team.example``) with one active session. About seven in ten
work in teams of 5 to 10 on a shared project (a team's size drawn uniformly,
seeded, so every run has the same spread: for 200 servers, 140 in 18 teams
and 60 alone), the others each on a project of their own (a side project, a
tool, a review). So a change is news to the 4 to 9 other windows of its
team, or to nobody; a server listens to its own project's notifications
(``PostgresStore.listen``), or, on a store that has one channel for every
project, to all of them.

How it runs on a small machine: each server is a thread that sleeps in
``select`` on its connection's socket until its next action or a
notification, as a server's event loop does; the threads are spread over
``--processes`` worker processes (default 2, one per core here) so that
Python's lock does not serialise them all. The workers start their servers,
wait, then run the same wall-clock window. Nothing in the client batches,
pools or skips what a server would do.

Reported: command latency (p50/p99 per kind and over all), the cursor write,
the status read, NOTIFY delivery (from the writer's commit being
acknowledged to another server taking the notification; every delivery of
the window, matched to its commit by the sending backend's pid and order),
connections held (``pg_stat_activity``, sampled every second),
PostgreSQL's CPU (``/proc`` of the postmaster and its children) and the
client's (``getrusage`` of the workers), commits and notifications per
second. ``--no-listen`` plays the same traffic without ``LISTEN``: what the
fan-out costs.
"""

from __future__ import annotations

import argparse
import array
import contextlib
import json
import math
import multiprocessing as mp
import random
import resource
import select
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import figures, pgcluster

COMMANDS = ("pause", "resume", "list", "stats")
WRITE_EVERY = 1.0
COMMAND_EVERY = 10.0
#: the server pushes a status for cursor moves alone at most this often
CURSOR_STATUS_EVERY = 2.0
#: ... and for other writers' changes in its projects at most this often
ELSEWHERE_EVERY = 0.25
#: the server's ``CHANGE_DELAY``: a status goes out 20 ms after a change
STATUS_DELAY = 0.02
FILES = ("src/app.py", "src/models.py", "src/views.py", "tests/test_app.py")
#: the share of servers in teams; the rest work alone
IN_TEAMS = 0.7
TEAM_SIZES = (5, 10)


def team_projects(servers: int, seed: int = 13) -> list[str]:
    """Each server's project: teams of 5-10 on ``team-NN`` first (about ``IN_TEAMS`` of
    the servers), then one ``solo-NNNN`` project each; the same for every run."""
    rng = random.Random(seed)
    projects: list[str] = []
    team = 0
    while len(projects) < round(servers * IN_TEAMS):
        size = min(rng.randint(*TEAM_SIZES), round(servers * IN_TEAMS) - len(projects))
        projects += [f"team-{team:02d}"] * size
        team += 1
    projects += [f"solo-{i:04d}" for i in range(len(projects), servers)]
    return projects


def spread(projects: list[str]) -> dict[str, int]:
    """How many teams, solo developers and servers in teams ``projects`` holds."""
    sizes: dict[str, int] = {}
    for name in projects:
        sizes[name] = sizes.get(name, 0) + 1
    teams = [n for name, n in sizes.items() if name.startswith("team-")]
    return {"teams": len(teams), "in_teams": sum(teams), "solo": len(sizes) - len(teams),
            "smallest_team": min(teams, default=0), "largest_team": max(teams, default=0)}


@dataclass
class Outcome:
    """What one worker process measured; merged by the parent."""

    servers: int = 0
    commands: dict[str, list[float]] = field(default_factory=dict)
    writes: list[float] = field(default_factory=list)
    status: list[float] = field(default_factory=list)
    #: (writer's backend pid, its k-th notifying commit) -> (call start, call return)
    acks: dict[tuple[int, int], tuple[float, float]] = field(default_factory=dict)
    #: each delivery: the sender's pid, which of its commits, when it was taken
    got_pid: array.array[int] = field(default_factory=lambda: array.array("q"))
    got_k: array.array[int] = field(default_factory=lambda: array.array("q"))
    got_time: array.array[float] = field(default_factory=lambda: array.array("d"))
    errors: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    late_actions: int = 0


class SimServer:
    """One language server's use of the store: a manager, its connection, its project."""

    def __init__(self, index: int, url: str, project: str, listen: bool, out: Outcome,
                 lock: threading.Lock):
        from helix_lsp.session import SessionManager

        self.index = index
        self.mgr = SessionManager(url, owner=f"dev{index:04d}@team.example")
        store: Any = self.mgr._store
        self.store = store
        self.raw: Any = store.conn.raw  # the store's one psycopg connection
        self.pid: int = self.raw.info.backend_pid
        self.project = project
        self.sid = self.mgr.create(f"sim-{index}", project=self.project, start=True).id
        if listen:
            try:
                store.listen([self.project])
            except TypeError:  # a store with one channel for every project
                store.listen()
        # every notification read while a statement runs passes each handler: the
        # store's collects other writers' payloads, this one times them all
        self._notes: list[tuple[int, str, float]] = []
        self.raw.add_notify_handler(self._noted)
        self.out = out
        self.lock = lock
        self.rng = random.Random(index)
        self.status_due: float | None = None
        self.last_status = 0.0
        self._mine: list[int] = []
        self._got: list[tuple[int, int, float]] = []
        self.own_k = 0
        self.seen: dict[int, int] = {}

    # -- notifications -----------------------------------------------------

    def _noted(self, note: Any) -> None:
        self._notes.append((note.pid, note.payload, time.monotonic()))

    def take(self) -> None:
        """What the server does when its socket is readable or a statement collected
        notifications: take them without waiting, read the status again (20 ms later)
        when one names its project. Each is timed here, by sender and order."""
        arrived = time.monotonic()
        notes, self._notes = self._notes, []
        pgconn = self.raw.pgconn
        with contextlib.suppress(Exception):
            pgconn.consume_input()
            while (note := pgconn.notifies()) is not None:
                notes.append((note.be_pid, note.extra.decode("utf-8", "replace"), arrived))
        try:
            payloads = self.store.received()
        except Exception as err:
            self._error("receive", err)
            payloads = []
        payloads += [payload for pid, payload, _ in notes if pid != self.pid]
        if payloads and self.status_due is None and _touches(payloads, [self.project]):
            self.status_due = max(arrived + STATUS_DELAY, self.last_status + ELSEWHERE_EVERY)
        for pid, _payload, at in notes:
            if pid == self.pid:
                self.own_k += 1
                self._mine.append(self.own_k)
            else:
                k = self.seen[pid] = self.seen.get(pid, 0) + 1
                self._got.append((pid, k, at))

    def _error(self, kind: str, err: Exception) -> None:
        name = f"{kind}: {type(err).__name__}: {str(err)[:120]}"
        with self.lock:
            self.out.errors[name] = self.out.errors.get(name, 0) + 1

    def _timed(self, what: Callable[[], object], into: list[float], kind: str) -> float:
        start = time.monotonic()
        try:
            what()
        except Exception as err:  # counted and reported, never hidden
            self._error(kind, err)
        end = time.monotonic()
        into.append(end - start)
        self._mine.clear()
        self.take()
        for k in self._mine:  # the notifications this call's commit sent
            self.out.acks[(self.pid, k)] = (start, end)
        return end

    # -- the actions -----------------------------------------------------------

    def write(self, k: int) -> None:
        """The coalesced cursor write; the status then goes out at most every 2 s."""
        from helix_lsp.session.activity import Activity

        now_ms = int(time.time() * 1000)
        points = [
            Activity(now_ms - 1000 + 100 * (j + 1), FILES[(k // 30) % len(FILES)], "main",
                     1 + (k * 10 + j) % 400, 1 + j)
            for j in range(10)
        ]
        end = self._timed(lambda: self.mgr.record_activity(self.sid, points), self.out.writes,
                          "write")
        if self.status_due is None:
            self.status_due = max(end + STATUS_DELAY, self.last_status + CURSOR_STATUS_EVERY)

    def command(self, k: int, samples: dict[str, list[float]]) -> None:
        kind = COMMANDS[k % len(COMMANDS)]
        actions: dict[str, Callable[[], object]] = {
            "pause": lambda: self.mgr.pause(self.sid),
            "resume": lambda: self.mgr.resume(self.sid),
            "list": lambda: self.mgr.list(limit=50),
            "stats": lambda: self.mgr.stats(),
        }
        end = self._timed(actions[kind], samples.setdefault(kind, []), kind)
        if kind in ("pause", "resume"):
            self.status_due = min(self.status_due or math.inf, end + STATUS_DELAY)

    def read_status(self) -> None:
        """``helix/status``: the project's active (else current) session, the active ones."""

        def status() -> None:
            active = self.mgr.active(self.project)
            if active is None:
                self.mgr.current(self.project)
            self.mgr.active_sessions([self.project])

        self.status_due = None
        self.last_status = self._timed(status, self.out.status, "status")

    # -- the loop ---------------------------------------------------------------

    def run(self, start: float, stop: float) -> None:
        """Act on schedule between ``start`` and ``stop`` (``time.monotonic``)."""
        commands: dict[str, list[float]] = {}
        next_write = start + self.rng.uniform(0, WRITE_EVERY)
        next_cmd = start + self.rng.uniform(0, COMMAND_EVERY)
        writes = cmds = late = 0
        fd = self.raw.fileno()
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            due = min(next_write, next_cmd, self.status_due or math.inf, stop)
            if due > now:
                ready, _, _ = select.select([fd], [], [], due - now)
                if ready:
                    self.take()
                continue
            if now - due > 0.5:
                late += 1
            if self.status_due is not None and now >= self.status_due:
                self.read_status()
            if now >= next_write:
                self.write(writes)
                writes += 1
                next_write += WRITE_EVERY
            if now >= next_cmd:
                self.command(cmds, commands)
                cmds += 1
                next_cmd += COMMAND_EVERY
        with self.lock:
            for kind, values in commands.items():
                self.out.commands.setdefault(kind, []).extend(values)
            for pid, k, at in self._got:
                self.out.got_pid.append(pid)
                self.out.got_k.append(k)
                self.out.got_time.append(at)
            self.out.late_actions += late

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.mgr.close()


def _touches(payloads: list[str], projects: list[str]) -> bool:
    """The server's own test (``helix_lsp.server.live.touches``): a payload naming one of
    its projects, or one it cannot read, makes it read its status again."""
    from helix_lsp.server.live import touches

    return touches(payloads, projects)


def worker(
    url: str, indexes: list[int], projects: list[str], listen: bool, ready: Any, go: Any,
    start_at: Any, seconds: float, results: Any,
) -> None:
    """One process: open its servers, report ready, run the common window, send results."""
    out = Outcome(servers=len(indexes))
    lock = threading.Lock()
    servers = [SimServer(i, url, projects[i], listen, out, lock) for i in indexes]
    ready.put(len(servers))
    go.wait()
    start = start_at.value
    time.sleep(max(0.0, start - time.monotonic()))
    for server in servers:  # what arrived while everyone was starting
        server.take()
        server.status_due = None
        server.own_k, server.seen = 0, {}
        server._got.clear()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    threads = [
        threading.Thread(target=s.run, args=(start, start + seconds), daemon=True)
        for s in servers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    out.cpu_seconds = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    for server in servers:
        server.close()
    results.put(out)


def _sample_connections(url: str, dbname: str, stop: threading.Event, into: list[int]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.wait(1.0):
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                [dbname],
            ).fetchone()
            into.append(int(row[0]) if row else 0)


def _db_counters(cluster: pgcluster.Cluster, dbname: str) -> tuple[int, int]:
    """(committed transactions, the store's change count) now."""
    xacts = cluster.psql(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{dbname}'")
    changes = cluster.psql("SELECT COALESCE(SUM(changes), 0) FROM store_changes", dbname)
    return int(xacts.strip() or 0), int(changes.strip() or 0)


def merge(outs: list[Outcome]) -> Outcome:
    total = Outcome()
    for out in outs:
        total.servers += out.servers
        for kind, values in out.commands.items():
            total.commands.setdefault(kind, []).extend(values)
        total.writes += out.writes
        total.status += out.status
        total.acks.update(out.acks)
        total.got_pid.extend(out.got_pid)
        total.got_k.extend(out.got_k)
        total.got_time.extend(out.got_time)
        for name, n in out.errors.items():
            total.errors[name] = total.errors.get(name, 0) + n
        total.cpu_seconds += out.cpu_seconds
        total.late_actions += out.late_actions
    return total


def deliveries(total: Outcome) -> dict[str, Any]:
    """NOTIFY delivery latency of every matched delivery, in ms."""
    from_ack: list[float] = []
    from_call: list[float] = []
    unmatched = early = 0
    for pid, k, at in zip(total.got_pid, total.got_k, total.got_time, strict=True):
        ack = total.acks.get((pid, k))
        if ack is None:
            unmatched += 1
            continue
        if at < ack[1]:
            early += 1
        from_ack.append(max(0.0, at - ack[1]))
        from_call.append(at - ack[0])
    return {
        "from_commit_acknowledged": figures.summary(from_ack),
        "from_call_start": figures.summary(from_call),
        "received": len(total.got_time),
        "unmatched": unmatched,
        "before_the_writer_saw_its_reply": early,
    }


def simulate(servers: int, seconds: float, processes: int, listen: bool,
             log: Callable[[str], None], extra: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the simulation on a new cluster; the figures as a dict.

    ``extra`` holds further server settings (e.g. ``synchronous_commit=off``).
    """
    reason = pgcluster.missing_reason()
    if reason:
        return {"skipped": reason}
    settings: dict[str, object] = {"max_connections": servers + 20, **(extra or {})}
    load_before = figures.load_average()
    with pgcluster.Cluster(settings=settings) as cluster:
        dbname = "helix_team"
        url = cluster.create_database(dbname)
        from helix_lsp.session import SessionManager

        SessionManager(url).close()  # the schema, once, before everyone connects
        ctx = mp.get_context("spawn")
        ready, results = ctx.Queue(), ctx.Queue()
        go = ctx.Event()
        start_at = ctx.Value("d", 0.0)
        groups = [list(range(servers))[p::processes] for p in range(processes)]
        projects = team_projects(servers)
        procs = [
            ctx.Process(target=worker,
                        args=(url, g, projects, listen, ready, go, start_at, seconds, results))
            for g in groups if g
        ]
        opened = time.monotonic()
        for proc in procs:
            proc.start()
        count = sum(ready.get(timeout=600) for _ in procs)
        log(f"{count} servers connected in {time.monotonic() - opened:.1f} s; "
            f"running {seconds:.0f} s")
        start_at.value = time.monotonic() + 1.0
        go.set()
        time.sleep(max(0.0, start_at.value - time.monotonic()))
        cpu_before = cluster.cpu_seconds()
        xacts_before, changes_before = _db_counters(cluster, dbname)
        stop = threading.Event()
        held: list[int] = []
        sampler = threading.Thread(
            target=_sample_connections, args=(url, dbname, stop, held), daemon=True
        )
        sampler.start()
        memory: dict[str, int] = {}

        def measure_memory() -> None:  # halfway, while every server is connected
            time.sleep(seconds / 2)
            memory.update(cluster.memory_kib())

        halfway = threading.Thread(target=measure_memory, daemon=True)
        halfway.start()
        outs = [results.get(timeout=seconds + 600) for _ in procs]
        halfway.join(5)
        elapsed = time.monotonic() - start_at.value
        cpu_server = cluster.cpu_seconds() - cpu_before
        xacts_after, changes_after = _db_counters(cluster, dbname)
        stop.set()
        sampler.join(5)
        for proc in procs:
            proc.join(30)
        version = cluster.psql("SHOW server_version").strip()
    total = merge(outs)
    commands_all = [v for values in total.commands.values() for v in values]
    return {
        "servers": servers,
        "seconds": seconds,
        "elapsed_s": round(elapsed, 2),
        "processes": len(procs),
        "listen": listen,
        "projects": spread(projects),
        "postgres": version,
        "settings": {k: str(v) for k, v in settings.items()},
        "command": figures.summary(commands_all),
        "commands": {kind: figures.summary(v) for kind, v in sorted(total.commands.items())},
        "cursor_write": figures.summary(total.writes),
        "status_read": figures.summary(total.status),
        "notify": deliveries(total) if listen else None,
        "connections_held": {
            "max": max(held, default=0),
            "mean": round(sum(held) / len(held), 1) if held else 0,
            "samples": len(held),
        },
        "server_memory": memory,
        "server_cpu": {"seconds": round(cpu_server, 2),
                       "cores": round(cpu_server / elapsed, 3) if elapsed else None},
        "client_cpu": {"seconds": round(total.cpu_seconds, 2),
                       "cores": round(total.cpu_seconds / elapsed, 3) if elapsed else None},
        "per_second": {
            "transactions": round((xacts_after - xacts_before) / elapsed, 1),
            "store_changes": round((changes_after - changes_before) / elapsed, 1),
            "notifications_received": round(len(total.got_time) / elapsed, 1),
            "status_reads": round(len(total.status) / elapsed, 1),
            "cursor_writes": round(len(total.writes) / elapsed, 1),
        },
        "late_actions": total.late_actions,
        "errors": total.errors,
        "machine": figures.machine(),
        "load_average_before": load_before,
        "load_average_after": figures.load_average(),
    }


def render(doc: dict[str, Any]) -> str:
    """The figures as lines a person reads."""
    if "skipped" in doc:
        return f"skipped: {doc['skipped']}"

    def ms(s: dict[str, Any]) -> str:
        return f"p50 {s['p50']:.2f} ms, p99 {s['p99']:.2f} ms (n={s['n']})"

    lines = [
        f"{doc['servers']} simulated servers for {doc['seconds']:.0f} s "
        f"({doc['processes']} processes, LISTEN {'on' if doc['listen'] else 'off'}), "
        f"PostgreSQL {doc['postgres']}, settings {doc['settings']}",
        "projects: {teams} teams of {smallest_team}-{largest_team} ({in_teams} servers), "
        "{solo} alone".format(**doc["projects"]),
        f"command (all kinds): {ms(doc['command'])}",
        *(f"  {kind}: {ms(s)}" for kind, s in doc["commands"].items()),
        f"cursor write: {ms(doc['cursor_write'])}",
        f"status read after a change: {ms(doc['status_read'])}",
    ]
    note = doc.get("notify")
    if note:
        lines.append(
            f"NOTIFY delivery from the commit's reply: {ms(note['from_commit_acknowledged'])}; "
            f"from the writer's call: p99 {note['from_call_start']['p99']:.2f} ms; "
            f"{note['received']} received, {note['unmatched']} unmatched"
        )
    ps, held = doc["per_second"], doc["connections_held"]
    lines += [
        f"connections held: max {held['max']}, mean {held['mean']}",
        f"PostgreSQL memory (Pss, all {doc['server_memory'].get('processes')} processes): "
        f"{doc['server_memory'].get('pss_kib', 0) / 1024:.0f} MiB",
        f"PostgreSQL CPU: {doc['server_cpu']['seconds']} s = {doc['server_cpu']['cores']} cores; "
        f"client CPU: {doc['client_cpu']['seconds']} s = {doc['client_cpu']['cores']} cores",
        f"per second: {ps['transactions']} transactions, {ps['store_changes']} store changes, "
        f"{ps['cursor_writes']} cursor writes, {ps['notifications_received']} notifications "
        f"received, {ps['status_reads']} status reads",
        f"actions started > 0.5 s late: {doc['late_actions']}; errors: {doc['errors'] or 'none'}",
        f"{doc['machine']['nproc']} x {doc['machine']['cpu']}; load average before "
        f"{doc['load_average_before']}, after {doc['load_average_after']}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=20, help="simulated servers (20)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window (10)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--no-listen", action="store_true", help="the same traffic, no LISTEN")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a further server setting, e.g. synchronous_commit=off")
    parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
    args = parser.parse_args(argv)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    extra = dict(item.split("=", 1) for item in args.set)
    doc = simulate(args.servers, args.seconds, max(1, args.processes), not args.no_listen, log,
                   extra)
    print(json.dumps(doc, indent=2) if args.json else render(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
