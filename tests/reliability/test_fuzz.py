"""Fuzzed workspace commands and malformed frames against one real server.

Whatever arrives, the server stays up, answers every request that carries an
id with a result or a JSON-RPC error whose message is one sentence, and a
refused command commits nothing to the store.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.rpc import Server, frame

COMMANDS = [
    "helix.session." + n
    for n in [
        "create",
        "start",
        "pause",
        "resume",
        "complete",
        "fail",
        "setMode",
        "addTag",
        "removeTag",
        "setMetadata",
        "setContext",
        "get",
        "active",
        "list",
        "stats",
        "delete",
        "export",
        "import",
        "trimHistory",
        "history",
        "report",
    ]
]
KEYS = [
    "session",
    "name",
    "mode",
    "project",
    "description",
    "tags",
    "metadata",
    "context",
    "start",
    "reason",
    "key",
    "value",
    "tag",
    "status",
    "query",
    "limit",
    "offset",
    "all",
    "snapshot",
    "keep",
    "from",
    "to",
    "since",
    "tz",
    "render",
    "width",
    "nonce",
]
ERROR_CODES = {-32602, -32803, -32600, -32601, -32700}

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "building", "paused", "fuzz", "\x00", "..", "%_\\", "🚀" * 3]),
    st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["x", "é", "\x00", "🚀", "\u202e"]),
        st.integers(min_value=1000, max_value=200_000),
    ),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=30,
)


def deep(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"a": [value]}
    return value


parameters = st.one_of(
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=12), json_values, max_size=6),
    st.builds(deep, st.integers(min_value=50, max_value=400)),
)
arguments = st.one_of(
    st.lists(parameters, max_size=1),
    st.lists(json_values, min_size=1, max_size=3),
    json_values,
)
commands = st.one_of(st.sampled_from(COMMANDS), st.text(max_size=30))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    """One server for all of a test's examples. Started per test, as every server
    of the suite is, so it runs in the environment tests/conftest.py sets for a
    test (this checkout first on PYTHONPATH, a private store and owner)."""
    ws = tmp_path / "proj"
    ws.mkdir()
    db = tmp_path / "sessions.db"
    srv = Server(db, ws)
    srv.initialize([ws])
    assert "result" in srv.command("helix.session.create", name="target", start=True)
    yield srv, db
    srv.close()


def one_sentence(message: object) -> None:
    assert isinstance(message, str) and message.strip(), message
    assert "\n" not in message and "Traceback" not in message, message
    assert len(message) <= 400, message[:400]
    assert message.rstrip().endswith((".", "?", "!")), message


@settings(
    max_examples=int(os.environ.get("HELIX_FUZZ_EXAMPLES", "10000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(command=commands, args=arguments)
def test_fuzzed_commands(server: tuple[Server, Path], command: str, args: Any) -> None:
    srv, db = server
    with sqlite3.connect(db) as watcher:
        watcher.execute("PRAGMA data_version")
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        reply = srv.request("workspace/executeCommand", {"command": command, "arguments": args})
        after = watcher.execute("PRAGMA data_version").fetchone()[0]
    assert srv.proc.poll() is None, srv.stderr()
    if "error" in reply:
        error = reply["error"]
        assert error["code"] in ERROR_CODES, error
        one_sentence(error["message"])
        assert before == after, f"refused {command} wrote to the store"
    else:
        assert "result" in reply


BAD_FRAMES = [
    b"Content-Length: 9\r\n\r\n{not json",
    b"Content-Length: 2\r\n\r\n[]",
    b"Content-Length: 2\r\n\r\n42",
    b"Content-Length: 4\r\n\r\nnull",
    b"Content-Length: abc\r\n\r\n",
    b"Content-Length: -5\r\n\r\n",
    b"X-Nothing: 1\r\n\r\n",
    b"Content-Length: 6\r\n\r\n\xff\xfe\xfd\xfc\xfb\xfa",
    frame({"jsonrpc": "2.0", "method": 7, "params": {}}),
    frame({"jsonrpc": "2.0", "method": "helix/cursorMoved", "params": "nope"}),
    frame({"jsonrpc": "2.0", "method": "helix/cursorMoved", "params": {"textDocument": 1}}),
    frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {}}),
    frame({"jsonrpc": "2.0", "method": "no/such/notification"}),
    frame({"jsonrpc": "1.0", "id": "x", "method": "workspace/executeCommand"}),
]
BAD_REQUESTS = [
    {"jsonrpc": "2.0", "id": "bad-901", "method": "workspace/executeCommand"},
    {"jsonrpc": "2.0", "id": "bad-902", "method": "workspace/executeCommand", "params": []},
    {
        "jsonrpc": "2.0",
        "id": "bad-903",
        "method": "workspace/executeCommand",
        "params": {"command": 5},
    },
    {"jsonrpc": "2.0", "id": "bad-904", "method": "no/such/request", "params": {}},
    {"jsonrpc": "2.0", "id": "bad-905", "method": "textDocument/hover", "params": {"x": 1}},
    {"jsonrpc": "2.0", "id": "bad-906", "method": "textDocument/documentHighlight", "params": None},
]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    junk=st.lists(st.sampled_from(BAD_FRAMES), min_size=1, max_size=4),
    bad=st.lists(st.sampled_from(BAD_REQUESTS), max_size=2),
)
def test_malformed_frames(
    server: tuple[Server, Path], junk: list[bytes], bad: list[dict[str, Any]]
) -> None:
    srv, _ = server
    for chunk in junk:
        srv.write_raw(chunk)
    for request in bad:
        srv.write(request)
        reply = srv.wait(request["id"])
        assert "error" in reply, reply
        assert reply["error"]["code"] in ERROR_CODES
        one_sentence(reply["error"]["message"])
    reply = srv.command("helix.session.get", session="target")  # still serving, still sane
    assert reply["result"]["name"] == "target"
    assert srv.proc.poll() is None


def test_malformed_messages_are_logged_without_their_content(tmp_path: Path) -> None:
    ws = tmp_path / "proj"
    ws.mkdir()
    log = tmp_path / "server.log"
    srv = Server(tmp_path / "sessions.db", ws, "--log-file", str(log))
    try:
        srv.initialize([ws])
        secret_path = "file:///home/alice/clients/acme/merger-plan.txt"
        document = {"uri": secret_path, "languageId": "text", "version": "one",
                    "text": "TOP-SECRET-CONTENT"}
        srv.notify("textDocument/didOpen", {"textDocument": document})
        reply = srv.request("textDocument/hover", {"textDocument": document, "position": 3})
        assert reply["error"]["data"] == {"kind": "invalid_argument"}
        srv.write_raw(frame({"jsonrpc": "2.0", "method": "x", "params": {}})[:-3] + b"TOP")
        srv.write({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": document})
        assert srv.command("helix.session.list")["result"]["total"] == 0  # still serving
        assert srv.shutdown() == 0
    finally:
        srv.close()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert "textDocument/didOpen" in text  # the method is named...
    assert "TOP-SECRET" not in text and "acme" not in text and "alice" not in text  # ...not more
