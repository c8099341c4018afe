"""The reports a refactor must not change, byte for byte (issue 11, "Done when").

    python tests/report_snapshots.py --write     # refresh tests/snapshots/ (a deliberate change)
    python tests/report_snapshots.py             # compare with tests/snapshots/, list what differs

Two stores: `sample_data/` as shipped, and a demo clinic generated with a fixed seed and end date.
For each, the CLI's JSON report and its text report (ru) under eight filter sets: whole years,
a half-year, one month, a doctor, a department, a branch, a changed return window and a changed
funnel window. They are made by the CLI itself (`python -m clinic_bi report`), in a fresh process
each, so what is compared is exactly what a user gets. tests/test_report_snapshots.py runs the
comparison.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "tests" / "snapshots"
DEMO = ["--patients", "400", "--seed", "11", "--end", "2025-12-31"]

# (name, report arguments); a doctor, department and branch that both stores hold
FILTER_SETS: tuple[tuple[str, list[str]], ...] = (
    ("2025", ["--from", "2025-01-01", "--to", "2025-12-31"]),
    ("2024", ["--from", "2024-01-01", "--to", "2024-12-31"]),
    ("2025H1", ["--from", "2025-01-01", "--to", "2025-06-30"]),
    ("2025-11", ["--from", "2025-11-01", "--to", "2025-11-30"]),
    ("doctor", ["--from", "2025-01-01", "--to", "2025-12-31", "--doctor", "Иванова А. С."]),
    ("department", ["--from", "2025-01-01", "--to", "2025-12-31", "--department", "Ортопедия"]),
    ("branch", ["--from", "2025-01-01", "--to", "2025-12-31", "--branch", "Центр"]),
    ("return90", ["--from", "2025-01-01", "--to", "2025-12-31", "--return-window", "90"]),
    ("funnel14", ["--from", "2025-01-01", "--to", "2025-12-31", "--funnel-window", "14"]),
)


def _cli(*args: str, env: dict[str, str]) -> bytes:
    proc = subprocess.run([sys.executable, "-m", "clinic_bi", *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=600, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise RuntimeError(f"clinic_bi {' '.join(args)}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def make_reports(out: Path) -> list[Path]:
    """Build both stores in a temporary folder and write every report under `out`."""
    written = []
    with tempfile.TemporaryDirectory(prefix="clinic_bi_snap_") as tmp:
        env = dict(os.environ, CLINIC_BI_HOME=tmp)
        stores = {"sample_data": Path(tmp) / "sample.duckdb", "demo": Path(tmp) / "demo.duckdb"}
        _cli("ingest", str(ROOT / "sample_data"), "--db", str(stores["sample_data"]), env=env)
        _cli("demo", str(Path(tmp) / "demo_exports"), *DEMO, "--load", "--db",
             str(stores["demo"]), env=env)  # fmt: skip
        for store_name, db in stores.items():
            for name, args in FILTER_SETS:
                for fmt in ("json", "text"):
                    # the looking-ahead sections fit models (seconds, and floating point a
                    # machine's own): tests/metrics/test_report_ahead.py checks them instead
                    body = _cli("report", *args, "--db", str(db), "--format", fmt, "--no-ahead",
                                env=env)  # fmt: skip
                    path = out / store_name / f"{name}.{'json' if fmt == 'json' else 'txt'}"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(body)
                    written.append(path)
    return written


def differences(made: Path, expected: Path = SNAPSHOTS) -> list[str]:
    """What differs between two snapshot folders: missing or extra files, and a short diff."""
    out = []
    names = {p.relative_to(made) for p in made.rglob("*") if p.is_file()}
    kept = {p.relative_to(expected) for p in expected.rglob("*") if p.is_file()}
    for rel in sorted(kept - names):
        out.append(f"{rel}: not made any more")
    for rel in sorted(names - kept):
        out.append(f"{rel}: new (not in {expected.relative_to(ROOT)})")
    for rel in sorted(names & kept):
        a, b = (expected / rel).read_bytes(), (made / rel).read_bytes()
        if a != b:
            diff = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(),
                                        str(rel), str(rel), lineterm="", n=1)  # fmt: skip
            out.append("\n".join(list(diff)[:40]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="refresh tests/snapshots/")
    args = parser.parse_args(argv)
    if args.write:
        for old in SNAPSHOTS.rglob("*"):
            if old.is_file():
                old.unlink()
        print(f"{len(make_reports(SNAPSHOTS))} reports written to {SNAPSHOTS}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        make_reports(Path(tmp))
        found = differences(Path(tmp))
    print("\n".join(found) or "identical")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
