"""Margins (METRICS.md "Margins"), each rule on a tiny hand-made store with the figures worked out
by hand in the test: materials (cost × quantity, code before name, the department's own row, the
latest valid_from), pay (the four rule levels, revenue / after_materials / hour / month bases, the
assistant), unknown lines (counted, never 0), fixed costs of a partial month and their allocation,
the price review."""

from __future__ import annotations

import json
from itertools import count
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from metrics_fixtures import engine_for, line, period

from clinic_bi.metrics import margins

_ids = count(1)
MARCH = period("2024-03-01", "2024-03-31")


def cost(service: str | None = None, amount: float = 0, **more: Any) -> dict[str, Any]:
    return {"service": service, "cost": amount, "cost_id": f"c{next(_ids)}", **more}


def rule(basis: str, rate: float, **more: Any) -> dict[str, Any]:
    return {"basis": basis, "rate": rate, "rule_id": f"r{next(_ids)}", **more}


def fixed(month: str, item: str, amount: float, **more: Any) -> dict[str, Any]:
    return {"month": month, "item": item, "amount": amount, "fixed_cost_id": f"f{next(_ids)}",
            **more}  # fmt: skip


def by_service(engine, f=MARCH) -> dict[str, dict[str, Any]]:
    frame = margins.margin_breakdown(engine, f, "service")
    return {r["service"]: r for r in frame.to_dict("records")}


def test_percentage_after_materials(tmp_path: Path) -> None:
    # 2 units × 1 500 = 3 000 materials; pay 40 % × (10 000 − 3 000) = 2 800;
    # margin 10 000 − 3 000 − 2 800 = 4 200, share 0.42
    engine = engine_for(
        tmp_path,
        services=[line("2024-03-05", "p1", "Иванов", 10000, service="Имплант", quantity=2)],
        service_costs=[cost("Имплант", 1500)],
        pay_rules=[rule("after_materials", 0.40, doctor="Иванов")],
    )
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["materials"] == 3000
    assert clinic["pay"] == 2800
    assert clinic["margin"] == 4200
    assert clinic["margin_share"] == pytest.approx(0.42)
    assert clinic["unknown_revenue_share"] == 0


def test_percentage_of_revenue_with_an_assistant(tmp_path: Path) -> None:
    # doctor 25 % × 8 000 = 2 000, assistant 5 % × 8 000 = 400; materials 600;
    # margin 8 000 − 600 − 2 400 = 5 000
    engine = engine_for(
        tmp_path,
        services=[line("2024-03-05", "p1", "Иванов", 8000)],
        service_costs=[cost("Приём", 600)],
        pay_rules=[rule("revenue", 0.25), rule("revenue", 0.05, role="assistant")],
    )
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["pay"] == 2400
    assert clinic["margin"] == 5000


def test_fixed_hourly_rate_and_a_line_without_duration(tmp_path: Path) -> None:
    # Лечение: 90 min × 1 200 ₽/h = 1 800 pay; margin 6 000 − 500 − 1 800 = 3 700 over 1.5 h
    # (2 466.67 per hour). Осмотр has no duration: hourly pay unknown, so its margin is unknown.
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 6000, service="Лечение", duration_min=90),
            line("2024-03-06", "p2", "Иванов", 1000, service="Осмотр"),
        ],
        service_costs=[cost("Лечение", 500), cost("Осмотр", 100)],
        pay_rules=[rule("hour", 1200, doctor="Иванов")],
    )
    rows = by_service(engine)
    assert rows["Лечение"]["pay"] == 1800
    assert rows["Лечение"]["margin"] == 3700
    assert rows["Лечение"]["margin_per_hour"] == pytest.approx(3700 / 1.5)
    assert pd.isna(rows["Осмотр"]["margin"])  # unknown, not 0
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["no_duration_lines"] == 1
    assert clinic["margin"] == 3700
    assert clinic["unknown_revenue_share"] == pytest.approx(1000 / 7000)


def test_a_cost_that_changed_mid_period(tmp_path: Path) -> None:
    # 1 000 from the beginning, 1 300 from 15 March: the 10th costs 1 000, the 15th and the 20th
    # 1 300; pay 25 % × 5 000 = 1 250 each; margin 15 000 − 3 600 − 3 750 = 7 650
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-10", "p1", "Иванов", 5000, service="Пломба"),
            line("2024-03-15", "p2", "Иванов", 5000, service="Пломба"),
            line("2024-03-20", "p3", "Иванов", 5000, service="Пломба"),
        ],
        service_costs=[
            cost("Пломба", 1000),
            cost("Пломба", 1300, valid_from="2024-03-15"),
        ],
        pay_rules=[rule("revenue", 0.25)],
    )
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["materials"] == 3600
    assert clinic["margin"] == 7650
    early = margins.margin_summary(engine, period("2024-03-01", "2024-03-14"))
    assert early["materials"] == 1000


def test_a_line_with_no_cost_is_unknown_and_counted(tmp_path: Path) -> None:
    # Коронка 8 000 (cost 1 000, pay 30 % = 2 400, margin 4 600); Отбеливание 2 000 has no cost
    # row: unknown, 20 % of revenue, not a margin of 2 000 − 600
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 8000, service="Коронка"),
            line("2024-03-06", "p2", "Иванов", 2000, service="Отбеливание"),
        ],
        service_costs=[cost("Коронка", 1000)],
        pay_rules=[rule("revenue", 0.30)],
    )
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["revenue"] == 10000
    assert clinic["known_revenue"] == 8000
    assert clinic["margin"] == 4600
    assert clinic["margin_share"] == pytest.approx(4600 / 8000)
    assert clinic["unknown_revenue_share"] == pytest.approx(0.2)
    assert (clinic["unknown_lines"], clinic["no_cost_lines"], clinic["no_rule_lines"]) == (1, 1, 0)
    assert pd.isna(by_service(engine)["Отбеливание"]["margin"])


def test_a_doctor_with_no_rule(tmp_path: Path) -> None:
    # only Иванов has a rule: Петров's 3 000 has unknown pay (not 0), 3 000 / 7 000 unknown
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 4000),
            line("2024-03-06", "p2", "Петров", 3000),
        ],
        service_costs=[cost("Приём", 0)],
        pay_rules=[rule("revenue", 0.5, doctor="Иванов")],
    )
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["margin"] == 2000
    assert clinic["no_rule_lines"] == 1
    assert clinic["unknown_revenue_share"] == pytest.approx(3 / 7)
    doctors = margins.margin_breakdown(engine, MARCH, "doctor").set_index("doctor")
    assert pd.isna(doctors.loc["Петров", "margin"])
    assert doctors.loc["Иванов", "margin"] == 2000


def test_the_rule_levels_in_order(tmp_path: Path) -> None:
    # that doctor and department 35 %, that doctor 30 %, the department 25 %, everyone 20 %;
    # every line 1 000 with no materials: pay = the rate × 1 000. s5: Иванов in Ортопедия, which
    # has a rule of its own (40 %) for every doctor: Иванов's own rule (30 %) comes first.
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 1000, service="s1", department="Терапия"),
            line("2024-03-05", "p2", "Иванов", 1000, service="s2", department="Хирургия"),
            line("2024-03-05", "p3", "Петров", 1000, service="s3", department="Терапия"),
            line("2024-03-05", "p4", "Петров", 1000, service="s4", department="Хирургия"),
            line("2024-03-05", "p5", "Иванов", 1000, service="s5", department="Ортопедия"),
        ],
        service_costs=[cost(s, 0) for s in ("s1", "s2", "s3", "s4", "s5")],
        pay_rules=[
            rule("revenue", 0.20),
            rule("revenue", 0.25, department="Терапия"),
            rule("revenue", 0.30, doctor="Иванов"),
            rule("revenue", 0.35, doctor="Иванов", department="Терапия"),
            rule("revenue", 0.40, department="Ортопедия"),
        ],
    )
    rows = by_service(engine)
    assert [rows[s]["pay"] for s in ("s1", "s2", "s3", "s4", "s5")] == [350, 300, 250, 200, 300]


def test_a_withdrawn_rule_hands_the_doctor_to_the_next_level(tmp_path: Path) -> None:
    # Иванов: 40 % of his own from the start, «не действует» from 10.03: from then on the
    # clinic's 20 % applies. Lines of 1 000 with no materials: 400 on 05.03, 200 on 15.03.
    # Петров's own rule withdrawn at the same date as it was set: only 20 % ever.
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 1000, service="s1"),
            line("2024-03-15", "p2", "Иванов", 1000, service="s2"),
            line("2024-03-15", "p3", "Петров", 1000, service="s3"),
        ],
        service_costs=[cost(s, 0) for s in ("s1", "s2", "s3")],
        pay_rules=[
            rule("revenue", 0.20),
            rule("revenue", 0.40, doctor="Иванов"),
            rule("none", 0, doctor="Иванов", valid_from="2024-03-10"),
            rule("none", 0, doctor="Петров"),
        ],
    )
    rows = by_service(engine)
    assert [rows[s]["pay"] for s in ("s1", "s2", "s3")] == [400, 200, 200]


def test_a_department_specific_cost_and_the_code_first(tmp_path: Path) -> None:
    # Коронка: 4 000 in general, 5 000 in Ортопедия; the code K1 row (3 000) beats the name rows
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 10000, service="Коронка", department="Ортопедия"),
            line("2024-03-06", "p2", "Иванов", 10000, service="Коронка", department="Терапия"),
            line("2024-03-07", "p3", "Иванов", 10000, service="Коронка ", service_code="K1"),
        ],
        service_costs=[
            cost("Коронка", 4000),
            cost("Коронка", 5000, department="Ортопедия"),
            cost("Коронка ", 9999),
            cost(None, 3000, service_code="K1"),
        ],
        pay_rules=[rule("revenue", 0)],
    )
    departments = margins.margin_breakdown(engine, MARCH, "department").set_index("department")
    assert departments.loc["Ортопедия", "materials"] == 5000
    assert departments.loc["Терапия", "materials"] == 4000
    assert margins.margin_summary(engine, MARCH)["materials"] == 12000


def test_a_monthly_salary_is_spread_by_revenue_share(tmp_path: Path) -> None:
    # 60 000 a month over March's 30 000 + 10 000: the 5th carries 60 000 × 3/4 = 45 000, the
    # 25th 15 000, even when the period holds only the 5th
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Сидоров", 30000),
            line("2024-03-25", "p2", "Сидоров", 10000),
        ],
        service_costs=[cost("Приём", 0)],
        pay_rules=[rule("month", 60000, doctor="Сидоров")],
    )
    first_half = margins.margin_summary(engine, period("2024-03-01", "2024-03-15"))
    assert first_half["pay"] == 45000
    assert first_half["margin"] == -15000
    assert margins.margin_summary(engine, MARCH)["margin"] == -20000


def _fixed_store(tmp_path: Path):
    # Терапия 21 March 10 000 (1 h), Хирургия 2 April 5 000 (3 h); pay 50 %, no materials:
    # margins 5 000 and 2 500. Rent 3 100 in March, 3 000 in April (whole clinic), Терапия's own
    # 620 in March.
    return engine_for(
        tmp_path,
        services=[
            line("2024-03-21", "p1", "Иванов", 10000, department="Терапия", duration_min=60),
            line("2024-04-02", "p2", "Петров", 5000, department="Хирургия", duration_min=180),
        ],
        service_costs=[cost("Приём", 0)],
        pay_rules=[rule("revenue", 0.5)],
        fixed_costs=[
            fixed("2024-03-01", "Аренда", 3100),
            fixed("2024-04-01", "Аренда", 3000),
            fixed("2024-03-01", "Ассистенты", 620, department="Терапия"),
        ],
    )


P_FIXED = period("2024-03-20", "2024-04-10")


def test_fixed_costs_of_partial_months_unallocated(tmp_path: Path) -> None:
    # 20 March – 10 April: March 12/31 days (rent 1 200, Терапия 240), April 10/30 (rent 1 000)
    # clinic: 7 500 − 2 440 = 5 060; Терапия 5 000 − 240 = 4 760; Хирургия 2 500; apart 2 200
    engine = _fixed_store(tmp_path)
    result = margins.operating_margin(engine, P_FIXED)
    assert result["fixed_costs"] == pytest.approx(2440)
    assert result["operating_margin"] == pytest.approx(5060)
    assert result["unallocated"] == pytest.approx(2200)
    deps = {r["department"]: r for r in result["departments"]}
    assert deps["Терапия"]["operating_margin"] == pytest.approx(4760)
    assert deps["Хирургия"]["operating_margin"] == pytest.approx(2500)


def test_fixed_costs_allocated_by_hours(tmp_path: Path) -> None:
    # 2 200 over 4 h: Терапия 1/4 → 240 + 550 = 790, 4 210; Хирургия 3/4 → 1 650, 850;
    # the clinic stays 5 060; a Терапия filter keeps Терапия's 790
    engine = _fixed_store(tmp_path)
    result = margins.operating_margin(engine, P_FIXED, allocate="hours")
    deps = {r["department"]: r for r in result["departments"]}
    assert deps["Терапия"]["operating_margin"] == pytest.approx(4210)
    assert deps["Хирургия"]["operating_margin"] == pytest.approx(850)
    assert result["operating_margin"] == pytest.approx(5060)
    one = margins.operating_margin(
        engine, period("2024-03-20", "2024-04-10", department="Терапия"), allocate="hours"
    )
    assert one["fixed_costs"] == pytest.approx(790)
    assert one["operating_margin"] == pytest.approx(4210)


def test_price_review_lists_the_worst_first(tmp_path: Path) -> None:
    # margin per hour 6 000, 4 000, 2 000, 1 500 (no costs, no pay): median 3 000; below it
    # Шинирование (1 500) before Аппликация (2 000), though А comes first in the alphabet
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 6000, service="Имплант", duration_min=60),
            line("2024-03-05", "p2", "Иванов", 4000, service="Пломба", duration_min=60),
            line("2024-03-05", "p3", "Иванов", 2000, service="Аппликация", duration_min=60),
            line("2024-03-05", "p4", "Иванов", 3000, service="Шинирование", duration_min=120),
        ],
        service_costs=[cost(s, 0) for s in ("Имплант", "Пломба", "Аппликация", "Шинирование")],
        pay_rules=[rule("revenue", 0)],
    )
    assert margins.price_review(engine, MARCH)["service"].tolist() == ["Шинирование", "Аппликация"]


def test_price_review(tmp_path: Path) -> None:
    # margin per hour 6 000, 4 000, 1 500 (no costs, no pay): median 4 000; Шинирование below:
    # 3 000 + (4 000 − 1 500) × 2 h per unit = 8 000 (8 000 over 2 h is the median)
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-03-05", "p1", "Иванов", 6000, service="Имплант", duration_min=60),
            line("2024-03-05", "p2", "Иванов", 4000, service="Пломба", duration_min=60),
            line("2024-03-05", "p3", "Иванов", 3000, service="Шинирование", duration_min=120),
        ],
        service_costs=[cost(s, 0) for s in ("Имплант", "Пломба", "Шинирование")],
        pay_rules=[rule("revenue", 0)],
    )
    review = margins.price_review(engine, MARCH)
    assert review["service"].tolist() == ["Шинирование"]
    assert review.loc[0, "median_margin_per_hour"] == pytest.approx(4000)
    assert review.loc[0, "price_needed"] == pytest.approx(8000)
    # the chair-hour proxy: 13 000 over 4 h
    assert margins.margin_summary(engine, MARCH)["margin_per_chair_hour"] == pytest.approx(3250)


def test_report_section(tmp_path: Path) -> None:
    bare = engine_for(tmp_path / "a", services=[line("2024-03-05", "p1", "Иванов", 1000)])
    assert margins.report_section(bare, MARCH) is None
    engine = _fixed_store(tmp_path / "b")
    section = margins.report_section(engine, P_FIXED)
    assert section["clinic"]["margin"] == 7500
    assert section["operating"]["operating_margin"] == pytest.approx(5060)
    json.dumps(section, default=str)  # JSON-ready (dates as str)


def test_hours_are_added_exactly(tmp_path: Path) -> None:
    """Ten 6-minute lines are 1 hour, not 0.9999999999999999: minutes are summed as decimals
    and divided once, so the sum does not depend on the order threads add doubles in (the JSON
    report's hours differed in the 15th digit from run to run)."""
    engine = engine_for(
        tmp_path,
        services=[line("2024-03-05", f"p{i}", "Иванов", 700, service="Осмотр", duration_min=6)
                  for i in range(10)],
        service_costs=[cost("Осмотр", 100)],
        pay_rules=[rule("revenue", 0.30, doctor="Иванов")],
    )
    clinic = margins.margin_summary(engine, MARCH)
    assert clinic["hours"] == 1.0  # exactly: 10 × 6 / 60
    # margin 10 × (700 − 100 − 210) = 3 900 in that one hour
    assert clinic["margin_per_hour"] == 3900.0
