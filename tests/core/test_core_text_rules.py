"""Names and tags are plain visible text, however they arrive.

A name or tag holding a terminal control, a bidi override or a zero-width
character would print as something it is not (or rewrite the terminal), so
the core refuses it with the same sentence from create, tag and import.
Free text (descriptions, metadata and context values) may hold such
characters: the CLI neutralises them when it prints. Free text is kept on
every store (SQLite, PostgreSQL); the refusals come before any store.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from helix_lsp.session import InvalidArgumentError, SessionManager

HOSTILE = {
    "escape": "\x1b[2J",
    "C1 CSI": "\x9b31m",
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
}


def _via_import(mgr: SessionManager, name: str, tags: list[str]) -> None:
    sess = mgr.create("template", project="web")
    entry = dict(mgr.export(sess.id)["sessions"][0], id="imported1", name=name, tags=tags)
    mgr.import_({**mgr.export(sess.id), "sessions": [entry]})


WAYS: dict[str, Callable[[SessionManager, str], object]] = {
    "create name": lambda m, bad: m.create(f"fix{bad}login", project="web"),
    "create tag": lambda m, bad: m.create("fix", project="web", tags=["ok", f"t{bad}"]),
    "add tag": lambda m, bad: m.add_tags(m.create("fix", project="web").id, ["ok", f"t{bad}"]),
    "import name": lambda m, bad: _via_import(m, f"fix{bad}login", []),
    "import tag": lambda m, bad: _via_import(m, "fix", [f"t{bad}"]),
}


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("char", list(HOSTILE.values()), ids=list(HOSTILE))
def test_names_and_tags_refuse_invisible_and_control_characters(
    mgr: SessionManager, way: str, char: str
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        WAYS[way](mgr, char)
    message = str(info.value)
    code = f"U+{ord(char[0]):04X}"
    assert f"contains an invisible or control character ({code}); use visible" in message
    assert char[0] not in message  # the sentence itself is safe to print
    stored = SessionManager(mgr.path).list(limit=100)
    assert [s.name for s in stored if s.name not in ("fix", "template")] == []
    assert all(s.tags == [] for s in stored)  # not even the good tag beside the bad one


def test_free_text_keeps_such_characters(store_target: str) -> None:
    text = "see \u202eevil\u202c and \x1b[1mbold\x1b[0m \u200b"
    with SessionManager(store_target) as mgr:
        sess = mgr.create("fix", project="web", description=text, metadata={"note": text})
        sess.set_context("branch", text)
    with SessionManager(store_target) as other:
        again = other.get(sess.id)
    assert again.description == text.strip()
    assert again.metadata == {"note": text} and again.context == {"branch": text}
