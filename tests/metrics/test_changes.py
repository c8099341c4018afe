"""METRICS.md "What changed": the decomposition of a revenue change, worked out by hand on a tiny
store, adding up to the total; the honesty rules (months missing, periods of different length, a
period with no data yet); the forecast band check with a band of our own.

The store (the period is November 2025; the data end on 30 November, so the previous period is
the 30 days before, 2 - 31 October):

    October 10                                   November
    p1 Иванов   Ортопедия Коронка  2 × 10 000    p1 Иванов   Ортопедия Коронка 3 × 12 000 (10.11)
    p2 Петрова  Терапия   Пломба   4 ×  2 000    p2 Петрова  Терапия   Пломба  3 ×  2 200 (10.11)
    p3 Сидоров  Терапия   Чистка   1 ×  3 000    p5 Петрова  Терапия   Пломба  1 ×  2 200 (30.11)
                                                 p4 Новиков  (none)    Имплант 1 × 50 000 (10.11)

R0 = 31 000 over V0 = 3 visits; R1 = 94 800 over V1 = 4 visits; ΔR = 63 800.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from clinic_bi.metrics import changes as ch
from clinic_bi.metrics.engine import Engine
from tests.metrics_fixtures import engine_for, line, period

OCT = "2025-10-10"


def rows() -> list[dict]:
    return [
        line(OCT, "p1", "Иванов И. И.", 20000, department="Ортопедия", service="Коронка",
             quantity=2),
        line(OCT, "p2", "Петрова П. П.", 8000, department="Терапия", service="Пломба", quantity=4),
        line(OCT, "p3", "Сидоров С. С.", 3000, department="Терапия", service="Чистка"),
        line("2025-11-10", "p1", "Иванов И. И.", 36000, department="Ортопедия",
             service="Коронка", quantity=3),
        line("2025-11-10", "p2", "Петрова П. П.", 6600, department="Терапия", service="Пломба",
             quantity=3),
        line("2025-11-30", "p5", "Петрова П. П.", 2200, department="Терапия", service="Пломба"),
        line("2025-11-10", "p4", "Новиков Н. Н.", 50000, service="Имплант"),
    ]  # fmt: skip


PATIENTS = [{"patient_id": "p1", "channel": "Яндекс"}, {"patient_id": "p2", "channel": "Сайт"}]
NOVEMBER = period("2025-11-01", "2025-11-30")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return engine_for(tmp_path, services=rows(), patients=PATIENTS)


def by_member(frame, column: str = "change") -> dict:
    return dict(zip(frame["member"], frame[column], strict=True))


def test_the_periods_are_the_engines(engine: Engine) -> None:
    c = ch.changes(engine, NOVEMBER)
    assert (c.current.date_from, c.current.date_to) == (date(2025, 11, 1), date(2025, 11, 30))
    assert (c.base.date_from, c.base.date_to) == (date(2025, 10, 2), date(2025, 10, 31))
    assert c.compared and c.reason is None and not c.partial


def test_visits_times_check_split_adds_up(engine: Engine) -> None:
    s = ch.changes(engine, NOVEMBER).split
    assert (s.revenue_0, s.revenue_1, s.change) == (31000, 94800, 63800)
    assert (s.visits_0, s.visits_1) == (3, 4)
    c0, c1 = 31000 / 3, 94800 / 4
    assert s.check_0 == pytest.approx(c0) and s.check_1 == pytest.approx(23700)
    # symmetric split: visits (V1 - V0)(C0 + C1)/2, check (C1 - C0)(V0 + V1)/2
    assert s.visits_effect == pytest.approx(1 * (c0 + c1) / 2)  # 17 016.67
    assert s.check_effect == pytest.approx((c1 - c0) * 7 / 2)  # 46 783.33
    assert s.visits_effect + s.check_effect == pytest.approx(63800)
    assert s.visits_rel == pytest.approx(1 / 3)
    assert s.check_rel == pytest.approx((c1 - c0) / c0)
    assert s.change_rel == pytest.approx(63800 / 31000)


def test_services_price_volume_mix_new_lost(engine: Engine) -> None:
    c = ch.changes(engine, NOVEMBER)
    services = c.members["service"].set_index("member")
    crown = services.loc["Коронка"]
    # P0 = 10 000, Q0 = 2; P1 = 12 000, Q1 = 3
    assert crown["price_effect"] == pytest.approx((12000 - 10000) * 2)  # 4 000
    assert crown["volume_effect"] == pytest.approx((3 - 2) * 10000)  # 10 000
    assert crown["mix_effect"] == pytest.approx(16000 - 4000 - 10000)  # 2 000
    filling = services.loc["Пломба"]  # Q 4 -> 4 (3 + 1), P 2 000 -> 2 200
    assert (filling["price_effect"], filling["volume_effect"], filling["mix_effect"]) == (
        pytest.approx(800), pytest.approx(0), pytest.approx(0))
    assert services.loc["Имплант", "status"] == "new"
    assert services.loc["Имплант", "change"] == 50000
    assert services.loc["Чистка", "status"] == "lost"
    assert services.loc["Чистка", "change"] == -3000
    e = c.services
    assert (e.price, e.volume, e.mix, e.new, e.lost) == (
        pytest.approx(4800), pytest.approx(10000), pytest.approx(2000), 50000, 3000)
    assert e.price + e.volume + e.mix + e.new - e.lost == pytest.approx(c.split.change)


def test_every_dimension_adds_up_to_the_total(engine: Engine) -> None:
    c = ch.changes(engine, NOVEMBER)
    assert by_member(c.members["department"]) == {
        None: 50000, "Ортопедия": 16000, "Терапия": -2200}
    assert by_member(c.members["doctor"]) == {
        "Новиков Н. Н.": 50000, "Иванов И. И.": 16000, "Сидоров С. С.": -3000,
        "Петрова П. П.": 800}  # fmt: skip
    # channels: p1 Яндекс, p2 Сайт, the others have none ('unknown')
    assert by_member(c.members["channel"]) == {
        "unknown": 52200 - 3000, "Яндекс": 16000, "Сайт": 6600 - 8000}
    for dimension in ch.DIMENSIONS:
        assert c.members[dimension]["change"].sum() == pytest.approx(63800), dimension


def test_a_departments_price_is_its_services_price(engine: Engine) -> None:
    departments = ch.changes(engine, NOVEMBER).members["department"].set_index("member",
                                                                                drop=False)
    ortho = departments.loc["Ортопедия"]
    assert (ortho["price_effect"], ortho["volume_effect"], ortho["mix_effect"]) == (
        pytest.approx(4000), pytest.approx(10000), pytest.approx(2000))
    therapy = departments.loc["Терапия"]
    assert therapy["price_effect"] == pytest.approx(800)
    assert therapy["lost_effect"] == pytest.approx(-3000)  # Чистка
    for _, row in departments.iterrows():
        parts = (row["price_effect"] + row["volume_effect"] + row["mix_effect"]
                 + row["new_effect"] + row["lost_effect"])  # fmt: skip
        assert parts == pytest.approx(row["change"]), row["member"]


def test_movers_new_and_lost(engine: Engine) -> None:
    c = ch.changes(engine, NOVEMBER)
    # the threshold: max(5 % of 63 800, 0.5 % of 31 000, 10 000) = 10 000
    assert c.threshold == 10000
    up, down = c.movers("doctor")
    assert list(up["member"]) == ["Новиков Н. Н.", "Иванов И. И."]
    assert down.empty  # Сидоров's -3 000 is under the threshold
    assert list(c.appeared("doctor")["member"]) == ["Новиков Н. Н."]
    assert list(c.disappeared("doctor")["member"]) == ["Сидоров С. С."]
    assert list(c.appeared("service")["member"]) == ["Имплант"]
    assert list(c.disappeared("service")["member"]) == ["Чистка"]


def test_a_visit_split_over_two_departments_counts_in_each(tmp_path: Path) -> None:
    # one visit (one patient, doctor, day) with lines in two departments: 1 visit, and each
    # department its own lines' revenue
    engine = engine_for(tmp_path, services=[
        line("2025-10-10", "p1", "Иванов", 1000, department="Терапия"),
        line("2025-11-10", "p1", "Иванов", 3000, department="Терапия"),
        line("2025-11-10", "p1", "Иванов", 5000, department="Хирургия", service="Удаление"),
    ])  # fmt: skip
    c = ch.changes(engine, NOVEMBER)
    assert (c.split.visits_0, c.split.visits_1) == (1, 1)
    assert by_member(c.members["department"]) == {"Хирургия": 5000, "Терапия": 2000}
    assert c.members["department"]["change"].sum() == c.split.change == 7000


def test_lines_without_a_doctor_are_one_member(tmp_path: Path) -> None:
    # "без указания" is a member like any other: without it the doctors would add up to 2 000
    engine = engine_for(tmp_path, services=[
        line("2025-10-10", "p1", None, 1000),
        line("2025-11-10", "p1", None, 3000),
        line("2025-11-30", "p2", "Иванов", 2000),
    ])  # fmt: skip
    c = ch.changes(engine, NOVEMBER)
    assert by_member(c.members["doctor"]) == {None: 2000, "Иванов": 2000}
    assert c.members["doctor"]["change"].sum() == c.split.change == 4000
    assert list(c.appeared("doctor")["member"]) == ["Иванов"]  # "без указания" is not new


def test_periods_that_overlap_count_a_line_in_both(tmp_path: Path) -> None:
    # 15 months (January 2024 - March 2025) against the same days a year earlier (January 2023 -
    # March 2024): January - March 2024 lie in both. Иванов has 1 000 every month, Петров one
    # line of 5 000 on 10 February 2024, in both periods: 'both', with 5 000 on each side.
    months = [f"{year}-{month:02d}-10" for year in (2023, 2024, 2025) for month in range(1, 13)
              if f"{year}-{month:02d}" <= "2025-03"]
    engine = engine_for(tmp_path, services=[
        *(line(day, "p1", "Иванов", 1000) for day in months),
        line("2024-02-10", "p2", "Петров", 5000, department="Хирургия", service="Удаление"),
        line("2025-03-31", "p1", "Иванов", 0),
    ])  # fmt: skip
    c = ch.changes(engine, period("2024-01-01", "2025-03-31"), "year")
    assert c.compared and (c.base.date_from, c.base.date_to) == (date(2023, 1, 1),
                                                                 date(2024, 3, 31))
    # each period: 15 months of Иванов and Петров's line
    assert (c.split.revenue_0, c.split.revenue_1) == (20000, 20000)
    doctors = c.members["doctor"].set_index("member")
    assert doctors.loc["Петров", ["revenue_0", "revenue_1", "status"]].tolist() == [
        5000, 5000, "both"]
    assert doctors.loc["Иванов", ["revenue_0", "revenue_1"]].tolist() == [15000, 15000]
    services = c.members["service"].set_index("member")
    assert services.loc["Удаление", ["quantity_0", "quantity_1", "status"]].tolist() == [
        1, 1, "both"]
    departments = c.members["department"].set_index("member")
    assert departments.loc["Хирургия", ["revenue_0", "revenue_1", "status"]].tolist() == [
        5000, 5000, "both"]


def test_a_month_missing_is_not_compared(engine: Engine) -> None:
    # a year earlier is November 2024: services hold no line that month
    c = ch.changes(engine, NOVEMBER, "year")
    assert not c.compared and c.reason == "gaps" and c.gaps == ("2024-11",)
    assert c.split is None and c.members == {}


def test_periods_of_different_length_are_not_compared(tmp_path: Path) -> None:
    # March asked, the data end on 30 March: 1 - 30 March against 1 - 28 February
    engine = engine_for(tmp_path, services=[
        line("2025-02-10", "p1", "Иванов", 1000), line("2025-03-30", "p1", "Иванов", 2000),
    ])  # fmt: skip
    c = ch.changes(engine, period("2025-03-01", "2025-03-31"))
    assert c.partial and (c.current.days, c.base.days) == (30, 28)
    assert not c.compared and c.reason == "length"


def test_a_period_after_the_data_is_not_compared(engine: Engine) -> None:
    c = ch.changes(engine, period("2026-01-01", "2026-01-31"))
    assert not c.compared and c.reason == "ahead"


def fake_band(engine, f, figure, month):
    assert month == date(2025, 11, 1)
    return {"revenue": (50000, 40000, 60000, 35000, 65000), "visits": (4, 3, 5, 2, 6)}.get(figure)


def test_a_month_outside_the_band(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ch, "band_source", lambda: fake_band)
    c = ch.changes(engine, NOVEMBER)
    assert c.band_available
    sides = {r["figure"]: r["side"] for r in c.outside.to_dict("records")}
    # revenue 94 800 > 65 000: above; visits 4 in [2, 6]; new patients: no band, no side
    assert sides == {"revenue": "above", "visits": None, "new_patients": None}
    actual = {r["figure"]: r["actual"] for r in c.outside.to_dict("records")}
    # new patients in November: p4 and p5 (p1 and p2 came in October)
    assert actual == {"revenue": 94800, "visits": 4, "new_patients": 2}


def test_the_last_three_whole_months_and_a_month_without_visits(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # July - November 2025: the last three whole months are checked; September has no visit, so
    # it has no actual figure and is not judged, whatever the band (missing is never 0)
    monkeypatch.setattr(ch, "band_source", lambda: lambda *_: (10.0, 5.0, 15.0, 1.0, 20.0))
    f = period("2025-07-01", "2025-11-30")
    frame, available = ch.outside_band(engine, f, f)
    assert available
    assert sorted(set(frame["month"])) == [date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)]
    september = frame[frame["month"] == date(2025, 9, 1)]
    assert september["actual"].isna().all() and september["side"].isna().all()
    october = frame[(frame["month"] == date(2025, 10, 1)) & (frame["figure"] == "revenue")]
    assert october["side"].tolist() == ["above"]  # 31 000 > 20


def test_without_the_forecast_module_there_is_no_band(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "clinic_bi.metrics.forecast", None)  # import fails
    assert ch.band_source() is None
    c = ch.changes(engine, NOVEMBER)
    assert not c.band_available and c.outside.empty and c.compared


def test_report_section_is_plain_json(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    monkeypatch.setattr(ch, "band_source", lambda: fake_band)
    section = ch.report_section(engine, NOVEMBER)
    json.dumps(section)  # plain values only
    assert (section["date_from"], section["date_to"]) == ("2025-11-01", "2025-11-30")
    previous, year = section["bases"]
    assert previous["compared"] and previous["split"]["change"] == 63800
    assert previous["services"]["new"] == 50000
    assert [m["member"] for m in previous["movers"]["doctor"]["up"]] == [
        "Новиков Н. Н.", "Иванов И. И."]
    assert previous["movers"]["service"]["lost"] == [{"member": "Чистка", "revenue_0": 3000.0}]
    assert year == {"basis": "year", "date_from": "2024-11-01", "date_to": "2024-11-30",
                    "compared": False, "reason": "gaps", "gaps": ["2024-11"]}
    assert section["outside"] == [{"month": "2025-11-01", "figure": "revenue", "actual": 94800.0,
                                   "point": 50000.0, "lo95": 35000.0, "hi95": 65000.0,
                                   "side": "above"}]  # fmt: skip
