"""``:Helix report`` in real headless Neovim 0.7.2 and 0.10: the text report in a
scratch window and the HTML page handed to the system's opener (see
scenario_report.lua, whose checks sit next to the actions they follow)."""

from __future__ import annotations

from nvim_checks import check_run
from nvim_harness import Nvim, RunScenario, cli


def test_report_in_a_window_and_in_the_browser(nvim: Nvim, run_scenario: RunScenario) -> None:
    run = run_scenario("scenario_report")
    check_run(run, nvim)
    # the report read the store and changed nothing in it
    assert cli(run.db, "show", "report-me")["status"] == "paused"
