"""Files holding clinic data are the owner's only: 0600 for files, 0700 for folders we create.

The CLI runs as a real subprocess started with umask 022 — the usual default, under which the
store, its WAL, backups and rejected-row CSVs used to come out 0644 (folders 0755).
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

from clinic_bi import store
from clinic_bi.store.salt import load_or_create_salt, salt_path
from tests.hooks import MARKER, PAUSE_VAR, pause_in_transaction

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def default_umask() -> None:
    os.umask(0o022)


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLINIC_BI_DB", "CLINIC_BI_HOME", PAUSE_VAR)}
    env.update(extra)
    return env


def cli(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "clinic_bi", *args], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_umask,
    )


def finish(proc: subprocess.Popen) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def services_with_a_rejected_row(path: Path) -> Path:
    lines = ["Дата;№ карты;Врач;Услуга;Сумма"]
    lines += [f"01.02.2025;{card};A;S;100" for card in range(1, 2001)]
    lines += ["вчера;9001;Иванов;S;50", "02.02.2025;9002;A;S;не сумма"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_ingest_under_umask_022_makes_home_store_wal_salt_and_rejects_private(tmp_path):
    home = tmp_path / "new" / "clinic_home"  # neither folder exists yet
    rejects = tmp_path / "rej" / "out"  # nor these
    src = services_with_a_rejected_row(tmp_path / "svc.csv")
    proc = cli("ingest", str(src), "--rejects", str(rejects),
               env=clean_env(CLINIC_BI_HOME=str(home), **pause_in_transaction(3)))
    deadline = time.monotonic() + 60
    line = ""
    while MARKER not in line and time.monotonic() < deadline:
        line = proc.stderr.readline()
    assert MARKER in line
    # Paused inside the load: the store, its WAL and the salt all exist now.
    beside = {p.name: mode(p) for p in home.iterdir()}
    finish(proc)
    assert beside == {"clinic.duckdb": 0o600, "clinic.duckdb.wal": 0o600,
                      "clinic.duckdb.salt": 0o600}
    assert mode(home) == 0o700
    assert mode(home.parent) == 0o700
    assert {p.name: mode(p) for p in home.iterdir()} == {"clinic.duckdb": 0o600,
                                                        "clinic.duckdb.salt": 0o600}
    assert mode(rejects.parent) == 0o700
    assert mode(rejects) == 0o700
    assert [p.name for p in rejects.iterdir()] == ["svc.rejected.csv"]
    assert mode(rejects / "svc.rejected.csv") == 0o600
    text = (rejects / "svc.rejected.csv").read_text(encoding="utf-8-sig")
    assert "вчера,9001,Иванов" in text


def test_rejects_into_an_existing_folder_leave_that_folder_alone(tmp_path):
    rejects = tmp_path / "mine"
    rejects.mkdir()
    rejects.chmod(0o755)
    (rejects / "svc.rejected.csv").write_text("old\n", encoding="utf-8")
    (rejects / "svc.rejected.csv").chmod(0o644)
    src = services_with_a_rejected_row(tmp_path / "svc.csv")
    finish(cli("ingest", str(src), "--db", str(tmp_path / "s.duckdb"), "--rejects", str(rejects),
               env=clean_env()))
    assert mode(rejects) == 0o755  # the user's folder: not ours to change
    assert mode(rejects / "svc.rejected.csv") == 0o600  # an old file rewritten: tightened
    assert "old" not in (rejects / "svc.rejected.csv").read_text(encoding="utf-8-sig")


def test_backup_and_restore_under_umask_022_are_private(tmp_path):
    db = tmp_path / "s.duckdb"
    src = services_with_a_rejected_row(tmp_path / "svc.csv")
    finish(cli("ingest", str(src), "--db", str(db), env=clean_env()))
    copy = tmp_path / "backups" / "monday"
    finish(cli("backup", str(copy), "--db", str(db), env=clean_env()))
    assert mode(copy.parent) == 0o700
    assert mode(copy) == 0o700
    files = {p.name: mode(p) for p in copy.iterdir()}
    assert "manifest.json" in files and "salt.txt" in files and "services.parquet" in files
    assert len(files) == 30  # 28 tables, the manifest and the salt
    assert set(files.values()) == {0o600}

    target = tmp_path / "restored" / "s.duckdb"
    finish(cli("restore", str(copy), "--db", str(target), env=clean_env()))
    assert mode(target.parent) == 0o700
    assert {p.name: mode(p) for p in target.parent.iterdir()} == {"s.duckdb": 0o600,
                                                                  "s.duckdb.salt": 0o600}


def test_backup_into_an_existing_empty_folder_tightens_it(tmp_path):
    db = tmp_path / "s.duckdb"
    finish(cli("ingest", str(services_with_a_rejected_row(tmp_path / "svc.csv")),
               "--db", str(db), env=clean_env()))
    copy = tmp_path / "copy"
    copy.mkdir()
    copy.chmod(0o755)
    finish(cli("backup", str(copy), "--db", str(db), env=clean_env()))
    assert mode(copy) == 0o700
    assert {mode(p) for p in copy.iterdir()} == {0o600}


def test_an_old_0644_store_is_tightened_on_its_next_open(tmp_path):
    db = tmp_path / "old" / "s.duckdb"
    with umask(0o022):
        store.connect(db).close()
        load_or_create_salt(db)
        # a WAL left behind (a process that exited without a checkpoint)
        subprocess.run([sys.executable, "-c", "import duckdb, os, sys\n"
                        "con = duckdb.connect(sys.argv[1]); "
                        "con.execute('create table t as select 1 as x'); os._exit(0)", str(db)],
                       check=True, preexec_fn=default_umask)
        for p in db.parent.iterdir():
            p.chmod(0o644)
        db.parent.chmod(0o755)
        assert mode(db) == 0o644
        assert (db.parent / "s.duckdb.wal").exists()

        store.connect(db, read_only=True).close()
        assert mode(db) == 0o600
        assert mode(salt_path(db)) == 0o600
        assert mode(db.parent / "s.duckdb.wal") == 0o600
        assert mode(db.parent) == 0o755  # an existing folder chosen by the user stays as it is


def test_a_new_store_opened_by_a_library_caller_is_private_whatever_the_umask(tmp_path):
    db = tmp_path / "a" / "b" / "s.duckdb"
    with umask(0o022):
        store.connect(db).close()
    assert mode(db) == 0o600
    assert mode(db.parent) == 0o700
    assert mode(db.parent.parent) == 0o700


def test_the_default_home_is_tightened_but_the_user_home_is_not(tmp_path):
    user_home = tmp_path / "user"
    (user_home / ".clinic_bi").mkdir(parents=True)
    user_home.chmod(0o755)
    (user_home / ".clinic_bi").chmod(0o755)
    src = services_with_a_rejected_row(tmp_path / "svc.csv")
    finish(cli("ingest", str(src), env=clean_env(HOME=str(user_home))))
    assert mode(user_home) == 0o755
    assert mode(user_home / ".clinic_bi") == 0o700
    assert mode(user_home / ".clinic_bi" / "clinic.duckdb") == 0o600


def test_importing_the_web_app_package_sets_a_private_umask():
    code = ("import os\nos.umask(0o022)\nimport clinic_bi.app\nprint(oct(os.umask(0o022)))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "0o77"


def test_a_stricter_umask_is_kept():
    code = ("import os\nos.umask(0o277)\nfrom clinic_bi.paths import private_umask\n"
            "private_umask()\nprint(oct(os.umask(0o022)))\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "0o277"
