"""How session times are taken when the computer's clock jumps.

Clocks go wrong: a laptop boots with last week's time until it reaches a
time server, a user sets the date ahead to try something, a virtual machine
resumes with the clock it was saved with. Every time the core records is the
clock's, so one wrong reading must not corrupt durations. The rules:

1. **An event is stamped with the clock**, raised to the earlier events it must
   follow (the session's last change; for a pause, the project's latest pause
   plus 1 ms, so that "the most recently paused" is never a tie), unless such
   an earlier event lies more than ``SKEW_MS`` ahead of the clock. Small steps
   back (a time-server correction) so never reorder a session's history, and a
   time stamped by a clock that ran far ahead is not carried into every later
   event: the clock is trusted again at once.
2. **An end is never recorded before its start**: a session started while the
   clock ran ahead and ended with the right one shows ``endedAt`` equal to
   ``startedAt``.
3. **An active interval cannot have begun before what preceded it.** It
   certainly began after the session's creation (first interval) or its last
   pause (later ones), and the first one after the creation of the session
   committed just before it. When such a time lies after the interval's
   recorded start and not after its end, the clock was behind when the
   interval began, and the interval counts from that time instead. A time
   after the interval's end came from a clock that ran ahead and is ignored.
4. **No interval is negative**: each counts ``max(0, end - start)``.

So a session created with the clock a year ahead and then started and
completed with the right clock counts the real minutes between the two; one
started with the clock a day behind counts from the moment it provably
existed, not a day of work. What no record can reveal stays as the clock
said: a session whose whole history (and the one created before it) was
stamped by the same wrong clock looks like a long session.
"""

from __future__ import annotations

from typing import Final

SKEW_MS: Final = 60_000
"""How far an earlier event may lie ahead of the clock and still hold it back."""


def event_time(now: int, *earlier: int | None) -> int:
    """``now``, raised to each ``earlier`` event within ``SKEW_MS`` ahead of it (rule 1)."""
    at = now
    for event in earlier:
        if event is not None and at < event <= now + SKEW_MS:
            at = event
    return at


def interval_start(began: int, end: int, *preceding: int | None) -> int:
    """When an interval recorded as starting at ``began`` and ending at ``end``
    certainly started: ``began``, raised to each ``preceding`` event that is not
    after ``end`` (rule 3)."""
    start = began
    for event in preceding:
        if event is not None and start < event <= end:
            start = event
    return start
