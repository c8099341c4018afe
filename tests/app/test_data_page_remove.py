"""Данные: removing an upload is asked about first, and the journal and the missing months fit
the page (issue 13, item 16).

- Nothing is chosen at first; "Удалить эту загрузку" on a chosen upload only asks, naming the
  file, the rows it loaded and its period; the upload goes only on "Да, удалить"; "Отмена" or
  choosing another upload takes the question back.
- The missing months are written as runs of months, and in full in words that wrap.
- In chromium at 1440 px, in Russian and English, no table of the page scrolls sideways and the
  remove button's label is whole (screenshots test-artifacts/screenshots/data_1440_<lang>.png).

The store: the sample IDENT export of 2023, the Medesk export of 2025 (so services miss
January to November 2024) and the reviews (months without reviews are gaps too).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi import store
from clinic_bi.app.safe import md
from clinic_bi.ingest import loader
from clinic_bi.ingest.messages import Text
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from tests.app.clinic_home import copied_home

APP = str(PROJECT_DIR / "streamlit_app.py")
FILES = ["ident_services_2023.xlsx", "medesk_services_2025.csv", "reviews.csv"]


@pytest.fixture(scope="module")
def three_uploads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("uploads") / "clinic.duckdb"
    results = loader.ingest_paths(db, [SAMPLE_DATA_DIR / f for f in FILES])
    assert all(r.ok for r in results), [r.error for r in results]
    return db


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, three_uploads: Path) -> Path:
    return copied_home(tmp_path, monkeypatch, three_uploads)


def data_page(lang: str = "ru") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/8_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def batches(home: Path) -> list[str]:
    con = store.connect(home / "clinic.duckdb", read_only=True)
    try:
        return list(loader.list_batches(con)["file_name"])
    finally:
        con.close()


def question(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "Удалить загрузку" in w.value
            or "Remove upload" in w.value]  # fmt: skip


def test_nothing_is_chosen_and_the_button_waits_for_a_choice(home: Path) -> None:
    at = data_page()
    assert at.selectbox(key="remove_pick").value is None
    assert at.button(key="remove_button").disabled
    assert not question(at)


def test_one_click_only_asks_and_names_file_rows_and_period(home: Path) -> None:
    at = data_page()
    at.selectbox(key="remove_pick").select(2).run()
    at.button(key="remove_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert batches(home) == FILES  # nothing removed by the click
    (text,) = question(at)
    assert "№ 2" in text and md("medesk_services_2025.csv") in text  # as markdown shows it
    assert "583 строки" in text  # 583 rows: "строки", not "строк"
    assert "25.12.2024 — 31.12.2025" in text
    assert "remove_button" not in [b.key for b in at.button]

    at.button(key="remove_yes").click().run()
    assert not at.exception
    assert batches(home) == ["ident_services_2023.xlsx", "reviews.csv"]
    assert any("Загрузка 2 удалена" in s.value for s in at.success)
    assert at.selectbox(key="remove_pick").value is None  # and nothing is chosen again
    assert not question(at)


def test_the_question_in_english_counts_rows(home: Path) -> None:
    at = data_page("en")
    at.selectbox(key="remove_pick").select(1).run()
    at.button(key="remove_button").click().run()
    (text,) = question(at)
    assert md("ident_services_2023.xlsx") in text and "366 rows" in text
    assert "2023-01-04 — 2023-12-30" in text
    assert batches(home) == FILES


def test_cancel_and_another_choice_take_the_question_back(home: Path) -> None:
    at = data_page()
    at.selectbox(key="remove_pick").select(3).run()
    at.button(key="remove_button").click().run()
    assert "30 строк" in question(at)[0]
    at.button(key="remove_no").click().run()
    assert not question(at) and batches(home) == FILES

    at.button(key="remove_button").click().run()
    assert question(at)
    at.selectbox(key="remove_pick").select(1).run()  # the question was about upload 3
    assert not question(at)
    assert "remove_yes" not in [b.key for b in at.button]
    assert batches(home) == FILES


def test_the_journal_puts_the_period_in_one_column(home: Path) -> None:
    at = data_page()
    journal = next(d.value for d in at.dataframe if "Файл" in d.value.columns)
    assert list(journal.columns) == ["№", "Загружено", "Файл", "Что внутри", "Период данных",
                                     "Загружено строк", "Заменено", "Отклонено",
                                     "Сверка с итогом файла"]  # fmt: skip
    assert list(journal["Период данных"]) == ["04.01.2023 — 30.12.2023", "25.12.2024 — 31.12.2025",
                                              "04.03.2023 — 13.11.2025"]  # fmt: skip


def test_missing_months_are_counted_in_the_table_and_listed_in_full(home: Path) -> None:
    """A list of any length in a table cell is cut: the table counts the missing months, and
    the months themselves are written below it as runs, in words that wrap."""
    at = data_page()
    cov = next(d.value for d in at.dataframe if "Таблица" in d.value.columns)
    assert "Пропущенные месяцы" not in cov.columns
    counts = dict(zip(cov["Таблица"], cov["Пропущено месяцев"], strict=True))
    assert counts == {"Отзывы": 13, "Оказанные услуги": 11}
    warnings = [w.value for w in at.warning]
    assert "Оказанные услуги: нет данных за янв 2024 — ноя 2024 (11 месяцев)." in warnings
    assert ("Отзывы: нет данных за май 2023, июл 2023 — ноя 2023, мар 2024 — апр 2024, "
            "окт 2024 — ноя 2024, мар 2025 — апр 2025, июн 2025 (13 месяцев).") in warnings


# -- in chromium: nothing cut at 1440 px ------------------------------------------------------

# Per table: the width its columns need for their longest text (header or cell, from the grid's
# accessible copy of what it draws, measured in the grid's font, with the cell padding), the
# width it scrolls over and the width it has. A cell too narrow for its text is cut without
# any scrolling, so the text is measured, not only the scroller.
TABLE_WIDTHS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(frame => {
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = '400 14px "Source Sans", sans-serif';
    const widths = [];
    for (const row of frame.querySelectorAll('table[role="grid"] tr')) {
        [...row.children].forEach((cell, i) => {
            widths[i] = Math.max(widths[i] || 0, ctx.measureText(cell.textContent).width + 18);
        });
    }
    const scroller = frame.querySelector('.dvn-scroller');
    return [Math.ceil(widths.reduce((a, b) => a + b, 0)), scroller.scrollWidth,
            scroller.clientWidth];
})"""
BUTTON_WHOLE = """() => {
    const b = [...document.querySelectorAll('button')].find(
        x => /Удалить эту загрузку|Remove this upload/.test(x.innerText));
    const p = b.querySelector('p');
    return [p.scrollWidth, p.clientWidth, b.scrollWidth, b.clientWidth];
}"""


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_nothing_is_cut_at_1440_px(three_uploads: Path, tmp_path: Path, lang: str) -> None:
    browser = pytest.importorskip("test_browser")  # skips without chromium
    from playwright.sync_api import sync_playwright

    shutil.copy(three_uploads, tmp_path / "clinic.duckdb")
    shutil.copy(str(three_uploads) + ".salt", str(tmp_path / "clinic.duckdb") + ".salt")
    env = dict(os.environ, CLINIC_BI_HOME=str(tmp_path), CLINIC_BI_DB=str(tmp_path / "clinic.duckdb"))
    browser.SHOTS.mkdir(parents=True, exist_ok=True)
    with browser.serve(tmp_path, env) as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(browser.CHROMIUM), args=browser.FLAGS)
        try:
            page = chromium.new_page(viewport={"width": 1440, "height": 2200})
            page.goto(f"{url}/data?lang={lang}")
            browser._settle(page)
            page.screenshot(path=str(browser.SHOTS / f"data_1440_{lang}.png"))
            tables = page.evaluate(TABLE_WIDTHS)
            assert len(tables) >= 2  # the journal and the coverage
            for needed, scrolled, has in tables:
                assert needed <= has and scrolled <= has + 1, tables
            label, label_box, button, button_box = page.evaluate(BUTTON_WHOLE)
            assert label <= label_box + 1 and button <= button_box + 1
        finally:
            chromium.close()


def test_an_upload_removed_meanwhile_is_said_not_a_crash(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sessions (or the CLI) removing the same upload between the question and the answer:
    the removal finds it gone, and the page says so in its language instead of failing."""
    at = data_page("en")
    at.selectbox(key="remove_pick").select(2).run()
    at.button(key="remove_button").click().run()

    def gone(con, batch_id: int) -> None:  # what remove_batch does with a batch no longer there
        raise loader.LoadError(Text("refusal_no_batch", batch=batch_id))

    monkeypatch.setattr(loader, "remove_batch", gone)
    at.button(key="remove_yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning if "no upload number 2" in w.value]
