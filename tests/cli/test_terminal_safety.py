"""No session value can drive the terminal that prints it.

A description, a failure reason, metadata and context entries (a recorded
file name from a cloned repository), and in stores written before names and
tags were checked, names, projects and tags: each may hold ESC or CSI
sequences, bidi overrides or zero-width characters. Text output shows them as
visible escapes; ``--json`` stays exact JSON that reads back to the value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.shell import cli, poke

ESC_TITLE = "\x1b]0;pwned\x07"  # retitles the terminal window
CSI_C1 = "\x9b2J"  # the one-character CSI: clears the screen on many terminals
RLO = "\u202e"  # right-to-left override: "txt.exe" shows as "exe.txt"
ISOLATE = "\u2066"
ZERO_WIDTH = "\u200b"
#: Everything that must never reach the terminal raw.
HIDDEN = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

EVIL = f"a{ESC_TITLE}b{CSI_C1}c{RLO}d{ISOLATE}e{ZERO_WIDTH}f\rg"


@pytest.fixture
def evil_store(tmp_path: Path, db_path: Path) -> tuple[Path, Path]:
    """A store whose sessions carry hostile text in every user-controlled field."""
    project = tmp_path / "proj"
    project.mkdir()
    db = str(db_path)
    made = cli(
        "create",
        "demo",
        "--description",
        f"first line\nsecond {EVIL}",
        "--meta",
        f"sprint={EVIL}",
        "--context",
        f"current_file=src/{EVIL}.py",
        "--json",
        "--db",
        db,
        cwd=project,
    )
    assert made.returncode == 0, made.stderr
    cli("create", "gone", "--db", db, cwd=project)
    assert cli("fail", "gone", "--reason", f"broke\n{EVIL}", "--db", db).returncode == 0
    # What an older helix-lsp let in: hostile names, project, tags and keys.
    poke(
        db_path,
        "UPDATE sessions SET name = ?, project = ?, tags = ?, metadata = ? WHERE name = 'demo'",
        f"demo{EVIL}",
        f"proj{EVIL}",
        json.dumps([f"t{EVIL}"]),
        json.dumps({f"k{EVIL}": "v", "sprint": EVIL}),
    )
    poke(db_path, "UPDATE session_tags SET tag = ?", f"t{EVIL}")
    return project, db_path


def assert_safe(text: str) -> None:
    found = HIDDEN.findall(text)
    assert not found, f"raw hidden characters reached the terminal: {found!r} in {text!r}"


@pytest.mark.parametrize(
    "args",
    [
        ["show", "gone"],
        ["list"],
        ["stats"],
        ["export", "--all"],
        ["show", "--json", "gone"],
        ["list", "--json"],
        ["stats", "--json"],
    ],
)
def test_no_output_carries_hidden_characters(
    evil_store: tuple[Path, Path], args: list[str]
) -> None:
    _, db = evil_store
    result = cli(*args, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert_safe(result.stdout)
    assert_safe(result.stderr)


def test_show_text_makes_every_hidden_character_visible(evil_store: tuple[Path, Path]) -> None:
    _, db = evil_store
    listing = json.loads(cli("list", "--json", "--db", str(db)).stdout)["sessions"]
    demo = next(s for s in listing if s["name"].startswith("demo"))["id"]
    shown = cli("show", demo, "--db", str(db)).stdout
    assert_safe(shown)
    visible = r"a\x1b]0;pwned\x07b\x9b2Jc<U+202E>d<U+2066>e<U+200B>f\x0dg"
    assert f"demo{visible}" in shown  # the name
    assert f"proj{visible}" in shown  # the project
    assert f"t{visible}" in shown  # the tag
    assert f"meta k{visible}" in shown  # a metadata key
    assert re.search(r"meta sprint +" + re.escape(visible), shown)  # a metadata value
    assert f"src/{visible}.py" in shown  # a recorded file name
    # A description keeps its own lines, continued under the value column.
    lines = shown.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("description"))
    assert lines[first].endswith("first line")
    assert lines[first + 1].strip() == f"second {visible}"
    assert lines[first + 1].index("second") == lines[first].index("first line")
    failed = cli("show", "gone", "--db", str(db)).stdout
    assert f"broke\n{' ' * failed.splitlines()[0].index('gone')}{visible}" in failed


def test_json_stays_exact(evil_store: tuple[Path, Path]) -> None:
    _, db = evil_store
    out = cli("show", "gone", "--json", "--db", str(db)).stdout
    assert "\\u202e" in out and "\\u009b" in out and "\\u200b" in out
    assert json.loads(out)["failureReason"] == f"broke\n{EVIL}"
    listing = json.loads(cli("list", "--json", "--db", str(db)).stdout)["sessions"]
    demo = next(s for s in listing if s["name"].startswith("demo"))
    assert demo["name"] == f"demo{EVIL}" and demo["tags"] == [f"t{EVIL}"]
    assert demo["metadata"] == {f"k{EVIL}": "v", "sprint": EVIL}


def test_confirmations_and_errors_are_safe(evil_store: tuple[Path, Path]) -> None:
    project, db = evil_store
    listing = json.loads(cli("list", "--json", "--db", str(db)).stdout)["sessions"]
    demo = next(s for s in listing if s["name"].startswith("demo"))["id"]
    for args in (
        ["meta", "note", EVIL, "-s", demo],
        ["context", "current_file", f"x{EVIL}", "-s", demo],
        ["meta", "note", "--unset", "-s", demo],
        ["mode", "testing", "-s", demo],
        ["start", demo],
        ["pause", demo],
        ["pause", demo],  # refused: the message quotes the hostile name
        ["show", f"ghost{EVIL}"],  # refused: the message quotes the reference
    ):
        result = cli(*args, "--db", str(db), cwd=project)
        assert_safe(result.stdout)
        assert_safe(result.stderr)
        assert result.stdout or result.stderr
    refused = cli("pause", demo, "--db", str(db))
    assert refused.returncode == 1 and "<U+202E>" in refused.stderr


def test_ordinary_text_in_any_script_prints_as_it_is(db_path: Path, tmp_path: Path) -> None:
    db = str(db_path)
    name = "café-日本語-ñandú"
    made = cli("create", name, "-p", "проект", "-d", "Grüße, 世界 🚀\nzweite Zeile", "--db", db)
    assert made.returncode == 0, made.stderr
    shown = cli("show", name, "--db", db).stdout
    assert name in shown and "проект" in shown and "Grüße, 世界 🚀" in shown
    assert name in cli("list", "--db", db).stdout
    as_json = cli("show", name, "--json", "--db", db).stdout
    assert name in as_json and "\\u" not in as_json  # no needless escapes in JSON either
