"""METRICS.md "Revenue and activity", "Services", the monthly trend, and the filters.

The data set (March 2025 is the period unless a test says otherwise):

    P3  2025-02-15  Иванова  Терапия   —      2000                 (before the period)
    P1  2025-03-03  Иванова  Терапия   V1     Лечение 5000 (60 min), Рентген 500 (10 min)
    P1  2025-03-10  Иванова  Терапия   —      Лечение 4000 (no duration), Анестезия 800
    P2  2025-03-10  Петров   Хирургия  V3     Удаление 3000, Удаление -3000 (refund, qty -1),
                                              Консультация 1000
    P1  2025-04-01  Иванова  Терапия   V5     Лечение 7000         (after the period)

Branch: V1's lines are in "Центр"; the others have none.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from metrics_fixtures import engine_for, line, period

from clinic_bi.metrics import Engine

MARCH = period("2025-03-01", "2025-03-31")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    ter = {"department": "Терапия"}
    return engine_for(
        tmp_path,
        services=[
            line("2025-02-15", "P3", "Иванова", 2000, **ter),
            line("2025-03-03", "P1", "Иванова", 5000, service="Лечение", visit_id="V1",
                 duration_min=60, branch="Центр", **ter),
            line("2025-03-03", "P1", "Иванова", 500, service="Рентген", visit_id="V1",
                 duration_min=10, branch="Центр", **ter),
            line("2025-03-10", "P1", "Иванова", 4000, service="Лечение", **ter),
            line("2025-03-10", "P1", "Иванова", 800, service="Анестезия", **ter),
            line("2025-03-10", "P2", "Петров", 3000, service="Удаление", visit_id="V3",
                 department="Хирургия"),
            line("2025-03-10", "P2", "Петров", -3000, service="Удаление", visit_id="V3",
                 quantity=-1, department="Хирургия"),
            line("2025-03-10", "P2", "Петров", 1000, service="Консультация", visit_id="V3",
                 department="Хирургия"),
            line("2025-04-01", "P1", "Иванова", 7000, service="Лечение", visit_id="V5", **ter),
        ],
    )  # fmt: skip


def test_revenue_visits_patients_and_their_ratios(engine: Engine) -> None:
    s = engine.summary(MARCH)
    # 5000 + 500 + 4000 + 800 + 3000 - 3000 (the refund counts) + 1000 = 11 300
    assert s.revenue == 11300
    # visit keys: V1; (P1, Иванова, 03-10) for the two lines without visit_id; V3
    assert s.visits == 3
    assert s.patients == 2  # P1, P2
    assert s.avg_check == pytest.approx(11300 / 3)  # 3766.67
    assert s.revenue_per_patient == 5650  # 11300 / 2
    assert s.visits_per_patient == 1.5  # 3 / 2


def test_services_quantity_share_abc_price_and_revenue_per_hour(engine: Engine) -> None:
    rows = engine.services(MARCH).set_index("service")
    # by revenue: Лечение 9000, Консультация 1000, Анестезия 800, Рентген 500, Удаление 0
    assert list(rows.index) == ["Лечение", "Консультация", "Анестезия", "Рентген", "Удаление"]
    assert rows.loc["Лечение", "quantity"] == 2  # V1 + the 03-10 line
    assert rows.loc["Лечение", "revenue"] == 9000
    assert rows.loc["Лечение", "share"] == pytest.approx(9000 / 11300)
    assert rows.loc["Лечение", "avg_price"] == 4500  # 9000 / 2
    assert rows.loc["Лечение", "patients"] == 1
    # Удаление: 3000 and its refund: quantity 1 - 1 = 0, revenue 0, avg_price has no denominator
    assert rows.loc["Удаление", "quantity"] == 0
    assert rows.loc["Удаление", "revenue"] == 0
    assert pd.isna(rows.loc["Удаление", "avg_price"])
    assert pd.isna(rows.loc["Удаление", "revenue_per_hour"])  # 0 planned minutes
    # ABC by the cumulative share *before* each service (total 11 300):
    #   Лечение 0 -> A; Консультация 9000/11300 = 79.6 % < 80 % -> A;
    #   Анестезия 10000/11300 = 88.5 % < 95 % -> B; Рентген 10800/11300 = 95.6 % -> C;
    #   Удаление 11300/11300 -> C
    assert list(rows["abc"]) == ["A", "A", "B", "C", "C"]
    # revenue per hour over the lines that have a duration: Лечение 5000 / (1 x 60 / 60) = 5000
    # (the 4000 line has no duration and stays out of both sides); Рентген 500 / (10 / 60) = 3000
    assert rows.loc["Лечение", "revenue_per_hour"] == pytest.approx(5000)
    assert rows.loc["Рентген", "revenue_per_hour"] == pytest.approx(3000)
    assert pd.isna(rows.loc["Консультация", "revenue_per_hour"])  # no line has a duration


def test_doctor_and_department_shares(engine: Engine) -> None:
    doctors = engine.doctors(MARCH).set_index("doctor")
    assert list(doctors.index) == ["Иванова", "Петров"]  # by revenue
    assert doctors.loc["Иванова", "revenue"] == 10300  # 5000 + 500 + 4000 + 800
    assert doctors.loc["Иванова", "share"] == pytest.approx(10300 / 11300)
    assert doctors.loc["Иванова", "avg_check"] == 5150  # 10300 / 2 visits
    assert doctors.loc["Иванова", "main_department"] == "Терапия"
    assert doctors.loc["Петров", "share"] == pytest.approx(1000 / 11300)
    departments = engine.departments(MARCH).set_index("department")
    assert departments.loc["Хирургия", "revenue"] == 1000
    assert departments.loc["Хирургия", "visits"] == 1
    branches = engine.branches(MARCH)
    # lines without a branch form one row (branch null): 4000 + 800 + 3000 - 3000 + 1000 = 5800
    assert pd.isna(branches["branch"][0])
    assert branches["revenue"].tolist() == [5800, 5500]  # then Центр: V1's 5000 + 500
    assert branches["visits"].tolist() == [2, 1]


def test_filters_narrow_the_lines(engine: Engine) -> None:
    ivanova = engine.summary(period("2025-03-01", "2025-03-31", doctor="Иванова"))
    assert (ivanova.revenue, ivanova.visits, ivanova.patients) == (10300, 2, 1)
    both = engine.summary(period("2025-03-01", "2025-03-31", doctor=["Иванова", "Петров"]))
    assert both.revenue == 11300  # a list of doctors: the union
    surgery = engine.summary(period("2025-03-01", "2025-03-31", department="Хирургия"))
    assert (surgery.revenue, surgery.visits) == (1000, 1)  # V3: 3000 - 3000 + 1000
    centre = engine.summary(period("2025-03-01", "2025-03-31", branch="Центр"))
    assert (centre.revenue, centre.visits) == (5500, 1)  # V1 only: 5000 + 500
    services = engine.services(period("2025-03-01", "2025-03-31", branch="Центр"))
    assert services["revenue"].sum() == 5500
    assert list(services["share"]) == pytest.approx([5000 / 5500, 500 / 5500])
    nobody = engine.summary(period("2025-03-01", "2025-03-31", doctor="Сидоров"))
    assert (nobody.revenue, nobody.visits, nobody.avg_check) == (0, 0, None)


def test_monthly_trend(engine: Engine) -> None:
    months = engine.monthly(period("2025-02-01", "2025-04-30"))
    assert [m.strftime("%Y-%m") for m in months["month"]] == ["2025-02", "2025-03", "2025-04"]
    # February: P3's 2000, one visit, P3 new (first(P3) = 02-15)
    # March: 11 300 over 3 visits, P1 and P2 both new (first 03-03 and 03-10)
    # April: P1's 7000, a returning visit
    assert list(months["revenue"]) == [2000, 11300, 7000]
    assert list(months["visits"]) == [1, 3, 1]
    assert list(months["patients"]) == [1, 2, 1]
    assert list(months["new_patients"]) == [1, 2, 0]
    assert list(months["avg_check"]) == pytest.approx([2000, 11300 / 3, 7000])
    # first vs returning: P1's 03-10 visit is returning (first(P1) = 03-03)
    assert list(months["first_visits"]) == [1, 2, 0]
    assert list(months["returning_visits"]) == [0, 1, 1]


def test_a_period_cut_inside_a_month_counts_only_its_days(engine: Engine) -> None:
    months = engine.monthly(period("2025-03-05", "2025-03-31"))
    assert list(months["revenue"]) == [5800]  # 03-10 only: 4000 + 800 + 3000 - 3000 + 1000


def test_a_visit_split_across_departments_and_branches_counts_once(tmp_path: Path) -> None:
    """Visits whose lines carry two departments or two branches are one visit each, wherever
    visits are counted (the models keep one row per department and branch of a visit).

        V7        2025-03-20  P4  Иванова  Терапия   Центр  1000   first(P4): a first visit
        V7        2025-03-20  P4  Иванова  Хирургия  Центр   500   the same visit
        (no id)   2025-03-21  P4  Иванова  Терапия   Север   300   (P4, Иванова, 03-21): one
        (no id)   2025-03-21  P4  Иванова  Терапия   Центр   200   visit over two branches
        V8        2025-02-01  P5  Петров   Хирургия  Центр   700   first(P5), in February
        V9        2025-03-25  P5  Петров   Хирургия  Центр   100   P5 returns
    """
    engine = engine_for(
        tmp_path,
        services=[
            line("2025-03-20", "P4", "Иванова", 1000, visit_id="V7", department="Терапия",
                 branch="Центр"),
            line("2025-03-20", "P4", "Иванова", 500, visit_id="V7", department="Хирургия",
                 branch="Центр"),
            line("2025-03-21", "P4", "Иванова", 300, department="Терапия", branch="Север"),
            line("2025-03-21", "P4", "Иванова", 200, department="Терапия", branch="Центр"),
            line("2025-02-01", "P5", "Петров", 700, visit_id="V8", department="Хирургия",
                 branch="Центр"),
            line("2025-03-25", "P5", "Петров", 100, visit_id="V9", department="Хирургия",
                 branch="Центр"),
        ],
    )  # fmt: skip
    s = engine.summary(MARCH)
    # V7, (P4, Иванова, 03-21), V9; the first is V7 (first(P4) = 03-20)
    assert (s.visits, s.first_visits, s.returning_visits) == (3, 1, 2)
    assert s.avg_check == pytest.approx(2100 / 3)
    assert s.returning_share == pytest.approx(2 / 3)
    months = engine.monthly(period("2025-02-01", "2025-03-31"))
    assert list(months["visits"]) == [1, 3]
    assert list(months["first_visits"]) == [1, 1]
    assert list(months["new_patients"]) == [1, 1]  # P5 in February, P4 in March
    doctors = engine.doctors(MARCH).set_index("doctor")
    assert doctors.loc["Иванова", "visits"] == 2
    assert doctors.loc["Иванова", "avg_check"] == 1000  # (1000 + 500 + 300 + 200) / 2
    departments = engine.departments(MARCH).set_index("department")
    # Хирургия: V7's other part and V9; Терапия: V7 and the 03-21 visit
    assert departments["visits"].to_dict() == {"Терапия": 2, "Хирургия": 2}
    branches = engine.branches(MARCH).set_index("branch")
    assert branches["visits"].to_dict() == {"Центр": 3, "Север": 1}
    # a filter that keeps one part of a visit keeps the visit
    assert engine.summary(period("2025-03-01", "2025-03-31", department="Хирургия")).visits == 2
    assert engine.summary(period("2025-03-01", "2025-03-31", branch="Север")).visits == 1
