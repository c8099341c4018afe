"""Рентабельность (pages/13_margins.py) in AppTest: the numbers on screen are the API's
(clinic_bi.metrics.margins) and the hand-worked ones, the unknown share is said (never a zero
cost), the allocation radio says which is used, English, and the notice without cost files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from clinic_bi import fmt
from clinic_bi.app import access
from clinic_bi.metrics import Engine, Filters, margins
from tests.app.clinic_home import run_app
from tests.metrics_fixtures import line, make_store

PAGE = "pages/13_margins.py"
# the page's default period: the last 12 months to the data's last day
PERIOD = Filters(date(2025, 12, 1), date(2026, 11, 30))

SERVICES = [
    # Имплант: 3 000 materials, pay 40 % × (10 000 − 3 000) = 2 800, margin 4 200 over 1 h
    line("2026-11-10", "p1", "Иванов", 10000, service="Имплант", duration_min=60,
         department="Хирургия"),
    # Пломба: materials 500, pay 40 % × 3 500 = 1 400, margin 2 100 over 1 h
    line("2026-11-20", "p2", "Петров", 4000, service="Пломба", duration_min=60,
         department="Терапия"),
    # Отбеливание: no cost row: unknown, 2 000 of 16 000 = 12,5 % of the revenue
    line("2026-11-30", "p3", "Петров", 2000, service="Отбеливание", duration_min=30,
         department="Терапия"),
]  # fmt: skip
COSTS = [{"service": "Имплант", "cost": 3000, "cost_id": "c1"},
         {"service": "Пломба", "cost": 500, "cost_id": "c2"}]  # fmt: skip
RULES = [{"basis": "after_materials", "rate": 0.40, "rule_id": "r1"}]
FIXED = [{"month": "2026-11-01", "item": "Аренда", "amount": 3000, "fixed_cost_id": "f1"}]


def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **tables) -> Path:
    db = make_store(tmp_path, services=SERVICES, **tables)
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(db))
    return db


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _home(tmp_path, monkeypatch, service_costs=COSTS, pay_rules=RULES, fixed_costs=FIXED)


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_page_shows_the_apis_numbers(clinic: Path) -> None:
    with Engine(clinic) as engine:
        s = margins.margin_summary(engine, PERIOD)
        o = margins.operating_margin(engine, PERIOD, "none")
        review = margins.price_review(engine, PERIOD)
    # by hand
    assert s["margin"] == 6300 and s["margin_share"] == pytest.approx(6300 / 14000)
    assert s["margin_per_hour"] == pytest.approx(3150)
    assert s["unknown_revenue_share"] == pytest.approx(0.125)
    assert o["operating_margin"] == pytest.approx(3300)
    at = run_app(page=PAGE)
    assert at.title[0].value == "Рентабельность"
    cards = _metrics(at)
    assert cards["Маржа"] == fmt.money(s["margin"], "ru") == "6 300 ₽"
    assert cards["Доля маржи"] == fmt.percent(s["margin_share"], "ru") == "45,0 %"
    assert cards["Маржа в час"] == "3 150 ₽"
    assert cards["Без себестоимости"] == "12,5 %"
    assert cards["Валовая маржа"] == "6 300 ₽"
    assert cards["Постоянные расходы"] == "3 000 ₽"
    assert cards["Операционная маржа"] == fmt.money(o["operating_margin"], "ru") == "3 300 ₽"
    text = _texts(at)
    assert "Нет себестоимости для 13 % выручки (2 000 ₽, 1 строка)" in text
    assert "нет цены материалов — 1" in text
    assert "не распределены" in text
    # the services table: Отбеливание's margin is "—", never 0
    services = next(d.value for d in at.dataframe if "Услуга" in d.value.columns
                    and "Строк без себестоимости" in d.value.columns)  # fmt: skip
    row = services.set_index("Услуга").loc["Отбеливание"]
    assert row["Маржа"] == fmt.DASH and row["Маржа в час"] == fmt.DASH
    # the price review: Пломба (2 100 an hour) below the median of the two (3 150):
    # 4 000 + (3 150 − 2 100) × 1 h = 5 050
    assert list(review["service"]) == ["Пломба"]
    assert review["price_needed"].iloc[0] == pytest.approx(5050)
    priced = next(d.value for d in at.dataframe if "Цена до медианы" in d.value.columns)
    assert list(priced["Цена до медианы"]) == ["5 050 ₽"]


def test_by_hours_says_so_and_moves_the_costs(clinic: Path) -> None:
    with Engine(clinic) as engine:
        o = margins.operating_margin(engine, PERIOD, "hours")
    at = run_app(page=PAGE)
    at.radio(key="mrg_allocate").set_value("hours").run()
    assert not at.exception
    assert "распределены по направлениям пропорционально часам" in _texts(at)
    table = next(d.value for d in at.dataframe if "Доля часов" in d.value.columns)
    shown = dict(zip(table["Направление"], table["Постоянные расходы"], strict=True))
    # Терапия has 1.5 of the 2.5 hours: 60 % of 3 000
    assert shown["Терапия"] == "1 800 ₽"
    assert {r["department"]: r["fixed_costs"] for r in o["departments"]}["Терапия"] == \
        pytest.approx(1800)


def test_english(clinic: Path) -> None:
    at = run_app({"lang": "en"}, page=PAGE)
    assert at.title[0].value == "Margins"
    cards = _metrics(at)
    assert cards["Margin"] == "6,300 ₽"
    assert cards["Margin share"] == "45.0%"
    assert "No cost for 13% of the revenue (2,000 ₽, 1 line)" in _texts(at)


def test_without_cost_files_a_notice_names_them(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    _home(tmp_path, monkeypatch)
    at = run_app(page=PAGE)
    assert not at.metric
    notice = " ".join(i.value for i in at.info)
    for name in ("себестоимость услуг", "правила оплаты", "постоянные расходы"):
        assert name in notice


def test_the_report_has_the_margin_section(clinic: Path) -> None:
    from clinic_bi.present import report

    built = report.build_report(clinic, PERIOD, ahead=True)
    # the JSON report: every value JSON can hold, the fixed cost's month as text
    assert json.loads(json.dumps(built))["margins"]["operating"]["items"][0]["month"] == (
        "2026-11-01")
    section = built["margins"]
    assert section["clinic"]["margin"] == 6300
    assert section["operating"]["operating_margin"] == pytest.approx(3300)
    assert [r["service"] for r in section["price_review"]] == ["Пломба"]
    text = report.format_text(built, "ru")
    assert "Маржа 6 300 ₽ (45,0 % выручки с известной себестоимостью)" in text
    assert "нет себестоимости для 13 % выручки (2 000 ₽, 1 строка)" in text
    assert "Операционная маржа 3 300 ₽: постоянные расходы 3 000 ₽ (не распределять)" in text
    assert "Пересмотр цен: 1 услуга ниже медианы маржи в час (3 150 ₽)" in text


def test_the_cli_report_takes_the_owners_allocation(clinic: Path, capsys) -> None:
    from clinic_bi import cli

    assert cli.main(["report", "--from", "2025-12-01", "--to", "2026-11-30", "--db", str(clinic),
                     "--format", "json", "--fixed-costs", "hours"]) == 0
    operating = json.loads(capsys.readouterr().out)["margins"]["operating"]
    assert operating["allocate"] == "hours"
    # the rent's 3 000 ₽ by chair hours: Хирургия 1 h, Терапия 1 h + 0.5 h of 2.5 h
    spread = {d["department"]: d["fixed_costs"] for d in operating["departments"]}
    assert spread == {"Хирургия": pytest.approx(1200), "Терапия": pytest.approx(1800)}


def test_the_rules_and_costs_tables_show_the_store(clinic: Path) -> None:
    # the clinic's one rule, 40 % after materials, shown in per cent with the page's words;
    # November's rent in the fixed costs table (the data's last month, the default pick)
    at = run_app(page=PAGE)
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    rules = next(v for v in tables if "basis" in v.columns and "rate" in v.columns)
    assert rules[["basis", "rate"]].values.tolist() == [["% после материалов", 40.0]]
    costs = next(v for v in tables if "item" in v.columns)
    assert costs[["item", "amount"]].values.tolist() == [["Аренда", 3000.0]]
    assert any(e.label == "Ставки врачей и постоянные расходы" for e in at.expander)


def test_without_cost_files_the_tables_are_there_to_type_in(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _home(tmp_path, monkeypatch)
    at = run_app(page=PAGE)
    assert not at.exception
    assert any(e.label == "Ставки врачей и постоянные расходы" for e in at.expander)
