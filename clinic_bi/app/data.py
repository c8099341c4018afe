"""Cached data access for the pages. Every figure comes from `clinic_bi.metrics.Engine`.

Concurrency: DuckDB refuses a second handle on the same file with a different configuration in
one process, so everything that touches a store file in this process — the Engine attaching it
to build models or read data_version, the Данные page's read-write connection for a removal or
a saved profile, the read-only connection for the journal — runs under ONE process-wide lock
(`process_lock()`, an `st.cache_resource`). The Engine holds no handle between calls, so nothing
else has to wait for it.

A load is different: it can take minutes, and holding the lock that long froze every other
session (issue 10, item 6). So `load_in_child` runs it in a child process
(`clinic_bi/app/load_worker.py`), exactly as a load from the command line is another process: the
lock is held only for the instant the child opens the store, and while the child loads, every
page is answered from the models the engine already built.

Caching: one Engine per store file (`st.cache_resource`); results in `st.cache_data`, bounded by
`max_entries` and `ttl`, keyed by (store path, data_version, filters). A load or removal moves
data_version, and `clear_caches()` drops everything when one lands.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd
import streamlit as st

from clinic_bi import store
from clinic_bi.app import access
from clinic_bi.metrics import Comparison, Engine, Filters, StoreFacts
from clinic_bi.paths import PROJECT_DIR, open_private

if TYPE_CHECKING:  # the loader is imported by a load, not by every page (issue 17: 0.17 s)
    from clinic_bi.ingest.loader import LoadResult
    from clinic_bi.ingest.mapping import Profile

_LOG = logging.getLogger(__name__)

TTL = 6 * 3600


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
        names = engine.names()
    return StoreInfo(
        path=Path(path),
        version=version,
        facts=facts,
        data_start=names.data_start,
        doctors=names.doctors,
        departments=names.departments,
        branches=names.branches,
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


# The KPI cards' figures, all from Summary (names of the Engine's HEADLINE_FIGURES; how each
# looks is the figure registry's, clinic_bi/present/figures.py).
KPI_FIGURES: tuple[str, ...] = (
    "revenue", "visits", "patients", "new_patients", "avg_check", "revenue_per_patient",
    "return_rate", "ltv", "ltv_12m", "ltv_at_age", "returning_share",
)  # fmt: skip


@st.cache_data(max_entries=256, ttl=TTL, show_spinner=False)
def _kpi_comparison(path: str, version: int, f: Filters) -> Comparison:
    with engine_for(Path(path)) as engine:
        comparison = engine.comparison(f, summary_only=True)
    table = comparison.table
    table = table[table["metric"].isin(list(KPI_FIGURES))].reset_index(drop=True)
    return replace(comparison, table=table)


def kpi_comparison(info: StoreInfo, f: Filters) -> Comparison:
    """The KPI cards' comparison: `Engine.comparison(summary_only=True)` (three summary queries;
    the full comparison also computes the funnel, show-up and quality of all three periods —
    145 ms of the 1.5 s budget on a 1M-line store, against 55 ms). tests/app/test_app.py checks the
    cards against the full Engine.comparison."""
    return _kpi_comparison(str(info.path), info.version, f)


@st.cache_data(max_entries=16, ttl=TTL, show_spinner=False)
def _coverage(path: str, version: int) -> pd.DataFrame:
    with engine_for(Path(path)) as engine:
        return engine.coverage()


@st.cache_data(max_entries=8, ttl=TTL, show_spinner=False)
def _channels(path: str, version: int) -> pd.DataFrame:
    with engine_for(Path(path)) as engine:
        return engine.channels()


def channels(path: Path) -> pd.DataFrame:
    """`Engine.channels()` of the store (empty without one): each channel key with the name it
    counts under, its spellings and rows, and whether it is merged into another."""
    info = store_info(path)
    if info is None or info.is_empty:
        return pd.DataFrame(columns=["channel_key", "channel", "own_name", "spellings", "uses",
                                     "is_merged"])
    return _channels(str(info.path), info.version)


def coverage(info: StoreInfo) -> pd.DataFrame:
    """`Engine.coverage()`: table_name, month, rows — which months each canonical table holds.
    Not a filtered figure, so it is cached per data version only."""
    return _coverage(str(info.path), info.version)


# -- connections of our own: loads, removals, the journal -------------------------------------

# How long a connection of the app waits for another process's load to end. Short: the process
# lock is held while waiting, and every other session's figures wait for that lock too. (The
# figures themselves need no connection: the Engine serves the models it built before the load.)
# An upload's child waits WRITE_WAIT_SECONDS too, though without the lock: its user is told the
# store is busy at once rather than kept waiting for a load that may take minutes.
READ_WAIT_SECONDS = 1.0
WRITE_WAIT_SECONDS = 3.0


class StoreBusy(Exception):
    """Another process is writing to the store (a load from the command line, say)."""


@contextmanager
def _connection(path: Path, read_only: bool, wait: float) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = store.connect(path, read_only=read_only, wait_seconds=wait)
    except store.StoreLocked as exc:  # store.connect gave up waiting for the lock
        raise StoreBusy(str(exc)) from exc
    try:
        yield con
    finally:
        con.close()


@contextmanager
def write_connection(path: Path, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection for one removal or saved profile (a load runs in a child
    process: `load_in_child`); nothing else in this process touches the file meanwhile, and every cached figure is dropped when it lands. `action` ("upload",
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


@dataclass
class ChildLoad:
    """How one load in a child process ended: `status` is load_worker's outcome ("ok",
    "load_error", "busy", "store_error", "failed") or "interrupted" (the child died: killed,
    out of memory — no outcome written); `result` for "ok", `message` for "load_error"."""

    status: str
    result: LoadResult | None = None
    message: str | None = None
    returncode: int | None = None


def load_in_child(db: Path, file: Path, profile: Profile | None, work_dir: Path) -> ChildLoad:
    """Load `file` into the store `db` in a child process (`python -m clinic_bi.app.load_worker`,
    not multiprocessing: a spawned interpreter would import the Streamlit entry script again).

    The role is checked here, in the app's process, before the child starts (an owner's session
    cannot load, whatever it sends). The process lock is held only while the child opens the
    store — so the open never meets this process's own engine attaching the file for another
    session's page — and not while it loads. Another process holding the store (a load from the
    command line) is waited for WRITE_WAIT_SECONDS, as `write_connection` does, then "busy":
    the page says so at once instead of keeping its user for the two minutes a load may take.
    Every cached figure is dropped when the child ends, so the new data show. `work_dir` (the
    session's private folder) holds the request and the outcome, both deleted here."""
    access.require("upload")
    job = Path(os.path.realpath(work_dir)) / f"job-{os.getpid()}-{time.monotonic_ns()}"
    job.mkdir(mode=0o700)
    request, outcome, errors = job / "request.json", job / "outcome.pickle", job / "stderr.txt"
    try:
        with open_private(request) as f:
            f.write(json.dumps({"db": str(db), "path": str(file),
                                "profile": profile.to_dict() if profile else None},
                               ensure_ascii=False).encode("utf-8"))  # fmt: skip
        with open_private(errors) as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "clinic_bi.app.load_worker", str(request), str(outcome)],
                cwd=PROJECT_DIR, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                text=True, encoding="utf-8",
            )  # fmt: skip
        try:
            _let_child_open(proc)
            returncode = proc.wait()
        finally:
            if proc.poll() is None:  # this run was stopped: the load still ends on its own
                proc.wait()
            clear_caches()
        return _child_outcome(outcome, returncode, errors)
    finally:
        shutil.rmtree(job, ignore_errors=True)  # also when the session's folder went first


def _let_child_open(proc: subprocess.Popen) -> None:
    """The open handshake of load_worker's module doc; returns when the child has the store,
    gave up, or died."""
    from clinic_bi.app import load_worker  # its constants only; it imports the whole loader

    assert proc.stdin is not None and proc.stdout is not None
    try:
        if proc.stdout.readline().strip() != load_worker.READY:
            return  # died before it was ready: its outcome (or its absence) says why
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        while True:
            with process_lock():
                proc.stdin.write(load_worker.TRY + "\n")
                proc.stdin.flush()
                answer = proc.stdout.readline().strip()
            if answer != load_worker.LOCKED or time.monotonic() >= deadline:
                return
            time.sleep(0.2)
    except BrokenPipeError:  # the child is gone
        return
    finally:
        for pipe in (proc.stdin, proc.stdout):
            with contextlib.suppress(BrokenPipeError):
                pipe.close()  # stdin at EOF: a child still asking to wait ends as "busy"


def _child_outcome(path: Path, returncode: int, errors: Path) -> ChildLoad:
    log = errors.read_text(encoding="utf-8", errors="replace").strip() if errors.exists() else ""
    try:
        with open(path, "rb") as f:
            outcome = pickle.load(f)  # written by load_worker, in our own 0700 folder
    except (OSError, EOFError, pickle.UnpicklingError):
        outcome = None
    if outcome is None or returncode != 0:
        _LOG.warning("load_worker ended with code %s without an outcome; its stderr: %s",
                     returncode, log[-4000:])  # fmt: skip
        return ChildLoad("interrupted", returncode=returncode)
    if outcome["status"] in ("failed", "store_error"):
        _LOG.warning("load_worker: %s; its stderr: %s", outcome["status"], log[-4000:])
    return ChildLoad(outcome["status"], outcome.get("result"), outcome.get("message"), returncode)


def clear_caches() -> None:
    for fn in (_store_info, _family, _kpi_comparison, _coverage, _channels):
        fn.clear()
