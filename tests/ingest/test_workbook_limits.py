"""No single file takes the app down, and every reading failure speaks the user's language
(issue 10, items 1 and 10).

A 2 KB workbook with one stray cell at XFD1048576 made the reader allocate 549 GB and abort
the process, every session with it; a cell at XFD8000 took 34 s and 5.3 GB. Such sheets are now
refused before anything is expanded, and workbooks are read in a worker process capped in
memory, so even a sheet the pre-check does not see ends only the worker.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import openpyxl
import pytest

from clinic_bi.ingest import loader, readers
from clinic_bi.paths import PROJECT_DIR

HEADER = ["Дата", "№ карты", "Врач", "Услуга", "Сумма"]


def workbook(far: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.title = "Услуги"
    wb.active.append(HEADER)
    wb.active.append(["01.03.2025", 1, "Петров", "Пломба", 1000])
    if far:
        wb.active[far] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def refused(st, name: str, data: bytes) -> str:
    with pytest.raises(loader.LoadError) as err:
        st.load(name, data)
    assert st.one("select count(*) from batches") == 0
    assert st.one("select count(*) from services") == 0
    return str(err.value)


def test_column_letters_are_numbered_as_excel_does():
    assert [readers.sheets.column_number(x) for x in ("A", "Z", "AA", "AZ", "SF", "SG", "XFD")] \
        == [1, 26, 27, 52, 500, 501, 16384]


def test_a_stray_cell_at_the_last_cell_of_the_sheet_is_refused_by_name(st):
    data = workbook("XFD1048576")
    assert len(data) < 6000  # the attack is a tiny file
    msg = refused(st, "far.xlsx", data)
    assert msg.startswith("far.xlsx: на листе «Услуги» заполнена ячейка XFD1048576"), msg
    assert "16 384 столбца при пределе 500" in msg  # 16 384: "столбца", not "столбцов"
    assert "скопируйте таблицу на новый лист" in msg


def test_a_stray_cell_far_right_is_refused_before_it_is_read(st):
    msg = refused(st, "far8000.xlsx", workbook("XFD8000"))
    assert "ячейка XFD8000" in msg and "16 384 столбца" in msg, msg


def test_a_far_row_within_500_columns_is_refused_when_the_cells_add_up(st, monkeypatch):
    # 200 columns × 1,000,000 rows = 200M cells, over the 64 × 1,048,576 cap
    msg = refused(st, "tall.xlsx", workbook("GR1000000"))
    assert "ячейка GR1000000" in msg and "200 × 1 000 000 = 200 000 000 ячеек" in msg, msg


def test_the_preview_of_the_upload_page_reports_it_too(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(workbook("XFD1048576"))
    shown = loader.preview(path)
    assert shown.mapping is None
    assert "XFD1048576" in shown.error


def test_a_normal_workbook_still_loads(st):
    r = st.load("ok.xlsx", workbook())
    assert (r.rows_new, r.rows_rejected) == (1, 0)
    assert st.one("select sum(amount) from services") == 1000


def test_a_sheet_too_large_to_scan_is_checked_by_the_worker_before_python_objects(
        st, monkeypatch):
    # the pre-read scan off: the worker's check on the reader's extent (column SG = 501) speaks
    monkeypatch.setenv("CLINIC_BI_XLSX_SCAN_MB", "0")
    msg = refused(st, "wide.xlsx", workbook("SG3"))
    assert "на листе «Услуги» заполнена ячейка SG3" in msg and "501 столбец при пределе" in msg


def test_a_sheet_that_needs_more_memory_than_the_cap_ends_only_the_worker(st, monkeypatch):
    # no pre-read scan, a 1 GB cap: XFD8000 needs 16384 × 8000 cells (~4 GB) in the reader,
    # whose failed allocation aborts the process it runs in. Here that is the worker.
    monkeypatch.setenv("CLINIC_BI_XLSX_SCAN_MB", "0")
    monkeypatch.setenv("CLINIC_BI_READER_MEMORY_MB", "1000")
    msg = refused(st, "far8000.xlsx", workbook("XFD8000"))
    assert msg.startswith("far8000.xlsx: файлу не хватило 1,0 ГБ памяти при чтении"), msg
    assert "хранилище не изменилось" in msg
    # and this process goes on: the next file loads
    assert st.load("ok.xlsx", workbook()).rows_new == 1


def test_a_worker_that_fails_for_another_reason_is_not_called_out_of_memory(st, monkeypatch):
    # a reader that dies with exit code 1 (a bug, a missing library), not for memory
    monkeypatch.setattr(sys, "executable", shutil.which("false"))
    msg = refused(st, "ok.xlsx", workbook())
    assert msg.startswith("ok.xlsx: файл не удалось прочитать (сбой при чтении книги)."), msg
    assert "памяти" not in msg


def test_the_command_line_survives_and_says_what_to_do(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(workbook("XFD1048576"))
    env = dict(os.environ, CLINIC_BI_DB=str(tmp_path / "store.duckdb"))
    proc = subprocess.run([sys.executable, "-m", "clinic_bi", "ingest", str(path)],
                          cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)
    # a refused file is an error exit (1), not a crash (a negative code: killed by a signal)
    assert proc.returncode == 1, (proc.returncode, proc.stderr[-2000:])
    out = proc.stdout + proc.stderr
    assert "ячейка XFD1048576" in out
    assert "Traceback" not in out and "memory allocation" not in out


def test_a_csv_the_reader_gave_up_on_now_loads(st):
    # a quoted newline in a ragged file: DuckDB's parallel reader stopped with a message about
    # its own options (parallel scanner, null_padding) and the file was refused; issue 12 asks
    # for it to load (tests/ingest/test_csv_multiline.py has the rest)
    text = 'Дата;Врач;Оценка;Отзыв\n01.03.2025;Петров;5;"Хорошо,\nвсё понравилось"\n' \
           "02.03.2025;Петров;4\n"
    r = st.load("reviews.csv", text.encode())
    assert (r.rows_new, r.rows_rejected) == (2, 0)
    assert st.rows("select _row, rating, text from reviews order by _row") == [
        (2, 5, "Хорошо, всё понравилось"), (4, 4, None)
    ]


def test_a_missing_file_is_named_in_russian(st, tmp_path):
    with pytest.raises(loader.LoadError) as err:
        loader.ingest_file(st.con, tmp_path / "нет такого.csv", st.salt)
    assert str(err.value) == ("нет такого.csv: файл не найден (его переместили или удалили?). "
                              "Проверьте файл и загрузите его ещё раз.")


def test_every_data_line_dropped_for_length_is_said_so(st):
    text = ";".join(HEADER) + "\n" + "01.03.2025;1;A;" + "x" * 17_000_000 + ";100\n"
    with pytest.raises(loader.LoadError) as err:
        st.load("long.csv", text)
    msg = str(err.value)
    assert "нет ни одной строки данных" not in msg
    assert "строки 2 отброшены: строка длиннее допустимого (16 МБ)" in msg, msg


def test_one_upload_limit_in_decimal_megabytes(tmp_path, monkeypatch):
    monkeypatch.delenv("CLINIC_BI_MAX_UPLOAD_MB", raising=False)
    assert readers.upload_limit_bytes() == 200_000_000
    under, over = tmp_path / "under.csv", tmp_path / "over.csv"
    with under.open("wb") as fh:
        fh.truncate(200_000_000)  # sparse: no disk used
    with over.open("wb") as fh:
        fh.truncate(208_561_766)  # 198.9 MiB: what a browser on Linux calls 208.6 MB
    assert readers.check_size(under) == 200_000_000
    with pytest.raises(readers.ReadError) as err:
        readers.check_size(over)
    assert str(err.value).startswith("over.csv: файл весит 208,6 МБ, больше предела 200 МБ.")
