"""The demo clinic's store, built on first use from freshly generated demo exports.

It lives in its own file (`paths.demo_db_path()`), so demo rows never mix with a clinic's data.
The exports go through the same loader as a clinic's files; the store is built beside its final
place and moved there only when complete, so a half-built demo is never opened.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from clinic_bi import store
from clinic_bi.app import data
from clinic_bi.demo import write_demo
from clinic_bi.ingest import loader
from clinic_bi.store.salt import salt_path

DEMO_PATIENTS = 6000
DEMO_SEED = 42


def has_data(path: Path) -> bool:
    if not path.exists():
        return False
    con = store.connect(path, read_only=True)
    try:
        return any(n > 0 for n in store.row_counts(con).values())
    finally:
        con.close()


def build_demo_store(path: Path, patients: int = DEMO_PATIENTS, seed: int = DEMO_SEED) -> Path:
    """Write the demo exports and load them into `path` (kept if it already holds data)."""
    with data.process_lock():
        if has_data(path):
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="clinic_bi_demo_") as tmp:
            exports = write_demo(Path(tmp) / "exports", patients=patients, seed=seed)
            building = Path(tmp) / "demo.duckdb"
            results = loader.ingest_paths(building, exports)
            failed = [r for r in results if not r.ok]
            if failed:
                raise RuntimeError("; ".join(str(r.error) for r in failed))
            for suffix in ("", ".wal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            shutil.move(str(building), str(path))
            shutil.move(str(salt_path(building)), str(salt_path(path)))
        data.clear_caches()
    return path
