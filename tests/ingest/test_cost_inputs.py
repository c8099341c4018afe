"""The three cost inputs (DATA.md "service_costs", "pay_rules", "fixed_costs"): each file shape
is recognised from its headers and loads with the exact values; a later row with the same key
replaces the earlier one and removing its batch puts it back; bad values are rejected with
their reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from clinic_bi.ingest import loader
from clinic_bi.ingest.mapping import MappingError, detect

D = Decimal


def _xlsx(st, name: str, rows: list[list]):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    path = st.root / "files" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _reasons(st) -> list[tuple]:
    return st.rows("select row_number, column_name, value, reason from rejects "
                   "order by row_number")


# --- service_costs ------------------------------------------------------------------------------

def test_a_price_list_with_a_cost_column_loads_the_cost_per_unit(st):
    path = _xlsx(st, "прайс.xlsx", [
        ["Код услуги", "Наименование услуги", "Раздел прайса", "Цена", "Себестоимость",
         "Действует с"],
        ["ТЕР04", "Лечение кариеса", "Терапия", 5000, 750, None],
        ["ОРТ03", "Коронка металлокерамическая", "Ортопедия", 18000, "7 560,00 ₽", None],
        ["ОРТ03", "Коронка металлокерамическая", "Ортопедия", 18000, 8470, "01.06.2026"],
        ["КОНС", None, None, 1000, 0, None],  # a code alone is enough; a zero cost is a cost
    ])
    r = loader.ingest_file(st.con, path, st.salt)
    assert (r.kind, r.rows_new, r.rows_rejected) == ("service_costs", 4, 0)
    # the price is read and thrown away; the price list's section is no department
    assert r.mapping["Цена"] == "_price" and "Раздел прайса" in r.ignored_columns
    assert st.rows("select service_code, service, cost, valid_from, department, cost_id "
                   "from service_costs order by _row") == [
        ("ТЕР04", "Лечение кариеса", D("750.00"), None, None, "ТЕР04|Лечение кариеса||"),
        ("ОРТ03", "Коронка металлокерамическая", D("7560.00"), None, None,
         "ОРТ03|Коронка металлокерамическая||"),
        ("ОРТ03", "Коронка металлокерамическая", D("8470.00"), dt.date(2026, 6, 1), None,
         "ОРТ03|Коронка металлокерамическая|2026-06-01|"),
        ("КОНС", None, D("0.00"), None, None, "КОНС|||"),
    ]


def test_a_later_cost_of_the_same_service_and_date_replaces_it_and_removal_restores_it(st):
    first = st.load("costs.csv", "Код услуги;Услуга;Материалы;Отделение\n"
                                 "ТЕР04;Лечение кариеса;750;\n"
                                 "ТЕР04;Лечение кариеса;900;Детская стоматология\n")
    assert (first.kind, first.rows_new) == ("service_costs", 2)
    second = st.load("costs_2.csv", "Код услуги;Услуга;Материалы\n"
                                    "ТЕР04;Лечение кариеса;800\n")
    assert (second.rows_new, second.rows_replaced) == (0, 1)
    costs = "select cost, department from service_costs order by department nulls first"
    # the department's own cost is another identity: it stays
    assert st.rows(costs) == [(D("800.00"), None), (D("900.00"), "Детская стоматология")]
    assert st.one("select count(*) from service_costs__replaced") == 1
    loader.remove_batch(st.con, second.batch_id)
    assert st.rows(costs) == [(D("750.00"), None), (D("900.00"), "Детская стоматология")]
    assert st.one("select count(*) from service_costs__replaced") == 0


def test_bad_costs_are_rejected_with_their_reasons(st):
    r = st.load("себестоимость.csv",
                "Код услуги;Услуга;Себестоимость;Действует с\n"
                "ТЕР04;Лечение кариеса;750;\n"
                "ТЕР05;Пломба;-100;\n"
                ";;500;\n"
                "ТЕР06;Пульпит;много;\n"
                "ТЕР07;Периодонтит;;\n"
                "ТЕР08;Микроскоп;1200;с весны\n")
    assert (r.rows_new, r.rows_rejected) == (1, 5)
    assert _reasons(st) == [
        (3, "cost", "-100", "cost_negative"),
        (4, "service", None, "cost_no_service"),
        (5, "cost", "много", "unreadable;what=money"),
        (6, "cost", None, "empty"),
        (7, "valid_from", "с весны", "unreadable;what=date"),
    ]
    words = [i.reason.in_lang("en") for i in r.issues]
    assert "a cost below zero" in words
    assert "neither the service's code nor its name" in words


# --- pay_rules ----------------------------------------------------------------------------------

PAY_CSV = """Врач;Отделение;Схема оплаты;Процент;Действует с;Роль
;;% после материалов;30 %;;
;Ортопедия;% от выручки;25%;;врач
Павлова Ю. Р.;Гигиена;в час;1 800 ₽;;
;Хирургия;за вычетом материалов;0,05;;ассистент
Иванова А. С.;;почасовая;2000;01.03.2026;доктор
Петров Д. В.;;оклад;120 000;;
Соколов М. А.;;from revenue;30;;
Соколов М. А.;;% от выручки;30;;
Кузнецова Е. Н.;;% от выручки;много;;
Волкова Т. И.;;% от выручки;150 %;;
Козлов А. П.;;в месяц;-5000;;
Зайцев С. Г.;;в час;30 %;;
Морозова Н. В.;;% от выручки;30 %;;уборщица
Орлова В. К.;;% от выручки;1;;
Орлова В. К.;Терапия;% от выручки;1 %;;
Орлова В. К.;;не действует;;01.06.2026;
"""


def test_a_pay_rules_file_with_russian_words_and_percent_rates(st):
    r = st.load("оплата_врачей.csv", PAY_CSV)
    assert (r.kind, r.rows_new, r.rows_rejected) == ("pay_rules", 9, 7)
    assert st.rows("select doctor, department, basis, rate, valid_from, role from pay_rules "
                   "order by _row") == [
        (None, None, "after_materials", D("0.3000"), None, "doctor"),  # "30 %"
        (None, "Ортопедия", "revenue", D("0.2500"), None, "doctor"),  # "25%"
        ("Павлова Ю. Р.", "Гигиена", "hour", D("1800.0000"), None, "doctor"),  # rubles
        (None, "Хирургия", "after_materials", D("0.0500"), None, "assistant"),  # "0,05"
        ("Иванова А. С.", None, "hour", D("2000.0000"), dt.date(2026, 3, 1), "doctor"),
        ("Петров Д. В.", None, "month", D("120000.0000"), None, "doctor"),
        ("Соколов М. А.", None, "revenue", D("0.3000"), None, "doctor"),  # "30" is 30 %
        ("Орлова В. К.", "Терапия", "revenue", D("0.0100"), None, "doctor"),  # "1 %"
        # withdrawn from 01.06: no rate needed
        ("Орлова В. К.", None, "none", D("0.0000"), dt.date(2026, 6, 1), "doctor"),
    ]
    assert st.one("select rule_id from pay_rules where doctor = 'Иванова А. С.'") == (
        "Иванова А. С.||doctor|2026-03-01")
    assert _reasons(st) == [
        (8, "basis", "from revenue", "unreadable;what=pay_basis"),
        (10, "rate", "много", "unreadable;what=pay_rate"),
        (11, "rate", "150 %", "pay_rate_over_100"),
        (12, "rate", "-5000", "pay_rate_negative"),
        (13, "rate", "30 %", "unreadable;what=pay_rate"),  # a % sign on a ruble basis
        (14, "role", "уборщица", "unreadable;what=pay_role"),
        (15, "rate", "1", "pay_rate_ambiguous"),  # 100 % or 1 %? not guessed
    ]
    words = [i.reason.in_lang("en") for i in r.issues]
    assert any("a pay basis: % of revenue, % after materials, per hour or salary" in w
               for w in words)
    assert any("above 100 %" in w for w in words)
    assert any("may mean 100 % or 1 %" in w for w in words)


def test_a_later_rule_of_the_same_doctor_replaces_it_and_removal_restores_it(st):
    st.load("pay.csv", "Врач;Схема оплаты;Ставка\nСоколов М. А.;% от выручки;25 %\n")
    later = st.load("pay2.csv", "Врач;Схема оплаты;Ставка\nСоколов М. А.;% после материалов;0,3\n")
    assert (later.kind, later.rows_replaced) == ("pay_rules", 1)
    assert st.rows("select basis, rate from pay_rules") == [("after_materials", D("0.3000"))]
    loader.remove_batch(st.con, later.batch_id)
    assert st.rows("select basis, rate from pay_rules") == [("revenue", D("0.2500"))]


# --- fixed_costs --------------------------------------------------------------------------------

def test_a_fixed_costs_file_loads_per_month_item_and_branch(st):
    path = _xlsx(st, "постоянные.xlsx", [
        ["Месяц", "Филиал", "Статья", "Сумма, ₽"],
        ["октябрь 2026", "Центр", "Аренда", 450000],
        ["10.2026", "Север", "Аренда", "300 000"],
        [dt.datetime(2026, 10, 15), None, "Администраторы", 400000],  # a date: its month
        ["2026-11", "Центр", "Аренда", -1],
        ["2026-11", "Центр", None, 1000],
        ["ноябрь", "Центр", "Аренда", 1000],
    ])
    r = loader.ingest_file(st.con, path, st.salt)
    assert (r.kind, r.rows_new, r.rows_rejected) == ("fixed_costs", 3, 3)
    assert st.rows("select month, item, amount, department, branch, fixed_cost_id "
                   "from fixed_costs order by _row") == [
        (dt.date(2026, 10, 1), "Аренда", D("450000.00"), None, "Центр", "2026-10|Аренда||Центр"),
        (dt.date(2026, 10, 1), "Аренда", D("300000.00"), None, "Север", "2026-10|Аренда||Север"),
        (dt.date(2026, 10, 1), "Администраторы", D("400000.00"), None, None,
         "2026-10|Администраторы||"),
    ]
    assert _reasons(st) == [
        (5, "amount", "-1", "fixed_cost_negative"),
        (6, "item", None, "empty"),
        (7, "month", "ноябрь", "unreadable;what=month"),
    ]
    # a corrected month replaces the amount; removing the correction puts it back
    fix = st.load("аренда.csv", "Месяц;Статья;Сумма;Филиал\n2026-10;Аренда;470000;Центр\n")
    assert (fix.kind, fix.rows_replaced) == ("fixed_costs", 1)
    rent = "select amount from fixed_costs where fixed_cost_id = '2026-10|Аренда||Центр'"
    assert st.one(rent) == D("470000.00")
    loader.remove_batch(st.con, fix.batch_id)
    assert st.one(rent) == D("450000.00")


# --- recognition by headers ---------------------------------------------------------------------

@pytest.mark.parametrize(("headers", "table"), [
    (["Код", "Наименование", "Цена", "Себестоимость"], "service_costs"),
    (["Услуга", "Стоимость материалов", "Дата начала"], "service_costs"),
    (["Артикул", "Материалы"], "service_costs"),
    (["Врач", "Отделение", "Схема оплаты", "Процент"], "pay_rules"),
    (["Сотрудник", "Роль", "Схема", "Ставка", "Действует с"], "pay_rules"),
    (["Месяц", "Статья", "Сумма", "Отделение", "Филиал"], "fixed_costs"),
    (["Период", "Статья расходов", "Сумма"], "fixed_costs"),
    # the exports that were there before are still what they were
    (["Месяц", "Канал", "Расход"], "marketing_spend"),
    (["Дата приёма", "№ карты", "Врач", "Код услуги", "Услуга", "Цена", "Сумма", "Отделение"],
     "services"),
    (["Месяц", "Уровень", "Направление или врач", "Показатель", "Цель"], "goals"),
])
def test_recognised_by_headers(headers: list[str], table: str) -> None:
    assert detect(headers, [], "file.csv").table == table


def test_a_price_list_without_a_cost_is_no_cost_file() -> None:
    with pytest.raises(MappingError):
        detect(["Код", "Наименование", "Цена"], [], "прайс.csv")


def test_a_store_without_the_cost_tables_still_reads(tmp_path) -> None:
    """A store the previous release wrote has none of the three tables until a writer opens it:
    the engine (read-only) reads them as empty, and the next writer creates them."""
    from clinic_bi import store
    from clinic_bi.metrics import Engine

    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    for table in ("service_costs", "pay_rules", "fixed_costs"):
        con.execute(f"drop table {table}__replaced")
        con.execute(f"drop table {table}")
    con.close()
    with Engine(path) as engine:
        facts = engine.facts()
        assert (facts.service_costs_rows, facts.pay_rules_rows, facts.fixed_costs_rows) == (0, 0, 0)
    con = store.connect(path)
    assert con.execute("select count(*) from fixed_costs__replaced").fetchone()[0] == 0
    con.close()
