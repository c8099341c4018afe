"""Backup and restore: every table of the store as Parquet, with a manifest and the salt.

A backup holds what the store holds — no names or phones, only their salted hashes — plus the
salt itself, so that a restored store still links new uploads to old patients. Keep a backup as
carefully as the store.

File modes (see `clinic_bi/paths.py`): the backup folder is 0700 — created so, or tightened when
it is an existing empty folder given for the copy (it must be empty, so it is the copy's own) —
and is made so before anything is written into it, so no other user can reach a file in it even
for the moment before that file is tightened. The manifest and the salt are created 0600; the
Parquet files are written by DuckDB (mode from the process umask, 0600 under the CLI and the web
app) and chmod-ed to 0600 right after. A restored salt is written 0600 as well.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from clinic_bi import __version__, fmt, store
from clinic_bi.paths import (
    DIR_MODE,
    FILE_MODE,
    copy_private,
    make_private_dir,
    open_private,
    tighten,
)
from clinic_bi.store.salt import salt_path

MANIFEST = "manifest.json"
SALT_FILE = "salt.txt"
# Everything the store holds: canonical tables, their history, the journal and settings.
BACKUP_TABLES: tuple[str, ...] = (
    *store.TABLES,
    *(t + "__replaced" for t in store.TABLES),
    "batches",
    "rejects",
    "profiles",
    "word_choices",
    "superseded_rows",
    "meta",
)
# Tables a copy made by an earlier release may lack (added since): restored empty.
ADDED_LATER = {"word_choices", "goals", "goals__replaced", "service_costs",
               "service_costs__replaced", "pay_rules", "pay_rules__replaced", "fixed_costs",
               "fixed_costs__replaced", "superseded_rows"}


class BackupError(Exception):
    """A backup that cannot be written or restored, with what to do."""


def backup(db_path: Path, out_dir: Path) -> dict:
    """Write the store to `out_dir` (created 0700; must be empty). Returns the manifest. Every
    file of the copy is 0600 (module docstring)."""
    db_path, out_dir = Path(db_path), Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise BackupError(f"Папка {out_dir} не пуста: укажите новую папку для копии.")
    make_private_dir(out_dir)
    tighten(out_dir, DIR_MODE)
    con = store.connect(db_path, read_only=True)
    try:
        counts = {}
        for table in BACKUP_TABLES:
            rel = con.table(table)
            target = out_dir / f"{table}.parquet"
            rel.write_parquet(str(target))
            tighten(target, FILE_MODE)
            counts[table] = rel.count("*").fetchall()[0][0]
        manifest = {
            "clinic_bi": __version__,
            "schema_version": store.SCHEMA_VERSION,
            "data_version": store.data_version(con),
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "source": str(db_path),
            "rows": counts,
        }
    finally:
        con.close()
    salt = salt_path(db_path)
    if salt.exists():
        copy_private(salt, out_dir / SALT_FILE)
    with open_private(out_dir / MANIFEST) as fh:
        fh.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    # Whatever else landed in the folder (nothing today): owner only as well.
    for entry in out_dir.iterdir():
        if not entry.is_symlink():
            tighten(entry, DIR_MODE if entry.is_dir() else FILE_MODE)
    return manifest


def restore(in_dir: Path, db_path: Path, force: bool = False) -> dict:
    """Replace the store's contents with a backup, in one transaction."""
    in_dir, db_path = Path(in_dir), Path(db_path)
    manifest_path = in_dir / MANIFEST
    if not manifest_path.exists():
        raise BackupError(f"В папке {in_dir} нет {MANIFEST}: это не резервная копия clinic_bi.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    version = manifest.get("schema_version")
    if not isinstance(version, int) or not (
        store.OLDEST_RESTORABLE_SCHEMA <= version <= store.SCHEMA_VERSION
    ):
        raise BackupError(
            f"Копия сделана для схемы {manifest.get('schema_version')}, а эта версия clinic_bi "
            f"работает со схемой {store.SCHEMA_VERSION}: восстановите её той версией, что её "
            "сделала."
        )
    missing = [t for t in BACKUP_TABLES
               if t not in ADDED_LATER and not (in_dir / f"{t}.parquet").exists()]
    if missing:
        raise BackupError(f"Копия в {in_dir} неполна: нет {', '.join(missing)}.")
    con = store.connect(db_path)
    try:
        held = con.execute("select count(*) from batches").fetchall()[0][0]
        if held and not force:
            raise BackupError(
                f"Хранилище {db_path} не пусто ({fmt.count_ru(held, 'загрузка', 'загрузки', 'загрузок')}). Восстановление заменит всё его "
                "содержимое: добавьте --force, если это и нужно."
            )
        with store.transaction(con):
            before = store.data_version(con)
            for table in BACKUP_TABLES:
                parquet = in_dir / f"{table}.parquet"
                if table in ADDED_LATER and not parquet.exists():
                    con.execute("delete from " + table)  # one of ADDED_LATER, never user input
                    continue
                _replace_rows(con, table, parquet)
            # The version must move past anything a running app has cached for this file.
            con.execute("update meta set value = $v where key = 'data_version'",
                        {"v": str(max(before, store.data_version(con)) + 1)})
            store.drop_models(con)  # of the rows replaced (never backed up: derived)
        # Batch numbers go on after the restored ones.
        top = con.execute("select coalesce(max(batch_id), 0) from batches").fetchall()[0][0]
        con.execute("select max(nextval('batch_id_seq')) from range($n)", {"n": int(top)})
    finally:
        con.close()
    salt = in_dir / SALT_FILE
    if salt.exists():
        copy_private(salt, salt_path(db_path))
    return manifest


def _replace_rows(con: duckdb.DuckDBPyConnection, table: str, parquet: Path) -> None:
    """Empty `table` and fill it from its Parquet file (columns matched by name)."""
    if table not in BACKUP_TABLES:
        raise ValueError(table)
    statements = (
        # the table name is one of BACKUP_TABLES (checked above), never user input
        "delete from " + table,
        "insert into " + table + " by name select * from read_parquet($path)",
    )
    con.execute(statements[0])
    con.execute(statements[1], {"path": str(parquet)})
