"""The store: one DuckDB file holding the canonical tables, their history and the upload journal.

The schema is `queries/store/schema.sql`; what a load and a removal do to it is in
`clinic_bi/loader.py`. This module opens the file and answers questions about it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from clinic_bi.paths import read_query

SCHEMA_VERSION = 1

# The canonical tables of DATA.md, in the order a demo loads them.
TABLES: tuple[str, ...] = (
    "patients",
    "services",
    "leads",
    "appointments",
    "contracts",
    "marketing_spend",
    "reviews",
)


class StoreError(Exception):
    """A problem with the store file itself, with a message a user can act on."""


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store and make sure its schema is in place.

    Extensions are never downloaded: there is no network at run time, and a silent 2-second
    attempt on every `read_xlsx` would be worse than a clear failure.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"Хранилище {path} не найдено: сначала загрузите данные (ingest).")
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        raise StoreError(f"Не удалось открыть хранилище {path}: {exc}") from exc
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("begin transaction")
    try:
        con.execute(read_query("store", "schema.sql"))
        con.execute(
            "insert into meta values ('schema_version', $v) on conflict do nothing",
            {"v": str(SCHEMA_VERSION)},
        )
        con.execute("insert into meta values ('data_version', '0') on conflict do nothing")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A counter that moves on every load and removal: the key for caches of computed figures."""
    row = con.execute("select value from meta where key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Called inside the load/remove transaction, so the version moves with the data."""
    con.execute(
        "update meta set value = cast(cast(value as bigint) + 1 as varchar) "
        "where key = 'data_version'"
    )


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows currently held per canonical table."""
    return {t: con.table(t).count("*").fetchall()[0][0] for t in TABLES}
