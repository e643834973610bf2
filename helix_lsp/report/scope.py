"""The range and filters of one report, as the SQL every reader of ``sources`` shares.

Each reader of a report asks the same questions of a session: is it one of
the project and owner asked for, does its whole active time lie in the range
(a *plain* session, counted from ``active_ms``), or must its history be
walked (see ``sources``' rules), and which candidate rows can indexes hand
over rather than a scan of the table. ``Scope`` answers them once, as SQL
conditions, so the readers differ only in what they add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from helix_lsp.report.period import Period
from helix_lsp.session import db
from helix_lsp.session.rollup import DAY

#: A range longer than this reads whole tables (an index walk over most rows is slower).
SCAN_DAYS: Final = 31
_END: Final = "CASE status WHEN 'paused' THEN last_paused_at ELSE ended_at END"


@dataclass(frozen=True)
class Scope:
    """The range and filters every query of one report shares."""

    period: Period
    timeline_from: int
    project: str | None
    owner: str | None = None  # None: every owner's sessions
    #: the running totals hold rows of several owners (summed when ``owner`` is None)
    owners: bool = False
    dialect: db.Dialect = db.SQLITE

    @property
    def scan(self) -> bool:
        return self.period.end_ms - self.period.start_ms > SCAN_DAYS * DAY

    def plain(self) -> str:
        """SQL: a session (no alias) whose whole active time lies in the range."""
        return f"(({self._finished()}) OR ({self._paused()}))"

    def _finished(self, ranked: bool = False, least: str = "1") -> str:
        """``least``: the smallest ``active_ms`` counted (SQL)."""
        start, end = self.period.start_ms, self.period.end_ms
        # (``+x``, ``CASE``: only ``ended_at`` picks the index, whose columns answer the
        # rest; ``ranked``: only ``active_ms`` does, read from the most active down)
        at, active = ("+ended_at", "active_ms") if ranked else ("ended_at", "+active_ms")
        return (
            f"{at} >= {start} AND {at} <= {end} AND +created_at >= {start} "
            f"AND {active} >= {least} "
            "AND CASE status WHEN 'completed' THEN 1 WHEN 'failed' THEN 1 ELSE 0 END = 1"
        )

    def _paused(self) -> str:
        start, end = self.period.start_ms, self.period.end_ms
        return (
            f"status = 'paused' AND created_at >= {start} AND last_paused_at <= {end} "
            "AND active_ms > 0"
        )

    def filters(self, alias: str = "") -> tuple[str, list[object]]:
        """SQL `` AND …`` of the project and owner (on columns of ``alias``), and parameters."""
        extra, params = "", list[object]()
        if self.project is not None:
            extra, params = f" AND {alias}project = ?", [self.project]
        if self.owner is not None:
            extra, params = f"{extra} AND {alias}owner = ?", [*params, self.owner]
        return extra, params

    def plain_parts(self, least: str) -> tuple[str, str, str, str, list[object]]:
        """SQL conditions (on ``sessions``) of the plain sessions that ended, of the
        same read from the most active down (a long range: most sessions are in it),
        of those at least ``least`` (SQL) active read so, and of the paused ones;
        and the parameters each takes."""
        extra, params = self.filters()
        finished = f"{self._finished()}{extra}"
        ranked = f"{self._finished(ranked=self.scan)}{extra}"
        most = f"{self._finished(ranked=self.scan, least=least)}{extra}"
        return finished, ranked, most, f"{self._paused()}{extra}", params

    def walked(self, windows: list[tuple[int, int]]) -> tuple[str, str]:
        """SQL: the sessions whose history is read (see the module's rules), and a
        query of candidate ``seq`` values holding them all that indexes answer."""
        start, end = self.period.start_ms, self.period.end_ms
        ended = f"coalesce({_END}, {end})"
        meets = [f"NOT coalesce(({self.plain()}), FALSE)"] + [
            f"(created_at < {high} AND ({_END}) > {low})" for low, high in windows
        ]
        condition = (
            f"(status = 'active' OR (active_ms > 0 AND status != 'idle')) "
            f"AND created_at < {end} AND (status = 'active' OR {ended} > {start}) "
            f"AND ({' OR '.join(meets)})"
        )
        lows = [end, *(low for low, _ in windows)]
        candidates = " UNION ALL ".join(
            [
                "SELECT seq FROM sessions WHERE status IN ('active', 'paused')",
                f"SELECT seq FROM sessions WHERE ended_at > {min(lows)}",
                # through the index on created_at: few sessions began before the range
                f"SELECT seq FROM sessions WHERE created_at < {start} AND +ended_at > {start}",
            ]
        )
        return condition, candidates

    def where(
        self, condition: str, join: str = "", candidates: str | None = None
    ) -> tuple[str, list[object]]:
        """``FROM … WHERE …`` of the candidate sessions meeting ``condition`` (and
        the project), with ``join`` added to the FROM list; and its parameters.
        ``candidates`` (a query of ``seq``) narrows the rows read through indexes."""
        conditions = [condition]
        if candidates is None and not self.scan:
            candidates = (
                f"SELECT seq FROM sessions WHERE ended_at > {self.period.start_ms} "
                "UNION ALL SELECT seq FROM sessions WHERE status IN ('active', 'paused')"
            )
        if candidates is not None:
            conditions.insert(0, f"sessions.seq IN ({candidates})")
        params: list[object] = []
        if self.project is not None:
            conditions.append("sessions.project = ?")
            params.append(self.project)
        if self.owner is not None:
            conditions.append("sessions.owner = ?")
            params.append(self.owner)
        # a long range reads the table in order: the planner would otherwise walk
        # the partial index on ended_at and fetch every row from it, 20 times slower
        table = self.dialect.not_indexed if self.scan and candidates is None else "sessions"
        return f"{table}{join} WHERE {' AND '.join(conditions)}", params


__all__ = ["SCAN_DAYS", "Scope"]
