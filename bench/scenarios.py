"""The measured workloads, each run on the baseline and helix-lsp alternately.

Alternation is in short blocks (25 requests, or one spawn or burst), with the
order swapped every other block, so that a neighbour's load on this shared
machine hits both servers alike and the ratios stay fair even when the
absolute times drift. Blocks rather than single requests: waking an idle
process costs this machine 0.1-0.2 ms, the same for both servers, which would
otherwise dominate sub-millisecond figures; the read command is also reported
one by one (every request finds the server idle) so that cost stays visible.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import figures
from bench.baseline_server import NOOP_COMMAND, NOOP_NOTIFICATION
from bench.client import Client, encode
from bench.commits import CommitCounter

EXECUTE = "workspace/executeCommand"
CURSOR = "helix/cursorMoved"
#: Frames written between two waits for the pipe to drain (~70 KiB).
CHUNK_FRAMES = 500
#: Requests per side before switching to the other server.
BLOCK = 25
#: How long the store is watched after a burst for the coalesced write.
SETTLE_SECONDS = 1.5


def command(name: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"command": name, "arguments": [] if args is None else [args]}


@dataclass
class Pair:
    """The two long-lived servers of a run and what the workloads need to know."""

    baseline: Client
    helix: Client
    session_id: str
    file_uri: str
    counter: CommitCounter
    notes: list[str] = field(default_factory=list)


async def alternate(
    n: int,
    base_step: Callable[[int], Awaitable[float]],
    helix_step: Callable[[int], Awaitable[float]],
    block: int = 1,
) -> tuple[list[float], list[float]]:
    """``n`` samples of each side, in blocks of ``block``, swapping which side goes first.

    Each side's step gets its own sample index 0..n-1, in order. With
    ``block`` > 1 a server answers requests back to back, as during an editor's
    busy moment; with 1 every request finds it idle, waiting to be woken up.
    """
    base: list[float] = []
    helix: list[float] = []
    for number, start in enumerate(range(0, n, block)):
        stop = min(n, start + block)
        sides = [(base, base_step), (helix, helix_step)]
        if number % 2:
            sides.reverse()
        for samples, step in sides:
            for i in range(start, stop):
                samples.append(await step(i))
    return base, helix


async def noop(client: Client, args: dict[str, Any]) -> float:
    seconds, _ = await client.timed_request(EXECUTE, command(NOOP_COMMAND, args))
    return seconds


async def startup(
    n: int,
    spawn_baseline: Callable[[], Client],
    spawn_helix: Callable[[int], Client],
    root: Path,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Spawn -> ``initialize`` response, each spawn a new process."""

    async def one(client: Client) -> float:
        await client.spawn()
        await client.initialize(root, options)
        seconds = time.perf_counter() - client.spawned_at
        await client.close()
        return seconds

    async def base_step(i: int) -> float:
        return await one(spawn_baseline())

    async def helix_step(i: int) -> float:
        return await one(spawn_helix(i))

    base, helix = await alternate(n, base_step, helix_step)
    return figures.compare(base, helix)


async def warm_up(pair: Pair, n: int) -> None:
    """Untimed requests first, so lazy imports and caches do not land in the samples."""
    for _ in range(n):
        await pair.baseline.request(EXECUTE, command(NOOP_COMMAND, {"session": pair.session_id}))
        await pair.helix.request(
            EXECUTE, command("helix.session.get", {"session": pair.session_id})
        )


async def read_command(pair: Pair, n: int, block: int = BLOCK) -> dict[str, Any]:
    """``helix.session.get`` of one session vs the no-op command with the same argument."""
    args = {"session": pair.session_id}

    async def helix_step(i: int) -> float:
        seconds, result = await pair.helix.timed_request(
            EXECUTE, command("helix.session.get", args)
        )
        if not result or result.get("id") != pair.session_id:
            raise AssertionError(f"helix.session.get answered {result!r}")
        return seconds

    base, helix = await alternate(n, lambda i: noop(pair.baseline, args), helix_step, block)
    result = figures.compare(base, helix)
    result["block"] = block
    return result


async def mutating_command(pair: Pair, cycles: int) -> dict[str, Any]:
    """``pause`` then ``resume`` of the active session, each checked on disk.

    After every response a separate connection reads the session's status: the
    change must already be committed when the server answers.
    """
    args = {"session": pair.session_id}
    checks = failures = 0

    async def helix_step(i: int) -> float:
        nonlocal checks, failures
        action, expect = ("pause", "paused") if i % 2 == 0 else ("resume", "active")
        seconds, _ = await pair.helix.timed_request(
            EXECUTE, command(f"helix.session.{action}", args)
        )
        checks += 1
        if pair.counter.status() != expect:
            failures += 1
        return seconds

    base, helix = await alternate(
        2 * cycles, lambda i: noop(pair.baseline, args), helix_step, BLOCK
    )
    result = figures.compare(base, helix)
    result["block"] = BLOCK
    result["durable"] = failures == 0
    result["durability_checks"] = checks
    result["durability_failures"] = failures
    return result


def cursor_frame_list(method: str, uri: str, n: int) -> tuple[list[bytes], int]:
    """``n`` pre-encoded cursor notifications, and the last 0-based line among them."""
    frames: list[bytes] = []
    line = 0
    for k in range(n):
        line = (k * 7) % 5000
        frames.append(
            encode(
                {
                    "jsonrpc": "2.0",
                    "method": method,
                    "params": {
                        "textDocument": {"uri": uri},
                        "position": {"line": line, "character": k % 80},
                    },
                }
            )
        )
    return frames, line


def group(frames: list[bytes], size: int) -> list[bytes]:
    """Frames joined ``size`` at a time: one pipe write each."""
    return [b"".join(frames[i : i + size]) for i in range(0, len(frames), size)]


def cursor_frames(method: str, uri: str, n: int) -> tuple[list[bytes], int]:
    """``n`` cursor notifications in write chunks, and the last 0-based line."""
    frames, line = cursor_frame_list(method, uri, n)
    return group(frames, CHUNK_FRAMES), line


async def burst(
    client: Client, chunks: list[bytes], final: tuple[str, Any], n: int
) -> tuple[float, Any]:
    """Write every chunk, then one request; returns (seconds, the request's result)."""
    rid, frame = client.request_frame(*final)
    start = time.perf_counter()
    for chunk in chunks:
        client._write(chunk)
        await client.drain()
    result = await client.send_frame(rid, frame, timeout=max(120.0, n * 0.005))
    return time.perf_counter() - start, result


async def cursor_burst(pair: Pair, n: int, bursts: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Cost per notification in a burst of ``n`` and the store commits during it.

    After each helix burst the counter keeps watching for ``SETTLE_SECONDS``:
    a coalesced position must still reach the disk, just not on every move.
    """
    base_chunks, _ = cursor_frames(NOOP_NOTIFICATION, pair.file_uri, n)
    helix_chunks, last_line = cursor_frames(CURSOR, pair.file_uri, n)
    commits: list[int] = []
    row_writes: list[int] = []
    trailing: list[int] = []
    seconds_helix: list[float] = []
    statuses: list[int] = []
    stale = unflushed = 0
    expected_line = str(last_line + 1)

    async def base_step(i: int) -> float:
        final = (EXECUTE, command(NOOP_COMMAND, {"session": pair.session_id}))
        seconds, _ = await burst(pair.baseline, base_chunks, final, n)
        return seconds / n

    async def helix_step(i: int) -> float:
        nonlocal stale, unflushed
        final = (EXECUTE, command("helix.session.get", {"session": pair.session_id}))
        before = pair.helix.notifications.get("helix/status", 0)
        pair.counter.start()
        seconds, result = await burst(pair.helix, helix_chunks, final, n)
        commits.append(await pair.counter.stop())
        row_writes.append(pair.counter.row_writes)
        pair.counter.start()
        await asyncio.sleep(SETTLE_SECONDS)
        trailing.append(await pair.counter.stop())
        if pair.counter.context().get("current_line") != expected_line:
            unflushed += 1
        statuses.append(pair.helix.notifications.get("helix/status", 0) - before)
        seconds_helix.append(seconds)
        context = (result or {}).get("context") or {}
        if context.get("current_line") != expected_line:
            stale += 1
        return seconds / n

    base, helix = await alternate(bursts, base_step, helix_step)
    cost = figures.compare(base, helix, unit="us", scale=1e6)
    cost["notifications_per_burst"] = n
    cost["latest_position_returned"] = stale == 0
    rates = [c / max(s, 1.0) for c, s in zip(commits, seconds_helix, strict=True)]
    commit_figure = {
        "observable": "PRAGMA data_version polled every 5 ms from a separate connection, "
        "cross-checked with the session row's version column (larger of both)",
        "commits": commits,
        "row_writes": row_writes,
        "burst_seconds": [round(s, 3) for s in seconds_helix],
        "per_second": max(rates) if rates else 0.0,
        "per_second_note": "commits during the burst / max(burst seconds, 1 s)",
        "commits_after_burst": trailing,
        "settle_seconds": SETTLE_SECONDS,
        "latest_position_on_disk_after_settle": unflushed == 0,
        "status_notifications": statuses,
    }
    return cost, commit_figure


async def cursor_sustained(pair: Pair, seconds: float, rate: int) -> dict[str, Any]:
    """Store commits while the cursor moves ``rate`` times a second for ``seconds``.

    A burst of 50,000 is over in under a second, shorter than the coalescing
    period; this steady stream (a key held down, scrolling) shows what the
    store sees over several seconds. Notifications go out every 10 ms.
    """
    ticks = max(1, round(seconds * 100))
    per_tick = max(1, rate // 100)
    frames, last_line = cursor_frame_list(CURSOR, pair.file_uri, ticks * per_tick)
    batches = group(frames, per_tick)
    pair.counter.start()
    start = time.perf_counter()
    for k, batch in enumerate(batches):
        pair.helix._write(batch)
        await pair.helix.drain()
        delay = start + (k + 1) / 100 - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    result = await pair.helix.request(
        EXECUTE, command("helix.session.get", {"session": pair.session_id})
    )
    elapsed = time.perf_counter() - start
    commits = await pair.counter.stop()
    context = (result or {}).get("context") or {}
    return {
        "notifications": len(frames),
        "rate_per_second": per_tick * 100,
        "seconds": round(elapsed, 3),
        "commits": commits,
        "row_writes": pair.counter.row_writes,
        "per_second": commits / elapsed,
        "latest_position_returned": context.get("current_line") == str(last_line + 1),
    }
