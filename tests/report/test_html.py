"""The HTML report: self-contained, strict CSP, every number in a table, drawn by Chromium."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from helix_lsp.report import render_html
from helix_lsp.report.model import Report, SessionTotal
from tests.report import chromium
from tests.report.samples import three_days

CHART_JS_SHA256 = "87364cc2b2a76a6684929e7d6b80b18a897794db38400caff1fcf1791c6925d2"
needs_chromium = pytest.mark.skipif(not chromium.AVAILABLE, reason="needs chromium")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the page's text outside scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text.append(data)


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def hostile() -> Report:
    """A report whose session and file names try to break out of the page."""
    report = three_days()
    evil = SessionTotal(
        "s9", "</script><img src=x onerror=alert(1)>", "api", "testing", "paused", 60.0
    )
    return dataclasses.replace(report, sessions=[*report.sessions, evil])


def test_the_page_fetches_nothing_and_allows_only_its_own_nonce() -> None:
    page = render_html(three_days(), nonce="r3p0rtN0nce")
    tags = parse(page)
    csp = next(
        a["content"] for t, a in tags.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None
    assert "default-src 'none'" in csp
    assert "script-src 'nonce-r3p0rtN0nce'" in csp
    assert "style-src 'nonce-r3p0rtN0nce'" in csp
    for tag, attrs in tags.tags:
        if tag in ("script", "style") and attrs.get("type") != "application/json":
            assert attrs.get("nonce") == "r3p0rtN0nce", tag
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            assert name not in attrs, f"<{tag} {name}=...>"
    assert "@import" not in page and "url(" not in page.split("<script")[0]


def test_without_a_nonce_each_page_gets_its_own() -> None:
    pages = [parse(render_html(three_days())) for _ in range(3)]
    nonces = {
        next(a["nonce"] for t, a in page.tags if t == "script" and "nonce" in a) for page in pages
    }
    assert len(nonces) == 3 and all(n and len(n) >= 16 for n in nonces)


def test_every_figure_is_in_a_table_as_well() -> None:
    text = " ".join(parse(render_html(three_days())).text)
    for figure in ("6h 30m", "4h 30m", "1h 30m", "1h 15m", "77%", "23%"):
        assert figure in text
    for name in ("fix-login\x1b[31m", "登录页面", "plan-q1", "src/auth/login.py", "web/App.tsx"):
        assert name in text
    assert "Sat 2026-11-28" in text and "Sun 2026-11-29" in text


def test_names_are_text_and_never_markup() -> None:
    page = render_html(hostile())
    tags = parse(page)
    assert not [t for t, _ in tags.tags if t == "img"]
    assert "</script><img src=x onerror=alert(1)>" in " ".join(tags.text)
    data = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data  # the JSON block cannot close its element


def test_the_vendored_chart_library_is_the_pinned_release() -> None:
    asset = resources.files("helix_lsp.report").joinpath("assets").joinpath("chart.umd.min.js")
    body = asset.read_bytes()
    assert hashlib.sha256(body).hexdigest() == CHART_JS_SHA256
    assert body.startswith(b"/*!\n * Chart.js v4.6.1\n")


def test_a_year_of_100k_sessions_fits_in_a_megabyte() -> None:
    from bench.report_render import HTML_GOAL_BYTES, year_report

    report = year_report(100_000)
    page = render_html(report).encode("utf-8")
    assert len(report.sessions) > 90_000
    assert len(page) <= HTML_GOAL_BYTES
    assert page.count(b"<tr>") < 700  # every day, and the top entries of the rest


@needs_chromium
def test_chromium_draws_every_chart_and_fetches_nothing(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(hostile()), encoding="utf-8")
    loaded = chromium.load(page, tmp_path)
    assert 'data-charts="6"' in loaded.dom
    for key in ("days", "modes", "projects", "sessions", "files", "timeline"):
        assert re.search(rf'<canvas id="chart-{key}"[^>]*data-rendered="true"', loaded.dom), key
    for name in ("fix-login", "登录页面", "plan-q1", "onerror=alert(1)&gt;"):
        assert name in loaded.dom
    assert "<img" not in loaded.dom
    assert loaded.page_requests == []


@needs_chromium
def test_the_fetch_check_sees_a_page_that_does_fetch(tmp_path: Path) -> None:
    page = tmp_path / "fetching.html"
    page.write_text('<!DOCTYPE html><img src="http://example.invalid/x.png">', encoding="utf-8")
    assert chromium.load(page, tmp_path).page_requests == ["http://example.invalid/x.png"]


@needs_chromium
def test_an_injected_script_without_the_nonce_does_not_run(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    injected = "<script>document.body.setAttribute('data-injected', 'yes')</script></body>"
    page.write_text(render_html(three_days()).replace("</body>", injected), encoding="utf-8")
    dom = chromium.load(page, tmp_path).dom
    assert 'data-charts="6"' in dom  # the page's own scripts ran
    assert 'data-injected="yes"' not in dom


@needs_chromium
def test_dark_theme_draws_too(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(three_days()), encoding="utf-8")
    assert 'data-charts="6"' in chromium.load(page, tmp_path, dark=True).dom


def test_an_empty_range_says_so_on_the_page() -> None:
    empty = Report(from_ms=0, to_ms=86_400_000, tz="UTC")
    assert "No active time was recorded in this range." in " ".join(parse(render_html(empty)).text)
    assert "No active time" not in render_html(three_days())
