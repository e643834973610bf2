"""Headless Chromium for the report tests: the DOM after scripts ran, and what it fetched.

Chromium runs with every host name resolving to nothing, so no request can
leave the machine, and with a network log: a request the page itself made
(its network isolation key is the ``file://`` page) shows there even though
it failed. Chromium's own background requests carry other keys.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AVAILABLE = Path(CHROMIUM).exists()
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@dataclass
class Loaded:
    dom: str
    page_requests: list[str]


def _page_requests(net_log: Path) -> list[str]:
    log = json.loads(net_log.read_text(encoding="utf-8", errors="replace"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event.get("type") != start_job or "url" not in params:
            continue
        if str(params.get("network_isolation_key", "")).startswith("file://"):
            urls.append(params["url"])
    return urls


def load(page: Path, work: Path, *, dark: bool = False) -> Loaded:
    """Open ``page`` and return its DOM after its scripts ran, and the URLs it requested."""
    net_log = work / "net-log.json"
    flags = [*_FLAGS, f"--user-data-dir={work / 'profile'}", f"--log-net-log={net_log}"]
    if dark:
        flags.append("--force-dark-mode")
    done = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.resolve().as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return Loaded(done.stdout, _page_requests(net_log))


def screenshot(page: Path, out: Path, work: Path, *, dark: bool, size: str = "1200,1600") -> None:
    """A PNG of ``page`` in a window of ``size`` (light or dark colour scheme)."""
    flags = [*_FLAGS, f"--user-data-dir={work / 'profile'}", f"--window-size={size}"]
    if dark:
        flags.append("--force-dark-mode")
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={out}", page.resolve().as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
