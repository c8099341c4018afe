"""METRICS.md "Forecast": this month from the schedule and the statistical forecast, on hand-made
stores with every expected figure worked out by hand in the test."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from clinic_bi.metrics import forecast as fc
from tests.metrics_fixtures import engine_for, line, period

ANY = period("2026-01-01", "2026-03-15")  # the dates of f are ignored by the forecast


_ids = iter(range(1, 10_000))


def _appointment(day: str, doctor: str, status: str, patient: str | None = None) -> dict:
    return {"appointment_id": f"a{next(_ids)}", "scheduled_at": f"{day} 10:00:00",
            "doctor": doctor, "status": status, "status_raw": status,
            "patient_id": patient}  # fmt: skip


# Ахметова: 10 visits of patient p1 in the 365 days to data_end (15.03.2026), one with a refund
# line: 1000 + 1000 + 1000 + 1000 + (3000 - 500) + 3000 + 1000 + 3000 + 1000 + 3000 = 17 500 ₽ →
# 1 750 ₽ a visit (10 visits: own rate). Белов: one visit, 5000 ₽ on 15.03 of p9 (a new patient), the last day with visits.
SERVICES = [
    line("2025-12-01", "p1", "Ахметова", 1000),
    line("2025-12-15", "p1", "Ахметова", 1000),
    line("2026-01-05", "p1", "Ахметова", 1000),
    line("2026-01-12", "p1", "Ахметова", 1000),
    line("2026-01-20", "p1", "Ахметова", 3000),
    line("2026-01-20", "p1", "Ахметова", -500, service="Возврат"),
    line("2026-01-27", "p1", "Ахметова", 3000),
    line("2026-02-03", "p1", "Ахметова", 1000),
    line("2026-02-10", "p1", "Ахметова", 3000),
    line("2026-03-02", "p1", "Ахметова", 1000),
    line("2026-03-10", "p1", "Ахметова", 3000),
    line("2026-03-15", "p9", "Белов", 5000),
]
# History (16.03.2025 .. 15.03.2026): Ахметова 8 attended, 1 no-show, 1 cancelled = 10 resolved →
# turnout 0,8 (own: 10 >= MIN_HISTORY). Белов 1 attended, 1 no-show: 2 < 10 → the scope's turnout
# (8 + 1) / (10 + 2) = 0,75 and revenue per visit (17 500 + 5 000) / 11 visits.
HISTORY = (
    [_appointment(f"2026-02-{d:02d}", "Ахметова", "attended", "p1") for d in range(1, 9)]
    + [_appointment("2026-02-10", "Ахметова", "no_show", "p1"),
       _appointment("2026-02-11", "Ахметова", "cancelled", "p1"),
       _appointment("2026-02-12", "Белов", "attended", "p9"),
       _appointment("2026-02-13", "Белов", "no_show", "p9"),
       # before the 365 days: not read
       _appointment("2025-01-10", "Ахметова", "no_show", "p1"),
       # planned but before data_end: neither booked nor resolved
       _appointment("2026-03-10", "Ахметова", "planned", "p1")]
)  # fmt: skip
# Booked for 16..31 March: Ахметова 5 (p1 seen; n1 twice, new once; n2 new; one without a card),
# Белов 2 (p1; n3 new). April's booking is not this month's.
BOOKED = [
    _appointment("2026-03-16", "Ахметова", "planned", "p1"),
    _appointment("2026-03-17", "Ахметова", "planned", "n1"),
    _appointment("2026-03-24", "Ахметова", "planned", "n1"),
    _appointment("2026-03-18", "Ахметова", "planned", "n2"),
    _appointment("2026-03-31", "Ахметова", "planned", None),
    _appointment("2026-03-19", "Белов", "planned", "p1"),
    _appointment("2026-03-20", "Белов", "planned", "n3"),
    _appointment("2026-04-02", "Ахметова", "planned", "n4"),
]


@pytest.fixture
def clinic(tmp_path):
    return engine_for(tmp_path, services=SERVICES, appointments=HISTORY + BOOKED)


def test_schedule_projection_of_the_clinic(clinic) -> None:
    p = fc.schedule_projection(clinic, ANY)
    assert p.month == date(2026, 3, 1) and p.data_end == date(2026, 3, 15)
    assert p.rest_from == date(2026, 3, 16) and p.month_end == date(2026, 3, 31)
    # done 1..15 March: 1000 + 3000 (Ахметова) + 5000 (Белов); 3 visits; p9 new
    assert (p.done_revenue, p.done_visits, p.done_new_patients) == (9000.0, 3, 1)
    assert p.booked == 7
    # 5 × 0,8 + 2 × 0,75
    assert p.expected_visits_rest == pytest.approx(5.5)
    # 5 × 0,8 × 1 750 + 2 × 0,75 × 22 500 / 11
    assert p.expected_revenue_rest == pytest.approx(7000 + 1.5 * 22500 / 11)
    assert p.projected_revenue == pytest.approx(9000 + 7000 + 1.5 * 22500 / 11)
    assert p.projected_visits == pytest.approx(8.5)
    # new: n1 and n2 with Ахметова (× 0,8), n3 with Белов (× 0,75); plus p9 done
    assert p.booked_new_patients == 3
    assert p.projected_new_patients == pytest.approx(1 + 2 * 0.8 + 0.75)
    assert p.show_up == pytest.approx(0.75)
    assert p.revenue_per_visit == pytest.approx(22500 / 11)
    rows = p.by_doctor.set_index("doctor")
    assert rows.loc["Ахметова", "show_up"] == pytest.approx(0.8)
    assert bool(rows.loc["Ахметова", "own_show_up"]) and not bool(rows.loc["Белов", "own_show_up"])
    assert rows.loc["Белов", "show_up"] == pytest.approx(0.75)
    assert rows.loc["Ахметова", "revenue_per_visit"] == pytest.approx(1750.0)  # refund netted
    assert "scope_rates" in p.notes and "some_without_card" in p.notes


def test_schedule_projection_narrowed_to_a_doctor(clinic) -> None:
    p = fc.schedule_projection(clinic, period("2020-01-01", "2020-01-31", doctor="Ахметова"))
    # done: 1000 + 3000, 2 visits, no new patient; booked 5 × 0,8 (own rates: the scope is her)
    assert (p.done_revenue, p.done_visits, p.done_new_patients) == (4000.0, 2, 0)
    assert p.booked == 5
    assert p.expected_visits_rest == pytest.approx(4.0)
    assert p.projected_revenue == pytest.approx(4000 + 4 * 1750.0)
    assert p.projected_new_patients == pytest.approx(0 + 2 * 0.8)


def test_schedule_projection_of_a_later_month_and_of_a_month_over(clinic) -> None:
    april = fc.schedule_projection(clinic, ANY, month=date(2026, 4, 1))
    # nothing done yet; one booking by Ахметова (n4, new) × 0,8
    assert (april.done_revenue, april.done_visits, april.booked) == (0.0, 0, 1)
    assert april.projected_visits == pytest.approx(0.8)
    february = fc.schedule_projection(clinic, ANY, month=date(2026, 2, 1))
    # over: projected = done (Ахметова's 2 February visits, 4000 ₽)
    assert february.booked == 0 and february.projected_revenue == pytest.approx(4000.0)
    assert "month_over" in february.notes


def test_no_schedule_no_projection(tmp_path) -> None:
    engine = engine_for(tmp_path, services=SERVICES)
    assert fc.schedule_projection(engine, ANY) is None


def test_bookings_without_card_numbers_do_not_project_new_patients(tmp_path) -> None:
    booked = [_appointment("2026-03-20", "Ахметова", "planned", None)]
    engine = engine_for(tmp_path, services=SERVICES, appointments=HISTORY + booked)
    p = fc.schedule_projection(engine, ANY)
    assert p.booked == 1 and p.projected_new_patients is None and "no_cards" in p.notes
    assert p.projected_visits == pytest.approx(3 + 0.8)


def test_month_in_progress_and_last_whole_month() -> None:
    assert fc.month_in_progress(date(2026, 11, 30)) == date(2026, 12, 1)
    assert fc.month_in_progress(date(2026, 11, 15)) == date(2026, 11, 1)
    assert fc.last_whole_month(date(2026, 11, 15)) == date(2026, 10, 1)
    assert fc.last_whole_month(date(2024, 2, 29)) == date(2024, 2, 1)


# -- the forecast ---------------------------------------------------------------------------------


def _monthly(months: list[str], amount: float | list[float], doctor: str = "Ахметова",
             day: int = 10) -> list[dict]:  # fmt: skip
    amounts = amount if isinstance(amount, list) else [amount] * len(months)
    return [line(f"{m}-{day:02d}", f"p-{m}", doctor, a) for m, a in zip(months, amounts,
                                                                        strict=True)]  # fmt: skip


def _months(start: str, count: int) -> list[str]:
    return [d.strftime("%Y-%m") for d in pd.date_range(f"{start}-01", periods=count, freq="MS")]


def test_eleven_whole_months_give_no_forecast(tmp_path) -> None:
    engine = engine_for(tmp_path, services=_monthly(_months("2025-01", 11), 1000.0)
                        + [line("2025-12-05", "x", "Ахметова", 1000)])  # fmt: skip
    # data_end 05.12.2025: December is in progress, January..November = 11 whole months
    result = fc.forecast(engine, ANY, "revenue")
    assert result.model is None and result.reason == fc.SHORT and result.training_months == 11
    assert result.history["month"].iloc[-1] == date(2025, 11, 1)
    assert result.forecast.empty


def test_a_constant_series_is_forecast_flat_without_seasonality(tmp_path) -> None:
    # 14 whole months of 1000 ₽ (data end 31.03.2026 on a month's last day)
    services = _monthly(_months("2025-02", 14), 1000.0)
    services[-1] = line("2026-03-31", "p-last", "Ахметова", 1000)
    engine = engine_for(tmp_path, services=services)
    result = fc.forecast(engine, ANY, "revenue", horizon=3)
    assert result.model is not None and not result.seasonal
    assert result.reason == fc.NO_SEASONAL_SHORT  # 14 < 24 months
    assert list(result.forecast["month"]) == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert result.forecast["point"].tolist() == pytest.approx([1000.0] * 3)
    assert result.backtest is None  # 14 - 12 = 2 origins < 6
    assert fc.band_for(engine, ANY, "revenue", date(2026, 4, 1)) == pytest.approx((1000.0,) * 5)
    # 13 months before March 2026... but February 2025 .. February 2026 is 13: enough
    assert fc.band_for(engine, ANY, "revenue", date(2026, 3, 1)) is not None
    # before February 2026 there are 12 whole months (Feb 2025 .. Jan 2026); before Jan, 11
    assert fc.band_for(engine, ANY, "revenue", date(2026, 2, 1)) is not None
    assert fc.band_for(engine, ANY, "revenue", date(2026, 1, 1)) is None
    # later than the month in progress: the months before it are not known
    assert fc.band_for(engine, ANY, "revenue", date(2026, 6, 1)) is None


def test_a_missing_month_is_a_gap_not_a_zero(tmp_path) -> None:
    # January..June 2024, no July at all (no services rows), August 2024..August 2025 (13)
    months = _months("2024-01", 6) + _months("2024-08", 13)
    services = _monthly(months, 2000.0)
    services[-1] = line("2025-08-31", "p-last", "Ахметова", 2000)
    engine = engine_for(tmp_path, services=services)
    result = fc.forecast(engine, ANY, "visits")
    assert result.gaps == (date(2024, 7, 1),)
    july = result.history.set_index("month").loc[date(2024, 7, 1), "value"]
    assert pd.isna(july)  # not 0
    # trained on the 13 months after the gap only
    assert result.model is not None and result.training_months == 13
    assert not result.history.set_index("month").loc[date(2024, 6, 1), "is_training"]
    assert result.forecast["point"].tolist() == pytest.approx([1.0] * 6)


def test_a_gap_leaving_too_few_months_gives_no_forecast(tmp_path) -> None:
    months = _months("2024-01", 12) + _months("2025-02", 5)  # January 2025 missing
    services = _monthly(months, 2000.0)
    services[-1] = line("2025-06-30", "p-last", "Ахметова", 2000)
    engine = engine_for(tmp_path, services=services)
    result = fc.forecast(engine, ANY, "revenue")
    assert result.model is None and result.reason == fc.GAP and result.training_months == 5
    assert result.gaps == (date(2025, 1, 1),)


def test_a_doctors_month_without_visits_is_zero_when_the_store_has_the_month(tmp_path) -> None:
    months = _months("2025-01", 13)
    # Белов sees patients every month; Ахметова not in May 2025: the store has May (Белов)
    services = _monthly(months, 500.0, doctor="Белов", day=28)
    services += _monthly([m for m in months if m != "2025-05"], 1000.0)
    services.append(line("2026-01-31", "p-end", "Белов", 500))
    engine = engine_for(tmp_path, services=services)
    result = fc.forecast(engine, period("2020-01-01", "2020-01-02", doctor="Ахметова"), "revenue")
    assert result.scope == "doctor:Ахметова" and result.gaps == ()
    assert result.history.set_index("month").loc[date(2025, 5, 1), "value"] == 0.0


def test_refund_month_keeps_the_model_additive() -> None:
    values = [1000.0, 1200.0, -100.0, 900.0] * 4
    import numpy as np

    specs = fc._candidates(np.asarray(values), allow_seasonal=True)
    assert specs and all(s.error == "add" and s.seasonal != "mul" for s in specs)
    positive = fc._candidates(np.asarray([abs(v) + 1 for v in values]), allow_seasonal=True)
    assert any(s.error == "mul" for s in positive)


def test_backtest_figures_worked_by_hand(monkeypatch) -> None:
    # 20 months alternating 100, 120; a "model" forecasting the mean of the last two (110)
    import numpy as np

    values = np.array([100.0, 120.0] * 10)
    months = [d.date() for d in pd.date_range("2024-01-01", periods=20, freq="MS")]
    monkeypatch.setattr(fc, "_one_step", lambda v, spec: (v[-1] + v[-2]) / 2)
    result = fc.backtest(values, months, fc._Spec("add", None, False, None))
    # origins: months 13..20 (k = min(12, 20 - 12) = 8); fewer than 24 months: naive, lag 1
    assert len(result.origins) == 8 and result.origins[0] == date(2025, 1, 1)
    assert result.naive == "naive"
    assert result.model_mae == pytest.approx(10.0)  # |100 - 110|, |120 - 110|
    assert result.naive_mae == pytest.approx(20.0)  # last month's value is always 20 off
    assert result.ratio == pytest.approx(2.0)
    assert result.mape == pytest.approx((10 / 100 + 10 / 120) / 2)
    assert result.mase == pytest.approx(10.0 / 20.0)  # in-sample naive MAE of months 1..12: 20


def test_seasonal_naive_is_the_benchmark_from_24_months(monkeypatch) -> None:
    import numpy as np

    # 30 months: a 12-month pattern 100..210 plus 5 a year; the "model" is last year's + 5
    pattern = [100.0 + 10 * i for i in range(12)]
    values = np.array([pattern[i % 12] + 5 * (i // 12) for i in range(30)])
    months = [d.date() for d in pd.date_range("2024-01-01", periods=30, freq="MS")]
    monkeypatch.setattr(fc, "_one_step", lambda v, spec: v[-12] + 5)
    result = fc.backtest(values, months, fc._Spec("add", None, False, "add"))
    # seasonal spec: origins from month 25 on, k = min(12, 30 - 24) = 6
    assert len(result.origins) == 6 and result.naive == "seasonal_naive"
    assert result.model_mae == pytest.approx(0.0) and result.naive_mae == pytest.approx(5.0)
    assert result.ratio is None  # a perfect model: no finite ratio
    assert result.mase == pytest.approx(0.0)  # in-sample seasonal naive MAE = 5


def test_a_linear_trend_is_followed_with_ordered_bands(tmp_path) -> None:
    months = _months("2024-01", 30)
    services = _monthly(months, [1000.0 + 100 * i for i in range(30)])
    services[-1] = line("2026-06-30", "p-last", "Ахметова", 1000.0 + 100 * 29)
    engine = engine_for(tmp_path, services=services)
    result = fc.forecast(engine, ANY, "revenue", horizon=2)
    assert result.model is not None and result.backtest is not None
    # July and August 2026 continue 1000 + 100·i: 4000 and 4100
    assert result.forecast["point"].tolist() == pytest.approx([4000.0, 4100.0], rel=0.02)
    for row in result.forecast.itertuples():
        assert row.lo95 <= row.lo80 <= row.point <= row.hi80 <= row.hi95
    assert result.backtest.mape < 0.02


def test_counts_are_never_forecast_below_zero(tmp_path) -> None:
    # visits falling to 0: 14 months with 13, 12, ..., 0 visits → the bands are cut at 0
    months = _months("2025-01", 14)
    services = []
    for i, m in enumerate(months):
        services += [line(f"{m}-{d + 1:02d}", f"p{m}{d}", "Ахметова", 100) for d in range(13 - i)]
    # Белов keeps every month in the store (else a month without Ахметова would be a gap)
    services += _monthly(months + ["2026-03"], 100.0, doctor="Белов", day=28)
    services.append(line("2026-03-31", "p-end", "Белов", 100))
    engine = engine_for(tmp_path, services=services)
    result = fc.forecast(engine, period("2020-01-01", "2020-01-02", doctor="Ахметова"), "visits")
    assert result.model is not None
    assert (result.forecast[["point", "lo80", "lo95"]] >= 0).all().all()


def test_report_section_is_json_ready(clinic) -> None:
    import json

    section = fc.report_section(clinic, ANY)
    text = json.dumps(section)
    assert section["month_in_progress"] == "2026-03-01"
    assert section["projection"]["booked"] == 7
    assert section["forecasts"]["revenue"]["model"] is None  # three months of history
    assert section["forecasts"]["revenue"]["reason"] == fc.SHORT
    assert "NaN" not in text


def test_forecastable_lists_members_with_twelve_months(tmp_path) -> None:
    services = _monthly(_months("2025-01", 13), 100.0) + _monthly(_months("2025-06", 8), 100.0,
                                                                   doctor="Белов", day=20)
    services.append(line("2026-01-31", "p-end", "Белов", 100))
    engine = engine_for(tmp_path, services=services)
    found = fc.forecastable(engine, ANY)
    # whole months to January 2026: Ахметова from January 2025 (13), Белов from June 2025 (8)
    assert found["doctor"] == ("Ахметова",)
