"""What a NOTIFY costs the listening connections that do not want it.

``python -m bench.pg_wakeups`` starts a throwaway cluster with two databases,
``--listeners`` idle connections in the first one listening on one channel,
and sends ``--commits`` notifying commits, one at a time, three ways: on
another channel of the same database, on the same channel name in the
other database, and on the listened channel itself. Reported: PostgreSQL's
CPU (``/proc`` of the postmaster and its children) for each, and so the cost
per listener and commit. It sizes what a channel per project saves on the
server (PostgreSQL signals every listening backend of the database at each
notifying commit, and each reads the queue, whichever channels it listens
to) and what it cannot (only the deliveries to the clients): a listener in
another database costs nothing.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench import figures, pgcluster

WAYS = (
    ("another channel, same database", "listeners", "other_channel"),
    ("same channel name, another database", "others", "heard_channel"),
    ("the listened channel", "listeners", "heard_channel"),
)


def measure(listeners: int, commits: int) -> dict[str, Any]:
    """Server CPU seconds per way of notifying; ``skipped`` when PostgreSQL is missing."""
    import psycopg

    reason = pgcluster.missing_reason()
    if reason:
        return {"skipped": reason}
    settings: dict[str, object] = {"max_connections": listeners + 20}
    with pgcluster.Cluster(settings=settings) as cluster:
        urls = {db: cluster.create_database(db) for db in ("listeners", "others")}
        held = [psycopg.connect(urls["listeners"], autocommit=True) for _ in range(listeners)]
        try:
            for conn in held:
                conn.execute("LISTEN heard_channel")
            results: dict[str, Any] = {}
            for label, db, channel in WAYS:
                with psycopg.connect(urls[db], autocommit=True) as sender:
                    time.sleep(1.0)
                    before = cluster.cpu_seconds()
                    for i in range(commits):
                        sender.execute(f"NOTIFY {channel}, 'n{i}'")
                    time.sleep(1.0)  # the listeners' backends read the queue
                    spent = cluster.cpu_seconds() - before
                results[label] = {
                    "server_cpu_s": round(spent, 2),
                    "us_per_commit_and_listener": round(spent / commits / listeners * 1e6, 1),
                }
        finally:
            for conn in held:
                conn.close()
    return {"listeners": listeners, "commits": commits, "ways": results,
            "machine": figures.machine(), "load_average": figures.load_average()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_wakeups", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listeners", type=int, default=50, help="listening connections (50)")
    parser.add_argument("--commits", type=int, default=2000, help="notifying commits (2000)")
    args = parser.parse_args(argv)
    doc = measure(args.listeners, args.commits)
    if "skipped" in doc:
        print(f"skipped: {doc['skipped']}")
        return 0
    print(f"{doc['commits']} notifying commits, {doc['listeners']} listeners "
          f"(load average {doc['load_average']}):")
    for label, got in doc["ways"].items():
        print(f"  {label}: PostgreSQL CPU {got['server_cpu_s']} s, "
              f"{got['us_per_commit_and_listener']} us per commit and listener")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
