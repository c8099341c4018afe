"""What the Данные page says after a load (issue 12, items 11 and 12): the first rejected lines
on screen, with line, field, value and reason, and the reconciliation with the file's total."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.paths import PROJECT_DIR
from tests.app.clinic_home import clinic_home

SERVICES = ("Дата;№ карты;Врач;Услуга;Сумма\n"
            "01.02.2025;1;Иванова;Приём;1 500\n"
            "31.02.2025;2;Иванова;Снимок;700\n"    # line 3: no such date, rejected
            "03.02.2025;3;Петров;Пломба;3 000\n"
            "Итого;;;;5 200\n")


@pytest.fixture
def empty_clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clinic_home(tmp_path, monkeypatch, {})


def test_the_first_rejected_lines_and_the_reconciliation_are_on_screen(empty_clinic: Path) -> None:
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/8_data.py").run()
    at.get("file_uploader")[0].upload("услуги.csv", SERVICES.encode(), "text/csv").run()
    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    issues = next(d.value for d in at.dataframe if "Строка файла" in d.value.columns)
    assert issues.drop(columns="Почему").to_dict("records") == [{
        "Строка файла": 3, "Что с ней": "отклонена", "Поле": "Дата визита",
        "Значение": "31.02.2025",
    }]
    assert issues.iloc[0]["Почему"] == "такой даты нет"
    assert [e.label for e in at.expander if "замечаниями" in e.label] == [
        "услуги\\.csv: строки с замечаниями (1)"  # the file name as markdown shows it
    ]
    # as the page shows them: markdown's escapes taken out
    warnings = [re.sub(r"\\(.)", r"\1", w.value).replace("\u2060", "") for w in at.warning]
    assert ("услуги.csv: Сумма загруженных строк 4 500 ₽, итог файла 5 200 ₽: разница 700 ₽ — это "
            "отклонённые строки.") in warnings, warnings


def test_an_english_page_says_the_reasons_notes_and_format_in_english(empty_clinic: Path) -> None:
    """Issue 12, item 12: what a load says is in the page's language. The file has a line with
    no such date (rejected), a dash for a discount (a note) and a total row."""
    text = ("Дата;№ карты;Врач;Услуга;Скидка;Сумма\n"
            "01.02.2025;1;Иванова;Приём;-;1 500\n"
            "31.02.2025;2;Иванова;Снимок;0;700\n"
            "Итого;;;;;2 200\n")
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/8_data.py").run()
    at.get("file_uploader")[0].upload("услуги.csv", text.encode(), "text/csv").run()
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("CSV, UTF-8, delimiter ;, header in line 1" in c for c in captions), captions
    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    issues = next(d.value for d in at.dataframe if "Line" in d.value.columns)
    assert issues.to_dict("records") == [{
        "Line": 3, "Outcome": "rejected", "Field": "Visit date", "Value": "31.02.2025",
        "Why": "there is no such date",
    }]
    warnings = [re.sub(r"\\(.)", r"\1", w.value).replace("\u2060", "") for w in at.warning]
    assert "A dash for the discount in 1 line: read as 0." in warnings, warnings
    assert not [w for w in warnings if re.search("[а-яё]", w.replace("услуги.csv", ""))], warnings
