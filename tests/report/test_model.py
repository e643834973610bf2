"""The report object reads back what it writes, and refuses malformed input by name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helix_lsp.report.model import Report
from helix_lsp.session import InvalidArgumentError
from tests.report.samples import three_days


def test_a_report_survives_a_json_round_trip() -> None:
    report = three_days()
    text = json.dumps(report.to_json())
    assert Report.from_json(json.loads(text)) == report


def test_the_contract_fields_come_first_and_timeline_intervals_are_utc() -> None:
    payload = three_days().to_json()
    assert list(payload) == [
        "from",
        "to",
        "tz",
        "project",
        "totalSeconds",
        "byDay",
        "byMode",
        "byProject",
        "sessionCount",
        "sessions",
        "files",
        "branches",
        "timeline",
    ]
    assert payload["from"] == "2026-11-27T23:00:00.000Z"
    assert payload["timeline"][0] == {
        "sessionId": "s2",
        "start": "2026-11-28T08:00:00.000Z",
        "end": "2026-11-28T09:30:00.000Z",
        "mode": "building",
    }


def test_a_server_answer_without_the_extra_fields_reads_as_utc_and_all_projects() -> None:
    payload = three_days().to_json()
    for key in ("tz", "project", "timeline"):
        del payload[key]
    report = Report.from_json(payload)
    assert (report.tz, report.project, report.timeline) == ("UTC", None, [])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"totalSeconds": "lots"}, "totalSeconds must be a number of seconds"),
        ({"totalSeconds": -1}, "totalSeconds must be a number of seconds"),
        ({"from": "yesterday"}, "from 'yesterday' is not an ISO 8601 timestamp"),
        ({"byMode": []}, "byMode must be an object of seconds by name"),
        ({"sessions": [{"id": "x"}]}, "not a report object"),
    ],
)
def test_malformed_reports_are_refused_naming_the_field(
    change: dict[str, Any], message: str
) -> None:
    payload = {**three_days().to_json(), **change}
    with pytest.raises(InvalidArgumentError, match=message):
        Report.from_json(payload)
