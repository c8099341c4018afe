"""The owner's report as an XLSX workbook (clinic_bi/present/report_xlsx.py), read back with
openpyxl: the figures are numbers with native formats and equal the API's, the doctors' names
from the clinic's files come back as the exact text (never a formula), a missing export leaves
its sheet out and is named on the Summary.

The store: March 2025 with three doctors named like formulas, a refund line, a line in January
and one in April (data_end 2025-04-02) and nothing in February, so the previous period (29
January - 28 February) lacks a month of services and is not compared.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from clinic_bi.metrics import Engine, Filters
from clinic_bi.present import report_files, report_xlsx, words
from tests.metrics_fixtures import line, load_example, make_store, new_store, period

FORMULA = '=HYPERLINK("http://x")'
PHONE = "+7 999"
MINUS = "-5"
MARCH = period("2025-03-01", "2025-03-31")
LINES = [
    line("2025-01-15", "P1", "Доктор Ок", 7000, department="Терапия"),
    line("2025-03-03", "P1", FORMULA, 5000, department="Терапия", service="Лечение кариеса"),
    line("2025-03-03", "P1", FORMULA, 500, department="Терапия", service="Рентген"),
    line("2025-03-10", "P2", PHONE, 12000, department="Хирургия", service="Удаление"),
    line("2025-03-15", "P3", MINUS, 3000, department="Терапия"),
    line("2025-03-20", "P3", MINUS, -1000, department="Терапия"),  # a refund
    line("2025-04-02", "P2", PHONE, 4000, department="Хирургия"),
]
# revenue of March by hand: 5 000 + 500 + 12 000 + 3 000 - 1 000
MARCH_REVENUE = 19_500


def _book(path: Path, f: Filters, lang: str = "ru") -> Workbook:
    data = report_files.render_file(path, f, "xlsx", lang)
    return load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("xlsx"), services=LINES)


@pytest.fixture(scope="module")
def data(store: Path) -> bytes:
    return report_files.render_file(store, MARCH, "xlsx", "ru")


@pytest.fixture(scope="module")
def book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _row_of(ws: Any, first: str) -> int:
    """The row whose column A holds `first`."""
    for cells in ws.iter_rows(min_col=1, max_col=1):
        if cells[0].value == first:
            return cells[0].row
    raise AssertionError(f"no row {first!r} on {ws.title}")


def _header(ws: Any, row: int = 1) -> list[Any]:
    return [c.value for c in ws[row] if c.value is not None]


def test_summary_revenue_is_the_hand_worked_sum_and_the_apis(store: Path, book: Workbook) -> None:
    ws = book.worksheets[0]
    assert ws.title == "Сводка"
    row = _row_of(ws, words.label("revenue", "ru"))
    cell = ws.cell(row, 2)
    assert cell.value == MARCH_REVENUE
    assert cell.value == Engine(store).summary(MARCH).revenue
    assert cell.number_format == '#,##0 "₽"'
    assert cell.data_type == "n"
    # the period and the data's end as real dates
    period_row = _row_of(ws, "Период")
    assert ws.cell(period_row, 2).value == datetime(2025, 3, 1)
    assert ws.cell(period_row, 3).value == datetime(2025, 3, 31)
    assert ws.cell(period_row, 2).number_format == "dd.mm.yyyy"
    assert ws.cell(_row_of(ws, "Данные по"), 2).value == datetime(2025, 4, 2)


def test_a_comparison_without_a_months_data_says_why_not_a_percentage(book: Workbook) -> None:
    ws = book.worksheets[0]
    header = _row_of(ws, "Показатель")
    assert _header(ws, header)[:6] == [
        "Показатель", "Период", "Пред. период", "Изм.", "Год назад", "Изм."]  # fmt: skip
    row = _row_of(ws, "Выручка")
    assert ws.cell(row, 3).value == 0  # February: nothing loaded, shown as it is
    previous_change, year_change = ws.cell(row, 4), ws.cell(row, 6)
    assert previous_change.data_type == "s"
    assert previous_change.value == "нет данных за фев 2025: изменение не считается"
    assert year_change.value == "нет данных за мар 2024: изменение не считается"
    ltv = _row_of(ws, "LTV")
    assert ws.cell(ltv, 4).value.startswith("не сравнивается: растёт с возрастом когорты")


def test_unequal_periods_are_flagged(tmp_path: Path) -> None:
    # data end on 30 March: 1-30 March is compared with 1-28 February (METRICS.md "Comparison")
    path = make_store(tmp_path, services=[line("2025-02-10", "P1", "A", 100),
                                          line("2025-03-30", "P1", "A", 200)])  # fmt: skip
    ws = _book(path, MARCH).worksheets[0]
    row = _row_of(ws, "Выручка")
    assert ws.cell(row, 2).value == 200 and ws.cell(row, 3).value == 100
    assert ws.cell(row, 4).value == "не сравнивается: периоды разной длины (30 дней и 28 дней)"


def test_number_formats_are_native(book: Workbook) -> None:
    ws = book["Врачи"]
    header = _header(ws)
    formats = {name: ws.cell(2, header.index(name) + 1).number_format for name in header}
    assert formats["Выручка"] == '#,##0 "₽"'
    assert formats["Средний чек"] == '#,##0 "₽"'
    assert formats["Доля выручки"] == "0.0%"
    assert formats["Возвращаемость к врачу"] == "0.0%"
    assert formats["Визиты"] == "#,##0"
    assert isinstance(ws.cell(2, header.index("Визиты") + 1).value, int)
    months = book["По месяцам"]
    assert months.cell(2, 1).value == datetime(2025, 3, 1)
    assert months.cell(2, 1).is_date
    assert months.cell(2, 1).number_format == "[$-419]mmm yyyy"


def test_doctors_sheet_equals_the_api(store: Path, book: Workbook) -> None:
    ws = book["Врачи"]
    header = _header(ws)
    assert header == [words.label(c, "ru") for c in (
        "doctor", "visits", "patients", "new_patients", "revenue", "share", "avg_check",
        "return_rate_doctor", "ltv_doctor")]  # fmt: skip
    keys = ["doctor", "visits", "patients", "new_patients", "revenue", "share", "avg_check",
            "return_rate", "ltv"]  # fmt: skip
    expected = Engine(store).doctors(MARCH)
    assert ws.max_row == len(expected) + 1
    for i, row in enumerate(expected[keys].itertuples(index=False), start=2):
        got = [ws.cell(i, col).value for col in range(1, len(keys) + 1)]
        assert got[0] == row[0]
        for key, value, want in zip(keys[1:], got[1:], row[1:], strict=True):
            if want is None or want != want:  # NaN: an empty cell
                assert value is None, key
            else:
                assert value == pytest.approx(round(float(want), 2), abs=0.006), key


def test_tables_have_a_frozen_header_and_a_filter(book: Workbook) -> None:
    for name in ("Врачи", "Направления", "Услуги", "По месяцам"):
        ws = book[name]
        assert ws.freeze_panes == "B2", name
        (table,) = ws.tables.values()
        assert table.ref.startswith("A1:") and table.autoFilter is not None
        assert 8 <= ws.column_dimensions["A"].width <= report_xlsx.MAX_WIDTH + 2


def test_native_charts(book: Workbook) -> None:
    assert len(book["По месяцам"]._charts) == 1
    assert len(book["Направления"]._charts) == 1


def test_formula_like_names_come_back_as_text(data: bytes, book: Workbook) -> None:
    ws = book["Врачи"]
    names = {ws.cell(r, 1).value: ws.cell(r, 1) for r in range(2, ws.max_row + 1)}
    for name in (FORMULA, PHONE, MINUS):
        assert name in names
        assert names[name].data_type == "s"
        assert names[name].quotePrefix  # Excel keeps it text when the cell is edited
    # nowhere in the file a formula
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_no_nan_text_and_valid_sheet_names(book: Workbook) -> None:
    for ws in book.worksheets:
        assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
        for row in ws.iter_rows():
            for cell in row:
                assert cell.value not in ("nan", "NaN", "None", "inf"), cell.coordinate


def test_a_store_without_leads_has_no_funnel_sheet_and_says_so(book: Workbook) -> None:
    assert book.sheetnames[0] == "Сводка"
    assert "Воронка" not in book.sheetnames
    ws = book.worksheets[0]
    row = _row_of(ws, words.table_label("leads", "ru"))  # «Лиды / сделки CRM»
    assert ws.cell(row, 2).value.startswith("Нет листа «Воронка» — загрузите")
    assert "выгрузку лидов или сделок из CRM" in ws.cell(row, 2).value
    assert _row_of(ws, "Не загружены выгрузки") < row


def test_workbook_properties(book: Workbook) -> None:
    assert book.properties.title == "Отчёт клиники за 01.03.2025 — 31.03.2025"
    assert book.properties.creator == "clinic_bi"


def test_the_worked_example_has_every_sheet_in_english(tmp_path: Path) -> None:
    path = new_store(tmp_path)
    load_example(path)
    f = period("2025-01-01", "2025-06-30")
    book = _book(path, f, "en")
    assert book.sheetnames[:7] == ["Summary", "Doctors", "Departments", "Services", "By month",
                                   "Funnel", "Marketing"]  # fmt: skip
    funnel = book["Funnel"]
    assert len(funnel._charts) == 1
    leads = Engine(path).funnel(f).total.leads
    assert funnel.cell(_row_of(funnel, "Leads"), 2).value == leads
    summary = book["Summary"]
    assert summary.cell(_row_of(summary, "Period"), 2).number_format == "yyyy-mm-dd"
    texts = {c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)}
    assert words.table_label("leads", "en") not in texts  # leads are loaded


def test_render_refuses_an_unknown_language(store: Path) -> None:
    report = report_files.owner_report(store, MARCH, "ru")
    with pytest.raises(ValueError):
        report_xlsx.render(report, MARCH, "de")


def test_an_export_that_completes_a_sheet_is_named_as_such(tmp_path: Path) -> None:
    # a schedule but no reviews: the Качество sheet holds the appointments, the Summary says
    # the sheet is incomplete without the reviews (not that it is left out)
    appointments = [{"appointment_id": "A1", "patient_id": "P1", "doctor": "Доктор Ок",
                     "scheduled_at": "2025-03-03 09:00:00", "status": "attended"},
                    {"appointment_id": "A2", "patient_id": "P2", "doctor": PHONE,
                     "scheduled_at": "2025-03-10 10:00:00", "status": "no_show"}]  # fmt: skip
    path = make_store(tmp_path, services=LINES, appointments=appointments)
    book = _book(path, MARCH)
    quality = book["Качество"]
    assert quality.cell(_row_of(quality, "Явка"), 2).value == pytest.approx(0.5)
    assert quality.cell(_row_of(quality, "Явка"), 2).number_format == "0.0%"
    summary = book.worksheets[0]
    row = _row_of(summary, words.table_label("reviews", "ru"))
    assert summary.cell(row, 2).value.startswith("Лист «Качество» неполный — загрузите")
    texts = [c.value for c in summary["A"]]
    assert words.table_label("appointments", "ru") not in texts
