"""``python -m tests.report.screenshots [FOLDER]``: the report page's pictures for the docs.

Renders a week of realistic, seeded work and photographs the page with
headless Chromium in the light and the dark colour scheme
(``docs/images/report-light.png`` and ``report-dark.png`` by default).
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from helix_lsp.report import render_html
from helix_lsp.report.aggregate import Activity, SessionInfo, aggregate
from helix_lsp.report.model import Report
from helix_lsp.report.period import resolve
from tests.report import chromium

ZONE = "Europe/Berlin"
SESSIONS = [
    ("implement-user-auth", "building", "api-server", "completed"),
    ("fix-login-timeout", "debugging", "api-server", "completed"),
    ("refactor-payment-service", "refactoring", "api-server", "paused"),
    ("plan-q1-roadmap", "planning", "web-app", "completed"),
    ("checkout-page-tests", "testing", "web-app", "active"),
    ("dark-mode-toggle", "building", "web-app", "paused"),
    ("deploy-api-v2", "deployment", "infra", "completed"),
    ("debug-memory-leak", "debugging", "api-server", "failed"),
    ("migrate-to-postgres", "refactoring", "infra", "paused"),
]
FILES = {
    "api-server": [
        "src/auth/login.py",
        "src/auth/tokens.py",
        "src/payments/service.py",
        "tests/test_payments.py",
        "src/db/pool.py",
    ],
    "web-app": [
        "src/pages/Checkout.tsx",
        "src/theme/dark.css",
        "tests/checkout.spec.ts",
        "docs/ROADMAP.md",
    ],
    "infra": ["deploy/helm/values.yaml", "migrations/0042_postgres.sql", "ci/pipeline.yml"],
}
BRANCHES = {
    "api-server": ["feature/auth", "fix/login-timeout", "main"],
    "web-app": ["feature/checkout", "main"],
    "infra": ["release/v2", "main"],
}


def demo_week() -> Report:
    """Monday to Sunday of one week: busy weekdays, a short Saturday, a free Sunday."""
    rnd = random.Random(7)
    tz = ZoneInfo(ZONE)
    monday = date(2026, 11, 23)
    info = {
        f"s{n}": SessionInfo(f"s{n}", name, project, mode, status)
        for n, (name, mode, project, status) in enumerate(SESSIONS)
    }
    acts: list[Activity] = []
    for offset, blocks in enumerate([5, 6, 4, 6, 5, 2, 0]):
        clock = datetime.combine(monday + timedelta(days=offset), datetime.min.time(), tz)
        clock += timedelta(hours=8, minutes=rnd.randrange(0, 60))
        for _ in range(blocks):
            sid = rnd.choice(list(info))
            s = info[sid]
            length = timedelta(minutes=rnd.randrange(25, 140))
            begin = int(clock.timestamp() * 1000)
            acts.append(
                Activity(
                    sid,
                    begin,
                    begin + int(length.total_seconds() * 1000),
                    s.mode,
                    s.project,
                    rnd.choice(FILES[s.project]),
                    rnd.choice(BRANCHES[s.project]),
                )
            )
            clock += length + timedelta(minutes=rnd.randrange(10, 70))
    period = resolve(from_="2026-11-23", to="2026-11-29", tz=ZONE, now_ms=0)
    return aggregate(acts, info, period)


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "docs" / "images"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="helix-report-shots-") as work:
        page = Path(work) / "report.html"
        page.write_text(render_html(demo_week()), encoding="utf-8")
        for name, dark in (("report-light.png", False), ("report-dark.png", True)):
            chromium.screenshot(page, folder / name, Path(work), dark=dark, size="1200,2400")
            print(folder / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
