"""Cached data access for the pages. Every figure comes from `clinic_bi.metrics.Engine`.

Concurrency: DuckDB refuses a second handle on the same file with a different configuration in
one process, so everything that touches a store file — the Engine attaching it to build models
or read data_version, the Данные page's read-write connection for a load or a removal, the
read-only connection for the journal — runs under ONE process-wide lock (`process_lock()`, an
`st.cache_resource`). The Engine holds no handle between calls, so nothing else has to wait for it.

Caching: one Engine per store file (`st.cache_resource`); results in `st.cache_data`, bounded by
`max_entries` and `ttl`, keyed by (store path, data_version, filters). A load or removal moves
data_version, and `clear_caches()` drops everything when one lands.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from clinic_bi import store
from clinic_bi.metrics import Comparison, Engine, Filters, StoreFacts
from clinic_bi.ui import access

TTL = 6 * 3600
EARLIEST = date(1900, 1, 1)


@st.cache_resource(show_spinner=False)
def process_lock() -> threading.RLock:
    """The one lock around every use of a store file in this process (see the module doc)."""
    return threading.RLock()


@st.cache_resource(max_entries=4, show_spinner=False)
def _engine(path: str) -> Engine:
    return Engine(Path(path))


@contextmanager
def engine_for(path: Path) -> Iterator[Engine]:
    """The store's Engine with one data version pinned, under the process lock."""
    with process_lock():
        engine = _engine(str(path))
        with engine.snapshot():
            yield engine


# -- what a store holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreInfo:
    """What the sidebar and the "is it loaded?" checks need, per data version."""

    path: Path
    version: int
    facts: StoreFacts
    data_start: date | None
    doctors: tuple[str, ...]
    departments: tuple[str, ...]
    branches: tuple[str, ...]

    @property
    def data_end(self) -> date | None:
        return self.facts.data_end

    def rows(self, table: str) -> int:
        return int(getattr(self.facts, f"{table}_rows"))

    @property
    def is_empty(self) -> bool:
        return all(self.rows(t) == 0 for t in store.TABLES)


def current_version(path: Path) -> int | None:
    """The store's data_version (the engine refreshes its models when it moved); None when
    there is no store file yet."""
    if not path.exists():
        return None
    with process_lock():
        engine = _engine(str(path))
        engine.refresh()
        return engine.data_version


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def _store_info(path: str, version: int) -> StoreInfo:
    with engine_for(Path(path)) as engine:
        facts = engine.facts()
        names: dict[str, tuple[str, ...]] = {}
        data_start = None
        if facts.services_rows and facts.data_end is not None:
            everything = Filters(EARLIEST, facts.data_end)
            for dimension in ("doctor", "department", "branch"):
                members = engine.breakdown(everything, dimension)[dimension].dropna()
                names[dimension] = tuple(sorted(str(m) for m in members))
            months = engine.monthly(everything)
            if len(months):
                data_start = pd.Timestamp(months["month"].iloc[0]).date()
    return StoreInfo(
        path=Path(path),
        version=version,
        facts=facts,
        data_start=data_start,
        doctors=names.get("doctor", ()),
        departments=names.get("department", ()),
        branches=names.get("branch", ()),
    )


def store_info(path: Path) -> StoreInfo | None:
    """None when the store file does not exist yet (the welcome screen)."""
    version = current_version(path)
    if version is None:
        return None
    return _store_info(str(path), version)


# -- metric families, cached -------------------------------------------------------------------


@st.cache_data(max_entries=512, ttl=TTL, show_spinner=False)
def _family(path: str, version: int, family: str, f: Filters, args: tuple) -> Any:
    with engine_for(Path(path)) as engine:
        return getattr(engine, family)(f, *args)


def metric(info: StoreInfo, family: str, f: Filters, *args: Any) -> Any:
    """`Engine.<family>(f, *args)` for this store and data version, cached."""
    return _family(str(info.path), info.version, family, f, tuple(args))


# The KPI cards' figures, all from Summary (the Engine's HEADLINE_FIGURES names and kinds).
KPI_KINDS: dict[str, str] = {
    "revenue": "money", "visits": "count", "patients": "count", "new_patients": "count",
    "avg_check": "money", "revenue_per_patient": "money", "return_rate": "ratio", "ltv": "money",
    "ltv_12m": "money", "returning_share": "ratio",
}  # fmt: skip


@st.cache_data(max_entries=256, ttl=TTL, show_spinner=False)
def _kpi_comparison(path: str, version: int, f: Filters) -> Comparison:
    with engine_for(Path(path)) as engine:
        comparison = engine.comparison(f, summary_only=True)
    table = comparison.table
    table = table[table["metric"].isin(list(KPI_KINDS))].reset_index(drop=True)
    return replace(comparison, table=table)


def kpi_comparison(info: StoreInfo, f: Filters) -> Comparison:
    """The KPI cards' comparison: `Engine.comparison(summary_only=True)` (three summary queries;
    the full comparison also computes the funnel, show-up and quality of all three periods —
    145 ms of the 1.5 s budget on a 1M-line store, against 55 ms). tests/test_app.py checks the
    cards against the full Engine.comparison."""
    return _kpi_comparison(str(info.path), info.version, f)


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def _coverage(path: str, version: int) -> pd.DataFrame:
    with engine_for(Path(path)) as engine:
        return engine.coverage()


def coverage(info: StoreInfo) -> pd.DataFrame:
    """`Engine.coverage()`: table_name, month, rows — which months each canonical table holds.
    Not a filtered figure, so it is cached per data version only."""
    return _coverage(str(info.path), info.version)


# -- connections of our own: loads, removals, the journal -------------------------------------

# How long a connection of the app waits for another process's load to end. Short: the process
# lock is held while waiting, and every other session's figures wait for that lock too. (The
# figures themselves need no connection: the Engine serves the models it built before the load.)
READ_WAIT_SECONDS = 1.0
WRITE_WAIT_SECONDS = 3.0


class StoreBusy(Exception):
    """Another process is writing to the store (a load from the command line, say)."""


@contextmanager
def _connection(path: Path, read_only: bool, wait: float) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = store.connect(path, read_only=read_only, wait_seconds=wait)
    except store.StoreError as exc:
        cause = exc.__cause__
        if isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower():
            raise StoreBusy(str(exc)) from exc  # store.connect gave up waiting for the lock
        raise
    try:
        yield con
    finally:
        con.close()


@contextmanager
def write_connection(path: Path, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one load, removal or saved profile; nothing else touches
    the file meanwhile, and every cached figure is dropped when it lands. `action` ("upload",
    "remove", "edit_mappings") must be one the current user's role allows (access.require):
    an owner's session cannot write, whatever it sends. StoreBusy while another process loads."""
    access.require(action)
    with process_lock():
        try:
            with _connection(path, False, WRITE_WAIT_SECONDS) as con:
                yield con
        finally:
            clear_caches()


@contextmanager
def read_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection | None]:
    """A read-only connection (journal, saved profiles), or None when there is no store;
    StoreBusy while another process loads."""
    with process_lock():
        if not path.exists():
            yield None
            return
        with _connection(path, True, READ_WAIT_SECONDS) as con:
            yield con


def clear_caches() -> None:
    for fn in (_store_info, _family, _kpi_comparison, _coverage):
        fn.clear()
