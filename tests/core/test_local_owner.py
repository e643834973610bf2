"""A local store speaks for its one user: faces started with another HOME are still them.

A SQLite store records the owner its sessions were made for; a face given no
owner and no ``$HELIX_LSP_OWNER`` acts as that owner instead of asking git
and the login name, so an editor started without the shell's git settings can
still pause the session the shell started. The explicit owner and the
environment variable still win; a shared PostgreSQL store and another OS
user's file keep the resolution rules alone. The faces run as real processes
where the point is their different environments.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helix_lsp.session import ForbiddenError, SessionManager, Status
from helix_lsp.session.schema import MIGRATIONS
from tests import homes
from tests.conditions import read_as_a_user
from tests.homes import LOGIN
from tests.stores import is_postgres, query

ROOT = Path(__file__).resolve().parents[2]
DEV = "dev@example.org"
ALICE, BOB = "alice@example.com", "bob@example.com"





@pytest.fixture
def no_owner_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as a face with no owner set, no git email and ``LOGIN`` as login."""
    monkeypatch.delenv("HELIX_LSP_OWNER")
    home = tmp_path / "empty-home"
    home.mkdir()
    for key, value in homes.face_env(home).items():
        if os.environ.get(key) != value:
            monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith(("GIT_", "XDG_CONFIG"))]:
        monkeypatch.delenv(key)


def test_a_face_started_with_another_home_may_change_the_shells_session(
    tmp_path: Path, store_target: str
) -> None:
    """The shell (HOME with a git email) starts a session; an editor started with
    another HOME (no git email: the login name) pauses it on a local store. The
    environment variable or ``--owner`` naming someone else is still refused, and
    a shared PostgreSQL store keeps the rules: there the login name is another owner."""
    project = tmp_path / "api-server"
    project.mkdir()
    shell = homes.face_env(homes.home(tmp_path, "shell-home", DEV))
    editor = homes.face_env(homes.home(tmp_path, "editor-home"))
    made = homes.session(
        "create", "api-auth", "--start", "--json", "--db", store_target, env=shell, cwd=project
    )
    assert made.returncode == 0, made.stderr
    session = json.loads(made.stdout)
    assert session["owner"] == DEV

    for refused in (
        homes.session(
            "pause",
            session["id"],
            "--db",
            store_target,
            env={**editor, "HELIX_LSP_OWNER": "other"},
            cwd=project,
        ),
        homes.session(
            "pause",
            session["id"],
            "--db",
            store_target,
            "--owner",
            "other",
            env=editor,
            cwd=project,
        ),
    ):
        assert refused.returncode == 1
        assert "belongs to dev@example.org" in refused.stderr, refused.stderr
    (row,) = query(store_target, "SELECT status FROM sessions WHERE id = ?", [session["id"]])
    assert row["status"] == "active"

    paused = homes.session("pause", session["id"], "--db", store_target, env=editor, cwd=project)
    (row,) = query(store_target, "SELECT status FROM sessions WHERE id = ?", [session["id"]])
    if is_postgres(store_target):  # many people share it: the login name is someone else
        assert paused.returncode == 1 and "belongs to dev@example.org" in paused.stderr
        assert row["status"] == "active"
    else:
        assert paused.returncode == 0, paused.stderr
        assert row["status"] == "paused"
        mine = homes.session("list", "--json", "--db", store_target, env=editor, cwd=project)
        assert [s["id"] for s in json.loads(mine.stdout)["sessions"]] == [session["id"]]


@pytest.mark.usefixtures("no_owner_set")
def test_the_store_records_its_creators_owner_and_the_explicit_one_and_env_still_win(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SessionManager(db_path, owner=ALICE) as alice:
        mine = alice.create("api-auth", project="shop", start=True)
    assert query(str(db_path), "SELECT value FROM store_meta WHERE key = 'owner'") == [
        {"value": ALICE}
    ]
    with SessionManager(db_path) as face:
        assert face.owner == ALICE
        assert face.pause(mine.id).session.status is Status.PAUSED
        assert face.create("api-docs").owner == ALICE
    with SessionManager(db_path, owner=BOB) as bob:
        assert bob.owner == BOB
        with pytest.raises(ForbiddenError):
            bob.resume(mine.id)
    monkeypatch.setenv("HELIX_LSP_OWNER", BOB)
    with SessionManager(db_path) as bob:
        assert bob.owner == BOB
        with pytest.raises(ForbiddenError):
            bob.resume(mine.id)


@pytest.mark.usefixtures("no_owner_set")
def test_a_store_from_before_the_record_gets_it_when_first_opened_writable(
    tmp_path: Path,
) -> None:
    """The sole owner of its sessions when there is exactly one, else the opener's."""
    sole, mixed = tmp_path / "sole" / "sessions.db", tmp_path / "mixed" / "sessions.db"
    for db, owners in ((sole, ["dana"]), (mixed, ["dana", "erin"])):
        for name in owners:
            with SessionManager(db, owner=name) as mgr:
                mgr.create(f"{name}-work", project="shop")
        with contextlib.closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("DELETE FROM store_meta WHERE key = 'owner'")  # as before the record
    with SessionManager(sole, create=False) as mgr:  # a read opens it writable too
        assert mgr.owner == "dana"
    with SessionManager(mixed, owner="frank") as mgr:
        assert mgr.owner == "frank"
    for db, recorded in ((sole, "dana"), (mixed, "frank")):
        assert query(str(db), "SELECT value FROM store_meta WHERE key = 'owner'") == [
            {"value": recorded}
        ]
        with SessionManager(db) as mgr:
            assert mgr.owner == recorded


@pytest.mark.usefixtures("no_owner_set")
def test_a_migrated_store_records_the_owner_its_sessions_were_given(tmp_path: Path) -> None:
    db = tmp_path / "v3.db"
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        for step in range(3):
            MIGRATIONS[step](conn)
        conn.execute(
            "INSERT INTO sessions (id, name, mode, status, project, created_at, updated_at) "
            "VALUES ('aaaaaaaaaaaa', 'one', 'building', 'idle', 'shop', 1, 1)"
        )
        conn.execute("PRAGMA user_version = 3")
        conn.execute("COMMIT")
    with SessionManager(db, owner="carol") as mgr:
        assert mgr.get("one").owner == "carol"
    with SessionManager(db) as mgr:
        assert mgr.owner == "carol"
        mgr.start("one")


READ_OWNER = (
    "import sys\n"
    "from helix_lsp.session import SessionManager\n"
    "with SessionManager(sys.argv[1], create=False) as mgr:\n"
    "    print(mgr.read_only_reason is not None, mgr.owner)\n"
)


@pytest.mark.usefixtures("no_owner_set")
def test_a_read_only_store_uses_its_record_if_it_has_one(db_path: Path) -> None:
    with SessionManager(db_path, owner=ALICE) as alice:
        alice.create("api-auth", project="shop")
    assert read_as_a_user(READ_OWNER, db_path) == f"True {ALICE}\n"
    with contextlib.closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("DELETE FROM store_meta WHERE key = 'owner'")
    assert read_as_a_user(READ_OWNER, db_path) == f"True {LOGIN}\n"  # today's rules
    assert query(str(db_path), "SELECT value FROM store_meta WHERE key = 'owner'") == []


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another OS user can reach and write (``tmp_path`` is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="helix-shared-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming another OS user needs root")
@pytest.mark.usefixtures("no_owner_set")
def test_another_os_users_face_does_not_take_the_recorded_owner(shared_folder: Path) -> None:
    """A store file that others may write is still its OS user's: a face of another
    user resolves its own owner and cannot change the sessions there."""
    db = shared_folder / "sessions.db"
    with SessionManager(db, owner=ALICE) as alice:
        mine = alice.create("api-auth", project="shop", start=True)
    db.chmod(0o666)
    home = shared_folder / "visitor-home"
    home.mkdir()
    home.chmod(0o777)
    done = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-m",
            "helix_lsp",
            "session",
            "pause",
            mine.id,
            "--db",
            str(db),
        ],
        env={**homes.face_env(home), "USER": "visitor", "LOGNAME": "visitor", "PYTHONPATH": str(ROOT)},
        cwd=shared_folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and f"belongs to {ALICE}" in done.stderr, done.stderr
    assert query(str(db), "SELECT status FROM sessions")[0]["status"] == "active"
