"""The app in a real browser (Debian's chromium driven by Playwright).

One server on a free port, started on an empty clinic store beside a built demo store:
- a deep link with filters on the still-cold server opens that page with those filters;
- three sample exports go in through the Данные page; Обзор then shows their revenue, and a
  period preset and a doctor filter change it to exactly the API's figure for those filters;
- every page is photographed in Russian and in English (test-artifacts/screenshots/), with no
  error on the page and none from Vega in the console.

`make test` installs chromium; elsewhere the test is skipped when /usr/bin/chromium is missing
(and fails under CI=true, so CI cannot pass without it). UPDATE_README_SCREENSHOTS=1 also copies
the Обзор and Врачи shots into docs/screenshots/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from clinic_bi import fmt
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
SHOTS = Path(os.environ.get("CLINIC_BI_SCREENSHOTS", PROJECT_DIR / "test-artifacts" / "screenshots"))
PAGES = ["", "doctors", "departments", "services", "retention", "funnel", "marketing", "quality",
         "data"]  # fmt: skip
UPLOADS = [SAMPLE_DATA_DIR / "medesk_services_2025.csv", SAMPLE_DATA_DIR / "patients.csv",
           SAMPLE_DATA_DIR / "bitrix_leads.csv"]  # two tables on the coverage chart
WAIT_MS = 60_000

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("/usr/bin/chromium is missing: `make test` installs it", pytrace=False)
    pytest.skip("no /usr/bin/chromium (make test installs it)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api")


@dataclass
class Server:
    url: str
    home: Path

    @property
    def clinic_db(self) -> Path:
        return self.home / "clinic.duckdb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(home: Path, env: dict[str, str] | None, cwd: Path = PROJECT_DIR,
          script: Path = PROJECT_DIR / "streamlit_app.py") -> Iterator[str]:
    """`streamlit run` of `script` (the app, by its absolute path) in `cwd`, where Streamlit
    looks for .streamlit/config.toml and secrets.toml, on a free port of 127.0.0.1; yields its
    URL once /_stcore/health answers. The server's log is home/streamlit.log. No file watcher:
    a source file edited while a test runs must not reload the app's modules under it."""
    port = _free_port()
    log = open(home / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((home / "streamlit.log").read_text()) from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    home = tmp_path_factory.mktemp("app_home")
    env = dict(os.environ, CLINIC_BI_HOME=str(home), CLINIC_BI_DB=str(home / "clinic.duckdb"))
    # The demo store, built the way the welcome screen builds it (a smaller clinic: faster).
    subprocess.run(
        [sys.executable, "-c", "from clinic_bi.app.demo_store import build_demo_store;"
         "from clinic_bi.paths import demo_db_path;"
         "build_demo_store(demo_db_path(), patients=2000)"],
        env=env, cwd=PROJECT_DIR, check=True, capture_output=True,
    )  # fmt: skip
    with serve(home, env) as url:
        yield Server(url, home)


@pytest.fixture(scope="module")
def browser(server: Server) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


SETTLED = """() => {
    const busy = document.querySelector(
        '[data-testid="stStatusWidget"], [data-stale="true"], [data-testid^="stSkeleton"], '
        + '[data-testid="stAppSkeleton"]');
    const charts = [...document.querySelectorAll('.vega-embed')];
    return !busy && charts.every(c => c.querySelector('canvas, svg'));
}"""


def _settle(page) -> None:
    """Wait until the script run is over, nothing is a placeholder and every chart is drawn
    (twice, a moment apart: a run can start right after the first quiet moment)."""
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=WAIT_MS)
    page.wait_for_selector("h1", timeout=WAIT_MS)
    for _ in range(2):
        page.wait_for_function(SETTLED, timeout=WAIT_MS)
        page.wait_for_timeout(700)


def _kpi(page, label: str):
    card = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return card.first.locator('[data-testid="stMetricValue"]')


def _wait_text(locator, text: str) -> None:
    locator.page.wait_for_function(
        "([el, text]) => el && el.innerText.trim() === text",
        arg=[locator.element_handle(timeout=WAIT_MS), text],
        timeout=WAIT_MS,
    )


def test_deep_link_on_a_cold_server(server: Server, browser) -> None:
    """The very first request is a deep link: the page and its filters come from the URL."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    page.goto(f"{server.url}/departments?lang=en&src=demo&period=this_year&doctor=nobody")
    _settle(page)
    assert page.locator("h1").first.inner_text() == "Departments"
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Overview", exact=True).is_visible()  # our links, in English
    assert sidebar.locator('[data-testid="stSidebarNav"]').count() == 0  # not Streamlit's
    with Engine(server.home / "demo.duckdb") as engine:
        data_end = engine.facts().data_end
    caption = f"{date(data_end.year, 1, 1).isoformat()} — {data_end.isoformat()}"
    assert page.get_by_text(caption).first.is_visible()  # "this year" of the demo's data
    assert "doctor=" not in page.url  # a name the store does not know is dropped
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_upload_then_filter_the_overview(server: Server, browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 2000})
    page.goto(f"{server.url}/")
    _settle(page)
    assert page.get_by_text("Добро пожаловать в Clinic BI").is_visible()
    page.screenshot(path=str(SHOTS / "welcome_ru.png"))
    page.get_by_role("button", name="Перейти к загрузке").click()
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=WAIT_MS)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [str(p) for p in UPLOADS]
    )
    load = page.get_by_role("button", name="Загрузить 3 файла")
    load.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("medesk_services_2025.csv — Оказанные услуги").is_visible()
    load.click()
    page.get_by_text("Результат загрузки").wait_for(timeout=WAIT_MS)
    _settle(page)
    assert page.get_by_text("Журнал загрузок").is_visible()
    page.screenshot(path=str(SHOTS / "data_after_upload.png"))

    with Engine(server.clinic_db) as engine:
        data_end = engine.facts().data_end
        assert data_end == date(2025, 12, 31)
        year = engine.summary(Filters("2025-01-01", "2025-12-31")).revenue
        month = Filters("2025-11-01", "2025-11-30")
        november = engine.summary(month).revenue
        doctor = str(engine.doctors(month)["doctor"].iloc[1])
        narrowed = engine.summary(Filters("2025-11-01", "2025-11-30", doctor=doctor)).revenue

    page.locator('[data-testid="stSidebar"]').get_by_text("Обзор", exact=True).click()
    page.wait_for_selector('[data-testid="stMetric"]', timeout=WAIT_MS)
    revenue = _kpi(page, "Выручка")
    _wait_text(revenue, fmt.money(year))  # default: the last 12 months of data

    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Период").click()
    page.get_by_role("option", name="Прошлый месяц").click()
    _wait_text(revenue, fmt.money(november))
    assert "period=last_month" in page.url

    doctors = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Врачи")
    doctors.click()
    page.keyboard.type(doctor)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _wait_text(revenue, fmt.money(narrowed))
    assert november != narrowed
    assert "doctor=" in page.url
    _settle(page)
    page.screenshot(path=str(SHOTS / "overview_after_filters.png"))
    page.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_screenshots_of_every_page(server: Server, browser, lang: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 2400})
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    for name in PAGES:
        page.goto(f"{server.url}/{name}?src=demo&lang={lang}")
        _settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, name
        shot = SHOTS / f"{name or 'overview'}_{lang}.png"
        page.screenshot(path=str(shot))
        if name and name != "data":
            assert page.locator(".vega-embed").count() > 0, name
    vega = [m for m in console if "vega" in m.lower() or "expression" in m.lower()]
    assert not vega, vega
    page.close()
    if os.environ.get("UPDATE_README_SCREENSHOTS") and lang == "ru":
        docs = PROJECT_DIR / "docs" / "screenshots"
        docs.mkdir(parents=True, exist_ok=True)
        for name in ("overview", "doctors"):
            _trimmed(SHOTS / f"{name}_ru.png", docs / f"{name}.png")


def _trimmed(source: Path, target: Path, background: int = 250) -> None:
    """Copy a screenshot without the empty space below the page's last element."""
    import numpy as np
    from PIL import Image

    with Image.open(source) as image:
        rgb = image.convert("RGB")
    pixels = np.asarray(rgb.convert("L"))[:, int(rgb.width * 0.25) :]  # right of the sidebar
    rows = np.flatnonzero(pixels.min(axis=1) < background)
    bottom = min(rgb.height, int(rows[-1]) + 40 if len(rows) else rgb.height)
    rgb.crop((0, 0, rgb.width, bottom)).save(target, optimize=True)
