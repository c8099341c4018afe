"""Grouped MIS reports (issue 12, item 6; DATA.md "Grouped reports").

IDENT, 1С:Медицина and Medesk write the doctor (or department, or branch) once, in a group header
row above its service lines, and close each group with a subtotal. The lines take their group's
value, the header and subtotal rows are skipped (never rejected, never data), nested groups both
apply, and a one-cell row that is not clearly a group stays what it was: a line that cannot be
read, rejected. Every figure below is worked out by hand from the file in the test.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from clinic_bi.ingest.preview import preview
from clinic_bi.metrics import Engine, Filters

FEBRUARY = Filters(dt.date(2025, 2, 1), dt.date(2025, 2, 28))


def _lines(st) -> list[tuple]:
    return st.rows("select _row, doctor, department, service, amount::int from services order by _row")


def _revenue_by(st, dimension: str) -> dict:
    with Engine(connection=st.con) as engine:
        frame = engine.breakdown(FEBRUARY, dimension)
    # a line without a doctor is the row "без указания" (None)
    return {(None if pd.isna(r[dimension]) else r[dimension]): int(r["revenue"])
            for r in frame.to_dict("records")}


def _xlsx(rows: list[list[object]], merged: tuple[int, ...] = ()) -> bytes:
    """A workbook of `rows`; the rows numbered in `merged` have their cells merged across (as
    an MIS writes a group header)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    for n in merged:
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=len(rows[0]))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


LABELLED = (
    "Отчёт по оказанным услугам за февраль 2025;;;;\n"      # line 1: a title row
    "Дата;№ карты;Услуга;Кол-во;Сумма\n"                     # 2: the header (no doctor column)
    "Врач: Соколов Д. А.;;;;\n"                               # 3: group header
    "03.02.2025;101;Консультация;1;2 000\n"                   # 4
    "04.02.2025;102;Пломба;1;5 000\n"                         # 5
    "Итого по врачу Соколов Д. А.;;;;7 000\n"                 # 6: subtotal, first cell
    "Врач: Петрова А. И.;;;;\n"                               # 7
    "05.02.2025;103;Чистка;2;6 000\n"                         # 8
    "06.02.2025;101;Снимок;1;1 000\n"                         # 9
    ";Итого по врачу:;;;7 000\n"                              # 10: subtotal, second cell
    "Итого;;;;14 000\n"                                       # 11: grand total
)


def test_labelled_doctor_groups_with_subtotals_and_a_grand_total(st):
    result = st.load("отчёт.csv", LABELLED)
    assert result.kind == "services"
    # 4 lines; skipped: 2 group headers + 2 subtotals + the grand total; nothing rejected
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (4, 5, 0)
    assert result.rows_read == 4
    assert _lines(st) == [
        (4, "Соколов Д. А.", None, "Консультация", 2000),
        (5, "Соколов Д. А.", None, "Пломба", 5000),
        (8, "Петрова А. И.", None, "Чистка", 6000),
        (9, "Петрова А. И.", None, "Снимок", 1000),
    ]
    # by hand: Соколов 2000 + 5000, Петрова 6000 + 1000
    assert _revenue_by(st, "doctor") == {"Соколов Д. А.": 7000, "Петрова А. И.": 7000}
    assert any("строк-заголовков групп (2 строки, например «Врач: Соколов Д. А.»)" in n
               for n in result.notes), result.notes
    assert st.one("select count(*) from rejects") == 0


def test_nested_department_then_doctor_groups_in_a_workbook(st):
    rows = [
        ["Дата", "№ карты", "Услуга", "Сумма"],              # sheet row 1
        ["Отделение: Терапия", None, None, None],             # 2
        ["Врач: Соколов Д. А.", None, None, None],            # 3
        [dt.datetime(2025, 2, 3), "101", "Консультация", 2000],   # 4
        [dt.datetime(2025, 2, 3), "102", "Пломба", 5000],     # 5
        ["Итого по врачу", None, None, 7000],                 # 6
        ["Врач: Петрова А. И.", None, None, None],            # 7
        [dt.datetime(2025, 2, 4), "103", "Чистка", 3000],     # 8
        ["Итого по отделению Терапия", None, None, 10000],    # 9
        ["Отделение: Хирургия", None, None, None],            # 10: clears the doctor
        [dt.datetime(2025, 2, 5), "104", "Осмотр", 500],      # 11: department only
        ["Доктор: Иванов И. И.", None, None, None],           # 12
        [dt.datetime(2025, 2, 5), "104", "Удаление зуба", 4000],  # 13
        [None, "Итого по отделению:", None, 4500],            # 14: subtotal in the 2nd cell
        ["Итого", None, None, 14500],                         # 15
    ]
    result = st.load("услуги.xlsx", _xlsx(rows, merged=(2, 3, 7, 10, 12)))
    # 5 lines; skipped: 5 group headers + 3 subtotals + the total
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (5, 9, 0)
    assert _lines(st) == [
        (4, "Соколов Д. А.", "Терапия", "Консультация", 2000),
        (5, "Соколов Д. А.", "Терапия", "Пломба", 5000),
        (8, "Петрова А. И.", "Терапия", "Чистка", 3000),
        (11, None, "Хирургия", "Осмотр", 500),
        (13, "Иванов И. И.", "Хирургия", "Удаление зуба", 4000),
    ]
    assert _revenue_by(st, "doctor") == {
        "Соколов Д. А.": 7000, "Петрова А. И.": 3000, "Иванов И. И.": 4000, None: 500,
    }
    assert _revenue_by(st, "department") == {"Терапия": 10000, "Хирургия": 4500}
    assert any("врачи и отделения взяты из строк-заголовков групп" in n for n in result.notes)


BY_NAME = (
    "Дата;№ карты;Услуга;Кол-во;Сумма\n"          # line 1
    "Соколов Дмитрий Андреевич;;;;\n"             # 2: a name alone: a doctor group
    "03.02.2025;101;Консультация;1;2 000\n"        # 3
    "03.02.2025;102;Пломба;1;5 000\n"              # 4
    "Скидка по акции;;;;\n"                        # 5: one cell, not a name: a bad line
    "04.02.2025;103;Снимок;1;1 000\n"              # 6: still Соколов's
    "Итого: Соколов Д. А.;;;;8 000\n"              # 7
    "Петрова А. И.\n"                              # 8: a line of one field, no ';'s
    "Консультация терапевта;;;;\n"                 # 9: a service alone: a bad line
    "05.02.2025;104;Чистка;1;3 000\n"              # 10
    "Итого;;;;11 000\n"                            # 11
)


def test_a_name_alone_in_a_row_heads_a_doctor_group_when_the_file_has_no_doctor_column(st):
    result = st.load("услуги.csv", BY_NAME)
    # 4 lines; skipped: 2 name rows, the subtotal and the total; rejected: the comment and the
    # service alone (lines 5 and 9: no date, card or amount), which name no doctor
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (4, 4, 2)
    assert _lines(st) == [
        (3, "Соколов Дмитрий Андреевич", None, "Консультация", 2000),
        (4, "Соколов Дмитрий Андреевич", None, "Пломба", 5000),
        (6, "Соколов Дмитрий Андреевич", None, "Снимок", 1000),
        (10, "Петрова А. И.", None, "Чистка", 3000),
    ]
    assert sorted({i.row for i in result.issues}) == [5, 9]
    assert {i.value for i in result.issues if i.column == "visit_date"} == {
        "Скидка по акции", "Консультация терапевта"}
    assert _revenue_by(st, "doctor") == {"Соколов Дмитрий Андреевич": 8000, "Петрова А. И.": 3000}
    assert any("только ФИО (2 строки), приняты за заголовки групп по врачу" in n
               for n in result.notes), result.notes


def test_one_cell_rows_that_are_not_names_never_become_doctors(st):
    text = (
        "Дата;№ карты;Услуга;Сумма\n"
        "Скидка по акции;;;\n"                   # 2
        "03.02.2025;101;Консультация;2 000\n"    # 3
        "Консультация терапевта;;;\n"            # 4
        "Соколов Дмитрий;;;\n"                   # 5: no initials, no patronymic
        "Ортопедия;;;\n"                         # 6: a department without its label
        "03.02.2025;102;Пломба;5 000\n"          # 7
    )
    result = st.load("услуги.csv", text)
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (2, 0, 4)
    assert st.rows("select doctor, department from services") == [(None, None)] * 2
    assert not any("заголов" in n for n in result.notes)


def test_a_file_with_a_doctor_column_and_group_rows(st):
    text = (
        "Дата;№ карты;Врач;Услуга;Сумма\n"                  # 1
        "Врач: Соколов Д. А.;;;;\n"                          # 2: skipped, fills empty cells
        "03.02.2025;101;Соколов Д. А.;Консультация;2 000\n"  # 3
        "03.02.2025;102;;Пломба;5 000\n"                     # 4: empty cell: the group's
        "03.02.2025;103;Иванов И. И.;Снимок;1 000\n"         # 5: its own doctor wins
        "Итого по врачу;;;;8 000\n"                          # 6
        "Петрова А. И.;;;;\n"                                # 7: no label: not a group here
        "04.02.2025;104;Петрова А. И.;Чистка;3 000\n"        # 8
        "Итого;;;;11 000\n"                                  # 9
    )
    result = st.load("услуги.csv", text)
    # skipped: the labelled header, the subtotal and the total; the name alone is a bad line
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (4, 3, 1)
    assert [i.row for i in result.issues if i.column == "visit_date"] == [7]
    assert st.rows("select _row, doctor from services order by _row") == [
        (3, "Соколов Д. А."), (4, "Соколов Д. А."), (5, "Иванов И. И."), (8, "Петрова А. И."),
    ]
    assert _revenue_by(st, "doctor") == {
        "Соколов Д. А.": 7000, "Иванов И. И.": 1000, "Петрова А. И.": 3000}


def test_names_over_one_patient_each_are_a_report_by_patient_not_doctors(st):
    text = (
        "Дата;№ карты;Услуга;Сумма\n"
        "Иванов Иван Иванович;;;\n"            # 2
        "03.02.2025;101;Консультация;2 000\n"
        "04.02.2025;101;Пломба;5 000\n"
        "Петрова Анна Сергеевна;;;\n"          # 5
        "05.02.2025;102;Чистка;3 000\n"
    )
    result = st.load("услуги.csv", text)
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (3, 0, 2)
    assert st.rows("select distinct doctor from services") == [(None,)]
    assert any("не приняты за врачей" in n and "«Иванов Иван Иванович»" in n
               for n in result.notes), result.notes


def test_an_empty_label_and_a_new_branch_clear_the_groups_below(st):
    text = (
        "Дата;№ карты;Услуга;Сумма\n"
        "Филиал: Центр;;;\n"                    # 2
        "Отделение: Терапия;;;\n"               # 3
        "Врач: Соколов Д. А.;;;\n"              # 4
        "03.02.2025;101;Консультация;2 000\n"   # 5
        "Врач:;;;\n"                            # 6: a group without a doctor
        "03.02.2025;102;Пломба;5 000\n"         # 7
        "Филиал: Север;;;\n"                    # 8: clears department and doctor
        "04.02.2025;103;Снимок;1 000\n"         # 9
    )
    result = st.load("услуги.csv", text)
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (3, 5, 0)
    assert st.rows("select _row, branch, department, doctor from services order by _row") == [
        (5, "Центр", "Терапия", "Соколов Д. А."),
        (7, "Центр", "Терапия", None),
        (9, "Север", None, None),
    ]


def test_a_services_file_whose_doctors_come_from_group_rows_is_recognised(st):
    p = preview(st.write("report.csv", LABELLED))
    assert p.error is None and p.mapping.table == "services" and p.missing == []
    assert "doctor" not in p.mapping.canonical()
    result = st.load("report.csv", LABELLED)
    assert result.kind == "services" and result.rows_new == 4


def test_appointments_take_their_labelled_doctor_group(st):
    text = (
        "ID записи;Дата и время приёма;Статус;№ карты\n"
        "Специалист: Соколов Д. А.;;;\n"
        "1;03.02.2025 10:00;Пришёл;101\n"
        "Исполнитель: Петрова А. И.;;;\n"
        "2;03.02.2025 11:00;Не пришёл;102\n"
    )
    result = st.load("записи.csv", text)
    assert result.kind == "appointments"
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (2, 2, 0)
    assert st.rows("select appointment_id, doctor from appointments order by 1") == [
        ("1", "Соколов Д. А."), ("2", "Петрова А. И."),
    ]


def test_a_line_whose_first_cell_is_only_spaces_is_read_not_skipped(st):
    # the row's first filled cell decides a total row: a cell of spaces is not filled
    text = (
        "№;Дата;№ карты;Услуга;Сумма\n"
        " ;03.02.2025;101;Консультация;2 000\n"
        " ;Итого;;;2 000\n"
    )
    result = st.load("услуги.csv", text)
    assert (result.rows_new, result.rows_skipped, result.rows_rejected) == (1, 1, 0)
