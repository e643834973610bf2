"""One of two processes writing to one store at once (see test_two_processes); the
store is a SQLite path or a PostgreSQL URL."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from helix_lsp.session import InvalidTransitionError, SessionManager


def main(path: str, label: str, count: int, start_at: float) -> None:
    done: dict[str, Any] = {"created": [], "completed": [], "refused": 0}
    with SessionManager(path) as mgr:
        shared = mgr.get("shared")
        time.sleep(max(0.0, start_at - time.time()))  # both begin together, so writes interleave
        done["began"] = time.time()
        for i in range(count):
            sess = mgr.create(f"{label}-{i}", "building", f"proj-{label}-{i % 3}", tags=[label])
            done["created"].append(sess.id)
            mgr.start(sess.id)
            mgr.set_context(sess.id, "current_line", str(i))
            mgr.set_metadata(shared.id, f"{label}-{i}", str(i))
            mgr.add_tag("shared", f"{label}{i % 20}")
            try:  # both processes fight over the shared session's lifecycle
                mgr.pause("shared") if i % 2 else mgr.resume("shared")
            except InvalidTransitionError:
                done["refused"] += 1
            if i % 2:
                mgr.complete(sess.id)
                done["completed"].append(sess.id)
            else:
                mgr.pause(sess.id)
        done["ended"] = time.time()
    print(json.dumps(done))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
