"""Reports: where the time of a range went, as a text report and a self-contained HTML page.

``build_report`` computes the report object from a store, ``render_text`` and
``render_html`` draw any report object, so every face shows the same figures.
"""

from helix_lsp.report.compute import build_report
from helix_lsp.report.html import render_html
from helix_lsp.report.model import Report
from helix_lsp.report.text import render_text

__all__ = ["Report", "build_report", "render_html", "render_text"]
