"""Two header rows (a merged "Оплата" over "Наличные" and "Безнал") and a money column split in
parts: the parts get combined names, the second header row is no data row, and the parts of
`paid` (and `prepaid`) are summed (issue 12, item 7; DATA.md "A column split in parts")."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import openpyxl

from clinic_bi.ingest import header_rows, loader
from clinic_bi.ingest.mapping import Profile, map_columns

D = Decimal
UNREADABLE = "не читается как сумма; оставлено пустым"
PAID_MAP = {"Дата": "visit_date", "№ карты": "patient_id", "Врач": "doctor",
            "Услуга": "service", "Оплата Наличные": "paid", "Оплата Безнал": "paid",
            "Сумма": "amount"}


def merged_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Отчёт об оказанных услугах за февраль 2025"])                # row 1
    ws.append(["Дата", "№ карты", "Врач", "Услуга", "Оплата", None, "Сумма"])  # row 2
    ws.append([None, None, None, None, "Наличные", "Безнал", None])          # row 3
    for r in ("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"):
        ws.merge_cells(r)
    day = dt.date(2025, 2, 1)
    ws.append([day, 101, "Иванова", "Пломба", 1000, 500, 1500])     # row 4: both parts
    ws.append([day, 102, "Иванова", "Пломба", None, 700, 700])      # row 5: card only
    ws.append([day, 103, "Иванова", "Пломба", None, None, 700])     # row 6: not paid
    ws.append([day, 104, "Петров", "Пломба", "много", 300, 700])    # row 7: cash unreadable
    ws.append([day, 105, "Петров", "Пломба", "—", 300, 700])        # row 8: a dash is 0
    ws.append([day, 106, "Петров", "Пломба", "—", "-", 700])        # row 9: dashes only
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def paid(st) -> list[tuple]:
    return st.rows("select _row, patient_id, paid, amount from services order by _row")


def test_merged_payment_cells_in_a_workbook_are_two_paid_columns_summed(st):
    r = st.load("услуги.xlsx", merged_workbook())
    assert r.fmt == "Excel, заголовок в строках 2–3"
    assert r.mapping == PAID_MAP and r.ignored_columns == []
    # the second header row is no data row: six rows, none rejected
    assert (r.rows_read, r.rows_new, r.rows_rejected, r.warnings) == (6, 6, 0, 1)
    assert [(i.row, i.column, i.value, i.reason) for i in r.issues] == [
        (7, "paid", "много", UNREADABLE)]
    assert paid(st) == [
        (4, "101", D("1500.00"), D("1500.00")),
        (5, "102", D("700.00"), D("700.00")),
        (6, "103", None, D("700.00")),
        (7, "104", None, D("700.00")),  # never 300, the part that could be read
        (8, "105", D("300.00"), D("700.00")),
        (9, "106", D("0.00"), D("700.00")),
    ]


CSV = (
    "Дата;№ карты;Врач;Услуга;Оплата;;Сумма\n"                # line 1
    ";;;;Наличные;Безнал;\n"                                   # line 2
    "01.02.2025;101;Иванова;Пломба;1 000,50;499,50;1500\n"     # 3
    "02.02.2025;102;Иванова;Пломба;-200;;-200\n"               # 4: a refund in cash
    "03.02.2025;103;Петров;Пломба;;;700\n"                     # 5
    "04.02.2025;104;Петров;Пломба;300;12,3,4;700\n"            # 6: card unreadable
)


def test_two_header_lines_in_a_csv(st):
    r = st.load("услуги.csv", CSV)
    assert r.fmt == "CSV, UTF-8, разделитель ;, заголовок в строках 1–2"
    assert r.mapping == PAID_MAP
    assert (r.rows_read, r.rows_new, r.rows_rejected, r.warnings) == (4, 4, 0, 1)
    assert [(i.row, i.column, i.value, i.reason) for i in r.issues] == [
        (6, "paid", "12,3,4", UNREADABLE)]
    assert paid(st) == [
        (3, "101", D("1500.00"), D("1500.00")),
        (4, "102", D("-200.00"), D("-200.00")),
        (5, "103", None, D("700.00")),
        (6, "104", None, D("700.00")),
    ]


def test_a_data_row_under_a_merged_header_is_data():
    top = ["Дата", "№ карты", "Врач", "Услуга", "Оплата", "", "Сумма"]
    assert header_rows.sub_header(top, ["", "", "", "", "Наличные", "Безнал", ""]) == [
        "Дата", "№ карты", "Врач", "Услуга", "Оплата Наличные", "Оплата Безнал", "Сумма"]
    # a data row fills other columns and has digits; a title above the header is not merged
    assert header_rows.sub_header(top, ["01.02.2025", "101", "A", "S", "1000", "", "1000"]) is None
    assert header_rows.sub_header(top, ["", "", "", "", "1000", "500", ""]) is None
    assert header_rows.sub_header(top, ["", "", "Иванова", "", "", "", ""]) is None
    assert header_rows.sub_header(["Дата", "Врач", "Сумма", ""], ["", "", "", ""]) is None
    # the group ends the row and the line below is longer (`Оплата` without its `;;`)
    assert header_rows.sub_header(["Дата", "Оплата"], ["", "Нал", "Безнал"]) == [
        "Дата", "Оплата Нал", "Оплата Безнал"]


def test_a_merged_header_over_data_loads_the_first_row(st):
    text = ("Дата;№ карты;Врач;Услуга;Оплата;;Сумма\n"
            "01.02.2025;101;Иванова;Пломба;1000;;1000\n")
    r = st.load("одна.csv", text)
    assert "заголовок в строке 1" in r.fmt
    assert paid(st) == [(2, "101", D("1000.00"), D("1000.00"))]


def test_payment_parts_map_to_paid_and_a_bare_karta_stays_the_card_number():
    base = ["Дата", "Карта", "Врач", "Услуга", "Сумма"]
    for parts in (["Наличные", "Безналичные"], ["Оплата наличные", "Оплата безнал"],
                  ["Оплата наличными", "Оплата картой"], ["Нал", "Безнал"]):
        m = map_columns("services", base + parts, [])
        assert m.columns == {0: "visit_date", 1: "patient_id", 2: "doctor", 3: "service",
                             4: "amount", 5: "paid", 6: "paid"}, parts
        assert m.sources()["paid"] == [5, 6]
    # a whole payment next to its parts is their total: the parts are left out, not added
    m = map_columns("services", base + ["Наличные", "Оплачено", "Безнал"], [])
    assert m.sources()["paid"] == [6] and m.ignored == ["Наличные", "Безнал"]
    # a single part is the payment as far as the export tells
    assert map_columns("services", base + ["Безнал"], []).sources()["paid"] == [5]


def test_a_profile_names_two_columns_for_paid_and_survives_json(st, tmp_path):
    headers = "Дата;№ карты;Врач;Услуга;Сумма;Касса;Терминал\n"
    text = headers + "01.02.2025;101;Иванова;Пломба;1500;1000;500\n"
    columns = {"Дата": "visit_date", "№ карты": "patient_id", "Врач": "doctor",
               "Услуга": "service", "Сумма": "amount", "Касса": "paid", "Терминал": "paid"}
    profile = Profile("касса", "services", columns, complete=True)
    again = Profile.from_dict(json.loads(json.dumps(profile.to_dict(), ensure_ascii=False)))
    assert again == profile
    r = st.load("касса.csv", text, profile=again)
    assert r.mapping == columns
    assert paid(st) == [(2, "101", D("1500.00"), D("1500.00"))]


def test_the_editor_round_trip_keeps_both_parts(st):
    # the Данные page shows preview.mapping and gives back {header: canonical} as a profile
    path = st.write("услуги.csv", CSV)
    shown = loader.preview(path).mapping
    assert shown.header_map() == PAID_MAP
    r = st.load(str(path), profile=Profile("из редактора", "services", shown.header_map(),
                                           complete=True))
    assert [row[2] for row in paid(st)] == [D("1500.00"), D("-200.00"), None, None]
    assert r.rows_new == 4


def test_a_profile_that_leaves_the_parts_to_the_synonyms_gets_both(st):
    # it used to take the first part only: a partial sum without a word
    text = ("Дата;№ карты;Врач;Услуга;Сумма;Наличные;Безналичные\n"
            "01.02.2025;101;Иванова;Пломба;1500;1000;500\n")
    r = st.load("часть.csv", text, profile=Profile("часть", "services", {"Врач": "doctor"}))
    assert r.mapping["Наличные"] == "paid" and r.mapping["Безналичные"] == "paid"
    assert paid(st) == [(2, "101", D("1500.00"), D("1500.00"))]


def test_two_columns_for_one_field_that_is_not_summed_take_the_first(st):
    text = ("Дата;№ карты;Врач;Ассистент;Услуга;Сумма\n"
            "01.02.2025;101;Иванова;Петров;Пломба;1500\n")
    columns = {"Дата": "visit_date", "№ карты": "patient_id", "Врач": "doctor",
               "Ассистент": "doctor", "Услуга": "service", "Сумма": "amount"}
    r = st.load("два врача.csv", text, profile=Profile("два", "services", columns, complete=True))
    assert "Ассистент" not in r.mapping and r.ignored_columns == ["Ассистент"]
    assert st.rows("select doctor from services") == [("Иванова",)]


def test_prepaid_split_by_how_it_was_paid(st):
    text = ("Номер договора;Дата подписания;Сумма договора;Аванс наличными;Аванс картой\n"
            "Д-1;01.02.2025;100000;20000;5000\n"
            "Д-2;02.02.2025;50000;;\n")
    r = st.load("договоры.csv", text)
    assert r.kind == "contracts"
    assert r.mapping["Аванс наличными"] == "prepaid" and r.mapping["Аванс картой"] == "prepaid"
    assert st.rows("select contract_id, prepaid from contracts order by contract_id") == [
        ("Д-1", D("25000.00")), ("Д-2", None)]
