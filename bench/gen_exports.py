"""Export files for the ingest benchmark, written from a generated store (bench_report.generate).

- `write_services_csv`: the store's service lines as an MIS report would give them (Russian
  headers, `;`, `dd.mm.yyyy` dates, decimal commas, non-breaking-space thousands in prices, an
  empty cell where a line has no visit number), written by DuckDB's COPY: set-based, so 10
  million lines take seconds, not the minutes a Python loop per row would. Windows-1251 is a
  re-encoding of the UTF-8 file (DuckDB writes UTF-8 only).
- `write_services_xlsx`: bench_ingest's XLSX (real date cells, numbers), whose size Excel caps at
  1,048,576 rows per sheet.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from bench import bench_ingest

# The services export of bench_ingest.HEADERS plus the planned duration; column names are fixed
# text here, values come from the store.
EXPORT_SQL = """
select
    strftime(visit_date, '%d.%m.%Y') as "Дата приёма",
    patient_id as "№ карты",
    doctor as "Врач",
    department as "Отделение",
    'A' || lpad(regexp_extract(service, '[0-9]+'), 4, '0') as "Код услуги",
    service as "Услуга",
    cast(cast(quantity as integer) as varchar) as "Кол-во",
    replace(replace(format('{:,.2f}', abs(amount / quantity)), ',', chr(160)), '.', ',')
        as "Цена",
    '0' as "Скидка",
    replace(cast(amount as varchar), '.', ',') as "Сумма",
    branch as "Филиал",
    visit_id as "Номер визита",
    cast(cast(duration_min as integer) as varchar) as "Длительность, мин",
from services
"""


def write_services_csv(
    store_path: Path, out: Path, encoding: str = "utf-8", reverse: bool = False
) -> Path:
    """The store's service lines as a clinic's CSV export (see the module doc). `reverse`: the
    same lines in the opposite order, a file with other bytes and the same rows (a re-export),
    which the loader must load again and de-duplicate (it skips a byte-identical file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    utf8 = out if encoding == "utf-8" else out.with_suffix(".utf8.tmp")
    con = duckdb.connect(
        str(store_path),
        read_only=True,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        # write_csv takes the path as an argument: nothing is spliced into SQL text
        order = "order by _row desc" if reverse else "order by _row"
        con.sql(EXPORT_SQL + order).write_csv(str(utf8), sep=";", header=True, quotechar='"')
    finally:
        con.close()
    if utf8 != out:
        out.write_bytes(utf8.read_text(encoding="utf-8").encode(encoding))
        utf8.unlink()
    return out


def write_services_xlsx(out: Path, rows: int) -> Path:
    """bench_ingest's XLSX export of `rows` lines (real date cells, numbers)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = bench_ingest.make_frame(rows, seed=8)
    frame["Дата приёма"] = pd.to_datetime(frame["Дата приёма"], format="%d.%m.%Y")
    frame["Сумма"] = frame["Сумма"].str.replace(",", ".").astype(float)
    frame.to_excel(out, index=False, engine="openpyxl")
    return out
