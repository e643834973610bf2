"""A store shared by two owners: each one's report is what it would be alone.

Ann and Bob work the same projects, files and branches at the same hours
(so the store's running totals hold both at the same keys). Ann's actions
are replayed at the same moments into a store of her own; her default
report of the shared store must equal the report of that store, figure for
figure, as must Bob's; the report of everyone (``owner="*"``) is their sum.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helix_lsp.report import build_report
from helix_lsp.session import Activity, SessionManager

T0 = 1_790_000_000_000  # 2026-09-21, a Monday morning in UTC
MIN = 60_000
ZONE = "Asia/Kolkata"  # midnight half an hour off a UTC hour

Act = Callable[[SessionManager, dict[str, str]], None]


def _script() -> list[tuple[int, str, Act]]:
    """``(minutes after T0, owner, action)``, in time order; ``ids`` maps a name to an id."""
    out: list[tuple[int, str, Act]] = []
    for who, shift, length in (("ann", 0, 70), ("bob", 11, 130)):
        for n in range(4):
            name = f"{who}-{n}"
            base = n * 700 + shift  # several midnights of the zone apart
            project = f"p{n % 2}"

            def create(
                m: SessionManager, ids: dict[str, str], name: str = name, p: str = project
            ) -> None:
                ids[name] = m.create(name, "building", p, start=True).id

            def work(m: SessionManager, ids: dict[str, str], name: str = name, k: int = n) -> None:
                m.record_activity(
                    ids[name], [Activity(time.time_ns() // 1_000_000, f"f{k % 2}.py", "main")]
                )

            def debug(m: SessionManager, ids: dict[str, str], name: str = name) -> None:
                m.set_mode(ids[name], "debugging")
                m.record_activity(ids[name], [Activity(time.time_ns() // 1_000_000, "g.py", "fix")])

            def pause(m: SessionManager, ids: dict[str, str], name: str = name) -> None:
                m.pause(ids[name])

            def complete(m: SessionManager, ids: dict[str, str], name: str = name) -> None:
                m.resume(ids[name])
                m.complete(ids[name])

            out += [(base, who, create), (base + 3, who, work), (base + length, who, debug)]
            out += [(base + 2 * length + 1, who, work), (base + 2 * length + 5, who, pause)]
            if n < 3:  # the last one stays paused
                out.append((base + 2 * length + 300, who, complete))
    return sorted(out, key=lambda e: (e[0], e[1]))


@pytest.fixture
def stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, SessionManager], dict[str, SessionManager], int]:
    """The shared store as each owner, each owner's store alone, and the moment after."""
    now = [T0]
    monkeypatch.setattr(time, "time_ns", lambda: now[0] * 1_000_000)
    shared = {w: SessionManager(tmp_path / "shared.db", owner=w) for w in ("ann", "bob")}
    alone = {w: SessionManager(tmp_path / f"{w}.db", owner=w) for w in ("ann", "bob")}
    ids: dict[str, dict[str, str]] = {"shared": {}, "ann": {}, "bob": {}}
    for minute, who, act in _script():
        now[0] = T0 + minute * MIN + 7_123  # never on a quarter hour
        act(shared[who], ids["shared"])
        act(alone[who], ids[who])
    return shared, alone, now[0] + 30 * MIN


def _figures(report: Any) -> dict[str, Any]:
    """A report's JSON with session ids replaced by names (each store has its own ids)."""
    data = report.to_json()
    names = {s["id"]: s["name"] for s in data["sessions"]}
    text = json.dumps(data, sort_keys=True)
    for sid, name in names.items():
        text = text.replace(sid, name)
    return dict(json.loads(text))


SPANS = [
    {"from_": "2026-09-01", "to": "2026-12-31"},  # the whole store: totals of all time
    {"from_": "2026-09-22", "to": "2026-09-23"},  # a part: totals per day and buckets
    {"from_": "2026-09-21T10:07:31", "to": "2026-09-22T03:52:09"},
]


@pytest.mark.parametrize("span", SPANS)
def test_each_owner_sees_the_report_of_their_own_store(
    stores: tuple[dict[str, SessionManager], dict[str, SessionManager], int],
    span: dict[str, str],
) -> None:
    shared, alone, now = stores
    for who in ("ann", "bob"):
        mine = build_report(shared[who], tz=ZONE, now=now, **span)
        own = build_report(alone[who], tz=ZONE, now=now, **span)
        assert mine.total_seconds > 0
        assert _figures(mine) == _figures(own)


def _added(a: dict[Any, float], b: dict[Any, float]) -> dict[Any, float]:
    """Both figures added, to the millisecond (as the report counts), zeros left out."""
    return {k: round(v, 3) for k, v in (Counter(a) + Counter(b)).items() if v}


@pytest.mark.parametrize("span", SPANS)
def test_everyone_s_report_is_the_sum_of_both(
    stores: tuple[dict[str, SessionManager], dict[str, SessionManager], int],
    span: dict[str, str],
) -> None:
    shared, alone, now = stores
    every = _figures(build_report(shared["ann"], tz=ZONE, now=now, owner="*", **span))
    ann, bob = (_figures(build_report(alone[w], tz=ZONE, now=now, **span)) for w in alone)
    assert every["totalSeconds"] == round(ann["totalSeconds"] + bob["totalSeconds"], 3)
    assert _added(every["byMode"], {}) == _added(ann["byMode"], bob["byMode"])
    assert _added(every["byProject"], {}) == _added(ann["byProject"], bob["byProject"])
    for key in ("files", "branches"):
        both: Counter[tuple[str, str]] = Counter()
        for part in (ann, bob):
            both.update(
                {
                    (p["project"], p["file" if key == "files" else "branch"]): p["seconds"]
                    for p in part[key]
                }
            )
        got = {
            (p["project"], p["file" if key == "files" else "branch"]): p["seconds"]
            for p in every[key]
        }
        assert got == _added(dict(both), {})
    days = {d["date"]: d["byMode"] for d in every["byDay"]}
    for d in ann["byDay"]:
        other = next(x["byMode"] for x in bob["byDay"] if x["date"] == d["date"])
        assert {k: v for k, v in days[d["date"]].items() if v} == _added(d["byMode"], other)
    assert sorted(s["name"] for s in every["sessions"]) == sorted(
        s["name"] for s in ann["sessions"] + bob["sessions"]
    )


@pytest.mark.parametrize("owner", [None, "*"])
def test_the_top_files_cut_short_are_the_first_of_the_full_list(
    stores: tuple[dict[str, SessionManager], dict[str, SessionManager], int],
    monkeypatch: pytest.MonkeyPatch,
    owner: str | None,
) -> None:
    shared, _, now = stores
    span = SPANS[0]  # the whole store: totals over all time less what lies outside
    full = build_report(shared["bob"], tz=ZONE, now=now, owner=owner, **span)
    monkeypatch.setattr("helix_lsp.report.compute.TOP_PLACES", 1)
    short = build_report(shared["bob"], tz=ZONE, now=now, owner=owner, **span)
    assert len(full.files) > 1 and len(full.branches) > 1
    assert (short.files, short.branches) == (full.files[:1], full.branches[:1])
