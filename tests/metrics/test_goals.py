"""Goals and pacing (METRICS.md "Goals and pacing"): the arithmetic worked out by hand on tiny
stores, the working days by the calendar and by the schedule, the past months."""

from __future__ import annotations

import json
from datetime import date

import pytest

from clinic_bi.metrics import goals as g
from clinic_bi.metrics.workdays import WorkingDays, calendar_working_days, working_days
from tests.metrics_fixtures import engine_for, line, period


def _days(month: date, n: int) -> WorkingDays:
    """n working days: the 1st .. the n-th of the month (the arithmetic needs only the count)."""
    return WorkingDays(month, tuple(month.replace(day=d) for d in range(1, n + 1)), 0)


def _goal(month: str, scope: str, name: str | None, figure: str, value: float) -> dict:
    m = date.fromisoformat(month)
    return {"month": m, "scope": scope, "scope_name": name, "figure": figure, "value": value,
            "goal_id": f"{m:%Y-%m}|{scope}|{name or ''}|{figure}"}


# -- the pacing arithmetic ------------------------------------------------------------------------


def test_pace_worked_by_hand() -> None:
    # 20 working days, 8 of them to data_end (the 8th); goal 100 000, done 30 000:
    # share 0.3; left 12; needed (100 000 − 30 000) / 12 = 5 833.33; expected by now
    # 100 000 × 8 / 20 = 40 000; projected 30 000 / 8 × 20 = 75 000 < 90 % of the goal: red
    p = g.pace_of(100_000, 30_000, _days(date(2026, 3, 1), 20), date(2026, 3, 8))
    assert p["share"] == pytest.approx(0.3)
    assert (p["workdays_total"], p["workdays_passed"], p["workdays_left"]) == (20, 8, 12)
    assert p["needed_per_day"] == pytest.approx(70_000 / 12)
    assert p["expected"] == pytest.approx(40_000)
    assert p["projected"] == pytest.approx(75_000)
    assert (p["projection_source"], p["status"]) == ("pace", "red")


@pytest.mark.parametrize(
    ("done", "status"),
    [
        (36_000, "amber"),  # 36 000 / 8 × 20 = 90 000: exactly 90 % is amber
        (35_999, "red"),  # 89 997.5: just under 90 %
        (40_000, "green"),  # 100 000: the goal itself is green
    ],
)
def test_status_thresholds(done: float, status: str) -> None:
    p = g.pace_of(100_000, done, _days(date(2026, 3, 1), 20), date(2026, 3, 8))
    assert p["status"] == status


def test_goal_passed_needs_nothing_more_and_no_day_left_needs_no_rate() -> None:
    # done 120 of 100 with 12 days left: nothing more needed per day (never negative)
    ahead = g.pace_of(100, 120, _days(date(2026, 3, 1), 20), date(2026, 3, 8))
    assert ahead["needed_per_day"] == 0
    # the month is over (data to the 31st): no day left, so no rate; the projection is the done
    over = g.pace_of(100, 80, _days(date(2026, 3, 1), 20), date(2026, 3, 31))
    assert over["workdays_left"] == 0 and over["needed_per_day"] is None
    assert (over["projected"], over["projection_source"], over["status"]) == (80, "actual", "red")


def test_schedule_projection_wins_over_the_pace_and_nothing_passed_projects_nothing() -> None:
    days = _days(date(2026, 12, 1), 26)
    # data to 30 November: nothing passed, nothing done; without a schedule no projection
    none = g.pace_of(5_800_000, 0, days, date(2026, 11, 30))
    assert none["workdays_passed"] == 0 and none["projected"] is None and none["status"] is None
    assert none["expected"] == 0 and none["needed_per_day"] == pytest.approx(5_800_000 / 26)
    scheduled = g.pace_of(5_800_000, 0, days, date(2026, 11, 30), scheduled=5_300_000)
    assert (scheduled["projected"], scheduled["projection_source"]) == (5_300_000, "schedule")
    # no working day has passed: the bookings alone are no verdict yet, so no colour
    assert scheduled["status"] is None
    # a day later: 5 300 000 ≥ 0.9 × 5 800 000 = 5 220 000: amber
    day_one = g.pace_of(5_800_000, 200_000, days, date(2026, 12, 1), scheduled=5_300_000)
    assert day_one["workdays_passed"] == 1 and day_one["status"] == "amber"


def test_goal_of_zero_has_no_share() -> None:
    p = g.pace_of(0, 5, _days(date(2026, 3, 1), 20), date(2026, 3, 8))
    assert p["share"] is None and p["status"] == "green"


# -- working days ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "count"),
    [
        # 31 days, Sundays 6, 13, 20, 27: 27 Mon–Sat; 31 December is a day off moved from
        # 4 January: 26
        (date(2026, 12, 1), 26),
        # Mon–Sat 27 (Sundays 4, 11, 18, 25); days off on them: 1, 2, 3 and 5–9 January: 19
        (date(2026, 1, 1), 19),
        # Mon–Sat 26 (Sundays 3, 10, 17, 24, 31); 1 May, 9 May (a Saturday), 11 May: 23
        (date(2026, 5, 1), 23),
    ],
)
def test_calendar_working_days(month: date, count: int) -> None:
    assert len(calendar_working_days(month)) == count


def _appointment(aid: str, day: str, doctor: str, status: str) -> dict:
    return {"appointment_id": aid, "scheduled_at": f"{day} 10:00", "status": status,
            "doctor": doctor, "patient_id": "p" + aid}


def test_working_days_from_the_schedule_then_the_calendar(tmp_path) -> None:
    # The schedule reaches 2..10 March 2026. Doctor A has appointments on the 2nd (attended),
    # 3rd (planned) and 5th (cancelled): 3 working days there; B only on the 10th.
    # After the 10th the calendar counts: 11..31 March has 21 days, Sundays 15, 22, 29: 18.
    # A: 3 + 18 = 21; the clinic: 2, 3, 5, 10 + 18 = 22 (the 4th, 6th–9th have no appointment).
    engine = engine_for(
        tmp_path,
        services=[line("2026-03-02", "p1", "A", 1000)],
        appointments=[
            _appointment("1", "2026-03-02", "A", "attended"),
            _appointment("2", "2026-03-03", "A", "planned"),
            _appointment("3", "2026-03-05", "A", "cancelled"),
            _appointment("4", "2026-03-10", "B", "attended"),
        ],
    )
    march = date(2026, 3, 1)
    a = working_days(engine, period("2026-03-01", "2026-03-31", doctor="A"), march)
    assert a.total == 21 and a.from_schedule == 3 and a.source == "mixed"
    assert a.days[:3] == (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5))
    clinic = working_days(engine, period("2026-03-01", "2026-03-31"), march)
    assert clinic.total == 22 and clinic.from_schedule == 4
    # April lies wholly after the schedule: the calendar alone (30 days, Sundays 5, 12, 19, 26)
    april = working_days(engine, period("2026-04-01", "2026-04-30"), date(2026, 4, 1))
    assert april.total == 26 and april.source == "calendar"


# -- month to date and past months on a store ------------------------------------------------------


def _store(tmp_path):
    return engine_for(
        tmp_path,
        services=[
            line("2026-02-10", "p1", "A", 4000),
            line("2026-02-11", "p2", "A", 6000),
            line("2026-03-02", "p3", "A", 10_000),
            line("2026-03-03", "p4", "A", 5000),
            line("2026-03-04", "p5", "B", 3000),
        ],
        goals=[
            _goal("2026-03-01", "clinic", None, "revenue", 100_000),
            _goal("2026-03-01", "doctor", "A", "revenue", 20_000),
            _goal("2026-03-01", "doctor", "Nobody", "revenue", 5000),
            _goal("2026-02-01", "clinic", None, "visits", 4),
            _goal("2026-02-01", "doctor", "B", "revenue", 1000),
            _goal("2026-01-01", "clinic", None, "revenue", 7000),
            {**_goal("2026-02-01", "clinic", None, "revenue", 0), "value": None},  # cleared
        ],
    )


def test_month_to_date_worked_by_hand(tmp_path) -> None:
    # data_end 4 March 2026 (the last visit); no schedule: March by the calendar is 31 days
    # less Sundays 1, 8, 15, 22, 29 less 9 March (8 March observed): 25; passed 2, 3, 4: 3.
    engine = _store(tmp_path)
    paces = {(p.scope, p.scope_name): p for p in g.month_to_date(engine)}
    clinic = paces[("clinic", None)]
    assert clinic.month == date(2026, 3, 1)
    # done 10 000 + 5 000 + 3 000 = 18 000; needed (100 000 − 18 000) / 22; expected
    # 100 000 × 3 / 25 = 12 000; projected 18 000 / 3 × 25 = 150 000: green
    assert clinic.done == 18_000 and clinic.share == pytest.approx(0.18)
    assert (clinic.workdays_total, clinic.workdays_passed, clinic.workdays_left) == (25, 3, 22)
    assert clinic.needed_per_day == pytest.approx(82_000 / 22)
    assert clinic.expected == pytest.approx(12_000)
    assert clinic.projected == pytest.approx(150_000) and clinic.status == "green"
    doctor = paces[("doctor", "A")]
    # A: 15 000 of 20 000; projected 15 000 / 3 × 25 = 125 000
    assert doctor.done == 15_000 and doctor.projected == pytest.approx(125_000)
    assert doctor.needed_per_day == pytest.approx(5000 / 22)
    nobody = paces[("doctor", "Nobody")]
    # a name the store does not know: shown, flagged, and no figure invented
    assert nobody.known is False and nobody.done is None and nobody.status is None


def test_new_patients_are_paced_not_projected_from_the_schedule(tmp_path) -> None:
    # Doctor A: ten February visits of pX, each an attended appointment (turnout 1, rates of
    # A's own); in March p3, p4 (A) and p5 (B) come on the 2nd–4th, all three new; booked ahead:
    # pNew (never seen) on the 10th, pX on the 11th. data_end 4 March.
    # March's working days: the schedule reaches 2 Feb .. 11 Mar, so 1–11 March count only the
    # days with appointments (2, 3, 4, 10, 11: 5), 12–31 the calendar (20 less Sundays 15, 22,
    # 29: 17): 22, passed 3. New patients: 3 done; paced 3 / 3 × 22 = 22 (the schedule would
    # say 3 + pNew × 1 = 4: booked first visits alone). Revenue keeps the schedule's projection.
    february = [f"2026-02-{d:02d}" for d in range(2, 12)]
    engine = engine_for(
        tmp_path,
        services=[line(day, "pX", "A", 1000) for day in february] + [
            line("2026-03-02", "p3", "A", 10_000),
            line("2026-03-03", "p4", "A", 5000),
            line("2026-03-04", "p5", "B", 3000),
        ],
        appointments=[
            {**_appointment(f"f{i}", day, "A", "attended"), "patient_id": "pX"}
            for i, day in enumerate(february)
        ] + [
            {**_appointment("m1", "2026-03-02", "A", "attended"), "patient_id": "p3"},
            {**_appointment("m2", "2026-03-03", "A", "attended"), "patient_id": "p4"},
            {**_appointment("m3", "2026-03-04", "B", "attended"), "patient_id": "p5"},
            {**_appointment("n1", "2026-03-10", "A", "planned"), "patient_id": "pNew"},
            {**_appointment("n2", "2026-03-11", "A", "planned"), "patient_id": "pX"},
        ],
        goals=[
            _goal("2026-03-01", "clinic", None, "revenue", 100_000),
            _goal("2026-03-01", "clinic", None, "new_patients", 30),
        ],
    )
    paces = {p.figure: p for p in g.month_to_date(engine)}
    assert paces["revenue"].projection_source == "schedule"
    new = paces["new_patients"]
    assert (new.done, new.workdays_passed, new.workdays_total) == (3, 3, 22)
    assert (new.projected, new.projection_source) == (pytest.approx(22), "pace")
    assert new.status == "red"  # 22 < 0.9 × 30 = 27


def test_past_months_goal_against_actual(tmp_path) -> None:
    engine = _store(tmp_path)
    past = g.past_months(engine, date(2025, 12, 1), date(2026, 12, 31))
    rows = {(r.month, r.scope, r.scope_name, r.figure): r for r in past.itertuples()}
    # March is not over by 4 March: not a past month; the cleared February revenue goal is gone
    assert {m for m, *_ in rows} == {date(2026, 1, 1), date(2026, 2, 1)}
    assert (date(2026, 2, 1), "clinic", None, "revenue") not in rows
    visits = rows[(date(2026, 2, 1), "clinic", None, "visits")]
    assert visits.actual == 2 and visits.share == pytest.approx(0.5)  # 2 visits of 4
    b = rows[(date(2026, 2, 1), "doctor", "B", "revenue")]
    assert b.actual == 0 and b.share == 0  # the clinic has February, B had no visit in it
    january = rows[(date(2026, 1, 1), "clinic", None, "revenue")]
    # the store holds no January at all: missing, not 0
    assert january.actual is None and january.share is None and not january.has_data


def test_report_section(tmp_path) -> None:
    engine = _store(tmp_path)
    section = g.report_section(engine, period("2026-01-01", "2026-03-31"))
    assert section is not None
    json.dumps(section)  # JSON-ready
    assert section["month"] == "2026-03-01" and section["data_end"] == "2026-03-04"
    clinic = next(r for r in section["month_to_date"] if r["scope"] == "clinic")
    assert clinic["done"] == 18_000 and clinic["status"] == "green"
    assert len(section["past_months"]) == 3
    empty = engine_for(tmp_path / "empty", services=[line("2026-03-02", "p1", "A", 1)])
    assert g.report_section(empty, period("2026-01-01", "2026-03-31")) is None
