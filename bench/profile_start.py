"""Where a new process's first Обзор run spends its time, step by step (issue 17, server start).

    .venv/bin/python bench/profile_start.py STORE.duckdb [--least 0.02]
        [--then last_month,this_quarter,2025-08]

Runs streamlit_app.py once in Streamlit's AppTest (no server, no browser: what is left is the
script's own work) in this new process, against a copy-free read of STORE (the app's home is a
temporary folder), and prints, in the order they started, the engine steps that took at least
--least seconds: the store opened and the models copied or built (`_rebuild_if_moved`), the
names for the sidebar, the KPI comparison, «Что изменилось», the call lists and each metric
query inside them. Run it twice: the first run of a store after a change also builds the models
and keeps them in the store (Engine._keep_models), which is a different cost.

--then: after the first run, one new session per period (a sidebar period name, or YYYY-MM for
a calendar month), in the same process: the engine, its results and the page caches are warm
and only the period is new, which is the server's work of a filter change (without the
websocket and the browser). Each run's total and the median time of each part of the page;
then the floor page's (bench/floor_app.py) reruns in AppTest over as many of its periods, the
same measure for the floor of bench_speed's ratios.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--least", type=float, default=0.02, help="seconds (default 0.02)")
    parser.add_argument("--then", default="", help="periods, comma-separated (see above)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="clinic_bi_profile_start_")
    os.environ["CLINIC_BI_HOME"] = home
    os.environ["CLINIC_BI_DB"] = str(args.store.resolve())
    started = time.perf_counter()
    from streamlit.testing.v1 import AppTest

    from clinic_bi.app import access
    from clinic_bi.metrics import calls, changes
    from clinic_bi.metrics.engine import Engine

    imported = time.perf_counter() - started
    access.request_origin = lambda: access.Origin("127.0.0.1")  # as a browser on this computer
    steps: list[tuple[float, int, str, float]] = []
    depth = threading.local()
    origin = time.perf_counter()

    def timed(owner: Any, name: str, label: str, with_name: bool = False) -> None:
        function = getattr(owner, name)

        @functools.wraps(function)
        def wrapper(*a: Any, **k: Any) -> Any:
            level = getattr(depth, "level", 0)
            depth.level = level + 1
            begun = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                depth.level = level
                tag = f"{label} {a[1]}" if with_name else label
                steps.append((begun - origin, level, tag, time.perf_counter() - begun))

        setattr(owner, name, wrapper)

    timed(Engine, "_rebuild_if_moved", "store opened, models copied or built")
    timed(Engine, "names", "names (sidebar lists)")
    timed(Engine, "comparison", "KPI comparison")
    timed(Engine, "_run", "query", with_name=True)
    timed(changes, "changes", "«Что изменилось»")
    timed(calls, "call_lists", "call lists")
    app = AppTest.from_file(str(PROJECT / "streamlit_app.py"), default_timeout=3600)
    app.run()
    total = time.perf_counter() - origin
    if app.exception:
        print("the page raised:", [e.value for e in app.exception], file=sys.stderr)
        return 1
    print(f"imports (streamlit's test runner, the app's modules) {imported:.2f} s; "
          f"first run of Обзор {total:.2f} s")
    print(f"{'started':>8}  {'step':<60} {'seconds':>8}")
    for begun, level, tag, took in sorted(steps):
        if took >= args.least:
            print(f"{begun:8.2f}  {'  ' * level + tag:<60} {took:8.2f}")
    periods = [p for p in args.then.split(",") if p]
    if periods:
        return _filter_changes(AppTest, app, periods, steps, timed)
    return 0


def _filter_changes(
    app_test: Any, first_app: Any, periods: list[str], steps: list, timed: Any
) -> int:
    """One new session per period, warm caches: each run's total, then the median of each
    part over the runs. (The page's modules are imported here, after the first run: one that
    binds a function by name when imported would otherwise keep the unwrapped one.) Each new
    AppTest is handed the first one's component registry: a new one scans every installed
    package's metadata for Streamlit components (~0.2 s here), which a server does once at
    start and the floor's reruns below, one AppTest, do not pay either."""
    from clinic_bi.app import calls_view, changes_view, data, state, view
    from clinic_bi.periods import month_end

    for owner, name in ((state, "setup"), (data, "kpi_comparison"), (view, "kpi_cards"),
                        (changes_view, "top_sentences"), (calls_view, "overview_text"),
                        (view, "table")):  # fmt: skip
        timed(owner, name, f"page: {name}")
    timed(state.Page, "metric", "page: metric", with_name=True)
    timed(view, "chart", "page: chart")
    per_part: dict[str, list[float]] = {}
    totals = []
    for period in periods:
        app = app_test.from_file(str(PROJECT / "streamlit_app.py"), default_timeout=3600)
        app._bidi_component_manager = first_app._bidi_component_manager
        if "-" in period:
            first = date.fromisoformat(f"{period}-01")
            app.query_params.update(period="custom", **{"from": first.isoformat(),
                                                        "to": month_end(first).isoformat()})
        else:
            app.query_params["period"] = period
        steps.clear()
        begun = time.perf_counter()
        app.run()
        totals.append(time.perf_counter() - begun)
        if app.exception:
            print("the page raised:", [e.value for e in app.exception], file=sys.stderr)
            return 1
        summed: dict[str, float] = {}
        for _, level, tag, took in steps:
            key = "  " * level + tag
            summed[key] = summed.get(key, 0.0) + took
        for key, took in summed.items():
            per_part.setdefault(key, []).append(took)
    print(f"\nfilter changes, one run per period ({', '.join(periods)}): "
          + " ".join(f"{t:.3f}" for t in totals) + " s")
    print(f"{'part (median over the runs it ran in)':<60} {'seconds':>8}  runs")
    ranked = sorted(per_part.items(), key=lambda kv: -statistics.median(kv[1]))
    for key, took in ranked:
        print(f"{key:<60} {statistics.median(took):8.3f}  {len(took)}")
    floor = app_test.from_file(str(PROJECT / "bench" / "floor_app.py"), default_timeout=3600)
    floor.run()
    choices = [c for c in floor.selectbox[0].options if c != floor.selectbox[0].value]
    reruns = []
    for choice in choices[:len(periods)]:
        floor.selectbox[0].set_value(choice)
        begun = time.perf_counter()
        floor.run()
        reruns.append(time.perf_counter() - begun)
    print("\nthe floor page's reruns, one per period: "
          + " ".join(f"{t:.3f}" for t in reruns)
          + f" s (median {statistics.median(reruns):.3f} s; "
          f"the app's {statistics.median(totals):.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
