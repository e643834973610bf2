"""What every Neovim scenario run must show, whatever the scenario: it ran on
the Neovim asked for, and every check it made next to its actions passed.

The Lua side records failed checks instead of stopping (see driver.lua), so a
test learns of them only here.
"""

from __future__ import annotations

from typing import Any

from nvim_harness import Nvim, Run


def checks_passed(run: Run, nvim: Nvim) -> dict[str, Any]:
    """The run's results, once it ran on ``nvim`` with no failed check or Lua error."""
    r = run.results
    assert r["nvim_version"] == nvim.version, (r["nvim_version"], nvim.version)
    failures = "\n".join(r["failures"] + r["errors"])
    assert not failures, (
        f"failed checks:\n{failures}\nnotifications: {r['notifications']}\n"
        f"stderr: {run.stderr[-2000:]}"
    )
    return r


def check_run(run: Run, nvim: Nvim) -> dict[str, Any]:
    """:func:`checks_passed`, and the scenario ran to its end on the store it was
    given (``db_path``), never on ``$HELIX_LSP_DB``."""
    r = checks_passed(run, nvim)
    assert r["finished"] is True, "the scenario did not run to its end"
    assert not run.env_db.exists(), "the server ignored dbPath and used $HELIX_LSP_DB"
    return r
