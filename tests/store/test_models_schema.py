"""The store's `models` schema (issue 17): derived copies of the Engine's models, never backed up,
dropped by every write that moves data_version — a restore included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import SAMPLE_DATA_DIR
from clinic_bi.store.backup import backup, restore
from tests.metrics_fixtures import models_held


def test_models_are_not_backed_up_and_a_restore_drops_them(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert all(r.ok for r in loader.ingest_paths(db, [SAMPLE_DATA_DIR]))
    year = Filters(date(2025, 1, 1), date(2025, 12, 31))
    with Engine(db) as engine:
        revenue = engine.summary(year).revenue
    assert models_held(db)  # kept by the first Engine
    backup(db, tmp_path / "bk")
    assert not any(store.MODELS_SCHEMA in p.name or "_stamp" in p.name
                   for p in (tmp_path / "bk").iterdir())
    with Engine(db) as engine:
        assert engine.copies == 0  # nothing read yet
        engine.facts()
        assert engine.copies == 1
    restore(tmp_path / "bk", db, force=True)
    assert models_held(db) == set()  # dropped with the rows they were built from
    with Engine(db) as engine:
        assert engine.summary(year).revenue == revenue
        assert (engine.builds, engine.copies) == (1, 0)


def test_a_store_with_models_opens_and_migrates_as_before(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert all(r.ok for r in loader.ingest_paths(db, [SAMPLE_DATA_DIR]))
    Engine(db).facts()
    assert models_held(db)
    con = store.connect(db)  # ensure_schema and the schema check leave them alone
    try:
        assert store.row_counts(con)["services"] > 0
    finally:
        con.close()
    assert models_held(db)
