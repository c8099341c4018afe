"""The web app keeps serving reads while a load runs (issue 6).

A real `python -m clinic_bi ingest` holds the store's write lock, paused mid-transaction
(tests/hooks: `pause_in_transaction`); meanwhile the app, whose engine built its models before,
draws Обзор with the same revenue as before, opens a page it had not drawn yet, and Данные says a
load is under way instead of waiting for it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi.app import access
from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR, SAMPLE_DATA_DIR
from tests.hooks import MARKER, pause_in_transaction

APP = str(PROJECT_DIR / "streamlit_app.py")
PAUSE_SECONDS = 20


@pytest.fixture(autouse=True)
def on_this_computer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))


@pytest.fixture
def clinic_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "clinic.duckdb"
    results = loader.ingest_paths(db, [SAMPLE_DATA_DIR / "medesk_services_2025.csv"])
    assert all(r.ok for r in results)
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(db))
    return db


@pytest.fixture
def paused_load(clinic_db: Path, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """Starts nothing: call it to start the load; it is killed at the end of the test."""
    procs: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        source = tmp_path / "ident_services_2024.xlsx"  # more revenue, once it commits
        shutil.copy(SAMPLE_DATA_DIR / source.name, source)
        proc = subprocess.Popen(
            [sys.executable, "-m", "clinic_bi", "ingest", str(source), "--db", str(clinic_db)],
            cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **pause_in_transaction(PAUSE_SECONDS)},
        )  # fmt: skip
        procs.append(proc)
        deadline = time.monotonic() + 60
        line = ""
        while MARKER not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
        assert MARKER in line, "the load never reached its pause"
        return proc

    yield start  # type: ignore[misc]
    for proc in procs:
        proc.kill()
        proc.wait(10)


def revenue(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == "Выручка")


def test_pages_render_while_a_load_holds_the_store(clinic_db: Path, paused_load) -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["period"] = "this_year"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    before = revenue(at)

    proc = paused_load()  # the store is now locked by another process, mid-transaction
    started = time.monotonic()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert revenue(at) == before
    # figures never asked for before: computed from the models built before the load
    at.switch_page("pages/1_doctors.py").run()
    assert not at.exception and at.dataframe, [e.value for e in at.exception]
    at.switch_page("pages/8_data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("идёт загрузка в другом процессе" in c.value for c in at.caption)
    assert proc.poll() is None, "the load ended before the reads were checked"
    assert time.monotonic() - started < PAUSE_SECONDS - 2  # nothing waited for the load


def test_an_upload_during_another_load_says_the_store_is_busy(clinic_db: Path, paused_load) -> None:
    """It does not hold every other session's figures for the two minutes a load may take."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page("pages/8_data.py").run()
    source = SAMPLE_DATA_DIR / "reviews.csv"
    at.get("file_uploader")[0].upload(source.name, source.read_bytes(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    proc = paused_load()
    started = time.monotonic()
    at.button(key="load_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Хранилище занято" in e.value for e in at.error), [e.value for e in at.error]
    assert time.monotonic() - started < 10 and proc.poll() is None
