"""Older stores and backups (schema 1: services.doctor was NOT NULL) open, migrate and restore."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import duckdb
import pytest

from clinic_bi import store
from clinic_bi.paths import read_query
from clinic_bi.store import backup

LINE = ("insert into services (visit_date, patient_id, doctor, service, amount, quantity, _key, "
        "_batch_id, _row) values (date '2025-02-01', 'P1', 'Иванова', 'Приём', 1500, 1, 'k1', 1, 2)")


def schema_one_store(path) -> None:
    """A store as clinic_bi wrote it at schema 1: the same DDL with doctor NOT NULL."""
    ddl = read_query("store", "schema.sql")
    old = ddl.replace("    doctor varchar,                 -- null where the export has no doctor",
                      "    doctor varchar not null,  --")
    assert old != ddl
    con = duckdb.connect(str(path))
    con.execute(old)
    con.execute("insert into meta values ('schema_version', '1'), ('data_version', '3')")
    con.execute(LINE)
    con.close()


def _doctor_nullable(con) -> bool:
    return con.execute("select is_nullable from information_schema.columns where "
                       "table_name = 'services' and column_name = 'doctor'").fetchone()[0] == "YES"


def test_a_schema_one_store_is_migrated_by_the_first_writer(tmp_path):
    db = tmp_path / "old.duckdb"
    schema_one_store(db)
    con = store.connect(db)
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("2",)
        assert _doctor_nullable(con)
        assert con.execute("select doctor, amount from services").fetchall() == [
            ("Иванова", Decimal("1500.00"))
        ]
        con.execute(LINE.replace("'Иванова'", "null").replace("'k1'", "'k2'"))  # allowed now
        assert store.data_version(con) == 3  # a migration is no data change
    finally:
        con.close()


def test_a_reader_opens_a_schema_one_store_without_migrating_it(tmp_path):
    db = tmp_path / "old.duckdb"
    schema_one_store(db)
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("1",)
        assert con.execute("select count(*) from services").fetchone() == (1,)
    finally:
        con.close()


def test_a_schema_one_backup_restores_and_a_newer_one_is_refused(tmp_path):
    db = tmp_path / "old.duckdb"
    schema_one_store(db)
    copy = tmp_path / "copy"
    con = store.connect(db)  # migrate first: backup() reads with the current code
    con.close()
    backup.backup(db, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = 1  # as the release before this one wrote it
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    backup.restore(copy, tmp_path / "new.duckdb")
    con = store.connect(tmp_path / "new.duckdb", read_only=True)
    try:
        assert con.execute("select visit_date, doctor from services").fetchall() == [
            (dt.date(2025, 2, 1), "Иванова")
        ]
    finally:
        con.close()

    manifest["schema_version"] = store.SCHEMA_VERSION + 1
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(backup.BackupError, match="схемы 3"):
        backup.restore(copy, tmp_path / "newer.duckdb")
