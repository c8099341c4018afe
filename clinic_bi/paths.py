"""Where the store lives. One DuckDB file, shared by the web app and the CLI."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
QUERIES_DIR = PROJECT_DIR / "queries"
SAMPLE_DATA_DIR = PROJECT_DIR / "sample_data"


def home_dir() -> Path:
    return Path(os.environ.get("CLINIC_BI_HOME", Path.home() / ".clinic_bi"))


def default_db_path() -> Path:
    """The clinic's own store: $CLINIC_BI_DB, else ~/.clinic_bi/clinic.duckdb."""
    env = os.environ.get("CLINIC_BI_DB")
    return Path(env) if env else home_dir() / "clinic.duckdb"


def demo_db_path() -> Path:
    """The demo's store, kept apart so demo rows never mix with a clinic's data."""
    return home_dir() / "demo.duckdb"


def query_path(*parts: str) -> Path:
    return QUERIES_DIR.joinpath(*parts)


def read_query(*parts: str) -> str:
    return query_path(*parts).read_text(encoding="utf-8")
