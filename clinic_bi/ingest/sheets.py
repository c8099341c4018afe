"""Reading a workbook (XLSX / XLS / ODS) or an HTML table into text columns, in a worker process.

A workbook is a zip of XML that says nothing true about its size until it is read: one stray
cell at `XFD1048576` in a 2 KB file made the reader allocate the sheet's whole extent
(549 GB: the process aborted, and with it every session of the app; issue 10). So:

1. Before anything is expanded: the zip's declared size (a zip bomb) and, for sheets of up to
   scan_bytes() of XML, every cell reference, streamed: a sheet wider than MAX_COLUMNS or
   larger than MAX_CELLS is refused, naming the far cell.
2. The reading itself runs in a child process (`read_in_worker`) whose address space is
   capped (`memory_limit_bytes`: a few times what the file can legitimately need, never more
   than 60 % of the machine) and whose time is capped. Whatever a file does to the reader
   (python-calamine aborts the process when an allocation fails), it ends that child only; the
   app and the CLI get a ReadError with what to do.
3. In the child, the sheet's real extent is checked again after the reader has the cells and
   before any Python object is made of them.

The child writes the rows as an Arrow IPC file (text columns c0..cN and `_row`) and a JSON file
with the header, the sample and where the header was; `readers.read_raw` registers the table.

(Over 400 lines on purpose: the size checks, the capped worker and its Arrow hand-over are one
defence, and each part is only safe with the others.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clinic_bi.ingest.header_rows import (  # noqa: F401 - readers' names too
    HEADER_SEARCH_ROWS,
    find_header,
    strip_trailing_empty,
    sub_header,
)
from clinic_bi.ingest.messages import Text, Worded
from clinic_bi.paths import PROJECT_DIR

# One unit for every size a user reads: the decimal megabyte, which is also the one Streamlit's
# uploader checks against in a browser on Linux and macOS (on Windows it takes 1024², a larger
# limit, and then the loader's own check speaks, in the same unit as the uploader's text).
MB = 1_000_000
SAMPLE_ROWS = 50
MAX_COLUMNS = 500  # no clinic export comes near; thousands mean a wrong delimiter or junk
# A full Excel sheet 64 columns wide: more cells than any export of a clinic holds.
MAX_CELLS = 64 * 1_048_576
# Sheets up to this much XML ($CLINIC_BI_XLSX_SCAN_MB, default 16) have every cell reference
# checked before they are read (~0.1 s at 16 MB; a 100k-row export has ~77 MB, where the scan
# would add a third to the read); larger ones rely on the worker's caps and the check after.
def scan_bytes() -> int:
    return int(float(os.environ.get("CLINIC_BI_XLSX_SCAN_MB", "16")) * MB)


EXCEL_MAX_ROWS = 1_048_576


class ReadError(Worded, Exception):
    """The file cannot be read at all; the message (a Text: clinic_bi/ingest/messages.py,
    "refusals") names the file and what to do."""


@dataclass
class SheetMeta:
    """What the worker found besides the rows: the header, a sample, where the header was."""

    headers: list[str]
    sample: list[list[str]]
    rows: int
    header_line: int  # 1-based sheet row (or table row) of the header
    header_rows: int = 1  # 2: a second header row names the parts of merged cells


# --- shared with the CSV reader -----------------------------------------------------------------


def check_width(name: str, width: int) -> None:
    if width > MAX_COLUMNS:
        raise ReadError(Text("refusal_too_wide", file=name, width=width))


def unzipped_limit_bytes() -> int:
    """The most an XLSX may declare it expands to: $CLINIC_BI_MAX_UNZIPPED_MB, default 1000 MB."""
    return int(float(os.environ.get("CLINIC_BI_MAX_UNZIPPED_MB", "1000")) * MB)


# --- the extent of a sheet, before it is read -------------------------------------------------

# A cell's reference: the attribute `r` of a `c` element (any namespace prefix, any order).
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?(?<=\s)r=\"([A-Z]{1,3})([0-9]{1,7})\"")


def column_number(letters: str) -> int:
    """A1-style column letters as a 1-based number: A → 1, Z → 26, AA → 27, XFD → 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _check_extent(name: str, sheet: str, ref: str, width: int, height: int) -> None:
    """Refuse a sheet whose cells span more than MAX_COLUMNS columns or MAX_CELLS cells: the
    reader would hold width × height cells, however few of them are filled."""
    if width <= MAX_COLUMNS and width * height <= MAX_CELLS and height <= EXCEL_MAX_ROWS:
        return
    raise ReadError(Text("refusal_far_cell", file=name, sheet=sheet, ref=ref, width=width,
                         height=height, max_columns=MAX_COLUMNS, max_cells=MAX_CELLS))


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """{'xl/worksheets/sheet1.xml': 'Лист1'}: the names a user sees, from the workbook's
    relationships; a sheet not found there is named by its file."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
        rid, target = re.search(rb'\sId="([^"]*)"', tag), re.search(rb'\sTarget="([^"]*)"', tag)
        if rid and target:
            path = target.group(1).decode("utf-8", "replace").lstrip("/")
            targets[rid.group(1)] = path if path.startswith("xl/") else "xl/" + path
    names = {}
    for tag in re.findall(rb"<(?:\w+:)?sheet\s[^>]*>", book):
        name, rid = re.search(rb'\sname="([^"]*)"', tag), re.search(rb'\sr:id="([^"]*)"', tag)
        if name and rid and rid.group(1) in targets:
            names[targets[rid.group(1)]] = html.unescape(name.group(1).decode("utf-8", "replace"))
    return names


def check_xlsx_extent(name: str, zf: zipfile.ZipFile) -> None:
    """Refuse a sheet (of up to scan_bytes() of XML) with a cell beyond the caps before the
    reader expands anything: every cell reference is read from the XML streamed in 1 MB pieces.
    The declared `<dimension>` is not used: the reader allocates by the cells it finds, and a
    dimension can be wrong either way."""
    names = _sheet_names(zf)
    for info in zf.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        if info.file_size > scan_bytes():
            continue
        sheet = names.get(info.filename, Path(info.filename).stem)
        with zf.open(info) as fh:
            head = fh.read(1024 * 1024)
            width = height = 0
            far_col = far_row = ""
            tail, chunk = b"", head
            while chunk or tail:
                text = tail + chunk
                # a tag cut at the chunk's end is read whole with the next chunk
                cut = text.rfind(b"<") if chunk else len(text)
                body, tail = (text[:cut], text[cut:]) if cut >= 0 else (text, b"")
                for letters, digits in _CELL_REF.findall(body):
                    col, row = column_number(letters.decode()), int(digits)
                    if col > width:
                        width, far_col = col, (letters + digits).decode()
                    if row > height:
                        height, far_row = row, (letters + digits).decode()
                chunk = fh.read(1024 * 1024) if chunk else b""
            _check_extent(name, sheet, far_col if width > MAX_COLUMNS else far_row,
                          width, height)


def check_zip(name: str, data: bytes) -> zipfile.ZipFile:
    """Refuse a workbook by the size it declares before anything is expanded (zip bomb)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        declared = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(Text("refusal_excel_damaged", file=name)) from exc
    names = zf.namelist()
    if "[Content_Types].xml" not in names and "mimetype" not in names:  # not XLSX, not ODS
        inside = [Path(n).name for n in names[:5] if not n.endswith("/")]
        raise ReadError(Text("refusal_zip_archive", file=name, inside=inside,
                             more=len(names) > 5))
    limit = unzipped_limit_bytes()
    if declared > limit:
        raise ReadError(Text("refusal_zip_bomb", file=name, gb=declared / MB / 1000,
                             limit_gb=limit / MB / 1000))
    return zf


# --- reading (in the worker) ----------------------------------------------------------------


def workbook_rows(name: str, data: bytes) -> list[list[object]]:
    """The rows of the sheet that looks most like an export (best header among its first rows)."""
    from python_calamine import CalamineWorkbook

    if data.startswith(b"PK"):
        zf = check_zip(name, data)
        try:
            check_xlsx_extent(name, zf)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ReadError(Text("refusal_excel_damaged", file=name)) from exc
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types per format
        raise ReadError(Text("refusal_excel_unreadable", file=name)) from exc
    best: list[list[object]] = []
    best_score = -1
    try:
        for sheet_name in wb.sheet_names:
            try:
                sheet = wb.get_sheet_by_name(sheet_name)
            except Exception as exc:  # noqa: BLE001 - calamine's own errors, per format
                raise ReadError(Text("refusal_sheet_unreadable", file=name,
                                     sheet=str(sheet_name))) from exc
            # the reader has the cells; before any Python object is made of them
            end = sheet.end or (0, 0)
            _check_extent(name, sheet_name, _a1(end), int(sheet.width), int(sheet.height))
            rows = sheet.to_python(skip_empty_area=False)
            _, score = find_header([[cell_text(c) or "" for c in r] for r in rows[:40]])
            if score > best_score:
                best, best_score = rows, score
    finally:
        close = getattr(wb, "close", None)
        if close:
            close()
    return best


def _a1(end: tuple[int, int]) -> str:
    """(row, col), 0-based, as an A1 reference."""
    row, col = end
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def html_rows(name: str, data: bytes, encoding: str) -> list[list[object]]:
    import lxml.html

    text = data.decode(encoding, errors="replace")
    try:
        doc = lxml.html.document_fromstring(text)
    except Exception as exc:  # lxml's parser errors
        raise ReadError(Text("refusal_html_unreadable", file=name)) from exc
    tables = doc.xpath("//table")
    if not tables:
        raise ReadError(Text("refusal_no_table", file=name))
    table = max(tables, key=lambda t: len(t.xpath(".//tr")))
    return [
        [cell.text_content().strip() for cell in tr.xpath("./td|./th")]
        for tr in table.xpath(".//tr")
    ]


# A fraction with exactly three decimals and at most three integer digits (12.345) reads, as text,
# like thousands grouped with a dot (queries/ingest/_macros.sql money_text: "1.500" is 1500). A
# number from a numeric cell is a number: it is written with a fourth decimal (12.3450).
_GROUPED_LOOKALIKE = r"^-?[0-9]{1,3}\.[0-9]{3}$"


def _fraction_text(text: str) -> str:
    return text + "0" if re.match(_GROUPED_LOOKALIKE, text) else text


def cell_text(v: object) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else _fraction_text(repr(v))
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    return str(v)


def column_text(cells: np.ndarray) -> pa.Array:
    """One spreadsheet column (an object array) as text. A column of one type (text, numbers,
    dates) is converted by Arrow in bulk; a mixed one cell by cell."""
    values = np.where(cells == "", None, cells)  # calamine gives "" for an empty cell
    try:
        arr = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([cell_text(v) for v in values], type=pa.string())
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr.cast(pa.string())
    if pa.types.is_null(arr.type):
        return pa.nulls(len(values), pa.string())
    if pa.types.is_floating(arr.type):
        # 1500.0 → "1500" (card numbers, visit ids); fractional values keep their digits
        ints = pc.equal(arr, pc.floor(arr))
        whole = pc.cast(pc.cast(arr, pa.int64(), safe=False), pa.string())
        text = pc.cast(arr, pa.string())
        # a number, never grouped thousands: see _fraction_text
        grouped = pc.match_substring_regex(text, _GROUPED_LOOKALIKE)
        text = pc.if_else(grouped, pc.binary_join_element_wise(text, "0", ""), text)
        return pc.if_else(ints, whole, text)
    if pa.types.is_timestamp(arr.type):
        # whole seconds, as cell_text writes them: Arrow's %S of a microsecond timestamp adds
        # ".000000", which sent every date cell down the parser's slow path and into the raw
        # text a rejected cell is shown with
        seconds = arr.cast(pa.timestamp("s", tz=arr.type.tz), safe=False)
        return pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_integer(arr.type) or pa.types.is_date(arr.type):
        return pc.cast(arr, pa.string())
    return pa.array([cell_text(v) for v in values], type=pa.string())


def rows_table(name: str, rows: list[list[object]], skip_rows: int | None
               ) -> tuple[pa.Table, SheetMeta]:
    """The rows below the header as text columns c0..cN plus `_row` (the sheet's row number)."""
    if not rows:
        raise ReadError(Text("refusal_table_empty", file=name))
    head_text = [[cell_text(c) or "" for c in r] for r in rows[:HEADER_SEARCH_ROWS]]
    header_idx = skip_rows if skip_rows is not None else find_header(head_text)[0]
    if header_idx >= len(rows):
        raise ReadError(Text("refusal_skip_past_table", file=name, skip=skip_rows))
    top = [cell_text(c) or "" for c in rows[header_idx]]
    below = [cell_text(c) or "" for c in rows[header_idx + 1]] if header_idx + 1 < len(rows) else []
    combined = sub_header(top, below)
    header_rows = 1 if combined is None else 2
    headers = strip_trailing_empty(combined or top)
    body = rows[header_idx + header_rows:]
    check_width(name, len(headers))
    lengths = set(map(len, body))
    width = max(lengths | {len(headers)})
    check_width(name, width)
    if lengths - {width}:
        body = [list(r) + [None] * (width - len(r)) for r in body]
    # rows → columns in one step: a 2-D object array, sliced per column
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body
    columns: dict[str, pa.Array] = {f"c{i}": column_text(grid[:, i]) for i in range(width)}
    first_line = header_idx + 1 + header_rows
    columns["_row"] = pa.array(range(first_line, first_line + len(body)), type=pa.int32())
    sample = [[cell_text(c) or "" for c in r] for r in body[:SAMPLE_ROWS]]
    meta = SheetMeta(headers=headers, sample=sample, rows=len(body), header_line=header_idx + 1,
                     header_rows=header_rows)
    return pa.table(columns), meta


# --- the worker process --------------------------------------------------------------------------


def memory_limit_bytes(declared: int) -> int:
    """The worker's address-space cap: $CLINIC_BI_READER_MEMORY_MB, else 1 GB plus 40 × the
    data the file holds (its XML unzipped; a 1M-row, 770 MB sheet peaks at ~2 GB), between
    1.5 GB and 60 % of this machine's memory."""
    env = os.environ.get("CLINIC_BI_READER_MEMORY_MB")
    if env:
        return int(float(env) * MB)
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows): assume 8 GB
        total = 8000 * MB
    return int(min(0.6 * total, max(1500 * MB, 1000 * MB + 40 * declared)))


def read_timeout_seconds() -> float:
    return float(os.environ.get("CLINIC_BI_READ_TIMEOUT", "600"))


def _declared_size(data_path: Path) -> int:
    size = data_path.stat().st_size
    with contextlib.suppress(zipfile.BadZipFile, OSError, ValueError), \
            zipfile.ZipFile(data_path) as zf:
        return max(size, sum(i.file_size for i in zf.infolist()))
    return size


def read_in_worker(path: Path, kind: str, encoding: str | None, skip_rows: int | None
                   ) -> tuple[pa.Table, SheetMeta]:
    """Read a workbook or an HTML table in a child process capped in memory and time."""
    limit = memory_limit_bytes(_declared_size(path))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="clinic_bi_read_") as tmp:
        out = Path(tmp) / "rows.arrow"
        cmd = [sys.executable, "-m", "clinic_bi.ingest.sheets", str(path), kind, encoding or "",
               "" if skip_rows is None else str(skip_rows), str(out), str(limit)]
        try:
            proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=read_timeout_seconds(), check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReadError(Text("refusal_read_timeout", file=path.name,
                                 seconds=read_timeout_seconds())) from exc
        except OSError as exc:
            raise ReadError(Text("refusal_reader_not_started", file=path.name)) from exc
        answer = out.with_suffix(".json")
        if proc.returncode != 0 or not answer.exists():
            # the child's own words (a Rust abort, a traceback) are for the server's log
            log = proc.stderr.decode("utf-8", "replace").strip()[-4000:]
            print(f"clinic_bi: reading {path.name} ended with code {proc.returncode}: {log}",
                  file=sys.stderr)  # fmt: skip
            if proc.returncode not in _OUT_OF_MEMORY:
                raise ReadError(Text("refusal_reader_failed", file=path.name))
            raise ReadError(Text("refusal_out_of_memory", file=path.name, gb=limit / MB / 1000))
        reply = json.loads(answer.read_text(encoding="utf-8"))
        if "error" in reply:
            raise ReadError(error_from_json(reply["error"]))
        with pa.OSFile(str(out)) as source:
            table = pa.ipc.open_file(source).read_all()
    return table, SheetMeta(**reply["meta"])


def error_to_json(exc: ReadError) -> dict:
    """A refusal as the worker's JSON reply carries it: the Text's key and arguments (JSON's
    own values, messages.py: "refusals"), so the parent says it in the page's language."""
    message = exc.args[0] if len(exc.args) == 1 else None
    if isinstance(message, Text):
        return {"key": message.key, "args": message.args}
    return {"text": str(exc)}


def error_from_json(error: dict | str) -> str:
    """The worker's refusal again: a Text (or the plain text it had)."""
    if isinstance(error, dict) and "key" in error:
        return Text(error["key"], **error.get("args", {}))
    return error.get("text", "") if isinstance(error, dict) else str(error)


# How a worker that ran out of memory ends: an allocation the reader (Rust) could not make
# aborts it (SIGABRT), the kernel's OOM killer sends SIGKILL, Python's MemoryError is exit 4.
_OUT_OF_MEMORY = {4, -signal.SIGABRT} | ({-signal.SIGKILL} if hasattr(signal, "SIGKILL") else set())


def _worker_main(argv: list[str]) -> int:
    src, kind, encoding, skip, out, limit = argv
    try:
        import resource  # POSIX only: elsewhere the worker still keeps a bad file off the app
    except ImportError:
        resource = None
    if resource is not None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (int(limit), int(limit)))
    path, out_path = Path(src), Path(out)
    name = path.name
    try:
        data = path.read_bytes()
        rows = html_rows(name, data, encoding) if kind == "html" else workbook_rows(name, data)
        table, meta = rows_table(name, rows, int(skip) if skip else None)
        del rows
        with pa.OSFile(str(out_path), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        reply: dict = {"meta": asdict(meta)}
    except ReadError as exc:
        reply = {"error": error_to_json(exc)}
    except MemoryError:
        return 4
    out_path.with_suffix(".json").write_text(json.dumps(reply, ensure_ascii=False),
                                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
