"""A year of work: computing its report from a store, and rendering it.

A synthetic year (``year_activity``) is built deterministically: sessions
of all six modes spread over 12 projects, a few thousand files and a few
hundred branches, each session one or two active intervals, some across
midnight, one in ten changing its mode halfway. ``measure`` times
``render_html`` and ``render_text`` on its report and reports the page's
size (goal: at most 1 MB), and times ``build_report`` over the same year
written into a store (``year_store``: sessions, their history and their
15-minute time buckets; goal: 300 ms p50).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from helix_lsp.report.aggregate import Activity, SessionInfo, aggregate
from helix_lsp.report.model import MODES, Report
from helix_lsp.report.period import Period, resolve

ZONE = "Europe/Berlin"
HTML_GOAL_BYTES = 1_000_000
COMPUTE_GOAL_MS = 300.0
STORE_VERSION = 1
BUCKET_MS = 15 * 60 * 1000
OWNER = "bench@example.com"  # every session's, and the reader's: the report is theirs
ROOT = Path(__file__).resolve().parent.parent


def year_activity(
    sessions: int = 100_000, first: str = "2026-01-01"
) -> tuple[list[Activity], dict[str, SessionInfo], Period]:
    """A year's seeded activity: intervals of ``sessions`` sessions, and the year's period."""
    rnd = random.Random(20261130)
    tz = ZoneInfo(ZONE)
    start_day = date.fromisoformat(first)
    projects = [f"project-{n:02d}" for n in range(12)]
    files = [f"src/module_{n // 40}/file_{n}.py" for n in range(4000)]
    branches = [f"feature/topic-{n}" for n in range(300)]
    info: dict[str, SessionInfo] = {}
    acts: list[Activity] = []
    for n in range(sessions):
        sid = f"s{n:06d}"
        mode, project = rnd.choice(MODES), rnd.choice(projects)
        info[sid] = SessionInfo(sid, f"session-{n}-{mode}", project, mode, "completed")
        day = start_day + timedelta(days=rnd.randrange(365))
        begin = datetime.combine(day, datetime.min.time(), tz) + timedelta(
            minutes=rnd.randrange(8 * 60, 23 * 60 + 50)
        )
        begin_ms = int(begin.timestamp() * 1000)
        for _ in range(rnd.choice((1, 1, 2))):
            length = rnd.randrange(5, 90) * 60_000
            acts.append(
                Activity(
                    sid,
                    begin_ms,
                    begin_ms + length,
                    mode,
                    project,
                    rnd.choice(files),
                    rnd.choice(branches),
                )
            )
            begin_ms += length + rnd.randrange(5, 60) * 60_000
    last = start_day + timedelta(days=364)
    return acts, info, resolve(from_=first, to=last.isoformat(), tz=ZONE, now_ms=0)


def year_report(sessions: int = 100_000) -> Report:
    """The report of ``year_activity``: 365 days, ``sessions`` sessions."""
    return aggregate(*year_activity(sessions))


def _buckets(start: int, end: int) -> list[tuple[int, int]]:
    out = []
    while start < end:
        slot = start - start % BUCKET_MS
        stop = min(end, slot + BUCKET_MS)
        out.append((slot, stop - start))
        start = stop
    return out


def _fill(conn: sqlite3.Connection, sessions: int) -> None:
    """Write the year of ``year_activity`` as the core stores it: each session a
    completed row, its history (created, started, paused/resumed, modeChanged,
    completed), its time per file, branch and 15-minute slot, and the running
    totals of both (``rollup.backfill``, what the store's migration runs)."""
    from helix_lsp.session import rollup
    from helix_lsp.session.rows import FIELDS

    acts, info, _ = year_activity(sessions)
    by_session: dict[str, list[Activity]] = {}
    for act in acts:
        by_session.setdefault(act.session_id, []).append(act)
    rnd = random.Random(7)
    columns = [f for f in FIELDS if f != "seq"]
    rows, history, time_rows = [], [], []
    for seq, (sid, mine) in enumerate(sorted(by_session.items()), start=1):
        meta = info[sid]
        created = mine[0].start_ms - 60_000
        events: list[tuple[Any, ...]] = [(seq, created, "created", "user", meta.mode, None)]
        by_mode: dict[str, int] = {}
        mode = meta.mode
        for number, act in enumerate(mine):
            kind = "started" if number == 0 else "resumed"
            events.append((seq, act.start_ms, kind, "user", mode, None))
            pieces = [(act.start_ms, act.end_ms)]
            if rnd.random() < 0.1:  # a mode change halfway
                half = (act.start_ms + act.end_ms) // 2
                by_mode[mode] = by_mode.get(mode, 0) + half - act.start_ms
                new = rnd.choice([m for m in MODES if m != mode])
                data = json.dumps({"from": mode})
                events.append((seq, half, "modeChanged", "user", new, data))
                mode, pieces = new, [(half, act.end_ms)]
            by_mode[mode] = by_mode.get(mode, 0) + pieces[0][1] - pieces[0][0]
            kind = "completed" if number == len(mine) - 1 else "paused"
            events.append((seq, act.end_ms, kind, "user", mode, None))
            cut = act.start_ms + (act.end_ms - act.start_ms) // 3  # two files per stretch
            other = f"{act.file}.test" if act.file else ""
            for file, begin, end in ((act.file, act.start_ms, cut), (other, cut, act.end_ms)):
                for slot, ms in _buckets(begin, end):
                    time_rows.append((seq, file or "", act.branch or "", slot, ms))
        history += events
        end = mine[-1].end_ms
        record = {
            "id": f"y{seq:011x}", "name": meta.name, "mode": mode, "status": "completed",
            "project": meta.project, "description": None, "tags": "[]", "metadata": "{}",
            "context": json.dumps({"branch": mine[-1].branch or ""}),
            "created_at": created, "updated_at": end, "started_at": mine[0].start_ms,
            "last_paused_at": mine[-2].end_ms if len(mine) > 1 else None, "ended_at": end,
            "failure_reason": None, "active_ms": sum(by_mode.values()), "active_since": None,
            "version": 1, "last_activity_at": end, "paused_by": None,
            "active_by_mode": json.dumps(by_mode), "owner": OWNER,
        }  # fmt: skip
        rows.append([seq, *(record[c] for c in columns)])
    names = ", ".join(columns)
    conn.executemany(
        f"INSERT INTO sessions (seq, {names}) VALUES ({', '.join('?' * (len(columns) + 1))})",
        rows,
    )
    history.sort(key=lambda e: e[1])  # appended as it happened: sessions interleave
    conn.executemany(
        "INSERT INTO session_events (session_seq, at, kind, by, mode, data) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        history,
    )
    conn.executemany(
        "INSERT INTO session_time (session_seq, file, branch, bucket, ms) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (session_seq, file, branch, bucket) DO UPDATE SET ms = ms + excluded.ms",
        time_rows,
    )
    # the running totals, as the migration that adds them fills a store that has this history
    rollup.backfill(conn)


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


def year_store(sessions: int = 100_000, log: Any = _stderr) -> Path:
    """A store holding ``year_activity``, built once and cached in ``.bench-cache/``.

    Written with direct SQL into a store the core created (100,000 sessions
    through ``import_`` take minutes), its running totals filled by the same
    step the schema migration runs (``rollup.backfill``); the cache key holds
    the schema, so a changed schema builds a new file.
    """
    from bench.store import cache_dir, schema_fingerprint
    from helix_lsp.session import SessionManager

    key = hashlib.sha256(f"{STORE_VERSION}:{sessions}:{schema_fingerprint()}".encode()).hexdigest()[
        :12
    ]
    folder = cache_dir(ROOT)
    target = folder / f"report-year-{sessions}-{key}.db"
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    partial = folder / f".partial-{target.name}"
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{partial}{suffix}").unlink()
    SessionManager(partial).close()
    with contextlib.closing(sqlite3.connect(partial)) as conn:
        with conn:
            _fill(conn, sessions)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    partial.replace(target)
    log(f"generated a year of {sessions} sessions in {time.perf_counter() - began:.1f}s")
    return target


def compute_times(store: Path, runs: int) -> list[float]:
    """Times (ms) of ``build_report`` over the whole year of ``store``."""
    from helix_lsp.report import build_report
    from helix_lsp.session import SessionManager

    with SessionManager(store, create=False, owner=OWNER) as mgr:
        return _timed(
            runs,
            lambda: build_report(mgr, from_="2026-01-01", to="2026-12-31", tz=ZONE, now=0),
        )


def _timed(run: int, work: object) -> list[float]:
    assert callable(work)
    samples = []
    for _ in range(run):
        began = time.perf_counter()
        work()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def measure(runs: int = 5, sessions: int = 100_000) -> dict[str, float]:
    """Median times (ms) of the renderers on a year of ``sessions`` sessions, and the page size.

    Keys: ``report_html_ms``, ``report_text_ms``, ``report_html_bytes``
    (goal ≤ 1,000,000), ``report_aggregate_ms`` (adding up the year's
    intervals into the report object, once; the store is not read) and
    ``report_compute_ms`` (``build_report`` of the year from a store of it,
    p50 over ``runs`` after a first run that warms the file cache; goal ≤ 300).
    """
    from helix_lsp.report import render_html, render_text

    activity = year_activity(sessions)
    began = time.perf_counter()
    report = aggregate(*activity)
    aggregate_ms = (time.perf_counter() - began) * 1000
    page = render_html(report)
    return {
        "report_html_ms": statistics.median(_timed(runs, lambda: render_html(report))),
        "report_text_ms": statistics.median(_timed(runs, lambda: render_text(report, 100))),
        "report_html_bytes": float(len(page.encode("utf-8"))),
        "report_aggregate_ms": aggregate_ms,
        "report_compute_ms": statistics.median(compute_times(year_store(sessions), runs + 1)[1:]),
    }


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key:24} {value:12.1f}")
