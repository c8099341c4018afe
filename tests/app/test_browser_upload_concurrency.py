"""An upload in the app does not freeze the other sessions (issue 10, item 6), in a real browser.

One server (a real `streamlit run` on a free port) over a clinic store already holding a year
of services. Session 1 (one browser context) uploads another export on Данные and loads it; the
load is held inside its transaction for PAUSE_SECONDS (tests/hooks: `pause_in_transaction`, in
the server's environment, which passes it on to the load's child process). While it runs, session 2 (another
context, its own cookies and websocket) changes the period on Обзор and must show the new
revenue — a figure worked out here with the metric API on the store before the upload — in well
under the time session 1's load takes. Before the fix every page run waited for the process lock
the load held, so session 2 took as long as the rest of the load.

"Page finished drawing" is the revenue card holding the expected figure (Streamlit's running
indicator never shows with toolbarMode = "minimal"), and for session 1 the result table's title.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from test_browser import CHROMIUM, FLAGS, SHOTS, WAIT_MS, _wait_text, serve

from clinic_bi import fmt, store
from clinic_bi.ingest import loader
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import SAMPLE_DATA_DIR
from tests.hooks import pause_in_transaction

SEED = SAMPLE_DATA_DIR / "medesk_services_2025.csv"  # in the store before the server starts
UPLOAD = SAMPLE_DATA_DIR / "ident_services_2024.xlsx"  # what session 1 uploads
PAUSE_SECONDS = 8
playwright = pytest.importorskip("playwright.sync_api")


def _revenue(page):
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text="Выручка")
    )
    return card.first.locator('[data-testid="stMetricValue"]')


def test_another_session_answers_while_an_upload_loads(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    db = home / "clinic.duckdb"
    assert all(r.ok for r in loader.ingest_paths(db, [SEED]))
    with Engine(db) as engine:
        assert str(engine.facts().data_end) == "2025-12-31"
        year = engine.summary(Filters("2025-01-01", "2025-12-31")).revenue  # last 12 months
        november = engine.summary(Filters("2025-11-01", "2025-11-30")).revenue  # last month
    assert year != november
    temp = tmp_path / "tmp"  # the server's temp folder, where uploads are staged
    temp.mkdir()
    env = dict(os.environ, CLINIC_BI_HOME=str(home), CLINIC_BI_DB=str(db), TMPDIR=str(temp),
               **pause_in_transaction(PAUSE_SECONDS))  # fmt: skip
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(home, env) as url, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            viewer = browser.new_context(viewport={"width": 1440, "height": 1400}).new_page()
            viewer.goto(f"{url}/")
            _wait_text(_revenue(viewer), fmt.money(year))

            uploader = browser.new_context(viewport={"width": 1440, "height": 2000}).new_page()
            uploader.goto(f"{url}/data")
            uploader.wait_for_selector('[data-testid="stFileUploader"]', timeout=WAIT_MS)
            uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                str(UPLOAD)
            )
            load = uploader.get_by_role("button", name="Загрузить 1 файл")
            load.wait_for(timeout=WAIT_MS)

            load_started = time.monotonic()
            load.click()
            uploader.get_by_text("Загружаю").first.wait_for(timeout=WAIT_MS)
            uploader.wait_for_timeout(1000)  # the load is well inside its transaction now

            change_started = time.monotonic()
            sidebar = viewer.locator('[data-testid="stSidebar"]')
            sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Период").click()
            viewer.get_by_role("option", name="Прошлый месяц").click()
            _wait_text(_revenue(viewer), fmt.money(november))
            other_session = time.monotonic() - change_started
            load_running = uploader.get_by_text("Результат загрузки").count() == 0

            uploader.get_by_text("Результат загрузки").wait_for(timeout=WAIT_MS)
            load_time = time.monotonic() - load_started
            uploader.wait_for_timeout(1500)
            uploader.screenshot(path=str(SHOTS / "data_after_upload_1440.png"), full_page=True)
            assert uploader.locator('[data-testid="stException"]').count() == 0
        finally:
            browser.close()
    print(f"\nload {load_time:.2f} s; the other session's filter change {other_session:.2f} s")
    assert load_time > PAUSE_SECONDS, f"the load took {load_time:.2f} s: it did not pause"
    assert load_running, "the load was over before the other session had drawn its page"
    assert other_session < load_time / 2, (
        f"the other session took {other_session:.2f} s to redraw while the upload loaded "
        f"for {load_time:.2f} s"
    )
    con = store.connect(db, read_only=True)
    try:
        journal = list(loader.list_batches(con)["file_name"])
    finally:
        con.close()
    assert journal == [SEED.name, UPLOAD.name], journal
    staged = [p for p in temp.glob("clinic_bi_upload_*/**/*") if p.is_file()]
    assert staged == [], staged  # the uploaded file went when its load ended
