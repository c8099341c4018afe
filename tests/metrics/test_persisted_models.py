"""Persisted models (issue 17): a new Engine whose store carries models stamped with the current
data_version copies them instead of building; a stale stamp is never read; every change of the
data drops them; the copies give the figures a build gives."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from metrics_fixtures import insert, line, make_store, models_held, period, writing

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.metrics import engine as engine_module
from clinic_bi.metrics.engine import (
    BUILD_ONLY_MODELS,
    MODELS,
    PERSISTED_MODELS,
    Engine,
    Filters,
    persist_models,
)
from clinic_bi.paths import SAMPLE_DATA_DIR

JANUARY = period("2025-01-01", "2025-01-31")
HEADER = "Дата;№ карты;Врач;Услуга;Сумма\n"


def stamp(path: Path) -> tuple[int, int]:
    """(the stamp's data_version, the store's data_version)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        kept = con.execute(f"select data_version from {store.MODELS_SCHEMA}._stamp").fetchone()[0]
        return kept, store.data_version(con)
    finally:
        con.close()


@pytest.fixture
def counted_builds(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every build_models call of the Engine, as its `persisted` flag (False: built in memory)."""
    calls: list[bool] = []
    real = engine_module.build_models

    def counting(con: duckdb.DuckDBPyConnection, persisted: bool = False) -> bool:
        calls.append(persisted)
        return real(con, persisted)

    monkeypatch.setattr(engine_module, "build_models", counting)
    return calls


def test_a_new_engine_reads_the_models_the_first_one_kept(
    tmp_path: Path, counted_builds: list[bool]
) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100),
                                          line("2025-01-20", "P1", "A", 50)])
    first = Engine(path)
    assert first.summary(JANUARY).revenue == 150
    assert (first.builds, first.copies) == (1, 0)
    first.close()
    assert set(PERSISTED_MODELS) | {"_stamp"} == models_held(path)  # kept for the next process
    kept, current = stamp(path)
    assert kept == current
    second = Engine(path)
    assert second.summary(JANUARY).revenue == 150
    assert second.summary(JANUARY).visits == 2
    assert (second.builds, second.copies) == (0, 1)
    assert counted_builds == [False, True]  # one build in memory, then one copy
    # the copying engine holds no lock either: a writer lands a line it then counts
    with writing(path) as con:
        insert(con, "services", [line("2025-01-21", "P2", "B", 250)])
    assert second.summary(JANUARY).revenue == 400  # 100 + 50 + 250
    assert (second.builds, second.copies) == (1, 1)


def test_a_stale_stamp_is_never_read(tmp_path: Path, counted_builds: list[bool]) -> None:
    """Models kept for data_version N, then rows written and the version moved by a writer that
    does not drop them (as backup.restore sets data_version itself): the Engine builds."""
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    con = store.connect(path)
    try:
        assert persist_models(con) is not None
        insert(con, "services", [line("2025-01-11", "P2", "A", 250)])
        con.execute("update meta set value = cast(cast(value as bigint) + 1 as varchar) "
                    "where key = 'data_version'")
    finally:
        con.close()
    kept, current = stamp(path)
    assert kept == current - 1  # the models are of the version before
    engine = Engine(path, keep_models=False)
    assert engine.summary(JANUARY).revenue == 350  # 100 + 250, not the kept models' 100
    assert (engine.builds, engine.copies) == (1, 0)
    assert counted_builds == [False, False]  # persist_models's build, the engine's


def test_models_of_other_model_sql_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    Engine(path).close()  # builds and keeps them
    assert Engine(path).summary(JANUARY).revenue == 100
    # an upgrade that changed a model: its fingerprint differs
    monkeypatch.setattr(engine_module, "models_fingerprint", lambda: "another model SQL")
    engine = Engine(path, keep_models=False)
    assert engine.summary(JANUARY).revenue == 100
    assert (engine.builds, engine.copies) == (1, 0)


def test_every_change_of_the_data_drops_the_kept_models(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    Engine(path).summary(JANUARY)
    assert models_held(path)
    with writing(path) as con:  # any writer: store.bump_data_version
        insert(con, "services", [line("2025-01-11", "P2", "A", 250)])
    assert models_held(path) == set()
    engine = Engine(path)
    assert engine.summary(JANUARY).revenue == 350  # 100 + 250
    assert (engine.builds, engine.copies) == (1, 0)


def test_undoing_a_load_leaves_no_stale_models(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    january = tmp_path / "january.csv"
    january.write_text(HEADER + "10.01.2025;1;Иванова;Приём;100\n"
                       "20.01.2025;2;Иванова;Приём;40\n", encoding="utf-8")
    more = tmp_path / "more.csv"
    more.write_text(HEADER + "21.01.2025;3;Петров;Приём;250\n", encoding="utf-8")
    assert all(r.ok for r in loader.ingest_paths(path, [january, more]))
    assert Engine(path).summary(JANUARY).revenue == 390  # 100 + 40 + 250, models kept
    assert Engine(path).copies == 0 and models_held(path)
    con = store.connect(path)
    try:
        batch = int(loader.list_batches(con)["batch_id"].max())
        loader.remove_batch(con, batch)  # undo more.csv
    finally:
        con.close()
    assert models_held(path) == set()  # dropped in the removal's transaction
    engine = Engine(path)
    summary = engine.summary(JANUARY)
    assert (summary.revenue, summary.visits, summary.patients) == (140, 2, 2)  # 100 + 40
    assert (engine.builds, engine.copies) == (1, 0)
    engine.close()
    again = Engine(path)  # and the build after the undo is kept in turn
    assert again.summary(JANUARY).revenue == 140
    assert (again.builds, again.copies) == (0, 1)


def test_copied_models_give_the_figures_of_a_build(tmp_path: Path) -> None:
    path = tmp_path / "sample.duckdb"
    assert all(r.ok for r in loader.ingest_paths(path, [SAMPLE_DATA_DIR]))
    built = Engine(path)
    copied = Engine(path)
    built.facts()  # builds, and keeps the models
    copied.facts()
    assert (built.builds, built.copies, copied.builds, copied.copies) == (1, 0, 0, 1)
    data_end = built.facts().data_end
    assert copied.facts() == built.facts()
    year = Filters(date(data_end.year, 1, 1), data_end)
    assert asdict(copied.summary(year)) == asdict(built.summary(year))
    frames = [
        lambda e: e.doctors(year), lambda e: e.departments(year), lambda e: e.services(year),
        lambda e: e.monthly(year), lambda e: e.ltv_cohorts(year), lambda e: e.marketing(year),
        lambda e: e.funnel(year).by_channel, lambda e: e.show_up(year).by_doctor,
        lambda e: e.quality(year).by_doctor, lambda e: e.coverage(), lambda e: e.channels(),
        lambda e: e.model_checks(), lambda e: e.comparison(year).table,
    ]
    for frame in frames:
        pd.testing.assert_frame_equal(frame(copied), frame(built))
    assert copied.names() == built.names()


def test_persist_models_leaves_the_writers_connection_as_it_was(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    con = store.connect(path)
    try:
        def temp_objects() -> set[str]:
            tables = con.execute("select table_name from duckdb_tables() where temporary")
            macros = con.execute("select function_name from duckdb_functions() where "
                                 "database_name = 'temp' and function_type like '%macro%'")
            return {r[0] for r in tables.fetchall()} | {r[0] for r in macros.fetchall()}

        before = temp_objects()
        assert persist_models(con) is not None
        assert temp_objects() == before
        assert persisted_ok(con)
    finally:
        con.close()
    assert (Engine(path).summary(JANUARY).revenue, Engine(path).copies) == (100, 0)


def persisted_ok(con: duckdb.DuckDBPyConnection) -> bool:
    return engine_module.persisted_models_fresh(con, store.data_version(con))


def test_only_the_persisted_models_read_the_build_only_ones() -> None:
    """A copying Engine builds neither the build-only models nor the persisted ones, so every
    model it does build must read neither build-only model."""
    for name in MODELS:
        if name in PERSISTED_MODELS or name in BUILD_ONLY_MODELS:
            continue
        code = engine_module._model_sql(name)
        for intermediate in BUILD_ONLY_MODELS:
            assert not re.search(rf"\b{intermediate}\b", code), (name, intermediate)
    kinds = {(kind, obj) for _m, kind, obj, _sql in engine_module._model_statements()}
    assert {("table", t) for t in PERSISTED_MODELS} <= kinds


def test_models_built_before_an_upload_are_not_kept_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload lands between the Engine's build and its write-behind: the models it built are
    of the version before, and are not written."""
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    real = Engine._keep_models

    def upload_first(self: Engine) -> object:
        with writing(path) as con:
            insert(con, "services", [line("2025-01-11", "P2", "A", 250)])
        return real(self)

    monkeypatch.setattr(Engine, "_keep_models", upload_first)
    assert Engine(path).summary(JANUARY).revenue == 100  # built before the upload
    monkeypatch.undo()
    assert models_held(path) == set()
    engine = Engine(path)
    assert engine.summary(JANUARY).revenue == 350  # 100 + 250
    assert (engine.builds, engine.copies) == (1, 0)


def test_the_models_are_split_into_statements_as_duckdb_parses_them() -> None:
    con = duckdb.connect()
    try:
        for name in MODELS:
            parsed = con.extract_statements(engine_module._model_sql(name))
            split = [st for st in engine_module._model_statements() if st[0] == name]
            assert len(split) == len(parsed), name
            for (_m, _kind, _obj, sql), statement in zip(split, parsed, strict=True):
                again = con.extract_statements(sql)
                assert len(again) == 1 and again[0].query == statement.query, name
    finally:
        con.close()


def test_an_engine_on_a_live_connection_reads_the_kept_models_and_writes_none(
    tmp_path: Path,
) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    con = store.connect(path)
    try:
        live = Engine(connection=con)
        assert live.summary(JANUARY).revenue == 100
        assert (live.builds, live.copies) == (1, 0)
        assert not persisted_ok(con)  # a live connection's engine writes nothing
        assert persist_models(con) is not None
        again = Engine(connection=con)
        assert again.summary(JANUARY).revenue == 100
        assert (again.builds, again.copies) == (0, 1)
    finally:
        con.close()
