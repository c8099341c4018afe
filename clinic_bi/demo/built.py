"""Whether the demo store already built is current, so `demo --load` (and `make run`) reuses it
instead of generating and loading the exports again.

A build is current when a stamp beside the store (`<store>.demo.json`) records the same recipe
(patients, seed, last day of data) and the same code fingerprint, the store and its salt are
there, and every export it was built from is still in the output folder byte for byte. The
fingerprint covers what decides the demo store's contents: the generator (clinic_bi/demo), the
loader (clinic_bi/ingest, queries/ingest), the store (clinic_bi/store, queries/store), the
canonical tables and the DuckDB version. The default last day is the end of the previous month,
so a new month is a new recipe and the demo is built again.

The stamp is removed before a build starts and written only after every file loaded, so a
build that failed or was interrupted is never taken for a current one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from clinic_bi import __version__
from clinic_bi.paths import PACKAGE_DIR, QUERIES_DIR, open_private
from clinic_bi.store.salt import salt_path

# What the demo store is made by: every file under these folders, and these files.
SOURCES = (
    PACKAGE_DIR / "demo", PACKAGE_DIR / "ingest", PACKAGE_DIR / "store", PACKAGE_DIR / "tables.py",
    QUERIES_DIR / "ingest", QUERIES_DIR / "store",
)  # fmt: skip


def code_fingerprint() -> str:
    """sha256 over the paths and bytes of every source file that decides the demo store, with
    clinic_bi's and DuckDB's versions."""
    import duckdb

    digest = hashlib.sha256(f"clinic_bi {__version__}; duckdb {duckdb.__version__}\n".encode())
    for source in SOURCES:
        files = sorted(source.rglob("*")) if source.is_dir() else [source]
        for path in files:
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(PACKAGE_DIR.parent)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def recipe(patients: int, seed: int, end: dt.date) -> dict[str, Any]:
    """What a build is made of: the generator's arguments and the code's fingerprint."""
    return {"patients": patients, "seed": seed, "end": end.isoformat(),
            "code": code_fingerprint()}  # fmt: skip


def stamp_path(db: Path) -> Path:
    return Path(str(db) + ".demo.json")


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_current(db: Path, out_dir: Path, wanted: dict[str, Any]) -> bool:
    """True when `db` was built by this recipe and code from the exports still in `out_dir`."""
    try:
        stamp = json.loads(stamp_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("recipe") != wanted:
        return False
    if not (db.is_file() and salt_path(db).is_file()):
        return False
    if stamp.get("out_dir") != str(Path(out_dir).resolve()):
        return False
    exports = stamp.get("exports")
    if not isinstance(exports, dict) or not exports:
        return False
    for name, sha in exports.items():
        path = Path(out_dir) / name
        if not path.is_file() or _file_hash(path) != sha:
            return False
    return True


def forget(db: Path) -> None:
    """Drop the stamp: the build about to start replaces the store."""
    stamp_path(db).unlink(missing_ok=True)


def remember(db: Path, out_dir: Path, wanted: dict[str, Any], exports: list[Path]) -> None:
    """Write the stamp of a build that loaded every export (0600, like the store beside it)."""
    stamp = {
        "recipe": wanted,
        "out_dir": str(Path(out_dir).resolve()),
        "exports": {p.name: _file_hash(p) for p in exports},
        "built_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    with open_private(stamp_path(db)) as fh:
        fh.write(json.dumps(stamp, ensure_ascii=False, indent=1).encode("utf-8"))
