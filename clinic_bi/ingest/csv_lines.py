"""A CSV as DuckDB's reader takes it: the lines it rejects and the files it refuses, in the
user's words, and the line of the file each row of `raw` starts on.

DuckDB's reader numbers records, not lines: a value with line breaks inside quotes (a review's
text over three lines) is one record over three lines, and a blank line is no record at all (its
rejects count blank lines but not the line breaks inside quotes). Numbering the rows as "first
data line + position" is right only when every record is one line. `number_rows` checks that by
counting the file's lines (~5 ms for 100 MB, as against seconds for the load) and only when they
differ reads the file once more with Python's csv module, for the line each record starts on.

That reading also catches what DuckDB's single-threaded reader (parallel=false, which quoted line
breaks need) gets wrong without a word: a quote opened and never closed swallows the rest of the
file into one value, which that reader cuts off and loads as an empty cell. The record is
rejected here instead, with the lines it swallowed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from clinic_bi.ingest.messages import Text
from clinic_bi.ingest.sheets import MB, ReadError

MAX_LINE_BYTES = 16 * MB  # DuckDB's max_line_size: a longer line is rejected
TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class ReadIssue:
    """A line the CSV reader itself could not take (the row is reported, not loaded)."""

    row: int
    reason: str
    text: str


# --- what the reader says ----------------------------------------------------------------------


def csv_error(path: Path, exc: duckdb.Error) -> ReadError:
    """DuckDB's CSV reader gave up on the file: what the file has and what to do, never the
    reader's own words (they name its options, not the file)."""
    text = str(exc).lower()
    if isinstance(exc, duckdb.OutOfMemoryException) or "out of memory" in text:
        kind = "memory"
    elif "no space left" in text:
        kind = "no_space"
    elif isinstance(exc, duckdb.IOException):
        kind = "gone"
    elif quoted_newlines(exc):
        kind = "quoted_newlines"
    elif "line size" in text:
        kind = "line_size"
    elif "unicode" in text or "encoding" in text:
        kind = "encodings"
    else:
        kind = "other"
    # worded in clinic_bi/ingest/messages.py ("refusal_csv")
    return ReadError(Text("refusal_csv", file=path.name, kind=kind, mb=MAX_LINE_BYTES // MB))


def quoted_newlines(exc: duckdb.Error) -> bool:
    """DuckDB's parallel reader refusing values with line breaks inside quotes (with
    null_padding): the single-threaded one reads them."""
    text = str(exc).lower()
    return "quoted new lines" in text or "quoted newline" in text


def _reason(kind: str) -> str:
    """The reason code of a line DuckDB's reader rejected (clinic_bi/ingest/messages.py words
    it: "read")."""
    known = ("TOO MANY COLUMNS", "MISSING COLUMNS", "UNQUOTED VALUE", "INVALID ENCODING",
             "LINE SIZE OVER MAXIMUM")
    return f"read;kind={kind if kind in known else ''};mb={MAX_LINE_BYTES // MB}"


def reject_issues(con: duckdb.DuckDBPyConnection) -> list[ReadIssue]:
    """The lines DuckDB's reader rejected, one issue per line: where a line has several errors
    (an open quote makes too many fields too), the quote or the encoding is the one named."""
    rows = con.execute(
        "select line, arg_min(error_type, case error_type when 'UNQUOTED VALUE' then 1 "
        "when 'INVALID ENCODING' then 2 when 'LINE SIZE OVER MAXIMUM' then 3 else 4 end), "
        "min(csv_line) from csv_rejects group by line order by line"
    ).fetchall()
    con.execute("drop table if exists csv_rejects")
    con.execute("drop table if exists csv_reject_scans")
    return [ReadIssue(int(line), _reason(kind), (text or "").strip("\r\n")[:200])
            for line, kind, text in rows]  # fmt: skip


# --- the line each row starts on ------------------------------------------------------------


@dataclass(frozen=True)
class _Records:
    """The records after the skipped lines, as Python's csv module splits the file."""

    starts: list[int]  # the line each non-blank record starts on
    ends: list[int]  # the line it ends on
    duck: list[int]  # the line number DuckDB's reader gives it (blank lines counted, breaks in
    # quotes not)
    unclosed: int | None  # the index of a record whose quote is still open at the end of the file


def count_lines(path: Path) -> int:
    """The file's lines up to its last one that is not blank (the end of a file often has a
    blank line or two, which no reader counts as a record). Read into one reused 8 MB buffer:
    ~0.06 s for 120 MB (fresh 1 MB chunks and a joined tail took 0.1 s)."""
    newlines = 0
    buf = bytearray(8 * 1024 * 1024)
    view = memoryview(buf)
    before = last = b""
    with path.open("rb", buffering=0) as fh:
        while k := fh.readinto(buf):
            newlines += buf.count(b"\n", 0, k)
            before, last = last, bytes(view[max(0, k - TAIL_BYTES):k])
    tail = (before + last)[-TAIL_BYTES:]
    body = tail.rstrip(b"\r\n")
    if not body:
        return 0
    return newlines - tail[len(body):].count(b"\n") + 1


def _records(path: Path, delimiter: str, skip: int) -> _Records:
    starts: list[int] = []
    ends: list[int] = []
    duck: list[int] = []
    unclosed = None
    inside = 0  # line breaks inside the records so far
    # newline="\n": lines end at "\n" only, as for DuckDB (a "\r\n" stays whole in the line)
    with path.open(encoding="utf-8", errors="replace", newline="\n") as fh:
        for _ in range(skip):
            fh.readline()
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
        start = skip + 1
        while True:
            try:
                record: list[str] | None = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # a record DuckDB rejects too; it still takes its lines
                record = None
                if "unexpected end of data" in str(exc):
                    unclosed = len(starts)
            end = skip + reader.line_num
            if record != []:  # a blank line: no record
                starts.append(start)
                ends.append(end)
                duck.append(start - inside)
                inside += end - start
            start = end + 1
    return _Records(starts, ends, duck, unclosed)


def number_rows(
    con: duckdb.DuckDBPyConnection,
    csv_path: Path,
    delimiter: str,
    skip: int,
    issues: list[ReadIssue],
    single_threaded: bool,
) -> list[ReadIssue]:
    """View `raw`: `raw_table` with `_row`, the line of the file each row starts on. `skip`:
    the lines before the data (title rows, the header). Returns the reader's issues with the
    lines they start on, plus a quote never closed that DuckDB loaded cut off (which only the
    single-threaded reader does: its file is always read again here, the line count cannot
    tell a last line whose quote never closes)."""
    loaded = con.execute("select count(*) from raw_table").fetchall()[0][0]
    duck_lines = sorted({i.row for i in issues})
    lines = count_lines(csv_path)
    records_read = skip + loaded + len(duck_lines)
    if (not single_threaded and lines == records_read) or lines < records_read:
        # every record is one line: rows and lines differ only by the rejected ones. (Fewer
        # "\n" than records: lines end in "\r" alone, an old Mac's file, which the csv pass
        # below would read as one line.)
        _number_by_records(con, duck_lines, skip + 1)
        return issues
    records = _records(csv_path, delimiter, skip)
    rejected = set(duck_lines)
    kept = [k for k, line in enumerate(records.duck) if line not in rejected]
    if len(kept) != loaded:
        # the two readers split the file differently (a lone "\r" as a line break, say): the
        # record numbering is the best left
        _number_by_records(con, duck_lines, skip + 1)
        return issues
    by_line = {line: k for k, line in enumerate(records.duck)}
    issues = [_at_start(i, records, by_line.get(i.row)) for i in issues]
    if records.unclosed is not None and kept and kept[-1] == records.unclosed:
        # DuckDB's single-threaded reader loaded the record whose quote never closes, cut off
        con.execute("delete from raw_table where rowid = $last", {"last": loaded - 1})
        kept.pop()
        issues.append(_unclosed_issue(csv_path, records, records.unclosed))
    _number_by_lines(con, [records.starts[k] for k in kept])
    return sorted(issues, key=lambda i: i.row)


def _at_start(issue: ReadIssue, records: _Records, k: int | None) -> ReadIssue:
    """The issue at the line its record (the k-th) starts on, and the lines it spans when more
    than one."""
    if k is None:
        return issue
    start, end = records.starts[k], records.ends[k]
    reason = issue.reason if end == start else f"{issue.reason};lines={start}–{end}"
    return replace(issue, row=start, reason=reason)


def _unclosed_issue(csv_path: Path, records: _Records, k: int) -> ReadIssue:
    start, end = records.starts[k], records.ends[k]
    with csv_path.open(encoding="utf-8", errors="replace", newline="\n") as fh:
        for _ in range(start - 1):
            fh.readline()
        text = fh.read(200)
    return ReadIssue(start, f"read_unclosed;start={start};end={end}", text)


def _number_by_records(
    con: duckdb.DuckDBPyConnection, rejected_lines: list[int], first_line: int
) -> None:
    """`raw` when every record is one line: the row's position plus the first data line, plus
    the rejected lines before it (they are missing from raw_table)."""
    if not rejected_lines:
        # a view (no copy): rowid keeps the file's order; a view takes no bound parameter, so the
        # first line is a constant expression
        row = duckdb.ColumnExpression("rowid") + duckdb.ConstantExpression(first_line)
        con.table("raw_table").project(
            duckdb.StarExpression(), row.cast(duckdb.sqltype("INTEGER")).alias("_row")
        ).create_view("raw", replace=True)
        return
    shifts = [line - k for k, line in enumerate(rejected_lines)]
    con.execute("create or replace temp table row_shifts as select unnest($s) as threshold",
                {"s": shifts})
    con.execute(
        "create or replace temp table raw_numbered as "
        "select t.*, cast(t.rowid + $first + (select count(*) from row_shifts s "
        "where s.threshold <= t.rowid + $first) as integer) as _row from raw_table as t",
        {"first": first_line},
    )
    con.execute("create or replace temp view raw as select * from raw_numbered")


def _number_by_lines(con: duckdb.DuckDBPyConnection, lines: list[int]) -> None:
    """`raw` with the line each row starts on, given in raw_table's order."""
    con.register("raw_lines", pa.table({
        "_i": pa.array(range(len(lines)), pa.int64()),
        "_line": pa.array(lines, pa.int32()),
    }))
    try:
        con.execute(
            "create or replace temp table raw_numbered as "
            "select t.*, l._line as _row from raw_table as t "
            "join raw_lines as l on l._i = t.rowid order by t.rowid"
        )
    finally:
        con.unregister("raw_lines")
    con.execute("create or replace temp view raw as select * from raw_numbered")
