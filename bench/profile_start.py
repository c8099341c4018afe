"""Where a new process's first Обзор run spends its time, step by step (issue 17, server start).

    .venv/bin/python bench/profile_start.py STORE.duckdb [--least 0.02]

Runs streamlit_app.py once in Streamlit's AppTest (no server, no browser: what is left is the
script's own work) in this new process, against a copy-free read of STORE (the app's home is a
temporary folder), and prints, in the order they started, the engine steps that took at least
--least seconds: the store opened and the models copied or built (`_rebuild_if_moved`), the
names for the sidebar, the KPI comparison, «Что изменилось», the call lists and each metric
query inside them. Run it twice: the first run of a store after a change also builds the models
and keeps them in the store (Engine._keep_models), which is a different cost.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--least", type=float, default=0.02, help="seconds (default 0.02)")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
