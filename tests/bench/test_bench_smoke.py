"""Smoke test of the benchmark: ``python -m bench --quick --json`` runs end to end.

It asserts that every figure is present and numeric, never how fast anything
is: speed is judged by the full benchmark on a quiet machine, not by a test
that shares its cores with the rest of the suite.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 300

COMPARED = [
    ("startup",),
    ("read_command",),
    ("read_command_interleaved",),
    ("mutating_command",),
    ("cursor_notification",),
    ("scale", "startup"),
    ("scale", "stats"),
]
LIST_FILTERS = ["status", "project+status", "mode", "tag", "query"]


def _number(value: Any, where: str) -> None:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), where
    assert math.isfinite(value), where
    assert value >= 0, where


def _compared(figure: dict[str, Any], where: str) -> None:
    for side in ("baseline", "helix"):
        for key in ("p50", "p99"):
            _number(figure[side][key], f"{where}.{side}.{key}")
        assert figure[side]["n"] >= 1, where
    _number(figure["ratio_p50"], f"{where}.ratio_p50")
    _number(figure["ratio_p99"], f"{where}.ratio_p99")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_every_compared_figure(doc: dict[str, Any]) -> None:
    figures = doc["figures"]
    for path in COMPARED:
        figure = figures
        for key in path:
            figure = figure[key]
        _compared(figure, ".".join(path))
    for label in LIST_FILTERS:
        _compared(figures["scale"]["list"][label], f"scale.list.{label}")
        _number(figures["scale"]["list"][label]["cold_ms"], f"scale.list.{label}.cold_ms")
    _number(figures["scale"]["stats"]["cold_ms"], "scale.stats.cold_ms")
    _number(figures["disk_fsync"]["p50"], "disk_fsync.p50")


def test_commits_memory_and_checks(doc: dict[str, Any]) -> None:
    figures = doc["figures"]
    commits = figures["cursor_commits"]
    assert commits["observable"]
    _number(commits["per_second"], "cursor_commits.per_second")
    assert all(isinstance(c, int) and c >= 0 for c in commits["commits"])
    _number(commits["sustained"]["per_second"], "cursor_commits.sustained.per_second")
    assert commits["sustained"]["notifications"] > 0
    for rss in (figures["peak_rss"], figures["scale"]["rss"]):
        assert rss["baseline"] > 0 and rss["helix"] > 0
        _number(rss["ratio"], "rss.ratio")
    assert isinstance(figures["mutating_command"]["durable"], bool)
    assert isinstance(figures["cursor_notification"]["latest_position_returned"], bool)
    assert figures["scale"]["sessions"] > 0
    export = figures["scale"]["export"]
    for key in ("seconds", "longest_wait_ms", "rss_ratio"):
        _number(export[key], f"scale.export.{key}")
    assert export["peak_rss_kib"] > 0


def test_targets_and_machine(doc: dict[str, Any]) -> None:
    names = [t["name"] for t in doc["targets"]]
    assert len(names) == len(set(names)) >= 13
    for target in doc["targets"]:
        assert isinstance(target["met"], bool)
    meta = doc["meta"]
    assert meta["quick"] is True
    assert meta["machine"]["nproc"] >= 1
    assert meta["machine"]["cpu"]
    assert meta["helix_version"]
