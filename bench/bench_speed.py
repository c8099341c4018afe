"""Issue 17's speed targets ("fast at a clinic's real size"), every row from one command, each
against a floor or a reference measured in the same run (the machine is shared: only ratios
measured side by side mean anything):

    .venv/bin/python bench/bench_speed.py                        # 100k, 300k, 1M (~15 min)
    .venv/bin/python bench/bench_speed.py --quick                # 100k only
    .venv/bin/python bench/bench_speed.py --sizes 1M --with-10M  # 10M: ~10 GB RAM (pandas)
    make bench-speed [SIZES=100k,300k,1M]

Per size (service lines; the store from bench_report.generate, kept in --dir between runs):

1. browser (Debian's chromium, headless, Playwright), the app against the FLOOR, bench/floor_app.py
   (the plainest Streamlit page: pandas + duckdb + altair, six Altair charts from DuckDB queries
   on the same store, a period selectbox):
   - server start → first page drawn: from launching `streamlit run` (a fresh process) until the
     page (Обзор; the floor's page) is drawn in a new browser context; app and floor alternate;
   - filter change (Обзор, Врачи) and page switch (Обзор → Врачи → Обзор by the sidebar's
     links), from the click to the page drawn, each with filters the page has never had (nothing
     is answered from a cache), against the floor's rerun after a change of its selectbox;
   "drawn" (bench_ui.RunWatch): the server's script_finished ForwardMsg has arrived over the
   websocket, no element is stale and every chart is drawn. The ForwardMsgs each run sends are
   counted (messages, bytes). A self-check first: the floor with a 2 s sleep at the end of its
   script must measure ≥ 2 s (the old check, Streamlit's status widget, measured it at once);
2. full JSON report, engine cold / warm, against tests/oracle/pandas_report.py (which must
   give the same report), and the peak RSS of a fresh process building it (bench_all.py's parts);
3. ingest: the store's CSV export into a fresh store (keys, journal), then its re-export whose
   every row replaces its copy (dedupe); a 100,000-row XLSX once (bench_all.py's parts).

Prints the table (row, size, clinic_bi, floor/reference, ratio, target, met/missed; medians of
--repeat runs) and the messages each page sends; writes everything to <dir>/speed-*.json. A run
whose page shows an exception is no measurement: its rows say ERROR (the exit status is 1).

Streamlit reloads edited modules on the next rerun, so a tree others are editing is measured
half-edited. To measure one commit, run from a copy of it (bench_all's BENCH_COMMIT names it):

    git archive HEAD | tar -x -C /tmp/src && git rev-parse HEAD > /tmp/src/BENCH_COMMIT
    .venv/bin/python /tmp/src/bench/bench_speed.py --quick
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

import bench_all  # noqa: E402
import bench_report  # noqa: E402
import bench_ui  # noqa: E402
from bench_ui import Run, Server, open_page, timed_change, timed_page_switch  # noqa: E402
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

SIZES = {"100k": 100_000, "300k": 300_000, "1M": 1_000_000, "10M": 10_000_000}
APP = PROJECT / "streamlit_app.py"
FLOOR = PROJECT / "bench" / "floor_app.py"
# the floor's period choices (floor_app.PERIODS) a rerun moves to, each once, in turn
FLOOR_CHOICES = ["2025 год", "2024 год", "2023 год", *[f"2025 Q{q}" for q in (4, 3, 2, 1)],
                 *[f"2025-{m:02d}" for m in range(12, 0, -1)], "Весь период"]  # fmt: skip

# issue 17's targets: (row key, {size: target}); a size not named has no target ("—")
SMALL = ("100k", "300k")
START = {**dict.fromkeys(SMALL, 1.3), "1M": 1.5, "10M": 3.0}
RERUN = {**dict.fromkeys(SMALL, 1.3), "1M": 1.5}
EVERY = tuple(SIZES)
TARGETS: dict[str, dict[str, float]] = {
    "start": START,
    "filter_overview": RERUN,
    "filter_doctors": RERUN,
    "switch_doctors": RERUN,
    "switch_overview": RERUN,
    "report_warm": dict.fromkeys(EVERY, 10.0),
    "report_cold": dict.fromkeys(EVERY, 3.0),
    "report_first": {},  # no target: the first reader after an upload, once per change
    "ingest_csv": {"1M": 500_000, "10M": 500_000},
    "ingest_csv_dedupe": {"1M": 500_000, "10M": 500_000},
    "ingest_xlsx": dict.fromkeys(EVERY, 100_000),
    "rss": {"1M": 1024, "10M": 4096},
}


def _log(text: str) -> None:
    print(text, flush=True)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------
# Data, kept between runs


def generator_id() -> str:
    """What a kept store was made by: the generator's source and the store's schema (a store
    kept across a schema change would test a migration, not the app)."""
    digest = hashlib.sha256()
    files = [PROJECT / "bench" / "bench_report.py", PROJECT / "queries" / "store" / "schema.sql",
             *sorted((PROJECT / "queries" / "store" / "migrations").glob("*"))]  # fmt: skip
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cached_store(folder: Path, label: str, lines: int) -> tuple[Path, dict[str, Any]]:
    """The size's store, generated once per generator version (bench_report.py) and kept; the
    app and the floor open it read-only. Exports written from it are kept too (bench_all's
    ingest_part writes them again when the store is newer)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"store_{label}.duckdb"
    marker = folder / f"store_{label}.json"
    want = {"lines": lines, "generator": generator_id()}
    if db.exists() and marker.exists():
        known = json.loads(marker.read_text(encoding="utf-8"))
        if {k: known.get(k) for k in want} == want:
            _log(f"[{label}] store kept from an earlier run: {db}")
            return db, known
    for stale in folder.iterdir():
        if stale.is_file():
            stale.unlink()
    started = time.perf_counter()
    counts = bench_report.generate(db, lines)
    info = {**want, "rows": counts, "generate_s": time.perf_counter() - started}
    marker.write_text(json.dumps(info), encoding="utf-8")
    _log(f"[{label}] store generated in {info['generate_s']:.1f} s: {counts}")
    return db, info


# ---------------------------------------------------------------------------------------------
# The browser part


def _env(db: Path, home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return dict(os.environ, CLINIC_BI_HOME=str(home), CLINIC_BI_DB=str(db), **extra)


def server_start(browser: Browser, script: Path, env: dict[str, str]) -> dict[str, Any]:
    """Launch `streamlit run script` (a fresh process), open its page: seconds from the launch
    to the page drawn, and to the server's health check answering."""
    for attempt in range(3):
        started = time.perf_counter()
        with Server(script, env) as server:
            try:
                server.wait_healthy()
            except SystemExit as exc:  # killed from outside (the machine is shared): again
                if attempt == 2 or (server.proc.returncode or 0) >= 0:
                    raise
                _log(f"  ({exc}; starting it again)")
                continue
            healthy = time.perf_counter() - started
            page, _, run = open_page(browser, server.url, started=started)
            page.context.close()
        break
    return {**run.as_dict(), "healthy_s": healthy}


def check_detection(browser: Browser, db: Path, home: Path) -> dict[str, Any]:
    """The floor with a 2 s sleep at the end of its script: the end of a run must be detected
    after it (≥ 2 s), where the old check (no status widget, charts drawn, caption changed)
    answered at once."""
    old_check = """([old]) => {
        const caption = document.querySelector('[data-testid="stCaptionContainer"]');
        const text = caption ? caption.innerText : '';
        const running = document.querySelector('[data-testid="stStatusWidget"]');
        const stale = document.querySelector('[data-stale="true"]');
        const charts = [...document.querySelectorAll('.vega-embed')];
        const drawn = charts.length > 0 && charts.every(c => c.querySelector('canvas, svg'));
        return text && text !== old && !running && !stale && drawn;
    }"""
    env = _env(db, home, FLOOR_SLEEP="2")
    out: dict[str, Any] = {"sleep_s": 2.0}
    with Server(FLOOR, env) as server:
        server.wait_healthy()
        page, watch, first = open_page(browser, server.url)
        out["first_load_s"] = first.seconds
        # one rerun, timed both ways: the old check, then the end of the run (RunWatch)
        old = page.evaluate("""() => (document.querySelector(
            '[data-testid="stCaptionContainer"]') || {}).innerText || ''""")
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').click()
        page.keyboard.type("2024 год")
        choice = page.get_by_role("option", name="2024 год", exact=True)
        choice.wait_for()
        mark = watch.mark()
        started = time.perf_counter()
        choice.click()
        page.wait_for_function(old_check, arg=[old], timeout=60_000, polling=10)
        out["old_check_rerun_s"] = time.perf_counter() - started
        out["rerun_s"] = watch.wait(mark, started).seconds
        page.context.close()
    out["ok"] = out["first_load_s"] >= 2.0 and out["rerun_s"] >= 2.0
    _log(f"detection check (floor sleeping 2 s at the end of each run): first load "
         f"{out['first_load_s']:.2f} s, rerun {out['rerun_s']:.2f} s (≥ 2 s: "
         f"{'yes' if out['ok'] else 'NO'}); the old check (status widget) said "
         f"{out['old_check_rerun_s']:.2f} s")  # fmt: skip
    if not out["ok"]:
        raise SystemExit("the end of a run is not detected: a 2 s run measured shorter")
    return out


def _warn_errors(label: str, what: str, run: dict[str, Any]) -> None:
    if run["types"].get("exception"):
        _log(f"[{label}] ERROR: {what}: the page showed an exception (a run that failed is not a "
             "measurement; is the app being edited while it runs?)")


def ui_part(r: dict[str, Any], label: str, browser: Browser, db: Path, home: Path, repeat: int,
            interactions: bool) -> None:  # fmt: skip
    env = _env(db, home)
    starts: dict[str, list[dict[str, Any]]] = {"app": [], "floor": []}
    for i in range(repeat):
        # alternate which goes first, so a drift in the machine's load hits both alike
        order = [("floor", FLOOR), ("app", APP)]
        for name, script in order if i % 2 == 0 else order[::-1]:
            got = server_start(browser, script, env)
            starts[name].append(got)
            _warn_errors(label, f"server start, {name}", got)
            _log(f"[{label}] server start → drawn, {name:<5}: {got['seconds']:.2f} s (health "
                 f"{got['healthy_s']:.2f} s, first message {got['first_message_s']:.2f} s, "
                 f"script_finished {got['finished_s']:.2f} s), {got['messages']} messages, "
                 f"{got['bytes'] / 1000:.0f} KB")  # fmt: skip
    r["start"] = starts
    if not interactions:
        return

    actions: dict[str, list[dict[str, Any]]] = {}

    def record(key: str, run: Run, what: str) -> None:
        actions.setdefault(key, []).append(run.as_dict())
        _warn_errors(label, what, run.as_dict())
        _log(f"[{label}] {what:<34} {run.seconds:6.3f} s (script_finished at "
             f"{run.finished_s:.3f} s), {run.messages:3d} messages, "
             f"{run.bytes / 1000:5.0f} KB")  # fmt: skip

    changes = iter(bench_ui.CHANGES)
    floor_choices = iter(FLOOR_CHOICES * 10)
    with Server(APP, env) as app, Server(FLOOR, env) as floor:
        app.wait_healthy()
        floor.wait_healthy()
        page, watch, _ = open_page(browser, app.url)  # the engine builds its models: not timed
        fpage, fwatch, _ = open_page(browser, floor.url)

        def floor_rerun() -> None:
            choice = next(floor_choices)
            record("floor_rerun", timed_change(fpage, fwatch, "stSelectbox", "Период", choice),
                   f"floor rerun → {choice}")  # fmt: skip

        def change(key: str, page_name: str) -> None:
            kind, widget, option = next(changes)
            record(key, timed_change(page, watch, kind, widget, option),
                   f"{page_name}: {widget} → {option}")  # fmt: skip

        for _ in range(repeat):
            change("filter_overview", "Обзор")
            floor_rerun()
            record("switch_doctors", timed_page_switch(page, watch, "Врачи"), "Обзор → Врачи")
            floor_rerun()
            change("filter_doctors", "Врачи")
            floor_rerun()
            record("switch_overview", timed_page_switch(page, watch, "Обзор"), "Врачи → Обзор")
            floor_rerun()
        page.context.close()
        fpage.context.close()
    r["actions"] = actions


# ---------------------------------------------------------------------------------------------
# One size


def bench_size(label: str, root: Path, repeat: int, parts: set[str], browser: Browser | None,
               xlsx: bool) -> dict[str, Any]:  # fmt: skip
    lines = SIZES[label]
    r: dict[str, Any] = {"size": label, "lines": lines, "load_before": os.getloadavg()}
    _log(f"\n== {label}: {lines:,} service lines; load average {r['load_before'][0]:.2f} "
         f"{r['load_before'][1]:.2f} {r['load_before'][2]:.2f}")  # fmt: skip
    folder = root / label
    db, r["store"] = cached_store(folder, label, lines)
    if "ui" in parts and browser is not None:
        ui_part(r, label, browser, db, root / "home", repeat, interactions=label != "10M")
    if "report" in parts:
        expected, engine = bench_all.report_part(r, label, db, repeat)
        engine.close()
        bench_all.rss_part(r, label, db)
        bench_all.pandas_part(r, label, lines, db, folder, expected)
    if "ingest" in parts:
        kinds = ("csv_utf8", "xlsx") if xlsx else ("csv_utf8",)
        bench_all.ingest_part(r, label, db, folder, root, kinds)
    r["load_after"] = os.getloadavg()
    return r


# ---------------------------------------------------------------------------------------------
# The table


def _failed(r: dict[str, Any], key: str) -> bool:
    """Whether a run behind the row `key` showed an exception on its page."""
    if key == "start":
        runs = [*r.get("start", {}).get("app", []), *r.get("start", {}).get("floor", [])]
    else:
        runs = [*r.get("actions", {}).get(key, []), *r.get("actions", {}).get("floor_rerun", [])]
    return any(x["types"].get("exception") for x in runs)


def _start(who: str) -> Callable[[dict[str, Any]], float | None]:
    return lambda r: _median([x["seconds"] for x in r["start"][who]]) if "start" in r else None


def _action(key: str) -> Callable[[dict[str, Any]], float | None]:
    def get(r: dict[str, Any]) -> float | None:
        runs = r.get("actions", {}).get(key)
        return _median([x["seconds"] for x in runs]) if runs else None

    return get


def _get(*keys: str) -> Callable[[dict[str, Any]], Any]:
    def get(r: dict[str, Any]) -> Any:
        value: Any = r
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    return get


def _rate(kind: str, attempt: str) -> Callable[[dict[str, Any]], float | None]:
    def get(r: dict[str, Any]) -> float | None:
        got = r.get("ingest", {}).get(kind)
        return got[attempt]["rows"] / got[attempt]["seconds"] if got else None

    return get


def _pandas_cold(r: dict[str, Any]) -> float | None:
    p = r.get("pandas")
    return p["prepare_s"] + p["report_s"] if p else None


_s, _mb = bench_all._s, bench_all._mb  # the figures read as bench_all prints them


def _rows_s(x: float) -> str:
    return f"{x:,.0f}/s"


# (key, label, clinic_bi figure, floor/reference figure, shown as, how the ratio and target read)
# kind: "slower" ratio = clinic_bi / floor ≤ target; "faster" ratio = reference / clinic_bi ≥
# target; "at_least" clinic_bi ≥ target; "at_most" clinic_bi ≤ target
ROWS: list[tuple[str, str, Callable, Callable | None, Callable[[float], str], str]] = [
    ("start", "server start → Обзор drawn", _start("app"), _start("floor"), _s, "slower"),
    ("filter_overview", "filter change → Обзор redrawn", _action("filter_overview"),
     _action("floor_rerun"), _s, "slower"),
    ("filter_doctors", "filter change → Врачи redrawn", _action("filter_doctors"),
     _action("floor_rerun"), _s, "slower"),
    ("switch_doctors", "page switch Обзор → Врачи", _action("switch_doctors"),
     _action("floor_rerun"), _s, "slower"),
    ("switch_overview", "page switch Врачи → Обзор", _action("switch_overview"),
     _action("floor_rerun"), _s, "slower"),
    ("report_warm", "full JSON report, warm, vs pandas", _get("report_warm_s"),
     _get("pandas", "report_s"), _s, "faster"),
    ("report_cold", "full JSON report, cold, vs pandas", _get("report_cold_s"), _pandas_cold, _s,
     "faster"),
    ("report_first", "  first open after a change (builds)", _get("report_first_cold_s"),
     _pandas_cold, _s, "faster"),
    ("ingest_csv", "CSV ingest (keys, journal), lines/s", _rate("csv_utf8", "first"), None,
     _rows_s, "at_least"),
    ("ingest_csv_dedupe", "CSV re-export ingest (dedupe), lines/s", _rate("csv_utf8", "again"),
     None, _rows_s, "at_least"),
    ("ingest_xlsx", "XLSX ingest (100k-row file), rows/s", _rate("xlsx", "first"), None, _rows_s,
     "at_least"),
    ("rss", "peak RSS during the report", _get("report_process", "rss_mb"), None, _mb,
     "at_most"),
]  # fmt: skip


def evaluate(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row of the table, per size, as data (also written to the JSON file)."""
    rows = []
    for key, label, mine, ref, show, kind in ROWS:
        for r in results:
            value = mine(r)
            if value is None:
                continue
            reference = ref(r) if ref else None
            target = TARGETS[key].get(r["size"])
            ratio = None
            if reference:
                ratio = value / reference if kind == "slower" else reference / value
            if target is None:
                met = None
            elif kind == "slower":
                met = ratio is not None and ratio <= target
            elif kind == "faster":
                met = ratio is not None and ratio >= target
            elif kind == "at_least":
                met = value >= target
            else:
                met = value <= target
            if kind == "slower" and _failed(r, key):
                met = "error"
            rows.append({"key": key, "row": label, "size": r["size"], "clinic_bi": value,
                         "reference": reference, "ratio": ratio, "target": target,
                         "kind": kind, "met": met, "shown": (show(value), show(reference)
                                                             if reference else "")})  # fmt: skip
    return rows


def _target_text(kind: str, target: float | None) -> str:
    if target is None:
        return "—"
    return {"slower": f"≤ ×{target:g}", "faster": f"≥ ×{target:g}",
            "at_least": f"≥ {target:,.0f}", "at_most": f"≤ {target:,.0f} MB"}[kind]  # fmt: skip


def table(rows: list[dict[str, Any]]) -> str:
    head = ["row", "size", "clinic_bi", "floor/reference", "ratio", "target", "met/missed"]
    body = []
    for x in rows:
        ratio = "" if x["ratio"] is None else f"×{x['ratio']:.2f}"
        met = {None: "—", True: "met", False: "MISSED", "error": "ERROR (exception)"}[x["met"]]
        body.append([x["row"], x["size"], x["shown"][0], x["shown"][1], ratio,
                     _target_text(x["kind"], x["target"]), met])  # fmt: skip
    return _columns(head, body)


def messages_table(results: list[dict[str, Any]]) -> str:
    """Per kind of run (medians): the ForwardMsgs sent (messages, KB), and when the run's
    script_finished arrived against when the page was drawn (the rest is the browser's)."""
    head = ["run", "size", "app msgs", "app KB", "app finished", "app drawn", "floor msgs",
            "floor KB", "floor finished", "floor drawn"]  # fmt: skip
    kinds = [("start", "server start → first page"), ("filter_overview", "filter change Обзор"),
             ("filter_doctors", "filter change Врачи"), ("switch_doctors", "switch → Врачи"),
             ("switch_overview", "switch → Обзор")]  # fmt: skip
    body = []
    for key, label in kinds:
        for r in results:
            if key == "start":
                if "start" not in r:
                    continue
                mine, floor = r["start"]["app"], r["start"]["floor"]
            else:
                actions = r.get("actions", {})
                mine, floor = actions.get(key), actions.get("floor_rerun")
                if not mine:
                    continue
            row = [label, r["size"]]
            for runs in (mine, floor):
                row += [f"{_median([x['messages'] for x in runs]):.0f}",
                        f"{_median([x['bytes'] for x in runs]) / 1000:.0f}",
                        f"{_median([x['finished_s'] for x in runs]):.2f} s",
                        f"{_median([x['seconds'] for x in runs]):.2f} s"]  # fmt: skip
            body.append(row)
    return _columns(head, body)


def _columns(head: list[str], body: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    info = bench_all.machine()
    try:
        short = subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "--short", "HEAD"],
                               capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(PROJECT), "status", "--porcelain", "--", "clinic_bi", "queries",
             "pages", "streamlit_app.py", ".streamlit", "bench"],
            capture_output=True, text=True, check=True).stdout.splitlines()  # fmt: skip
        info.update(commit_short=short, uncommitted=[line[3:] for line in dirty])
    except (OSError, subprocess.CalledProcessError):  # a copy made by git archive: BENCH_COMMIT
        info["commit_short"] = (info.get("commit") or "?")[:7]
    info["nproc"] = os.cpu_count()
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,300k,1M",
                        help=f"comma-separated, of {', '.join(SIZES)} (default 100k,300k,1M)")
    parser.add_argument("--with-10M", action="store_true", help="add 10M (~10 GB RAM, slow)")
    parser.add_argument("--quick", action="store_true", help="100k only")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed figure (median)")
    parser.add_argument("--parts", default="ui,report,ingest",
                        help="what to measure, comma-separated: ui, report, ingest")
    parser.add_argument("--no-check", action="store_true",
                        help="skip the check that the end of a run is detected (≈15 s)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/clinic_bi_bench_speed"),
                        help="stores, exports and results, kept between runs "
                             "(default /tmp/clinic_bi_bench_speed)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="the JSON file (default: <dir>/speed-….json)")
    args = parser.parse_args()

    labels = ["100k"] if args.quick else args.sizes.replace(",", " ").split()
    if args.with_10M and "10M" not in labels:
        labels.append("10M")
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; known: {', '.join(SIZES)}")
    parts = set(args.parts.split(","))
    root = args.dir
    root.mkdir(parents=True, exist_ok=True)
    info = machine()
    _log(f"machine: {info['nproc']} cores, {info['cpu']}, {info['memory_gb']:.0f} GB; python "
         f"{info['python']}, duckdb {info['duckdb']}; commit {info.get('commit_short')}"
         + (f" + uncommitted {info['uncommitted']}" if info.get("uncommitted") else ""))

    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    check: dict[str, Any] | None = None
    failed: list[str] = []
    with sync_playwright() as p:
        browser = None
        if "ui" in parts:
            browser = p.chromium.launch(executable_path=bench_ui.CHROMIUM, args=bench_ui.FLAGS)
        for i, label in enumerate(labels):
            try:
                if browser is not None and check is None and not args.no_check:
                    db, _ = cached_store(root / label, label, SIZES[label])
                    check = check_detection(browser, db, root / "home")
                results.append(bench_size(label, root, args.repeat, parts, browser, xlsx=i == 0))
            except (SystemExit, Exception) as exc:  # the sizes measured so far are still shown
                _log(f"[{label}] FAILED: {exc!r}")
                failed.append(label)
                break
        if browser is not None:
            browser.close()
    shutil.rmtree(root / "home", ignore_errors=True)

    rows = evaluate(results)
    print(f"\nissue 17 targets — commit {info.get('commit_short')}, {info['nproc']} cores "
          f"({info['cpu']}), medians of {args.repeat}; load average (1 min) at the start → end "
          "of each size: " + ", ".join(f"{r['size']} {r['load_before'][0]:.2f} → "
                                       f"{r['load_after'][0]:.2f}" for r in results))
    print(table(rows))
    if any("start" in r for r in results):
        print("\nper run (medians): ForwardMsgs sent, and seconds to script_finished / to drawn:")
        print(messages_table(results))
    missed = [x for x in rows if x["met"] is False]
    errors = [x for x in rows if x["met"] == "error"]
    total = time.perf_counter() - started
    print(f"\n{sum(x['met'] is True for x in rows)} met, {len(missed)} missed"
          + (f", {len(errors)} not measured (the page showed an exception)" if errors else "")
          + f"; {total / 60:.1f} min")  # fmt: skip
    out = args.out or root / f"speed-{'-'.join(labels)}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": info, "repeat": args.repeat, "detection_check": check,
                               "table": rows, "results": results, "minutes": total / 60},
                              ensure_ascii=False, indent=1, default=str),
                   encoding="utf-8")  # fmt: skip
    print(f"results: {out}")
    if failed:
        print(f"FAILED at {failed[0]}: the sizes after it were not measured")
    return 1 if errors or failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
