"""A killed load, two loads at once, and stores this program cannot or must not open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_store import snapshot

from clinic_bi import store
from clinic_bi.store import StoreError
from tests.hooks import MARKER, pause_in_transaction

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "clinic_bi", *args], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
    )


def hold_store(db: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the store open for writing for `seconds` (returns once it holds
    it)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         "con = duckdb.connect(sys.argv[1]); print('held', flush=True); "
         "time.sleep(float(sys.argv[2]))",
         str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def services_csv(path: Path, rows: int, start: int = 0) -> Path:
    lines = ["Дата;№ карты;Врач;Услуга;Сумма"]
    lines += [f"01.02.2025;{card};A;S;{100 + card % 7}" for card in range(start, start + rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_sigkill_inside_the_load_transaction_leaves_the_earlier_state(tmp_path):
    db = tmp_path / "s.duckdb"
    first = cli("ingest", str(services_csv(tmp_path / "a.csv", 50)), "--db", str(db))
    assert first.wait(60) == 0
    con = store.connect(db)
    before = snapshot(con)
    journal = con.execute("select * from batches").fetchall()
    con.close()

    proc = cli("ingest", str(services_csv(tmp_path / "b.csv", 20_000, start=1000)),
               "--db", str(db), env=pause_in_transaction(30))
    deadline = time.monotonic() + 60
    line = ""
    while MARKER not in line and time.monotonic() < deadline:
        line = proc.stderr.readline()
    assert MARKER in line
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)

    con = store.connect(db)  # opens (replaying or discarding the WAL) ...
    assert snapshot(con) == before  # ... and holds exactly what it held before
    assert con.execute("select * from batches").fetchall() == journal
    con.close()
    # and the same file loads fine afterwards
    again = cli("ingest", str(tmp_path / "b.csv"), "--db", str(db))
    assert again.wait(120) == 0
    con = store.connect(db, read_only=True)
    assert con.execute("select count(*) from services").fetchone()[0] == 20_050
    con.close()


def test_a_second_writer_waits_says_so_and_then_lands(tmp_path):
    db = tmp_path / "s.duckdb"
    store.connect(db).close()
    holder = hold_store(db, seconds=2)
    said: list[str] = []
    started = time.monotonic()
    con = store.connect(db, wait_seconds=30, on_wait=said.append)
    waited = time.monotonic() - started
    con.close()
    holder.wait(10)
    assert len(said) == 1 and "занято другим процессом" in said[0]
    assert waited > 0.5


def test_two_cli_loads_at_once_both_land_with_nothing_doubled(tmp_path):
    db = tmp_path / "s.duckdb"
    store.connect(db).close()
    a = cli("ingest", str(services_csv(tmp_path / "a.csv", 3000)), "--db", str(db),
            env=pause_in_transaction(1))
    b = cli("ingest", str(services_csv(tmp_path / "b.csv", 3000, start=2000)), "--db", str(db))
    assert a.wait(120) == 0 and b.wait(120) == 0
    con = store.connect(db, read_only=True)
    # cards 0..2999 and 2000..4999 with the same date, doctor, service and amount rule: the
    # 1000 shared lines are the same rows, so 5000 distinct lines in all
    assert con.execute("select count(*) from services").fetchone()[0] == 5000
    assert con.execute("select count(*) from batches").fetchone()[0] == 2
    con.close()


def test_giving_up_when_the_store_stays_busy(tmp_path):
    db = tmp_path / "s.duckdb"
    store.connect(db).close()
    holder = hold_store(db, seconds=5)
    with pytest.raises(StoreError, match="занято другим процессом"):
        store.connect(db, wait_seconds=0.5)
    holder.kill()


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="более новой версией clinic_bi"):
        store.connect(db)


def test_an_older_store_without_a_migration_is_refused_with_the_way_out(tmp_path):
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    con.execute("update meta set value = '0' where key = 'schema_version'")
    con.close()
    with pytest.raises(StoreError, match="старой схемы 0"):
        store.connect(db)


def test_a_file_that_is_not_a_store(tmp_path):
    junk = tmp_path / "x.duckdb"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(StoreError, match="не открывается как хранилище"):
        store.connect(junk)
