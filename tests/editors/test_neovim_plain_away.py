"""Plain Neovim (no helix plugin), closed without pausing and started again.

The session is worked on at a.py:15, Neovim quits (:qa, or kill -9 of Neovim
and its server together), the idle limit passes, and Neovim starts again on
b.py with the user's last-position jump restoring b.py:7 and the user's
highlight request sending it. The away time must not count, the place must
stay a.py:15, and Neovim's own showMessageRequest handler must show the offer
(vim.ui.select on 0.10, inputlist on 0.7). Accepting it resumes the session;
0.10's own showDocument handler opens a.py at line 15 (0.7 has none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.editors.away_runner import Phase, closed_and_reopened, phase_env, place, run_editor
from tests.editors.test_neovim_plain import nvim

INIT = Path(__file__).parent / "fixtures_server" / "plain_away_init.lua"


def nvim_phases(tmp_path: Path, version: str) -> Phase:
    """Neovim ``version`` with the plain init file: on a.py to work, on b.py coming back."""

    def run(project: Path, phase: str, exit_: str) -> dict[str, Any]:
        env = {
            **phase_env(tmp_path, project, phase, exit_),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
        }
        file = "a.py" if phase == "work" else "b.py"
        argv = [nvim(version), "--headless", "--clean", "-i", str(tmp_path / "main.shada"),
                "-u", str(INIT), file]
        return run_editor("nvim", argv, project, env, exit_)

    return run


@pytest.mark.parametrize("exit_", ["qa", "kill"], ids=["quit", "kill-9"])
@pytest.mark.parametrize("version", ["0.7", "0.10"])
def test_plain_neovim_closed_and_reopened(tmp_path: Path, version: str, exit_: str) -> None:
    back = closed_and_reopened(tmp_path, "shop", nvim_phases(tmp_path, version), exit_)
    assert place(back["offer"]["store"]) == ("a.py", "15")  # kept while paused
    if version == "0.10":  # its own window/showDocument handler
        assert back["after"] == {"file": "a.py", "line": 15}
