"""Which verbs may create a store, all-or-nothing tags, and a reader that stops early."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.shell import cli, dump


@pytest.mark.parametrize(
    "args",
    [["list"], ["show", "x"], ["show"], ["active"], ["stats"], ["export", "--all"]],
)
def test_a_read_with_a_mistyped_db_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "sesions" / "sessions.db"
    result = cli(*args, "--db", str(typo))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert str(typo) in result.stderr
    assert not typo.parent.exists()


def test_a_read_of_a_missing_file_in_an_existing_folder_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "sesions.db"
    assert cli("list", "--db", str(typo)).returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_first_write_creates_the_store(tmp_path: Path) -> None:
    store = tmp_path / "new" / "sessions.db"
    assert cli("create", "first", "-p", "x", "--db", str(store)).returncode == 0
    assert store.exists()
    assert json.loads(cli("list", "--json", "--db", str(store)).stdout)["total"] == 1


def test_tags_are_added_all_or_none(tmp_path: Path, db_path: Path) -> None:
    db = str(db_path)
    cli("create", "s", "-p", "x", "--db", db)
    before = dump(db_path)
    result = cli("tag", "-s", "s", "ok1", "ok2", "bad tag", "--db", db)
    assert result.returncode == 1
    assert result.stderr == (
        "helix-lsp: the tag 'bad tag' contains white space; use - or _ instead.\n"
    )
    assert dump(db_path) == before
    too_many = cli("tag", "-s", "s", *[f"t{n}" for n in range(70)], "--db", db)
    assert too_many.returncode == 1 and dump(db_path) == before
    assert cli("tag", "-s", "s", "ok1", "ok2", "--db", db).stdout == "tags of s: ok1, ok2\n"


def test_untag_checks_every_tag_before_removing_any(db_path: Path) -> None:
    db = str(db_path)
    cli("create", "s", "-p", "x", "-t", "a", "-t", "b", "--db", db)
    before = dump(db_path)
    result = cli("untag", "-s", "s", "a", "b c", "--db", db)
    assert result.returncode == 1 and dump(db_path) == before
    assert cli("untag", "-s", "s", "a", "--db", db).stdout == "tags of s: b\n"


def test_a_reader_that_stops_early_gets_no_broken_pipe_message(db_path: Path) -> None:
    db = str(db_path)
    for n in range(3):
        cli("create", f"s{n}", "-p", "x", "--description", "d" * 3000, "--db", db)
    for args in (["list", "--json"], ["show", "s1", "--json"], ["export", "--all"]):
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader has already gone, like `| head` that is done
        try:
            done = subprocess.run(
                [sys.executable, "-m", "helix_lsp", "session", *args, "--db", db],
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
            )
        finally:
            os.close(write_end)
        assert done.stderr == "", args
        assert done.returncode == 141, args


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    result = subprocess.run(
        [sys.executable, "-m", "helix_lsp", "--version"], capture_output=True, text=True, timeout=30
    )
    assert result.stdout == f"helix-lsp {version('helix-lsp')}\n"
    import helix_lsp

    assert helix_lsp.__version__ == version("helix-lsp")


def test_a_store_others_can_read_is_reported_once_on_stderr(db_path: Path) -> None:
    db = str(db_path)
    cli("create", "s", "-p", "x", "--db", db)
    db_path.chmod(0o644)
    listing = cli("list", "--json", "--db", db)
    assert listing.returncode == 0 and json.loads(listing.stdout)["total"] == 1
    assert listing.stderr.count("\n") == 1
    assert listing.stderr.startswith("helix-lsp: warning: the session store ")
    assert "0644" in listing.stderr
    prompt = cli("active", "--format", "{name}", "-p", "x", "--db", db)
    assert prompt.stderr == ""  # a prompt line stays quiet
