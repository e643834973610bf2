"""The Neovim plugin (nvim-client/) in real headless Neovim 0.7.2 and 0.10.4.

Each test starts Neovim with the plugin on the runtimepath, the real server
(`python -m helix_lsp`) and a temporary store, and runs a Lua scenario
(tests/nvim/scenario_*.lua) whose checks sit next to the actions they follow
(`T.eq`, `T.has`, ...). Here: that every check passed, and what only Python
can tell (the store after Neovim has gone, times in another zone).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from nvim_checks import check_run
from nvim_harness import Nvim, RunScenario, cli


def test_create_start_pause_resume_complete(nvim: Nvim, run_scenario: RunScenario) -> None:
    zone = "Asia/Kolkata"  # +05:30: a raw UTC time would not match
    run = run_scenario("scenario_lifecycle", tz=zone)
    r = check_run(run, nvim)
    created = datetime.fromisoformat(r["created_at"].replace("Z", "+00:00"))
    local = created.astimezone(ZoneInfo(zone)).strftime("%H:%M")
    assert f"created:  today {local}" in r["show_note"], r["show_note"]

    final = cli(run.db, "show", "fix login bug")  # the store after Neovim has gone
    assert final["status"] == "completed"
    assert (final["context"]["current_file"], final["context"]["current_line"]) == ("src/app.py", "7")
    assert [s["name"] for s in cli(run.db, "list")["sessions"]] == ["fix login bug"]


def test_refusals_name_the_usage_or_show_the_server_sentence(
    nvim: Nvim, run_scenario: RunScenario
) -> None:
    run = run_scenario("scenario_refused")
    check_run(run, nvim)
    assert cli(run.db, "show", "err-session")["status"] == "paused"


def test_tags_meta_switch_show_stats_log(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_more")
    check_run(run, nvim)
    alpha = cli(run.db, "show", "alpha")
    assert alpha["status"] == "paused"
    assert alpha["mode"] == "refactoring"
    assert alpha["tags"] == ["auth"]
    assert alpha["metadata"] == {"sprint": "23"}
    assert alpha["context"]["current_line"] == "3"
    assert [s["name"] for s in cli(run.db, "list")["sessions"]] == ["gamma", "alpha"]


def test_a_server_that_cannot_start_is_reported(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_no_server", server=["/nonexistent/helix-lsp"])
    r = check_run(run, nvim)
    health = "\n".join(r["health"])
    assert "ERROR" in health and "/nonexistent/helix-lsp" in health, health
    assert f"session store: {run.db} (db_path" in health, health
    default = "\n".join(r["health_default_store"])
    data_home = run.db.parent.parent / "home" / "data"
    assert f"session store: {data_home}/helix-lsp/sessions.db (the server's default" in default, default


def test_resume_can_leave_the_cursor_alone(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_no_restore", setup={"restore_on_resume": False})
    check_run(run, nvim)
    # the place where the user resumed is what the session now holds
    ctx = cli(run.db, "show", "stay-here")["context"]
    assert (ctx["current_file"], ctx["current_line"]) == ("notes.txt", "3")


def test_argument_splitting_escaping_and_local_times(nvim: Nvim, run_scenario: RunScenario) -> None:
    check_run(run_scenario("scenario_pieces", tz="America/St_Johns"), nvim)  # -03:30
