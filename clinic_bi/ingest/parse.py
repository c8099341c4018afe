"""From the temp table `raw` (readers.py) to the temp tables a load writes from, all of them in
the connection, none in the store:

    raw → staged (view: the spec's columns under canonical names, text; absent ones NULL)
        → parsed (queries/ingest/<table>.sql: typed values, `_issues`, `_is_total`, `_ok`)
        → issues (one row per reason: the parser's, the reader's unsplit lines, repeated ids)

and what the load's result says of them: the counts, the notes (a header given twice, CRM stages
without a meaning), the first reasons and the rejected rows as they stood in the file. drop_raw
and drop_temp drop it all again.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from clinic_bi.ingest.mapping import Mapping, normalise_header
from clinic_bi.ingest.readers import RawFile, ReadIssue
from clinic_bi.ingest.results import MAX_REASONS, Issue, LoadResult
from clinic_bi.ingest.statements import bind
from clinic_bi.ingest.values import value_map_rows
from clinic_bi.paths import read_query
from clinic_bi.tables import TABLE_SPECS


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(read_query("ingest", "_macros.sql"))


def parse_file(
    con: duckdb.DuckDBPyConnection,
    result: LoadResult,
    raw: RawFile,
    mapping: Mapping,
    salt: str,
    today: date | None,
    keep_rejected: bool,
) -> None:
    """Temp tables `parsed` and `issues` of the file read into `raw`, and the result's counts,
    notes, first reasons and (keep_rejected) rejected rows."""
    table = mapping.table
    _parse_rows(con, raw, mapping, salt, today)
    result.rows_skipped, result.rows_rejected, result.warnings = _count_rows(con)
    result.rows_read = raw.rows - result.rows_skipped
    _collect_issues(con)
    if raw.read_issues:
        _add_read_issues(con, raw.read_issues)
        result.rows_rejected += len(raw.read_issues)
        result.rows_read += len(raw.read_issues)
    result.rows_rejected += _add_duplicate_ids(con, table)
    result.notes.extend(_unmapped_words(con, table))
    result.issues = _first_issues(con)
    if keep_rejected and result.rows_rejected:
        result.rejected_rows = _rejected_rows(con, raw)


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


def _parse_rows(
    con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: Mapping, salt: str, today: date | None
) -> None:
    """Temp table `parsed`: the staged rows through queries/ingest/<table>.sql."""
    _stage(con, raw, mapping)
    _load_value_map(con, mapping)
    params = {"salt": salt, "date_format": mapping.date_format, "today": today or date.today()}
    sql = read_query("ingest", mapping.table + ".sql")
    # A row loads when none of its issues rejects it (warnings leave it loadable).
    con.execute(
        "create or replace temp table parsed as select *, "
        "len(list_filter(_issues, lambda x: x.severity = 'rejected')) = 0 as _ok from ("
        + sql + ")",
        bind(sql, params),
    )


def _count_rows(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """Total rows skipped, rows rejected, rows loaded with a warning."""
    return con.execute(
        "select count(*) filter (where _is_total), "
        "count(*) filter (where not _is_total and not _ok), "
        "count(*) filter (where not _is_total and _ok and len(_issues) > 0) from parsed"
    ).fetchone()


def _collect_issues(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "create or replace temp table issues as "
        "select _row as row_number, i.column_name, i.value, i.reason, i.severity "
        "from (select _row, unnest(_issues) as i from parsed where not _is_total)"
    )


def _add_read_issues(con: duckdb.DuckDBPyConnection, read_issues: list[ReadIssue]) -> None:
    # A line the reader could not split has no column: its value is the line's text, which
    # holds whatever the line holds (a patient's name and phone). It is shown to the user
    # (the result, the download) but never written to the store: see loader._record_batch.
    _add_issues(con, [(i.row, None, i.text, i.reason, "rejected") for i in read_issues])


def _add_duplicate_ids(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """A row whose id an earlier row of the file has is rejected; returns how many were."""
    id_col = TABLE_SPECS[table].id_column
    if id_col is None:
        return 0
    dups = con.execute(read_query("ingest", "duplicate_ids.sql")).fetchall()
    if dups:
        _add_issues(con, [
            (r, id_col, v, f"тот же номер, что в строке {k}: загружена строка {k}", "rejected")
            for r, v, k in dups
        ])
    return len(dups)


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


def _first_issues(con: duckdb.DuckDBPyConnection) -> list[Issue]:
    return [
        Issue(*r)
        for r in con.execute(
            "select * from issues order by severity desc, row_number limit $n", {"n": MAX_REASONS}
        ).fetchall()
    ]


def duplicate_headers(headers: list[str], mapping: Mapping) -> list[str]:
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


def drop_raw(con: duckdb.DuckDBPyConnection) -> None:
    """The file's text: the views over it and the reader's tables (readers.py)."""
    for view in ("staged", "raw"):
        con.execute("drop view if exists " + view)
    for t in ("raw_table", "raw_numbered", "row_shifts"):
        con.execute("drop table if exists " + t)
    con.unregister("raw_arrow")  # a workbook's rows (readers._read_sheet)


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Every temp table of a load."""
    drop_raw(con)
    for t in ("parsed", "issues", "value_map"):
        con.execute("drop table if exists " + t)
