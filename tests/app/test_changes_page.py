"""Что изменилось as AppTest draws it, over a hand-made services export (October and November
2025): the sentences with their numbers, a sentence's button opening its page with its filter,
and the year-ago comparison refused where the year before holds no data. Every expected text is
worked out by hand from the lines below."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.metrics import changes as ch
from tests.app.clinic_home import clinic_home, run_app

S = "\u00a0"
# October: 1 000 + 20 000 over 2 visits; November: 1 500 + 50 000 over 2 visits
SERVICES = """Дата;№ карты;Врач;Отделение;Услуга;Сумма
10.10.2025;1;Иванова А. А.;Терапия;Приём;1000
10.10.2025;2;Петров Б. Б.;Ортопедия;Коронка;20000
10.11.2025;1;Иванова А. А.;Терапия;Приём;1500
30.11.2025;2;Петров Б. Б.;Ортопедия;Коронка;50000
"""
NOVEMBER = {"period": "custom", "from": "2025-11-01", "to": "2025-11-30"}
PAGE = "pages/11_changes.py"


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(ch, "band_source", lambda: None)  # the forecast is another page's test
    return clinic_home(tmp_path, monkeypatch, {"услуги.csv": SERVICES})


def plain(markdown: str) -> str:
    """A markdown source as the reader sees it (safe.md's escapes and joiners undone)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def texts(at: AppTest) -> list[str]:
    return [plain(m.value) for m in at.markdown]


def test_the_sentences_state_the_change_and_its_parts(clinic: Path) -> None:
    at = run_app(NOVEMBER, PAGE)
    shown = texts(at)
    # ΔR = 51 500 - 21 000 = 30 500 (+145 %); visits 2 -> 2: all of it is the check
    assert (f"К прошлому периоду выручка выросла на 30{S}500{S}₽ (+145{S}%): визитов 0,0{S}% "
            f"(0{S}₽), средний чек +145{S}% (+30{S}500{S}₽).") in shown  # fmt: skip
    # Ортопедия +30 000 (+150 %): Коронка 1 × 20 000 -> 1 × 50 000, all price; Терапия's +500 is
    # under the threshold (10 000)
    assert (f"Направление с наибольшим ростом выручки — Ортопедия: +30{S}000{S}₽ (+150{S}%), из "
            f"них цена +30{S}000{S}₽.") in shown  # fmt: skip
    assert not any("снижением" in text for text in shown)
    assert "Сравниваются 01.11.2025 — 30.11.2025 и 02.10.2025 — 31.10.2025." in [
        c.value for c in at.caption]
    assert [t.label for t in at.tabs] == ["Направления", "Врачи", "Услуги", "Каналы"]


def test_a_sentence_opens_its_page_with_its_filter(clinic: Path) -> None:
    at = run_app(NOVEMBER, PAGE)
    ortho = next(i for i, text in enumerate(texts(at)) if "— Ортопедия" in text)
    buttons = [b for b in at.button if b.key and b.key.startswith("chg_sentence_go_")]
    # the first sentence (the total, Обзор) is markdown 0 … each sentence has its button
    target = next(b for b in buttons if b.label == "Направления")
    assert ortho >= 1
    target.click().run()
    assert not at.exception
    flt = at.session_state["flt"]
    assert flt["department"] == ["Ортопедия"] and flt["preset"] == "custom"
    assert (flt["date_from"].isoformat(), flt["date_to"].isoformat()) == (
        "2025-11-01", "2025-11-30")
    assert at.title[0].value != "Что изменилось"  # now on Направления


def test_a_year_without_data_is_not_compared(clinic: Path) -> None:
    at = run_app(NOVEMBER, PAGE)
    at.segmented_control(key="chg_basis").set_value("year").run()
    assert not at.exception
    shown = texts(at)
    assert ("Сравнение (тем же периодом год назад) не показано: нет данных об услугах за "
            "ноя 2024.") in shown  # fmt: skip
    assert not any("выручка выросла" in text for text in shown)
    assert not at.tabs  # no contributions drawn for a comparison not made


def test_the_page_in_english(clinic: Path) -> None:
    at = run_app({**NOVEMBER, "lang": "en"}, PAGE)
    assert at.title[0].value == "What changed"
    assert (f"Against the previous period, revenue rose by 30,500{S}₽ (+145%): visits 0.0% "
            f"(0{S}₽), average check +145% (+30,500{S}₽).") in texts(at)  # fmt: skip


def test_the_charts_are_valid_vega_lite_and_the_waterfall_adds_up() -> None:
    import pandas as pd

    from clinic_bi.app import changes_view

    # 21 000 -> 51 500: visits 0, check +30 500; each step starts where the one before ended
    chart = changes_view.waterfall(
        [("Было", 21000.0), ("Визиты", 0.0), ("Средний чек", 30500.0), ("Стало", 51500.0)],
        "ru", "Выручка")  # fmt: skip
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    assert [(r["start"], r["end"]) for r in rows[1:3]] == [(21000.0, 21000.0), (21000.0, 51500.0)]
    assert spec["title"]["text"] == "Выручка"
    bars = changes_view.change_bars(
        pd.DataFrame({"member": ["Ортопедия", None], "change": [30000.0, 500.0]}), "department",
        "en", "Revenue change")  # fmt: skip
    spec = bars.to_dict()
    names = [r["member"] for r in spec["datasets"][next(iter(spec["datasets"]))]]
    assert names == ["Ортопедия", "not given"]


def test_the_months_outside_the_band_read_as_amounts() -> None:
    """The table of months against the forecast's band (it broke once when its amount writer
    moved): revenue as money, visits as a count, a month without a band as a dash."""
    from datetime import date

    import pandas as pd

    from clinic_bi import fmt
    from clinic_bi.app import changes_view

    outside = pd.DataFrame([
        {"month": date(2026, 9, 1), "figure": "revenue", "actual": 6_100_000.0,
         "lo95": 4_500_000.0, "hi95": 5_900_000.0, "side": "above"},
        {"month": date(2026, 9, 1), "figure": "visits", "actual": 610.0,
         "lo95": 620.0, "hi95": 760.0, "side": "below"},
        {"month": date(2026, 10, 1), "figure": "visits", "actual": 700.0,
         "lo95": None, "hi95": None, "side": None},
    ])  # fmt: skip
    table = changes_view.outside_table(outside, "ru")
    nb = fmt.NBSP
    # money the Russian way, millions shortened: «6,1 млн ₽»
    assert list(table.iloc[:, 2]) == [f"6,1{nb}млн{nb}₽", "610", "700"]
    assert list(table.iloc[:, 3]) == [f"4,5{nb}млн{nb}₽ — 5,9{nb}млн{nb}₽", "620 — 760",
                                      fmt.DASH]
    assert list(table.iloc[:, 4]) == ["выше", "ниже", fmt.DASH]
