"""Shared fixtures: a fresh store per test, and a way to load hand-made files into it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.ingest.loader import LoadResult

SALT = "test-salt"


class StoreHelper:
    def __init__(self, root: Path):
        self.root = root
        self.db = root / "store.duckdb"
        self.con = store.connect(self.db)
        self.salt = SALT

    def write(self, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = self.root / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode(encoding) if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    def load(self, name: str, content: str | bytes | None = None, encoding: str = "utf-8",
             **kwargs) -> LoadResult:
        path = self.write(name, content, encoding) if content is not None else Path(name)
        return loader.ingest_file(self.con, path, self.salt, **kwargs)

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        return self.con.execute(sql, params or {}).fetchall()

    def one(self, sql: str, params: dict | None = None):
        return self.con.execute(sql, params or {}).fetchone()[0]


@pytest.fixture
def st(tmp_path: Path) -> StoreHelper:
    helper = StoreHelper(tmp_path)
    yield helper
    helper.con.close()


@pytest.fixture
def make_store() -> Callable[[Path], StoreHelper]:
    return StoreHelper
