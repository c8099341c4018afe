"""Figures an owner cannot misread (issue 13, items 1-8), on the pages as AppTest draws them, over a
hand-made services export: a month missing (March 2025), data that end inside a month (3 June
2025), a patient seen by two doctors on their first day. Every expected text is worked out by
hand from the lines below."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.app import view
from clinic_bi.paths import PROJECT_DIR
from clinic_bi.present import figures
from tests.app.clinic_home import clinic_home, run_app

APP = str(PROJECT_DIR / "streamlit_app.py")
SERVICES = """Дата;№ карты;Врач;Отделение;Услуга;Сумма
10.01.2025;1;Иванова А. А.;Терапия;Приём;1000
10.01.2025;1;Петров Б. Б.;Ортопедия;Коронка;5000
15.02.2025;2;Иванова А. А.;Терапия;Приём;2000
10.04.2025;3;Иванова А. А.;Терапия;Приём;3000
20.04.2025;1;Петров Б. Б.;Ортопедия;Коронка;4000
01.05.2025;4;Петров Б. Б.;Ортопедия;Коронка;700
03.05.2025;2;Иванова А. А.;Терапия;Приём;300
20.05.2025;5;Иванова А. А.;Терапия;Приём;9999
01.06.2025;6;Иванова А. А.;Терапия;Приём;1200
03.06.2025;4;Петров Б. Б.;Ортопедия;Коронка;600
"""


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clinic_home(tmp_path, monkeypatch, {"услуги.csv": SERVICES})


run = run_app


def card(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_a_month_missing_shows_no_change_and_names_the_months(clinic: Path) -> None:
    # April 2025 against 2 - 31 March (no line: the export is missing) and April 2024 (before
    # the data begin): no change at all, both months named
    at = run({"period": "custom", "from": "2025-04-01", "to": "2025-04-30"})
    revenue = card(at, "Выручка")
    assert revenue.value == "7 000 ₽"  # 3000 + 4000
    assert not revenue.proto.delta
    assert "⚠ нет данных за апр 2024, мар 2025: изменение не считается" in texts(at)


def test_a_period_the_data_end_inside_compares_the_same_days(clinic: Path) -> None:
    # the data end on 3 June: June is 1-3 June (1200 + 600 = 1800) against 1-3 May (700 + 300)
    at = run({"period": "custom", "from": "2025-06-01", "to": "2025-06-30"})
    revenue = card(at, "Выручка")
    assert revenue.value == "1 800 ₽"
    assert revenue.proto.delta == "+80,0 %"
    assert ("Данные по 03.06.2025: изменения сравнивают 01.06.2025 — 03.06.2025 с "
            "01.05.2025 — 03.05.2025 и с 01.06.2024 — 03.06.2024 — те же дни.") in texts(at)
    # new patients rest on the whole history, and March is missing from it
    assert not card(at, "Новые пациенты").proto.delta


def test_twelve_months_are_compared_once(clinic: Path) -> None:
    # July 2024 - June 2025: the previous twelve months are a year earlier, one comparison
    at = run({"period": "custom", "from": "2024-07-01", "to": "2025-06-30"})
    revenue = card(at, "Выручка")
    # the data end on 3 June: 1 July - 3 June against the same days a year earlier, named once
    # in the card's "?" (March 2025 is missing: no change is shown)
    assert revenue.proto.help.endswith("\n\n01.07.2023 — 03.06.2024: 0 ₽.")
    assert not [m.value for m in at.markdown if "к прошлому году" in m.value]  # no second line


def test_a_card_says_what_its_figure_is(clinic: Path) -> None:
    at = run({"period": "custom", "from": "2025-05-01", "to": "2025-05-31"})
    help_text = card(at, "Выручка").proto.help
    assert help_text.startswith(figures.get("revenue").definition("ru"))
    assert "01.04.2025 — 01.05.2025" not in help_text  # May's 31 days: 31 March - 30 April
    assert "31.03.2025 — 30.04.2025: 7 000 ₽." in help_text


def test_column_headers_carry_the_definitions() -> None:
    config = view.column_config(["doctor", "revenue", "return_rate_doctor"], "en")
    assert config["Revenue"]["help"] == figures.get("revenue").definition("en")
    assert config["Return rate to the doctor"]["help"].endswith(
        figures.get("return_rate_doctor").definition("en"))


def test_a_doctor_is_compared_with_the_clinic_not_with_the_filter(clinic: Path) -> None:
    at = run({"period": "custom", "from": "2025-01-01", "to": "2025-06-30",
              "doctor": ["Иванова А. А."]}, page="pages/1_doctors.py")
    # Иванова: 1000 + 2000 + 3000 + 300 + 9999 + 1200 = 17 499 of the clinic's 27 799
    assert card(at, "Доля в выручке клиники").value == "62,9 %"
    # her average check 17 499 / 6 visits = 2 917 ₽ against the clinic's 27 799 / 10 = 2 780 ₽
    check = card(at, "Средний чек")
    assert check.value == "2 917 ₽"
    assert "2 780 ₽" in check.proto.delta_description
    # her own return rate and LTV count her own patients: shown, not set against the clinic's
    assert not card(at, "LTV у врача").proto.delta


def test_the_doctors_new_patients_column_says_why_it_adds_up_to_more(clinic: Path) -> None:
    # patient 1 saw both doctors on 10 January: new for each, so 5 + 2 = 7 against the clinic's 6
    at = run({"period": "custom", "from": "2025-01-01", "to": "2025-06-30"},
             page="pages/1_doctors.py")
    assert any("считают у обоих" in c.value and "(6)" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert "Возвращаемость к врачу" in table.columns and "LTV у врача" in table.columns
