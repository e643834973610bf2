"""helix-lsp over a store of many sessions: start-up, filtered lists, stats, memory, export.

The store is the cached generated one (see ``store.py``), copied for this run
so that nothing the server does can change the cache. The first call of each
query is reported on its own ("cold"): it is what a user meets after opening
the editor, before SQLite's page cache is warm.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import figures, scenarios
from bench.client import Client
from bench.store import LIST_FILTERS

LIST = "helix.session.list"
STATS = "helix.session.stats"
EXPORT = "helix.session.export"


async def timed_command(
    client: Client, name: str, args: dict[str, Any] | None
) -> tuple[float, Any]:
    return await client.timed_request(scenarios.EXECUTE, scenarios.command(name, args))


async def run(
    *,
    baseline: Client,
    spawn_baseline: Callable[[], Client],
    spawn_helix: Callable[[], Client],
    root: Path,
    options: dict[str, Any],
    startups: int,
    list_requests: int,
    stats_requests: int,
    sessions: int,
) -> dict[str, Any]:
    """Every scale figure; ``baseline`` is the run's long-lived baseline server."""
    result: dict[str, Any] = {"sessions": sessions}
    result["startup"] = await scenarios.startup(
        startups, spawn_baseline, lambda i: spawn_helix(), root, options
    )
    helix = spawn_helix()
    try:
        await helix.spawn()
        await helix.initialize(root, options)
        lists: dict[str, Any] = {}
        for label, flt in LIST_FILTERS.items():
            cold, first = await timed_command(helix, LIST, flt)
            if not isinstance(first, dict) or len(first.get("sessions", [])) != min(
                50, first.get("total", 0)
            ):
                raise AssertionError(f"{LIST} {flt} answered {str(first)[:200]}")

            async def list_step(i: int, flt: dict[str, Any] = flt) -> float:
                seconds, _ = await timed_command(helix, LIST, flt)
                return seconds

            base, hx = await scenarios.alternate(
                list_requests, lambda i: scenarios.noop(baseline, {}), list_step, scenarios.BLOCK
            )
            figure = figures.compare(base, hx)
            figure["filter"] = flt
            figure["total"] = first.get("total")
            figure["cold_ms"] = cold * 1000
            lists[label] = figure
        result["list"] = lists

        cold, stats = await timed_command(helix, STATS, None)
        if not isinstance(stats, dict) or stats.get("total") != sessions:
            raise AssertionError(
                f"{STATS} answered total {stats.get('total') if isinstance(stats, dict) else stats!r}"
            )

        async def stats_step(i: int) -> float:
            seconds, _ = await timed_command(helix, STATS, None)
            return seconds

        base, hx = await scenarios.alternate(
            stats_requests, lambda i: scenarios.noop(baseline, {}), stats_step, scenarios.BLOCK
        )
        result["stats"] = figures.compare(base, hx)
        result["stats"]["cold_ms"] = cold * 1000
        hwm = helix.memory().get("VmHWM", 0)
        base_hwm = baseline.memory().get("VmHWM", 0)
        result["rss"] = {
            "unit": "KiB",
            "baseline": base_hwm,
            "helix": hwm,
            "ratio": figures.ratio(hwm, base_hwm),
        }
        result["export"] = await export_all(helix, sessions, base_hwm)
    finally:
        await helix.close()
    return result


async def export_all(helix: Client, sessions: int, base_hwm: int) -> dict[str, Any]:
    """``export {all: true}``: how long it takes, how long other requests wait meanwhile.

    While the export is being produced, ``list {limit: 1}`` is sent every
    20 ms, as an editor's status bar and commands would; the longest of those
    waits is what a user would notice as a frozen server. The request that is
    in flight when the export's reply arrives also waits for the client to
    read and parse that reply: it is reported on its own. Peak RSS is read
    after the export.
    """
    rid, frame = helix.request_frame(scenarios.EXECUTE, scenarios.command(EXPORT, {"all": True}))
    start = time.perf_counter()
    export = asyncio.ensure_future(helix.send_frame(rid, frame, timeout=600))
    waits: list[float] = []
    last = 0.0
    while not export.done():
        seconds, _ = await timed_command(helix, LIST, {"limit": 1})
        if export.done():
            last = seconds
            break
        waits.append(seconds)
        await asyncio.sleep(0.02)
    snapshot = await export
    seconds = time.perf_counter() - start
    count = len(snapshot.get("sessions", [])) if isinstance(snapshot, dict) else -1
    if count != sessions:
        raise AssertionError(f"{EXPORT} returned {count} sessions, not {sessions}")
    hwm = helix.memory().get("VmHWM", 0)
    return {
        "seconds": seconds,
        "requests_meanwhile": len(waits),
        "longest_wait_ms": max(waits, default=0.0) * 1000,
        "median_wait_ms": figures.percentile(waits, 50) * 1000 if waits else 0.0,
        "wait_across_the_reply_ms": last * 1000,
        "peak_rss_kib": hwm,
        "rss_ratio": figures.ratio(hwm, base_hwm),
    }
