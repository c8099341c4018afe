"""A file refused whole says so in the page's language (issue 12, item 12): each refusal is a
Text (clinic_bi/ingest/messages.py, "refusals") whose Russian is what the CLI and the other tests
read, and whose English names the file, what is wrong and what to do. The Text reaches the page
alive: through LoadResult.error and Preview.error, the app's load worker (a pickle) and the
sheets worker (JSON). Each file is made broken by hand in its test."""

from __future__ import annotations

import io
import json
import pickle
import re
import zipfile

import duckdb
import pytest

from clinic_bi.ingest import csv_lines, loader, readers, sheets, word_choices
from clinic_bi.ingest.mapping import Profile
from clinic_bi.ingest.messages import Text, localized

SERVICES = "Дата;№ карты;Врач;Услуга;Сумма\n"
ROW = "01.02.2025;1;Иванова;Пломба;100\n"


def english(text: str, *quoted: str) -> str:
    """The English of a refusal, checked to be English: no Cyrillic outside «…» (headers and
    sheet names, quoted) and the `quoted` names (files, the file's own words)."""
    assert isinstance(text, Text), type(text)
    en = text.in_lang("en")
    rest = re.sub(r"«[^»]*»", "", en)
    for name in quoted:
        rest = rest.replace(name, "")
    assert not re.search("[А-Яа-яЁё]", rest), en
    return en


def refused(st, name: str, content: bytes | str, **kwargs) -> Text:
    with pytest.raises(loader.LoadError) as err:
        st.load(name, content, **kwargs)
    assert st.one("select count(*) from batches") == 0
    message = err.value.args[0]
    assert isinstance(message, Text) and str(err.value) is message  # str(exc) keeps the Text
    return message


# --- the file as a whole -----------------------------------------------------------------------


def test_an_empty_file(st):
    text = refused(st, "пустой.csv", b"")
    assert text == "пустой.csv: файл пуст. Выгрузите отчёт заново."
    assert english(text, "пустой.csv") == "пустой.csv: the file is empty. Export the report again."


def test_a_pdf_named_csv(st):
    text = refused(st, "report.csv", b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert english(text) == ("report.csv: this is not a text file (it holds binary data). Save "
                             "the report as CSV or XLSX.")


def test_no_header_row_found(st):
    profile = Profile("МИС", "services", {"Дата": "visit_date"}, skip_rows=10)
    text = refused(st, "short.csv", SERVICES + ROW, profile=profile)
    assert text.startswith("short.csv: не найдена строка заголовка: профиль велит пропустить 10 строк")
    assert english(text) == (
        "short.csv: no header row found: the profile says to skip 10 lines, but the file has "
        "fewer. Export the report with its column headers (or choose another profile).")


def test_a_file_too_wide(st):
    header = ";".join(f"col{i}" for i in range(3000))
    text = refused(st, "wide.csv", header + "\n" + ";".join("1" * 3000) + "\n")
    assert "в таблице 3000 столбцов" in text
    assert english(text) == (
        "wide.csv: the table has 3,000 columns, which does not look like an export (exports "
        "have 10–30). Check that the file is saved as a table with one delimiter.")


def test_only_a_header(st):
    text = refused(st, "header.csv", SERVICES)
    assert english(text) == ("header.csv: there are no data lines below the header. Check the "
                             "report's period and filters and export it again.")


def test_every_data_line_dropped_by_the_reader(st):
    data = SERVICES.encode() + (ROW + "02.02.2025;2;Петров;Пломба;200\n").encode("cp1251")
    text = refused(st, "bad.csv", data)
    assert text.startswith("bad.csv: ни одна строка данных не прочитана — строки 2, 3 отброшены")
    assert english(text) == (
        "bad.csv: not one data line could be read; lines 2, 3 were dropped: damaged characters "
        "(the file mixes encodings): save the export again in UTF-8 or Windows-1251. Correct the "
        "file and load it again.")


def test_a_zip_archive_named_csv(st):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("услуги_март.csv", SERVICES + ROW)
    text = refused(st, "export.csv", buf.getvalue())
    assert english(text, "услуги_март.csv") == (
        "export.csv: this is a ZIP archive, not an Excel workbook (inside: услуги_март.csv). "
        "Unpack the archive and load the files from it.")


def test_a_file_over_the_upload_limit(st, monkeypatch):
    monkeypatch.setenv("CLINIC_BI_MAX_UPLOAD_MB", "0.01")
    text = refused(st, "big.csv", SERVICES + ROW * 1000)
    assert text.startswith("big.csv: файл весит 0,0 МБ, больше предела 0 МБ.")  # 45 KB
    assert english(text) == (
        "big.csv: the file is 0.0 MB, over the limit of 0 MB. Export the report month by "
        "month, or raise the limit (the variable CLINIC_BI_MAX_UPLOAD_MB).")


# --- workbooks and HTML tables: the refusal crosses the sheets worker's JSON ---------------------


def test_an_unreadable_workbook(st):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Дата", "№ карты", "Врач", "Услуга", "Сумма"])
    buf = io.BytesIO()
    wb.save(buf)
    text = refused(st, "cut.xlsx", buf.getvalue()[:2000])
    assert text.key == "refusal_excel_damaged"
    assert english(text) == ("cut.xlsx: the Excel file is damaged or cut short. Export the "
                             "report again, or open it in Excel and save it as XLSX.")


def test_an_html_file_without_a_table(st):
    text = refused(st, "bitrix.xls", "<html><body><p>Нет данных</p></body></html>")
    assert text == "bitrix.xls: в файле нет таблицы. Выгрузите отчёт заново."
    assert english(text) == "bitrix.xls: there is no table in the file. Export the report again."


def test_a_sheet_with_a_cell_far_outside_its_table(st):
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Дата</t></is></c></row>'
             '<row r="3"><c r="SG3"><v>1</v></c></row></sheetData></worksheet>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    text = refused(st, "far.xlsx", buf.getvalue())
    assert english(text) == (
        "far.xlsx: on the sheet «sheet1» the cell SG3 is filled, far outside the table (the "
        "sheet spans 501 columns, over the limit of 500). The file was not read. In Excel, "
        "delete the stray cells to the right of and below the table (or copy the table to a new "
        "sheet) and save the file again.")


# --- the mapping and the journal ---------------------------------------------------------------


def test_missing_required_columns(st):
    profile = Profile("clinic", "services", {"Date": "visit_date", "Sum": "amount"},
                      complete=True)
    text = refused(st, "partial.csv", "Date;Sum;Note\n01.02.2025;100;x\n", profile=profile)
    assert text == ("partial.csv: в файле нет обязательных столбцов для «services»: service, "
                    "patient_id или _name или _last_name. Найдены: «Date», «Sum», «Note».")
    assert english(text) == (
        "partial.csv: the file lacks columns that «Services rendered» (services) requires: "
        "service, patient_id or _name or _last_name. Found: «Date», «Sum», «Note». Add them to "
        "the export, or choose which of its columns they are, and load the file again.")


def test_a_file_of_no_known_kind(st):
    text = refused(st, "noservice.csv", "Дата;№ карты;Врач;Сумма\n01.02.2025;1;A;100\n")
    assert text.key == "refusal_in_file" and text.args["message"].key == "refusal_unknown_kind"
    en = english(text)
    assert en.startswith("noservice.csv: Could not tell what kind of export this is. Columns "
                         "found: «Дата», «№ карты», «Врач», «Сумма». For «Services rendered» "
                         "(services) it lacks: service («Услуга», «Наименование услуги», "
                         "«Номенклатура»)."), en
    assert en.endswith(" Rename the column, or choose a mapping profile (--profile)."), en


def test_a_profile_that_expects_a_column_the_file_lacks(st):
    profile = Profile.from_dict({"name": "Bitrix leads", "table": "leads",
                                 "columns": {"ID": "lead_id", "Дата создания": "created_at"}})
    text = refused(st, "svc.csv", SERVICES + ROW, profile=profile)
    assert "ждёт столбец «ID»" in text
    assert english(text) == (
        "svc.csv: The profile «Bitrix leads» expects a column «ID», but the file has no such "
        "column. Found: «Дата», «№ карты», «Врач», «Услуга», «Сумма». Choose another profile "
        "or update this one.")


def test_a_batch_number_that_does_not_exist(st):
    with pytest.raises(loader.LoadError) as err:
        loader.remove_batch(st.con, 99)
    text = err.value.args[0]
    assert text == "Загрузки с номером 99 нет. Список: python -m clinic_bi batches."
    assert english(text) == ("There is no upload number 99. To list the uploads: "
                             "python -m clinic_bi batches.")


def test_a_word_choice_that_cannot_be_saved(st):
    with pytest.raises(word_choices.ChoiceError) as err:
        word_choices.save(st.con, "stage", "  ", "new")
    assert str(err.value) == "Пустое слово сопоставлять не с чем."
    assert english(err.value.args[0]) == "An empty word cannot be mapped."


@pytest.mark.parametrize(("exc", "expected"), [
    (duckdb.InvalidInputException("Maximum line size of 16000000 bytes exceeded."),
     "the file has a line longer than 16 MB. The file was not loaded. Open it in Excel and save "
     "it as XLSX (or as CSV in UTF-8), then load it again."),
    (duckdb.IOException("IO Error: Could not write file: No space left on device"),
     "the disk has no room for temporary files. The file was not loaded. Free some space on the "
     "disk and load the file again."),
    (duckdb.InvalidInputException("something new in DuckDB 2.1"),
     "the file does not split into a table with one delimiter. The file was not loaded. Open it "
     "in Excel and save it as XLSX (or as CSV in UTF-8), then load it again."),
], ids=["line-size", "disk-full", "other"])
def test_duckdb_refusing_a_csv_in_english(tmp_path, exc, expected):
    error = csv_lines.csv_error(tmp_path / "march.csv", exc)
    assert english(error.args[0]) == "march.csv: " + expected


# --- the Text reaches the page alive ------------------------------------------------------------


def test_a_refusal_in_a_result_and_a_preview_is_a_text(st):
    path = st.write("empty.csv", b"")
    [result] = loader.ingest_paths(st.db.with_name("other.duckdb"), [path])
    assert localized(result.error, "en") == "empty.csv: the file is empty. Export the report again."
    assert result.to_dict()["error"] == "empty.csv: файл пуст. Выгрузите отчёт заново."
    shown = loader.preview(path)
    assert localized(shown.error, "en") == "empty.csv: the file is empty. Export the report again."
    kind = loader.preview(st.write("kind.csv", "Дата;№ карты;Врач;Сумма\n01.02.2025;1;A;100\n"))
    assert localized(kind.error, "en").startswith("kind.csv: Could not tell what kind of export")


def test_a_refusal_survives_pickle_and_the_sheets_workers_json():
    text = Text("refusal_zip_archive", file="a.csv", inside=["x.csv", "y.csv"], more=True)
    # the app's load worker pickles {"status": "load_error", "message": str(exc)}
    outcome = pickle.loads(pickle.dumps({"message": str(loader.LoadError(text))}))
    again = outcome["message"]
    assert isinstance(again, Text) and again == text
    assert again.in_lang("en") == text.in_lang("en")
    nested = Text("refusal_in_file", file="a.csv",
                  message=Text("refusal_ambiguous_kind", first="services", second="leads"))
    result = pickle.loads(pickle.dumps(loader.LoadResult(file="a.csv", error=nested)))
    assert result.error.in_lang("en") == (
        "a.csv: The export fits both «Services rendered» and «CRM leads / deals». Choose a "
        "profile (--profile) or name the file after what it holds (for example, «services.csv», "
        "«leads.csv»).")
    # the sheets worker writes its refusal as JSON, the parent raises it again
    reply = json.loads(json.dumps({"error": sheets.error_to_json(readers.ReadError(text))},
                                  ensure_ascii=False))
    back = sheets.error_from_json(reply["error"])
    assert isinstance(back, Text) and back.key == text.key
    assert back.in_lang("en") == ("a.csv: this is a ZIP archive, not an Excel workbook (inside: "
                                  "x.csv, y.csv …). Unpack the archive and load the files from it.")
    assert back == text


def test_the_sheets_worker_itself_sends_the_text(tmp_path):
    """The real worker process (no monkeypatching): its refusal arrives as a Text."""
    path = tmp_path / "page.html"
    path.write_text("<html><body><table></table></body></html>", encoding="utf-8")
    with pytest.raises(readers.ReadError) as err:
        sheets.read_in_worker(path, "html", "utf-8", None)
    text = err.value.args[0]
    assert isinstance(text, Text) and text.key == "refusal_table_empty"
    assert english(text) == "page.html: the table is empty. Export the report again."


def test_an_english_page_says_the_refusal_in_english(tmp_path, monkeypatch):
    """The whole way: the app's load worker (a child process, its outcome pickled) refuses a
    file of a header only, and the English page shows the refusal in English."""
    from streamlit.testing.v1 import AppTest

    from clinic_bi.paths import PROJECT_DIR
    from tests.app.clinic_home import clinic_home

    clinic_home(tmp_path, monkeypatch, {})
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/8_data.py").run()
    at.get("file_uploader")[0].upload("header.csv", SERVICES.encode(), "text/csv").run()
    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [re.sub(r"\\(.)", r"\1", e.value).replace("\u2060", "") for e in at.error]
    assert ("header.csv: there are no data lines below the header. Check the report's period and "
            "filters and export it again.") in errors, errors
