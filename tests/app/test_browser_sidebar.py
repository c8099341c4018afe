"""The sidebar starts closed on a phone and open on a desktop (issue 13, item 17): on a 390 px
screen an open sidebar covers the page, and it opened on every load.

In chromium, on the sample store: Обзор at 390 px in Russian and English, loaded twice (a second
load is a new session), has the sidebar collapsed; at 1440 px it is open. Screenshots:
test-artifacts/screenshots/overview_390_<lang>.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinic_bi.ingest import loader
from clinic_bi.paths import SAMPLE_DATA_DIR

browser = pytest.importorskip("test_browser")  # skips the module without chromium
playwright = pytest.importorskip("playwright.sync_api")

COLLAPSED = """() => {
    const bar = document.querySelector('[data-testid="stSidebar"]');
    const box = bar.getBoundingClientRect();
    return [bar.getAttribute('data-collapsed'), Math.round(box.right)];
}"""


def _settle(page) -> None:
    """test_browser._settle, without waiting for the sidebar to be visible (here it is not)."""
    page.wait_for_selector('[data-testid="stSidebar"]', state="attached", timeout=browser.WAIT_MS)
    page.wait_for_selector("h1", timeout=browser.WAIT_MS)
    for _ in range(2):
        page.wait_for_function(browser.SETTLED, timeout=browser.WAIT_MS)
        page.wait_for_timeout(700)


def test_the_sidebar_is_closed_on_a_phone_and_open_on_a_desktop(tmp_path: Path) -> None:
    results = loader.ingest_paths(tmp_path / "clinic.duckdb", [SAMPLE_DATA_DIR])
    assert all(r.ok for r in results)
    env = dict(os.environ, CLINIC_BI_HOME=str(tmp_path), CLINIC_BI_DB=str(tmp_path / "clinic.duckdb"))
    browser.SHOTS.mkdir(parents=True, exist_ok=True)
    with browser.serve(tmp_path, env) as url, playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(browser.CHROMIUM), args=browser.FLAGS)
        try:
            for lang in ("ru", "en"):
                for load in (1, 2):
                    page = chromium.new_page(viewport={"width": 390, "height": 844})
                    page.goto(f"{url}/?lang={lang}")
                    _settle(page)
                    collapsed, right = page.evaluate(COLLAPSED)
                    assert collapsed == "true" and right <= 0, (lang, load, collapsed, right)
                    if load == 1:
                        page.screenshot(path=str(browser.SHOTS / f"overview_390_{lang}.png"))
                    page.close()
            page = chromium.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/?lang=ru")
            _settle(page)
            collapsed, right = page.evaluate(COLLAPSED)
            assert collapsed == "false" and right >= 250, (collapsed, right)
            page.close()
        finally:
            chromium.close()
