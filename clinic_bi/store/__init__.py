"""The store: one DuckDB file holding the canonical tables, their history and the upload journal.

The schema is `queries/store/schema.sql`; what a load and a removal do to it is in
`clinic_bi/ingest/loader.py`. This module opens the file and answers questions about it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb

from clinic_bi.paths import DIR_MODE, QUERIES_DIR, make_private_dir, read_query, tighten
from clinic_bi.store.salt import salt_path
from clinic_bi.tables import TABLE_SPECS

# 2: services.doctor and appointments.status may be null (queries/store/migrations/001_to_002.sql).
SCHEMA_VERSION = 2
# The oldest schema whose backups restore into this one unchanged (its rows are valid rows of
# the current schema; see each migration's header).
OLDEST_RESTORABLE_SCHEMA = 1

T = TypeVar("T")

# The canonical tables of DATA.md (declared in clinic_bi/tables.py).
TABLES: tuple[str, ...] = tuple(TABLE_SPECS)


class StoreError(Exception):
    """A problem with the store file itself, with a message a user can act on."""


def duckdb_config() -> dict[str, object]:
    """The configuration of every DuckDB connection clinic_bi opens (the store, the engine's
    in-memory database, a preview's): extensions are never downloaded nor loaded on their own.
    There is no network at run time, and a silent 2-second attempt on every `read_xlsx` would be
    worse than a clear failure."""
    return {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def lock_wait_seconds() -> float:
    """How long an open waits for another process's lock on the store: $CLINIC_BI_LOCK_WAIT,
    default 120 s."""
    return float(os.environ.get("CLINIC_BI_LOCK_WAIT", "120"))


class StoreLocked(StoreError):
    """Another process held the store (a load in progress) for longer than we waited. Raised
    from DuckDB's own lock error, which stays its `__cause__`."""


def is_lock_error(exc: BaseException) -> bool:
    """DuckDB refused the file because another process holds its lock."""
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def wait_for_lock(
    open_: Callable[[], T],
    path: Path | str,
    wait_seconds: float,
    on_wait: Callable[[str], None] | None = None,
) -> T:
    """`open_()` (a `duckdb.connect`, an `attach`), tried again every 0.2 s while another process
    holds the store's lock, for up to `wait_seconds`; `on_wait` is told once, at the first
    refusal. Then StoreLocked. Any other error of `open_` goes through as it is."""
    deadline = time.monotonic() + wait_seconds
    told = False
    while True:
        try:
            return open_()
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreLocked(
                    f"Хранилище {path} занято другим процессом (идёт загрузка?) дольше "
                    f"{wait_seconds:.0f} с. Повторите позже."
                ) from exc
            if not told and on_wait is not None:
                on_wait(f"Хранилище {path} занято другим процессом (идёт загрузка); жду…")
                told = True
            time.sleep(0.2)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """`with transaction(con):` — begin; commit when the block ends; on any exception (the
    commit's own included) roll back and re-raise."""
    con.execute("begin transaction")
    try:
        yield con
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def connect(
    path: Path | str,
    read_only: bool = False,
    wait_seconds: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store and make sure its schema is in place.

    One process at a time may write: while another holds the file (a load in progress), this
    waits up to `wait_seconds` (`lock_wait_seconds()`), telling `on_wait` once, then gives up
    with StoreLocked (a StoreError). Extensions are never downloaded (`duckdb_config`).

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
        wait_seconds = lock_wait_seconds()
    try:
        con = wait_for_lock(
            lambda: duckdb.connect(str(path), read_only=read_only, config=duckdb_config()),
            path, wait_seconds, on_wait,
        )  # fmt: skip
    except duckdb.Error as exc:
        raise StoreError(
            f"Файл {path} не открывается как хранилище clinic_bi ({exc}). Укажите другой "
            "файл (--db) или восстановите его из резервной копии (restore)."
        ) from exc
    try:
        tighten_store_files(path)
        if not read_only:
            ensure_schema(con)
        check_schema_version(con, path, read_only)
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


def check_schema_version(
    con: duckdb.DuckDBPyConnection, path: Path, read_only: bool = False
) -> None:
    """A store written by a newer clinic_bi is refused; an older one is migrated (migrations:
    queries/store/migrations/<from>_to_<to>.sql) or refused when no migration exists. A
    read-only connection cannot migrate: it reads a store of OLDEST_RESTORABLE_SCHEMA or later
    as it is (those migrations only relax constraints), and the next writer migrates it."""
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
    if read_only and version >= OLDEST_RESTORABLE_SCHEMA:
        return
    while version < SCHEMA_VERSION:
        step = QUERIES_DIR / "store" / "migrations" / f"{version:03d}_to_{version + 1:03d}.sql"
        if not step.exists():
            raise StoreError(
                f"Хранилище {path} старой схемы {version}; перехода к схеме {SCHEMA_VERSION} нет. "
                "Сделайте резервную копию старой версией (backup) и восстановите её (restore)."
            )
        with transaction(con):
            con.execute(step.read_text(encoding="utf-8"))
            con.execute("update meta set value = $v where key = 'schema_version'",
                        {"v": str(version + 1)})
        version += 1


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (a new store); an existing store keeps its data."""
    with transaction(con):
        con.execute(read_query("store", "schema.sql"))
        con.execute(
            "insert into meta values ('schema_version', $v) on conflict do nothing",
            {"v": str(SCHEMA_VERSION)},
        )
        con.execute("insert into meta values ('data_version', '0') on conflict do nothing")


def file_stamp(path: Path) -> tuple[tuple[int, int, int], ...]:
    """What any write to the store changes: the inode, size and modification time of the file
    and of its write-ahead log (a commit appends to the log; a checkpoint rewrites the file);
    (0, 0, 0) for one that does not exist. Settings writes (not data) move it too."""
    stamp = []
    for file in (Path(path), Path(f"{path}.wal")):
        try:
            st = file.stat()
        except FileNotFoundError:
            stamp.append((0, 0, 0))
        else:
            stamp.append((st.st_ino, st.st_size, st.st_mtime_ns))
    return tuple(stamp)


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A counter that moves on every load and removal: the key for caches of computed figures."""
    rows = con.execute("select value from meta where key = 'data_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Called inside the load/remove transaction, so the version moves with the data. The
    models persisted for the version before are dropped with it (drop_models)."""
    con.execute(
        "update meta set value = cast(cast(value as bigint) + 1 as varchar) "
        "where key = 'data_version'"
    )
    drop_models(con)


# The schema of the persisted models (clinic_bi/metrics/engine.py, "Persisted models"): copies of
# the Engine's costly model tables, kept by the first Engine that built them, and `_stamp`
# (data_version, fingerprint of the model SQL). Not data: derived from the canonical tables,
# never backed up, dropped by every write that moves data_version.
MODELS_SCHEMA = "models"


def drop_models(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the persisted models (a few ms: no rows are read). Any write that moves
    data_version calls this in its transaction (bump_data_version; backup.restore), so the store
    never carries models of other data; the Engine checks their stamp besides."""
    con.execute(f"drop schema if exists {MODELS_SCHEMA} cascade")


def row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows currently held per canonical table."""
    return {t: con.table(t).count("*").fetchall()[0][0] for t in TABLES}
