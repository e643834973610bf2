"""Activity waiting to be written: positions, moments and one project's batch of them.

A batch keeps each moment with its own timestamp, so that the time between
two moments goes to the file in effect before the second; a run of moves in
one file keeps only its first and latest moment, which attribute the same
time. :class:`~helix_lsp.server.cursor.CursorTracker` writes a batch at most
about once per second, or, while the store is unreachable, keeps it bounded
with :meth:`Batch.thin`.
"""

from __future__ import annotations

import attrs

from helix_lsp.server.paths import Location


@attrs.define
class Pending:
    """A position (0-based, as in LSP) not yet written."""

    location: Location
    line: int
    character: int
    taken_ms: int  # wall clock, as the store's timestamps: who was active then?


@attrs.define
class Moment:
    """One moment of activity: a position, or (``position`` None) an edit or command."""

    at: int
    position: Pending | None


@attrs.define
class Batch:
    """One project's activity since its last write: the moments and the latest position."""

    moments: list[Moment] = attrs.field(factory=list)
    latest: Pending | None = None

    def add(self, moment: Moment) -> None:
        """Append ``moment``; a run in one file keeps its first and latest moment only.

        The time between moments goes to the file in effect before each, so
        the moments in between of such a run change no figure.
        """
        moments = self.moments
        if moments and _same_place(moments[-1], moment) and (
            moment.position is None or (len(moments) > 1 and _same_place(moments[-2], moment))
        ):
            moments[-1] = moment
        else:
            moments.append(moment)
        if moment.position is not None:
            self.latest = moment.position

    @property
    def taken_ms(self) -> int:
        return self.moments[-1].at

    def thin(self) -> None:
        """Halve the moments, keeping the first and the latest (the store is away)."""
        moments = self.moments
        if len(moments) > 2:
            self.moments = [*moments[:-1:2], moments[-1]]


def _same_place(a: Moment, b: Moment) -> bool:
    if a.position is None or b.position is None:
        return a.position is None and b.position is None
    return a.position.location.relative == b.position.location.relative


__all__ = ["Batch", "Moment", "Pending"]
