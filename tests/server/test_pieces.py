"""The server's pure pieces on their own: folders, globs, branch, options, arguments."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helix_lsp.server.errors import error_payload, forbidden, not_initialized
from helix_lsp.server.options import Options, parse_options
from helix_lsp.server.params import Create, KeyValue, ListQuery, Target, parse_arguments
from helix_lsp.server.paths import (
    DEFAULT_EXCLUDES,
    Excludes,
    hide_name,
    locate,
    make_folder,
    read_branch,
)
from helix_lsp.session import (
    ConflictError,
    InvalidArgumentError,
    InvalidTransitionError,
    NotFoundError,
    StorageError,
)


def test_innermost_folder_decides_and_paths_are_relative(tmp_path: Path) -> None:
    outer = make_folder((tmp_path / "mono").as_uri(), "mono", None)
    inner = make_folder((tmp_path / "mono" / "web").as_uri(), None, None)
    assert outer is not None and inner is not None
    folders = [outer, inner]
    web = locate(str(tmp_path / "mono" / "web" / "src" / "a.ts"), folders, "fallback")
    assert (web.project, web.relative) == ("web", "src/a.ts")
    root = locate(str(tmp_path / "mono" / "README.md"), folders, "fallback")
    assert (root.project, root.relative) == ("mono", "README.md")
    sibling = locate(str(tmp_path / "mono-extra" / "x.py"), folders, "fallback")
    assert (sibling.project, sibling.folder) == ("fallback", None)
    assert sibling.relative == str(tmp_path / "mono-extra" / "x.py")


def test_project_option_overrides_folder_names(tmp_path: Path) -> None:
    folder = make_folder(str(tmp_path / "checkout-2"), "checkout-2", "payments")
    assert folder is not None and folder.project == "payments"


@pytest.mark.parametrize("path", [
    ".env", "config/.env.local", "certs/server.pem", "tls.key", "deploy/id_rsa",
    "id_ed25519.pub", "store.p12", "win.pfx", "a/b/.ssh/config", ".aws/credentials",
])
def test_default_excludes_cover_secrets(path: str) -> None:
    assert Excludes(DEFAULT_EXCLUDES).matches(path)


@pytest.mark.parametrize("path", [
    "src/app.py", "environment.py", "docs/keys.md", "src/key_handler.go", "pem.txt",
])
def test_default_excludes_leave_code_alone(path: str) -> None:
    assert not Excludes(DEFAULT_EXCLUDES).matches(path)


def test_glob_forms() -> None:
    ex = Excludes(["build/**", "*.log", "**/fixtures/*.json", "data?.csv", "[ab].txt"])
    assert ex.matches("build/out/x.js") and ex.matches("build/a")
    assert ex.matches("deep/server.log")
    assert ex.matches("tests/fixtures/big.json") and ex.matches("fixtures/x.json")
    assert ex.matches("data1.csv") and not ex.matches("data12.csv")
    assert ex.matches("a.txt") and not ex.matches("c.txt")
    assert not ex.matches("src/build.py")


@given(st.text(alphabet="abcxyz/._-", min_size=1, max_size=30))
def test_hidden_names_are_stable_and_reveal_nothing(name: str) -> None:
    hidden = hide_name(name)
    assert hidden == hide_name(name) and hidden.startswith("sha256:")
    assert len(hidden) == len("sha256:") + 16


def test_branch_from_head_detached_and_missing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pkg").mkdir()
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/feature/x\n")
    assert read_branch(str(repo / "pkg")) == "feature/x"  # a subfolder of the repository
    (repo / ".git" / "HEAD").write_text("3f2a9c0d1e2b3c4d5e6f708192a3b4c5d6e7f809\n")
    assert read_branch(str(repo)) is None
    assert read_branch(str(tmp_path / "nowhere")) is None


def test_options_ignore_wrong_types() -> None:
    assert parse_options(None) == Options()
    assert parse_options(["not", "an", "object"]) == Options()
    opts = parse_options({
        "dbPath": "/tmp/x.db", "cursorNotifications": "yes", "exclude": ["a/**", 3],
        "hideFileNames": True, "autoPauseMinutes": -5, "project": "  ", "unknown": 1,
    })
    assert opts == Options(db_path="/tmp/x.db", exclude=("a/**",), hide_file_names=True)
    assert parse_options({"autoPauseMinutes": 5}).idle_minutes == 5.0  # the older name
    assert parse_options({"idleMinutes": 0, "autoPauseMinutes": 5}).idle_minutes == 0.0
    assert parse_options({}).idle_minutes == 15.0 and parse_options({}).idle_resume == "ask"
    assert parse_options({"idleResume": "never"}).idle_resume == "never"
    assert parse_options({"idleResume": "sometimes", "idleMinutes": "ten"}) == Options()


def test_arguments_shape_and_types() -> None:
    assert parse_arguments("c", None, Target) == Target()
    assert parse_arguments("c", [None], Target) == Target()
    assert parse_arguments("c", [{"session": "s"}], Target) == Target(session="s")
    assert parse_arguments("c", [{"name": "n", "mode": None}], Create).mode == "building"
    assert parse_arguments("c", [{"key": "k", "value": None}], KeyValue).value is None
    assert parse_arguments("c", [{"status": ["idle"]}], ListQuery).status == ["idle"]
    for bad in ([{"session": 1}], [{"sesion": "s"}], ["s"], [{}, {}]):
        with pytest.raises(InvalidArgumentError):
            parse_arguments("c", bad, Target)
    with pytest.raises(InvalidArgumentError, match="limit"):
        parse_arguments("c", [{"limit": True}], ListQuery)
    with pytest.raises(InvalidArgumentError, match="value"):
        parse_arguments("c", [{"key": "k"}], KeyValue)


def test_error_codes_by_kind() -> None:
    cases = [
        (InvalidArgumentError("bad."), -32602, "invalid_argument"),
        (NotFoundError("none."), -32602, "not_found"),
        (InvalidTransitionError("no."), -32803, "invalid_transition"),
        (ConflictError("taken."), -32803, "conflict"),
        (StorageError("broken."), -32803, "storage"),
    ]
    for err, code, kind in cases:
        payload = error_payload(err)
        assert payload == {"code": code, "message": str(err), "data": {"kind": kind}}
    assert error_payload(not_initialized())["code"] == -32002
    assert error_payload(forbidden("not yours"))["data"] == {"kind": "forbidden"}
    crash = error_payload(KeyError("x"))
    assert (crash["code"], crash["data"]) == (-32603, {"kind": "internal"})
    assert crash["message"].endswith(".") and "\n" not in crash["message"]


def _pygls_private_names() -> set[str]:
    """Every ``_name`` pygls defines or assigns: attributes a pygls upgrade may change."""
    import pygls

    names: set[str] = set()
    for source in Path(pygls.__file__).parent.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                names.add(node.attr)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def _uses_of_private_pygls_names(tree: ast.Module, private: set[str]) -> list[str]:
    """``x._name`` where pygls has ``_name``; ``self._name`` counts inside pygls subclasses."""
    pygls_names = {
        alias.asname or alias.name
        for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("pygls")
        for alias in node.names
    }
    found: list[str] = []

    def visit(node: ast.AST, in_pygls_subclass: bool) -> None:
        if isinstance(node, ast.ClassDef):
            in_pygls_subclass = any(
                isinstance(b, ast.Name) and b.id in pygls_names for b in node.bases
            )
        if isinstance(node, ast.Attribute) and node.attr in private:
            own = isinstance(node.value, ast.Name) and node.value.id == "self"
            if not own or in_pygls_subclass:
                found.append(f"line {node.lineno}: .{node.attr}")
        for child in ast.iter_child_nodes(node):
            visit(child, in_pygls_subclass)

    visit(tree, False)
    return found


def test_no_private_pygls_names_in_the_code_or_the_tests() -> None:
    root = Path(__file__).resolve().parents[2]
    private = _pygls_private_names()
    assert {"_shutdown", "_converter", "_stop_event", "_report_server_error"} <= private
    offenders = {}
    for folder in ("helix_lsp", "tests", "bench"):
        for source in (root / folder).rglob("*.py"):
            tree = ast.parse(source.read_text(encoding="utf-8"))
            if uses := _uses_of_private_pygls_names(tree, private):
                offenders[str(source.relative_to(root))] = uses
    assert offenders == {}


def test_a_run_of_moves_in_one_file_keeps_its_first_and_latest_moment() -> None:
    from helix_lsp.server.cursor import Batch, Moment, Pending
    from helix_lsp.server.paths import Location

    a, b = (Location(f"/w/{n}", None, "p", n) for n in ("a.py", "b.py"))
    batch = Batch()
    for i in range(100):
        batch.add(Moment(i, Pending(a, i, 0, i)))
    batch.add(Moment(200, Pending(b, 1, 0, 200)))
    batch.add(Moment(201, None))
    batch.add(Moment(202, None))
    assert [m.at for m in batch.moments] == [0, 99, 200, 202]
    assert batch.latest is not None and batch.latest.location == b
