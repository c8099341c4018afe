"""Backup to Parquet and restore: the store comes back exactly, journal and links included."""

from __future__ import annotations

import pytest
from test_store import snapshot

from clinic_bi import store
from clinic_bi.cli import main
from clinic_bi.paths import SAMPLE_DATA_DIR
from clinic_bi.store.backup import BackupError, backup, restore
from clinic_bi.store.salt import salt_path


def everything(db) -> dict:
    con = store.connect(db, read_only=True)
    try:
        out = snapshot(con)
        for t in ("batches", "rejects", "profiles"):
            out[t] = sorted(map(repr, con.table(t).fetchall()))
        return out
    finally:
        con.close()


def test_backup_and_restore_round_trip(tmp_path, capsys):
    db = tmp_path / "clinic.duckdb"
    assert main(["ingest", str(SAMPLE_DATA_DIR), "--db", str(db)]) == 0
    assert main(["backup", str(tmp_path / "bk"), "--db", str(db)]) == 0
    assert "Резервная копия записана" in capsys.readouterr().out
    assert (tmp_path / "bk" / "services.parquet").exists()

    fresh = tmp_path / "restored.duckdb"
    assert main(["restore", str(tmp_path / "bk"), "--db", str(fresh)]) == 0
    assert everything(fresh) == everything(db)
    assert salt_path(fresh).read_text() == salt_path(db).read_text()
    # batch numbers go on after the restored journal (9 sample files → next is 10)
    review = tmp_path / "reviews_new.csv"
    review.write_text("Дата,Врач,Оценка\n2025-01-12,A,5\n", encoding="utf-8")
    assert main(["ingest", str(review), "--db", str(fresh), "--format", "json"]) == 0
    assert '"batch_id": 10' in capsys.readouterr().out


def test_restore_refuses_a_store_with_data_unless_forced(tmp_path):
    db = tmp_path / "clinic.duckdb"
    assert main(["ingest", str(SAMPLE_DATA_DIR / "reviews.csv"), "--db", str(db)]) == 0
    backup(db, tmp_path / "bk")
    with pytest.raises(BackupError, match="--force"):
        restore(tmp_path / "bk", db)
    restore(tmp_path / "bk", db, force=True)
    assert everything(db)["reviews"]


def test_restore_of_something_that_is_not_a_backup(tmp_path):
    (tmp_path / "bk").mkdir()
    with pytest.raises(BackupError, match="не резервная копия"):
        restore(tmp_path / "bk", tmp_path / "x.duckdb")


def test_backup_refuses_a_folder_with_files(tmp_path):
    db = tmp_path / "clinic.duckdb"
    store.connect(db).close()
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "old.txt").write_text("x")
    with pytest.raises(BackupError, match="не пуста"):
        backup(db, tmp_path / "bk")
