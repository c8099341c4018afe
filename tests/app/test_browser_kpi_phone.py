"""On a phone the seven KPI cards of Обзор sit two by two (issue 13, item 17): one under another
they filled two screens before the first chart.

In chromium at 390 px, on the sample store: the first two cards share a row, and the first chart
starts within the first 1.6 screens. At 1440 px the cards stay four in a row.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinic_bi.ingest import loader
from clinic_bi.paths import SAMPLE_DATA_DIR

browser = pytest.importorskip("test_browser")  # skips the module without chromium
playwright = pytest.importorskip("playwright.sync_api")
sidebar = pytest.importorskip("test_browser_sidebar")

CARDS = """() => [...document.querySelectorAll('.st-key-kpi_cards [data-testid="stMetric"]')]
    .map(e => { const b = e.getBoundingClientRect(); return [Math.round(b.x), Math.round(b.y)]; })"""
FIRST_CHART = """() => {
    const c = document.querySelector('[data-testid="stVegaLiteChart"]');
    const main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
    return c ? Math.round(c.getBoundingClientRect().top + (main.scrollTop || 0)) : null;
}"""


def test_the_cards_are_two_by_two_on_a_phone(tmp_path: Path) -> None:
    results = loader.ingest_paths(tmp_path / "clinic.duckdb", [SAMPLE_DATA_DIR])
    assert all(r.ok for r in results)
    env = dict(os.environ, CLINIC_BI_HOME=str(tmp_path), CLINIC_BI_DB=str(tmp_path / "clinic.duckdb"))
    with browser.serve(tmp_path, env) as url, playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(browser.CHROMIUM), args=browser.FLAGS)
        try:
            page = chromium.new_page(viewport={"width": 390, "height": 844})
            page.goto(f"{url}/?lang=ru")
            sidebar._settle(page)
            cards = page.evaluate(CARDS)
            assert len(cards) == 7, cards
            (x1, y1), (x2, y2) = cards[0], cards[1]
            assert y1 == y2 and x2 > x1, cards  # side by side
            assert len({y for _, y in cards}) == 4, cards  # 2 + 2 + 2 + 1
            top = page.evaluate(FIRST_CHART)
            assert top is not None and top < 1.6 * 844, top
            page.close()
            page = chromium.new_page(viewport={"width": 1440, "height": 900})
            page.goto(f"{url}/?lang=ru")
            sidebar._settle(page)
            rows = {y for _, y in page.evaluate(CARDS)}
            assert len(rows) == 2, rows  # 4 + 3
            page.close()
        finally:
            chromium.close()
