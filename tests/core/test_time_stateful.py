"""Time adds up whatever happens: a stateful test over the session core.

Hypothesis interleaves transitions, mode changes, activity at files and
branches, away pauses, resumes that keep the away time, and clock steps
(forward by up to two hours, back by a few seconds), and after every step
checks for every session that

* its history's active intervals sum to its ``activeSeconds``,
* its ``activeSecondsByMode`` sums to its ``activeSeconds``,
* its time per file and branch sums to at most its ``activeSeconds``,

and that the running totals reports read (``rollup``) equal what they
summarise: the closed intervals of every history and every time bucket, also
after sessions are deleted or trimmed.

The clock is the core's own (``now_ms``), moved by the test: no sleeping.
On every store (SQLite in memory, PostgreSQL): each example starts on a fresh
empty one.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from helix_lsp.session import Activity, SessionError, SessionManager, rollup
from helix_lsp.session.events import by_mode_ms, total_ms
from tests.stores import NewStore, machine_settings

MODULES = ("model", "manager", "handle", "transfer", "exporting")
FILES = st.sampled_from([("a.py", "main"), ("b.py", "main"), ("a.py", "feature"), (None, None)])
MODES = st.sampled_from(["planning", "building", "testing", "debugging"])


class TimeAddsUp(RuleBasedStateMachine):
    new_store: NewStore | None  # set by the test: None for SQLite in memory

    def __init__(self) -> None:
        super().__init__()
        self.stack = contextlib.ExitStack()
        self.now = 1_800_000_000_000
        self.latest = self.now  # the latest the clock has read
        self._saved: dict[Any, Any] = {}
        for name in MODULES:
            module = __import__(f"helix_lsp.session.{name}", fromlist=["now_ms"])
            self._saved[module] = module.now_ms
            module.now_ms = self.read  # type: ignore[attr-defined]
        opened = type(self).new_store
        self.mgr = SessionManager(
            ":memory:" if opened is None else self.stack.enter_context(opened())
        )
        self.ids: list[str] = []

    def read(self) -> int:
        return self.now

    def teardown(self) -> None:
        self.mgr.close()
        self.stack.close()
        for module, original in self._saved.items():
            module.now_ms = original

    # -- the clock -------------------------------------------------------------

    @rule(ms=st.integers(0, 2 * 3_600_000))
    def advance(self, ms: int) -> None:
        self.now += ms
        self.latest = max(self.latest, self.now)

    @rule(ms=st.integers(1, 5_000))
    def step_back(self, ms: int) -> None:
        self.now -= ms

    # -- changes ------------------------------------------------------------------

    @rule(project=st.sampled_from(["p", "q"]), start=st.booleans(), mode=MODES)
    def create(self, project: str, start: bool, mode: str) -> None:
        self.ids.append(self.mgr.create(f"s{len(self.ids)}", mode, project, start=start).id)

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        action=st.sampled_from(["start", "pause", "resume", "complete", "fail", "keep_away"]),
    )
    def transition(self, data: st.DataObject, action: str) -> None:
        sid = data.draw(st.sampled_from(self.ids))
        try:
            if action == "fail":
                self.mgr.fail(sid, "gave up")
            elif action == "keep_away":
                self.mgr.resume(sid, keep_away=True)
            else:
                getattr(self.mgr, action)(sid)
        except SessionError:
            pass

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), mode=MODES)
    def set_mode(self, data: st.DataObject, mode: str) -> None:
        sid = data.draw(st.sampled_from(self.ids))
        with contextlib.suppress(SessionError):  # a finished session keeps its mode
            self.mgr.set_mode(sid, mode)

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        places=st.lists(st.tuples(st.integers(0, 120_000), FILES), min_size=1, max_size=4),
    )
    def activity(self, data: st.DataObject, places: list[tuple[int, Any]]) -> None:
        sid = data.draw(st.sampled_from(self.ids))
        points = [
            Activity(self.now - back, file, branch, 1 + back % 50, 1)
            for back, (file, branch) in places
        ]
        self.mgr.record_activity(sid, points)

    @rule(minutes=st.sampled_from([1, 15, 60]))
    def pause_away(self, minutes: int) -> None:
        self.mgr.pause_away(minutes)

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def touch(self, data: st.DataObject) -> None:
        self.mgr.touch(data.draw(st.sampled_from(self.ids)))

    # -- what must hold after every step ------------------------------------------

    @invariant()
    def time_adds_up(self) -> None:
        for sid in self.ids:
            sess, found = self.mgr.history_events(sid)
            rec = sess.record
            active = rec.active_total_ms(self.now)
            assert total_ms(found, self.now) == active, (rec, found)
            assert sum(rec.active_by_mode_ms(self.now).values()) == active
            shown = {m: ms for m, ms in by_mode_ms(found, self.now).items() if ms}
            assert shown == {m: ms for m, ms in rec.active_by_mode_ms(self.now).items() if ms}
            with self.mgr.read_snapshot() as conn:
                files = conn.execute(
                    "SELECT COALESCE(SUM(ms), 0) FROM session_time WHERE session_seq = ?",
                    [rec.seq],
                ).fetchone()[0]
            # (activity is stamped by the clock: after a step back, compare with
            # the active time as of the latest reading)
            assert files <= rec.active_total_ms(self.latest), (files, active)
            json = sess.to_json()
            assert abs(sum(json["activeSecondsByMode"].values()) - json["activeSeconds"]) < 1e-6

    @invariant()
    def running_totals_equal_what_they_summarise(self) -> None:
        with self.mgr.read_snapshot() as conn:
            assert rollup.stored(conn) == rollup.summarised(conn)


class TotalsAddUp(TimeAddsUp):
    """The same steps, and deletions: the running totals always equal what they sum."""

    def time_adds_up(self) -> None:
        """(checked by ``TimeAddsUp``: this machine looks at the running totals, as
        that one does, with deletions added)"""

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        sid = data.draw(st.sampled_from(self.ids))
        with contextlib.suppress(SessionError):  # an active session is not deleted
            self.mgr.delete(sid)
            self.ids.remove(sid)

    @rule(keep=st.integers(0, 3))
    def trim(self, keep: int) -> None:
        self.mgr.trim_history(keep)
        self.ids = [s.id for s in self.mgr.list(limit=1000) if s.id in self.ids]


def _run_on(machine: type[TimeAddsUp], new_store: NewStore, store_kind: str) -> None:
    store = None if store_kind == "sqlite" else staticmethod(new_store)
    on_store = type(f"{machine.__name__}On", (machine,), {"new_store": store})
    run_state_machine_as_test(on_store, settings=SETTINGS[store_kind])


def test_time_adds_up(new_store: NewStore, store_kind: str) -> None:
    _run_on(TimeAddsUp, new_store, store_kind)


def test_totals_add_up(new_store: NewStore, store_kind: str) -> None:
    _run_on(TotalsAddUp, new_store, store_kind)


SETTINGS = machine_settings(sqlite=150, postgresql=20)


def test_time_before_a_step_back_is_not_given_to_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A session created 2 ms behind the one before it (the clock stepped back) and
    worked 1 ms before the clock caught up: its interval counts from that earlier
    session's creation once it ends after it (``clock``, rule 3), so the
    millisecond before is active time of no one, and of no file either."""
    now = [1_800_000_000_000]
    for name in MODULES:
        monkeypatch.setattr(f"helix_lsp.session.{name}.now_ms", lambda: now[0])
    with SessionManager(":memory:") as mgr:
        mgr.create("before", "planning", "p", start=False)
        now[0] -= 2
        sess = mgr.create("behind", "planning", "p", start=True)
        now[0] += 1
        mgr.record_activity(sess.id, [Activity(now[0], "a.py", "main")])
        now[0] += 65_000
        mgr.pause_away(1)
        rec = mgr.get(sess.id).record
        with mgr.read_snapshot() as conn:
            files = conn.execute(
                "SELECT COALESCE(SUM(ms), 0) FROM session_time WHERE session_seq = ?", [rec.seq]
            ).fetchone()[0]
        assert (files, rec.active_total_ms(now[0])) == (0, 0)
