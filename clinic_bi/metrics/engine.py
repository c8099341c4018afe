"""The metric engine: one class over one store, its life cycle and one method per metric family.

(Over 400 lines on purpose: the Engine's attach, stamp, build and cache code and its one short
method per metric family belong to one object; the types it returns are in `api.py`.)

Every number is computed by the SQL in `queries/` (METRICS.md is the contract):

- `queries/models/*.sql` shape the canonical tables once per data change (`MODELS`, in build
  order): visits with their first-visit flag, patients with first(p) and acquisition channel,
  leads with their funnel evidence. They take no parameters.
- `queries/metrics/*.sql` read only the models, one query per file, with bound named parameters.
  DuckDB refuses a missing or an extra parameter, so each method below passes exactly the
  parameters its file names, and drift between a file and its caller fails loudly.

An `Engine` is bound to one store. It attaches the store read-only to its own in-memory DuckDB,
builds the models there as temp tables, and detaches again: between two calls it holds no lock
on the file, so uploads can land. Each call reads `store.data_version` (a few milliseconds) and
rebuilds the models when it moved. `with engine.snapshot():` pins one version for a group of
calls (a whole report), so they cannot straddle an upload.

Persisted models (issue 17): building the models is the cost of every new process (a Streamlit
start, a CLI `report`). So a new Engine that had to build them leaves them in the store's
`models` schema (write-behind, `Engine._keep_models`: a brief read-write attach, only when no
other process holds the file, never waited for), stamped with the data_version they were built
from and a fingerprint of the model SQL (`models_fingerprint`). A new Engine whose store carries
models stamped with the version it reads copies them into its temp tables instead of building
(PERSISTED_MODELS: the costly ones; the thin copies of one canonical table are built as before).
Every write of the data moves data_version, and `store.bump_data_version` drops the persisted
models in that write's transaction; a stamp that does not match (another version, other model
SQL, another DuckDB) is never read. A writer may also build and keep them itself
(`persist_models`). Uploads do not: that would add a whole build to every file loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from time import perf_counter
from typing import Any

import duckdb
import pandas as pd

from clinic_bi import store
from clinic_bi.metrics.api import (
    BREAKDOWN_DIMENSIONS,
    HEADLINE_FIGURES,
    Comparison,
    Filters,
    Funnel,
    FunnelSteps,
    MetricsError,
    Quality,
    QualityFigures,
    ShowUp,
    ShowUpCounts,
    StoreFacts,
    StoreNames,
    Summary,
    _name_list,
)
from clinic_bi.paths import QUERIES_DIR, read_query
from clinic_bi.periods import months_touched

# Build order: each model reads the canonical tables and the models listed before it.
MODELS: tuple[str, ...] = (
    "stg_visits",
    "words",
    "dim_channels",
    "dim_names",
    "fct_lead_links",
    "dim_patients",
    "fct_visits",
    "filtered_visits",
    "fct_patient_members",
    "new_patients",
    "fct_service_lines",
    "fct_appointments",
    "fct_contracts",
    "fct_leads",
    "fct_marketing_spend",
    "fct_reviews",
    "store_facts",
    "fct_booked_ahead",
    "call_values",
    "store_coverage",
    "cohorts",
    "fct_goals",
    "fct_service_costs",
    "fct_pay_rules",
    "fct_fixed_costs",
)

# Models only the build reads, each dropped as soon as the last model that reads it is built
# (stg_visits is a second 4M-row table at 10M lines).
BUILD_ONLY_MODELS: dict[str, str] = {"stg_visits": "fct_visits"}

# The model tables persist_models keeps in the store's `models` schema: those whose build costs
# far more than reading them back (the visits grouped, first(p), the lead links and evidence).
# The others are thin copies of one canonical table (a join with dim_names at most): reading a
# persisted copy costs what building them does, so an Engine builds them as before, from the
# canonical tables and the persisted models above them. A model file's macros are created again,
# never persisted. `models._stamp` says which data_version and which model SQL they come from.
PERSISTED_MODELS: tuple[str, ...] = (
    "dim_channels",
    "dim_names",
    "fct_lead_links",
    "dim_patients",
    "fct_visits",
    "fct_patient_members",
    "fct_leads",
)
MODELS_STAMP = "_stamp"
# Bump when the way models are persisted changes (a stamp of an earlier layout is not read).
_PERSISTED_LAYOUT = 1

_RESULTS_KEPT = 256

# Store tables added after the first release (queries/store/schema.sql), with their columns.
ADDED_TABLES: dict[str, str] = {
    "word_choices": "field varchar, word varchar, canonical varchar, saved_at timestamp",
    "goals": "month date, scope varchar, scope_name varchar, figure varchar, "
             "value decimal(18, 2), goal_id varchar, _key varchar, _batch_id integer, "
             "_row integer",
    "service_costs": "service_code varchar, service varchar, cost decimal(18, 2), "
                     "valid_from date, department varchar, cost_id varchar, _key varchar, "
                     "_batch_id integer, _row integer",
    "pay_rules": "doctor varchar, department varchar, basis varchar, rate decimal(18, 4), "
                 "valid_from date, role varchar, rule_id varchar, _key varchar, "
                 "_batch_id integer, _row integer",
    "fixed_costs": "month date, item varchar, amount decimal(18, 2), department varchar, "
                   "branch varchar, fixed_cost_id varchar, _key varchar, _batch_id integer, "
                   "_row integer",
}


class _StoreBusy(Exception):
    """Another process is writing to the store; the models already built are still valid."""


def _period_params(f: Filters) -> dict[str, Any]:
    return {"date_from": f.date_from, "date_to": f.date_to}


def _narrowing_params(f: Filters) -> dict[str, Any]:
    return {
        "doctor": _name_list(f.doctor),
        "department": _name_list(f.department),
        "branch": _name_list(f.branch),
    }


@cache
def _model_sql(name: str) -> str:
    """A model's SQL, found by name in its folder: queries/models/staging (the canonical rows
    read once), core (dimensions and facts), macros (the shared rules, as macros)."""
    found = sorted(QUERIES_DIR.glob(f"models/*/{name}.sql"))
    if len(found) != 1:
        raise FileNotFoundError(f"model {name!r}: {len(found)} files in queries/models/*/")
    return found[0].read_text(encoding="utf-8")


# A model file is a series of `create or replace temp table|macro <name>` statements, each
# starting a line (the house style; tests/metrics/test_persisted_models.py checks the split
# against DuckDB's own parser).
_CREATE_TEMP = re.compile(r"^create\s+or\s+replace\s+temp\s+(table|macro)\s+(\w+)", re.I | re.M)


@cache
def _model_statements() -> tuple[tuple[str, str, str, str], ...]:
    """Every statement of the models, in build order, as (model, kind, object, sql): kind
    'table' (`create or replace temp table <object> as ...`), 'macro' or 'table macro'. Split
    by text, not by a parser: a new DuckDB instance to parse them would cost more than the
    copies it serves."""
    out = []
    for name in MODELS:
        sql = _model_sql(name)
        found = list(_CREATE_TEMP.finditer(sql))
        if not found:
            raise ValueError(f"model {name!r}: no `create or replace temp table|macro`")
        for match, following in zip(found, [*found[1:], None], strict=True):
            statement = sql[match.start():following.start() if following else len(sql)]
            kind = match.group(1).lower()
            if kind == "macro" and re.search(r"\)\s+as\s+table\b", statement, re.I):
                kind = "table macro"
            out.append((name, kind, match.group(2), statement))
    return tuple(out)


@cache
def models_fingerprint() -> str:
    """What persisted models were built by besides the data: the model SQL (in build order),
    the store schema, the added tables' stand-ins, DuckDB's version and the layout. A store
    whose models carry another fingerprint (an upgrade changed a model) builds them anew."""
    digest = hashlib.sha256()
    for part in (str(_PERSISTED_LAYOUT), duckdb.__version__, str(store.SCHEMA_VERSION),
                 repr(PERSISTED_MODELS), repr(sorted(BUILD_ONLY_MODELS.items())),
                 repr(sorted(ADDED_TABLES.items()))):
        digest.update(part.encode() + b"\0")
    for name in MODELS:
        digest.update(name.encode() + b"\0" + _model_sql(name).encode() + b"\0")
    return digest.hexdigest()


def _stand_in_for_added_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """A store that no writer has opened since an upgrade lacks the tables added since
    (store.ensure_schema creates them on the next write): the models read an empty temp
    table instead, dropped after the build so that the real one is read once it exists."""
    missing = []
    for table, columns in ADDED_TABLES.items():
        found = con.execute(
            "select count(*) from duckdb_tables() where database_name = current_database() "
            "and schema_name = 'main' and table_name = $t", {"t": table},
        ).fetchone()[0]  # fmt: skip
        if not found:
            con.execute(f"create temp table {table} ({columns})")
            missing.append(table)
    return missing


def build_models(con: duckdb.DuckDBPyConnection, persisted: bool = False) -> bool:
    """Build every model as temp tables and macros of `con`, from the canonical tables of its
    current database (MODELS, in order; the build-only ones dropped after their last reader).
    With `persisted`, the PERSISTED_MODELS are copied from the current database's `models`
    schema instead (persisted_models_fresh said they are this data's) and the build-only models,
    which only they read, are not built. True when a table added since the store's last write
    was missing and read as empty (_stand_in_for_added_tables)."""
    stand_in = _stand_in_for_added_tables(con)
    for name in MODELS:
        if not persisted:
            con.execute(_model_sql(name))
        else:
            for _model, kind, obj, sql in _model_statements_of(name):
                if kind != "table":
                    con.execute(sql)
                elif obj in PERSISTED_MODELS:
                    con.execute(f"create or replace temp table {obj} as "
                                f"select * from {store.MODELS_SCHEMA}.{obj}")
                elif obj not in BUILD_ONLY_MODELS:
                    con.execute(sql)
        for intermediate, last_reader in BUILD_ONLY_MODELS.items():
            if name == last_reader:
                con.execute(f"drop table if exists {intermediate}")
    for table in stand_in:
        con.execute(f"drop table temp.{table}")
    return bool(stand_in)


def _model_statements_of(name: str) -> list[tuple[str, str, str, str]]:
    return [st for st in _model_statements() if st[0] == name]


def persisted_models_fresh(
    con: duckdb.DuckDBPyConnection, version: int, catalog: str | None = None
) -> bool:
    """The database `catalog` of `con` (default: its current one) carries every persisted
    model, stamped with `version` and this code's models_fingerprint."""
    held = {row[0] for row in con.execute(
        "select table_name from duckdb_tables() where database_name = "
        "coalesce($c, current_database()) and schema_name = $s",
        {"c": catalog, "s": store.MODELS_SCHEMA},
    ).fetchall()}  # fmt: skip
    if not {*PERSISTED_MODELS, MODELS_STAMP} <= held:
        return False
    prefix = f"{catalog}." if catalog else ""
    stamp = con.execute(
        f"select data_version, fingerprint from {prefix}{store.MODELS_SCHEMA}.{MODELS_STAMP}"
    ).fetchall()
    return stamp == [(version, models_fingerprint())]


def _write_models(con: duckdb.DuckDBPyConnection, version: int, catalog: str | None = None) -> None:
    """Inside the caller's transaction: replace the `models` schema of `catalog` (default: the
    current database) with copies of the PERSISTED_MODELS built as temp tables of `con`,
    stamped with `version` (the data_version they were built from)."""
    schema = f"{catalog}.{store.MODELS_SCHEMA}" if catalog else store.MODELS_SCHEMA
    con.execute(f"drop schema if exists {schema} cascade")
    con.execute(f"create schema {schema}")
    for table in PERSISTED_MODELS:
        con.execute(f"create table {schema}.{table} as select * from temp.main.{table}")
    con.execute(
        f"create table {schema}.{MODELS_STAMP} as "
        "select cast($v as bigint) as data_version, $f as fingerprint",
        {"v": version, "f": models_fingerprint()},
    )


def _drop_built_models(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what build_models created on `con` (a writer's connection stays as it was)."""
    for _model, kind, obj, _sql in reversed(_model_statements()):
        what = {"table": "table", "macro": "macro", "table macro": "macro table"}[kind]
        con.execute(f"drop {what} if exists temp.main.{obj}")


def persist_models(con: duckdb.DuckDBPyConnection) -> float | None:
    """Build the models of the store `con` writes to (a read-write connection) and keep them in
    its `models` schema, stamped with the current data_version, in a transaction of their own:
    for a writer that wants the next reader not to build (a benchmark's generated store, a
    demo). The seconds it took; None when it failed (a note on stderr): the store then carries no
    models and Engines build them in memory. The temp tables and macros of the build are
    dropped again."""
    started = perf_counter()
    try:
        with store.transaction(con):
            try:
                build_models(con)
                _write_models(con, store.data_version(con))
            finally:
                _drop_built_models(con)
    except (duckdb.Error, OSError) as exc:
        print(f"clinic_bi: models not kept in the store ({type(exc).__name__}: {exc}); "
              "they are built when the store is read", file=sys.stderr)
        return None
    return perf_counter() - started


@cache
def _metric_sql(name: str) -> str:
    return read_query("metrics", f"{name}.sql")


def plain_value(value: Any) -> Any:
    """A plain Python value: money leaves DECIMAL here, at the output edge; numpy scalars become
    int / float; NaN (a null ratio in a DataFrame) becomes None."""
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _dataclass_from(cls: type, row: Any) -> Any:
    """Build a result dataclass from a query row (a dict or a DataFrame row); the column names
    must match its fields."""
    return cls(**{f.name: plain_value(row[f.name]) for f in fields(cls)})


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _total_row(frame: pd.DataFrame) -> pd.Series:
    """The grouping-sets row of all (breakdown = 'all'): always there, even over no rows."""
    return frame.loc[frame["breakdown"] == "all"].iloc[0]


def _part(frame: pd.DataFrame, breakdown: str, keep: Sequence[str]) -> pd.DataFrame:
    part = frame.loc[frame["breakdown"] == breakdown, list(keep)]
    return part.reset_index(drop=True)


class Engine:
    """The metrics of one store. `Engine(path)` for a store file; `Engine(connection=con)` to
    work inside a connection the caller already holds on the store (the web app's, when it keeps
    one open: DuckDB refuses to attach a file that the same process holds open).

    While another process writes to the store (a load), a first build waits up to
    `lock_wait_seconds` ($CLINIC_BI_LOCK_WAIT, default 120, as store.connect); once models are
    built, they keep being served until the store can be read again."""

    def __init__(
        self,
        store_path: Path | str | None = None,
        *,
        connection: duckdb.DuckDBPyConnection | None = None,
        lock_wait_seconds: float | None = None,
        keep_models: bool = True,
    ) -> None:
        if (store_path is None) == (connection is None):
            raise TypeError("Engine needs exactly one of store_path or connection")
        self.store_path = Path(store_path) if store_path is not None else None
        if lock_wait_seconds is None:
            lock_wait_seconds = store.lock_wait_seconds()
        self.lock_wait_seconds = lock_wait_seconds
        if connection is not None:
            # A cursor of the caller's connection: the canonical tables are its default tables
            # and the models become temp tables of this cursor only.
            self._con = connection.cursor()
        else:
            self._con = duckdb.connect(":memory:", config=store.duckdb_config())
        # No progress bar: DuckDB draws one on stdout for a query over ~2 s, which would land
        # in the middle of `report --format json` (seen on a 10M-line store).
        self._con.execute("set enable_progress_bar = false")
        self._lock = threading.RLock()
        self._version: int | None = None
        self._stamp: tuple[tuple[int, int, int], ...] | None = None
        self._facts: StoreFacts | None = None
        self._pinned = 0
        # Results of metric queries for the current data version, by (query, parameters): a
        # report's comparison and a page re-drawn with the same filters do not query twice.
        self._results: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        # Models built in memory, and models copied from the store's persisted ones (a new
        # version is one or the other); last_build_seconds is the time of the latest of either.
        self.builds = 0
        self.copies = 0
        # Write-behind: the first build of a store path's Engine is kept in the store for the
        # next new process (_keep_models); False turns that off (benchmarks, tests).
        self.keep_models = keep_models
        self._keep_built = False
        self.last_build_seconds: float | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _attach(self) -> None:
        """Attach the store read-only. While another process writes to it (a load in progress)
        DuckDB refuses: with models already built the engine keeps serving them (_StoreBusy);
        without, it waits up to lock_wait_seconds (store.wait_for_lock, as store.connect)."""
        assert self.store_path is not None
        built = self._version is not None
        try:
            store.wait_for_lock(
                lambda: self._con.execute(
                    "attach $path as store (read_only)", {"path": str(self.store_path)}
                ),
                self.store_path,
                0 if built else self.lock_wait_seconds,
            )
        except store.StoreLocked as exc:
            if built:
                raise _StoreBusy from exc
            raise
        except duckdb.ResourceInUseException as exc:
            # this process holds the file open with another configuration
            if built:
                raise _StoreBusy from exc
            raise store.StoreError(
                f"Хранилище {self.store_path} уже открыто в этом процессе: передайте это "
                f"соединение, Engine(connection=...). ({exc})"
            ) from exc
        except duckdb.Error as exc:
            raise store.StoreError(
                f"Не удалось открыть хранилище {self.store_path}: {exc}"
            ) from exc

    @contextmanager
    def _store_attached(self) -> Iterator[None]:
        if self.store_path is None:
            yield
            return
        if not self.store_path.exists():
            raise store.StoreError(
                f"Хранилище {self.store_path} не найдено: сначала загрузите данные (ingest)."
            )
        self._attach()
        try:
            self._con.execute("use store")
            yield
        finally:
            self._con.execute("use memory")
            self._con.execute("detach store")

    def _file_stamp(self) -> tuple[tuple[int, int, int], ...] | None:
        """What any write to the store changes: the inode, size and modification time of the
        file and of its write-ahead log (a commit appends to the log; a checkpoint rewrites the
        file). None without a store path."""
        if self.store_path is None:
            return None
        return store.file_stamp(self.store_path)

    def refresh(self) -> bool:
        """Rebuild the models if the store's data_version moved; True when it rebuilt. While a
        load in another process holds the store, the models already built keep being served.
        When neither the store file nor its log changed since the last check, the check itself
        (attach, read, detach: a few ms, on every call of a page) is skipped."""
        with self._lock:
            stamp = self._file_stamp()  # before reading: a write during the check moves it
            if stamp is not None and stamp == self._stamp and self._version is not None:
                return False
            first = self._version is None and not self.builds and not self.copies
            try:
                with self._store_attached():
                    rebuilt = self._rebuild_if_moved()
            except _StoreBusy:
                return False
            if (rebuilt and first and self._keep_built and self.keep_models
                    and self.store_path is not None):
                stamp = self._keep_models() or stamp
            self._stamp = stamp
            return rebuilt

    def _keep_models(self) -> tuple[tuple[int, int, int], ...] | None:
        """Write-behind (issue 17): a new Engine that had to build the models leaves them in the
        store for the next new process, when it can do so at once — the file writable, no other
        process holding it (never waited for), the store of this schema, data_version still the
        one built. Anything else: nothing written, nothing said. Returns the file stamp taken
        while the store was still held for writing (so that no upload can slip between the write
        and the stamp), or None."""
        assert self.store_path is not None and self._version is not None
        try:
            self._con.execute("attach $path as store_w", {"path": str(self.store_path)})
        except duckdb.Error:
            return None  # held by another process, read-only file or folder, ...
        kept = None
        try:
            with store.transaction(self._con):
                meta = dict(self._con.execute("select key, value from store_w.meta").fetchall())
                if (meta.get("schema_version") == str(store.SCHEMA_VERSION)
                        and meta.get("data_version") == str(self._version)
                        and not persisted_models_fresh(self._con, self._version, "store_w")):
                    _write_models(self._con, self._version, "store_w")
            self._con.execute("checkpoint store_w")
            kept = self._file_stamp()
        except (duckdb.Error, OSError):
            kept = None
        finally:
            with contextlib.suppress(duckdb.Error):
                self._con.execute("detach store_w")
            store.tighten_store_files(self.store_path)
        return kept

    def _rebuild_if_moved(self) -> bool:
        try:
            version = store.data_version(self._con)
        except duckdb.CatalogException as exc:
            raise store.StoreError(
                f"Файл {self.store_path} не похож на хранилище clinic_bi: {exc}"
            ) from exc
        if version == self._version:
            return False
        started = perf_counter()
        self._version = None  # a build that fails half-way is retried on the next call
        self._results.clear()
        copied = self._keep_built = False
        if persisted_models_fresh(self._con, version):
            try:
                build_models(self._con, persisted=True)
                copied = True
                self.copies += 1
            except duckdb.Error as exc:  # never expected: the stamp is written with the copies
                print(f"clinic_bi: the store's models could not be read ({exc}); building them",
                      file=sys.stderr)
        if not copied:
            self._keep_built = not build_models(self._con)
            self.builds += 1
        result = self._con.execute("select * from store_facts")
        row = result.fetchall()[0]  # read to the end: DuckDB 2.0 wants no unfinished result
        columns = [d[0] for d in result.description]
        self._facts = _dataclass_from(StoreFacts, dict(zip(columns, row, strict=True)))
        self._version = version
        self.last_build_seconds = perf_counter() - started
        return True

    @contextmanager
    def snapshot(self) -> Iterator[Engine]:
        """Pin one data version for every call inside the block (and keep other threads out)."""
        with self._lock:
            self.refresh()
            self._pinned += 1
            try:
                yield self
            finally:
                self._pinned -= 1

    def _fresh(self) -> None:
        if not self._pinned:
            self.refresh()

    @property
    def data_version(self) -> int | None:
        return self._version

    def facts(self) -> StoreFacts:
        with self._lock:
            self._fresh()
            assert self._facts is not None
            return self._facts

    def names(self) -> StoreNames:
        """The names of the doctors, departments and branches that have visits (model
        dim_names, which also codes names only the schedule or the reviews know: those are not
        listed, as the breakdowns never listed them) and the first month with a visit (the
        first fct_visits.visit_month): what the sidebar lists, without running the three
        breakdowns and monthly() over all the data."""
        with self._lock:
            self._fresh()
            return self._remembered(("names",), self._names)

    def _names(self) -> StoreNames:
        found: dict[str, list[str]] = {d: [] for d in BREAKDOWN_DIMENSIONS}
        for attribute, name in self._con.execute(
            "select attribute, name from dim_names where "
            "(attribute = 'doctor' and code in (select doctor_code from fct_visits)) or "
            "(attribute = 'department' and code in "
            "(select department_code from fct_visits)) or "
            "(attribute = 'branch' and code in (select branch_code from fct_visits))"
        ).fetchall():
            found[attribute].append(name)
        first = self._con.execute("select min(visit_month) from fct_visits").fetchall()
        return StoreNames(
            doctors=tuple(sorted(found["doctor"])),
            departments=tuple(sorted(found["department"])),
            branches=tuple(sorted(found["branch"])),
            data_start=first[0][0],
        )

    def _remembered(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """What is kept under `key` for this data version, else compute()'s result, kept there
        (the least recently asked beyond _RESULTS_KEPT is dropped). The caller holds self._lock
        and has checked the version (_fresh or a snapshot)."""
        if key in self._results:
            self._results.move_to_end(key)
        else:
            self._results[key] = compute()
            if len(self._results) > _RESULTS_KEPT:
                self._results.popitem(last=False)
        return self._results[key]

    def forget_results(self) -> None:
        """Drop the remembered query results (the models stay): for benchmarks and tests."""
        with self._lock:
            self._results.clear()

    def _run(self, name: str, params: dict[str, Any], shape: str) -> Any:
        """Run `queries/metrics/<name>.sql` with exactly these named parameters, as a DataFrame
        (shape "frame") or the first row as a dict of Python values (shape "row"), remembering
        the result for this data version."""
        key = (name, shape, *((k, _frozen(v)) for k, v in sorted(params.items())))

        def run() -> Any:
            result = self._con.execute(_metric_sql(name), params)
            if shape == "frame":
                return result.df()
            row = result.fetchall()[0]
            return dict(zip([d[0] for d in result.description], row, strict=True))

        with self._lock:
            self._fresh()
            return self._remembered(key, run)

    def query(self, name: str, params: dict[str, Any]) -> pd.DataFrame:
        """Run `queries/metrics/<name>.sql` with exactly these named parameters (a copy of the
        remembered result: callers may change it)."""
        return self._run(name, params, "frame").copy()

    def _record(self, name: str, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self._run(name, params, "row"))

    # -- metric families ------------------------------------------------------------------

    def summary(self, f: Filters) -> Summary:
        params = {
            **_period_params(f),
            **_narrowing_params(f),
            "return_window": f.return_window,
        }
        return _dataclass_from(Summary, self._record("activity_in_period", params))

    def breakdown(self, f: Filters, dimension: str) -> pd.DataFrame:
        """Per doctor, department or branch (`dimension`, also the name of the first column):
        visits, patients, new_patients, revenue, share, avg_check, revenue_per_patient,
        return_cohort, returned, not_yet_observable, return_rate, ltv_cohort, ltv, and for
        doctors main_department."""
        if dimension not in BREAKDOWN_DIMENSIONS:
            raise MetricsError(f"dimension: one of {BREAKDOWN_DIMENSIONS}, not {dimension!r}")
        params = {
            "dimension": dimension,
            **_period_params(f),
            **_narrowing_params(f),
            "return_window": f.return_window,
        }
        frame = self.query("activity_by_member", params).rename(columns={"member": dimension})
        return frame if dimension == "doctor" else frame.drop(columns="main_department")

    def doctors(self, f: Filters) -> pd.DataFrame:
        """METRICS.md "Breakdowns" (Doctors): see breakdown()."""
        return self.breakdown(f, "doctor")

    def departments(self, f: Filters) -> pd.DataFrame:
        """METRICS.md "Breakdowns" (Departments): the doctors' figures per department, with the
        department return rate and LTV."""
        return self.breakdown(f, "department")

    def branches(self, f: Filters) -> pd.DataFrame:
        """The same figures per branch."""
        return self.breakdown(f, "branch")

    def services(self, f: Filters) -> pd.DataFrame:
        """Per service: quantity, revenue, share, abc, avg_price, patients, revenue_per_hour."""
        return self.query("revenue_by_service", {**_period_params(f), **_narrowing_params(f)})

    def monthly(self, f: Filters) -> pd.DataFrame:
        """Per calendar month: revenue, visits, patients, new_patients, avg_check, and the
        first-vs-returning mix (first_visits, returning_visits, returning_share)."""
        return self.query("activity_by_month", {**_period_params(f), **_narrowing_params(f)})

    def ltv_cohorts(self, f: Filters) -> pd.DataFrame:
        """Cohort curves, long form: cohort_month, patients, month_offset, revenue_per_patient
        (NaN where the month m+k is not over by data_end)."""
        return self.query("ltv_by_cohort_month", {**_period_params(f), **_narrowing_params(f)})

    def retention_cohorts(self, f: Filters) -> pd.DataFrame:
        """Retention heatmap, long form: cohort_month, patients, month_offset (1, 2, ...),
        retention = the share of the cohort with a visit in month m+k (NaN where that month is
        not over by data_end)."""
        return self.query("retention_by_cohort_month",
                          {**_period_params(f), **_narrowing_params(f)})

    def funnel(self, f: Filters) -> Funnel:
        frame = self.query("funnel_by_channel_and_operator",
                           {**_period_params(f), "funnel_window": f.funnel_window})
        steps = [fl.name for fl in fields(FunnelSteps)]
        return Funnel(
            total=_dataclass_from(FunnelSteps, _total_row(frame)),
            by_channel=_part(frame, "channel", ["channel", *steps]),
            by_operator=_part(frame, "operator", ["operator", *steps]),
        )

    def marketing(self, f: Filters) -> pd.DataFrame:
        """Per channel: spend, leads, new_patients, cac (null without spend), cpl,
        new_patient_revenue (to date), romi, ltv_12m_cohorts, ltv_to_cac_cohorts — the last two
        on the cohort months of `ltv_cohort_months()`, whatever P is."""
        window = self.ltv_cohort_months()
        return self.query("marketing_by_channel", {
            **_period_params(f), **_narrowing_params(f),
            "cohorts_from": window[0] if window else None,
            "cohorts_to": window[1] if window else None,
        })

    def ltv_cohort_months(self, f: Filters | None = None) -> tuple[date, date] | None:
        """METRICS.md "Marketing" (LTV/CAC): the newest twelve whole calendar months whose every
        new patient has 365 days behind them by data_end — from the first of the first month to
        the last day of the twelfth. It does not depend on the period (`f` is taken only to be
        called as every metric family is); None without data."""
        data_end = self.facts().data_end
        if data_end is None:
            return None
        last = data_end - timedelta(days=365)  # the latest first visit with a year behind it
        end = last if (last + timedelta(days=1)).day == 1 else last.replace(day=1) - timedelta(days=1)
        start = (pd.Period(end, "M") - 11).start_time.date()  # the first of eleven months before
        return start, end

    def marketing_by_month(self, f: Filters) -> pd.DataFrame:
        """Per calendar month and channel: spend, leads, new_patients, cac, cpl; the rows with
        channel None are all channels together."""
        return self.query("marketing_by_month_and_channel",
                          {**_period_params(f), **_narrowing_params(f)})

    def show_up(self, f: Filters) -> ShowUp:
        frame = self.query("show_up_by_doctor_and_weekday",
                           {**_period_params(f), **_narrowing_params(f)})
        counts = [fl.name for fl in fields(ShowUpCounts)]
        return ShowUp(
            total=_dataclass_from(ShowUpCounts, _total_row(frame)),
            by_doctor=_part(frame, "doctor", ["doctor", *counts]),
            by_weekday=_part(frame, "weekday", ["weekday", *counts]).astype({"weekday": "int64"}),
        )

    def quality(self, f: Filters) -> Quality:
        frame = self.query("quality_by_doctor", {**_period_params(f), **_narrowing_params(f)})
        figures = [fl.name for fl in fields(QualityFigures)]
        return Quality(
            total=_dataclass_from(QualityFigures, _total_row(frame)),
            by_doctor=_part(frame, "doctor", ["doctor", *figures]),
        )

    def coverage(self) -> pd.DataFrame:
        """Rows per calendar month of each canonical table (model store_coverage): table_name,
        month, rows; the months an export is missing are the gaps."""
        return self.query("rows_by_table_and_month", {})

    def channels(self) -> pd.DataFrame:
        """Every channel the exports name (model dim_channels): channel_key, channel (the name
        it counts under), own_name, spellings, uses, is_merged."""
        return self.query("channels_by_key", {})

    def model_checks(self) -> pd.DataFrame:
        """Contract checks on the models (queries/metrics/model_checks.sql): model, check_name,
        severity ('error' = a broken promise of the engine, 'warning' = doubtful data),
        failing_rows. All zero on clean data; the data-quality panel shows the warnings."""
        return self.query("model_checks", {})

    def headline(self, f: Filters, summary_only: bool = False) -> dict[str, Any]:
        """The headline figures of one period (HEADLINE_FIGURES), by name; with summary_only,
        just those of the summary (what the overview's KPI cards show: one query, not four)."""
        sources: tuple[Any, ...] = (self.summary(f),)
        if not summary_only:
            sources += (self.funnel(f).total, self.show_up(f).total, self.quality(f).total)
        out = {}
        for name, _kind in HEADLINE_FIGURES:
            source = next((s for s in sources if hasattr(s, name)), None)
            if source is not None:
                out[name] = getattr(source, name)
        return out

    def ltv_at_age(self, f: Filters, age: int) -> float | None:
        """METRICS.md "LTV" (ltv_at_age): revenue per new patient of P within `age` days (90,
        180 or 365) of the first visit, over those with `age` days behind them by data_end."""
        if age not in LTV_AGES:
            raise MetricsError(f"age: one of {LTV_AGES}, not {age!r}")
        row = self._record("ltv_at_age_in_period",
                           {**_period_params(f), **_narrowing_params(f), "age": age})
        return None if row["ltv"] is None else float(row["ltv"])

    def comparison(self, f: Filters, summary_only: bool = False) -> Comparison:
        """METRICS.md "Comparison": the headline figures for P, the previous period and the same
        days a year earlier, with the change — compared like with like (`compared_periods`: a
        period data_end falls in is compared up to data_end, with the same days before), LTV at
        equal age (`ltv_at_age`), and no change where a period lacks the data of a table that
        feeds the figure (`gaps`) or the two periods differ in length. With summary_only, the
        summary's figures alone (the funnel, show-up and quality of three periods cost more than
        the rest of the overview page together). Kept per data version, as query results are:
        Обзор's cards and «Что изменилось» ask for the same one in each run (a copy of its
        table is returned: callers may change it)."""
        with self.snapshot():
            kept = self._remembered(("comparison", f, summary_only),
                                    lambda: self._comparison(f, summary_only))
        return replace(kept, table=kept.table.copy())

    def _comparison(self, f: Filters, summary_only: bool) -> Comparison:
        """comparison()'s work, inside its snapshot."""
        data_end = self.facts().data_end
        current, previous, year_ago = compared_periods(f, data_end)
        now = self.headline(current, summary_only)
        before = self.headline(previous, summary_only)
        last_year = self.headline(year_ago, summary_only)
        age, ltv_rows = self._ltv_at_equal_age(current, (previous, year_ago), data_end)
        months = _months_by_table(self.coverage())
        now["ltv_at_age"], before["ltv_at_age"], last_year["ltv_at_age"] = ltv_rows
        ahead = data_end is None or current.date_from > data_end
        rows = []
        for name, kind in HEADLINE_FIGURES:
            if name not in now:
                continue
            current_value = now[name]
            row = {"metric": name, "kind": kind, "current": current_value}
            for column, suffix, figures, other_period in (
                ("previous", "", before, previous),
                ("year_earlier", "_year", last_year, year_ago),
            ):
                other = figures[name]
                gaps = _missing_months(name, (current, other_period), data_end, months)
                # the previous period is of equal length but where a month's days are clipped
                # (compared_periods); a year earlier is the same calendar days
                compared = (not gaps and not ahead and name not in NOT_COMPARED
                            and (suffix or current.days == other_period.days)
                            and not (name == "ltv_at_age" and age is None))
                change = (None if not compared or current_value is None or other is None
                          else current_value - other)
                row[column] = other
                row[f"change{suffix}"] = change
                row[f"change{suffix}_rel"] = (
                    None if change is None or not other else change / abs(other)
                )
                row[f"gaps{suffix}"] = gaps
            rows.append(row)
        numbers = ("current", "previous", "change", "change_rel", "year_earlier", "change_year")
        table = pd.DataFrame(rows).astype(
            {column: "float64" for column in (*numbers, "change_year_rel")}
        )
        return Comparison(current=current, previous=previous, year_earlier=year_ago, table=table,
                          asked=f, data_end=data_end, ltv_age=age,
                          ltv_age_partial=bool(age) and ltv_rows[0] is not None
                          and current.date_to > data_end - timedelta(days=age))  # fmt: skip

    def _ltv_at_equal_age(
        self, current: Filters, others: tuple[Filters, Filters], data_end: date | None
    ) -> tuple[int | None, tuple[float | None, float | None, float | None]]:
        """The age LTV is compared at (METRICS.md "LTV", ltv_at_age): the longest of 365, 180
        and 90 days that every new patient of the current period has behind them by data_end;
        else the longest that some of them have (the cohort is those); else None."""
        if data_end is None:
            return None, (None, None, None)
        full = [a for a in LTV_AGES if current.date_to <= data_end - timedelta(days=a)]
        some = [a for a in LTV_AGES if current.date_from <= data_end - timedelta(days=a)]
        age = (full or some or [None])[0]
        if age is None:
            return None, (None, None, None)
        now, before, year_ago = (self.ltv_at_age(p, age) for p in (current, *others))
        return age, (now, before, year_ago)


# The tables each headline figure is computed from (METRICS.md "Comparison": a month missing from
# one of them in either period leaves the change unshown). The figures not named read services.
FIGURE_TABLES: dict[str, tuple[str, ...]] = {
    "leads": ("leads",),
    "overall_rate": ("leads", "contracts"),
    "show_up_rate": ("appointments",),
    "avg_rating": ("reviews",),
    "avg_wait_min": ("appointments",),
}
# Figures shown beside the comparison but not compared: LTV to date grows with the cohort's age,
# so a younger period's is lower by construction (ltv_at_age is compared instead).
NOT_COMPARED = frozenset({"ltv"})
LTV_AGES = (365, 180, 90)
# Figures that rest on first(p), the patient's first visit in the whole history: a month missing
# before the period's end changes them; cohort figures follow the patients to data_end as well.
HISTORY_FIGURES = frozenset({"new_patients", "first_visits", "returning_visits", "returning_share"})
COHORT_FIGURES = frozenset({"return_rate", "ltv", "ltv_12m", "ltv_at_age"})


def compared_periods(f: Filters, data_end: date | None) -> tuple[Filters, Filters, Filters]:
    """METRICS.md "Comparison": the period compared and the two it is compared with. A period
    data_end falls inside is compared up to data_end: a calendar month with the same days of the
    previous month (1–3 November with 1–3 October), twelve whole months with the same days a
    year earlier, any other period with the same days one period length earlier; all with the
    same days a year earlier. A complete period: the period
    of equal length that ends the day before, and the same days a year earlier."""
    if data_end is None or not f.date_from <= data_end < f.date_to:
        return f, f.previous_period(), f.year_earlier()
    current = replace(f, date_to=data_end)
    if f.is_twelve_months:  # the same days a year earlier: one comparison
        return current, current.year_earlier(), current.year_earlier()
    if _is_calendar_month(f):
        start = (f.date_from - timedelta(days=1)).replace(day=1)
        end = min(start + timedelta(days=current.days - 1), f.date_from - timedelta(days=1))
        previous = replace(f, date_from=start, date_to=end)
    else:
        shift = timedelta(days=f.days)
        previous = replace(f, date_from=f.date_from - shift, date_to=data_end - shift)
    return current, previous, current.year_earlier()


def _is_calendar_month(f: Filters) -> bool:
    return f.date_from.day == 1 and (f.date_to + timedelta(days=1)).day == 1 and (
        f.date_from.month == f.date_to.month and f.date_from.year == f.date_to.year)


def _months_by_table(coverage: pd.DataFrame) -> dict[str, set[date]]:
    out: dict[str, set[date]] = {}
    months = pd.to_datetime(coverage["month"]).dt.date
    for table, month in zip(coverage["table_name"], months, strict=True):
        out.setdefault(str(table), set()).add(month.replace(day=1))
    return out


def _missing_months(
    name: str, periods: tuple[Filters, ...], data_end: date | None, months: dict[str, set[date]]
) -> list[str]:
    """The months ('YYYY-MM') in which a loaded table that feeds the figure has no rows
    (METRICS.md "Comparison"): those of the periods up to data_end; for a figure of first
    visits, every month from the table's first to the period's end; for a cohort figure, to
    data_end. A table never loaded is no gap (its figures are empty everywhere)."""
    if data_end is None:
        return []
    missing: set[date] = set()
    for table in FIGURE_TABLES.get(name, ("services",)):
        held = months.get(table)
        if not held:
            continue
        for p in periods:
            # a figure of first visits reads the history before the period too: a month missing
            # there makes a returning patient look new; one of cohorts also reads the months after
            start = (min(min(held), p.date_from) if name in HISTORY_FIGURES | COHORT_FIGURES
                     else p.date_from)
            end = data_end if name in COHORT_FIGURES else min(p.date_to, data_end)
            # the months touched, as the Данные page lists a table's gaps (app/upload.coverage)
            missing.update(m for m in months_touched(start, end) if m not in held)
    return [m.strftime("%Y-%m") for m in sorted(missing)]


@contextmanager
def open_engine(source: Engine | Path | str) -> Iterator[Engine]:
    """An Engine for a store path (closed afterwards), or the caller's own Engine as it is."""
    if isinstance(source, Engine):
        yield source
        return
    engine = Engine(source)
    try:
        yield engine
    finally:
        engine.close()
