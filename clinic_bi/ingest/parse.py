"""From the temp table `raw` (readers.py) to the temp tables a load writes from, all of them in
the connection, none in the store:

    raw → staged (view: the spec's columns under canonical names, text; absent ones NULL)
        → parsed (queries/ingest/<table>.sql: typed values, `_issues`, `_is_total`, `_ok`)
        → issues (one row per reason: the parser's, the reader's unsplit lines, repeated ids)

and what the load's result says of them: the counts, the notes (a header given twice, CRM stages
without a meaning, cells read by a rule: queries/ingest/notes.sql), the first reasons and the
rejected rows as they stood in the file. drop_raw and drop_temp drop it all again.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from clinic_bi.ingest import groups
from clinic_bi.ingest.mapping import JOINED, Mapping, normalise_header
from clinic_bi.ingest.messages import NOTE_ORDER, Text, localized, reason
from clinic_bi.ingest.readers import RawFile, ReadIssue
from clinic_bi.ingest.reconcile import reconcile
from clinic_bi.ingest.results import MAX_REASONS, Issue, LoadResult
from clinic_bi.ingest.values import value_map_rows
from clinic_bi.paths import read_query
from clinic_bi.store.statements import bind
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
    grouped = groups.find_groups(con, mapping)  # group header rows: read by _stage
    _parse_rows(con, raw, mapping, salt, today)
    result.rows_skipped, result.rows_rejected, result.warnings = _count_rows(con)
    result.rows_read = raw.rows - result.rows_skipped
    _collect_issues(con)
    if raw.read_issues:
        _add_read_issues(con, raw.read_issues)
        result.rows_rejected += len(raw.read_issues)
        result.rows_read += len(raw.read_issues)
    result.rows_rejected += _add_duplicate_ids(con, table)
    result.reconciliation = reconcile(con, table)
    result.notes.extend(groups.notes(grouped))
    result.notes.extend(_unmapped_words(con, table))
    result.notes.extend(_counted_notes(con))
    result.issues = _first_issues(con)
    if keep_rejected and result.rows_rejected:
        result.rejected_rows = _rejected_rows(con, raw)
    # `staged` reads `group_source`: dropped after its last reader (reconcile); `parsed` holds
    # what the groups gave
    groups.drop(con)


def _stage(con: duckdb.DuckDBPyConnection, raw: RawFile, mapping: Mapping) -> None:
    """Temp view `staged`: every column of the table's spec under its canonical name (text),
    absent ones NULL, plus `_row` and `_first_cells`, the row's first filled cell (total rows;
    a cell of spaces alone is not filled). In a grouped report (groups.py) a line's doctor,
    department and branch come from its group where its own cell is empty, and a group header
    row has no first cell (skipped, as a blank row)."""
    spec = TABLE_SPECS[mapping.table]
    sources = mapping.sources()
    width = len(con.table("raw").columns) - 1
    source, grouped = groups.source(con)
    exprs = [duckdb.ColumnExpression("_row")]
    first = _first_filled(width)
    exprs.append((groups.first_cell(first) if grouped else first).alias("_first_cells"))
    for col in spec.columns:
        parts = [duckdb.ColumnExpression(f"c{p}") for p in sources.get(col.name, []) if p < width]
        if grouped and col.name in groups.KINDS:
            exprs.append(groups.carried(col.name, parts[0] if parts else None).alias(col.name))
        elif not parts:
            exprs.append(_NULL_TEXT.alias(col.name))
        elif len(parts) == 1:
            exprs.append(parts[0].alias(col.name))
        elif col.name in JOINED:  # a contact's phones: one cell, split again by phone_parts
            joined = duckdb.FunctionExpression("concat_ws", duckdb.ConstantExpression(", "), *parts)
            exprs.append(duckdb.FunctionExpression("nullif", joined, duckdb.ConstantExpression(""))
                         .alias(col.name))
        else:
            exprs.append(_summed_text(parts).alias(col.name))
    source.project(*exprs).create_view("staged", replace=True)


_NULL_TEXT = duckdb.ConstantExpression(None).cast(duckdb.sqltype("VARCHAR"))


def _first_filled(width: int) -> duckdb.Expression:
    """The row's first filled cell: a cell of spaces alone is not filled, so a row whose first
    cell is a space is read by its next one, not skipped as blank. Most rows' first cell starts
    from '!' up and is taken by a string comparison; the others' cells are trimmed, in a lambda
    (one expression to plan, run only on those rows)."""
    fn, const = duckdb.FunctionExpression, duckdb.ConstantExpression
    cells = [duckdb.ColumnExpression(f"c{i}") for i in range(width)]
    not_spaces = duckdb.LambdaExpression(
        "x", fn("trim", duckdb.ColumnExpression("x")) != const(""))
    rest = fn("list_extract", fn("list_filter", fn("list_value", *cells), not_spaces), const(1))
    return duckdb.CaseExpression(cells[0] >= const("!"), cells[0]).otherwise(rest)


def _summed_text(parts: list[duckdb.Expression]) -> duckdb.Expression:
    """One money cell from the columns it is split in (mapping.SUMMED: cash + card), as text
    that queries/ingest/<table>.sql reads as it reads any cell of the column:
    - a filled part it cannot read: that part's text, so the column gets its usual issue with
      the value, and no value (never the sum of the parts that could be read);
    - else, with a part filled: the sum of the filled parts, an empty part or a dash being 0;
    - else a dash, when a part holds one (read as 0, as in one column), or NULL.
    Uses the parse's macros (_macros.sql: clean_text, is_dash, parse_money): one reading of a
    money cell."""
    fn, false = duckdb.FunctionExpression, duckdb.ConstantExpression(False)
    zero = duckdb.ConstantExpression(0).cast(duckdb.sqltype("DECIMAL(18, 2)"))
    dash = [duckdb.CoalesceOperator(fn("is_dash", p), false) for p in parts]
    filled = [fn("clean_text", p).isnotnull() & ~d for p, d in zip(parts, dash, strict=True)]
    money = [fn("parse_money", p) for p in parts]
    total = zero
    for f, m in zip(filled, money, strict=True):
        total = total + duckdb.CaseExpression(f, m).otherwise(zero)
    case = None
    for p, f, m in zip(parts, filled, money, strict=True):
        unreadable = f & m.isnull()
        case = duckdb.CaseExpression(unreadable, p) if case is None else case.when(unreadable, p)
    any_filled = filled[0]
    for f in filled[1:]:
        any_filled = any_filled | f
    first_dash = duckdb.CoalesceOperator(
        *[duckdb.CaseExpression(d, p).otherwise(_NULL_TEXT) for p, d in zip(parts, dash, strict=True)]
    )
    return case.when(any_filled, total.cast(duckdb.sqltype("VARCHAR"))).otherwise(first_dash)


def _load_value_map(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """Temp table `value_map`: the default words, the profile's (they win) and the clinic's own
    choices of the Данные page (they win over both: store table word_choices)."""
    rows = value_map_rows(mapping.values)
    rows += con.execute(
        "select field, word, canonical, 2 from word_choices where field in ('stage', 'status')"
    ).fetchall()
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
            (r, id_col, v, f"same_id;row={k}", "rejected")
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
    rows = con.execute(
        "select * from issues order by severity desc, row_number limit $n", {"n": MAX_REASONS}
    ).fetchall()
    return [Issue(row, column, value, reason(code, value), severity)
            for row, column, value, code, severity in rows]


def duplicate_headers(headers: list[str], mapping: Mapping) -> list[Text]:
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
            notes.append(Text("note_header_twice", header=h.strip(), first=first + 1,
                              second=pos + 1, used=None if used is None else used + 1))
        else:
            seen[key] = pos
    return notes


# The words a load keeps for the clinic to map (DATA.md "Words the clinic maps"): per table, the
# column of the word, its mapped column and the note on the rows that carry one (messages.py).
_WORD_COLUMNS = {
    "leads": ("stage_raw", "stage", "note_unmapped_stages"),
    "appointments": ("status_raw", "status", "note_unmapped_statuses"),
}


def _unmapped_words(con: duckdb.DuckDBPyConnection, table: str) -> list[Text]:
    if table not in _WORD_COLUMNS:
        return []
    raw, mapped, note = _WORD_COLUMNS[table]
    # the column names come from _WORD_COLUMNS above, never from input
    rows = con.execute(
        f"select {raw}, count(*) from parsed where _ok and not _is_total and {mapped} is null "
        f"and {raw} is not null group by 1 order by 2 desc, 1 limit 10"
    ).fetchall()
    if not rows:
        return []
    return [Text(note, words=[(w, n) for w, n in rows])]


def _counted_notes(con: duckdb.DuckDBPyConnection) -> list[Text]:
    """Cells of the loaded rows read by a rule rather than as written (an amount computed from
    the price, a dash read as 0): one sentence per rule, with its count (queries/ingest/notes.sql
    counts the `_notes` keys of queries/ingest/<table>.sql, messages.py words them)."""
    counted = dict(con.execute(read_query("ingest", "notes.sql")).fetchall())
    order = [k for k in NOTE_ORDER if k in counted] + sorted(set(counted) - set(NOTE_ORDER))
    return [Text("note_" + k, n=counted[k]) for k in order]


def _rejected_rows(con: duckdb.DuckDBPyConnection, raw: RawFile) -> pd.DataFrame:
    """The rejected rows as they stood in the file (all columns), with the reasons: a Text per
    row (rejected_table() gives the frame in English)."""
    frame = con.execute(
        "select r.* from raw as r semi join issues as i "
        "on i.row_number = r._row and i.severity = 'rejected' order by r._row"
    ).df()
    why: dict[int, list[tuple]] = {}
    for row, column, value, code in con.execute(
        "select row_number, column_name, value, reason from issues where severity = 'rejected' "
        "order by row_number, column_name"
    ).fetchall():
        why.setdefault(row, []).append((column, value, code))
    # object, not pandas' str: a Text is kept, to be said in English too (rejected_table)
    frame["reasons"] = pd.Series([Text("reasons", items=why[r]) for r in frame["_row"]],
                                 index=frame.index, dtype=object)
    names = {f"c{i}": (h or f"столбец {i + 1}") for i, h in enumerate(raw.headers)}
    frame = frame.rename(columns={**names, "_row": REJECTED_COLUMNS["row"][0],
                                  "reasons": REJECTED_COLUMNS["reason"][0]})
    extra = [c for c in frame.columns if c.startswith("c") and c[1:].isdigit()]
    frame = frame.drop(columns=extra)
    if raw.read_issues:
        # lines the reader could not split into fields: the line as it stood in the file
        unread = pd.DataFrame({
            REJECTED_COLUMNS["row"][0]: [i.row for i in raw.read_issues],
            REJECTED_COLUMNS["reason"][0]: pd.Series([reason(i.reason) for i in raw.read_issues],
                                                     dtype=object),
            REJECTED_COLUMNS["line"][0]: [i.text for i in raw.read_issues],
        })
        frame = pd.concat([frame, unread], ignore_index=True).sort_values(REJECTED_COLUMNS["row"][0])
    return frame.reset_index(drop=True)


# The rejected rows' own columns (the others are the file's), in both languages.
REJECTED_COLUMNS = {"row": ("Строка файла", "Line"), "reason": ("Причина", "Reason"),
                    "line": ("Исходная строка", "Line as in the file")}


def rejected_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rejected rows of a load (LoadResult.rejected_rows) in `lang`: its own columns' names
    and the reasons; the file's columns and cells as they are."""
    if lang == "ru":
        return frame
    reason_ru, reason_en = REJECTED_COLUMNS["reason"]
    out = frame.rename(columns=dict(REJECTED_COLUMNS.values()))  # Russian name -> English
    out[reason_en] = [localized(x, lang) for x in frame[reason_ru]]
    return out


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
