"""A real server with no users, in chromium (issue 10, items 4 and 7).

- Item 4: chromium resolves `rebind.test` to 127.0.0.1 (`--host-resolver-rules`), as a DNS
  rebinding page or a forwarder under another name would reach the app: the connection is from
  127.0.0.1, but the Host is not localhost, so the page is the refusal, in Russian and in
  English, with no figure and no navigation. http://localhost:PORT/ is still the app.
- Item 7: a page of only `md()` texts, in every element that renders markdown, shows exactly
  the characters (no image, link, colour, icon, formula). And the store's doctors are named `![b](http://127.0.0.1:1/x.png)` and
  `[Сессия истекла](http://e.x)` (and a department and a branch too); with both doctors chosen
  in the sidebar filter, the caption reads those characters, and the page has no image from
  127.0.0.1:1 (nor a request for it) and no link to http://e.x.

Screenshots (1440 px wide) go to test-artifacts/screenshots/ (or CLINIC_BI_SCREENSHOTS).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest
from test_browser import CHROMIUM, FLAGS, SHOTS, WAIT_MS, _settle, serve
from test_markdown_escape import IMG, LINK, J, write_hostile_export

from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR

playwright = pytest.importorskip("playwright.sync_api")

REBIND = "rebind.test"
WIDTH = 1440


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    home = tmp_path_factory.mktemp("host_home")
    db = home / "clinic.duckdb"
    results = loader.ingest_paths(db, [write_hostile_export(tmp_path_factory.mktemp("export"))])
    assert all(r.ok for r in results), [r.error for r in results]
    # the server's folder: the project's config and no secrets (no users)
    folder = tmp_path_factory.mktemp("host_cwd")
    (folder / ".streamlit").mkdir()
    shutil.copy(PROJECT_DIR / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    env = dict(os.environ, CLINIC_BI_HOME=str(home), CLINIC_BI_DB=str(db))
    with serve(home, env, cwd=folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[object]:
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=[*FLAGS, f"--host-resolver-rules=MAP {REBIND} 127.0.0.1"])
        yield b
        b.close()


def _port(url: str) -> int:
    port = urlsplit(url).port
    assert port
    return port


def _refusal(page, title: str) -> str:
    page.locator("h1", has_text=title).wait_for(timeout=WAIT_MS)
    page.wait_for_selector('[data-testid="stCode"]', timeout=WAIT_MS)
    page.wait_for_timeout(500)
    return page.locator('[data-testid="stAlertContainer"]').first.inner_text()


def test_another_name_for_127_0_0_1_gets_the_refusal(app_url: str, browser) -> None:
    port = _port(app_url)
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.goto(f"http://{REBIND}:{port}/?period=this_year")
    text = _refusal(page, "Доступ только с этого компьютера")
    assert f"http://localhost:{port}" in text
    assert "Через прокси, туннель или под другим именем" in text
    assert "secrets.toml" in text
    assert "[auth.users.anna]" in page.locator('[data-testid="stCode"]').inner_text()
    assert page.locator('[data-testid="stMetric"]').count() == 0  # no figure
    assert page.locator('[data-testid="stPageLink"]').count() == 0  # no navigation
    assert page.locator('[data-testid="stVegaLiteChart"], .vega-embed').count() == 0
    page.screenshot(path=str(SHOTS / "refused_other_name_ru.png"), full_page=True)

    page.goto(f"http://{REBIND}:{port}/doctors?lang=en")  # a deep link: the same
    text = _refusal(page, "Open to this computer only")
    assert f"answers only at http://localhost:{port}" in text
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    page.screenshot(path=str(SHOTS / "refused_other_name_en.png"), full_page=True)
    page.close()


def test_localhost_still_opens_the_app(app_url: str, browser) -> None:
    port = _port(app_url)
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.goto(f"http://localhost:{port}/")
    _settle(page)
    assert page.locator("h1").first.inner_text() == "Обзор"
    assert page.locator('[data-testid="stMetric"]').count() > 0
    assert page.get_by_text("Вход не настроен").is_visible()
    page.close()


def _link_hosts(page) -> set[str]:
    """host:port of every link on the page (a same-page anchor has the app's)."""
    return set(page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.host)"))


def _choose(page, label: str, typed: str) -> None:
    """Pick the option containing `typed` in the sidebar multiselect `label`."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=label
    )
    box.locator("input").click()
    page.keyboard.type(typed)
    page.get_by_role("option").filter(has_text=typed).first.click()
    page.keyboard.press("Escape")
    _settle(page)


def test_hostile_names_chosen_in_the_filter_show_as_text(app_url: str, browser) -> None:
    port = _port(app_url)
    page = browser.new_page(viewport={"width": WIDTH, "height": 1800})
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"http://localhost:{port}/")
    _settle(page)
    _choose(page, "Врачи", "x.png")
    _choose(page, "Врачи", "Сессия")
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="Фильтр:")
    caption.wait_for(timeout=WAIT_MS)
    assert "doctor=" in page.url

    shown = caption.inner_text().replace(J, "")  # the joiners have no glyph
    assert shown.endswith(f"Фильтр: {IMG}, {LINK}"), shown
    assert caption.locator("img, a, strong, em, code, .katex").count() == 0
    assert page.locator('img[src*="127.0.0.1:1"]').count() == 0
    assert page.locator('a[href="http://e.x"], a[href^="http://127.0.0.1:1"]').count() == 0
    assert _link_hosts(page) <= {f"localhost:{port}"}  # only the app's own links (navigation)
    # the chips of the multiselect are the names as they are
    chips = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text="Врачи").inner_text()  # fmt: skip
    assert IMG in chips and LINK in chips
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(SHOTS / "overview_hostile_names_ru.png"), full_page=True)
    assert not [u for u in asked if "127.0.0.1:1/" in u], asked
    page.close()


def test_hostile_department_and_branch_in_the_url(app_url: str, browser) -> None:
    """A bookmark with the hostile department and branch: the caption is text there too."""
    port = _port(app_url)
    page = browser.new_page(viewport={"width": WIDTH, "height": 1400})
    query = urlencode({"department": LINK, "branch": IMG, "lang": "en"})
    page.goto(f"http://localhost:{port}/departments?{query}")
    _settle(page)
    caption = page.locator('[data-testid="stCaptionContainer"]', has_text="Filter:")
    caption.wait_for(timeout=WAIT_MS)
    assert caption.inner_text().replace(J, "").endswith(f"Filter: {LINK}; {IMG}")
    assert page.locator('img[src*="127.0.0.1:1"]').count() == 0
    assert page.locator('a[href="http://e.x"], a[href^="http://127.0.0.1:1"]').count() == 0
    assert _link_hosts(page) <= {f"localhost:{port}"}
    page.close()


# -- md() in every element that renders markdown -------------------------------------------------

LITERAL = ("![b](http://127.0.0.1:1/x.png) [Сессия истекла](http://e.x) :red[красный] "
           ":material/home: $x^2$ <b>b</b> **жирный** _к_")  # fmt: skip
EXTRA = (" :material_home: :streamlit: :smile: www.x.com a@b.co http://auto.link ~~s~~ `c` "
         "&amp; \\ a -> b -- c")  # fmt: skip
SCRIPT = """
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from clinic_bi.app.safe import md
text = md({text!r})
st.markdown(text)
st.caption("Врач: " + text)
st.warning(text)
st.info(text)
with st.expander(text):
    st.write("-")
st.metric(text, 1)
st.selectbox(text, ["a"])
st.tabs([text, "b"])
st.subheader(text)
"""


@pytest.fixture(scope="module")
def literal_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("literal")
    (folder / "page.py").write_text(
        SCRIPT.format(root=str(PROJECT_DIR), text=LITERAL + EXTRA), encoding="utf-8")
    with serve(folder, None, cwd=folder, script=folder / "page.py") as url:
        yield url


def test_md_renders_literally_in_every_markdown_element(literal_page: str, browser) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": 1600})
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(literal_page)
    page.get_by_role("tab").first.wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1500)
    expected = LITERAL + EXTRA
    places = {
        "markdown": '[data-testid="stMarkdown"] [data-testid="stMarkdownContainer"]',
        "warning / info": '[data-testid="stAlertContainer"] [data-testid="stMarkdownContainer"]',
        "expander": '[data-testid="stExpander"] summary [data-testid="stMarkdownContainer"]',
        "metric label": '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]',
        "widget label": '[data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"]',
        "tab": '[data-testid="stTab"] [data-testid="stMarkdownContainer"]',
        "subheader": "h3",
    }
    for name, selector in places.items():
        texts = [t.replace(J, "") for t in page.locator(selector).all_inner_texts()]
        assert expected in texts, (name, texts)
    caption = page.locator('[data-testid="stCaptionContainer"]').inner_text().replace(J, "")
    assert caption == "Врач: " + expected
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("img").count() == 0
    # the only link is the subheader's own anchor
    assert [a for a in _link_hosts(page) if not a.startswith("127.0.0.1:")] == []
    assert main.locator('a[href^="http"]').count() == 0
    assert main.locator(".katex, strong, em, code, del, .stMarkdownColoredText").count() == 0
    # no icon other than the expander's arrow
    icons = main.locator('[data-testid="stIconMaterial"], span[role="img"]').all_inner_texts()
    assert icons == ["keyboard_arrow_right"], icons
    assert not [u for u in asked if "127.0.0.1:1/" in u], asked
    page.screenshot(path=str(SHOTS / "md_literal.png"), full_page=True)
    page.close()
