"""Loading an export into the store, and removing an upload again.

    file bytes → readers.read_raw (temp `raw`) → mapping (profile_choice: profile or detection)
    → temp `staged` (canonical names, text) → queries/ingest/<table>.sql (temp `parsed`: types,
    issues; parse.py) → keys → one transaction (_write, here): journal row, the rows an earlier
    version of the export had and this one no longer has (resaved.py), upsert, rejects, data
    version.

Everything before the transaction happens in temp tables of the connection, so a failure at any
point leaves the store as it was.

This module runs that flow for a file (ingest_file) or for files and folders (ingest_paths) and
writes the transaction; each step before it has a module of its own in clinic_bi/ingest:

    profile_choice  the profiles saved in the store, and which mapping a file gets
    parse           raw → staged → parsed and issues; the result's counts, notes, rejected rows
    journal         the uploads loaded (list_batches), the same file again, removing an upload
    statements      queries/store/*.sql for one canonical table, and its bound parameters
    results         LoadResult, Issue, LoadError
    preview         what the app shows before a load, read without the store

Their public names are re-exported here (__all__), so callers import them from the loader as
before. _write and _record_batch (the journal row, inside the transaction) stay here together:
tests/hooks replaces `loader._record_batch` to pause a load in its transaction, which works only
because _write finds _record_batch among this module's names when it calls it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import duckdb

from clinic_bi import store
from clinic_bi.ingest.journal import list_batches, remove_batch, same_upload
from clinic_bi.ingest.mapping import (
    Mapping,
    MappingError,
    Profile,
    missing_groups,
    shown_headers,
)
from clinic_bi.ingest.messages import Text, message_of
from clinic_bi.ingest.parse import (
    drop_raw,
    drop_temp,
    duplicate_headers,
    install_macros,
    parse_file,
)
from clinic_bi.ingest.preview import Preview, preview
from clinic_bi.ingest.profile_choice import choose_mapping, save_profile, saved_profiles
from clinic_bi.ingest.readers import RawFile, ReadError, file_error, file_sha256, read_raw
from clinic_bi.ingest.resaved import supersede
from clinic_bi.ingest.results import MAX_REASONS, Issue, LoadError, LoadResult
from clinic_bi.paths import read_query
from clinic_bi.store.salt import load_or_create_salt
from clinic_bi.store.statements import table_sql
from clinic_bi.tables import TABLE_SPECS

__all__ = [
    # defined here
    "SUPPORTED_SUFFIXES",
    "expand_paths",
    "ingest_file",
    "ingest_paths",
    # re-exported: results
    "MAX_REASONS",
    "Issue",
    "LoadError",
    "LoadResult",
    # re-exported: profile_choice
    "choose_mapping",
    "save_profile",
    "saved_profiles",
    # re-exported: preview
    "Preview",
    "preview",
    # re-exported: journal
    "list_batches",
    "remove_batch",
]

SUPPORTED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".htm", ".html"}


# --- loading -----------------------------------------------------------------------------------


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    salt: str,
    profile: Profile | None = None,
    offered: list[Profile] | None = None,
    keep_rejected: bool = True,
    today: date | None = None,
) -> LoadResult:
    """Load one file in one transaction. Raises LoadError (nothing written) when the file cannot
    be loaded at all; rows that cannot be read are reported in the result, not raised. A DuckDB
    or operating-system error on the way (a full disk, say) is a LoadError in the user's words
    too: the transaction was rolled back, the store is as it was."""
    path = Path(path)
    try:
        return _ingest_file(con, path, salt, profile, offered, keep_rejected, today)
    except (duckdb.Error, OSError) as exc:
        with contextlib.suppress(duckdb.Error):
            drop_temp(con)
        print(f"clinic_bi: {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        space = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
        raise LoadError(Text("refusal_write_failed", file=path.name, disk_full=space)) from exc


def _ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    salt: str,
    profile: Profile | None,
    offered: list[Profile] | None,
    keep_rejected: bool,
    today: date | None,
) -> LoadResult:
    result = LoadResult(file=path.name)
    install_macros(con)
    raw, mapping, sha, size = _read_and_map(con, path, profile, offered)
    _describe_mapping(result, raw, mapping)
    _require_data_rows(path, raw)
    same = same_upload(con, sha, mapping)
    if same is not None:
        return _skip_same_upload(con, result, raw, same)
    parse_file(con, result, raw, mapping, salt, today, keep_rejected)
    # The file's text is not needed any more (rejected rows are taken): free it before the write,
    # when `parsed` and the insert's buffers are held too.
    drop_raw(con)
    _write(con, result, raw, mapping, sha, size)
    drop_temp(con)
    return result


def _read_and_map(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    profile: Profile | None,
    offered: list[Profile] | None,
) -> tuple[RawFile, Mapping, str, int]:
    """The file read into temp `raw`, its mapping, hash and size. LoadError when it cannot be
    read or mapped, or lacks a column its table requires."""
    try:
        raw = read_raw(con, path, skip_rows=profile.skip_rows if profile else None)
        sha, size = file_sha256(path), path.stat().st_size
        mapping = choose_mapping(raw, profile, offered, saved_profiles(con))
    except OSError as exc:
        raise LoadError(message_of(file_error(path, exc))) from exc
    except ReadError as exc:
        raise LoadError(message_of(exc)) from exc
    except MappingError as exc:
        raise LoadError(Text("refusal_in_file", file=path.name, message=message_of(exc))) from exc
    missing = missing_groups(mapping.table, mapping.canonical())
    if missing:
        raise LoadError(Text("refusal_missing_columns", file=path.name, table=mapping.table,
                             missing=[list(g) for g in missing], **shown_headers(raw.headers)))
    return raw, mapping, sha, size


def _describe_mapping(result: LoadResult, raw: RawFile, mapping: Mapping) -> None:
    result.kind, result.fmt, result.profile = mapping.table, raw.describe(), mapping.profile
    result.mapping = mapping.header_map()
    result.ignored_columns = mapping.ignored
    result.notes.extend(duplicate_headers(raw.headers, mapping))


def _require_data_rows(path: Path, raw: RawFile) -> None:
    if raw.rows == 0 and raw.read_issues:
        # every data line was dropped by the reader: say which and why, not "no data"
        raise LoadError(Text("refusal_all_lines_dropped", file=path.name,
                             lines=[i.row for i in raw.read_issues[:5]],
                             more=len(raw.read_issues) > 5, reason=raw.read_issues[0].reason))
    if raw.rows == 0:
        raise LoadError(Text("refusal_no_data", file=path.name))


def _skip_same_upload(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    raw: RawFile,
    same: tuple[int, datetime],
) -> LoadResult:
    """The very file, read the same way, is already in the store: loading it again could only
    undo later corrections. Say so and leave the store alone."""
    batch_id, loaded_at = same
    result.duplicate_of = batch_id
    result.rows_read = raw.rows
    result.notes.append(Text("note_same_file", loaded_at=loaded_at, batch=batch_id))
    drop_temp(con)
    return result


# --- the transaction ---------------------------------------------------------------------------


def _write(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    raw: RawFile,
    mapping: Mapping,
    sha: str,
    size: int,
) -> None:
    table = mapping.table
    try:
        with store.transaction(con):
            batch_id = con.execute("select nextval('batch_id_seq')").fetchone()[0]
            # The keyed rows go straight from the parsed file into the table (no temp copy of a
            # million rows); then earlier versions of the same keys step aside.
            key_sql = read_query("ingest", "keys_by_hash.sql" if TABLE_SPECS[table].id_column is None
                                 else "keys_by_id.sql")
            loaded = con.execute(
                table_sql("insert_batch.sql", table)[0] + " (" + key_sql + ")",
                {"batch_id": batch_id},
            ).fetchone()[0]
            date_col = TABLE_SPECS[table].main_date
            period = (
                con.table(table)
                .filter(duckdb.ColumnExpression("_batch_id")
                        == duckdb.ConstantExpression(batch_id))
                .aggregate([
                    duckdb.FunctionExpression("min", duckdb.ColumnExpression(date_col)),
                    duckdb.FunctionExpression("max", duckdb.ColumnExpression(date_col)),
                ])
                .fetchall()[0]
            )
            # a newer version of an export keyed by content: the earlier rows it no longer has
            # in the days it covers (the upsert and the supersede touch only other uploads' rows)
            superseded = supersede(con, table, batch_id, period)
            move, delete = table_sql("upsert.sql", table)
            replaced = con.execute(move, {"batch_id": batch_id}).fetchone()[0]
            if replaced:
                con.execute(delete, {"batch_id": batch_id})
            result.period = tuple(_as_date(d) for d in period)  # type: ignore[assignment]
            result.batch_id = batch_id
            result.rows_replaced = replaced
            result.rows_new = loaded - replaced
            result.rows_superseded = sum(s.rows for s in superseded)
            result.notes.extend(
                Text("note_superseded", file=s.file_name, batch=s.batch_id, rows=s.rows,
                     date_from=s.date_from, date_to=s.date_to)
                for s in superseded
            )
            _record_batch(con, result, raw, mapping, sha, size)
            store.bump_data_version(con)
    except BaseException:
        result.batch_id = None
        raise


def _record_batch(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    raw: RawFile,
    mapping: Mapping,
    sha: str,
    size: int,
) -> None:
    """Inside the load's transaction, once the rows are in: the journal row of the upload and
    the reasons of its rejected rows."""
    con.execute(
        "insert into batches values ($batch_id, now(), $file_name, $sha, $size, $kind, "
        "$profile, $mapping, $read, $loaded, $new, $replaced, $rejected, $skipped, "
        "$date_from, $date_to, $file_total, $total_source, $loaded_total, $rejected_total, "
        "$rejected_unread)",
        {
            "batch_id": result.batch_id,
            "file_name": raw.path.name,
            "sha": sha,
            "size": size,
            "kind": mapping.table,
            "profile": mapping.profile,
            "mapping": json.dumps(mapping.header_map(), ensure_ascii=False),
            "read": result.rows_read,
            "loaded": result.rows_loaded,
            "new": result.rows_new,
            "replaced": result.rows_replaced,
            "rejected": result.rows_rejected,
            "skipped": result.rows_skipped,
            "date_from": result.period[0],
            "date_to": result.period[1],
            **_reconciliation_values(result),
        },
    )
    # The store keeps where and why. A value is kept only where it is one cell of a known
    # column (an unreadable date, amount, card number); a whole line's text (column_name is
    # null: the reader could not split it) stays out, it may hold a name and a phone.
    con.execute(
        "insert into rejects select $batch_id, row_number, column_name, "
        "case when column_name is not null then value end, reason, severity from issues",
        {"batch_id": result.batch_id},
    )


def _reconciliation_values(result: LoadResult) -> dict[str, object]:
    r = result.reconciliation
    names = ("file_total", "total_source", "loaded_total", "rejected_total", "rejected_unread")
    return {n: None if r is None else getattr(r, n) for n in names}


def _as_date(v: object) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


# --- files and folders -------------------------------------------------------------------------


def ingest_paths(
    db_path: Path,
    paths: Iterable[Path],
    profiles: list[Profile] | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> list[LoadResult]:
    """Load files (folders are walked) one transaction each. A file that fails is reported in
    its result; the others still load."""
    files = expand_paths(paths)
    salt = load_or_create_salt(db_path)
    results: list[LoadResult] = []
    con = store.connect(db_path, on_wait=on_wait)
    try:
        for f in files:
            # One --profile applies to every file; several are offered to each file by headers.
            given = profiles or []
            forced = given[0] if len(given) == 1 else None
            try:
                results.append(ingest_file(con, f, salt, forced, offered=given))
            except LoadError as exc:
                results.append(LoadResult(file=f.name, error=message_of(exc)))
    finally:
        con.close()
    return results


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(
                sorted(f for f in p.iterdir()
                       if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            out.append(p)
    return out
