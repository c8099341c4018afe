"""Benchmark: how long the app takes to redraw a page after a filter change, measured in a real
browser on a store with 1,000,000 service lines.

    .venv/bin/python bench/bench_ui.py [--lines 1000000] [--db PATH] [--keep]

The store is written by bench/bench_report.py's generator (set-based SQL, repeatable). The app
runs headless on a free port; Debian's chromium (Playwright) opens a page, then changes one filter
at a time — the period preset, a department, a doctor, a branch — each a combination not seen
before, so nothing is served from a cache. A redraw is timed from the click that changes the
filter until the page caption names the new filters, no element is stale any more, Streamlit's
"running" indicator is gone and every chart is drawn. The first load (the engine builds its models) is reported apart.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from bench_report import generate  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

# The page caption names the period and the filters, so every change changes it; the run is over
# when no element is marked stale, the "running" indicator is gone and every chart is drawn.
CAPTION = """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
    .map(c => c.innerText.trim()).find(t => t.includes('данные по')) || ''"""
DONE = """([old]) => {
    const caption = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
        .map(c => c.innerText.trim()).find(t => t.includes('данные по')) || '';
    const running = document.querySelector('[data-testid="stStatusWidget"]');
    const stale = document.querySelector('[data-stale="true"]');
    const charts = [...document.querySelectorAll('.vega-embed')];
    const drawn = charts.length > 0 && charts.every(c => c.querySelector('canvas, svg'));
    return caption && caption !== old && !running && !stale && drawn;
}"""
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && document.querySelectorAll('.vega-embed').length > 0"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]




def timed_change(page: Page, kind: str, label: str, option: str) -> float:
    """Open the widget and pick the option (not timed), then time from the committing click or
    Enter to the redrawn page."""
    old = page.evaluate(CAPTION)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator(f'[data-testid="{kind}"]').filter(has_text=label).click()
    if kind == "stMultiSelect":
        page.keyboard.type(option)
        page.get_by_role("option", name=option, exact=True).wait_for()
        started = time.perf_counter()
        page.keyboard.press("Enter")
    else:
        choice = page.get_by_role("option", name=option, exact=True)
        choice.wait_for()
        started = time.perf_counter()
        choice.click()
    page.wait_for_function(DONE, arg=[old], timeout=60_000, polling=10)
    elapsed = time.perf_counter() - started
    if kind == "stMultiSelect":
        page.keyboard.press("Escape")
    return elapsed


CHANGES = [
    ("stSelectbox", "Период", "Прошлый месяц"),
    ("stSelectbox", "Период", "Этот квартал"),
    ("stSelectbox", "Период", "Этот год"),
    # the generator puts doctor n in department n % 6 and branch n % 3: each step narrows
    ("stMultiSelect", "Филиалы", "Филиал 1"),
    ("stMultiSelect", "Направления", "Отделение 4"),
    ("stMultiSelect", "Врачи", "Врач 10"),
    ("stSelectbox", "Период", "Этот месяц"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="store to use or write (default: a temp file)")
    parser.add_argument("--keep", action="store_true", help="keep the generated store")
    parser.add_argument("--pages", default="streamlit_app.py,doctors",
                        help="pages to time, comma-separated (default: Обзор and Врачи)")  # fmt: skip
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    home = Path(tmp.name)
    db = args.db or home / "clinic.duckdb"
    if not db.exists():
        started = time.perf_counter()
        counts = generate(db, args.lines)
        print(f"generated {counts['services']:,} service lines in "
              f"{time.perf_counter() - started:.1f} s: {db}")  # fmt: skip
    env = dict(os.environ, CLINIC_BI_HOME=str(home), CLINIC_BI_DB=str(db))
    port = _port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT / "streamlit_app.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    all_times: list[float] = []
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            for name in args.pages.split(","):
                page = browser.new_page(viewport={"width": 1400, "height": 1600})
                path = "" if name == "streamlit_app.py" else name
                started = time.perf_counter()
                page.goto(f"{url}/{path}")
                page.wait_for_selector('[data-testid="stMetric"], .vega-embed', timeout=120_000)
                page.wait_for_function(SETTLED, timeout=120_000)
                print(f"\n{name}: first load {time.perf_counter() - started:.2f} s "
                      "(includes the engine's model build when the server is cold)")  # fmt: skip
                for kind, label, option in CHANGES:
                    seconds = timed_change(page, kind, label, option)
                    all_times.append(seconds)
                    print(f"  {label:<12} → {option:<22} {seconds:6.3f} s")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        if not args.keep:
            tmp.cleanup()
        else:
            print(f"kept {db}")
    print(f"\nfilter change → page redrawn: median {statistics.median(all_times):.3f} s, "
          f"max {max(all_times):.3f} s over {len(all_times)} changes")  # fmt: skip
    return 0 if max(all_times) < 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
