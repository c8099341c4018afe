"""The Врачи page on a services export with no doctor column (issue 12, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.paths import PROJECT_DIR
from tests.app.clinic_home import clinic_home
from tests.metrics.test_no_doctor_export import LINES


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clinic_home(tmp_path, monkeypatch, {"услуги.csv": LINES})


def test_the_doctors_page_says_the_export_names_no_doctors(clinic: Path) -> None:
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/1_doctors.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("В выгрузке услуг нет врачей" in i.value for i in at.info)
    table = at.dataframe[0].value  # the data; the page draws None as «без указания»
    assert table.iloc[:, 0].tolist() == [None]
    assert table["Выручка"].tolist() == [8000]
    assert "doctor_card" not in [s.key for s in at.selectbox]  # no card of nobody
