"""Ingest speed: 1,000,000 service lines from CSV (UTF-8 and Windows-1251) and 100,000 rows
from XLSX into a fresh store, keys and journal included. Prints the figures.

    .venv/bin/python bench/bench_ingest.py [--lines 1000000] [--xlsx-rows 100000] [--dir DIR]
    .venv/bin/python bench/bench_ingest.py --files A.csv B.xlsx [--repeat 3]
    .venv/bin/python bench/bench_ingest.py --exports DIR [--lines 1000000] [--repeat 3]

The files look like an MIS export (Russian headers, decimal commas, `dd.mm.yyyy` dates) and are
generated once into DIR (default: a temp folder) with a fixed seed. `--files` times given files
instead (e.g. bench_all.py's exports, bench/gen_exports.py): each load in a fresh process and a
fresh store, `--repeat` times, with wall and CPU seconds, the process's peak RSS and the load
average (the machine may be shared: CPU seconds are the figure that load does not inflate).
`--exports DIR` times bench_all.py's files (written into DIR by bench/gen_exports.py from a
generated store when absent): the CSV in UTF-8 and Windows-1251 and the 100k-row XLSX.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clinic_bi import store  # noqa: E402
from clinic_bi.ingest import loader

HEADERS = ["Дата приёма", "№ карты", "Врач", "Отделение", "Код услуги", "Услуга", "Кол-во",
           "Цена", "Скидка", "Сумма", "Филиал", "Номер визита"]


def make_frame(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 5 * 365, n), unit="D")
    price = rng.integers(5, 400, n) * 100
    qty = rng.integers(1, 3, n)
    discount = np.where(rng.random(n) < 0.1, price * qty // 10, 0)
    doctors = np.array([f"Врач {i:02d} А. Б." for i in range(40)])
    depts = np.array(["Терапия", "Ортопедия", "Детская стоматология", "Хирургия", "Гигиена"])
    services = np.array([f"Услуга {i:03d}" for i in range(300)])
    svc = rng.integers(0, 300, n)
    return pd.DataFrame({
        "Дата приёма": days.strftime("%d.%m.%Y"),
        "№ карты": rng.integers(100000, 100000 + n // 8, n).astype(str),
        "Врач": doctors[rng.integers(0, 40, n)],
        "Отделение": depts[rng.integers(0, 5, n)],
        "Код услуги": pd.Series(svc).map(lambda i: f"A{i:04d}").to_numpy(),
        "Услуга": services[svc],
        "Кол-во": qty,
        "Цена": [f"{p:,.2f}".replace(",", "\u00a0").replace(".", ",") for p in price],
        "Скидка": discount,
        "Сумма": [f"{a:.2f}".replace(".", ",") for a in price * qty - discount],
        "Филиал": np.where(rng.random(n) < 0.5, "Центр", "Север"),
        "Номер визита": rng.integers(1, n // 2, n).astype(str),
    })


def ensure_files(folder: Path, lines: int, xlsx_rows: int) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "CSV UTF-8": folder / f"services_{lines}_utf8.csv",
        "CSV cp1251": folder / f"services_{lines}_cp1251.csv",
        "XLSX": folder / f"services_{xlsx_rows}.xlsx",
    }
    if not files["CSV UTF-8"].exists() or not files["CSV cp1251"].exists():
        frame = make_frame(lines)
        frame.to_csv(files["CSV UTF-8"], sep=";", index=False, encoding="utf-8")
        frame.to_csv(files["CSV cp1251"], sep=";", index=False, encoding="cp1251")
    if not files["XLSX"].exists():
        frame = make_frame(xlsx_rows, seed=8)
        frame["Дата приёма"] = pd.to_datetime(frame["Дата приёма"], format="%d.%m.%Y")
        frame["Сумма"] = frame["Сумма"].str.replace(",", ".").astype(float)
        frame.to_excel(files["XLSX"], index=False, engine="openpyxl")
    return files


def _first_load(db: Path, path: Path) -> tuple[loader.LoadResult, float, float]:
    """Load `path` into a new store at `db`: the result, wall seconds and CPU seconds (this
    process's and the reader worker's: a workbook is read in a child, clinic_bi/ingest/sheets.py)."""
    store.connect(db).close()
    t, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    (result,) = loader.ingest_paths(db, [path])
    secs, cpu = time.perf_counter() - t, time.process_time() + _children_cpu() - cpu
    assert result.ok, result.error
    assert result.rows_rejected == 0, result.issues[:3]
    return result, secs, cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load_once(path: Path) -> dict:
    """One load of `path` into a fresh store, in this process (a child: its peak RSS is the
    load's)."""
    with tempfile.TemporaryDirectory() as tmp:
        result, secs, cpu = _first_load(Path(tmp) / "bench.duckdb", path)
    return {"rows": result.rows_loaded, "seconds": secs, "cpu_seconds": cpu, "rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """Peak RSS of this process (VmHWM: getrusage's ru_maxrss would carry the parent's peak
    across fork and exec), or of the reader worker it started, whichever is larger."""
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return max(int(line.split()[1]) / 1024, worker)
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, worker)


def bench_all_exports(folder: Path, lines: int, xlsx_rows: int) -> list[Path]:
    """The files bench_all.py times: its generated store's service lines as a CSV export
    (UTF-8, Windows-1251) and bench_ingest's XLSX; written once into `folder`."""
    from bench import bench_report, gen_exports

    folder.mkdir(parents=True, exist_ok=True)
    utf8 = folder / f"services_{lines}.csv"
    cp1251 = folder / f"services_{lines}_cp1251.csv"
    xlsx = folder / f"services_{xlsx_rows}.xlsx"
    if not utf8.exists() or not cp1251.exists():
        db = folder / f"store_{lines}.duckdb"
        for stale in (db, Path(f"{db}.wal")):
            stale.unlink(missing_ok=True)
        bench_report.generate(db, lines)
        gen_exports.write_services_csv(db, utf8)
        gen_exports.write_services_csv(db, cp1251, encoding="cp1251")
    if not xlsx.exists():
        gen_exports.write_services_xlsx(xlsx, xlsx_rows)
    return [utf8, cp1251, xlsx]


def time_files(files: list[Path], repeat: int) -> None:
    # A 10M-line export is over the app's 200 MB upload guard, which a clinic raises for it.
    env = {**os.environ}
    env.setdefault("CLINIC_BI_MAX_UPLOAD_MB", "8192")
    print(f"{'file':<36} {'rows':>10} {'wall s':>7} {'CPU s':>6} {'rows/s':>9} {'RSS MB':>7}  load")
    for path in files:
        for _ in range(repeat):
            load = os.getloadavg()[0]
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", str(path)],
                capture_output=True, text=True, env=env, check=True,
            )
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{path.name[-36:]:<36} {r['rows']:>10,} {r['seconds']:>7.2f} "
                  f"{r['cpu_seconds']:>6.2f} {r['rows'] / r['seconds']:>9,.0f} "
                  f"{r['rss_mb']:>7,.0f}  {load:.2f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "clinic_bi_bench")
    ap.add_argument("--files", type=Path, nargs="+", help="time these files instead")
    ap.add_argument("--repeat", type=int, default=1, help="loads per file (with --files)")
    ap.add_argument("--exports", type=Path, help="time bench_all.py's exports (written here)")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(load_once(args.child)))
        return
    if args.exports:
        args.files = bench_all_exports(args.exports, args.lines, args.xlsx_rows)
    if args.files:
        time_files(args.files, args.repeat)
        return
    t = time.perf_counter()
    files = ensure_files(args.dir, args.lines, args.xlsx_rows)
    print(f"files ready in {time.perf_counter() - t:.1f} s ({args.dir})")
    print(f"{'file':<12} {'rows':>10} {'seconds':>8} {'rows/s':>10}  size")
    for label, path in files.items():
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.duckdb"
            result, secs, cpu = _first_load(db, path)
            rows = result.rows_loaded
            size = path.stat().st_size / 1e6
            print(f"{label:<12} {rows:>10,} {secs:>8.2f} {rows / secs:>10,.0f}  {size:.0f} MB, "
                  f"CPU {cpu:.2f} s on {os.cpu_count()} cores")
            if path.suffix == ".csv":
                # next month's export repeating every line: the same rows in another file
                copy = Path(tmp) / ("copy_" + path.name)
                copy.write_bytes(path.read_bytes() + b"\n")
                t = time.perf_counter()
                (again,) = loader.ingest_paths(db, [copy])
                secs = time.perf_counter() - t
                assert again.rows_replaced == rows and again.rows_new == 0
                print(f"{'  overlap':<12} {again.rows_loaded:>10,} {secs:>8.2f} "
                      f"{again.rows_loaded / secs:>10,.0f}  (every row already held: replaced)")
            t = time.perf_counter()
            (same,) = loader.ingest_paths(db, [path])
            secs = time.perf_counter() - t
            assert same.duplicate_of is not None
            print(f"{'  same file':<12} {'skipped':>10} {secs:>8.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
