"""``python -m bench [--quick] [--json]``: run the benchmark and print the figures.

The table goes to stdout; with ``--json`` stdout holds only the JSON document
(progress lines go to stderr either way), so the smoke test and scripts can
parse it. ``--quick`` runs every workload with small counts and asserts
nothing about speed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import shlex
import sys
from typing import Any

from bench import oneline, report, report_render, runner


def _clean(value: Any) -> Any:
    """NaN is not JSON: missing figures become null."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _standalone(args: argparse.Namespace, log: Any) -> dict[str, Any]:
    """The figures measured without a server: the prompt line and rendering a report."""
    runs = args.prompt_runs or (3 if args.quick else 30)
    log(f"prompt line: session active --format, {runs} runs against python3 -c pass")
    sessions = args.report_sessions or (2_000 if args.quick else 100_000)
    prompt = oneline.measure(runs)
    log(f"report: a year of {sessions} sessions rendered as text and HTML")
    rendered = report_render.measure(runs=1 if args.quick else 5, sessions=sessions)
    return {
        "oneline": {"runs": runs, **prompt},
        "report_render": {"sessions": sessions, **rendered},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts (the smoke test)")
    parser.add_argument("--json", action="store_true", help="print the JSON document only")
    parser.add_argument("--save", metavar="PATH", help="also write the JSON document to PATH")
    parser.add_argument("--burst", type=int, help="cursor notifications per burst")
    parser.add_argument("--requests", type=int, help="samples per request figure")
    parser.add_argument("--startups", type=int, help="spawns per server for the startup figure")
    parser.add_argument("--cycles", type=int, help="pause/resume cycles")
    parser.add_argument("--sessions", type=int, help="sessions in the scale store")
    parser.add_argument("--prompt-runs", type=int, help="runs per command for the prompt line")
    parser.add_argument("--report-sessions", type=int, help="sessions in the report's year")
    parser.add_argument("--propagations", type=int, help="status propagation samples per store")
    parser.add_argument(
        "--no-postgres", action="store_true", help="leave out PostgreSQL vs SQLite"
    )
    parser.add_argument(
        "--helix-cmd",
        metavar="CMD",
        help="the command that starts helix-lsp (default: this Python with -m helix_lsp); "
        "--db PATH is appended, e.g. 'helix-lsp --stock-transport'",
    )
    args = parser.parse_args(argv)
    cfg = runner.Config.quick() if args.quick else runner.Config()
    changes = {
        key: value
        for key, value in (
            ("burst", args.burst),
            ("requests", args.requests),
            ("startups", args.startups),
            ("cycles", args.cycles),
            ("scale_sessions", args.sessions),
            ("propagations", args.propagations),
            ("postgres", False if args.no_postgres else None),
        )
        if value is not None
    }
    cfg = dataclasses.replace(cfg, **changes)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    helix_cmd = shlex.split(args.helix_cmd) if args.helix_cmd else None
    doc = runner.run_benchmark(cfg, quick=args.quick, helix_cmd=helix_cmd, log=log)
    doc["figures"].update(_standalone(args, log))
    doc["meta"]["command"] = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    doc["targets"] = report.targets_json(doc["figures"])
    text = json.dumps(_clean(doc), indent=2)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    if args.json:
        print(text)
    else:
        print(report.table(doc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
