"""The targets, and the table a person reads.

Targets are judged on the same run's figures: ratios against the baseline
where the target is a ratio, absolute times only for the scale queries, whose
targets are absolute. ``met`` is recorded in the JSON next to each value.
"""

from __future__ import annotations

import math
from typing import Any

Target = tuple[str, str, float, float, bool]  # name, target text, value, limit, met


def _check(name: str, text: str, value: float, limit: float, extra: bool = True) -> Target:
    met = bool(extra) and not math.isnan(value) and value <= limit
    return name, text, value, limit, met


def targets(fig: dict[str, Any]) -> list[Target]:
    """Every target of the issue, evaluated."""
    out = [
        _check("startup", "ratio p50 <= 1.0", fig["startup"]["ratio_p50"], 1.0),
        *(
            [_check("startup with a session to resolve",
                    "ratio p50 <= 1.0, paused as of its last activity",
                    fig["startup_away"]["ratio_p50"], 1.0, fig["startup_away"]["resolved"])]
            if "startup_away" in fig else []
        ),
        _check("read command", "ratio p50 <= 0.45", fig["read_command"]["ratio_p50"], 0.45),
        _check(
            "mutating command (durable)",
            "ratio p50 <= 0.6, committed before the reply",
            fig["mutating_command"]["ratio_p50"],
            0.6,
            fig["mutating_command"]["durable"],
        ),
        _check(
            "cursor notification",
            "ratio p50 <= 0.1, latest position returned",
            fig["cursor_notification"]["ratio_p50"],
            0.1,
            fig["cursor_notification"]["latest_position_returned"],
        ),
        _check(
            "commits during cursor moves",
            "<= 2 per second (burst and steady)",
            max(
                fig["cursor_commits"]["per_second"],
                fig["cursor_commits"]["sustained"]["per_second"],
            ),
            2.0,
            fig["cursor_commits"]["sustained"]["latest_position_returned"],
        ),
    ]
    sc = fig["scale"]
    n = sc["sessions"]
    out.append(
        _check(f"startup, {n} sessions", "ratio p50 <= 1.0", sc["startup"]["ratio_p50"], 1.0)
    )
    for label, figure in sc["list"].items():
        out.append(
            _check(
                f"list [{label}] limit 50, {n} sessions", "p50 <= 5 ms", figure["helix"]["p50"], 5.0
            )
        )
    out.append(_check(f"stats, {n} sessions", "p50 <= 50 ms", sc["stats"]["helix"]["p50"], 50.0))
    out.append(_check(f"peak RSS, {n} sessions", "ratio <= 1.3", sc["rss"]["ratio"], 1.3))
    if "export" in sc:
        ex = sc["export"]
        out.append(_check(f"export all, {n} sessions: longest wait of another request",
                          "<= 100 ms", ex["longest_wait_ms"], 100.0, ex["requests_meanwhile"] > 0))
        out.append(_check(f"export all, {n} sessions: peak RSS", "ratio <= 1.3",
                          ex["rss_ratio"], 1.3))
    out += _postgres_targets(fig.get("postgres") or {})
    if "oneline" in fig:
        out.append(
            _check(
                "prompt line (session active --format)",
                "ratio p50 <= 4 vs python3 -c pass",
                fig["oneline"]["oneline_ratio"],
                4.0,
            )
        )
    if "report_render" in fig:
        rr = fig["report_render"]
        out.append(
            _check(
                f"report page, a year of {rr['sessions']} sessions",
                "<= 1,000,000 bytes",
                rr["report_html_bytes"],
                1_000_000.0,
            )
        )
    return out


def _postgres_targets(pg: dict[str, Any]) -> list[Target]:
    """PostgreSQL over loopback against SQLite, when it was measured."""
    if "read_command" not in pg:
        return []
    out = [
        _check("PostgreSQL read command", "p50 <= 2x SQLite's",
               pg["read_command"]["ratio_p50"], 2.0),
        _check("PostgreSQL mutating command", "p50 <= 3x SQLite's, committed before the reply",
               pg["mutating_command"]["ratio_p50"], 3.0,
               pg["mutating_command"]["committed_before_reply"]),
    ]
    prop = pg.get("propagation")
    if prop:
        out.append(_check("PostgreSQL status propagation to another server", "p50 <= 100 ms",
                          prop["postgres"]["p50"], 100.0, prop["postgres"]["missed"] == 0))
    sc = pg.get("scale")
    if sc:
        n = sc["sessions"]
        for label, figure in sc["list"].items():
            out.append(_check(f"PostgreSQL list [{label}], {n} sessions", "p50 <= 2x SQLite's",
                              figure["ratio_p50"], 2.0))
        out.append(_check(f"PostgreSQL stats, {n} sessions", "p50 <= 2x SQLite's",
                          sc["stats"]["ratio_p50"], 2.0))
    return out


def postgres_lines(pg: dict[str, Any]) -> list[str]:
    """The PostgreSQL section of the table: its own columns, SQLite beside it."""
    if not pg:
        return []
    if "skipped" in pg:
        return ["", f"PostgreSQL vs SQLite: skipped, {pg['skipped']}"]
    rows = [["PostgreSQL vs SQLite (same run)", "unit", "sqlite p50", "sqlite p99",
             "pg p50", "pg p99", "ratio p50", "ratio p99", "n"]]

    def row(label: str, f: dict[str, Any]) -> list[str]:
        a, b = f["sqlite"], f["postgres"]
        return [label, "ms", _num(a["p50"]), _num(a["p99"]), _num(b["p50"]), _num(b["p99"]),
                _num(f["ratio_p50"], 2) + "x", _num(f["ratio_p99"], 2) + "x", str(b["n"])]

    rows.append(row("read: session.get", pg["read_command"]))
    rows.append(row("mutating: pause/resume", pg["mutating_command"]))
    sc = pg.get("scale")
    if sc:
        for label, figure in sc["list"].items():
            rows.append(row(f"list [{label}], {sc['sessions']}", figure))
        rows.append(row(f"stats, {sc['sessions']}", sc["stats"]))
    prop = pg.get("propagation")
    if prop:
        a, b = prop["sqlite"], prop["postgres"]
        rows.append(["status reaches another server", "ms", _num(a["p50"]), _num(a["p99"]),
                     _num(b["p50"]), _num(b["p99"]), _num(_ratio(b["p50"], a["p50"]), 2) + "x",
                     _num(_ratio(b["p99"], a["p99"]), 2) + "x", str(b["n"])])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    notes = [f"PostgreSQL {pg['server_version']} on 127.0.0.1, {pg['settings']}; "
             f"mutating replies committed: {pg['mutating_command']['committed_before_reply']}"]
    if prop:
        notes.append(f"propagation missed (> {prop['timeout_s']:.0f} s): SQLite "
                     f"{prop['sqlite']['missed']}, PostgreSQL {prop['postgres']['missed']}")
    if sc and sc.get("postgres_import_seconds") is not None:
        notes.append(f"{sc['sessions']} sessions imported into PostgreSQL by the core in "
                     f"{_num(sc['postgres_import_seconds'])} s (cached for later runs)")
    return ["", *lines, *notes]


def _ratio(a: float, b: float) -> float:
    return a / b if b and not math.isnan(b) else math.nan


def _standalone_lines(fig: dict[str, Any]) -> list[str]:
    """The prompt line and report rendering figures, when measured."""
    lines = []
    if "oneline" in fig:
        ol = fig["oneline"]
        lines.append(
            f"prompt line (session active --format, {ol['runs']} runs): "
            f"{_num(ol['oneline_ms'])} ms vs python3 -c pass {_num(ol['python_pass_ms'])} ms "
            f"({_num(ol['oneline_ratio'], 2)}x); without site-packages "
            f"{_num(ol['oneline_bare_ms'])} ms vs {_num(ol['python_bare_ms'])} ms "
            f"({_num(ol['oneline_bare_ratio'], 2)}x)"
        )
    if "report_render" in fig:
        rr = fig["report_render"]
        lines.append(
            f"report of a year, {rr['sessions']} sessions: adding up {_num(rr['report_aggregate_ms'])} ms, "
            f"text {_num(rr['report_text_ms'])} ms, HTML {_num(rr['report_html_ms'])} ms p50, "
            f"page {rr['report_html_bytes']:.0f} bytes"
        )
    return lines


def targets_json(fig: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": name, "target": text, "value": value, "limit": limit, "met": met}
        for name, text, value, limit, met in targets(fig)
    ]


def _num(value: float, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


def _row(label: str, figure: dict[str, Any], unit: str) -> list[str]:
    b, h = figure["baseline"], figure["helix"]
    return [
        label,
        unit,
        _num(b["p50"]),
        _num(b["p99"]),
        _num(h["p50"]),
        _num(h["p99"]),
        _num(figure["ratio_p50"], 2) + "x",
        _num(figure["ratio_p99"], 2) + "x",
        str(h["n"]),
    ]


def _export_line(sc: dict[str, Any]) -> list[str]:
    ex = sc.get("export")
    if ex is None:
        return []
    return [
        f"export all {sc['sessions']} sessions: {_num(ex['seconds'])} s; meanwhile "
        f"{ex['requests_meanwhile']} list requests answered, median wait "
        f"{_num(ex.get('median_wait_ms', 0.0))} ms, longest {_num(ex['longest_wait_ms'])} ms "
        f"(across the reply itself: {_num(ex.get('wait_across_the_reply_ms', 0.0))} ms); "
        f"peak RSS after it {ex['peak_rss_kib']} KiB ({_num(ex['rss_ratio'], 2)}x the baseline)"
    ]


def table(doc: dict[str, Any]) -> str:
    """Aligned plain-text table: figures, then targets, then the machine."""
    fig, meta = doc["figures"], doc["meta"]
    rows = [
        [
            "figure",
            "unit",
            "base p50",
            "base p99",
            "helix p50",
            "helix p99",
            "ratio p50",
            "ratio p99",
            "n",
        ]
    ]
    rows.append(_row("startup: spawn -> initialize", fig["startup"], "ms"))
    if "startup_away" in fig:
        rows.append(_row("  session to resolve -> shutdown reply", fig["startup_away"], "ms"))
    rows.append(_row("read: session.get vs no-op", fig["read_command"], "ms"))
    rows.append(_row("  same, one by one (server idle)", fig["read_command_interleaved"], "ms"))
    rows.append(_row("mutating: pause/resume vs no-op", fig["mutating_command"], "ms"))
    cursor = fig["cursor_notification"]
    rows.append(
        _row(f"cursorMoved, burst of {cursor['notifications_per_burst']}", cursor, "us/msg")
    )
    sc = fig["scale"]
    n = sc["sessions"]
    rows.append(_row(f"startup, {n} sessions", sc["startup"], "ms"))
    for label, figure in sc["list"].items():
        rows.append(_row(f"list [{label}] vs no-op, {n}", figure, "ms"))
    rows.append(_row(f"stats vs no-op, {n}", sc["stats"], "ms"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    commits = fig["cursor_commits"]
    steady = commits["sustained"]
    rss, srss = fig["peak_rss"], sc["rss"]
    lines += [
        "",
        f"store commits during cursor bursts: {commits['commits']} in "
        f"{commits['burst_seconds']} s (max {commits['per_second']:.2f}/s over >= 1 s); "
        f"in the {commits['settle_seconds']} s after: {commits['commits_after_burst']}, "
        f"latest position on disk: {commits['latest_position_on_disk_after_settle']}; "
        f"helix/status sent: {commits['status_notifications']}",
        f"store commits during {steady['seconds']} s of {steady['rate_per_second']} cursor "
        f"moves/s: {steady['commits']} ({steady['per_second']:.2f}/s)",
        f"mutating commands durable: {fig['mutating_command']['durable']} "
        f"({fig['mutating_command']['durability_checks']} on-disk checks); "
        f"this disk's fsync of 4 KiB: p50 {_num(fig['disk_fsync']['p50'])} ms, "
        f"p99 {_num(fig['disk_fsync']['p99'])} ms",
        f"peak RSS (VmHWM): baseline {rss['baseline']} KiB, helix {rss['helix']} KiB "
        f"({_num(rss['ratio'], 2)}x); with {n} sessions: helix {srss['helix']} KiB "
        f"({_num(srss['ratio'], 2)}x)",
        f"cold first calls with {n} sessions: "
        + ", ".join(f"list[{k}] {_num(v['cold_ms'])} ms" for k, v in sc["list"].items())
        + f", stats {_num(sc['stats']['cold_ms'])} ms",
        *_export_line(sc),
        *_standalone_lines(fig),
        *postgres_lines(fig.get("postgres") or {}),
        "",
        "targets:",
    ]
    for name, text, value, _limit, met in targets(fig):
        lines.append(f"  [{'met' if met else 'MISSED'}] {name}: {_num(value)} ({text})")
    m = meta["machine"]
    lines += [
        "",
        f"{meta['helix_version']} at {meta['source']['commit']} "
        f"({meta['source']['helix_lsp_uncommitted_files']} uncommitted files in helix_lsp/); "
        f"{m['nproc']} x {m['cpu']}; Python {m['python']}; "
        f"load average before {meta['load_average_before']}, after {meta['load_average_after']}; "
        f"{meta['seconds']} s",
    ]
    return "\n".join(lines)
