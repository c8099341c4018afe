"""Reading an export file into a temporary table `raw` of text columns c0..cN plus `_row`.

Formats: CSV (UTF-8 with or without BOM, UTF-16, Windows-1251; `,` `;` tab `|`; quoted fields;
Bitrix24's trailing `;`), XLSX / XLS / ODS (via python-calamine; title rows above the header,
real date cells) and Bitrix24's "Excel" export, which is an HTML table named `.xls`.
Encoding, delimiter and the header row are detected, never asked. The header row is the row among
the first ones that looks most like a header (most cells that are known column names), with a
second header row under it when that one names the parts of merged cells (header_rows.py).

Longer than 400 lines on purpose: most of it is the CSV reader, whose steps (encoding, delimiter
and header, DuckDB's strict read, single-threaded for values with line breaks inside quotes)
share RawFile and the limits above them; a module of its own would have to import those back
from here while read_raw imports it. What DuckDB's reader rejects or refuses, in the user's
words, and the line each row starts on are in csv_lines.py; workbooks and HTML tables are read
apart, in sheets.py.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import hashlib
import io
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import duckdb
import pyarrow as pa

from clinic_bi.ingest import csv_lines, sheets
from clinic_bi.ingest.csv_lines import (  # noqa: F401 - csv_error is this module's API too
    ReadIssue,
    csv_error,
    number_rows,
    reject_issues,
)
from clinic_bi.ingest.header_rows import find_header as _find_header
from clinic_bi.ingest.header_rows import strip_trailing_empty as _strip_trailing_empty
from clinic_bi.ingest.header_rows import sub_header as _sub_header
from clinic_bi.ingest.messages import Text
from clinic_bi.ingest.sheets import (  # noqa: F401 - ReadError and the limits are this module's API too
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MB,
    SAMPLE_ROWS,
    ReadError,
    unzipped_limit_bytes,
)
from clinic_bi.ingest.sheets import check_width as _check_width_named

SNIFF_BYTES = 256 * 1024
DELIMITERS = (";", ",", "\t", "|")
# a field can be as long as a line DuckDB takes (csv's default: 128 KB): the sniffed text and the
# line numbering (csv_lines.py) read fields with the csv module
csv.field_size_limit(max(csv.field_size_limit(), csv_lines.MAX_LINE_BYTES + 1))


def upload_limit_mb() -> float:
    """The largest file accepted, in MB: $CLINIC_BI_MAX_UPLOAD_MB, default 200."""
    return float(os.environ.get("CLINIC_BI_MAX_UPLOAD_MB", "200"))


def upload_limit_bytes() -> int:
    return int(upload_limit_mb() * MB)


def check_size(path: Path) -> int:
    """The file's size, refusing one over the upload limit before reading it."""
    size = path.stat().st_size
    limit = upload_limit_bytes()
    if size > limit:
        raise ReadError(Text("refusal_too_large", file=path.name, mb=size / MB,
                             limit_mb=limit / MB))
    return size


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass
class RawFile:
    """What was read: the header, a sample of data rows, and how the file was understood.
    The rows themselves are in the connection's temp table `raw` (c0..cN, `_row`)."""

    path: Path
    headers: list[str]
    sample: list[list[str]]
    rows: int
    fmt: str
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int = 1  # 1-based line (or sheet row) of the header
    read_issues: list[ReadIssue] = field(default_factory=list)
    header_rows: int = 1  # 2: a second header row names the parts of merged cells

    def describe(self) -> Text:
        """How the file was read, as a sentence (clinic_bi/ingest/messages.py: "format")."""
        return Text("format", fmt=self.fmt, encoding=self.encoding, delimiter=self.delimiter,
                    header_line=self.header_line, header_rows=self.header_rows)


def sniff_kind(data: bytes) -> str:
    """'html', 'xlsx' (zip: xlsx/ods), 'xls' (OLE2 BIFF) or 'csv', from the first bytes."""
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    probe = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if b"\x00" in probe[:200]:  # UTF-16 text: look at it decoded
        with contextlib.suppress(UnicodeDecodeError):
            probe = head.decode("utf-16").encode("utf-8", "replace").lower().lstrip()
    if probe.startswith((b"<!doctype html", b"<html", b"<meta", b"<table", b"<?xml", b"<head")):
        return "html"
    if b"<table" in probe[:2048]:
        return "html"
    return "csv"


def detect_encoding(data: bytes) -> str:
    """UTF-8 (BOM or valid), UTF-16 (BOM), else Windows-1251: Excel's and 1C's Russian CSV."""
    return detect_file_encoding(io.BytesIO(data))


def detect_file_encoding(stream: BinaryIO) -> str:
    """The same decision over a file read in chunks, so a gigabyte export is never held whole
    (nor decoded into one Python string) just to check that it is UTF-8.

    The first non-ASCII character decides: where it is valid UTF-8 (Russian text), the file is
    UTF-8, even if it is damaged further on (its bad lines are reported by the reader);
    Windows-1251 Cyrillic is not valid UTF-8 there. Only the bytes up to that character are
    read: the whole file is checked by the reader anyway."""
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    chunk = head
    while chunk.isascii():
        chunk = stream.read(16 * 1024 * 1024)
        if not chunk:
            return "utf-8"
    first = _NON_ASCII.search(chunk).start()
    char = chunk[first:first + 4]
    if len(char) < 4:  # the character may go on in the next chunk
        char += stream.read(4 - len(char))
    try:
        # not final: a character cut off after these 4 bytes is not an error
        _, used = codecs.utf_8_decode(char, "strict", False)
    except UnicodeDecodeError as exc:
        used = exc.start  # > 0: a valid character came before the bad byte
    return "utf-8" if used > 0 else "cp1251"


_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _parse_lines(text: str, delimiter: str) -> list[list[str]]:
    """The records of the first lines. Read from the text itself, not from its lines: a value
    with line breaks inside quotes keeps them (and shows that the file has such values)."""
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        for row in reader:
            if reader.line_num > HEADER_SEARCH_ROWS + SAMPLE_ROWS:
                break
            rows.append(row)
    except csv.Error:  # a field cut off by the sniffed text's end: the rows before it count
        pass
    return rows


def _choose_delimiter(text: str) -> tuple[str, list[list[str]], int]:
    """The delimiter under which some row reads most like a header; ties go to the one that
    splits the most lines into the same number of fields."""
    best = None
    for d in DELIMITERS:
        rows = _parse_lines(text, d)
        idx, score = _find_header(rows)
        width = len(rows[idx]) if rows else 0
        consistent = sum(1 for r in rows[idx:] if len(r) == width and width > 1)
        key = (score, consistent, width)
        if best is None or key > best[0]:
            best = (key, d, rows, idx)
    assert best is not None
    return best[1], best[2], best[3]


def file_error(path: Path, exc: OSError) -> ReadError:
    """An operating-system error on opening or reading a file, in the user's words (the
    reasons are worded in messages.py: "refusal_os")."""
    why = {
        errno.ENOENT: "not_found",
        errno.EACCES: "no_access",
        errno.EPERM: "no_access",
        errno.EISDIR: "is_dir",
        errno.ENAMETOOLONG: "long_name",
        errno.ENOSPC: "no_space",
        errno.EMFILE: "too_many_open",
    }.get(exc.errno or 0, "")
    return ReadError(Text("refusal_os", file=path.name, why=why))


def read_raw(
    con: duckdb.DuckDBPyConnection, path: Path, skip_rows: int | None = None
) -> RawFile:
    """Read the file at `path` into temp table `raw` (see _read_raw). Every failure is a
    ReadError in the user's words: an OSError, a DuckDB or any other error never leaves this
    function (its own words go to the server's log)."""
    try:
        return _read_raw(con, path, skip_rows)
    except ReadError:
        raise
    except OSError as exc:
        raise file_error(path, exc) from exc
    except Exception as exc:  # noqa: BLE001 - DuckDB's, pyarrow's, a codec's: never on screen
        print(f"clinic_bi: reading {path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        raise ReadError(Text("refusal_unreadable", file=path.name)) from exc


def _read_raw(
    con: duckdb.DuckDBPyConnection, path: Path, skip_rows: int | None = None
) -> RawFile:
    """Read the file at `path` into temp table `raw`. A CSV is streamed (DuckDB reads it from
    disk); a workbook or an HTML table is read whole by a worker process capped in memory and
    time (clinic_bi/ingest/sheets.py), so no file can take the app down with it."""
    check_size(path)
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if _blank(head):
        raise ReadError(Text("refusal_empty", file=path.name))
    kind = sniff_kind(head)
    if kind == "csv":
        return _read_csv(con, path, head, skip_rows)
    if kind == "html":
        return _read_sheet(con, path, kind, "HTML-таблица (.xls Битрикс24)", skip_rows)
    return _read_sheet(con, path, kind, "Excel", skip_rows)


def _blank(head: bytes) -> bool:
    """Nothing but white space, after a byte-order mark if there is one."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if head.startswith(bom):
            return not head[len(bom):].decode(encoding, "ignore").strip()
    return not head.strip()


# --- CSV -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvLayout:
    """How a CSV's lines split: the delimiter, the header and its line, the fields per line."""

    delimiter: str
    headers: list[str]
    sample: list[list[str]]
    width: int
    header_line: int  # 1-based
    header_rows: int = 1  # 2: a second header line names the parts of merged cells
    # a value of the first lines spans lines inside quotes: DuckDB's parallel reader refuses
    # such a file (with null_padding), the single-threaded one reads it
    multiline: bool = False

    @property
    def skip(self) -> int:
        """The lines before the data: title lines and the header's."""
        return self.header_line + self.header_rows - 1


_ENCODING_LABELS = {"utf-8-sig": "UTF-8 с BOM", "utf-8": "UTF-8", "cp1251": "Windows-1251",
                    "utf-16": "UTF-16"}


def _read_csv(
    con: duckdb.DuckDBPyConnection, path: Path, head_bytes: bytes, skip_rows: int | None
) -> RawFile:
    with path.open("rb") as fh:
        encoding = detect_file_encoding(fh)
    utf8 = encoding in ("utf-8", "utf-8-sig")
    head = _decode_head(path, head_bytes, encoding, utf8)
    layout = _csv_layout(path, head, skip_rows)
    with tempfile.TemporaryDirectory(prefix="clinic_bi_") as tmp:
        if utf8:
            csv_path = path
        else:
            # DuckDB reads UTF-8 only (no network for the encodings extension): re-encode here,
            # in chunks.
            csv_path = Path(tmp) / "decoded.csv"
            _reencode(path, encoding, csv_path)
        parallel = _load_csv(con, path, csv_path, layout)
        read_issues = number_rows(con, csv_path, layout.delimiter, layout.skip,
                                  reject_issues(con), single_threaded=not parallel)
    n = con.execute("select count(*) from raw").fetchall()[0][0]
    label = _ENCODING_LABELS[encoding]
    return RawFile(path=path, headers=layout.headers, sample=layout.sample, rows=n, fmt="CSV",
                   encoding=label, delimiter=layout.delimiter, header_line=layout.header_line,
                   read_issues=read_issues, header_rows=layout.header_rows)


def _decode_head(path: Path, head_bytes: bytes, encoding: str, utf8: bool) -> str:
    """The sniffed bytes as text, refusing a file that is not text at all."""
    head = head_bytes.decode("utf-8-sig" if utf8 else encoding, errors="ignore")
    controls = sum(1 for ch in head[:65536] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in head or controls > len(head[:65536]) // 100:
        raise ReadError(Text("refusal_binary", file=path.name))
    return head


def _csv_layout(path: Path, head: str, skip_rows: int | None) -> _CsvLayout:
    delimiter, rows, header_idx = _choose_delimiter(head)
    if skip_rows is not None:
        header_idx = skip_rows
    if header_idx >= len(rows):
        raise ReadError(Text("refusal_no_header", file=path.name, skip=skip_rows))
    below = rows[header_idx + 1] if header_idx + 1 < len(rows) else []
    combined = _sub_header(rows[header_idx], below)
    header_rows = 1 if combined is None else 2
    headers = _strip_trailing_empty(combined or rows[header_idx])
    data = rows[header_idx + header_rows:]
    # Fields per line: the header's, or the usual count of the data lines when that is larger (a
    # delimiter after the last field). A line with more fields than that is reported, not cut.
    counts = Counter(len(r) for r in data if r)
    width = max(len(combined or rows[header_idx]), counts.most_common(1)[0][0] if counts else 0)
    # The header's physical line: csv rows can span lines only inside quotes, which headers and
    # title rows do not do.
    header_line = header_idx + 1
    _check_width_named(path.name, width)
    multiline = any("\n" in cell or "\r" in cell for row in data for cell in row)
    return _CsvLayout(delimiter, headers, data[:SAMPLE_ROWS], width, header_line, header_rows,
                      multiline)


# strict: a line with more fields than the header, an unterminated quote or broken UTF-8 is not
# silently cut or mis-read; it goes to the rejects table and is reported.
_READ_CSV = (
    "create or replace temp table raw_table as "
    "select * from read_csv($path, delim = $delim, header = false, skip = $skip, "
    "all_varchar = true, null_padding = true, auto_detect = false, "
    "columns = $columns, quote = '\"', escape = '\"', strict_mode = true, "
    "encoding = 'utf-8', max_line_size = $max_line, store_rejects = true, "
    "rejects_table = 'csv_rejects', rejects_scan = 'csv_reject_scans', parallel = $parallel)"
)


def _load_csv(
    con: duckdb.DuckDBPyConnection, path: Path, csv_path: Path, layout: _CsvLayout
) -> bool:
    """Temp table `raw_table`: the data lines (after the header) as text columns c0..cN.
    Returns whether the parallel reader read it.

    Values with line breaks inside quotes (reviews' texts) need DuckDB's single-threaded reader:
    the parallel one refuses them with null_padding (which a line with fewer fields needs). A
    file whose first lines have one is read so at once; any other is read in parallel first and
    again single-threaded only if that reader refuses it (on 100k and 1M lines the two took the
    same time on two cores; the parallel one is kept for machines with more)."""
    params = {
        "path": str(csv_path),
        "delim": layout.delimiter,
        "skip": layout.skip,
        "columns": {f"c{i}": "VARCHAR" for i in range(layout.width)},
        "max_line": csv_lines.MAX_LINE_BYTES,
    }
    for parallel in (False,) if layout.multiline else (True, False):
        try:
            con.execute(_READ_CSV, {**params, "parallel": parallel})
            return parallel
        except duckdb.Error as exc:
            if parallel and _quoted_newlines(exc):
                for table in ("csv_rejects", "csv_reject_scans"):
                    con.execute("drop table if exists " + table)
                continue
            raise csv_error(path, exc) from exc
    raise AssertionError("unreachable: the single-threaded read returns or raises")


_quoted_newlines = csv_lines.quoted_newlines  # a name of this module: a test replaces it


# A byte that does not decode is written as one that is not UTF-8 either: DuckDB's reader then
# rejects its line ("повреждённые символы"), where U+FFFD would have loaded a cell misread.
codecs.register_error("clinic_bi.undecodable", lambda exc: ("\udcff", exc.end))


def _reencode(source: Path, encoding: str, target: Path) -> None:
    # 1 MB chunks: with 16 MB ones every chunk's text and bytes were fresh large allocations
    # (page faults, cold caches), twice as slow (0.46-0.8 s vs 0.22-0.24 s for 93 MB).
    decoder = codecs.getincrementaldecoder(encoding)(errors="clinic_bi.undecodable")
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1024 * 1024):
            dst.write(decoder.decode(chunk).encode("utf-8", "surrogateescape"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8", "surrogateescape"))


# --- spreadsheets and HTML tables ------------------------------------------------------------


def _read_sheet(
    con: duckdb.DuckDBPyConnection, path: Path, kind: str, fmt: str, skip_rows: int | None
) -> RawFile:
    """`raw` over the rows of a sheet or an HTML table, read by a capped worker process
    (sheets.read_in_worker): a view of the Arrow table registered on the connection as
    `raw_arrow` (parse.drop_raw unregisters it). Not copied into a temp table: that copy
    cost ~0.07 s per 100k rows, and DuckDB scans a temp table of fewer than 122,880 rows (one
    row group) on one core, an Arrow table in batches on all of them."""
    encoding = None
    if kind == "html":
        with path.open("rb") as fh:
            encoding = detect_file_encoding(fh)
    table, meta = sheets.read_in_worker(path, kind, encoding, skip_rows)
    # batches of 16k rows: the units DuckDB hands to its threads
    table = pa.Table.from_batches(table.to_batches(max_chunksize=16384), table.schema)
    try:
        con.register("raw_arrow", table)
        con.execute("create or replace temp view raw as select * from raw_arrow")
    except duckdb.Error as exc:
        raise ReadError(Text("refusal_sheet_unprepared", file=path.name)) from exc
    return RawFile(path=path, headers=meta.headers, sample=meta.sample, rows=meta.rows, fmt=fmt,
                   header_line=meta.header_line, header_rows=meta.header_rows)
