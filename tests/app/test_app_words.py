"""The Данные page's words section (issue 12, item 10): the manager maps a CRM stage no list
knows and merges two channels in the page, and the figures follow without a new upload."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import PROJECT_DIR
from tests.app.clinic_home import clinic_home

APP = str(PROJECT_DIR / "streamlit_app.py")
Q1 = Filters(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
LEADS = ("ID;Дата создания;Стадия;Источник\n"
         "1;10.01.2025;Знакомство;Unisender\n"
         "2;11.01.2025;Знакомство;unisender\n"
         "3;12.01.2025;Записан;Yandex Direct\n"
         "4;13.01.2025;Интерес;Яндекс Директ\n")


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clinic_home(tmp_path, monkeypatch, {"лиды.csv": LEADS})


def data_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/8_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def funnel(db: Path) -> tuple[int, dict[str, int]]:
    with Engine(db) as engine:
        booked = engine.funnel(Q1).total.booked
        frame = engine.marketing(Q1)
    return booked, dict(zip(frame["channel"], frame["leads"], strict=True))


def test_the_page_lists_unknown_stages_and_a_choice_changes_the_funnel(clinic: Path) -> None:
    assert funnel(clinic) == (1, {"Unisender": 2, "Yandex Direct": 1, "Яндекс Директ": 1})
    at = data_page()
    listed = next(d.value for d in at.dataframe if d.key == "words_stage")
    # «Знакомство» (2 rows) first, «Интерес» (1) second; «Записан» is a known word
    assert listed[["word", "rows"]].values.tolist() == [["Знакомство", 2], ["Интерес", 1]]
    at.session_state["words_stage"] = {"edited_rows": {0: {"meaning": "записался"}},
                                       "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="words_save_stage").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert funnel(clinic)[0] == 3  # leads 1 and 2 are booked now, without a new upload

    # the channels: Yandex Direct counted as Яндекс Директ
    rows = {r: i for i, r in enumerate(["Unisender", "Yandex Direct", "Яндекс Директ"])}
    at.session_state["words_channel_editor"] = {
        "edited_rows": {rows["Yandex Direct"]: {"into": "Яндекс Директ"}},
        "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="words_save_channels").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert funnel(clinic)[1] == {"Unisender": 2, "Яндекс Директ": 2}


def test_an_owner_sees_the_words_but_cannot_change_them(clinic: Path, monkeypatch) -> None:
    monkeypatch.setattr(access.User, "can", lambda self, action: action == "read")
    at = data_page()
    keys = [b.key for b in at.button]
    assert "words_save_stage" not in keys and "words_save_channels" not in keys
    listed = next(d.value for d in at.dataframe if d.key == "words_stage")
    assert listed["word"].tolist() == ["Знакомство", "Интерес"]
