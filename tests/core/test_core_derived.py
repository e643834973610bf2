"""State the core derives for every client: the legal actions of a session,
the project's current session (an idle one included), and tags added as one
all-or-nothing change. On every store (SQLite, PostgreSQL)."""

from __future__ import annotations

import pytest

from helix_lsp.session import (
    InvalidArgumentError,
    NotFoundError,
    SessionManager,
)
from tests.stores import manager_on_each_store

mgr = pytest.fixture(name="mgr")(manager_on_each_store)


def test_every_session_object_lists_the_actions_legal_now(mgr: SessionManager) -> None:
    sess = mgr.create("fix-login", project="web")
    assert sess.to_json()["actions"] == ["start", "fail"]
    mgr.start(sess.id)
    assert sess.to_json()["actions"] == ["pause", "complete", "fail"]
    mgr.pause(sess.id)
    assert sess.to_json()["actions"] == ["resume", "complete", "fail"]
    mgr.complete(sess.id)
    assert sess.to_json()["actions"] == []
    listed = mgr.list(project="web")[0].to_json()
    assert listed["actions"] == []
    assert mgr.export()["sessions"][0]["actions"] == []


def test_current_is_active_else_last_paused_else_the_idle_one_start_takes(
    mgr: SessionManager,
) -> None:
    assert mgr.current("web") is None
    older = mgr.create("older-idle", project="web")
    newer = mgr.create("newer-idle", project="web")
    mgr.create("elsewhere", project="api", start=True)
    current = mgr.current("web")
    assert current is not None and current.id == newer.id
    assert mgr.start(project="web").session.id == current.id
    mgr.pause(newer.id)
    mgr.start(older.id)
    current = mgr.current("web")
    assert current is not None and current.id == older.id
    mgr.pause(older.id)  # within the millisecond of the pause of newer, often
    current = mgr.current("web")
    assert current is not None and current.id == older.id  # paused last, created first


def test_acting_without_a_session_on_an_idle_one_says_to_start_it(mgr: SessionManager) -> None:
    mgr.create("fix-login", project="web")
    with pytest.raises(NotFoundError, match="'fix-login' is idle: start it first"):
        mgr.pause(project="web")


def test_a_refused_tag_among_several_adds_none_of_them(
    mgr: SessionManager, store_target: str
) -> None:
    sess = mgr.create("fix-login", project="web", tags=["keep"])
    with pytest.raises(InvalidArgumentError, match="white space"):
        mgr.add_tags(sess.id, ["ok1", "ok2", "bad tag"])
    assert mgr.get(sess.id).refresh().tags == ["keep"]
    with pytest.raises(InvalidArgumentError, match="at most 64 tags"):
        mgr.add_tags(sess.id, [f"t{i}" for i in range(70)])
    with SessionManager(store_target) as other:
        assert other.get(sess.id).tags == ["keep"]
    assert mgr.add_tags(sess.id, ["ok1", "keep", "ok2"]).tags == ["keep", "ok1", "ok2"]
