"""`report` with its looking-ahead sections (issue 14: "report --format json has a section per
feature"): forecast, plan, changes and call_lists, in JSON and in the text report, on a store
small enough to work every figure out by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from clinic_bi import store
from clinic_bi.cli import main
from clinic_bi.present import report_ahead
from clinic_bi.present.report import build_report, format_text
from clinic_bi.store.goals import Goal, save_goals
from tests.metrics_fixtures import line, make_store, period


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One therapy doctor. P2 came once, on 5 January 2025; P1 on the 10th of every month from
    February 2025 to 10 January 2026 (data_end). Every month of 2025 is 1 000 ₽ and one visit.
    A clinic revenue goal of 2 000 ₽ for January 2026."""
    rows = [line("2025-01-05", "P2", "Белов", 1000, department="Терапия")]
    rows += [line(f"2025-{m:02d}-10", "P1", "Белов", 1000, department="Терапия")
             for m in range(2, 13)]  # fmt: skip
    rows.append(line("2026-01-10", "P1", "Белов", 1000, department="Терапия"))
    path = make_store(tmp_path_factory.mktemp("ahead"), services=rows)
    con = store.connect(path)
    try:
        save_goals(con, [Goal(date(2026, 1, 1), "clinic", None, "revenue", 2000)])
    finally:
        con.close()
    return path


def _report(db: Path, capsys: pytest.CaptureFixture[str], *more: str) -> str:
    assert main(["report", "--from", "2026-01-01", "--to", "2026-01-31", "--db", str(db),
                 *more]) == 0  # fmt: skip
    return capsys.readouterr().out


def test_json_has_a_section_per_feature_with_hand_worked_figures(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = json.loads(_report(db, capsys, "--format", "json"))
    assert list(report)[-5:] == list(report_ahead.KEYS)

    forecast = report["forecast"]
    # data_end 10 January: December is the last whole month, January the one in progress
    assert (forecast["data_end"], forecast["month_in_progress"]) == ("2026-01-10", "2026-01-01")
    assert forecast["projection"] is None  # no schedule loaded
    revenue = forecast["forecasts"]["revenue"]
    # twelve whole months of exactly 1 000 ₽: a flat series, forecast flat at 1 000 ₽
    assert revenue["training_months"] == 12
    assert [m["month"] for m in revenue["months"]][:2] == ["2026-01-01", "2026-02-01"]
    assert all(m["point"] == pytest.approx(1000) for m in revenue["months"])
    assert revenue["backtest"] is None  # 12 months train, none are left to check

    plan = report["plan"]
    goal = plan["month_to_date"][0]
    # January 2026 by the calendar: 1–8 January holidays, 9 January a day off moved from
    # 3 January, Sundays off: 19 working days; passed by data_end only Saturday the 10th
    assert (goal["goal"], goal["done"], goal["share"]) == (2000, 1000, 0.5)
    assert (goal["workdays_total"], goal["workdays_passed"], goal["workdays_left"]) == (19, 1, 18)
    assert goal["needed_per_day"] == pytest.approx(1000 / 18)
    assert goal["projected"] == pytest.approx(1000 / 1 * 19)  # no schedule: the pace
    assert goal["status"] == "green"

    calls = report["call_lists"]
    # P2's last visit, 5 January 2025, is more than the therapy's 12 months before 10 January
    # 2026; P1 came on data_end. P2's yearly value: 1 000 ₽ over max(370 days / 365.25, 1) years
    lapsed = calls["lists"]["lapsed"]
    assert [row["patient_id"] for row in lapsed["top"]] == ["P2"]
    assert lapsed["value"] == pytest.approx(1000 / (370 / 365.25), abs=0.01)
    assert calls["patients"] == 1

    changes = report["changes"]
    # 1–10 January 2026 (data_end) against 1–10 December 2025: 1 000 ₽ both
    assert (changes["date_from"], changes["date_to"]) == ("2026-01-01", "2026-01-10")
    assert changes["sentences"]["ru"] and changes["sentences"]["en"]


def test_text_report_prints_the_sections_in_each_language(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _report(db, capsys)
    for heading in ("Прогноз", "План", "Что изменилось", "Кого позвать"):
        assert f"\n{heading}\n" in text
    assert "1 пациент ждёт звонка на 987 ₽" in text  # 987,17 ₽ as the owner reads money
    assert "янв 2026, данные по 10.01.2026" in text
    # the English page (what the app's report download will write)
    english = format_text(build_report(db, period("2026-01-01", "2026-01-31"), ahead=True,
                                       lang="en"), lang="en")  # fmt: skip
    for heading in ("Forecast", "Plan", "What changed", "Whom to call"):
        assert f"\n{heading}\n" in english
    assert "1 patient is waiting for a call, 987 ₽ at stake" in english
    assert "Jan 2026, data up to 2026-01-10" in english


def test_no_ahead_leaves_the_sections_out(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_report(db, capsys, "--format", "json", "--no-ahead"))
    assert not set(report) & set(report_ahead.KEYS)
