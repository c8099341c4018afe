"""METRICS.md "First and returning visits", "Return rate" (clinic, doctor, department, with the
censoring rule), "LTV" (to date, 12 months, doctor, cohort curve) and the filter rule (first(p)
always from the whole history).

The data set (no visit_id: a visit is (patient, doctor, day)):

    P1  2024-01-10  A  Терапия    1000   first day, seen by two doctors
    P1  2024-01-10  B  Ортопедия  2000
    P1  2024-02-20  D  Терапия     700   back to the clinic and the department, not to A
    P1  2024-08-01  A  Терапия    1500   back to A, but after 01-10 + 180 = 07-08
    P2  2024-02-01  A  Терапия    1000
    P2  2024-09-01  A  Терапия    1000   after 02-01 + 180 = 07-30: not a return
    P3  2024-02-10  B  Ортопедия  3000   patients.first_visit_date = 2023-06-01
    P3  2024-03-05  B  Ортопедия  1000
    P4  2024-03-20  A  Терапия     500   patients.first_visit_date = 2024-05-01 (later: ignored)
    P7  2024-06-20  A  Терапия     800
    P7  2024-08-15  A  Терапия     800
    P8  2024-08-01  B  Ортопедия   900
    P9  2024-12-20  C  Ортопедия   100   -> data_end = 2024-12-20

With H = 180, data_end - H = 2024-06-23: a first visit after that day is too recent to judge.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from metrics_fixtures import engine_for, line, period

from clinic_bi.metrics import Engine

Q1 = period("2024-01-01", "2024-03-31")
TER, ORT = {"department": "Терапия"}, {"department": "Ортопедия"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return engine_for(
        tmp_path_factory.mktemp("returns"),
        patients=[
            {"patient_id": "P3", "first_visit_date": "2023-06-01"},
            {"patient_id": "P4", "first_visit_date": "2024-05-01"},
        ],
        services=[
            line("2024-01-10", "P1", "A", 1000, **TER),
            line("2024-01-10", "P1", "B", 2000, **ORT),
            line("2024-02-20", "P1", "D", 700, **TER),
            line("2024-08-01", "P1", "A", 1500, **TER),
            line("2024-02-01", "P2", "A", 1000, **TER),
            line("2024-09-01", "P2", "A", 1000, **TER),
            line("2024-02-10", "P3", "B", 3000, **ORT),
            line("2024-03-05", "P3", "B", 1000, **ORT),
            line("2024-03-20", "P4", "A", 500, **TER),
            line("2024-06-20", "P7", "A", 800, **TER),
            line("2024-08-15", "P7", "A", 800, **TER),
            line("2024-08-01", "P8", "B", 900, **ORT),
            line("2024-12-20", "P9", "C", 100, **ORT),
        ],
    )


def test_first_and_returning_visits(engine: Engine) -> None:
    s = engine.summary(Q1)
    assert s.data_end.isoformat() == "2024-12-20"
    # 7 visits in Q1: P1 01-10 A, P1 01-10 B, P1 02-20 D, P2 02-01, P3 02-10, P3 03-05, P4 03-20
    assert s.visits == 7
    assert s.revenue == 9200  # 1000 + 2000 + 700 + 1000 + 3000 + 1000 + 500
    # first: P1's two visits on 01-10, P2 02-01, P4 03-20 (its line predates the listed 05-01)
    assert s.first_visits == 4
    # returning: P1 02-20, and both of P3's (first(P3) = 2023-06-01 from the patients list)
    assert s.returning_visits == 3
    assert s.returning_share == pytest.approx(3 / 7)
    # P1 (one patient despite two doctors that day), P2, P4; P3 is not new
    assert s.new_patients == 3


def test_clinic_return_rate(engine: Engine) -> None:
    s = engine.summary(Q1)
    # cohort: P1 (01-10), P2 (02-01), P4 (03-20), all <= 06-23
    # returned: P1 on 02-20 <= 01-10 + 180; P2's next visit 09-01 > 07-30; P4 never
    assert (s.return_cohort, s.returned, s.not_yet_observable) == (3, 1, 0)
    assert s.return_rate == pytest.approx(1 / 3)
    # H = 30: P1 would have had to come back by 02-09 -> 0 of 3 (cutoff 11-20 keeps all three)
    short = engine.summary(period("2024-01-01", "2024-03-31", return_window=30))
    assert (short.return_cohort, short.returned, short.return_rate) == (3, 0, 0.0)


def test_a_cohort_too_recent_to_observe_is_not_in_the_denominator(engine: Engine) -> None:
    s = engine.summary(period("2024-06-01", "2024-08-31"))
    # new: P7 (06-20 <= 06-23: observable, back on 08-15 <= 12-17) and P8 (08-01 > 06-23)
    assert s.new_patients == 2
    assert (s.return_cohort, s.returned, s.not_yet_observable) == (1, 1, 1)
    assert s.return_rate == 1.0  # 1 / 1, not 1 / 2
    august = engine.summary(period("2024-08-01", "2024-08-31"))
    assert (august.return_cohort, august.not_yet_observable, august.return_rate) == (0, 1, None)


def test_doctor_return_rate_new_patients_and_ltv(engine: Engine) -> None:
    d = engine.doctors(Q1).set_index("doctor")
    assert list(d.index) == ["B", "A", "D"]  # revenue 6000, 2500, 700
    # A: P1 01-10, P2 02-01, P4 03-20 -> 3 visits, 3 patients, all new to the clinic that day
    assert d.loc["A", ["visits", "patients", "new_patients"]].tolist() == [3, 3, 3]
    # firstA: 01-10, 02-01, 03-20; back to A within 180 days: nobody (P1 08-01 > 07-08)
    assert d.loc["A", ["return_cohort", "returned"]].tolist() == [3, 0]
    assert d.loc["A", "return_rate"] == 0.0
    # LTV A: with A to date P1 1000 + 1500, P2 1000 + 1000, P4 500 -> 5000 / 3
    assert d.loc["A", "ltv"] == pytest.approx(5000 / 3)
    # B: P1 (01-10, new: B on the first day), P3 (02-10, not new to the clinic but new to B)
    assert d.loc["B", ["visits", "patients", "new_patients"]].tolist() == [3, 2, 1]
    # back to B: P3 on 03-05 (<= 02-10 + 180); P1 never -> 1 / 2
    assert d.loc["B", "return_rate"] == 0.5
    assert d.loc["B", "ltv"] == 3000  # (P1 2000 + P3 3000 + 1000) / 2
    # D: first(P1) is 01-10 without D, so D has no new patient; firstD(P1) = 02-20
    assert d.loc["D", ["new_patients", "return_cohort", "returned"]].tolist() == [0, 1, 0]
    assert d.loc["D", "ltv"] == 700


def test_department_return_rate_counts_another_doctor_of_the_department(engine: Engine) -> None:
    d = engine.departments(Q1).set_index("department")
    # Терапия: firstTer P1 01-10, P2 02-01, P4 03-20; P1 came back on 02-20 (doctor D) -> 1 / 3
    assert d.loc["Терапия", ["visits", "patients", "new_patients"]].tolist() == [4, 3, 3]
    assert d.loc["Терапия", "revenue"] == 3200  # 1000 + 700 + 1000 + 500
    assert d.loc["Терапия", "return_rate"] == pytest.approx(1 / 3)
    # LTV Терапия: P1 1000 + 700 + 1500, P2 2000, P4 500 -> 5700 / 3
    assert d.loc["Терапия", "ltv"] == pytest.approx(1900)
    assert d.loc["Ортопедия", "return_rate"] == 0.5  # as doctor B
    assert d.loc["Ортопедия", "ltv"] == 3000


def test_doctor_cohort_too_recent(engine: Engine) -> None:
    d = engine.doctors(period("2024-06-01", "2024-08-31")).set_index("doctor")
    # firstB(P8) = 08-01 > 06-23: not yet observable, so B's rate has no denominator
    assert d.loc["B", ["return_cohort", "not_yet_observable"]].tolist() == [0, 1]
    assert pd.isna(d.loc["B", "return_rate"])


def test_filters_take_first_visit_from_the_whole_history(engine: Engine) -> None:
    b = engine.summary(period("2024-01-01", "2024-03-31", doctor="B"))
    # B's lines in Q1: P1 01-10 2000, P3 02-10 3000, P3 03-05 1000
    assert (b.revenue, b.visits, b.patients) == (6000, 3, 2)
    assert (b.first_visits, b.returning_visits, b.new_patients) == (1, 2, 1)  # P1 on 01-10
    # did P1 (new, seen by B on the first day) come back *to B*? no -> 0 / 1
    assert (b.return_cohort, b.return_rate) == (1, 0.0)
    assert b.ltv == 2000  # P1's revenue with B
    d = engine.summary(period("2024-01-01", "2024-03-31", doctor="D"))
    # P1's visit to D on 02-20 is not a first visit: first(P1) = 01-10, whatever the filter
    assert (d.visits, d.first_visits, d.new_patients) == (1, 0, 0)
    assert (d.return_rate, d.ltv) == (None, None)
    ter = engine.summary(period("2024-01-01", "2024-03-31", department="Терапия"))
    assert (ter.new_patients, ter.returned, ter.return_cohort) == (3, 1, 3)  # P1 back on 02-20
    assert ter.ltv == pytest.approx(1900)  # (3200 + 2000 + 500) / 3


def test_patient_whose_history_predates_the_export_is_never_new(engine: Engine) -> None:
    # first(P3) = 2023-06-01 (patients list); no loaded line on that day, so P3 is not a new
    # patient of 2023 either (new = first(p) in P *and* a line on first(p))
    s = engine.summary(period("2023-01-01", "2023-12-31"))
    assert (s.new_patients, s.visits, s.return_cohort) == (0, 0, 0)
    may = engine.summary(period("2024-05-01", "2024-05-31"))
    assert may.new_patients == 0  # P4's listed 05-01 is later than its 03-20 line


def test_ltv_to_date(engine: Engine) -> None:
    s = engine.summary(Q1)
    # new patients P1, P2, P4; all their lines up to data_end:
    # P1 1000 + 2000 + 700 + 1500 = 5200; P2 2000; P4 500 -> 7700 / 3
    assert s.ltv_cohort == 3
    assert s.ltv == pytest.approx(7700 / 3)
    # nobody in Q1 2024 is a year old by data_end (2024-12-20 - 365 = 2023-12-21)
    assert (s.ltv_12m_cohort, s.ltv_12m) == (0, None)


def test_cohort_curve(engine: Engine) -> None:
    curve = engine.ltv_cohorts(Q1)
    cells = {
        (row.cohort_month.strftime("%Y-%m"), row.month_offset): row.revenue_per_patient
        for row in curve.itertuples()
    }
    # January (P1): 3000 in Jan, +700 in Feb, +1500 in Aug; December ends after 12-20: empty
    jan = [3000, 3700, 3700, 3700, 3700, 3700, 3700, 5200, 5200, 5200, 5200]
    assert [cells[("2024-01", k)] for k in range(11)] == jan
    assert pd.isna(cells[("2024-01", 11)])
    # February (P2): 1000, +1000 in September (offset 7); offsets 0 .. 10 (December, empty)
    assert [cells[("2024-02", k)] for k in range(10)] == [1000] * 7 + [2000] * 3
    assert pd.isna(cells[("2024-02", 10)])
    # March (P4): 500 through November
    assert [cells[("2024-03", k)] for k in range(9)] == [500] * 9
    assert pd.isna(cells[("2024-03", 9)])
    assert len(cells) == 12 + 11 + 10
    assert set(curve["patients"]) == {1}


def test_ltv_12m(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[
            line("2023-01-15", "P1", "A", 1000),
            line("2023-06-01", "P1", "A", 2000),
            line("2024-01-14", "P1", "A", 4000),  # < 2023-01-15 + 365 = 2024-01-15: inside
            line("2024-01-15", "P1", "A", 8000),  # = first + 365: outside the first year
            line("2023-03-01", "P2", "A", 500),
            line("2023-12-01", "P3", "A", 300),
            line("2024-06-30", "P9", "A", 100),  # data_end; data_end - 365 = 2023-07-01
        ],
    )
    s = engine.summary(period("2023-01-01", "2023-12-31"))
    # to date: (P1 15000 + P2 500 + P3 300) / 3
    assert s.ltv == pytest.approx(15800 / 3)
    # 12 months: P1 and P2 (first <= 2023-07-01); P3 (12-01) not a year old yet
    # (P1 1000 + 2000 + 4000 + P2 500) / 2 = 3750
    assert (s.ltv_12m_cohort, s.ltv_12m) == (2, 3750)


def test_retention_cohorts(engine: Engine) -> None:
    grid = engine.retention_cohorts(Q1)
    cells = {
        (row.cohort_month.strftime("%Y-%m"), row.month_offset): row.retention
        for row in grid.itertuples()
    }
    # January (P1, alone): seen again in February (+1, doctor D) and August (+7); December (+11)
    # ends after data_end 12-20: empty
    jan = [cells[("2024-01", k)] for k in range(1, 11)]
    assert jan == [1.0, 0, 0, 0, 0, 0, 1.0, 0, 0, 0]
    assert pd.isna(cells[("2024-01", 11)])
    # February (P2): back in September (+7); March (P4): never back
    assert [cells[("2024-02", k)] for k in range(1, 10)] == [0] * 6 + [1.0] + [0] * 2
    assert [cells[("2024-03", k)] for k in range(1, 9)] == [0] * 8
    assert len(cells) == 11 + 10 + 9  # offsets from 1 up to December
    # under doctor A, P1's February visit (to D) is not a visit to A
    a = engine.retention_cohorts(period("2024-01-01", "2024-03-31", doctor="A"))
    a_jan = a[a["cohort_month"] == pd.Timestamp("2024-01-01")].set_index("month_offset")
    assert (a_jan.loc[1, "retention"], a_jan.loc[7, "retention"]) == (0.0, 1.0)


def test_return_dates_when_a_doctor_works_in_two_departments_and_branches(tmp_path: Path) -> None:
    """The cohort figures fold a patient's history per (doctor, department, branch); a doctor's
    or the clinic's next day must still be the next day over all the rows the filters keep.

        Q1  2024-01-10  A  Терапия           500  two visits that day in Терапия (ids v1, v3)
        Q1  2024-01-10  A  Терапия           200
        Q1  2024-01-10  A  Хирургия          300  and one in Хирургия
        Q1  2024-02-15  A  Терапия           100  back to A (and to Терапия) 36 days later
        Q1  2024-03-01  A  Хирургия          400  back to Хирургия 51 days later
        Q2  2024-01-05  A  Терапия           100  two departments on the first day
        Q2  2024-01-05  A  Хирургия          100
        Q2  2024-01-20  A  Терапия, Север    100  back to A in another branch, 15 days later
        Q3  2024-01-12  A  Терапия            60  two visits on the first day (ids v4, v5), never
        Q3  2024-01-12  A  Терапия            40  back: a second visit that day is not a return
        P9  2024-12-20  C  Ортопедия         100  -> data_end; data_end - 180 = 2024-06-23
    """
    north = {"department": "Терапия", "branch": "Север"}
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-01-10", "Q1", "A", 500, visit_id="v1", **TER),
            line("2024-01-10", "Q1", "A", 200, visit_id="v3", **TER),
            line("2024-01-10", "Q1", "A", 300, visit_id="v2", department="Хирургия"),
            line("2024-02-15", "Q1", "A", 100, **TER),
            line("2024-03-01", "Q1", "A", 400, department="Хирургия"),
            line("2024-01-05", "Q2", "A", 100, **TER),
            line("2024-01-05", "Q2", "A", 100, department="Хирургия"),
            line("2024-01-20", "Q2", "A", 100, **north),
            line("2024-01-12", "Q3", "A", 60, visit_id="v4", **TER),
            line("2024-01-12", "Q3", "A", 40, visit_id="v5", **TER),
            line("2024-12-20", "P9", "C", 100, **ORT),
        ],
    )

    # the clinic: Q1 is back on 02-15, Q2 on 01-20 (a day that is the first of another branch)
    s = engine.summary(Q1)
    assert (s.new_patients, s.return_cohort, s.returned) == (3, 3, 2)
    assert s.ltv == pytest.approx((1500 + 300 + 100) / 3)
    doctor_a = engine.doctors(Q1).set_index("doctor").loc["A"]
    assert (doctor_a["return_cohort"], doctor_a["returned"]) == (3, 2)
    assert doctor_a["ltv"] == pytest.approx((1500 + 300 + 100) / 3)

    # Хирургия only: Q1 is back on 03-01 (Терапия's 02-15 is filtered out), Q2 never
    surgery = period("2024-01-01", "2024-03-31", department="Хирургия")
    s = engine.summary(surgery)
    assert (s.new_patients, s.return_cohort, s.returned) == (2, 2, 1)
    assert s.ltv == (700 + 100) / 2
    doctor_a = engine.doctors(surgery).set_index("doctor").loc["A"]
    assert (doctor_a["return_cohort"], doctor_a["returned"], doctor_a["ltv"]) == (2, 1, 400)

    # Север only: Q2's first day there (01-20) is not first(Q2), so no new patient; it is still
    # new to doctor A there, and never came back
    north_only = period("2024-01-01", "2024-03-31", branch="Север")
    assert engine.summary(north_only).new_patients == 0
    doctor_a = engine.doctors(north_only).set_index("doctor").loc["A"]
    assert (doctor_a["new_patients"], doctor_a["return_cohort"], doctor_a["returned"]) == (0, 1, 0)

    # per department: Терапия has Q1 (next 02-15), Q2 (next 01-20) and Q3 (never back);
    # Хирургия Q1 (03-01) and Q2 (never back)
    departments = engine.departments(Q1).set_index("department")
    assert (
        departments.loc["Терапия", "return_cohort"],
        departments.loc["Терапия", "returned"],
    ) == (3, 2)
    assert (
        departments.loc["Хирургия", "return_cohort"],
        departments.loc["Хирургия", "returned"],
    ) == (2, 1)
