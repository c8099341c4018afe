"""Older stores and backups open, migrate and restore. Schema 1: services.doctor and
appointments.status were NOT NULL, and the journal had no reconciliation columns."""

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
    old = old.replace("    status varchar,                 -- attended", "    status varchar not null, -- attended")
    con = duckdb.connect(str(path))
    con.execute(old)
    for column in NEW_BATCH_COLUMNS:
        con.execute(f"alter table batches drop column {column}")
    con.execute("insert into meta values ('schema_version', '1'), ('data_version', '3')")
    con.execute(LINE)
    con.execute("insert into batches values (1, now(), 'услуги.csv', 'sha', 10, 'services', null, "
                "'{}', 1, 1, 1, 0, 0, 0, date '2025-02-01', date '2025-02-01')")
    con.close()


NEW_BATCH_COLUMNS = ("file_total", "total_source", "loaded_total", "rejected_total",
                     "rejected_unread")


def _nullable(con, table: str, column: str) -> bool:
    return con.execute("select is_nullable from information_schema.columns where "
                       "table_name = $t and column_name = $c", {"t": table, "c": column}
                       ).fetchone()[0] == "YES"


def _doctor_nullable(con) -> bool:
    return con.execute("select is_nullable from information_schema.columns where "
                       "table_name = 'services' and column_name = 'doctor'").fetchone()[0] == "YES"


def test_a_schema_one_store_is_migrated_by_the_first_writer(tmp_path):
    db = tmp_path / "old.duckdb"
    schema_one_store(db)
    con = store.connect(db)
    try:
        assert con.execute("select value from meta where key = 'schema_version'").fetchone() == ("2",)
        assert _doctor_nullable(con) and _nullable(con, "appointments", "status")
        columns = [r[0] for r in con.execute("describe batches").fetchall()]
        assert columns[-5:] == list(NEW_BATCH_COLUMNS)  # where the loader's insert puts them
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
    batches = copy / "batches.parquet"  # and without the journal's new columns
    duckdb.sql(f"copy (select * exclude ({', '.join(NEW_BATCH_COLUMNS)}) from "
               f"read_parquet('{batches}')) to '{batches}.new' (format parquet)")
    (copy / "batches.parquet.new").replace(batches)
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    backup.restore(copy, tmp_path / "new.duckdb")
    con = store.connect(tmp_path / "new.duckdb", read_only=True)
    try:
        assert con.execute("select visit_date, doctor from services").fetchall() == [
            (dt.date(2025, 2, 1), "Иванова")
        ]
        assert con.execute("select file_name, file_total from batches").fetchall() == [
            ("услуги.csv", None)
        ]
    finally:
        con.close()

    manifest["schema_version"] = store.SCHEMA_VERSION + 1
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(backup.BackupError, match="схемы 3"):
        backup.restore(copy, tmp_path / "newer.duckdb")
