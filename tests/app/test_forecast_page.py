"""Прогноз as AppTest draws it, over a hand-made store: 14 whole months of one doctor's 1000 ₽
visits and a schedule; the numbers on screen are the API's, worked out by hand below."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.clinic_home import clinic_home, run_app

# One visit of 1000 ₽ on the 10th of each month, January 2025 .. February 2026, and one on
# 31.03.2026 (data end on a month's last day: April is the month in progress, 15 whole months).
_MONTHS = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02"]
SERVICES = "Дата;№ карты;Врач;Отделение;Услуга;Сумма\n" + "".join(
    f"10.{m[5:]}.{m[:4]};{i + 1};Иванова А. А.;Терапия;Приём;1000\n" for i, m in enumerate(_MONTHS)
) + "10.03.2026;1;Иванова А. А.;Терапия;Приём;1000\n31.03.2026;2;Иванова А. А.;Терапия;Приём;1000\n"
# History: 10 attended, 2 no-shows, no cancellations → turnout 10 / 12; booked for April: 3.
_ROWS = ([(f"{d:02d}.03.2026", "Пришёл") for d in range(1, 11)]
         + [("11.03.2026", "Не пришёл"), ("12.03.2026", "Не пришёл")]
         + [(f"{d:02d}.04.2026", "Запланирован") for d in (2, 3, 6)])
SCHEDULE = "№ записи;Дата приёма;№ карты;Врач;Статус\n" + "".join(
    f"{i + 1};{day} 10:00;1;Иванова А. А.;{status}\n" for i, (day, status) in enumerate(_ROWS)
)


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clinic_home(tmp_path, monkeypatch, {"услуги.csv": SERVICES, "расписание.csv": SCHEDULE})


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(str(p) for p in parts)


def test_the_forecast_page_shows_the_projection_and_the_forecast(clinic: Path) -> None:
    at = run_app({"lang": "ru"}, page="pages/9_forecast.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    # booked 3 × turnout 10/12 = 2,5 visits × 1000 ₽ a visit (13 visits, 13 000 ₽ in the 365 days)
    assert metrics["Записей на остаток месяца"] == "3"
    assert metrics["Итог месяца по расписанию"] == "2 500 ₽"
    text = _texts(at)
    # 15 whole months of 1000 ₽ (March 2026 has two visits: 2000 ₽): a model, no seasonality
    assert "Сезонность не учитывается: для неё нужно 24 полных месяца, есть 15." in text
    # 15 - 12 = 3 origins: too few for the backtest
    assert "Точность не проверить" in text
    assert at.get("vega_lite_chart"), "the forecast chart is drawn"


def test_the_page_in_english(clinic: Path) -> None:
    at = run_app({"lang": "en"}, page="pages/9_forecast.py")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Month-end from the schedule"] == "2,500 ₽"


def test_the_sidebar_doctor_picks_the_scope(clinic: Path) -> None:
    at = run_app({"lang": "ru", "doctor": "Иванова А. А."}, page="pages/9_forecast.py")
    scope = next(s for s in at.selectbox if s.label == "Что прогнозировать")
    assert scope.value == "doctor:Иванова А. А."
    # the one doctor is the whole clinic here: the same 2 500 ₽
    assert {m.label: m.value for m in at.metric}["Итог месяца по расписанию"] == "2 500 ₽"


def test_too_short_a_history_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # January .. May 2025 whole, data end 31.05.2025: five whole months, no schedule
    services = "Дата;№ карты;Врач;Отделение;Услуга;Сумма\n" + "".join(
        f"10.{m:02d}.2025;{m};Иванова А. А.;Терапия;Приём;1000\n" for m in range(1, 5)
    ) + "31.05.2025;9;Иванова А. А.;Терапия;Приём;1000\n"
    clinic_home(tmp_path, monkeypatch, {"услуги.csv": services})
    at = run_app({"lang": "ru"}, page="pages/9_forecast.py")
    infos = [i.value for i in at.info]
    assert "Расписание не загружено: прогноз месяца по записям недоступен." in infos
    assert "Прогноза нет: полных месяцев истории 5, а нужно не меньше 12." in infos


def test_the_forecast_chart_is_valid_vega_lite() -> None:
    from datetime import date

    import pandas as pd

    from clinic_bi.present import charts

    history = pd.DataFrame({"month": [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
                            "value": [1000.0, float("nan"), 3000.0]})  # fmt: skip
    ahead = pd.DataFrame({"month": [date(2026, 4, 1)], "point": [3100.0], "lo80": [2900.0],
                          "hi80": [3300.0], "lo95": [2800.0], "hi95": [3400.0]})  # fmt: skip
    for lang in ("ru", "en"):
        chart = charts.forecast_chart(history, ahead, "revenue", lang, model="ETS(A,N,N)",
                                      projection=(date(2026, 4, 1), 2500.0))  # fmt: skip
        spec = chart.to_dict()  # validated against the Vega-Lite schema
        marks = [layer["mark"] for layer in spec["layer"]]
        # history solid and broken at the missing month; forecast dashed; two bands; a diamond
        assert marks[0]["type"] == "line" and marks[0]["invalid"] == "break-paths-show-domains"
        assert sum(m["type"] == "area" for m in marks) == 2
        assert any(m["type"] == "line" and m.get("strokeDash") for m in marks)
        assert any(m.get("shape") == "diamond" for m in marks)
        assert spec["title"]["text"]
