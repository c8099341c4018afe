"""Downloads from the app are safe to open in Excel: a cell a clinic's file brought in that Excel
would run as a formula (a doctor named `=HYPERLINK("x")`) comes out as text, numbers stay
numbers. The files are the ones the app's own buttons build (clinic_bi/present/exports.py writes them)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access
from clinic_bi.ingest import loader
from clinic_bi.metrics import Engine, Filters
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR

APP = str(PROJECT_DIR / "streamlit_app.py")
FORMULA = '=HYPERLINK("x")'
RENAMED = "Иванова А. С."  # the sample's busiest doctor: on every doctors' table


@pytest.fixture(autouse=True)
def on_this_computer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))


@pytest.fixture
def hostile_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clinic store whose services export names a doctor `=HYPERLINK("x")`."""
    text = (SAMPLE_DATA_DIR / "medesk_services_2025.csv").read_bytes().decode("cp1251")
    assert RENAMED in text
    source = tmp_path / "services.csv"
    source.write_text(text.replace(RENAMED, '"' + FORMULA.replace('"', '""') + '"'),
                      encoding="utf-8")  # fmt: skip
    db = tmp_path / "clinic.duckdb"
    results = loader.ingest_paths(db, [source])
    assert all(r.ok for r in results), [r.error for r in results]
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(db))
    return tmp_path


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    return capture_deferred(monkeypatch)


def capture_deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The callables behind the app's download buttons (built on click), by their file id."""
    built: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):  # noqa: ANN001
        file_id = original(self, data_callable, *args, **kwargs)
        built[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return built


def _download(at: AppTest, built: dict[str, Callable[[], bytes]], key: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.id.endswith(key))
    return built[button.proto.deferred_file_id]()


def test_a_formula_in_a_doctors_name_downloads_as_text(
    hostile_home: Path, deferred: dict[str, Callable[[], bytes]]
) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"period": "custom", "from": "2025-01-01", "to": "2025-12-31"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = at.dataframe[0].value
    assert FORMULA in list(shown["Врач"])  # on screen it is just a name

    csv = _download(at, deferred, "overview_doctors_csv").decode("utf-8-sig")
    table = pd.read_csv(io.StringIO(csv), sep=";", dtype=str)
    assert "'" + FORMULA in list(table["Врач"])
    assert FORMULA not in list(table["Врач"])

    xlsx = _download(at, deferred, "overview_doctors_xlsx")
    sheet = pd.read_excel(io.BytesIO(xlsx), engine="openpyxl")
    assert "'" + FORMULA in list(sheet["Врач"])
    # numbers are left alone: the revenue cells are numbers equal to the API's
    with Engine(hostile_home / "clinic.duckdb") as engine:
        api = engine.doctors(Filters("2025-01-01", "2025-12-31"))
    expected = dict(zip(api["doctor"], api["revenue"].round(2), strict=True))
    got = dict(zip(sheet["Врач"], sheet["Выручка"], strict=True))
    assert got["'" + FORMULA] == pytest.approx(expected[FORMULA])
    assert pd.api.types.is_float_dtype(sheet["Выручка"])
