"""Closing Neovim without pausing, and coming back later (0.7.2 and 0.10.4).

The session is worked on at a.py:15, Neovim quits (:qa, or kill -9 of Neovim
and its server together), the idle limit passes, and Neovim starts again on
b.py with the user's last-position jump restoring b.py:7. The away time must
not count, the place must still be a.py:15, and the offer to resume must go
back there.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from nvim_checks import checks_passed
from nvim_harness import Nvim, RunScenario, cli

IDLE_MINUTES = 0.1  # 6 s: short, yet longer than the checks after resuming take
IDLE_MS = IDLE_MINUTES * 60_000
TOLERANCE_MS = 1500


def ms(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def work_then_leave(project: Path, run_scenario: RunScenario, nvim: Nvim, exit_: str,
                    shada: Path) -> dict[str, Any]:
    """Works at a.py:15 and leaves; returns what the scenario recorded."""
    for name in ("a.py", "b.py", "c.py"):
        (project / name).write_text("".join(f"{name[0]}_{i} = {i}\n" for i in range(1, 31)))
    setup = {"idle_minutes": IDLE_MINUTES}
    run = run_scenario("scenario_away_work", file="a.py", setup=setup, shada=shada,
                       extra_env={"HELIX_NVIM_EXIT": exit_}, kill=exit_ == "kill")
    r = checks_passed(run, nvim)
    if exit_ == "qa":
        assert r["finished"] is True
    before = r["before_exit"]
    assert before["status"] == "active", before
    assert (before["context"]["current_file"], before["context"]["current_line"]) == ("a.py", "15")
    # past the limit, counted from the last activity
    time.sleep(max(0.0, (r["last_move_ms"] + IDLE_MS + 1000) / 1000 - time.time()))
    return r


@pytest.mark.parametrize("exit_", ["qa", "kill"], ids=["quit", "kill-9"])
def test_away_time_is_not_counted_and_the_offer_goes_back_to_the_place(
    nvim: Nvim, project: Path, run_scenario: RunScenario, tmp_path: Path, exit_: str
) -> None:
    shada = tmp_path / "main.shada"
    work = work_then_leave(project, run_scenario, nvim, exit_, shada)
    started = work["started"]
    last_ms = work["last_move_ms"]

    back = run_scenario("scenario_away_return", file="b.py", setup={"idle_minutes": IDLE_MINUTES},
                        shada=shada, extra_env={"HELIX_NVIM_ANSWER": "Resume at"})
    r = checks_passed(back, nvim)
    assert r["opened_at"] == {"file": "b.py", "line": 7}  # the user's jump did run

    [offer] = r["offers"]  # offered once
    assert offer["items"] == ["Resume at a.py:15", "Count the away time", "Leave paused"], offer
    assert "fix-login" in offer["prompt"], offer
    paused = json.loads(offer["store"])  # while the question was open
    assert paused["status"] == "paused"
    assert abs(ms(paused["lastPausedAt"]) - last_ms) <= TOLERANCE_MS, (paused, last_ms)
    assert paused["awaySince"] == paused["lastPausedAt"]
    worked_s = (last_ms - ms(started["activeSince"])) / 1000
    assert abs(paused["activeSeconds"] - worked_s) <= TOLERANCE_MS / 1000, (paused, worked_s)
    assert (paused["context"]["current_file"], paused["context"]["current_line"]) == ("a.py", "15")

    resumed = r["resumed"]
    assert resumed["status"] == "active"
    assert (resumed["context"]["current_file"], resumed["context"]["current_line"]) == ("a.py", "15")
    # the gap is still not counted once it is active again
    assert resumed["activeSeconds"] < worked_s + (time.time() * 1000 - ms(resumed["activeSince"])) / 1000 + 1.5

    final = cli(back.db, "show", "fix-login")  # after the move to c.py:9
    assert (final["context"]["current_file"], final["context"]["current_line"]) == ("c.py", "9")


def test_a_picker_that_answers_later_still_goes_back_to_the_place(
    nvim: Nvim, project: Path, run_scenario: RunScenario, tmp_path: Path
) -> None:
    """A picker waiting for keys answers after the handler returned on 0.7
    (0.10 waits for it): the choice is carried out all the same."""
    shada = tmp_path / "main.shada"
    work_then_leave(project, run_scenario, nvim, "qa", shada)
    back = run_scenario("scenario_away_return", file="b.py", setup={"idle_minutes": IDLE_MINUTES},
                        shada=shada, extra_env={"HELIX_NVIM_ANSWER": "Resume at",
                                                "HELIX_NVIM_ANSWER_AFTER_MS": "1500"})
    r = checks_passed(back, nvim)
    assert len(r["offers"]) == 1
    resumed = r["resumed"]
    assert resumed["status"] == "active"
    assert (resumed["context"]["current_file"], resumed["context"]["current_line"]) == ("a.py", "15")


def test_idle_resume_never_leaves_it_paused_and_says_since_when(
    nvim: Nvim, project: Path, run_scenario: RunScenario, tmp_path: Path
) -> None:
    shada = tmp_path / "main.shada"
    work = work_then_leave(project, run_scenario, nvim, "qa", shada)
    back = run_scenario("scenario_away_return", file="b.py", shada=shada, tz="Asia/Kolkata",
                        setup={"idle_minutes": IDLE_MINUTES, "idle_resume": "never"})
    r = checks_passed(back, nvim)
    assert r["offers"] == []
    paused = r["paused"]
    assert paused["status"] == "paused"
    assert abs(ms(paused["lastPausedAt"]) - work["last_move_ms"]) <= TOLERANCE_MS
    assert (paused["context"]["current_file"], paused["context"]["current_line"]) == ("a.py", "15")
    local = datetime.fromisoformat(paused["awaySince"].replace("Z", "+00:00"))
    hhmm = local.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%H:%M")
    assert r["statusline"] == f"[B] building: fix-login [paused (away since {hhmm})]"
    assert r["lualine"] == r["statusline"]
