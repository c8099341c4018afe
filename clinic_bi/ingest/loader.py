"""Loading an export into the store, and removing an upload again.

    file bytes → readers.read_raw (temp `raw`) → mapping (profile or detection) → temp `staged`
    (canonical names, text) → queries/ingest/<table>.sql (temp `parsed`: types, issues)
    → keys → one transaction: journal row, upsert, rejects, data version.

Everything before the transaction happens in temp tables of the connection, so a failure at any
point leaves the store as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from clinic_bi import store
from clinic_bi.ingest.mapping import (
    Mapping,
    MappingError,
    Profile,
    builtin_profiles,
    detect,
    found_headers,
    missing_required,
    normalise_header,
)
from clinic_bi.ingest.readers import RawFile, ReadError, file_error, file_sha256, read_raw
from clinic_bi.ingest.values import value_map_rows
from clinic_bi.paths import read_query
from clinic_bi.store.salt import load_or_create_salt
from clinic_bi.tables import TABLE_SPECS

SUPPORTED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods", ".htm", ".html"}
MAX_REASONS = 20


class LoadError(Exception):
    """A file that could not be loaded at all (nothing of it was written)."""


@dataclass(frozen=True)
class Issue:
    row: int
    column: str | None
    value: str | None
    reason: str
    severity: str  # 'rejected' | 'warning'


@dataclass
class LoadResult:
    file: str
    kind: str | None = None
    batch_id: int | None = None
    fmt: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    profile: str | None = None
    rows_read: int = 0
    rows_new: int = 0
    rows_replaced: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    warnings: int = 0
    issues: list[Issue] = field(default_factory=list)  # the first MAX_REASONS
    notes: list[str] = field(default_factory=list)
    period: tuple[date | None, date | None] = (None, None)
    rejected_rows: pd.DataFrame | None = None  # the rejected rows as they were in the file
    error: str | None = None
    duplicate_of: int | None = None  # the same file was already loaded as this batch

    @property
    def rows_loaded(self) -> int:
        return self.rows_new + self.rows_replaced

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "kind": self.kind,
            "batch_id": self.batch_id,
            "format": self.fmt,
            "profile": self.profile,
            "mapping": self.mapping,
            "ignored_columns": self.ignored_columns,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_new": self.rows_new,
            "rows_replaced": self.rows_replaced,
            "rows_rejected": self.rows_rejected,
            "rows_skipped": self.rows_skipped,
            "warnings": self.warnings,
            "issues": [i.__dict__ for i in self.issues],
            "notes": self.notes,
            "period": [d.isoformat() if d else None for d in self.period],
            "error": self.error,
            "duplicate_of": self.duplicate_of,
        }


def _table_sql(name: str, table: str) -> list[str]:
    """A store statement template for one canonical table. The table name is spliced in, but it
    is only ever one of store.TABLES (checked here): values are always bound parameters."""
    if table not in store.TABLES:
        raise ValueError(f"not a canonical table: {table!r}")
    text = read_query("store", name).replace("{table}", table)
    return [s for s in (_strip_comments(p) for p in text.split(";\n")) if s]


def _strip_comments(sql: str) -> str:
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return "\n".join(lines).strip().rstrip(";")


def _bind(sql: str, params: dict) -> dict:
    """Only the parameters the statement names (DuckDB refuses extra ones)."""
    return {k: v for k, v in params.items() if "$" + k in sql}


def _install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(read_query("ingest", "_macros.sql"))


# --- choosing the mapping ----------------------------------------------------------------------


def saved_profiles(con: duckdb.DuckDBPyConnection) -> list[Profile]:
    rows = con.execute("select body from profiles order by saved_at desc").fetchall()
    return [Profile.from_dict(json.loads(r[0])) for r in rows]


def save_profile(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    con.execute(
        "insert or replace into profiles values ($name, $kind, $body, now())",
        {
            "name": profile.name,
            "kind": profile.table,
            "body": json.dumps(profile.to_dict(), ensure_ascii=False),
        },
    )


def choose_mapping(
    raw: RawFile,
    profile: Profile | None,
    offered: list[Profile] | None = None,
    remembered: list[Profile] | None = None,
) -> Mapping:
    """A given profile wins; else one of the offered profiles (--profile given several times),
    a remembered one (saved in the store) or a shipped one whose headers the file has (the one
    naming most columns); else recognition from the headers."""
    if profile is not None:
        return profile.apply(raw.headers, raw.sample)
    for group in (offered or [], (remembered or []) + builtin_profiles()):
        candidates = [p for p in group if p.matches(raw.headers)]
        if candidates:
            return max(candidates, key=lambda p: len(p.columns)).apply(raw.headers, raw.sample)
    return detect(raw.headers, raw.sample, raw.path.name)



@dataclass
class Preview:
    """What the app shows before a load: how the file was read and mapped, and its first rows."""

    file: str
    fmt: str
    headers: list[str]
    sample: list[list[str]]
    rows: int
    mapping: Mapping | None
    missing: list[str]
    error: str | None = None


def preview(path: Path, remembered: list[Profile] | None = None,
            profile: Profile | None = None) -> Preview:
    """Read a file and decide its mapping without touching any store (an in-memory DuckDB)."""
    path = Path(path)
    con = duckdb.connect(":memory:", config=store.duckdb_config())
    try:
        try:
            raw = read_raw(con, path,
                           skip_rows=profile.skip_rows if profile else None)
        except ReadError as exc:
            return Preview(path.name, "", [], [], 0, None, [], error=str(exc))
        try:
            mapping = choose_mapping(raw, profile, None, remembered)
        except MappingError as exc:
            return Preview(path.name, raw.describe(), raw.headers, raw.sample, raw.rows, None, [],
                           error=f"{path.name}: {exc}")
        return Preview(path.name, raw.describe(), raw.headers, raw.sample, raw.rows, mapping,
                       missing_required(mapping))
    finally:
        con.close()


def _stage(con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: Mapping) -> None:
    """Temp view `staged`: every column of the table's spec under its canonical name (text),
    absent ones NULL, plus `_row` and `_first_cells`, the row's first filled cell (total rows)."""
    spec = TABLE_SPECS[mapping.table]
    by_name = {canonical: pos for pos, canonical in mapping.columns.items()}
    width = len(con.table("raw").columns) - 1
    exprs = [duckdb.ColumnExpression("_row")]
    cells = [duckdb.ColumnExpression(f"c{i}") for i in range(width)]
    exprs.append(duckdb.CoalesceOperator(*cells).alias("_first_cells"))
    for col in spec.columns:
        pos = by_name.get(col.name)
        if pos is not None and pos < width:
            exprs.append(duckdb.ColumnExpression(f"c{pos}").alias(col.name))
        else:
            exprs.append(duckdb.ConstantExpression(None).cast(duckdb.sqltype("VARCHAR"))
                         .alias(col.name))
    con.table("raw").project(*exprs).create_view("staged", replace=True)


def _load_value_map(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    rows = value_map_rows(mapping.values)
    frame = pd.DataFrame(rows, columns=["field", "word", "canonical", "priority"])
    con.register("value_map_in", frame)
    try:
        con.execute(
            "create or replace temp table value_map as "
            "select field, norm_word(word) as word, canonical from value_map_in "
            "qualify row_number() over (partition by field, norm_word(word) "
            "order by priority desc) = 1"
        )
    finally:
        con.unregister("value_map_in")


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
            _drop_temp(con)
        print(f"clinic_bi: {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        space = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
        raise LoadError(
            f"{path.name}: файл не загружен, хранилище не изменилось: "
            + ("на диске кончилось место. Освободите место и загрузите файл снова."
               if space else
               "при записи строк произошёл сбой. Загрузите файл ещё раз; если повторится, "
               "сохраните отчёт заново как XLSX или CSV в UTF-8.")
        ) from exc


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
    _install_macros(con)
    try:
        raw = read_raw(con, path, skip_rows=profile.skip_rows if profile else None)
        sha, size = file_sha256(path), path.stat().st_size
        mapping = choose_mapping(raw, profile, offered, saved_profiles(con))
    except OSError as exc:
        raise LoadError(str(file_error(path, exc))) from exc
    except ReadError as exc:
        raise LoadError(str(exc)) from exc
    except MappingError as exc:
        raise LoadError(f"{path.name}: {exc}") from exc
    missing = missing_required(mapping)
    if missing:
        raise LoadError(
            f"{path.name}: в файле нет обязательных столбцов для «{mapping.table}»: "
            f"{', '.join(missing)}. Найдены: {found_headers(raw.headers)}."
        )
    table = mapping.table
    result.kind, result.fmt, result.profile = table, raw.describe(), mapping.profile
    result.mapping = mapping.header_map()
    result.ignored_columns = mapping.ignored
    result.notes.extend(_duplicate_headers(raw.headers, mapping))
    if raw.rows == 0 and raw.read_issues:
        # every data line was dropped by the reader: say which and why, not "no data"
        lines = ", ".join(str(i.row) for i in raw.read_issues[:5])
        more = "…" if len(raw.read_issues) > 5 else ""
        raise LoadError(
            f"{path.name}: ни одна строка данных не прочитана — строки {lines}{more} отброшены: "
            f"{raw.read_issues[0].reason}."
        )
    if raw.rows == 0:
        raise LoadError(f"{path.name}: после заголовка нет ни одной строки данных.")

    same = _same_upload(con, sha, mapping)
    if same is not None:
        # The very file, read the same way, is already in the store: loading it again could
        # only undo later corrections. Say so and leave the store alone.
        batch_id, loaded_at = same
        result.duplicate_of = batch_id
        result.rows_read = raw.rows
        result.notes.append(
            f"Этот файл уже загружен {loaded_at:%d.%m.%Y %H:%M} (загрузка № {batch_id}) с тем же "
            "сопоставлением столбцов: пропущен, ничего не изменилось."
        )
        _drop_temp(con)
        return result

    _stage(con, raw, mapping)
    _load_value_map(con, mapping)
    params = {"salt": salt, "date_format": mapping.date_format, "today": today or date.today()}
    sql = read_query("ingest", table + ".sql")
    # A row loads when none of its issues rejects it (warnings leave it loadable).
    con.execute(
        "create or replace temp table parsed as select *, "
        "len(list_filter(_issues, lambda x: x.severity = 'rejected')) = 0 as _ok from ("
        + sql + ")",
        _bind(sql, params),
    )

    counts = con.execute(
        "select count(*) filter (where _is_total), "
        "count(*) filter (where not _is_total and not _ok), "
        "count(*) filter (where not _is_total and _ok and len(_issues) > 0) from parsed"
    ).fetchone()
    result.rows_skipped, result.rows_rejected, result.warnings = counts
    result.rows_read = raw.rows - result.rows_skipped

    con.execute(
        "create or replace temp table issues as "
        "select _row as row_number, i.column_name, i.value, i.reason, i.severity "
        "from (select _row, unnest(_issues) as i from parsed where not _is_total)"
    )
    if raw.read_issues:
        # A line the reader could not split has no column: its value is the line's text, which
        # holds whatever the line holds (a patient's name and phone). It is shown to the user
        # (the result, the download) but never written to the store: see _write.
        _add_issues(con, [(i.row, None, i.text, i.reason, "rejected") for i in raw.read_issues])
        result.rows_rejected += len(raw.read_issues)
        result.rows_read += len(raw.read_issues)
    id_col = TABLE_SPECS[table].id_column
    if id_col is not None:
        dups = con.execute(read_query("ingest", "duplicate_ids.sql")).fetchall()
        if dups:
            _add_issues(con, [
                (r, id_col, v, f"тот же номер, что в строке {k}: загружена строка {k}", "rejected")
                for r, v, k in dups
            ])
            result.rows_rejected += len(dups)

    result.notes.extend(_unmapped_words(con, table))
    result.issues = [
        Issue(*r)
        for r in con.execute(
            "select * from issues order by severity desc, row_number limit $n", {"n": MAX_REASONS}
        ).fetchall()
    ]
    if keep_rejected and result.rows_rejected:
        result.rejected_rows = _rejected_rows(con, raw)

    # The file's text is not needed any more (rejected rows are taken): free it before the write,
    # when `parsed` and the insert's buffers are held too.
    _drop_raw(con)
    _write(con, result, raw, mapping, sha, size)
    _drop_temp(con)
    return result


def _add_issues(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    cols = list(zip(*rows, strict=True))
    frame = pa.table({
        "row_number": pa.array(cols[0], pa.int32()),
        "column_name": pa.array(cols[1], pa.string()),
        "value": pa.array(cols[2], pa.string()),
        "reason": pa.array(cols[3], pa.string()),
        "severity": pa.array(cols[4], pa.string()),
    })
    con.register("more_issues", frame)
    try:
        con.execute("insert into issues select * from more_issues")
    finally:
        con.unregister("more_issues")


def _same_upload(con: duckdb.DuckDBPyConnection, sha: str, mapping: Mapping
                 ) -> tuple[int, datetime] | None:
    rows = con.execute(
        "select batch_id, loaded_at from batches where file_sha256 = $sha and kind = $kind "
        "and mapping = cast($mapping as json) order by batch_id desc limit 1",
        {"sha": sha, "kind": mapping.table,
         "mapping": json.dumps(mapping.header_map(), ensure_ascii=False)},
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def _drop_raw(con: duckdb.DuckDBPyConnection) -> None:
    for view in ("staged", "raw"):
        con.execute("drop view if exists " + view)
    for t in ("raw_table", "raw_numbered", "row_shifts"):
        con.execute("drop table if exists " + t)
    con.unregister("raw_arrow")  # a workbook's rows (readers._read_rows)


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    _drop_raw(con)
    for t in ("parsed", "issues", "value_map"):
        con.execute("drop table if exists " + t)


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
                _table_sql("insert_batch.sql", table)[0] + " (" + key_sql + ")",
                {"batch_id": batch_id},
            ).fetchone()[0]
            move, delete = _table_sql("upsert.sql", table)
            replaced = con.execute(move, {"batch_id": batch_id}).fetchone()[0]
            if replaced:
                con.execute(delete, {"batch_id": batch_id})
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
            result.period = tuple(_as_date(d) for d in period)  # type: ignore[assignment]
            result.batch_id = batch_id
            result.rows_replaced = replaced
            result.rows_new = loaded - replaced
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
        "$date_from, $date_to)",
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


def _as_date(v: object) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


def _duplicate_headers(headers: list[str], mapping: Mapping) -> list[str]:
    """A header that appears twice: say which of the two columns was used."""
    notes = []
    seen: dict[str, int] = {}
    for pos, h in enumerate(headers):
        key = normalise_header(h)
        if not key:
            continue
        if key in seen:
            first = seen[key]
            used = first if first in mapping.columns else (pos if pos in mapping.columns else None)
            which = f"использован столбец № {used + 1}" if used is not None else "не использован"
            notes.append(f"Столбец «{h.strip()}» встречается в заголовке дважды (№ {first + 1} и "
                         f"№ {pos + 1}): {which}. Проверьте выгрузку.")
        else:
            seen[key] = pos
    return notes


def _unmapped_words(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    if table != "leads":
        return []
    rows = con.execute(
        "select stage_raw, count(*) from parsed where _ok and not _is_total and stage is null "
        "and stage_raw is not null group by 1 order by 2 desc limit 10"
    ).fetchall()
    if not rows:
        return []
    words = ", ".join(f"«{w}» ({n})" for w, n in rows)
    return [
        f"Стадии CRM без соответствия: {words}. Строки загружены, но в воронке эти лиды "
        "считаются только по записям и визитам. Укажите их в профиле (values.stage: new, "
        "booked, visited, contracted или lost)."
    ]


def _rejected_rows(con: duckdb.DuckDBPyConnection, raw: RawFile) -> pd.DataFrame:
    """The rejected rows as they stood in the file (all columns), with the reasons."""
    frame = con.execute(
        "select r.*, x.reasons from raw as r join ("
        "  select row_number, string_agg(coalesce(column_name || ': ', '') || reason, '; ' "
        "  order by column_name) as reasons from issues where severity = 'rejected' group by 1"
        ") as x on x.row_number = r._row order by r._row"
    ).df()
    names = {f"c{i}": (h or f"столбец {i + 1}") for i, h in enumerate(raw.headers)}
    frame = frame.rename(columns={**names, "_row": "Строка файла", "reasons": "Причина"})
    extra = [c for c in frame.columns if c.startswith("c") and c[1:].isdigit()]
    frame = frame.drop(columns=extra)
    if raw.read_issues:
        # lines the reader could not split into fields: the line as it stood in the file
        unread = pd.DataFrame({
            "Строка файла": [i.row for i in raw.read_issues],
            "Причина": [i.reason for i in raw.read_issues],
            "Исходная строка": [i.text for i in raw.read_issues],
        })
        frame = pd.concat([frame, unread], ignore_index=True).sort_values("Строка файла")
    return frame.reset_index(drop=True)


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
                results.append(LoadResult(file=f.name, error=str(exc)))
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


# --- the journal and removal -------------------------------------------------------------------


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "select batch_id, loaded_at, file_name, kind, rows_loaded, rows_new, rows_replaced, "
        "rows_rejected, rows_skipped, period_from, period_to, profile, file_sha256 "
        "from batches order by batch_id"
    ).df()


def remove_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> str:
    """Undo one upload in one transaction. Returns the kind it was; raises LoadError if there
    is no such upload."""
    row = con.execute(
        "select kind, file_name from batches where batch_id = $b", {"b": batch_id}
    ).fetchone()
    if row is None:
        raise LoadError(f"Загрузки с номером {batch_id} нет. Список: python -m clinic_bi batches.")
    kind = row[0]
    with store.transaction(con):
        for stmt in _table_sql("remove.sql", kind):
            con.execute(stmt, _bind(stmt, {"batch_id": batch_id}))
        con.execute("delete from rejects where batch_id = $b", {"b": batch_id})
        con.execute("delete from batches where batch_id = $b", {"b": batch_id})
        store.bump_data_version(con)
    return kind
