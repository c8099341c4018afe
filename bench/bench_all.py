"""Issue 5's benchmark, end to end, from one command:

    .venv/bin/python bench/bench_all.py --sizes 100k,1M        # a few minutes
    .venv/bin/python bench/bench_all.py --sizes 10M            # run once for BENCHMARKS.md

Per size (service lines; patients, leads, appointments, contracts, reviews in proportion):

1. data: a canonical store from bench_report.generate (set-based SQL), and from it a services CSV
   export in an MIS's style (bench/gen_exports.py, DuckDB's writer);
2. ingest: the CSV (UTF-8; Windows-1251 too up to 1M) into a fresh store through
   clinic_bi.ingest.loader.ingest_paths (reading, parsing, keys, journal), then a re-export of the same
   rows (another file: the loader skips a byte-identical one) whose every row replaces its
   earlier copy (the de-duplication path); and a 100,000-row XLSX (Excel's own limit is
   1,048,576 rows a sheet; 100k is a big real export). Each in a fresh subprocess: wall seconds,
   CPU seconds (the machine is shared) and peak RSS;
3. pages: the Engine calls each web page makes (PAGES below, read from streamlit_app.py and
   pages/*.py), warm (models built), each run after a filter change: every run moves the period's
   first day to a day never asked before, so no remembered result can answer; the benchmark
   checks that no query of a run was answered from the engine's result cache;
4. full JSON report (CLI.md, `report --format json` for the last full year): cold (a new Engine,
   models built from the store) and warm (models built, remembered results dropped);
5. peak RSS during the report: a fresh subprocess that only opens the store and builds it;
6. pandas: tests/oracle/pandas_report.py in a fresh subprocess: load the tables, prepare (visit keys,
   first visits, lead links: what does not depend on the filters), compute the report; its report
   must equal the engine's, section by section, or the benchmark fails. Ratios: warm (pandas
   report from prepared frames / engine warm) and cold (pandas prepare + report / engine cold).

Prints a table per size and a markdown table; writes everything measured to
<dir>/results-<sizes>.json. Options: --dir (files, default a temp folder; kept), --repeat.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from time import perf_counter, process_time, strftime
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from bench import bench_report, gen_exports  # noqa: E402
from clinic_bi import store  # noqa: E402
from clinic_bi.metrics import Engine, Filters  # noqa: E402
from clinic_bi.metrics.engine import persist_models  # noqa: E402
from clinic_bi.present.report import build_report  # noqa: E402
from tests.oracle.pandas_report import report_differences  # noqa: E402

SIZES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
XLSX_ROWS = 100_000
# The generated data covers 2023-01-01 .. 2025-12-30: the last full year is the report's period.
YEAR = Filters("2025-01-01", "2025-12-31")
TARGETS = {
    "ingest_csv_rows_s": {"1M": 300_000, "10M": 300_000},
    "ingest_xlsx_rows_s": {"1M": 50_000},
    "report_s": {"1M": 1.0, "10M": 8.0},
    "page_s": {"1M": 0.3, "10M": 3.0},
    "rss_mb": {"1M": 1536, "10M": 4096},
    "ratio": {"1M": 10.0, "10M": 10.0},
}


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM: getrusage's ru_maxrss would carry the parent's peak
    across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = perf_counter()
    result = fn(*args, **kwargs)
    return perf_counter() - started, result


# ---------------------------------------------------------------------------------------------
# The pages' queries (streamlit_app.py and pages/*.py, as of this commit). Each step is one
# metric family the page asks for through clinic_bi/app/data.metric -> Engine.<family>(f), each
# call inside its own engine.snapshot() as clinic_bi/app/data.engine_for does.


def _call(engine: Engine, family: str, f: Filters) -> Any:
    with engine.snapshot():
        return getattr(engine, family)(f)


def _doctors_page(engine: Engine, f: Filters) -> None:
    _call(engine, "summary", f)
    doctors = _call(engine, "doctors", f)
    # the doctor card: the page's default is the first doctor of the table
    card = replace(f, doctor=str(doctors["doctor"].iloc[0])) if len(doctors) else f
    _call(engine, "services", card)
    _call(engine, "monthly", card)


def _overview_page(engine: Engine, f: Filters) -> None:
    # the KPI cards compare the summary only (clinic_bi/app/data.py: kpi_comparison)
    with engine.snapshot():
        engine.comparison(f, summary_only=True)
    for family in ("monthly", "departments", "doctors"):
        _call(engine, family, f)


def _steps(*families: str) -> Callable[[Engine, Filters], None]:
    def run(engine: Engine, f: Filters) -> None:
        for family in families:
            _call(engine, family, f)

    return run


PAGES: dict[str, Callable[[Engine, Filters], None]] = {
    "Обзор": _overview_page,
    "Врачи": _doctors_page,
    "Направления": _steps("summary", "departments"),
    "Услуги": _steps("services"),
    "Возвращаемость": _steps(
        "summary", "monthly", "doctors", "departments", "retention_cohorts", "ltv_cohorts"
    ),
    "Воронка": _steps("funnel", "show_up"),
    "Маркетинг": _steps("marketing", "marketing_by_month"),
    "Качество": _steps("quality", "summary", "doctors"),
}


class CacheWatch:
    """Counts the engine's query calls and the results it remembers, so a run can prove that
    none of its queries was answered from what an earlier run left behind."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.calls: list[tuple[str, str, str]] = []
        self.hits: list[tuple[str, str, str]] = []
        run = engine._run

        def counting(name: str, params: dict[str, Any], shape: str) -> Any:
            call = (name, shape, repr(sorted(params.items())))
            known = set(engine._results)
            value = run(name, params, shape)
            # a computed result is added last under a new key; a remembered one moves last
            if next(reversed(engine._results)) in known and call not in self.calls:
                self.hits.append(call)  # answered by a result an earlier run left behind
            self.calls.append(call)
            return value

        engine._run = counting  # type: ignore[method-assign]

    def run(self, fn: Callable[[], Any], strict: bool = True) -> tuple[float, int]:
        self.calls.clear()
        self.hits.clear()
        seconds, _ = _timed(fn)
        if strict and self.hits:
            raise SystemExit(f"cache check failed: remembered results answered {self.hits}")
        return seconds, len(set(self.calls))


# ---------------------------------------------------------------------------------------------
# Children: each measured in a fresh process (peak RSS is per process)


def child_ingest(path: str, db: str, again: str | None) -> dict[str, Any]:
    """Load `path` into a fresh store; then `again` (the same rows in another file), whose every
    row must replace its earlier copy."""
    from clinic_bi import store
    from clinic_bi.ingest import loader

    store.connect(Path(db)).close()
    out: dict[str, Any] = {}
    for attempt, file in (("first", path), ("again", again)):
        if not file:
            continue
        wall, cpu, kids = perf_counter(), process_time(), _children_cpu()
        (result,) = loader.ingest_paths(Path(db), [Path(file)])
        wall, cpu = perf_counter() - wall, process_time() - cpu
        kids = _children_cpu() - kids  # a workbook is read in a capped child (ingest/sheets.py)
        if not result.ok or result.rows_rejected:
            raise SystemExit(f"ingest failed: {result.error} {result.issues[:3]}")
        if attempt == "again" and result.rows_replaced != out["first"]["rows"]:
            raise SystemExit(f"re-export: {result.rows_replaced} rows replaced, not all")
        out[attempt] = {
            "seconds": wall,
            "cpu_seconds": cpu,
            "cpu_children_seconds": kids,
            "rows": result.rows_loaded,
            "rows_replaced": result.rows_replaced,
        }
    out["rss_mb"] = _rss_mb()
    return out


def child_report(db: str) -> dict[str, Any]:
    baseline = _rss_mb()
    seconds, report = _timed(build_report, Path(db), YEAR)
    return {"seconds": seconds, "rss_mb": _rss_mb(), "rss_after_imports_mb": baseline,
            "visits": report["summary"]["visits"]}  # fmt: skip


def child_pandas(db: str, out: str, repeat: int) -> dict[str, Any]:
    from tests.oracle.pandas_report import load_tables, pandas_report, prepare

    baseline = _rss_mb()
    load, tables = _timed(load_tables, db)
    rss_loaded = _rss_mb()
    prep, prepared = _timed(prepare, tables)
    kwargs = {"date_from": YEAR.date_from, "date_to": YEAR.date_to}
    runs = []
    for _ in range(repeat):
        seconds, report = _timed(pandas_report, prepared, **kwargs)
        runs.append(seconds)
    Path(out).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return {"load_s": load, "prepare_s": prep, "report_runs_s": runs,
            "report_s": statistics.median(runs), "rss_mb": _rss_mb(),
            "rss_after_imports_mb": baseline, "rss_after_load_mb": rss_loaded}  # fmt: skip


def _child(*args: str) -> dict[str, Any]:
    # A 10M-line export weighs ~1.2 GB: above the app's upload limit (200 MB by default, a guard
    # against hostile files), which a clinic raises with this setting for such a file.
    env = {**os.environ}
    env.setdefault("CLINIC_BI_MAX_UPLOAD_MB", "8192")
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        capture_output=True, text=True, cwd=PROJECT, env=env,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# One size


def _log(text: str) -> None:
    print(text, flush=True)


def _fresh(export: Path, source: Path) -> bool:
    """An export written after its store (bench_speed.py keeps stores between runs; this file
    writes a new store every run, so its exports are always written again)."""
    return export.exists() and export.stat().st_mtime > source.stat().st_mtime


def bench_size(label: str, lines: int, root: Path, repeat: int) -> dict[str, Any]:
    r: dict[str, Any] = {"size": label, "lines": lines, "load_before": os.getloadavg()}
    folder = root / label
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"store_{label}.duckdb"
    for stale in (db, Path(f"{db}.wal")):
        stale.unlink(missing_ok=True)

    seconds, counts = _timed(bench_report.generate, db, lines)
    r["generate_s"], r["rows"] = seconds, counts
    r["store_mb"] = db.stat().st_size / 1e6
    _log(f"[{label}] store generated in {seconds:.1f} s: {counts}")

    kinds = ("csv_utf8", "csv_cp1251", "xlsx") if lines <= 1_000_000 else ("csv_utf8", "xlsx")
    ingest_part(r, label, db, folder, root, kinds)
    expected, engine = report_part(r, label, db, repeat)
    engine_parts(r, label, engine, repeat)
    engine.close()
    rss_part(r, label, db)
    pandas_part(r, label, lines, db, folder, expected)
    r["load_after"] = os.getloadavg()
    r["bench_process_rss_mb"] = _rss_mb()
    return r


def ingest_part(r: dict[str, Any], label: str, db: Path, folder: Path, root: Path,
                kinds: tuple[str, ...]) -> None:  # fmt: skip
    """CSV exports of the store (`kinds`: csv_utf8 with its re-export, csv_cp1251) and the
    100k-row XLSX, each loaded in a fresh subprocess into a fresh store; into r["ingest"]."""
    files: dict[str, Path] = {}
    if "csv_utf8" in kinds:
        csv = folder / f"services_{label}.csv"
        if not _fresh(csv, db):
            seconds, _ = _timed(gen_exports.write_services_csv, db, csv)
            r["csv_write_s"] = seconds
            _log(f"[{label}] CSV export written in {seconds:.1f} s "
                 f"({csv.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
        r["csv_mb"] = csv.stat().st_size / 1e6
        files["csv_utf8"] = csv
    again = folder / f"services_{label}_reexport.csv"
    if "csv_utf8" in kinds and not _fresh(again, db):
        gen_exports.write_services_csv(db, again, reverse=True)
    if "csv_cp1251" in kinds:
        cp1251 = folder / f"services_{label}_cp1251.csv"
        if not _fresh(cp1251, db):
            gen_exports.write_services_csv(db, cp1251, encoding="cp1251")
        files["csv_cp1251"] = cp1251
    if "xlsx" in kinds:
        xlsx = root / f"services_{XLSX_ROWS}.xlsx"  # one file for every size
        if not xlsx.exists():
            seconds, _ = _timed(gen_exports.write_services_xlsx, xlsx, XLSX_ROWS)
            _log(f"XLSX of {XLSX_ROWS:,} rows written in {seconds:.1f} s")
        files["xlsx"] = xlsx
    r["ingest"] = {}
    for kind, path in files.items():
        target = folder / f"ingest_{label}_{kind}.duckdb"
        for stale in (target, Path(f"{target}.wal"), Path(f"{target}.salt")):
            stale.unlink(missing_ok=True)
        got = _child("ingest", str(path), str(target), str(again) if kind == "csv_utf8" else "")
        got["mb"] = path.stat().st_size / 1e6
        r["ingest"][kind] = got
        first = got["first"]
        _log(f"[{label}] ingest {kind}: {first['rows']:,} rows in {first['seconds']:.2f} s "
             f"({first['rows'] / first['seconds']:,.0f} rows/s, CPU {first['cpu_seconds']:.1f} s"
             f" + {first.get('cpu_children_seconds', 0):.1f} s in child processes)"
             + (f"; re-export (all replaced) {got['again']['seconds']:.2f} s" if "again" in got
                else "") + f"; peak RSS {got['rss_mb']:.0f} MB")  # fmt: skip
        for stale in (target, Path(f"{target}.wal"), Path(f"{target}.salt")):
            stale.unlink(missing_ok=True)


def report_part(r: dict[str, Any], label: str, db: Path, repeat: int) -> tuple[Any, Engine]:
    """The full JSON report, cold (a new Engine) and warm (models built, remembered results
    dropped before each run), with the comparison, and asked again; returns the report and the
    engine (models built; the caller closes it)."""
    # The store as an upload leaves it: no persisted models. The first reader builds them (what
    # a new process paid every time before issue 17), then keeps them; a new process after that
    # copies them: that is "cold" (clinic_bi/metrics/engine.py, "Persisted models").
    con = store.connect(db)
    try:
        with store.transaction(con):
            store.drop_models(con)
    finally:
        con.close()
    first = Engine(db, keep_models=False)
    r["report_first_cold_s"], _ = _timed(build_report, first, YEAR)
    r["model_first_build_s"] = first.last_build_seconds
    first.close()
    con = store.connect(db)
    try:
        r["models_kept_s"] = persist_models(con)
    finally:
        con.close()
    engine = Engine(db)
    cold, expected = _timed(build_report, engine, YEAR)
    r["report_cold_s"], r["model_build_s"] = cold, engine.last_build_seconds
    r["models_copied"] = bool(engine.copies)
    warm = []
    for _ in range(repeat):
        engine.forget_results()
        warm.append(_timed(build_report, engine, YEAR)[0])
    r["report_warm_runs_s"], r["report_warm_s"] = warm, statistics.median(warm)
    with_comparison = []
    for _ in range(repeat):
        engine.forget_results()
        with_comparison.append(_timed(build_report, engine, YEAR, comparison=True)[0])
    r["report_text_warm_s"] = statistics.median(with_comparison)
    again = [_timed(build_report, engine, YEAR)[0] for _ in range(repeat)]
    r["report_remembered_s"] = statistics.median(again)
    _log(f"[{label}] first open after a change {r['report_first_cold_s']:.3f} s (models built "
         f"{r['model_first_build_s']:.3f} s, kept in {r['models_kept_s'] or 0:.3f} s)")
    _log(f"[{label}] full report: cold {cold:.3f} s (models {engine.last_build_seconds:.3f} s, "
         f"copied: {r['models_copied']}), "
         f"warm median {r['report_warm_s']:.3f} s (runs {', '.join(f'{x:.3f}' for x in warm)})"
         f", with comparison {r['report_text_warm_s']:.3f} s, remembered "
         f"{r['report_remembered_s'] * 1000:.1f} ms")  # fmt: skip
    return expected, engine


def engine_parts(r: dict[str, Any], label: str, engine: Engine, repeat: int) -> None:
    """Each query family on its own, warm, and each page's engine calls after a filter change
    (`engine`: models built)."""
    # each query family on its own, warm: where a report's time goes
    families = {}
    with engine.snapshot():
        for name in ("summary", "doctors", "departments", "services", "monthly", "funnel",
                     "marketing", "show_up", "quality", "ltv_cohorts", "retention_cohorts",
                     "comparison"):  # fmt: skip
            runs = []
            for _ in range(repeat):
                engine.forget_results()
                runs.append(_timed(getattr(engine, name), YEAR)[0])
            families[name] = statistics.median(runs)
    r["families_s"] = families

    # -- pages after a filter change ---------------------------------------------------------
    # Every run moves the period's first day to a day never asked before AND leaves a different
    # doctor out of the doctor filter (all doctors but one: ~97 % of the lines stay in), so every
    # query of the run has parameters never asked before (the funnel takes only the period; the
    # marketing page's month slices only the doctor filter). CacheWatch proves it: the benchmark
    # stops if any query of a run is answered from the engine's remembered results.
    # A second pass moves only the period (the commonest change): some queries may then be
    # answered from memory (the middle months of the marketing page), as in the app.
    doctors = sorted(str(d) for d in engine.doctors(YEAR)["doctor"])
    # (the report runs above asked the year before YEAR, which a moved period's comparison
    # would ask again: start from an empty memory, then no two runs share a query)
    engine.forget_results()
    watch = CacheWatch(engine)
    shift = 0
    for variant, strict in (("pages", True), ("pages_period_only", False)):
        r[variant] = {}
        for page, fn in PAGES.items():
            runs, queries = [], 0
            for _ in range(repeat):
                shift += 1
                f = replace(YEAR, date_from=YEAR.date_from + timedelta(days=shift))
                if strict:
                    left_out = doctors[shift % len(doctors)]
                    f = replace(f, doctor=tuple(d for d in doctors if d != left_out))
                seconds, queries = watch.run(lambda f=f, fn=fn: fn(engine, f), strict=strict)
                runs.append(seconds)
            r[variant][page] = {"median_s": statistics.median(runs), "min_s": min(runs),
                                "max_s": max(runs), "queries": queries}  # fmt: skip
            _log(f"[{label}] {variant} {page:<15} median {statistics.median(runs) * 1000:7.1f} "
                 f"ms, max {max(runs) * 1000:7.1f} ms ({queries} queries"
                 + (", none remembered)" if strict else ")"))  # fmt: skip


def rss_part(r: dict[str, Any], label: str, db: Path) -> None:
    """Peak RSS of a fresh process that opens the store and builds the report."""
    r["report_process"] = _child("report", str(db))
    _log(
        f"[{label}] fresh process, full report: {r['report_process']['seconds']:.2f} s, peak "
        f"RSS {r['report_process']['rss_mb']:.0f} MB (after imports "
        f"{r['report_process']['rss_after_imports_mb']:.0f} MB)"
    )


def pandas_part(r: dict[str, Any], label: str, lines: int, db: Path, folder: Path,
                expected: Any) -> None:  # fmt: skip
    """tests/oracle/pandas_report.py in a fresh subprocess; its report must equal `expected`
    (the engine's); the engine's speed-up warm and cold (needs report_part's figures in r)."""
    out = folder / f"pandas_report_{label}.json"
    p = _child("pandas", str(db), str(out), "1" if lines > 1_000_000 else "3")
    r["pandas"] = p
    actual = json.loads(out.read_text(encoding="utf-8"))
    wrong = report_differences(actual, json.loads(json.dumps(expected, ensure_ascii=False)))
    r["pandas"]["equal"] = not wrong
    if wrong:
        print("\n".join(wrong[:30]), file=sys.stderr)
        raise SystemExit(f"[{label}] the pandas report differs from the engine's "
                         f"({len(wrong)} figures)")  # fmt: skip
    r["ratio_warm"] = p["report_s"] / r["report_warm_s"]
    r["ratio_cold"] = (p["prepare_s"] + p["report_s"]) / r["report_cold_s"]
    _log(f"[{label}] pandas: load {p['load_s']:.2f} s, prepare {p['prepare_s']:.2f} s, report "
         f"{p['report_s']:.2f} s, peak RSS {p['rss_mb']:.0f} MB; equal to the engine's report "
         f"in every section; engine faster x{r['ratio_warm']:.1f} warm, x{r['ratio_cold']:.1f} "
         f"cold")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The table


def _ingest_rate(kind: str, attempt: str = "first") -> Callable[[dict[str, Any]], float | None]:
    def get(r: dict[str, Any]) -> float | None:
        got = r["ingest"].get(kind)
        return got[attempt]["rows"] / got[attempt]["seconds"] if got else None

    return get


def _page(page: str) -> Callable[[dict[str, Any]], float]:
    return lambda r: r["pages"][page]["median_s"]


def _count(x: float) -> str:
    return f"{x:,.0f}"


def _ms(x: float) -> str:
    return f"{x * 1000:,.0f} ms"


def _s(x: float) -> str:
    return f"{x:.2f} s"


def _mb(x: float) -> str:
    return f"{x:,.0f} MB"


def _times(x: float) -> str:
    return f"×{x:.1f}"


# (row label, figure of one run, how it is shown): the table of BENCHMARKS.md
ROWS: list[tuple[str, Callable[[dict[str, Any]], Any], Callable[[Any], str]]] = [
    ("service lines", lambda r: r["rows"]["services"], _count),
    ("ingest CSV UTF-8, rows/s (wall clock)", _ingest_rate("csv_utf8"), _count),
    ("  … CPU seconds of that load", lambda r: r["ingest"]["csv_utf8"]["first"]["cpu_seconds"],
     _s),
    ("  … wall seconds of that load", lambda r: r["ingest"]["csv_utf8"]["first"]["seconds"], _s),
    ("  … re-export of the same rows (all replaced), rows/s", _ingest_rate("csv_utf8", "again"),
     _count),
    ("ingest CSV Windows-1251, rows/s", _ingest_rate("csv_cp1251"), _count),
    (f"ingest XLSX ({XLSX_ROWS // 1000}k-row file), rows/s", _ingest_rate("xlsx"), _count),
    ("peak RSS of the CSV ingest process", lambda r: r["ingest"]["csv_utf8"]["rss_mb"], _mb),
    *[(f"page {page}: queries after a filter change (median)", _page(page), _ms)
      for page in PAGES],
    ("full JSON report, cold (new Engine: models built + report)", lambda r: r["report_cold_s"],
     _s),
    ("  … of which building the models", lambda r: r["model_build_s"], _s),
    ("full JSON report, warm (median)", lambda r: r["report_warm_s"], _s),
    ("full report + comparison (text report), warm", lambda r: r["report_text_warm_s"], _s),
    ("full report asked again (remembered)", lambda r: r["report_remembered_s"], _ms),
    ("peak RSS: fresh process, open store + full report",
     lambda r: r["report_process"]["rss_mb"], _mb),
    ("pandas: load the tables from the store", lambda r: r["pandas"]["load_s"], _s),
    ("pandas: prepare (visit keys, first visits, lead links)",
     lambda r: r["pandas"]["prepare_s"], _s),
    ("pandas: full report from prepared frames (median)", lambda r: r["pandas"]["report_s"], _s),
    ("pandas: peak RSS (load + prepare + report)", lambda r: r["pandas"]["rss_mb"], _mb),
    ("pandas report = engine report, every section",
     lambda r: "yes" if r["pandas"]["equal"] else "NO", str),
    ("engine faster than pandas, warm (pandas report / engine warm)",
     lambda r: r["ratio_warm"], _times),
    ("engine faster than pandas, cold (pandas prepare+report / engine cold)",
     lambda r: r["ratio_cold"], _times),
    ("load average (1 min) at start of the size", lambda r: r["load_before"][0],
     lambda x: f"{x:.2f}"),
]  # fmt: skip


def table(results: list[dict[str, Any]]) -> str:
    """One column per size; a size measured in several runs shows the range of its runs."""
    sizes: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        sizes.setdefault(r["size"], []).append(r)
    header = [f"{size} ({len(runs)} run{'s' if len(runs) > 1 else ''})"
              for size, runs in sizes.items()]  # fmt: skip
    lines = ["| | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for label, get, show in ROWS:
        cells = []
        for runs in sizes.values():
            values = [v for v in (get(r) for r in runs) if v is not None]
            if not values:
                cells.append("—")
            elif isinstance(values[0], str) or min(values) == max(values):
                cells.append(show(values[0]) if len(set(map(str, values))) == 1 else
                             " / ".join(map(show, values)))  # fmt: skip
            else:
                cells.append(f"{show(min(values))} – {show(max(values))}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def code_version() -> dict[str, Any]:
    """The commit measured, and whether the engine or the loader had uncommitted changes (the
    working tree is shared with engineers at work). A copy made by `git archive` carries the
    commit in a file BENCH_COMMIT instead."""
    marker = PROJECT / "BENCH_COMMIT"
    if marker.exists():
        return {"commit": marker.read_text().strip(), "uncommitted": []}
    try:
        commit = subprocess.run(
            ["git", "-C", str(PROJECT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "-C",
                str(PROJECT),
                "status",
                "--porcelain",
                "--",
                "clinic_bi",
                "queries",
                "bench",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "uncommitted": []}
    return {"commit": commit, "uncommitted": [line[3:] for line in dirty]}


def machine() -> dict[str, Any]:
    import duckdb
    import pandas

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    return {"cores": os.cpu_count(), "cpu": cpu,
            "memory_gb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
            "python": platform.python_version(), "duckdb": duckdb.__version__,
            "pandas": pandas.__version__, "date": date.today().isoformat(),
            **code_version()}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1M", help="comma-separated: 100k, 1M, 10M")
    parser.add_argument("--dir", type=Path, help="where files go (default: a temp folder)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per timed figure")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--combine",
        nargs="+",
        type=Path,
        metavar="RESULTS_JSON",
        help="print one table from earlier runs' results files (ranges)",
    )
    args = parser.parse_args()

    if args.combine:
        runs = [json.loads(p.read_text(encoding="utf-8")) for p in args.combine]
        print(table([r for run in runs for r in run["results"]]))
        for p, run in zip(args.combine, runs, strict=True):
            print(f"{p.name}: {run['machine']}")
        return 0

    if args.child:
        kind, *rest = args.child
        if kind == "ingest":
            got = child_ingest(rest[0], rest[1], again=rest[2] if len(rest) > 2 else None)
        elif kind == "report":
            got = child_report(rest[0])
        else:
            got = child_pandas(rest[0], rest[1], int(rest[2]))
        print(json.dumps(got))
        return 0

    labels = args.sizes.replace(",", " ").split()
    unknown = [s for s in labels if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; known: {', '.join(SIZES)}")
    folder = args.dir or Path(tempfile.gettempdir()) / "clinic_bi_bench_all"
    info = machine()
    _log(f"machine: {info}")
    results = []
    for label in labels:
        results.append(bench_size(label, SIZES[label], folder, args.repeat))
    print()
    print(table(results))
    out = folder / f"results-{'-'.join(labels)}-{strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"machine": info, "results": results}, ensure_ascii=False,
                              indent=1, default=str), encoding="utf-8")  # fmt: skip
    print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
