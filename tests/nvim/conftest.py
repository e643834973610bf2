"""Fixtures of the Neovim client tests (defined in nvim_harness.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nvim_harness import nvim, project, run_scenario  # noqa: F401
