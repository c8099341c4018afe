"""A clinic's home for an AppTest: CLINIC_BI_HOME and CLINIC_BI_DB in a temp folder, the given
exports loaded into its store as a manager would, and the request from this computer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clinic_bi import store
from clinic_bi.app import access
from clinic_bi.ingest import loader
from clinic_bi.paths import PROJECT_DIR


def clinic_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exports: dict[str, str]) -> Path:
    """The store's path, with `exports` ({file name: its text}) loaded in that order."""
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CLINIC_BI_HOME", str(home))
    monkeypatch.setenv("CLINIC_BI_DB", str(home / "clinic.duckdb"))
    con = store.connect(home / "clinic.duckdb")
    try:
        for name, text in exports.items():
            source = tmp_path / name
            source.write_text(text, encoding="utf-8")
            loader.ingest_file(con, source, "salt")
    finally:
        con.close()
    return home / "clinic.duckdb"


def copied_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: Path) -> Path:
    """An app home in tmp_path whose clinic store is a copy of `db` (and its salt), and the
    request from this computer; returns the home."""
    monkeypatch.setattr(access, "request_origin", lambda: access.Origin("127.0.0.1"))
    monkeypatch.setenv("CLINIC_BI_HOME", str(tmp_path))
    monkeypatch.setenv("CLINIC_BI_DB", str(tmp_path / "clinic.duckdb"))
    shutil.copy(db, tmp_path / "clinic.duckdb")
    shutil.copy(str(db) + ".salt", str(tmp_path / "clinic.duckdb") + ".salt")
    return tmp_path


def run_app(query: dict[str, str | list[str]] | None = None, page: str | None = None) -> AppTest:
    """Обзор with these URL parameters, then `page` if given; no exception on the way."""
    at = AppTest.from_file(str(PROJECT_DIR / "streamlit_app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
