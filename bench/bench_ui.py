"""Benchmark: how long the app takes to redraw a page after a filter change, measured in a real
browser on a store with 1,000,000 service lines.

    .venv/bin/python bench/bench_ui.py [--lines 1000000] [--db PATH] [--keep]

The store is written by bench/bench_report.py's generator (set-based SQL, repeatable). The app
runs headless on a free port; Debian's chromium (Playwright) opens a page, then changes one filter
at a time — the period preset, a department, a doctor, a branch — each a combination not seen
before, so nothing is served from a cache. A redraw is timed from the click that changes the
filter until the page is drawn (RunWatch below): the server has sent the run's script_finished
message over the websocket, no element is stale any more and every chart is drawn. The first load
(the engine builds its models) is reported apart.

The machinery (Server, RunWatch, timed_action, timed_change) is shared with bench/bench_speed.py.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

from bench_report import generate  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
VIEWPORT = {"width": 1400, "height": 1600}

# The end of a run. Streamlit's "running" indicator (stStatusWidget) cannot tell: with this
# project's toolbarMode = "minimal" (.streamlit/config.toml) it is never drawn, so a check for its
# absence passed at once (the bug this replaces). The server's script_finished message is the
# end of the run (RunWatch); then the page is drawn when no element is stale (Streamlit marks the
# previous run's elements stale until the new run replaces or removes them) and every chart the
# page holds has its canvas or svg — at least as many as the run sent.
DRAWN = """([charts]) => {
    if (document.querySelector('[data-stale="true"]')) return false;
    const embeds = [...document.querySelectorAll('.vega-embed')];
    return embeds.length >= charts && embeds.every(c => c.querySelector('canvas, svg'));
}"""
CHART_TYPES = {"vega_lite_chart", "arrow_vega_lite_chart", "plotly_chart", "deck_gl_json_chart"}
# Only vega-lite charts are checked as drawn (the app and the floor draw no other kind).
VEGA = {"vega_lite_chart", "arrow_vega_lite_chart"}
EARLY = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run <script>` headless on a free port, in a fresh process (a context manager:
    stopped and waited for on exit)."""

    def __init__(self, script: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_healthy(self, timeout: float = 120) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited with {self.proc.returncode}")
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2)
                return
            except OSError:
                time.sleep(0.02)
        raise SystemExit(f"streamlit did not answer on {self.url} in {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class Run:
    """What the server sent for one run, from the action to its script_finished."""

    seconds: float = 0.0
    first_message_s: float = 0.0  # from the start to the run's first message
    finished_s: float = 0.0  # … to its script_finished (the rest is the browser drawing)
    messages: int = 0
    bytes: int = 0
    charts: int = 0
    types: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"seconds": self.seconds, "first_message_s": self.first_message_s,
                "finished_s": self.finished_s, "messages": self.messages, "bytes": self.bytes,
                "charts": self.charts, "types": self.types}  # fmt: skip


class RunWatch:
    """Listens to the page's websocket to Streamlit: decodes every ForwardMsg the server sends,
    counts them (and their bytes) and notices each script_finished (the end of a run; one that
    ended early for a rerun does not count: another run follows)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.finished = 0
        # (message type, bytes, element type, perf_counter when Playwright delivered it)
        self.log: list[tuple[str, int, str, float]] = []
        page.on("websocket", self._socket)

    def _socket(self, ws: Any) -> None:
        if "_stcore/stream" in ws.url:
            ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        now = time.perf_counter()
        data = payload if isinstance(payload, bytes) else payload.encode("latin-1")
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # not a ForwardMsg: count its bytes all the same
            self.log.append(("?", len(data), "", now))
            return
        kind = msg.WhichOneof("type") or "?"
        element = ""
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element.WhichOneof("type") or ""
        self.log.append((kind, len(data), element, now))
        if kind == "script_finished" and msg.script_finished != EARLY:
            self.finished += 1

    def mark(self) -> tuple[int, int]:
        return self.finished, len(self.log)

    def wait(self, mark: tuple[int, int], started: float, timeout: float = 120) -> Run:
        """Wait for the end of the run begun after `mark`, then for the page to be drawn; the
        Run's seconds count from `started` (a perf_counter reading)."""
        deadline = time.perf_counter() + timeout
        while self.finished <= mark[0]:
            if time.perf_counter() > deadline:
                raise TimeoutError("no script_finished message")
            self.page.wait_for_timeout(5)  # lets Playwright deliver the websocket events
        sent = self.log[mark[1]:]
        charts = sum(1 for _, _, element, _ in sent if element in VEGA)
        self.page.wait_for_function(DRAWN, arg=[charts], timeout=timeout * 1000, polling=10)
        seconds = time.perf_counter() - started
        sent = self.log[mark[1]:]  # the messages of this run (and none after it: it is over)
        finished = next(at for kind, _, _, at in reversed(sent) if kind == "script_finished")
        types: dict[str, int] = {}
        for kind, _, element, _ in sent:
            key = element or kind
            types[key] = types.get(key, 0) + 1
        return Run(seconds, sent[0][3] - started, finished - started, len(sent),
                   sum(size for _, size, _, _ in sent), charts, types)  # fmt: skip


def timed_action(watch: RunWatch, act: Callable[[], None]) -> Run:
    """Time `act` (a click, a key) until the run it starts has ended and the page is drawn."""
    mark = watch.mark()
    started = time.perf_counter()
    act()
    return watch.wait(mark, started)


def open_page(
    browser: Browser, url: str, started: float | None = None
) -> tuple[Page, RunWatch, Run]:
    """A new page (its own context: an empty cache) on `url`, timed until its first run is drawn
    (from `started`, a perf_counter reading, when given: the server's launch, say)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    watch = RunWatch(page)
    mark = watch.mark()
    begin = time.perf_counter() if started is None else started
    page.goto(url)
    return page, watch, watch.wait(mark, begin)


def timed_change(page: Page, watch: RunWatch, kind: str, label: str, option: str) -> Run:
    """Open the sidebar widget and type the option's name (the list is searchable: an option
    far down a long list is found too), not timed; then time from the committing click or Enter
    to the redrawn page."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator(f'[data-testid="{kind}"]').filter(has_text=label).click()
    page.keyboard.type(option)
    choice = page.get_by_role("option", name=option, exact=True)
    choice.wait_for()
    if kind == "stMultiSelect":
        run = timed_action(watch, lambda: page.keyboard.press("Enter"))
        page.keyboard.press("Escape")
    else:
        run = timed_action(watch, choice.click)
    return run


def timed_page_switch(page: Page, watch: RunWatch, label: str) -> Run:
    """Click the sidebar's link to the page `label`; time until that page is drawn."""
    link = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')
    target = link.filter(has_text=label).first
    target.wait_for()
    return timed_action(watch, target.click)


CHANGES = [
    ("stSelectbox", "Период", "Прошлый месяц"),
    ("stSelectbox", "Период", "Этот квартал"),
    ("stSelectbox", "Период", "Этот год"),
    # the generator puts doctor n in department n % 6 and branch n % 3: each step narrows
    ("stMultiSelect", "Филиалы", "Филиал 1"),
    ("stMultiSelect", "Направления", "Отделение 4"),
    ("stMultiSelect", "Врачи", "Врач 10"),
    ("stSelectbox", "Период", "Этот месяц"),
    # doctors 4 + 6k are in department 4 and branch 1: each addition is a new combination
    *[("stMultiSelect", "Врачи", f"Врач {n}") for n in range(16, 40, 6)],
    ("stSelectbox", "Период", "Последние 12 месяцев"),
    ("stMultiSelect", "Врачи", "Врач 4"),
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
    all_times: list[float] = []
    try:
        with Server(PROJECT / "streamlit_app.py", env) as server, sync_playwright() as p:
            server.wait_healthy()
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            for name in args.pages.split(","):
                path = "" if name == "streamlit_app.py" else name
                page, watch, first = open_page(browser, f"{server.url}/{path}")
                print(f"\n{name}: first load {first.seconds:.2f} s, {first.messages} messages, "
                      f"{first.bytes / 1000:.0f} KB (includes the engine's model build when the "
                      "server is cold)")  # fmt: skip
                for kind, label, option in CHANGES[:7]:
                    run = timed_change(page, watch, kind, label, option)
                    all_times.append(run.seconds)
                    print(f"  {label:<12} → {option:<22} {run.seconds:6.3f} s, "
                          f"{run.messages} messages, {run.bytes / 1000:.0f} KB")  # fmt: skip
                page.context.close()
            browser.close()
    finally:
        if not args.keep:
            tmp.cleanup()
        else:
            print(f"kept {db}")
    print(f"\nfilter change → page redrawn: median {statistics.median(all_times):.3f} s, "
          f"max {max(all_times):.3f} s over {len(all_times)} changes")  # fmt: skip
    return 0 if max(all_times) < 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
