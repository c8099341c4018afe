"""Fixtures of the metric tests: hand-made stores with canonical rows written directly.

The rows go straight into the canonical tables (no ingestion): a test names only the columns it
cares about, and `insert` fills the rest: the store's own `_key/_batch_id/_row`, `quantity` 1,
`rating_scale` 5, `is_monthly` for spend, and `phone` turned into `phone_hash` with one salt, as
the loader does.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import duckdb

from clinic_bi import store
from clinic_bi.ingest.privacy import phone_hash
from clinic_bi.metrics import Engine, Filters

SALT = "metrics-test-salt"
# The worked example of docs/METRICS.md: the project's own copy, so a clone alone runs it.
EXAMPLE_DIR = Path(__file__).resolve().parent / "example"

_DEFAULTS: dict[str, dict[str, Any]] = {
    "services": {"quantity": 1},
    "reviews": {"rating_scale": 5},
    "marketing_spend": {"is_monthly": True},
}
_keys = count(1)


def new_store(tmp_path: Path) -> Path:
    """A fresh, empty store (the schema is created by store.connect)."""
    path = tmp_path / "s.duckdb"
    store.connect(path).close()
    return path


@contextmanager
def writing(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write connection that moves data_version on the way out, like a real upload."""
    con = store.connect(path)
    try:
        yield con
        store.bump_data_version(con)
    finally:
        con.close()


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    # a cursor of its own: DuckDB 2.0 refuses relation work on a connection whose last execute()
    # result was not read to the end
    relation = con.cursor().table(table)
    columns = relation.columns
    for number, given in enumerate(rows, start=1):
        row = {**_DEFAULTS.get(table, {}), **given}
        if "phone" in row:
            row["phone_hash"] = phone_hash(SALT, row.pop("phone"))
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        row.update({"_key": f"{table}-{next(_keys)}", "_batch_id": 1, "_row": number + 1})
        relation.insert([row.get(column) for column in columns])


def make_store(tmp_path: Path, **tables: Iterable[Mapping[str, Any]]) -> Path:
    """A fresh store holding the given rows: make_store(tmp_path, services=[{...}, ...])."""
    path = new_store(tmp_path)
    with writing(path) as con:
        for table, rows in tables.items():
            insert(con, table, rows)
    return path


def engine_for(tmp_path: Path, **tables: Iterable[Mapping[str, Any]]) -> Engine:
    return Engine(make_store(tmp_path, **tables))


def period(date_from: str, date_to: str, **kwargs: Any) -> Filters:
    return Filters(date.fromisoformat(date_from), date.fromisoformat(date_to), **kwargs)


def line(
    visit_date: str, patient_id: str, doctor: str, amount: float, **more: Any
) -> dict[str, Any]:
    """One service line; service defaults to "Приём"."""
    return {
        "visit_date": visit_date,
        "patient_id": patient_id,
        "doctor": doctor,
        "service": more.pop("service", "Приём"),
        "amount": amount,
        **more,
    }


# --- the worked example of tests/example -----------------------------------------------------


def _example_rows(name: str) -> list[dict[str, Any]]:
    with (EXAMPLE_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return [{k: (v if v != "" else None) for k, v in row.items()} for row in csv.DictReader(fh)]


def load_example(path: Path) -> None:
    """The example's canonical CSVs as canonical rows: columns map 1:1, phones become
    phone_hash (one salt), rating_scale 5, quantity 1 where missing, spend's `month` -> date."""
    spend = [
        {"date": r["month"], "channel": r["channel"], "amount": r["amount"], "is_monthly": True}
        for r in _example_rows("marketing_spend")
    ]
    services = [
        {**r, "quantity": r["quantity"] if r["quantity"] is not None else 1}
        for r in _example_rows("services")
    ]
    with writing(path) as con:
        insert(con, "patients", _example_rows("patients"))
        insert(con, "services", services)
        insert(con, "leads", _example_rows("leads"))
        insert(con, "appointments", _example_rows("appointments"))
        insert(con, "contracts", _example_rows("contracts"))
        insert(con, "marketing_spend", spend)
        insert(con, "reviews", _example_rows("reviews"))


def models_held(path: Path) -> set[str]:
    """The tables of the store's persisted `models` schema (issue 17)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {row[0] for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = $s",
            {"s": store.MODELS_SCHEMA},
        ).fetchall()}  # fmt: skip
    finally:
        con.close()
