"""Names from the clinic's files are shown literally where Streamlit renders markdown (issue 10,
item 7): `clinic_bi/app/safe.py` `md()`, and the filter caption of a store whose doctor,
department and branch are named like markdown. tests/app/test_browser_host_and_markdown.py checks
the same page in chromium (no image, no link)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access
from clinic_bi.app.safe import md
from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR

APP = str(PROJECT_DIR / "streamlit_app.py")
J = "\u2060"  # the word joiner md() puts after ":" and "@" and before the dot of "www."

IMG = "![b](http://127.0.0.1:1/x.png)"
LINK = "[Сессия истекла](http://e.x)"
# what md() makes of them, written out by hand
IMG_MD = "\\!\\[b\\]\\(http\\:" + J + "//127\\.0\\.0\\.1\\:" + J + "1/x\\.png\\)"
LINK_MD = "\\[Сессия истекла\\]\\(http\\:" + J + "//e\\.x\\)"


# -- md() ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Иванова А. С.", "Иванова А\\. С\\."),
        ("Терапия", "Терапия"),
        (IMG, IMG_MD),
        (LINK, LINK_MD),
        (":red[красный]", "\\:" + J + "red\\[красный\\]"),
        (":material/home:", "\\:" + J + "material/home\\:"),
        (":material_home:", "\\:" + J + "material\\_home\\:"),
        (":smile:", "\\:" + J + "smile\\:"),
        ("$x^2$", "\\$x^2\\$"),
        ("<b>b</b>", "\\<b\\>b\\</b\\>"),
        ("**жирный** _к_", "\\*\\*жирный\\*\\* \\_к\\_"),
        ("`код`", "\\`код\\`"),
        ("~~s~~", "\\~\\~s\\~\\~"),
        ("&amp;", "\\&amp;"),
        ("a\\b", "a\\\\b"),
        ("www.x.com", "www" + J + "\\.x\\.com"),
        ("WWW.X.RU", "WWW" + J + "\\.X\\.RU"),
        ("a@b.co", "a@" + J + "b\\.co"),
        ("https://e.x/p?q=1", "https\\:" + J + "//e\\.x/p?q\\=1"),
        ("a -> b", "a \\-" + J + "\\> b"),
        ("a -- b", "a \\-" + J + "\\- b"),
        ("x >= 1", "x \\>" + J + "\\= 1"),
        ("# Заголовок", "\\# Заголовок"),
        ("1. пункт", "1\\. пункт"),
        ("- пункт", "\\- пункт"),
        ("> цитата", "\\> цитата"),
        ("| a | b |", "\\| a \\| b \\|"),
        ("{key}", "\\{key\\}"),
        ("\"q\" 'q'", "\\\"q\\\" \\'q\\'"),
        ("две\nстроки\r\n  и    пробелы ", "две строки и пробелы"),
        ("    код", "код"),
        ("", ""),
        (None, ""),
        (12.5, "12\\.5"),
    ],
)
def test_md_escapes_by_hand(text: object, expected: str) -> None:
    assert md(text) == expected


# -- the filter caption of a store with hostile names -----------------------------------------


def write_hostile_export(folder: Path) -> Path:
    """The sample services export with one doctor named IMG, another LINK, the department
    «Терапия» named LINK and the branch «Север» named IMG."""
    text = (SAMPLE_DATA_DIR / "medesk_services_2025.csv").read_bytes().decode("cp1251")
    text = (text.replace("Иванова А. С.", IMG).replace("Кузнецова Е. Н.", LINK)
            .replace(";Терапия;", f";{LINK};").replace(";Север;", f";{IMG};"))  # fmt: skip
    export = folder / "medesk_services_2025.csv"
    export.write_bytes(text.encode("cp1251"))
    return export


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "hostile.duckdb"
    results = loader.ingest_paths(db, [write_hostile_export(folder)])
    assert all(r.ok for r in results), [r.error for r in results]
    return db


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_store: Path) -> Path:
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(tmp_path / "clinic.duckdb"))
    shutil.copy(hostile_store, tmp_path / "clinic.duckdb")
    shutil.copy(str(hostile_store) + ".salt", str(tmp_path / "clinic.duckdb") + ".salt")
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))
    return tmp_path


def _filter_caption(at: AppTest) -> str:
    found = [c.value for c in at.caption if "Фильтр:" in c.value or "Filter:" in c.value]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]


@pytest.mark.parametrize("page", [None, "pages/1_doctors.py", "pages/2_departments.py"])
def test_chosen_names_are_literal_in_the_filter_caption(home: Path, page: str | None) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["doctor"] = [IMG, LINK]
    at.query_params["department"] = LINK
    at.query_params["branch"] = IMG
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    # the options are plain text (not markdown): the names as they are
    assert at.sidebar.multiselect(key="w_doctor").value == [IMG, LINK]
    assert at.sidebar.multiselect(key="w_department").value == [LINK]
    assert at.sidebar.multiselect(key="w_branch").value == [IMG]
    caption = _filter_caption(at)
    assert caption.endswith(f" · Фильтр: {IMG_MD}, {LINK_MD}; {LINK_MD}; {IMG_MD}"), caption
    assert IMG not in caption and LINK not in caption
    assert "](http" not in caption and "http://" not in caption


def test_the_english_caption_too(home: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["doctor"] = LINK
    at.run()
    assert not at.exception
    assert _filter_caption(at).endswith(f" · Filter: {LINK_MD}")
