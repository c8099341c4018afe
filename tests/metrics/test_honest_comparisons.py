"""Comparisons that cannot mislead (issue 13, items 1-4; METRICS.md "Comparison"): a month missing
from the data of a figure leaves its change unshown and named; a period the data end inside is
compared with the same days before; LTV is compared at equal age, never LTV to date; a 12-month
period has one comparison. Every expected figure is worked out by hand from the rows below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from metrics_fixtures import engine_for, line, period

from clinic_bi.metrics.engine import compared_periods


def spans(c) -> list[tuple[str, str]]:
    return [(p.date_from.isoformat(), p.date_to.isoformat())
            for p in (c.current, c.previous, c.year_earlier)]


def test_a_missing_month_leaves_the_change_unshown_and_names_the_month(tmp_path: Path) -> None:
    # services in January and March 2025, none in February (an export not loaded)
    engine = engine_for(tmp_path, services=[
        line("2025-01-15", "P1", "A", 1000),
        line("2025-03-05", "P2", "A", 9000),
        line("2025-03-31", "P3", "A", 500),
    ])
    result = engine.comparison(period("2025-03-01", "2025-03-31"))
    # March's 31 days against the 31 days before: 2025-01-29 .. 2025-02-28, mostly February
    assert spans(result)[1] == ("2025-01-29", "2025-02-28")
    t = result.table.set_index("metric")
    assert t.loc["revenue", "current"] == 9500
    assert t.loc["revenue", "previous"] == 0  # what the store holds, shown as it is
    assert t.loc["revenue", "gaps"] == ["2025-02"]
    assert t.isna().loc["revenue", "change"] and t.isna().loc["revenue", "change_rel"]
    # a year earlier the store holds nothing at all: March 2024 is named too
    assert t.loc["revenue", "gaps_year"] == ["2024-03"]
    assert t.isna().loc["revenue", "change_year"]
    # new patients rest on the whole history: February is missing for both comparisons (March
    # 2024 too, a year earlier); the return rate follows the cohort to the data's end as well
    assert t.loc["new_patients", "gaps"] == ["2025-02"]
    assert t.loc["new_patients", "gaps_year"] == ["2024-03", "2025-02"]
    assert t.loc["return_rate", "gaps"] == ["2025-02"]


def test_a_month_missing_before_the_period_flags_the_first_visit_figures(tmp_path: Path) -> None:
    # January, February, April, May and June held; March missing. June against its previous 30
    # days (2025-05-02 .. 05-31) holds every month for revenue, but June's new patients may be
    # March's returning ones
    engine = engine_for(tmp_path, services=[
        line("2025-01-10", "P1", "A", 100), line("2025-02-10", "P2", "A", 100),
        line("2025-04-10", "P3", "A", 100), line("2025-05-10", "P4", "A", 100),
        line("2025-06-10", "P5", "A", 100), line("2025-06-30", "P6", "A", 100),
    ])
    t = engine.comparison(period("2025-06-01", "2025-06-30")).table.set_index("metric")
    assert t.loc["revenue", "gaps"] == []
    assert t.loc["revenue", "change"] == 100  # 200 against 100
    assert t.loc["new_patients", "gaps"] == ["2025-03"]
    assert t.isna().loc["new_patients", "change"]


def test_a_month_missing_from_leads_flags_the_lead_figures_only(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[line(d, f"P{i}", "A", 100) for i, d in enumerate(
            ["2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10"])],
        leads=[{"lead_id": "L1", "created_at": "2025-01-05 10:00:00"},
               {"lead_id": "L2", "created_at": "2025-04-05 10:00:00"}],  # none in Feb, Mar
    )
    result = engine.comparison(period("2025-04-01", "2025-04-30"))
    t = result.table.set_index("metric")
    assert t.loc["leads", "gaps"] == ["2025-03"]  # the previous 30 days: 2025-03-02 .. 03-31
    assert t.isna().loc["leads", "change"]
    # revenue reads services, which hold every month: 100 against 100, +0
    assert t.loc["revenue", "gaps"] == [] and t.loc["revenue", "change"] == 0


def test_a_period_the_data_end_inside_compares_the_same_days(tmp_path: Path) -> None:
    # the data end on 3 March 2025: "this month" is 1-3 March
    engine = engine_for(tmp_path, services=[
        line("2024-03-02", "P1", "A", 400),   # 1-3 March 2024: 400
        line("2024-03-20", "P1", "A", 9999),  # later in March 2024: not compared
        line("2025-02-01", "P2", "A", 300),   # 1-3 February: 300 + 200
        line("2025-02-03", "P3", "A", 200),
        line("2025-02-25", "P4", "A", 7777),  # later in February: not compared
        line("2025-03-01", "P5", "A", 600),
        line("2025-03-03", "P6", "A", 150),
    ])
    result = engine.comparison(period("2025-03-01", "2025-03-31"))
    assert result.partial
    assert spans(result) == [("2025-03-01", "2025-03-03"), ("2025-02-01", "2025-02-03"),
                             ("2024-03-01", "2024-03-03")]
    t = result.table.set_index("metric")
    assert t.loc["revenue", ["current", "previous", "year_earlier"]].tolist() == [750, 500, 400]
    assert t.loc["revenue", "change_rel"] == pytest.approx(250 / 500)
    assert t.loc["revenue", "change_year_rel"] == pytest.approx(350 / 400)


def test_compared_periods_clip_a_longer_month_and_keep_other_periods_equal() -> None:
    # data to 30 March: 1-30 March against February's 28 days (not into March)
    cur, prev, _ = compared_periods(period("2025-03-01", "2025-03-31"), date(2025, 3, 30))
    assert (cur.days, prev.date_from.isoformat(), prev.date_to.isoformat()) == (
        30, "2025-02-01", "2025-02-28")
    # any other period: the same days one period length (181 days) earlier
    cur, prev, _ = compared_periods(period("2025-01-01", "2025-06-30"), date(2025, 2, 10))
    assert (prev.date_from.isoformat(), prev.date_to.isoformat()) == ("2024-07-04", "2024-08-13")
    assert prev.days == cur.days == 41


def test_unequal_previous_period_gives_no_change(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, services=[
        line("2025-02-10", "P1", "A", 100), line("2025-03-30", "P2", "A", 100)])
    t = engine.comparison(period("2025-03-01", "2025-03-31")).table.set_index("metric")
    assert t.isna().loc["revenue", "change"]  # 30 days against 28


def test_twelve_months_have_one_comparison(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, services=[line("2024-06-01", "P1", "A", 100),
                                            line("2025-12-31", "P2", "A", 300)])
    result = engine.comparison(period("2025-01-01", "2025-12-31"))
    assert result.same_periods
    assert spans(result)[1] == spans(result)[2] == ("2024-01-01", "2024-12-31")
    # twelve whole months from July: the twelve before
    other = engine.comparison(period("2024-07-01", "2025-06-30"))
    assert other.same_periods and spans(other)[1] == ("2023-07-01", "2024-06-30")


def test_ltv_is_compared_at_equal_age_not_to_date(tmp_path: Path) -> None:
    # data end 2025-12-15 (X's last line). New in March 2025 (previous: 29 Jan - 28 Feb):
    #   N1 first 2025-03-10: 1000, +100 days 500, +200 days 2000
    #   O1 first 2025-02-10: 800, +50 days 300, +300 days 4000
    # 180 days behind every new patient of March (31 March + 180 <= 15 Dec); 365 not
    engine = engine_for(tmp_path, services=[
        line("2025-02-10", "O1", "A", 800), line("2025-04-01", "O1", "A", 300),
        line("2025-12-07", "O1", "A", 4000),
        line("2025-03-10", "N1", "A", 1000), line("2025-06-18", "N1", "A", 500),
        line("2025-09-26", "N1", "A", 2000),
        # X, a patient since January 2024, keeps every month held
        *[line(f"{y}-{m:02d}-15", "X", "A", 1) for y in (2024, 2025) for m in range(1, 13)],
    ])
    result = engine.comparison(period("2025-03-01", "2025-03-31"))
    assert result.ltv_age == 180 and not result.ltv_age_partial
    t = result.table.set_index("metric")
    # within 180 days: N1 1000 + 500 (day 100; day 200 is past 180) = 1500; O1 800 + 300 = 1100
    assert t.loc["ltv_at_age", ["current", "previous"]].tolist() == [1500, 1100]
    assert t.loc["ltv_at_age", "change_rel"] == pytest.approx(400 / 1100)
    # LTV to date (3500 against 5100) is shown but never compared
    assert t.loc["ltv", ["current", "previous"]].tolist() == [3500, 5100]
    assert t.isna().loc["ltv", "change"] and t.isna().loc["ltv", "change_year"]


def test_ltv_of_patients_too_new_is_not_compared(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, services=[line("2025-10-10", "P1", "A", 100),
                                            line("2025-11-10", "P2", "A", 100)])
    result = engine.comparison(period("2025-11-01", "2025-11-30"))
    assert result.ltv_age is None
    assert result.table.set_index("metric").isna().loc["ltv_at_age", "change"]
