"""``helix-lsp session VERB`` as a person uses it from a shell, on every store
(``--db`` or ``HELIX_LSP_DB`` naming a SQLite file or a PostgreSQL URL); usage
errors and ``--version``, which reach no store, on SQLite only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helix_lsp.session import SessionManager
from tests.stores import NewStore, is_postgres, query


def cli(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "helix_lsp", "session", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        input=stdin,
        env=os.environ.copy(),
    )


def dump(target: str) -> list[dict[str, Any]]:
    return query(target, "SELECT * FROM sessions ORDER BY id")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "payment-service"
    folder.mkdir()
    return folder


def test_create_start_list_show(project: Path, store_target: str) -> None:
    db = store_target
    made = cli(
        "create",
        "demo",
        "--start",
        "-t",
        "payments",
        "--meta",
        "sprint=23",
        "--db",
        db,
        cwd=project,
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("created demo (")
    assert "active · building · payment-service" in made.stdout
    cli("create", "later", "--mode", "Testing", "--db", db, cwd=project)
    listing = cli("list", "--db", db, cwd=project)
    lines = listing.stdout.splitlines()
    assert lines[0].split() == [
        "ID",
        "NAME",
        "STATUS",
        "MODE",
        "PROJECT",
        "ACTIVE",
        "CREATED",
        "TAGS",
    ]
    assert [line.split()[1:4] for line in lines[1:]] == [
        ["later", "idle", "testing"],
        ["demo", "active", "building"],
    ]
    assert lines[0].index("NAME") == lines[1].index("later") == lines[2].index("demo")
    shown = json.loads(cli("show", "--json", "--db", db, cwd=project).stdout)
    assert (
        shown["name"] == "demo"
        and shown["metadata"] == {"sprint": "23"}
        and shown["tags"] == ["payments"]
    )
    assert shown["status"] == "active" and shown["project"] == "payment-service"
    data = json.loads(cli("list", "--json", "--status", "idle", "--db", db).stdout)
    assert data["total"] == 1 and data["sessions"][0]["name"] == "later"


def test_the_readme_quick_start_uses_the_default_store(
    project: Path, tmp_path: Path, store_target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_postgres(store_target):
        monkeypatch.setenv("HELIX_LSP_DB", store_target)
    assert cli("create", "demo", "--start", cwd=project).returncode == 0
    listing = cli("list", cwd=project)
    assert "demo" in listing.stdout and "active" in listing.stdout
    if is_postgres(store_target):
        with SessionManager(store_target) as mgr:
            assert mgr.get("demo").project == "payment-service"
        assert not (tmp_path / "default-store").exists()
    else:
        assert (tmp_path / "default-store" / "sessions.db").exists()


def test_lifecycle_verbs_and_current_session(project: Path, store_target: str) -> None:
    db = store_target
    cli("create", "a", "--db", db, cwd=project)
    cli("create", "b", "--db", db, cwd=project)
    started = cli("start", "a", "--db", db, cwd=project)
    assert started.stdout.startswith("started a (")
    switched = cli("start", "b", "--db", db, cwd=project)
    assert "\npaused a (" in switched.stdout
    assert cli("pause", "--db", db, cwd=project).stdout.startswith("paused b (")
    assert cli("resume", "--db", db, cwd=project).stdout.startswith("resumed b (")
    tagged = cli("tag", "x", "y", "--db", db, cwd=project)
    assert tagged.stdout.strip() == "tags of b: x, y"
    assert cli("untag", "x", "--db", db, cwd=project).stdout.strip() == "tags of b: y"
    assert cli("mode", "debugging", "--db", db, cwd=project).returncode == 0
    assert cli("context", "current_file", "src/pay.py", "--db", db, cwd=project).returncode == 0
    done = cli("complete", "--db", db, cwd=project)
    assert done.stdout.startswith("completed b (") and "\nduration " in done.stdout
    shown = json.loads(cli("show", "b", "--json", "--db", db).stdout)
    assert shown["mode"] == "debugging" and shown["context"] == {"current_file": "src/pay.py"}
    assert shown["status"] == "completed" and shown["tags"] == ["y"]
    failed = cli("fail", "a", "--reason", "wrong approach", "--db", db)
    assert (
        failed.returncode == 0
        and json.loads(cli("show", "a", "--json", "--db", db).stdout)["failureReason"]
        == "wrong approach"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["pause", "idle-one"],
            "helix-lsp: cannot pause 'idle-one': it is idle; pause needs an active session.\n",
        ),
        (["show", "ghost"], "helix-lsp: no session has the id or name 'ghost'.\n"),
        (
            ["resume"],
            "helix-lsp: project 'payment-service' has no active or paused session; "
            "'idle-one' is idle: start it first.\n",
        ),
        (
            ["tag", "two words", "-s", "idle-one"],
            "helix-lsp: the tag 'two words' contains white space; use - or _ instead.\n",
        ),
        (["meta", "key"], "helix-lsp: meta needs a VALUE, or --unset to remove 'key'.\n"),
    ],
)
def test_errors_are_one_line_exit_1_and_write_nothing(
    project: Path, store_target: str, args: list[str], message: str
) -> None:
    db = store_target
    cli("create", "idle-one", "--db", db, cwd=project)
    before = dump(db)
    result = cli(*args, "--db", db, cwd=project)
    assert result.returncode == 1
    assert result.stderr == message
    assert result.stdout == ""
    assert dump(db) == before


def test_usage_errors_are_one_line(db_path: Path) -> None:
    result = cli("fail", "--db", str(db_path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "--reason" in result.stderr
    result = cli("create", "x", "--mode", "dancing", "--db", str(db_path))
    assert result.returncode == 1 and "invalid choice: 'dancing'" in result.stderr


def test_stats_delete_trim(project: Path, store_target: str) -> None:
    db = store_target
    for name in ("one", "two", "three"):
        cli("create", name, "--start", "--db", db, cwd=project)
        cli("complete", name, "--db", db, cwd=project)
    stats = json.loads(cli("stats", "--json", "--db", db).stdout)
    assert stats["total"] == 3 and stats["byStatus"]["completed"] == 3
    assert "3 sessions" in cli("stats", "--db", db).stdout
    assert cli("trim", "--keep", "1", "--db", db).stdout.strip() == "removed 2 finished sessions"
    assert cli("delete", "three", "--db", db).stdout.startswith("deleted ")
    assert json.loads(cli("list", "--json", "--db", db).stdout)["total"] == 0


def test_export_import_between_stores(project: Path, tmp_path: Path, new_store: NewStore) -> None:
    with new_store() as first, new_store() as second:
        export_then_import(project, tmp_path, first, second)


def export_then_import(project: Path, tmp_path: Path, first: str, second: str) -> None:
    cli("create", "one", "-t", "x", "--start", "--db", first, cwd=project)
    cli("create", "two", "--db", first, cwd=project)
    out = tmp_path / "snap.json"
    exported = cli("export", "--all", "-o", str(out), "--db", first)
    assert exported.returncode == 0 and "exported 2 sessions" in exported.stderr
    assert cli("import", str(out), "--db", second).stdout.strip() == "imported 2 sessions"
    names = [
        s["name"] for s in json.loads(cli("list", "--json", "--db", second).stdout)["sessions"]
    ]
    assert names == ["two", "one"]
    again = cli("import", "-", "--db", second, stdin=out.read_text())
    assert again.returncode == 1 and "already in the store" in again.stderr
    assert cli("import", "-", "--db", second, stdin="{not json").stderr.startswith(
        "helix-lsp: the snapshot is not JSON"
    )


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "--version"], capture_output=True, text=True, timeout=30
    )
    assert result.stdout.strip().startswith("helix-lsp 0.")


def test_workspace_command_names_work_as_verbs(project: Path, store_target: str) -> None:
    db = store_target
    cli("create", "named", "--start", "--db", db, cwd=project)
    assert cli("addTag", "x", "--db", db, cwd=project).stdout.strip() == "tags of named: x"
    assert cli("setMode", "testing", "--db", db, cwd=project).returncode == 0
    assert cli("setMetadata", "k", "v", "--db", db, cwd=project).returncode == 0
    shown = json.loads(cli("get", "--json", "--db", db, cwd=project).stdout)
    assert (shown["tags"], shown["mode"], shown["metadata"]) == (["x"], "testing", {"k": "v"})
    active = json.loads(cli("active", "--json", "--db", db, cwd=project).stdout)
    assert active["name"] == "named"
    cli("pause", "--db", db, cwd=project)
    assert cli("active", "--json", "--db", db, cwd=project).stdout.strip() == "null"
    assert cli("active", "--db", db, cwd=project).stdout.strip() == "no active session"
    assert (
        cli("trimHistory", "--keep", "0", "--db", db).stdout.strip()
        == "removed 0 finished sessions"
    )
