"""The store: one DuckDB file holding the canonical tables, their history and the upload journal.

The schema is `queries/store/schema.sql`; what a load and a removal do to it is in
`clinic_bi/loader.py`. This module opens the file and answers questions about it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from clinic_bi.paths import DIR_MODE, QUERIES_DIR, make_private_dir, read_query, tighten
from clinic_bi.privacy import salt_path

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


def connect(
    path: Path | str,
    read_only: bool = False,
    wait_seconds: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store and make sure its schema is in place.

    One process at a time may write: while another holds the file (a load in progress), this
    waits up to `wait_seconds` ($CLINIC_BI_LOCK_WAIT, default 120 s), telling `on_wait` once,
    then gives up with a StoreError. Extensions are never downloaded: there is no network at
    run time, and a silent 2-second attempt on every `read_xlsx` would be worse than a clear
    failure.

    File modes (see `clinic_bi/paths.py`): missing parent folders are created 0700 (existing
    ones are not touched), and the store file and its `.wal` are chmod-ed to 0600 before and
    after opening — an old store made under umask 022 is fixed here on its next open, and a new
    one DuckDB has just created is tightened at once. A WAL DuckDB creates later, while the
    connection is in use, gets its mode from the process umask (`paths.private_umask`, set by
    the CLI and the web app) and is tightened again on the next open.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"Хранилище {path} не найдено: сначала загрузите данные (ingest).")
    make_private_dir(path.parent)
    tighten_store_files(path)
    if wait_seconds is None:
        wait_seconds = float(os.environ.get("CLINIC_BI_LOCK_WAIT", "120"))
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            break
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise StoreError(
                    f"Файл {path} не открывается как хранилище clinic_bi ({text}). Укажите "
                    "другой файл (--db) или восстановите его из резервной копии (restore)."
                ) from exc
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"Хранилище {path} занято другим процессом (идёт загрузка?) дольше "
                    f"{wait_seconds:.0f} с. Повторите позже."
                ) from exc
            if not told and on_wait is not None:
                on_wait(f"Хранилище {path} занято другим процессом (идёт загрузка); жду…")
                told = True
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StoreError(
                f"Файл {path} не открывается как хранилище clinic_bi ({exc}). Укажите другой "
                "файл (--db) или восстановите его из резервной копии (restore)."
            ) from exc
    try:
        tighten_store_files(path)
        if not read_only:
            ensure_schema(con)
        check_schema_version(con, path)
    except BaseException:
        con.close()
        raise
    return con


def tighten_store_files(path: Path) -> None:
    """The store, its WAL and its salt readable by the owner only (0600), DuckDB's spill folder
    `<store>.tmp` 0700; missing ones are skipped, ones we may not chmod are left as they are."""
    for file in (path, Path(str(path) + ".wal"), salt_path(path)):
        tighten(file)
    spill = Path(str(path) + ".tmp")
    if spill.is_dir() and not spill.is_symlink():
        tighten(spill, DIR_MODE)


def check_schema_version(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A store written by a newer clinic_bi is refused; an older one is migrated (migrations:
    queries/store/migrations/<from>_to_<to>.sql) or refused when no migration exists."""
    try:
        rows = con.execute("select value from meta where key = 'schema_version'").fetchall()
    except duckdb.CatalogException as exc:
        raise StoreError(f"Файл {path} — не хранилище clinic_bi (нет таблицы meta).") from exc
    version = int(rows[0][0]) if rows else SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"Хранилище {path} создано более новой версией clinic_bi (схема {version}, эта "
            f"программа знает схему {SCHEMA_VERSION}). Обновите программу."
        )
    while version < SCHEMA_VERSION:
        step = QUERIES_DIR / "store" / "migrations" / f"{version:03d}_to_{version + 1:03d}.sql"
        if not step.exists():
            raise StoreError(
                f"Хранилище {path} старой схемы {version}; перехода к схеме {SCHEMA_VERSION} нет. "
                "Сделайте резервную копию старой версией (backup) и восстановите её (restore)."
            )
        con.execute("begin transaction")
        try:
            con.execute(step.read_text(encoding="utf-8"))
            con.execute("update meta set value = $v where key = 'schema_version'",
                        {"v": str(version + 1)})
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        version += 1


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (a new store); an existing store keeps its data."""
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
    rows = con.execute("select value from meta where key = 'data_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Called inside the load/remove transaction, so the version moves with the data."""
    con.execute(
        "update meta set value = cast(cast(value as bigint) + 1 as varchar) "
        "where key = 'data_version'"
    )


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows currently held per canonical table."""
    return {t: con.table(t).count("*").fetchall()[0][0] for t in TABLES}
