"""Owners from the shell: ``--owner`` says who you are, ``--owned-by`` whose
sessions ``list``, ``stats`` and ``report`` show; the prompt line shows yours."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.shell import cli, dump

ALICE, BOB = "alice@example.com", "bob@example.com"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "api-server"
    folder.mkdir()
    return folder


def _as(owner: str, *args: str, db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return cli(*args, "--db", str(db), cwd=cwd, env={"HELIX_LSP_OWNER": owner})


def test_owners_from_the_shell(project: Path, db_path: Path) -> None:
    db = str(db_path)
    mine = json.loads(
        cli("create", "api-auth", "--start", "--json", "--owner", ALICE, "--db", db,
            cwd=project).stdout
    )
    theirs = json.loads(_as(BOB, "create", "api-cache", "--start", "--json", db=db_path,
                            cwd=project).stdout)
    assert (mine["owner"], theirs["owner"]) == (ALICE, BOB)
    assert json.loads(_as(ALICE, "show", "--json", db=db_path, cwd=project).stdout)["id"] == (
        mine["id"]
    )

    before = dump(db_path)
    refused = _as(ALICE, "pause", theirs["id"], db=db_path, cwd=project)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        "helix-lsp: cannot pause 'api-cache': it belongs to bob@example.com, "
        "and only its owner may change it.\n"
    )
    assert dump(db_path) == before

    def total(*args: str) -> int:
        done = _as(ALICE, *args, "--json", db=db_path, cwd=project)
        assert done.returncode == 0, done.stderr
        return int(json.loads(done.stdout)["total"])

    assert total("list") == 1 and total("stats") == 1
    assert total("list", "--owned-by", "*") == 2 and total("stats", "--owned-by", "*") == 2
    assert total("list", "--owned-by", BOB) == 1
    report = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "report", "--json", "--db", db, "--owner", BOB],
        capture_output=True, text=True, check=True, cwd=project,
    )
    assert [s["name"] for s in json.loads(report.stdout)["sessions"]] == ["api-cache"]

    # The prompt line: yours, even with another owner active in the project.
    assert _as(ALICE, "active", "--format", "{name}", db=db_path, cwd=project).stdout == (
        "api-auth\n"
    )
    assert cli("active", "--format", "{name}", "--owner", BOB, "--db", db,
               cwd=project).stdout == "api-cache\n"
    assert _as("carol", "active", "--format", "{name}", db=db_path, cwd=project).stdout == "\n"


def test_owner_star_says_what_to_use_instead(project: Path, db_path: Path) -> None:
    done = cli("list", "--owner", "*", "--db", str(db_path), cwd=project)
    assert done.returncode == 1
    assert done.stderr.startswith("helix-lsp: the owner cannot be '*'")
