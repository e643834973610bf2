"""Activity taken while a PostgreSQL store is unreachable waits in bounded memory.

An outage of an hour with the editor in use must not grow the server without
limit, and what is kept must still say where the work began and where it is
now: past ``POINTS_LIMIT`` moments the batch is thinned, keeping the first and
the latest, and nothing is written (or tried) until the store is back.
"""

from __future__ import annotations

from helix_lsp.server.cursor import POINTS_LIMIT, CursorTracker
from helix_lsp.server.paths import DEFAULT_EXCLUDES, Excludes, Location
from helix_lsp.session import SessionManager


async def test_moves_during_an_outage_stay_bounded_and_keep_the_latest(
    mgr: SessionManager,
) -> None:
    sess = mgr.create("offline", project="p", start=True)
    reachable = False
    tracker = CursorTracker(mgr, Excludes(DEFAULT_EXCLUDES), hide=None, idle_minutes=0,
                            on_write=lambda lifecycle: None, can_write=lambda: reachable)
    files = [Location(f"/w/{n}.py", None, "p", f"{n}.py") for n in ("a", "b", "c")]
    moves = 20 * POINTS_LIMIT
    for i in range(moves):  # alternating files: nothing coalesces
        tracker.moved(files[i % 3], i, 0)
    assert tracker.pending
    assert tracker.flush() is False and tracker.writes == 0
    batch = tracker._pending["p"]
    assert len(batch.moments) <= POINTS_LIMIT
    assert batch.moments[0].position is not None and batch.moments[0].position.line == 0
    assert batch.latest is not None and batch.latest.line == moves - 1
    assert mgr.get(sess.id).context == {}  # nothing written while unreachable

    reachable = True  # the store is back: written in one go
    assert tracker.flush() is True and tracker.writes == 1
    last = files[(moves - 1) % 3].relative
    assert mgr.get(sess.id).context["current_file"] == last
    assert mgr.get(sess.id).context["current_line"] == str(moves)
