"""Every way reading a file can fail, in the words the user reads: each names the file, says
what the file has and what to do, and none quotes DuckDB or Python (issue 12, item 4). Each
file is made broken by hand in its test."""

from __future__ import annotations

import io
import zipfile

import duckdb
import pytest

from clinic_bi.ingest import csv_lines, loader, readers
from clinic_bi.ingest.mapping import Profile

SERVICES = "Дата;№ карты;Врач;Услуга;Сумма\n"
ROW = "01.02.2025;1;Иванова;Пломба;100\n"
# what DuckDB's and Python's own messages say; none of it may reach the user
FOREIGN = ("Error", "error", "CSV Error", "null_padding", "parallel", "Traceback", "Exception",
           "duckdb", "DuckDB", "codec", "utf-16-le", "line_size", "strict_mode", "\\")


def plain(text: str) -> str:
    for word in FOREIGN:
        assert word not in text, text
    return text


def refused(st, name: str, content: bytes | str, **kwargs) -> str:
    with pytest.raises(loader.LoadError) as err:
        st.load(name, content, **kwargs)
    assert st.one("select count(*) from batches") == 0
    return plain(str(err.value))


def reasons(r) -> list[tuple]:
    return [(i.row, i.column, plain(i.reason)) for i in r.issues]


# --- the file as a whole -----------------------------------------------------------------------


def test_an_empty_file(st):
    assert refused(st, "пустой.csv", b"") == "пустой.csv: файл пуст. Выгрузите отчёт заново."


def test_a_file_of_a_byte_order_mark_and_blank_lines_is_empty_too(st):
    # was "не найдена строка заголовка.": nothing about what to do
    assert refused(st, "bom.csv", "\ufeff\r\n \r\n".encode()) == \
        "bom.csv: файл пуст. Выгрузите отчёт заново."
    assert refused(st, "bom16.csv", "\ufeff\n\n".encode("utf-16-le")) == \
        "bom16.csv: файл пуст. Выгрузите отчёт заново."


def test_a_pdf_named_csv(st):
    data = b"%PDF-1.7\n" + bytes(range(256)) * 8
    assert refused(st, "отчёт.csv", data) == (
        "отчёт.csv: это не текстовый файл (внутри двоичные данные). Сохраните отчёт как CSV "
        "или XLSX.")


def test_a_zip_archive_named_csv_is_called_an_archive(st):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("услуги_март.csv", SERVICES + ROW)
        zf.writestr("папка/лиды.csv", "ID;Дата создания\n1;01.02.2025\n")
    assert refused(st, "выгрузка.csv", buf.getvalue()) == (
        "выгрузка.csv: это ZIP-архив, а не книга Excel (внутри: услуги_март.csv, лиды.csv). "
        "Распакуйте архив и загрузите файлы из него.")


def test_only_a_header(st):
    assert refused(st, "заголовок.csv", SERVICES) == \
        "заголовок.csv: после заголовка нет ни одной строки данных."


def test_a_profile_that_skips_more_lines_than_the_file_has(st):
    profile = Profile("МИС", "services", {"Дата": "visit_date"}, skip_rows=10)
    assert refused(st, "короткий.csv", SERVICES + ROW, profile=profile) == (
        "короткий.csv: не найдена строка заголовка: профиль велит пропустить 10 строк, а в "
        "начале файла их меньше. Выгрузите отчёт с заголовками столбцов (или выберите другой "
        "профиль).")


def test_a_python_error_while_reading_is_not_quoted(st, monkeypatch):
    def broken(stream):
        raise ValueError("boom: codec can't decode")

    monkeypatch.setattr(readers, "detect_file_encoding", broken)
    assert refused(st, "любой.csv", SERVICES + ROW) == (
        "любой.csv: файл не удалось прочитать. Файл не загружен. Сохраните отчёт заново как "
        "XLSX или CSV в UTF-8 и загрузите снова.")


def test_duckdb_refusing_the_file_is_said_in_the_files_terms(st, monkeypatch):
    # DuckDB's parallel reader refuses quoted line breaks with a ragged line (null_padding);
    # were it not read again single-threaded, its message would be translated, not quoted
    monkeypatch.setattr(readers, "_quoted_newlines", lambda exc: False)
    lines = "01.03.2025;Петров;5;Хорошо\n" * 100  # the first lines show no line break in quotes
    text = 'Дата;Врач;Оценка;Отзыв\n' + lines + '02.03.2025;Петров;5;"Хорошо,\nвсё понравилось"\n'
    assert refused(st, "отзывы.csv", text) == (
        "отзывы.csv: в файле есть значения с переводом строки внутри кавычек (многострочные "
        "тексты), и строки с разным числом полей. Файл не загружен. Откройте его в Excel и "
        "сохраните как XLSX (или CSV в UTF-8), затем загрузите снова.")


@pytest.mark.parametrize(("exc", "expected"), [
    (duckdb.InvalidInputException(
        "CSV Error on Line: 2\n The parallel scanner does not support null_padding in "
        "conjunction with quoted new lines. Please disable the parallel csv reader with "
        "parallel=false\n  file = /tmp/x.csv"),
     "в файле есть значения с переводом строки внутри кавычек (многострочные тексты), и строки "
     "с разным числом полей. Файл не загружен. Откройте его в Excel и сохраните как XLSX (или "
     "CSV в UTF-8), затем загрузите снова."),
    (duckdb.InvalidInputException("CSV Error on Line: 7\nMaximum line size of 16000000 bytes "
                                  "exceeded."),
     "в файле есть строка длиннее 16 МБ. Файл не загружен. Откройте его в Excel и сохраните "
     "как XLSX (или CSV в UTF-8), затем загрузите снова."),
    (duckdb.InvalidInputException("Invalid Input Error: Invalid unicode (byte sequence "
                                  "mismatch) detected in CSV file."),
     "в файле смешаны кодировки. Файл не загружен. Откройте его в Excel и сохраните как XLSX "
     "(или CSV в UTF-8), затем загрузите снова."),
    (duckdb.IOException("IO Error: No files found that match the pattern \"/tmp/x.csv\""),
     "файл не читается с диска (его переместили или удалили во время чтения?). Файл не "
     "загружен. Загрузите файл ещё раз."),
    (duckdb.IOException("IO Error: Could not write file: No space left on device"),
     "на диске нет места для временных файлов. Файл не загружен. Освободите место на диске и "
     "загрузите файл снова."),
    (duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block"),
     "файлу не хватило памяти при чтении. Файл не загружен. Разделите выгрузку по месяцам и "
     "загрузите части по очереди."),
    (duckdb.InvalidInputException("CSV Error on Line: 3\nsomething new in DuckDB 2.1"),
     "файл не разбирается как таблица с одним разделителем. Файл не загружен. Откройте его в "
     "Excel и сохраните как XLSX (или CSV в UTF-8), затем загрузите снова."),
], ids=["quoted-newlines", "line-size", "unicode", "file-gone", "disk-full", "memory", "other"])
def test_each_duckdb_error_in_the_users_words(tmp_path, exc, expected):
    assert plain(str(readers.csv_error(tmp_path / "март.csv", exc))) == "март.csv: " + expected


# --- lines the reader rejects (the file loads without them) -----------------------------------


def test_a_line_with_too_many_fields(st):
    r = st.load("поля.csv", SERVICES + ROW + "02.02.2025;2;Петров;Пломба;200;лишнее\n")
    assert r.file == "поля.csv" and (r.rows_new, r.rows_rejected) == (1, 1)
    assert reasons(r) == [(3, None, "в строке больше полей, чем столбцов в заголовке: лишний "
                                    "разделитель или кавычка; строка не загружена")]


def test_a_stray_quote_on_the_last_line(st):
    r = st.load("кавычка.csv", SERVICES + ROW + '02.02.2025;2;"Петров;Пломба;200')
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert reasons(r) == [(3, None, "незакрытая или лишняя кавычка: проверьте строку в исходной "
                                    "системе")]


def test_a_line_longer_than_the_limit(st, monkeypatch):
    monkeypatch.setattr(csv_lines, "MAX_LINE_BYTES", 2 * readers.MB)
    r = st.load("длинная.csv", SERVICES + ROW + "02.02.2025;2;" + "х" * 2_000_000 + ";S;200\n")
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert reasons(r) == [(3, None, "строка длиннее допустимого (2 МБ): обычно так бывает, "
                                    "когда в ней не закрыта кавычка")]


DAMAGED = ("повреждённые символы (файл не в одной кодировке): пересохраните выгрузку в UTF-8 "
           "или Windows-1251")


def test_windows_1251_lines_in_a_utf8_file(st):
    data = (SERVICES + ROW).encode() + "02.02.2025;2;Петров;Пломба;200\n".encode("cp1251")
    r = st.load("смесь.csv", data)
    assert "UTF-8" in r.fmt and (r.rows_new, r.rows_rejected) == (1, 1)
    assert reasons(r) == [(3, None, DAMAGED)]


def test_a_damaged_utf16_file_rejects_its_damaged_lines(st):
    # a lone surrogate on line 3 and half a character at the end (line 5): Python's codec
    # raised UnicodeDecodeError, quoted to the user
    data = (b"\xff\xfe" + (SERVICES + ROW).encode("utf-16-le")
            + "02.02.2025;2;Пет".encode("utf-16-le") + b"\x00\xd8" + ";S;200\n".encode("utf-16-le")
            + "03.02.2025;3;Сидорова;S;300\n".encode("utf-16-le") + b"\x41")
    r = st.load("utf16.csv", data)
    assert "UTF-16" in r.fmt and (r.rows_new, r.rows_rejected) == (2, 2)
    assert reasons(r) == [(3, None, DAMAGED), (5, None, DAMAGED)]
    assert st.rows("select _row, doctor from services order by _row") == [
        (2, "Иванова"), (4, "Сидорова")]


def test_a_byte_windows_1251_has_no_letter_for_rejects_its_line(st):
    # 0x98 is no character in Windows-1251: it was loaded as "Пломб\ufffd", a cell misread
    data = (SERVICES + ROW).encode("cp1251") + "02.02.2025;2;Петров;Пломб".encode("cp1251") \
        + b"\x98;200\n"
    r = st.load("cp1251.csv", data)
    assert "Windows-1251" in r.fmt and (r.rows_new, r.rows_rejected) == (1, 1)
    assert reasons(r) == [(3, None, DAMAGED)]
    assert st.rows("select service from services") == [("Пломба",)]


def test_every_line_rejected_names_the_lines_and_the_reason(st):
    data = SERVICES.encode() + (ROW + "02.02.2025;2;Петров;Пломба;200\n").encode("cp1251")
    assert refused(st, "всё плохо.csv", data) == (
        "всё плохо.csv: ни одна строка данных не прочитана — строки 2, 3 отброшены: "
        "повреждённые символы (файл не в одной кодировке): пересохраните выгрузку в UTF-8 или "
        "Windows-1251.")


# --- workbooks and HTML tables -----------------------------------------------------------------


def test_an_html_file_without_a_table(st):
    assert refused(st, "битрикс.xls", "<html><body><p>Нет данных</p></body></html>") == \
        "битрикс.xls: в файле нет таблицы. Выгрузите отчёт заново."


def test_a_workbook_cut_in_half(st):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Дата", "№ карты", "Врач", "Услуга", "Сумма"])
    buf = io.BytesIO()
    wb.save(buf)
    assert refused(st, "обрезан.xlsx", buf.getvalue()[:2000]) == (
        "обрезан.xlsx: файл Excel повреждён или обрезан. Выгрузите отчёт заново или откройте "
        "его в Excel и сохраните как XLSX.")


def test_a_profile_that_skips_more_rows_than_the_sheet_has(st):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Дата", "№ карты", "Врач", "Услуга", "Сумма"])
    wb.active.append(["01.02.2025", 1, "Иванова", "Пломба", 100])
    buf = io.BytesIO()
    wb.save(buf)
    profile = Profile("МИС", "services", {"Дата": "visit_date"}, skip_rows=21)
    assert refused(st, "лист.xlsx", buf.getvalue(), profile=profile) == (
        "лист.xlsx: не найдена строка заголовка: профиль велит пропустить 21 строку, а в "
        "таблице их меньше. Выберите другой профиль.")
