"""Where an Обзор redraw on a new period spends its server time, query by query.

    .venv/bin/python bench/profile_overview.py STORE.duckdb [--year 2025]

For four calendar months of the year (each a new period for the engine, so nothing is served
from its result cache) it times the three things Обзор computes per period: the KPI comparison
(summary_only), «Что изменилось» (changes.changes without the forecast band) and the page's own
breakdowns (monthly, departments, doctors); then each metric query's own time in milliseconds.
The part of «Что изменилось» not in its queries is pandas: the members' changes and the
services' price, volume and mix effects (its sums come from one query of both periods).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clinic_bi.metrics import Engine, Filters  # noqa: E402
from clinic_bi.metrics import changes as changes_module  # noqa: E402
from clinic_bi.periods import month_end  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--year", type=int, default=2025)
    args = parser.parse_args()
    engine = Engine(args.store, keep_models=False)
    engine.facts()
    timings: list[tuple[str, float]] = []
    run = engine._run

    def timed_run(name: str, params: dict[str, Any], shape: str) -> Any:
        known = len(engine._results)
        started = time.perf_counter()
        value = run(name, params, shape)
        if len(engine._results) > known:  # a query run, not a remembered result
            timings.append((name, time.perf_counter() - started))
        return value

    engine._run = timed_run  # type: ignore[method-assign]
    print("month      comparison  what changed  breakdowns (s)")
    for month in (6, 7, 8, 9):
        first = date(args.year, month, 1)
        f = Filters(date_from=first, date_to=month_end(first))
        marks = [time.perf_counter()]
        engine.comparison(f, summary_only=True)
        marks.append(time.perf_counter())
        changes_module.changes(engine, f, "previous", band=False)
        marks.append(time.perf_counter())
        engine.monthly(f), engine.departments(f), engine.doctors(f)
        marks.append(time.perf_counter())
        spans = [b - a for a, b in zip(marks, marks[1:], strict=False)]
        print(f"{first:%Y-%m}    " + "  ".join(f"{s:10.3f}" for s in spans))
    by_query: dict[str, list[float]] = {}
    for name, seconds in timings:
        by_query.setdefault(name, []).append(seconds * 1000)
    print("\nquery (ms per run)")
    for name, values in by_query.items():
        print(f"  {name:38s} " + " ".join(f"{v:5.0f}" for v in values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
