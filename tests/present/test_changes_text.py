"""The sentences of Что изменилось (clinic_bi/present/changes_text.py) on the store of
tests/metrics/test_changes.py (November 2025 against 2 - 31 October: 31 000 ₽ over 3 visits ->
94 800 ₽ over 4 visits), each text worked out by hand from those lines, in both languages."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from clinic_bi.metrics import changes as ch
from clinic_bi.metrics.engine import Engine
from clinic_bi.present import changes_text as ct
from clinic_bi.present import words_changes
from tests.metrics.test_changes import NOVEMBER, PATIENTS, fake_band, rows
from tests.metrics_fixtures import engine_for, line, period

S = "\u00a0"  # money and per cent keep their unit on the line
NOV = {"period": "custom", "from": "2025-11-01", "to": "2025-11-30"}


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return engine_for(tmp_path, services=rows(), patients=PATIENTS)


@pytest.fixture
def changes(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> ch.Changes:
    monkeypatch.setattr(ch, "band_source", lambda: None)
    return ch.changes(engine, NOVEMBER)


def test_the_total_sentence(changes: ch.Changes) -> None:
    # ΔR 63 800 = 206 % of 31 000; visits 3 -> 4 (+33 %), effect (C0 + C1)/2 = 17 016.67;
    # check 10 333.33 -> 23 700 (+129 %), effect 13 366.67 × 3.5 = 46 783.33
    s = ct.total_sentence(changes, "ru")
    assert s.text == (
        f"К прошлому периоду выручка выросла на 63{S}800{S}₽ (+206{S}%): визитов +33{S}% "
        f"(+17{S}017{S}₽), средний чек +129{S}% (+46{S}783{S}₽)."
    )
    assert ct.total_sentence(changes, "en").text == (
        f"Against the previous period, revenue rose by 63,800{S}₽ (+206%): visits +33% "
        f"(+17,017{S}₽), average check +129% (+46,783{S}₽)."
    )
    assert s.numbers["change"] == 63800
    assert s.numbers["visits_effect"] + s.numbers["check_effect"] == pytest.approx(63800)
    assert s.link == ct.Link("overview", NOV)


def test_mover_sentences_name_the_member_and_link_its_filter(changes: ch.Changes) -> None:
    # departments: the lines without one +50 000 (new Имплант: no price effect), Ортопедия
    # +16 000 (price (12 000 - 10 000) × 2 = 4 000), Терапия -2 200 under the 10 000 threshold
    department = ct.mover_sentences(changes, "department", "ru")
    assert [s.text for s in department] == [
        f"Направление с наибольшим ростом выручки — без указания: +50{S}000{S}₽, из них цена "
        f"0{S}₽."]  # fmt: skip
    assert department[0].link == ct.Link("departments", NOV)  # no filter for "none"
    doctor = ct.mover_sentences(changes, "doctor", "ru")
    assert [s.text for s in doctor] == [
        f"Врач с наибольшим ростом выручки — Новиков Н. Н.: +50{S}000{S}₽."]
    assert doctor[0].link == ct.Link("doctors", {**NOV, "doctor": ["Новиков Н. Н."]})
    # Коронка is second to Имплант; the channel: the patients without one (+49 200)
    assert [s.text for s in ct.mover_sentences(changes, "channel", "en")] == [
        f"The acquisition channel whose patients' revenue grew most: not given, +49,200{S}₽ "
        "(+1,640%)."]  # 3 000 -> 52 200  # fmt: skip


def test_a_department_sentence_has_its_price(tmp_path: Path, monkeypatch) -> None:
    # Ортопедия alone: 20 000 (2 × 10 000) -> 36 000 (3 × 12 000): +16 000 (+80 %), price 4 000
    monkeypatch.setattr(ch, "band_source", lambda: None)
    engine = engine_for(tmp_path, services=[r for r in rows() if r.get("department") == "Ортопедия"]
                        + [line("2025-11-30", "p1", "Иванов И. И.", 0, department="Ортопедия",
                                service="Коронка", quantity=0)])  # fmt: skip
    c = ch.changes(engine, NOVEMBER)
    [up] = ct.mover_sentences(c, "department", "ru")
    assert up.text == (f"Направление с наибольшим ростом выручки — Ортопедия: +16{S}000{S}₽ "
                       f"(+80{S}%), из них цена +4{S}000{S}₽.")  # fmt: skip
    assert up.link == ct.Link("departments", {**NOV, "department": ["Ортопедия"]})
    assert up.numbers["price_effect"] == pytest.approx(4000)


def test_twelve_months_are_against_a_year_ago(changes: ch.Changes) -> None:
    # a 12-month period's previous period is the same days a year earlier: said so
    twelve = dataclasses.replace(changes, same_periods=True)
    assert ct.total_sentence(twelve, "ru").text.startswith("К тому же периоду год назад выручка")


def test_new_and_lost(changes: ch.Changes) -> None:
    texts = [s.text for s in ct.new_and_lost_sentences(changes, "ru")]
    assert texts == [
        f"Появились врачи: Новиков Н. Н. — +50{S}000{S}₽.",
        f"Без выручки в этом периоде врачи: Сидоров С. С. — было 3{S}000{S}₽.",
        f"Новые услуги: Имплант — +50{S}000{S}₽.",
        f"Не продавались в этом периоде: Чистка — было 3{S}000{S}₽.",
    ]


def test_the_services_split(changes: ch.Changes) -> None:
    [s] = ct.services_sentence(changes, "ru")
    # volume 10 000 (Коронка), price 4 000 + 800, joint 2 000, new 50 000, dropped 3 000
    assert s.text == (f"Услуги: объём +10{S}000{S}₽, цена +4{S}800{S}₽, совместно +2{S}000{S}₽, "
                      f"новые +50{S}000{S}₽, выбывшие −3{S}000{S}₽.")  # fmt: skip


def test_not_compared_says_why(engine: Engine, tmp_path: Path) -> None:
    year = ch.changes(engine, NOVEMBER, "year")
    s = ct.total_sentence(year, "ru")
    assert s.kind == "not_compared"
    assert s.text == ("Сравнение (тем же периодом год назад) не показано: нет данных об услугах "
                      "за ноя 2024.")  # fmt: skip
    assert "%" not in s.text
    assert ct.sentences(year, "ru") == [s]  # nothing else is narrated
    other = engine_for(tmp_path / "b", services=[
        line("2025-02-10", "p1", "Иванов", 1000), line("2025-03-30", "p1", "Иванов", 2000)])
    c = ch.changes(other, period("2025-03-01", "2025-03-31"))
    assert ct.total_sentence(c, "ru").text == (
        "Сравнение с прошлым периодом не показано: периоды разной длины (30 дней и 28 дней).")
    assert ct.total_sentence(c, "en").text == (
        "The comparison with the previous period is not shown: the periods differ in length "
        "(30 days and 28 days).")  # fmt: skip


def test_outside_the_band(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ch, "band_source", lambda: fake_band)
    c = ch.changes(engine, NOVEMBER)
    [s] = ct.outside_sentences(c, "ru")
    assert s.text == (f"Выручка за ноя 2025 — 94{S}800{S}₽, выше прогнозного коридора "
                      f"(35{S}000{S}₽ — 65{S}000{S}₽).")  # fmt: skip
    assert s.link.page == "forecast"
    assert s.numbers["month"] == "2025-11-01" and s.numbers["side"] == "above"


def test_top_sentences_are_the_total_then_the_largest(changes: ch.Changes) -> None:
    top = ct.top_sentences(changes, "ru")
    # the total first; then 50 000 each (none department, Новиков, Имплант, new doctor ...):
    # ties keep the rules' order, departments before doctors
    assert [s.kind for s in top] == ["total", "mover", "mover"]
    assert [s.numbers.get("dimension") for s in top[1:]] == ["department", "doctor"]
    # by weight, not by rule: the new doctor (50 000) before the channel's +49 200
    five = ct.top_sentences(changes, "ru", n=5)
    assert [s.kind for s in five] == ["total", "mover", "mover", "mover", "new"]
    assert [s.numbers.get("dimension") for s in five[1:]] == [
        "department", "doctor", "service", "doctor"]


def test_signs_and_rounding() -> None:
    assert ct.signed_money(-475025, "ru") == f"−475{S}025{S}₽"
    assert ct.signed_money(2_100_000, "ru") == f"+2,1{S}млн{S}₽"
    assert ct.signed_percent(0.084, "ru") == f"+8,4{S}%"
    assert ct.signed_percent(0.08, "en") == "+8.0%"
    assert ct.signed_percent(0.126, "ru") == f"+13{S}%"
    assert ct.signed_percent(-0.0004, "ru") == f"0,0{S}%"


def test_every_phrase_has_the_same_fields_in_both_languages() -> None:
    def fields(text: str) -> set[str]:
        return {m.split(":")[0] for m in re.findall(r"{([^{}]+)}", text)}

    for key, (ru, en) in words_changes.PHRASES.items():
        assert key.startswith("chg_")
        assert ru and en and fields(ru) == fields(en), key
