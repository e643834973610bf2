"""The HTML report: one self-contained page with charts and the same numbers in tables.

Charts are drawn by Chart.js (a pinned build vendored in ``assets/``),
inlined into the page with the page's own script; the data travels as a JSON
block. Nothing is ever fetched: the page's Content-Security-Policy allows no
source at all except its own inline script and style, which carry a nonce
(VS Code's webview passes its own). Colours come from CSS variables, which
follow ``prefers-color-scheme`` and VS Code's ``body.vscode-dark`` /
``vscode-light`` classes, so the page matches the theme it is shown in.

A year of data stays well under a megabyte: the charts show the top
sessions, files and projects and the last days of the timeline; the tables
list every day and the top entries of the rest.
"""

from __future__ import annotations

import bisect
import html
import json
import secrets
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from importlib import resources
from typing import Any

from helix_lsp.report import fmt
from helix_lsp.report.model import Report
from helix_lsp.report.period import midnight_ms

#: Entries shown in the charts (ranked lists) and in the tables below them.
CHART_TOP = 15
TABLE_TOP = 25
#: The timeline shows at most this many of the range's last days, and this many bars.
TIMELINE_DAYS = 14
TIMELINE_BARS = 2500
#: Intervals of one mode closer than this (a minute, in hours) are drawn as one bar.
JOIN_HOURS = 1 / 60
DAY_MS = 25 * 3_600_000


@cache
def _asset(name: str) -> str:
    """A file of ``assets/``, checked to be safe to inline in a script or style element."""
    text = resources.files("helix_lsp.report").joinpath("assets").joinpath(name).read_text("utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise RuntimeError(f"assets/{name} cannot be inlined: it would end its element.")
    return text


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _hours(seconds: float) -> float:
    return round(seconds / 3600, 4)


def _clock_hours(ms: int, zone: tzinfo) -> float:
    """The local time of day of ``ms`` in hours (09:30 is 9.5)."""
    moment = datetime.fromtimestamp(ms / 1000, zone)
    return round(moment.hour + moment.minute / 60 + moment.second / 3600, 3)


def _names(report: Report, ids: set[str]) -> dict[str, str]:
    return {s.id: s.name for s in report.sessions if s.id in ids}


def _timeline(report: Report) -> dict[str, Any]:
    """The last days' active intervals as bars: ``[day row, from hour, to hour, mode, name]``.

    Intervals are cut at local midnight; touching intervals of one mode
    become one bar, so a busy day stays a few dozen bars.
    """
    zone = fmt.zone_of(report)
    days = [date.fromisoformat(d.date) for d in report.by_day][-TIMELINE_DAYS:]
    if not days:
        return {"days": [], "bars": []}
    edges = [midnight_ms(d, zone) for d in days]
    edges.append(midnight_ms(days[-1] + timedelta(days=1), zone))
    bars: list[list[Any]] = []
    # intervals lie within one day (25 hours at most): look no further back than that
    first = bisect.bisect_left(report.timeline, edges[0] - DAY_MS, key=lambda i: i.start_ms)
    for iv in report.timeline[first:]:
        if iv.end_ms <= edges[0]:
            continue
        row = max(0, bisect.bisect_right(edges, iv.start_ms) - 1)
        start = max(iv.start_ms, edges[0])
        while start < iv.end_ms and row < len(days):
            stop = min(iv.end_ms, edges[row + 1])
            begin = _clock_hours(start, zone)
            end = 24.0 if stop == edges[row + 1] else _clock_hours(stop, zone)
            last = bars[-1] if bars else None
            if last and last[0] == row and last[3] == iv.mode and begin - last[2] <= JOIN_HOURS:
                last[2] = max(last[2], end)
            else:
                bars.append([row, begin, end, iv.mode, iv.session_id])
            start, row = stop, row + 1
    while len(bars) > TIMELINE_BARS and len(days) > 1:  # keep the newest days
        days = days[1:]
        bars = [[b[0] - 1, *b[1:]] for b in bars if b[0] > 0]
    names = _names(report, {b[4] for b in bars})
    for b in bars:
        b[4] = names.get(b[4], b[4])
    return {"days": [fmt.weekday(d.isoformat()) for d in days], "bars": bars}


def _day_label(day: str, days: int) -> str:
    """``Tue 24`` in a month's report, the date in a longer one."""
    when = datetime.fromisoformat(day)
    return f"{when:%a} {when.day}" if days <= 31 else day


def chart_data(report: Report) -> dict[str, Any]:
    """What the page's script draws, in hours, already ranked and cut to the top entries."""
    modes = [m for m in fmt.modes_of(report) if report.by_mode.get(m, 0) > 0] or list(
        fmt.MODE_LETTERS
    )
    projects = list(report.by_project.items())
    several = len({f.project for f in report.files[:CHART_TOP]}) > 1
    return {
        "modes": modes,
        "days": {
            "labels": [_day_label(d.date, len(report.by_day)) for d in report.by_day],
            "series": {m: [_hours(d.by_mode.get(m, 0)) for d in report.by_day] for m in modes},
        },
        "byMode": {"labels": modes, "values": [_hours(report.by_mode.get(m, 0)) for m in modes]},
        "projects": {
            "labels": [p for p, _ in projects[:CHART_TOP]],
            "values": [_hours(s) for _, s in projects[:CHART_TOP]],
        },
        "sessions": {
            "labels": [s.name for s in report.sessions[:CHART_TOP]],
            "values": [_hours(s.seconds) for s in report.sessions[:CHART_TOP]],
            "modes": [s.mode for s in report.sessions[:CHART_TOP]],
        },
        "files": {
            "labels": [
                f"{f.name} ({f.project})" if several else f.name for f in report.files[:CHART_TOP]
            ],
            "values": [_hours(f.seconds) for f in report.files[:CHART_TOP]],
        },
        "timeline": _timeline(report),
    }


def _table(
    caption: str, header: list[str], rows: list[list[str]], more: int = 0, numeric: int = 1
) -> str:
    """An accessible table: a row header first, the last ``numeric`` columns right-aligned."""
    if not rows:
        return f'<p class="empty">{_e(caption)}: nothing recorded.</p>'
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    first_num = len(header) - numeric
    body = "".join(
        f'<tr><th scope="row">{_e(r[0])}</th>'
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i >= first_num else f"<td>{_e(c)}</td>"
            for i, c in enumerate(r[1:], start=1)
        )
        + "</tr>"
        for r in rows
    )
    note = f'<p class="more">… and {more} more, not listed.</p>' if more else ""
    return (
        f"<table><caption>{_e(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{note}"
    )


def _section(
    key: str,
    title: str,
    description: str,
    table: str,
    *,
    tall: bool = False,
    open_table: bool = False,
) -> str:
    cls = "chart tall" if tall else "chart"
    return (
        f'<section aria-labelledby="h-{key}"><h2 id="h-{key}">{_e(title)}</h2>'
        f'<div class="{cls}"><canvas id="chart-{key}" role="img" '
        f'aria-label="{_e(title)}: {_e(description)} The numbers are in the table below.">'
        f"{_e(description)}</canvas></div>"
        f"<details{' open' if open_table else ''}><summary>{_e(title)}: the numbers</summary>"
        f"{table}</details></section>"
    )


def _summary(report: Report) -> str:
    top_mode = max(report.by_mode.items(), key=lambda kv: kv[1], default=("-", 0.0))
    top_project = next(iter(report.by_project), "-")
    facts = [
        ("Active time", fmt.duration(report.total_seconds)),
        ("Sessions", str(report.sessions_total)),
        ("Active days", f"{fmt.active_days(report)} of {len(report.by_day)}"),
        ("Top mode", top_mode[0] if top_mode[1] > 0 else "-"),
        ("Top project", top_project),
    ]
    nothing = report.total_seconds <= 0
    return (
        ('<p class="empty">No active time was recorded in this range.</p>' if nothing else "")
        + '<dl class="totals">'
        + "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in facts)
        + "</dl>"
    )


def _sections(report: Report) -> str:
    total = report.total_seconds
    modes = fmt.modes_of(report)
    day_rows = [
        [
            fmt.weekday(d.date),
            *(fmt.duration(d.by_mode.get(m, 0)) for m in modes),
            fmt.duration(d.seconds),
        ]
        for d in report.by_day
    ]
    sessions = report.sessions[:TABLE_TOP]
    parts = [
        _section(
            "days",
            "Time per day, by mode",
            "Stacked bars of active hours per day, one colour per mode.",
            _table(
                "Active time per day and mode",
                ["day", *modes, "total"],
                day_rows,
                numeric=len(modes) + 1,
            ),
        ),
        _section(
            "modes",
            "Time per mode",
            "Bars of active hours per mode.",
            _table(
                "Active time per mode",
                ["mode", "time", "share"],
                [
                    [m, fmt.duration(s), fmt.percent(s, total)]
                    for m, s in report.by_mode.items()
                    if s > 0
                ],
                numeric=2,
            ),
        ),
        _section(
            "projects",
            "Time per project",
            "Bars of active hours per project.",
            _table(
                "Active time per project",
                ["project", "time", "share"],
                [[p, fmt.duration(s), fmt.percent(s, total)] for p, s in report.by_project.items()],
                numeric=2,
            ),
        ),
        _section(
            "sessions",
            "Top sessions",
            f"Bars of the {CHART_TOP} sessions with the most active time, in their mode's colour.",
            _table(
                "Sessions by active time",
                ["session", "project", "mode", "status", "time"],
                [[s.name, s.project, s.mode, s.status, fmt.duration(s.seconds)] for s in sessions],
                max(0, report.sessions_total - TABLE_TOP),
            ),
            tall=True,
            open_table=True,
        ),
        _section(
            "files",
            "Top files",
            f"Bars of the {CHART_TOP} files with the most active time.",
            _table(
                "Files by active time",
                ["file", "project", "time"],
                [[f.name, f.project, fmt.duration(f.seconds)] for f in report.files[:TABLE_TOP]],
                max(0, len(report.files) - TABLE_TOP),
            ),
            tall=True,
            open_table=True,
        ),
        _section(
            "timeline",
            "Timeline of active intervals",
            f"When each session was active, one row per day (the last {TIMELINE_DAYS} days "
            "at most), hours of the day across.",
            _timeline_table(report),
            tall=True,
        ),
        '<section aria-labelledby="h-branches"><h2 id="h-branches">Branches</h2>'
        + _table(
            "Branches by active time",
            ["branch", "project", "time"],
            [[b.name, b.project, fmt.duration(b.seconds)] for b in report.branches[:TABLE_TOP]],
            max(0, len(report.branches) - TABLE_TOP),
        )
        + "</section>",
    ]
    return "".join(parts)


def _timeline_table(report: Report) -> str:
    shown = report.timeline[-TABLE_TOP:]
    names = _names(report, {i.session_id for i in shown})
    rows = [
        [
            names.get(i.session_id, i.session_id),
            i.mode,
            f"{fmt.local(i.start_ms, report):%Y-%m-%d %H:%M}",
            f"{fmt.local(i.end_ms, report):%Y-%m-%d %H:%M}",
            fmt.duration((i.end_ms - i.start_ms) / 1000),
        ]
        for i in shown
    ]
    return _table(
        "The latest active intervals",
        ["session", "mode", "from", "to", "time"],
        rows,
        max(0, len(report.timeline) - TABLE_TOP),
    )


def _json_block(data: Any) -> str:
    """JSON that cannot end the script element it sits in."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(report: Report, nonce: str | None = None) -> str:
    """The whole page. ``nonce`` is the CSP nonce of its script and style (random if None)."""
    nonce = nonce or secrets.token_urlsafe(18)
    n = _e(nonce)
    csp = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    title = f"Helix report · {fmt.range_label(report)}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{_e(title)}</title>"
        f'<style nonce="{n}">{_asset("report.css")}</style></head>'
        "<body><header><h1>Helix report</h1>"
        f'<p class="range">{_e(fmt.range_label(report))} · {_e(report.tz)} · '
        f"{_e(fmt.scope(report))}</p>{_summary(report)}</header>"
        f"<main>{_sections(report)}</main>"
        f'<script type="application/json" id="report-data">{_json_block(chart_data(report))}'
        "</script>"
        f'<script nonce="{n}">{_asset("chart.umd.min.js")}</script>'
        f'<script nonce="{n}">{_asset("report.js")}</script>'
        "</body></html>\n"
    )
