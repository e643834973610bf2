"""Summaries of timed samples, and the machine they were taken on.

Medians and 99th percentiles (nearest rank, so a p99 of 30 samples is their
maximum and never an interpolated value no run produced) are what the
benchmark reports; ratios are helix-lsp over the baseline of the same run.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0-100) of ``samples``."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(samples: Sequence[float], scale: float = 1000.0) -> dict[str, Any]:
    """p50 / p99 / n of samples given in seconds, scaled (default: to milliseconds)."""
    return {
        "p50": statistics.median(samples) * scale if samples else math.nan,
        "p99": percentile(samples, 99) * scale,
        "n": len(samples),
    }


def ratio(helix: float, baseline: float) -> float:
    return helix / baseline if baseline > 0 else math.nan


def compare(
    baseline: Sequence[float], helix: Sequence[float], unit: str = "ms", scale: float = 1000.0
) -> dict[str, Any]:
    """The figure of one measurement: both sides and their p50 / p99 ratios."""
    base, hx = summary(baseline, scale), summary(helix, scale)
    return {
        "unit": unit,
        "baseline": base,
        "helix": hx,
        "ratio_p50": ratio(hx["p50"], base["p50"]),
        "ratio_p99": ratio(hx["p99"], base["p99"]),
    }


def fsync_latency(folder: Path, n: int = 30) -> dict[str, Any]:
    """How long this disk takes to make 4 KiB durable: the floor of any durable commit."""
    path = folder / "fsync-probe"
    samples: list[float] = []
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for _ in range(n):
            os.write(fd, b"\0" * 4096)
            start = time.perf_counter()
            os.fsync(fd)
            samples.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        path.unlink()
    return summary(samples)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict[str, Any]:
    """What a reader needs to judge the figures: cores, CPU, Python, OS, load."""
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }
