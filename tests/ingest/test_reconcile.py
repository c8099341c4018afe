"""A file reconciled with its own totals (issue 12, item 11; DATA.md "Loading rules").

Each file below ends with «Итого» (some have subtotals); the sums are worked out by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR

HEAD = "Дата;№ карты;Врач;Услуга;Сумма\n"


def test_lines_that_add_up_to_the_total_say_so(st):
    text = HEAD + ("01.02.2025;1;Иванова;Приём;1 500\n"
                   "02.02.2025;2;Иванова;Снимок;700,50\n"
                   "Итого;;;;2 200,50\n")
    r = st.load("услуги.csv", text)
    rec = r.reconciliation
    assert (rec.file_total, rec.loaded_total, rec.total_source) == (
        Decimal("2200.50"), Decimal("2200.50"), "total")
    assert rec.agrees
    assert r.reconciliation_text("ru") == "Сумма строк 2 200,50 ₽ = итог файла."
    assert r.reconciliation_text("en") == "The lines add up to 2,200.50 ₽ = the file's total."
    assert st.rows("select file_total, loaded_total, rejected_unread from batches") == [
        (Decimal("2200.50"), Decimal("2200.50"), 0)
    ]


def test_a_difference_made_by_rejected_lines_is_named(st):
    text = HEAD + ("01.02.2025;1;Иванова;Приём;1 500\n"
                   "31.02.2025;2;Иванова;Снимок;700\n"   # no such date: rejected, 700 ₽
                   "03.02.2025;3;Петров;Пломба;3 000\n"
                   "Итого;;;;5 200\n")
    r = st.load("услуги.csv", text)
    rec = r.reconciliation
    # by hand: loaded 1 500 + 3 000 = 4 500; the total 5 200; 700 apart = the rejected line
    assert (rec.loaded_total, rec.difference, rec.rejected_total) == (4500, 700, 700)
    assert rec.explained
    assert r.reconciliation_text("ru") == (
        "Сумма загруженных строк 4 500 ₽, итог файла 5 200 ₽: разница 700 ₽ — это отклонённые "
        "строки.")


def test_a_difference_nothing_explains_asks_to_check_the_file(st):
    text = HEAD + ("01.02.2025;1;Иванова;Приём;1 500\n"
                   "02.02.2025;2;Иванова;Снимок;н/д\n"   # rejected, its amount unreadable
                   "Итого;;;;2 500\n")
    r = st.load("услуги.csv", text)
    assert r.reconciliation.difference == 1000 and not r.reconciliation.explained
    assert r.reconciliation_text("ru") == (
        "Сумма загруженных строк 1 500 ₽, итог файла 2 500 ₽: разница 1 000 ₽; отклонённые "
        "строки дают 0 ₽, у 1 строки сумма не читается. Проверьте файл.")


def test_subtotals_and_a_grand_total_compare_the_grand_total(st):
    text = HEAD + ("01.02.2025;1;Иванова;Приём;1 000\n"
                   "Итого по врачу Иванова;;;;1 000\n"
                   "02.02.2025;2;Петров;Пломба;2 000\n"
                   "03.02.2025;3;Петров;Снимок;500\n"
                   "Итого по врачу Петров;;;;2 500\n"
                   "Итого:;;;;3 500\n")
    r = st.load("услуги.csv", text)
    assert (r.rows_new, r.rows_skipped) == (3, 3)
    assert (r.reconciliation.file_total, r.reconciliation.total_source) == (3500, "total")
    assert r.reconciliation.agrees


def test_subtotals_alone_are_added_up(st):
    text = HEAD + ("01.02.2025;1;Иванова;Приём;1 000\n"
                   "Итого по врачу Иванова;;;;1 000\n"
                   "02.02.2025;2;Петров;Пломба;2 000\n"
                   "Итого по врачу Петров;;;;2 100\n")   # the file's own subtotal is off by 100
    r = st.load("услуги.csv", text)
    assert (r.reconciliation.file_total, r.reconciliation.total_source) == (3100, "subtotals")
    assert r.reconciliation_text("ru").startswith(
        "Сумма загруженных строк 3 000 ₽, сумма промежуточных итогов 3 100 ₽: разница 100 ₽")


def test_a_file_without_a_total_has_no_reconciliation(st):
    r = st.load("услуги.csv", HEAD + "01.02.2025;1;Иванова;Приём;1 500\n")
    assert r.reconciliation is None
    assert st.rows("select file_total from batches") == [(None,)]


def test_the_cli_prints_it_and_its_json_carries_it(tmp_path):
    source = tmp_path / "услуги.csv"
    source.write_text(HEAD + "01.02.2025;1;Иванова;Приём;1 500\nИтого;;;;1 500\n",
                      encoding="utf-8")
    db = tmp_path / "s.duckdb"
    run = subprocess.run([sys.executable, "-m", "clinic_bi", "ingest", str(source), "--db", str(db)],
                         cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    assert "= сверка с итогом файла: Сумма строк 1 500 ₽ = итог файла." in run.stdout
    run = subprocess.run([sys.executable, "-m", "clinic_bi", "ingest", str(source), "--db",
                          str(tmp_path / "t.duckdb"), "--format", "json"],
                         cwd=PROJECT_DIR, capture_output=True, text=True, check=True)
    (result,) = json.loads(run.stdout)
    assert result["reconciliation"]["agrees"] is True
    assert result["reconciliation"]["file_total"] == 1500


def test_a_journal_row_lists_the_reconciliation(st):
    st.load("услуги.csv", HEAD + "01.02.2025;1;Иванова;Приём;1 500\nИтого;;;;1 600\n")
    row = loader.list_batches(st.con).iloc[0]
    assert (row["file_total"], row["loaded_total"]) == (1600, 1500)


def test_nested_subtotals_alone_sum_one_level_the_outermost(st):
    text = HEAD + ("01.02.2025;1;Иванова;Приём;1 000\n"
                   "Итого по врачу Иванова;;;;1 000\n"
                   "02.02.2025;2;Петров;Пломба;4 000\n"
                   "Итого по врачу Петров;;;;4 000\n"
                   "Итого по отделению Терапия;;;;5 000\n")
    r = st.load("услуги.csv", text)
    # by hand: both levels add up to 5 000; summing all three rows would say 10 000
    assert (r.reconciliation.file_total, r.reconciliation.total_source) == (5000, "subtotals")
    assert r.reconciliation.agrees
