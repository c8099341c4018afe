"""Pay rules and fixed costs edited in the Рентабельность page's tables (clinic_bi/store/
cost_edits.py): an edit is one upload of the journal through the normal ingest, a deleted rule
is withdrawn («не действует») and a deleted cost is 0 ₽, the same edit twice is two uploads,
a bad cell is rejected with its reason, removing the edit puts the earlier rows back."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pandas as pd

from clinic_bi import store
from clinic_bi.ingest import cost_edits as ce
from clinic_bi.ingest import loader
from clinic_bi.store.salt import load_or_create_salt

NOV = date(2026, 11, 1)


def _rules(con) -> list[tuple]:
    return con.execute("select doctor, department, role, valid_from, basis, rate from pay_rules "
                       "order by doctor nulls first, valid_from nulls first").fetchall()


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(ce.PAY_COLUMNS))


def test_pay_rules_edited_withdrawn_and_undone(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    salt = load_or_create_salt(db)
    empty = ce.stored_pay_rules(con)
    first = ce.save_edit(con, "pay_rules", ce.pay_rules_edit(empty, _frame([
        (None, None, "doctor", None, "after_materials", 30),
        ("Иванов А. С.", None, "doctor", date(2026, 3, 1), "hour", 1800),
        (None, "Хирургия", "assistant", None, "revenue", 1),  # 1 per cent, written «1 %»
    ])), salt, user="anna")
    assert (first.kind, first.rows_new, first.rows_rejected) == ("pay_rules", 3, 0)
    assert _rules(con) == [
        (None, None, "doctor", None, "after_materials", D("0.3000")),
        (None, "Хирургия", "assistant", None, "revenue", D("0.0100")),
        ("Иванов А. С.", None, "doctor", date(2026, 3, 1), "hour", D("1800.0000")),
    ]
    name = con.execute("select file_name from batches where batch_id = $b",
                       {"b": first.batch_id}).fetchone()[0]
    assert name.startswith("Рентабельность — ставки врачей, правка на странице (anna)")

    # the page shows the stored rules with the % bases in per cent
    shown = ce.stored_pay_rules(con)
    assert shown["rate"].tolist() == [30.0, 1.0, 1800.0]
    # 30 % → 25 %, and Иванов's rule deleted: one upload, a changed rule and a withdrawn one
    edited = shown.copy()
    edited.loc[0, "rate"] = 25
    edited = edited[edited["doctor"].isna()]
    rows = ce.pay_rules_edit(shown, edited)
    assert [(r["basis"], r["rate"]) for r in rows] == [("% после материалов", "25 %"),
                                                      ("не действует", "")]
    second = ce.save_edit(con, "pay_rules", rows, salt)
    assert (second.rows_new, second.rows_replaced) == (0, 2)
    assert ("Иванов А. С.", None, "doctor", date(2026, 3, 1), "none", D("0")) in _rules(con)
    assert ce.stored_pay_rules(con)["doctor"].isna().all()  # the withdrawn rule is not shown

    # back to 30 %: the same cells as the first save, still a new upload (not "already loaded")
    back = ce.stored_pay_rules(con)
    again = back.copy()
    again.loc[again["basis"] == "after_materials", "rate"] = 30
    third = ce.save_edit(con, "pay_rules", ce.pay_rules_edit(back, again), salt)
    assert third.batch_id is not None and third.rows_replaced == 1
    assert con.execute("select rate from pay_rules where basis = 'after_materials'").fetchall() == [
        (D("0.3000"),)]

    # removing the second edit on Данные: 25 % is gone for good, Иванов's rule is back
    loader.remove_batch(con, third.batch_id)
    loader.remove_batch(con, second.batch_id)
    assert _rules(con)[-1] == ("Иванов А. С.", None, "doctor", date(2026, 3, 1), "hour",
                               D("1800.0000"))


def test_a_rate_the_ingest_refuses_is_rejected_with_its_reason(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    result = ce.save_edit(con, "pay_rules", ce.pay_rules_edit(ce.stored_pay_rules(con), _frame([
        (None, None, "doctor", None, "revenue", 150),
    ])), load_or_create_salt(db))
    assert (result.rows_new, result.rows_rejected) == (0, 1)
    assert [i.reason.key for i in result.issues] == ["reason_pay_rate_over_100"]
    assert _rules(con) == []


def test_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "s.duckdb")
    assert ce.pay_rules_edit(_frame([]), _frame([])) == []
    assert ce.save_edit(con, "pay_rules", [], "salt") is None
    assert con.execute("select count(*) from batches").fetchone()[0] == 0


def test_fixed_costs_of_a_month_edited_and_a_deleted_item_is_zero(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    salt = load_or_create_salt(db)
    before = ce.stored_fixed_costs(con, NOV)
    after = pd.DataFrame([("Аренда", None, None, 450000.0), ("Администраторы", None, None, 180000.0)],
                         columns=list(ce.FIXED_COLUMNS))
    first = ce.save_edit(con, "fixed_costs", ce.fixed_costs_edit(before, after, NOV), salt)
    assert (first.kind, first.rows_new) == ("fixed_costs", 2)
    held = ce.stored_fixed_costs(con, NOV)
    assert dict(zip(held["item"], held["amount"], strict=True)) == {"Администраторы": 180000.0,
                                                       "Аренда": 450000.0}
    ce.save_edit(con, "fixed_costs", ce.fixed_costs_edit(held, held[held["item"] == "Аренда"], NOV),
                 salt)
    assert con.execute("select item, amount from fixed_costs where month = $m order by item",
                       {"m": NOV}).fetchall() == [("Администраторы", D("0.00")),
                                                   ("Аренда", D("450000.00"))]
    assert ce.stored_fixed_costs(con, NOV)["item"].tolist() == ["Аренда"]


def test_the_same_edit_twice_is_two_uploads(tmp_path: Path) -> None:
    # 30 % → 25 % → 30 %: the third save writes the very cells of the first; were it taken
    # for "this file is already loaded", the store would keep 25 %
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    salt = load_or_create_salt(db)
    for rate in (30, 25, 30):
        held = ce.stored_pay_rules(con)
        ce.save_edit(con, "pay_rules", ce.pay_rules_edit(
            held, _frame([(None, None, "doctor", None, "revenue", rate)])), salt)
    assert _rules(con) == [(None, None, "doctor", None, "revenue", D("0.3000"))]
    assert con.execute("select count(*) from batches").fetchone()[0] == 3


def test_a_date_typed_as_text_is_the_same_rule_and_a_wrong_one_is_rejected(tmp_path: Path) -> None:
    """The page shows «Действует с» as text (an empty one blank, not «None»): the stored rule
    typed back as «01.03.2026» is unchanged; «31.13.2026» reaches the load as typed and is
    rejected there with its reason, instead of the rule applying from the beginning."""
    db = tmp_path / "s.duckdb"
    con = store.connect(db)
    salt = load_or_create_salt(db)
    ce.save_edit(con, "pay_rules", ce.pay_rules_edit(ce.stored_pay_rules(con), _frame([
        ("Иванов А. С.", None, "doctor", date(2026, 3, 1), "hour", 1800),
    ])), salt)
    stored = ce.stored_pay_rules(con)
    as_shown = _frame([("Иванов А. С.", "", "doctor", "01.03.2026", "hour", 1800.0)])
    assert ce.pay_rules_edit(stored, as_shown) == []
    wrong = _frame([("Иванов А. С.", "", "doctor", "31.13.2026", "hour", 1800.0)])
    lines = ce.pay_rules_edit(stored, wrong)
    assert [line["valid_from"] for line in lines] == ["31.13.2026", "01.03.2026"]
    result = ce.save_edit(con, "pay_rules", lines, salt)
    assert result.rows_rejected == 1
    assert [i.value for i in result.issues] == ["31.13.2026"]
    # the page saves nothing while a date is unreadable; it names the row and the text
    assert ce.unreadable_dates(wrong) == [(1, "31.13.2026")]
    assert ce.unreadable_dates(as_shown) == []
