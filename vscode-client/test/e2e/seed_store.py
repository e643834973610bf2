"""``python3 seed_store.py DB``: the last six days of finished work, for the report.

Drives the core API with its clock set to past local times (this computer's
zone), so the store holds real sessions, history and per-file time, as if
they had been worked on: the report then has days, modes, projects and files
to draw. Today is left to the test, which works live.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timedelta

from helix_lsp.session import SessionManager

# (days ago, name, mode, project, [(start "HH:MM", end "HH:MM", file)], ends as)
WORK = [
    (6, "implement-user-auth", "building", "shop", [("09:00", "11:30", "auth.py"), ("13:00", "14:15", "models/user.py")], "complete"),
    (5, "fix-login-timeout", "debugging", "shop", [("09:30", "12:00", "auth.py"), ("14:00", "15:00", "session.py")], "complete"),
    (4, "plan-q1-roadmap", "planning", "web-app", [("10:00", "11:45", "docs/ROADMAP.md")], "complete"),
    (4, "checkout-page-tests", "testing", "web-app", [("13:00", "16:30", "tests/checkout.spec.ts")], "pause"),
    (3, "refactor-payment-service", "refactoring", "shop", [("09:00", "12:30", "payments/service.py"), ("14:00", "15:30", "payments/gateway.py")], "pause"),
    (2, "deploy-api-v2", "deployment", "infra", [("10:00", "11:00", "deploy/values.yaml")], "complete"),
    (2, "debug-memory-leak", "debugging", "shop", [("11:30", "13:00", "db/pool.py")], "fail"),
    (1, "checkout-page-tests", "testing", "web-app", [("09:00", "12:00", "tests/checkout.spec.ts"), ("13:00", "14:30", "pages/Checkout.tsx")], "complete"),
]


def main(db: str) -> None:
    now = [time.time_ns()]
    real = time.time_ns
    time.time_ns = lambda: now[0]  # the core's clock

    def at(days_ago: int, hhmm: str) -> None:
        day = date.today() - timedelta(days=days_ago)
        hour, minute = map(int, hhmm.split(":"))
        now[0] = int(datetime(day.year, day.month, day.day, hour, minute).timestamp()) * 1_000_000_000

    mgr = SessionManager(db)
    made: dict[str, str] = {}
    try:
        for days_ago, name, mode, project, spans, end in WORK:
            at(days_ago, spans[0][0])
            if name not in made:
                made[name] = mgr.create(name, mode, project).id
                mgr.start(made[name])
            else:
                mgr.resume(made[name])
            for n, (start, stop, file) in enumerate(spans):
                at(days_ago, start)
                if n:
                    mgr.resume(made[name])
                mgr.set_context(made[name], "current_file", file)
                mgr.set_context(made[name], "current_line", "1")
                at(days_ago, stop)
                if n < len(spans) - 1 or end == "pause":
                    mgr.pause(made[name])
            if end == "complete":
                mgr.complete(made[name])
            elif end == "fail":
                mgr.fail(made[name], "Could not reproduce it outside production")
    finally:
        time.time_ns = real
        mgr.close()


if __name__ == "__main__":
    main(sys.argv[1])
