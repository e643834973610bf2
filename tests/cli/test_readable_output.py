"""What a person reads: times with their zone, right plurals, the idle session and its actions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.shell import cli, dump, poke

# 2026-11-01: New York's clocks go back at 06:00Z, so 05:30Z and 06:30Z are both 01:30 there.
BEFORE_FALL_BACK = 1_793_511_000_000  # 2026-11-01T05:30:00Z
AFTER_FALL_BACK = BEFORE_FALL_BACK + 3_600_000  # 2026-11-01T06:30:00Z


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "payment-service"
    folder.mkdir()
    return folder


def test_the_repeated_hour_prints_with_its_zone(project: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "early", "--db", db, cwd=project)
    cli("create", "late", "--db", db, cwd=project)
    poke(db_path, "UPDATE sessions SET created_at = ? WHERE name = 'early'", BEFORE_FALL_BACK)
    poke(db_path, "UPDATE sessions SET created_at = ? WHERE name = 'late'", AFTER_FALL_BACK)
    zone = {"TZ": "America/New_York"}
    early = cli("show", "early", "--db", db, env=zone).stdout
    late = cli("show", "late", "--db", db, env=zone).stdout
    assert "2026-11-01 01:30 EDT" in early
    assert "2026-11-01 01:30 EST" in late
    listing = cli("list", "--db", db, env=zone).stdout
    assert "01:30 EDT" in listing and "01:30 EST" in listing
    # A zone without a lettered abbreviation shows its offset.
    assert (
        "2026-11-01 08:30 +03:00"
        in cli("show", "early", "--db", db, env={"TZ": "Etc/GMT-3"}).stdout
    )


def test_counts_use_the_right_plural(project: Path, tmp_path: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "only", "--start", "--db", db, cwd=project)
    cli("complete", "--db", db, cwd=project)
    assert cli("stats", "--db", db).stdout.startswith("1 session, ")
    snapshot = cli("export", "--all", "--db", db).stdout
    other = str(tmp_path / "other.db")
    assert cli("import", "-", "--db", other, stdin=snapshot).stdout == "imported 1 session\n"
    cli("create", "second", "--start", "--db", db, cwd=project)
    cli("complete", "--db", db, cwd=project)
    assert cli("trim", "--keep", "1", "--db", db).stdout == "removed 1 finished session\n"


def test_unset_of_a_missing_key_says_so_and_writes_nothing(project: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "demo", "--meta", "sprint=23", "--db", db, cwd=project)
    before = dump(db_path)
    result = cli("meta", "team", "--unset", "-s", "demo", "--db", db, cwd=project)
    assert result.returncode == 0
    assert result.stdout == "meta of demo: team was not set; nothing changed\n"
    assert dump(db_path) == before
    removed = cli("meta", "sprint", "--unset", "-s", "demo", "--db", db)
    assert removed.stdout == "meta of demo: sprint removed\n"
    again = cli("context", "branch", "--unset", "-s", "demo", "--db", db)
    assert again.stdout == "context of demo: branch was not set; nothing changed\n"
    shown = json.loads(cli("show", "demo", "--json", "--db", db).stdout)
    assert shown["metadata"] == {}


def test_show_without_a_session_shows_the_idle_one_and_offers_start(
    project: Path, db_path: Path
) -> None:
    db = str(db_path)
    cli("create", "fix-login", "--mode", "debugging", "--db", db, cwd=project)
    shown = cli("show", "--db", db, cwd=project)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["name", "fix-login"]
    assert ["status", "idle"] in [line.split() for line in lines]
    assert "actions               start, fail" in shown.stdout or any(
        line.split(None, 1) == ["actions", "start, fail"] for line in lines
    )
    assert lines[-1] == f"not started yet; start it with: helix-lsp session start --db {db}"
    as_json = json.loads(cli("show", "--json", "--db", db, cwd=project).stdout)
    assert as_json["status"] == "idle" and as_json["actions"] == ["start", "fail"]
    # The hint works as printed.
    assert cli("start", "--db", db, cwd=project).returncode == 0
    active = cli("show", "--db", db, cwd=project).stdout
    assert "not started yet" not in active
    assert any(
        line.split(None, 1) == ["actions", "pause, complete, fail"] for line in active.splitlines()
    )


def test_show_names_the_session_in_the_hint_when_it_is_not_the_current_one(
    project: Path, db_path: Path
) -> None:
    db = str(db_path)
    cli("create", "running", "--start", "--db", db, cwd=project)
    made = json.loads(cli("create", "later", "--json", "--db", db, cwd=project).stdout)
    shown = cli("show", "later", "-p", "payment-service", "--db", db).stdout
    assert shown.splitlines()[-1] == (
        f"not started yet; start it with: helix-lsp session start {made['id']} "
        f"-p payment-service --db {db}"
    )
    finished = cli("complete", "running", "--db", db)
    assert finished.returncode == 0
    ended = cli("show", "running", "--db", db).stdout
    assert any(
        line.split(None, 1) == ["actions", "none (the session has ended)"]
        for line in ended.splitlines()
    )


def test_show_in_a_project_without_sessions_says_how_to_create_one(
    project: Path, db_path: Path
) -> None:
    db = str(db_path)
    cli("create", "elsewhere", "-p", "other", "--db", db, cwd=project)
    result = cli("show", "--db", db, cwd=project)
    assert result.returncode == 1
    assert result.stderr == (
        "helix-lsp: project 'payment-service' has no session yet; create one with "
        f"helix-lsp session create NAME --db {db}.\n"
    )
