"""The Neovim plugin (nvim-client/) in real headless Neovim 0.7.2 and 0.10.4.

Each test starts Neovim with the plugin on the runtimepath, the real server
(`python -m helix_lsp`) and a temporary store, runs a Lua scenario
(tests/nvim/scenario_*.lua) that records what a user would see, and checks
that record and the store as `helix-lsp session show --json` prints it.
"""

from __future__ import annotations

from typing import Any

from nvim_harness import Nvim, Run, RunScenario, cli

ERROR = 4  # vim.log.levels.ERROR
INFO = 2


def check_run(run: Run, nvim: Nvim) -> dict[str, Any]:
    r = run.results
    assert r["nvim_version"] == nvim.version
    assert r["errors"] == [], f"scenario errors: {r['errors']}\nstderr: {run.stderr[-2000:]}"
    assert r["finished"] is True
    assert not run.env_db.exists(), "the server ignored dbPath and used $HELIX_LSP_DB"
    return r


def test_create_start_pause_resume_complete(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_lifecycle")
    r = check_run(run, nvim)
    name = "demo-session"

    assert r["waits"]["ready"], "the server never finished initializing"
    assert r["init_options"]["cursorNotifications"] is True
    assert r["init_options"]["dbPath"] == str(run.db)
    assert r["workspace_folders"][0]["name"] == "proj"

    # create
    assert r["after_create"]["name"] == name
    assert r["after_create"]["status"] == "idle"
    assert r["after_create"]["mode"] == "testing"
    assert r["after_create"]["project"] == "proj"

    # start
    assert r["after_start"]["status"] == "active"
    assert r["after_start"]["startedAt"] is not None
    assert r["waits"]["statusline shows the active session"]
    assert name in r["statusline_active"]
    assert "testing" in r["statusline_active"]
    assert "paused" not in r["statusline_active"]

    # cursor to line 7 (column 5) reaches the session's context
    assert r["waits"]["server has line 7"], f"last seen: {r.get('get_after_move')}"
    ctx = r["get_after_move"]["context"]
    assert ctx["current_file"] == "src/app.py"
    assert ctx["current_line"] == "7"
    assert ctx["current_column"] == "5"

    # pause: the store and the statusline
    assert r["after_pause"]["status"] == "paused"
    assert r["after_pause"]["lastPausedAt"] is not None
    assert r["after_pause"]["context"]["current_file"] == "src/app.py"
    assert r["after_pause"]["context"]["current_line"] == "7"
    assert r["waits"]["statusline shows paused"], r["statusline_paused"]
    assert name in r["statusline_paused"]
    assert "paused" in r["statusline_paused"]

    # completion
    verbs = "create start pause resume complete fail mode tag untag meta show list switch stats log"
    assert set(verbs.split()) <= set(r["complete_verbs"])
    assert sorted(r["complete_modes"]) == sorted(
        ["planning", "building", "testing", "refactoring", "debugging", "deployment"]
    )
    assert r["complete_resume"] == [name]
    assert r["complete_create_mode"] == ["testing"]

    # resume reopens the file at line 7
    assert r["before_resume"]["file"].endswith("notes.txt")
    assert r["before_resume"]["line"] == 2
    assert r["waits"]["back in app.py"], r["after_resume_cursor"]
    assert r["after_resume_cursor"]["file"].endswith("/proj/src/app.py")
    assert r["after_resume_cursor"]["line"] == 7
    assert r["after_resume_cursor"]["col"] == 4
    assert r["after_resume"]["status"] == "active"
    assert r["waits"]["statusline shows active again"], r["statusline_resumed"]

    # complete
    assert r["after_complete"]["status"] == "completed"
    assert r["after_complete"]["endedAt"] is not None
    assert r["after_complete"]["context"]["current_file"] == "src/app.py"
    assert r["after_complete"]["context"]["current_line"] == "7"
    assert r["waits"]["statusline empty"], r["statusline_completed"]

    # no error was shown along the way
    errors = [n for n in r["notifications"] if n["level"] >= ERROR]
    assert errors == []

    # the store, read after Neovim has gone
    final = cli(run.db, "show", name)
    assert final["status"] == "completed"
    assert final["context"]["current_line"] == "7"
    assert final["context"]["current_file"] == "src/app.py"
    listed = cli(run.db, "list")
    assert [s["name"] for s in listed["sessions"]] == [name]


def test_refused_commands_show_the_server_error_and_change_nothing(
    nvim: Nvim, run_scenario: RunScenario
) -> None:
    run = run_scenario("scenario_refused")
    r = check_run(run, nvim)
    name = "err-session"
    before, after = r["before"], r["after"]
    assert before["status"] == "active"
    assert before["mode"] == "building"

    # :Helix fail (no reason): the server's sentence at error level
    assert r["waits"]["fail error shown"], r["fail_notes_all"]
    server_err = r["fail_server"]["err"]
    assert server_err and server_err["message"], r["fail_server"]
    assert server_err["data"]["kind"] == "invalid_argument"
    assert r["fail_note"]["level"] == ERROR
    assert server_err["message"] in r["fail_note"]["msg"]
    assert "reason" in server_err["message"].lower()

    # :Helix mode nonsense
    assert r["waits"]["mode error shown"], r["mode_notes_all"]
    server_err = r["mode_server"]["err"]
    assert server_err and server_err["message"], r["mode_server"]
    assert server_err["data"]["kind"] == "invalid_argument"
    assert r["mode_note"]["level"] == ERROR
    assert server_err["message"] in r["mode_note"]["msg"]
    assert "nonsense" in server_err["message"]

    # nothing changed
    for key in ("status", "mode", "failureReason", "endedAt", "tags", "metadata", "name"):
        assert after[key] == before[key], key
    assert after["status"] == "active"
    assert after["failureReason"] is None
    assert name in r["statusline"] and "paused" not in r["statusline"]

    # :Helix list active -> the session -> "pause"
    selects = r["selects"]
    assert len(selects) == 2, selects
    assert any(name in item for item in selects[0]["items"])
    assert "pause" in selects[1]["items"]
    assert "complete" in selects[1]["items"]
    assert "resume" not in selects[1]["items"]
    assert r["waits"]["paused through the picker"]
    assert r["after_picker"]["status"] == "paused"
    assert cli(run.db, "show", name)["status"] == "paused"

    # :checkhealth helix_lsp
    health = "\n".join(r["health"])
    assert "ERROR" not in health, health
    assert f"session store: {run.db}" in health
    assert "client 1 for " in health and "/proj" in health


def test_tags_meta_switch_show_stats_log(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_more")
    r = check_run(run, nvim)
    waits = r["waits"]
    failed = [k for k, ok in waits.items() if not ok]
    assert failed == [], f"never happened: {failed}; notifications: {r['notifications']}"

    assert r["complete_untag"] == ["auth"]
    assert r["complete_meta"] == ["sprint"]
    assert r["complete_start"] == []  # alpha is active, nothing idle yet
    assert {"paused", "testing", "tag=auth", "project=proj"} <= set(r["complete_list"])
    assert r["complete_start_beta"] == ["beta"]

    # switching to an idle session starts it and pauses the active one
    assert "'alpha'" in r["switch_beta_note"]["msg"]
    assert r["alpha_after_switch"]["status"] == "paused"
    assert r["beta_after_switch"]["status"] == "active"
    assert r["beta_after_switch"]["mode"] == "debugging"
    assert "beta" in r["statusline_beta"] and "debugging" in r["statusline_beta"]

    # switching back resumes alpha at its own place
    assert r["cursor_after_switch"]["file"].endswith("/proj/src/app.py")
    assert r["cursor_after_switch"]["line"] == 3
    assert r["beta_after_switch_back"]["status"] == "paused"
    # beta was active while the user went to notes.txt (BufEnter sends the place)
    assert r["beta_after_switch_back"]["context"]["current_file"] == "notes.txt"
    assert r["beta_after_switch_back"]["context"]["current_line"] == "1"

    assert "refactoring" in r["statusline_refactoring"] and "alpha" in r["statusline_refactoring"]
    assert "sprint = 23" in r["show_note"]["msg"]
    assert "auth" in r["show_note"]["msg"]
    assert "Sessions: 2" in r["stats_note"]["msg"]
    assert any(line.startswith("alpha") for line in r["log_lines"])
    assert any(line.startswith("beta") for line in r["log_lines"])
    assert r["helix_clients"] == 1
    assert r["web_js_root"] is not None and r["web_js_root"].endswith("/proj")

    assert r["statusline_expr"] == "[R] refactoring: alpha"
    assert r["lualine_text"] == "[R] refactoring: alpha"
    assert r["statusline_outside_pause"] == "[R] refactoring: alpha [paused]"

    alpha = cli(run.db, "show", "alpha")
    assert alpha["status"] == "paused"
    assert alpha["mode"] == "refactoring"
    assert alpha["tags"] == ["auth"]
    assert alpha["metadata"] == {"sprint": "23"}
    assert alpha["context"]["current_line"] == "3"
    assert [n for n in r["notifications"] if n["level"] >= ERROR] == []


def test_a_server_that_cannot_start_is_reported(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_no_server", server=["/nonexistent/helix-lsp"])
    r = check_run(run, nvim)
    assert r["waits"]["error shown"], r["notifications"]
    assert "/nonexistent/helix-lsp" in r["note"]["msg"]
    assert r["statusline"] == ""
    assert r["ready"] is False
    health = "\n".join(r["health"])
    assert "ERROR" in health and "/nonexistent/helix-lsp" in health, health


def test_resume_can_leave_the_cursor_alone(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_no_restore", setup={"restore_on_resume": False})
    r = check_run(run, nvim)
    failed = [k for k, ok in r["waits"].items() if not ok]
    assert failed == [], f"never happened: {failed}; notifications: {r['notifications']}"
    assert r["cursor"]["file"].endswith("/proj/notes.txt")
    assert r["cursor"]["line"] == 3
    # the place where the user resumed is what the session now holds
    ctx = cli(run.db, "show", "stay-here")["context"]
    assert (ctx["current_file"], ctx["current_line"]) == ("notes.txt", "3")
