"""Two managers on one file in one process, and a third process beside them.

Closing any descriptor of a file drops every POSIX lock the process holds on
it. Opening a second manager must therefore never open and close the store
file with plain calls while the first holds it: another process would then
take itself for the last connection, delete the -wal, and the first
manager's commits would stay invisible to everyone else until it closed.

SQLite only: about the store file's locks by nature.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from helix_lsp.session import SessionManager

_OTHER = """
import sys
from helix_lsp.session import SessionManager
with SessionManager(sys.argv[1]) as m:
    sess = m.list()[0]
    if sys.argv[2] == "tag":
        m.add_tag(sess.id, "from-other")
    else:
        print(",".join(m.get(sess.id).tags))
"""


def other_process(db: Path, action: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _OTHER, str(db), action],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return done.stdout.strip()


def test_a_second_manager_in_the_process_leaves_the_first_ones_commits_visible(
    tmp_path: Path,
) -> None:
    db = tmp_path / "sessions.db"
    with SessionManager(db) as first:
        sess = first.create("shared", project="p")
        SessionManager(db).close()  # e.g. a CLI call made inside the server's process
        other_process(db, "tag")
        first.add_tag(sess.id, "from-first")
        assert other_process(db, "read").split(",") == ["from-other", "from-first"]
        assert Path(f"{db}-wal").exists(), "the -wal of an open store stays in place"


def test_the_folder_check_leaves_no_probe_file_behind(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    with SessionManager(db) as first, SessionManager(db) as second:
        first.create("a", project="p")
        assert second.list().total == 1
    assert sorted(p.name for p in tmp_path.iterdir() if "probe" in p.name) == []
