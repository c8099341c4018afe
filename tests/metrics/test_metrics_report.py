"""The report object (CLI.md keys, nulls), the comparison periods, and the Russian formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
from metrics_fixtures import engine_for, line, load_example, make_store, new_store, period

from clinic_bi import fmt
from clinic_bi.metrics import Filters, MetricsError
from clinic_bi.present.report import build_report, format_text


def test_an_empty_period_has_every_ratio_null(tmp_path: Path) -> None:
    path = new_store(tmp_path)
    load_example(path)  # every table has rows, none of them in January 2030
    report = build_report(path, period("2030-01-01", "2030-01-31"))
    assert report["summary"] == {
        "revenue": 0.0, "visits": 0, "patients": 0, "avg_check": None, "new_patients": 0,
        "first_visits": 0, "returning_visits": 0, "return_rate": None, "return_cohort": 0,
        "not_yet_observable": 0, "ltv": None, "ltv_12m": None, "data_end": "2025-12-20",
    }  # fmt: skip
    for section in ("doctors", "departments", "services", "monthly", "marketing"):
        assert report[section] == [], section
    assert report["funnel"] == {
        "leads": 0, "booked": 0, "visited": 0, "contracted": 0, "booking_rate": None,
        "show_rate": None, "contract_rate": None, "overall_rate": None, "by_channel": [],
        "by_operator": [],
    }  # fmt: skip
    assert report["appointments"] == {
        "attended": 0, "no_show": 0, "cancelled": 0, "show_up_rate": None,
    }  # fmt: skip
    assert report["quality"] == {
        "reviews": 0, "avg_rating": None, "negative_share": None, "avg_wait_min": None,
    }  # fmt: skip
    text = format_text(report)
    assert "nan" not in text.lower() and "inf" not in text.lower()


def test_sections_of_tables_never_loaded_are_null(tmp_path: Path) -> None:
    empty = build_report(new_store(tmp_path), period("2025-01-01", "2025-01-31"))
    assert empty["period"] == {"from": "2025-01-01", "to": "2025-01-31"}
    assert all(value is None for key, value in empty.items() if key != "period")
    assert "нет данных" in format_text(empty)

    only_services = build_report(
        make_store(tmp_path / "b", services=[line("2025-01-10", "P1", "A", 100)]),
        period("2025-01-01", "2025-01-31"),
    )
    assert only_services["summary"]["revenue"] == 100.0
    for section in ("funnel", "marketing", "appointments", "quality"):
        assert only_services[section] is None, section

    no_reviews = build_report(
        make_store(
            tmp_path / "c",
            appointments=[
                {
                    "appointment_id": "A1",
                    "scheduled_at": "2025-01-10 09:00",
                    "status": "attended",
                    "wait_min": 4,
                }
            ],
        ),  # fmt: skip
        period("2025-01-01", "2025-01-31"),
    )
    assert no_reviews["summary"] is None
    # reviews never loaded: their figures are null; the wait comes from the appointments
    assert no_reviews["quality"] == {
        "reviews": None, "avg_rating": None, "negative_share": None, "avg_wait_min": 4.0,
    }  # fmt: skip


def test_comparison_with_the_previous_period_and_a_year_earlier(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-01-10", "P1", "A", 1000),
            line("2024-01-10", "P1", "B", 2000),
            line("2024-02-20", "P1", "D", 700),
            line("2024-02-01", "P2", "A", 1000),
            line("2024-02-10", "P3", "B", 3000),
        ],
    )
    february = period("2024-02-01", "2024-02-29")  # 29 days
    result = engine.comparison(february)
    # the data end on 2024-02-20, inside February: 1-20 February is compared with the same days
    # of January, and of February 2023
    assert (result.current.date_from.isoformat(), result.current.date_to.isoformat()) == (
        "2024-02-01", "2024-02-20")
    assert (result.previous.date_from.isoformat(), result.previous.date_to.isoformat()) == (
        "2024-01-01", "2024-01-20")
    assert result.partial and not result.same_periods
    assert result.year_earlier.date_to.isoformat() == "2023-02-20"
    figures = result.table.set_index("metric")
    # February 1-20: 700 + 1000 + 3000 = 4700; January 1-20: P1's 1000 + 2000 = 3000
    assert figures.loc["revenue", ["current", "previous", "change"]].tolist() == [4700, 3000, 1700]
    assert figures.loc["revenue", "change_rel"] == pytest.approx(1700 / 3000)
    # a year earlier the store holds nothing: no change is given, the missing month is named
    assert figures.loc["revenue", "year_earlier"] == 0
    assert figures["change_year"].isna()["revenue"]
    assert figures.loc["revenue", "gaps_year"] == ["2023-02"]
    assert figures.loc["revenue", "gaps"] == []
    # visits 3 vs 2 (P1's two doctors on 01-10 are two visits) -> +1, +50 %
    assert figures.loc["visits", ["current", "previous", "change_rel"]].tolist() == [3, 2, 0.5]
    # new patients: February P2 (P3 is first seen 02-10 too) vs January P1
    assert figures.loc["new_patients", ["current", "previous"]].tolist() == [2, 1]
    assert figures.loc["revenue", "kind"] == "money"
    report = build_report(engine, february, comparison=True)
    assert report["comparison"]["previous_period"] == {"from": "2024-01-01", "to": "2024-01-20"}
    assert "Сравнение" in format_text(report)


def test_filters_validate_and_normalise() -> None:
    f = Filters("2025-01-01", "2025-06-30", doctor=["A", "A", "B"], department=[], branch="")
    assert (f.doctor, f.department, f.branch) == (("A", "B"), None, None)
    assert f.days == 181
    prev = f.previous_period()  # 181 days before 2025-01-01
    assert (prev.date_from.isoformat(), prev.date_to.isoformat()) == ("2024-07-04", "2024-12-31")
    leap = Filters("2024-02-29", "2024-02-29").year_earlier()
    assert leap.date_from.isoformat() == "2023-02-28"
    assert hash(f) == hash(Filters("2025-01-01", "2025-06-30", doctor=("A", "B")))
    with pytest.raises(MetricsError):
        Filters("2025-03-01", "2025-02-01")
    with pytest.raises(MetricsError):
        Filters("2025-01-01", "2025-01-31", return_window=-1)
    with pytest.raises(MetricsError):
        Filters("31.01.2025", "2025-02-01")


def test_money_and_ratios_the_russian_way() -> None:
    assert fmt.money(32_912_000) == "32,9 млн ₽"
    assert fmt.money(58_900) == "58 900 ₽"
    assert fmt.money(5966.666) == "5 967 ₽"
    assert fmt.money(1_234_567_890) == "1,2 млрд ₽"
    assert fmt.money(-4000) == "-4 000 ₽"
    assert fmt.money(58_900, nbsp=True) == "58\u00a0900\u00a0₽"
    assert fmt.percent(0.4743) == "47,4 %"
    assert fmt.percent(0.4745) == "47,5 %"  # half up, not to even
    assert fmt.percent(-0.785) == "-78,5 %"
    assert fmt.number(1234567) == "1 234 567"
    assert fmt.minutes(8.3333) == "8,3 мин"
    assert fmt.day("2025-12-20") == "20.12.2025"
    assert fmt.month("2025-01") == "янв 2025"
    for missing in (None, float("nan"), float("inf")):
        assert fmt.money(missing) == fmt.percent(missing) == fmt.number(missing) == "—"


def test_money_and_ratios_the_english_way() -> None:
    assert fmt.money(32_912_000, "en") == "32.9M ₽"
    assert fmt.money(58_900, "en") == "58,900 ₽"
    assert fmt.percent(0.4743, "en") == "47.4%"
    assert fmt.day("2025-12-20", "en") == "2025-12-20"
    with pytest.raises(ValueError):
        fmt.money(1, "de")
