"""План under AppTest: the month to date and the past months on screen are the hand-worked
figures (and the API's), «undo the last change» puts the earlier goal back, the editor's rows
become the goals to save, and an owner reads without save or undo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from clinic_bi import store
from clinic_bi.app import access
from clinic_bi.app import plan_view as pv
from clinic_bi.metrics import Engine
from clinic_bi.metrics import goals as mg
from clinic_bi.store import goals as sg
from tests.app.clinic_home import clinic_home, run_app
from tests.app.test_app_auth import _secrets, app, browser_at, sign_in

PAGE = "pages/10_plan.py"
SERVICES = """Дата;№ карты;Врач;Отделение;Услуга;Сумма
10.04.2025;3;Иванова А. А.;Терапия;Приём;3000
20.04.2025;1;Петров Б. Б.;Ортопедия;Коронка;4000
01.05.2025;4;Петров Б. Б.;Ортопедия;Коронка;700
03.05.2025;2;Иванова А. А.;Терапия;Приём;300
20.05.2025;5;Иванова А. А.;Терапия;Приём;9999
01.06.2025;6;Иванова А. А.;Терапия;Приём;1200
03.06.2025;4;Петров Б. Б.;Ортопедия;Коронка;600
"""
GOALS = """Месяц;Уровень;Кто;Показатель;Цель
06.2025;клиника;;выручка;10000
06.2025;врач;Иванова А. А.;выручка;2000
05.2025;клиника;;выручка;10000
04.2025;врач;Петров Б. Б.;визиты;2
"""


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clinic_home(tmp_path, monkeypatch, {"услуги.csv": SERVICES, "планы.csv": GOALS})


def _texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])


def test_the_month_picker_spans_a_year_either_side_of_the_paced_month(clinic: Path) -> None:
    """Data to 3 June 2025, goals April to June 2025: June is paced, and the picker offers June
    2024 to June 2026 (12 + 1 + 12 = 25 months, none of the goals outside them), June chosen."""
    picker = run_app(page=PAGE).selectbox(key="plan_month")
    assert (len(picker.options), picker.index, picker.value) == (25, 12, date(2025, 6, 1))
    assert picker.options[0] == "июн 2024" and picker.options[-1] == "июн 2026"


def test_month_to_date_and_past_months_on_screen(clinic: Path) -> None:
    at = run_app(page=PAGE)
    assert at.title[0].value == "План"
    # data to 3 June 2025: June is paced. Done 1 200 + 600 = 1 800 of 10 000. Working days by
    # the calendar (no schedule): 30 days less Sundays 1, 8, 15, 22, 29 less 12 June and the
    # moved day off 13 June: 23; passed 2 and 3 June: 2; left 21. Projected 1 800 / 2 × 23 =
    # 20 700 ≥ 10 000: green; needed (10 000 − 1 800) / 21 = 390,48 ₽.
    clinic_card = next(m for m in at.metric if m.label == "Сделано, цель 10 000 ₽")
    assert clinic_card.value == "1 800 ₽"
    text = _texts(at)
    assert ":green-badge[прогноз не ниже цели]" in text
    assert "18,0 % цели" in text
    assert "Нужно в рабочий день: 390 ₽" in text
    assert "Прогноз на конец месяца: 20 700 ₽" in text
    assert "Рабочих дней: 23, прошло 2, осталось 21 (по календарю: пн–сб без праздников)" in text
    # Иванова: 1 200 of 2 000; projected 1 200 / 2 × 23 = 13 800
    assert next(m for m in at.metric if m.label == "Сделано, цель 2 000 ₽").value == "1 200 ₽"
    # the last goals batch is the file: removed on Данные, not by one click here
    assert "plan_undo" not in [b.key for b in at.button]
    assert "Это загрузка файла: её удаляют на странице «Данные»" in text
    # the API says the same
    with Engine(clinic) as engine:
        paces = {(p.scope, p.scope_name): p for p in mg.month_to_date(engine)}
    assert paces[("clinic", None)].done == 1800
    assert paces[("clinic", None)].projected == pytest.approx(20_700)
    # past months: May 700 + 300 + 9 999 = 10 999 of 10 000 (110,0 %); April: Петров had one
    # visit of the 2 set (50,0 %)
    past = at.dataframe[-1].value
    may = past[past["Месяц"] == "май 2025"].iloc[0]
    assert (may["Цель"], may["Факт"], may["% цели"]) == ("10 000 ₽", "10 999 ₽", "110,0 %")
    april = past[past["Месяц"] == "апр 2025"].iloc[0]
    assert (april["Направление или врач"], april["Факт"], april["% цели"]) == (
        "Петров Б. Б.", "1", "50,0 %")


def test_english(clinic: Path) -> None:
    at = run_app({"lang": "en"}, page=PAGE)
    assert at.title[0].value == "Plan"
    assert next(m for m in at.metric if m.label == "Done, goal 10,000 ₽").value == "1,800 ₽"
    assert "Working days: 23, 2 passed, 21 left (by the calendar" in _texts(at)


def test_undo_puts_the_earlier_goal_back(clinic: Path) -> None:
    con = store.connect(clinic)
    sg.save_goals(con, [sg.Goal(date(2025, 6, 1), "clinic", None, "revenue", 50_000)], "anna")
    con.close()
    at = run_app(page=PAGE)
    assert any(m.label == "Сделано, цель 50 000 ₽" for m in at.metric)
    last = next(c.value for c in at.caption if c.value.startswith("Последняя запись о целях"))
    assert "правка на странице" in last and "anna" in last  # the journal's name, escaped
    at.button(key="plan_undo").click().run()
    assert not at.exception
    assert any(m.label == "Сделано, цель 10 000 ₽" for m in at.metric)  # the file's value
    assert any("Отменено" in s.value for s in at.success)


def test_save_with_nothing_changed_says_so(clinic: Path) -> None:
    at = run_app(page=PAGE)
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert any("Изменений нет" in i.value for i in at.info)


def test_the_editor_rows_become_goals() -> None:
    june = date(2025, 6, 1)
    before = pd.DataFrame({"scope": ["clinic", "doctor"], "scope_name": [None, "Иванова А. А."],
                           "figure": ["revenue", "revenue"], "goal": [10_000.0, 2000.0]})
    after = pd.DataFrame({
        "scope": ["Клиника", "Направление", None],
        "scope_name": ["", "Терапия", None],
        "figure": ["Выручка", "Визиты", None],
        "goal": [12_000.0, 40.0, None],
    })  # fmt: skip
    goals = pv.edits_from_frames(before, after, june, "ru")
    # the clinic's changed, Терапия's added, the empty row skipped, Иванова's row deleted:
    # her goal is removed (no value)
    assert goals == [
        sg.Goal(june, "clinic", None, "revenue", 12_000.0),
        sg.Goal(june, "department", "Терапия", "visits", 40.0),
        sg.Goal(june, "doctor", "Иванова А. А.", "revenue", None),
    ]
    nameless = pd.DataFrame({"scope": ["Врач"], "scope_name": [""], "figure": ["Выручка"],
                             "goal": [1.0]})
    with pytest.raises(sg.GoalError, match="Строка 1: У цели направления или врача"):
        pv.edits_from_frames(before.iloc[:0], nameless, june, "ru")


def test_an_owner_reads_the_goals_but_cannot_save_or_undo(
    clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser_at(monkeypatch, "192.168.1.20")
    at = sign_in(app(_secrets(oleg=("owner", "o-secret"))).run(), "oleg", "o-secret")
    at.switch_page(PAGE).run()
    assert not at.exception
    assert any(m.label == "Сделано, цель 10 000 ₽" for m in at.metric)
    keys = [b.key for b in at.button]
    assert "plan_save" not in keys and "plan_undo" not in keys
    assert any("задаёт и меняет менеджер" in i.value for i in at.info)
    assert access  # the role check is access.User.can("upload"), as on Данные
