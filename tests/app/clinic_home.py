"""A clinic's home for an AppTest: CLINIC_BI_HOME and CLINIC_BI_DB in a temp folder, the given
exports loaded into its store as a manager would, and the request from this computer."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_bi import store
from clinic_bi.app import access
from clinic_bi.ingest import loader


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
