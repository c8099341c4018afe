"""Обзор's «Отчёт собственнику» (clinic_bi/app/report_download.py): nothing is built until the
owner asks; then the PDF and the Excel file of the page's filters download, with the figures
worked out by hand from the store's lines, and another period asks again rather than handing
out the files of the first."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access
from clinic_bi.paths import PROJECT_DIR
from tests.metrics_fixtures import line, make_store
from tests.present.test_report_pdf import pdf_text

APP = str(PROJECT_DIR / "streamlit_app.py")
MARCH = {"period": "custom", "from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture(autouse=True)
def on_this_computer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four lines in March 2026: 40 000 + 2 500 (one visit of p1), 3 000 (p2), 4 500 (p1)."""
    db = make_store(tmp_path, services=[
        line("2026-03-02", "p1", "Иванова А. С.", 40_000, department="Ортопедия"),
        line("2026-03-02", "p1", "Иванова А. С.", 2_500, department="Ортопедия"),
        line("2026-03-10", "p2", "Петров Б. В.", 3_000, department="Терапия"),
        line("2026-03-20", "p1", "Иванова А. С.", 4_500, department="Терапия"),
    ])  # fmt: skip
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(db))
    return tmp_path


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """What the page hands to the download buttons, by MIME type."""
    handed: dict[str, bytes] = {}
    original = MediaFileManager.add

    def add(self, path_or_data, mimetype, *args, **kwargs):  # noqa: ANN001
        if isinstance(path_or_data, bytes):
            handed[mimetype] = path_or_data
        return original(self, path_or_data, mimetype, *args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return handed


def report_buttons(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button") if "owner_report" in b.proto.id]


def test_the_owners_report_is_prepared_on_request_for_the_pages_filters(
    home: Path, files: dict[str, bytes]
) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(MARCH)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert report_buttons(at) == [] and files == {}  # nothing built before the owner asks

    at.button(key="owner_report_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert report_buttons(at) == ["Скачать PDF", "Скачать Excel"]
    assert [b.key for b in at.button if b.key == "owner_report_prepare"] == []  # gave way

    text = pdf_text(files["application/pdf"])
    assert "Отчёт клиники за 01.03.2026 — 31.03.2026" in text
    # revenue 40 000 + 2 500 + 3 000 + 4 500 = 50 000; 3 visits, so the check is 16 667
    assert " 50 000 ₽ " in text and " 16 667 ₽ " in text

    book = openpyxl.load_workbook(io.BytesIO(
        files["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]))
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert 50_000 in cells

    # another choice of the sidebar (a doctor): March's files are not handed out for it
    at.multiselect(key="w_doctor").set_value(["Петров Б. В."]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert report_buttons(at) == []
    assert at.button(key="owner_report_prepare").proto.label == "Подготовить PDF и Excel"
