"""Random sequences of operations against a simple model of the lifecycle.

After every step the store (read afresh, sometimes through a reopened
manager) must agree with the model on every session's status; timestamps
must be ordered; active time must equal the model's sum of active intervals to
the millisecond; and no project may have two active sessions. On every store
(SQLite, PostgreSQL): each example starts on a fresh empty one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from helix_lsp.session import InvalidTransitionError, SessionManager, Status
from helix_lsp.session.model import SessionRecord
from tests.stores import NewStore, machine_settings

PROJECTS = st.sampled_from(["api", "web", "cli"])
ACTIONS = {
    "start": ({Status.IDLE}, Status.ACTIVE),
    "pause": ({Status.ACTIVE}, Status.PAUSED),
    "resume": ({Status.PAUSED}, Status.ACTIVE),
    "complete": ({Status.ACTIVE, Status.PAUSED}, Status.COMPLETED),
    "fail": ({Status.IDLE, Status.ACTIVE, Status.PAUSED}, Status.FAILED),
}


@dataclass
class Expected:
    project: str
    status: Status = Status.IDLE
    active_ms: int = 0
    active_since: int | None = None


class LifecycleMachine(RuleBasedStateMachine):
    sessions = Bundle("sessions")
    new_store: NewStore  # set by the test: the kind of store the examples run on

    def __init__(self) -> None:
        super().__init__()
        self.stack = contextlib.ExitStack()
        self.path = self.stack.enter_context(type(self).new_store())
        self.mgr = SessionManager(self.path)
        self.model: dict[str, Expected] = {}

    def teardown(self) -> None:
        self.mgr.close()
        self.stack.close()

    def record(self, sid: str) -> SessionRecord:
        return self.mgr.get(sid).record

    def _leave_active(self, sid: str, at: int) -> None:
        exp = self.model[sid]
        assert exp.active_since is not None
        exp.active_ms += at - exp.active_since
        exp.active_since = None

    @rule(target=sessions, project=PROJECTS, start=st.booleans())
    def create(self, project: str, start: bool) -> str:
        sess = self.mgr.create(f"task-{len(self.model)}", "building", project, start=start)
        self.model[sess.id] = Expected(project)
        if start:
            self._became_active(sess.id)
        return sess.id

    def _became_active(self, sid: str) -> None:
        exp = self.model[sid]
        rec = self.record(sid)
        for other_id, other in self.model.items():
            if other_id != sid and other.project == exp.project and other.status is Status.ACTIVE:
                paused_at = self.record(other_id).last_paused_at
                assert paused_at is not None
                self._leave_active(other_id, paused_at)
                other.status = Status.PAUSED
        exp.status = Status.ACTIVE
        exp.active_since = rec.active_since

    @rule(sid=sessions, action=st.sampled_from(sorted(ACTIONS)))
    def act(self, sid: str, action: str) -> None:
        exp = self.model[sid]
        allowed, target = ACTIONS[action]
        call = getattr(self.mgr, action)
        if exp.status not in allowed:
            try:
                call(sid, "reason") if action == "fail" else call(sid)
            except InvalidTransitionError:
                return
            raise AssertionError(f"{action} from {exp.status} was allowed")
        result = call(sid, "reason") if action == "fail" else call(sid)
        rec = result.session.record
        if exp.status is Status.ACTIVE:
            self._leave_active(sid, rec.updated_at)
        if target is Status.ACTIVE:
            self._became_active(sid)
        else:
            exp.status = target

    @rule()
    def reopen(self) -> None:
        self.mgr.close()
        self.mgr = SessionManager(self.path)

    @rule(sid=sessions, tag=st.sampled_from(["a", "b", "c"]))
    def tag(self, sid: str, tag: str) -> None:
        self.mgr.add_tag(sid, tag)
        assert self.mgr.get(sid).has_tag(tag)

    @invariant()
    def store_agrees_with_model(self) -> None:
        active_projects: list[str] = []
        for sid, exp in self.model.items():
            rec = self.record(sid)
            assert rec.status is exp.status, (sid, rec.status, exp.status)
            assert rec.active_ms == exp.active_ms
            assert rec.active_since == exp.active_since
            assert rec.created_at <= rec.updated_at
            if rec.started_at is not None:
                assert rec.created_at <= rec.started_at <= rec.updated_at
                if rec.last_paused_at is not None:
                    assert rec.started_at <= rec.last_paused_at <= rec.updated_at
                if rec.ended_at is not None:
                    assert rec.started_at <= rec.ended_at <= rec.updated_at
                    assert rec.active_ms <= rec.ended_at - rec.started_at
            assert (rec.ended_at is not None) == rec.status.is_final
            if rec.status is Status.ACTIVE:
                active_projects.append(rec.project)
        assert len(active_projects) == len(set(active_projects))


def test_lifecycle(new_store: NewStore, store_kind: str) -> None:
    machine = type("Lifecycle", (LifecycleMachine,), {"new_store": staticmethod(new_store)})
    run_state_machine_as_test(machine, settings=SETTINGS[store_kind])


SETTINGS = machine_settings(sqlite=100, postgresql=25)
