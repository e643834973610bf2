"""``helix-lsp session active --format``: the one line a shell prompt or status bar shows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.shell import cli, poke

ALL = "{icon}|{mode}|{name}|{status}|{project}|{active}|{id}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "api-server"
    folder.mkdir()
    return folder


def test_the_active_session_in_one_line(project: Path, db_path: Path) -> None:
    db = str(db_path)
    made = json.loads(
        cli(
            "create", "fix-login", "-m", "debugging", "--start", "--json", "--db", db, cwd=project
        ).stdout
    )
    hour_ago = 3_720_000  # 1h02m of active time
    poke(db_path, "UPDATE sessions SET active_ms = ? WHERE name = 'fix-login'", hour_ago)
    line = cli("active", "--format", ALL, "--db", db, cwd=project)
    assert line.returncode == 0 and line.stderr == ""
    assert line.stdout == f"🐛|debugging|fix-login|active|api-server|1h02m|{made['id']}\n"
    assert cli("active", "-f", "{mode} {name}", "--db", db, cwd=project).stdout == (
        "debugging fix-login\n"
    )
    # The same line from another folder, naming the project.
    assert cli("active", "--format={name}", "-p", "api-server", "--db", db).stdout == "fix-login\n"
    # Literal braces and padding as in Python's format strings.
    assert cli("active", "--format", "{{{name:>10}}}", "--db", db, cwd=project).stdout == (
        "{ fix-login}\n"
    )


def test_every_mode_has_its_own_icon(project: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "s", "--start", "--db", db, cwd=project)
    icons = set()
    for mode in ("planning", "building", "testing", "refactoring", "debugging", "deployment"):
        cli("mode", mode, "--db", db, cwd=project)
        icons.add(cli("active", "--format", "{icon}", "--db", db, cwd=project).stdout)
    assert len(icons) == 6 and all(len(i.strip()) == 1 for i in icons)


def test_no_session_prints_an_empty_line(project: Path, db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    missing = tmp_path / "nowhere" / "sessions.db"
    nothing = cli("active", "--format", "{name}", "--db", str(missing), cwd=project)
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (0, "\n", "")
    assert not missing.parent.exists()
    cli("create", "idle-one", "--db", db, cwd=project)
    idle = cli("active", "--format", "{name}", "--db", db, cwd=project)
    assert (idle.returncode, idle.stdout, idle.stderr) == (0, "\n", "")
    # --current shows what `session show` would: here the idle session.
    current = cli("active", "--current", "--format", "{status} {name}", "--db", db, cwd=project)
    assert current.stdout == "idle idle-one\n"


def test_a_paused_session_shows_only_with_current(project: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "s", "--start", "--db", db, cwd=project)
    cli("pause", "--db", db, cwd=project)
    assert cli("active", "-f", "{name}", "--db", db, cwd=project).stdout == "\n"
    assert cli("active", "-f", "{status}", "--current", "--db", db, cwd=project).stdout == (
        "paused\n"
    )


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        (
            "{mode} {nmae}",
            "helix-lsp: unknown placeholder {nmae} in --format; use {mode}, {name}, {status}, "
            "{project}, {active}, {icon}, {id}.\n",
        ),
        ("{name.__class__}", "helix-lsp: unknown placeholder {name.__class__} in --format;"),
        ("{name", "helix-lsp: the --format text is malformed"),
        ("{}", "helix-lsp: unknown placeholder {} in --format;"),
    ],
)
def test_a_bad_format_is_one_clear_sentence(
    project: Path, db_path: Path, fmt: str, message: str
) -> None:
    db = str(db_path)
    cli("create", "s", "--start", "--db", db, cwd=project)
    for store in (db, str(project / "no-store.db")):  # checked whether or not there is a session
        result = cli("active", "--format", fmt, "--db", store, cwd=project)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_hostile_values_cannot_break_the_prompt(project: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "s", "--start", "--db", db, cwd=project)
    poke(db_path, "UPDATE sessions SET name = ?", "x\x1b[2J\ny\u202e")
    line = cli("active", "--format", "[{name}]", "--db", db, cwd=project).stdout
    assert line == "[x\\x1b[2J\\x0ay<U+202E>]\n"


def test_the_fast_path_loads_neither_the_server_nor_every_verb(
    project: Path, db_path: Path
) -> None:
    db = str(db_path)
    cli("create", "s", "--start", "--db", db, cwd=project)
    probe = (
        "import sys\n"
        "from helix_lsp.cli import main\n"
        f"status = main(['session', 'active', '--format', '{{name}}', '--db', {db!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pygls', 'lsprotocol', 'platformdirs', 'helix_lsp', 'importlib_metadata')"
        " or m == 'importlib.metadata'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=project
    )
    out_lines = done.stdout.splitlines()
    assert out_lines[0] == "s"
    loaded = eval(out_lines[1])
    assert not [m for m in loaded if m.startswith(("pygls", "lsprotocol", "platformdirs"))]
    assert "helix_lsp.server" not in loaded and "helix_lsp.cli.verbs" not in loaded
    assert "helix_lsp.session" not in loaded and "helix_lsp.cli.parser" not in loaded
    assert "importlib.metadata" not in loaded  # the version is looked up only when printed


def test_the_quick_look_follows_the_cores_rules(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helix_lsp.cli import oneline
    from helix_lsp.session import default_db_path, default_project, storefile

    assert oneline.STORE_APPLICATION_ID == storefile.APPLICATION_ID
    monkeypatch.chdir(project)
    assert oneline.project_name(None) == default_project()
    monkeypatch.setenv("HELIX_LSP_DB", "~/x/sessions.db")
    assert oneline.store_path(None) == str(default_db_path())
    monkeypatch.delenv("HELIX_LSP_DB")
    assert oneline.store_path(None) == str(default_db_path())


def test_a_store_the_quick_look_does_not_know_gets_the_cores_answer(
    project: Path, db_path: Path
) -> None:
    db = str(db_path)
    cli("create", "s", "-m", "testing", "--start", "--db", db, cwd=project)
    quick = cli("active", "-f", "{icon} {name}", "--db", db, cwd=project).stdout
    poke(db_path, "PRAGMA application_id = 0")  # as a store from before the id was set
    slow = cli("active", "-f", "{icon} {name}", "--db", db, cwd=project).stdout
    assert quick == slow == "🧪 s\n"
    foreign = project / "other-app.db"
    poke(foreign, "CREATE TABLE things (x)")
    before = foreign.read_bytes()
    refused = cli("active", "-f", "{name}", "--db", str(foreign), cwd=project)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "not a helix-lsp" in refused.stderr and refused.stderr.count("\n") == 1
    assert foreign.read_bytes() == before


def test_the_prompt_line_leaves_the_store_folder_as_it_found_it(
    project: Path, db_path: Path
) -> None:
    db = str(db_path)
    cli("create", "s", "--start", "--db", db, cwd=project)
    before = sorted(p.name for p in db_path.parent.iterdir())
    assert cli("active", "-f", "{name}", "--db", db, cwd=project).stdout == "s\n"
    assert sorted(p.name for p in db_path.parent.iterdir()) == before == ["sessions.db"]
