"""The one table declaration (clinic_bi/tables.py) and the SQL say the same thing.

`queries/store/schema.sql` and `queries/ingest/<table>.sql` are SQL, so they cannot import the
declaration; these tests read them and compare.
"""

from __future__ import annotations

import re

import pytest

from clinic_bi import store
from clinic_bi.paths import QUERIES_DIR
from clinic_bi.tables import TABLE_SPECS

# The store's own columns of every canonical table (schema.sql's header).
STORE_COLUMNS = {"_key", "_batch_id", "_row"}


def _schema_columns(table: str) -> dict[str, bool]:
    """Each column of `table` in schema.sql, and whether it is NOT NULL."""
    schema = (QUERIES_DIR / "store" / "schema.sql").read_text(encoding="utf-8")
    body = re.search(rf"create table if not exists {table} \((.*?)\n\);", schema, re.S)
    assert body, f"{table} is not in schema.sql"
    columns = {}
    for line in body.group(1).splitlines():
        code = line.split("--")[0].strip()
        if code:
            columns[code.split()[0]] = "not null" in code
    return columns


def _checked_in_ingest(table: str) -> set[str]:
    """The columns whose empty or unreadable value rejects a row in queries/ingest/<table>.sql."""
    sql = (QUERIES_DIR / "ingest" / f"{table}.sql").read_text(encoding="utf-8")
    return set(re.findall(r"required_issue\('(\w+)'", sql))


@pytest.mark.parametrize("table", list(TABLE_SPECS))
def test_schema_not_null_columns_are_the_declared_ones(table: str) -> None:
    columns = _schema_columns(table)
    not_null = {c for c, nn in columns.items() if nn} - STORE_COLUMNS
    assert not_null == set(TABLE_SPECS[table].not_null)


@pytest.mark.parametrize("table", list(TABLE_SPECS))
def test_each_ingest_file_rejects_exactly_the_declared_columns(table: str) -> None:
    assert _checked_in_ingest(table) == set(TABLE_SPECS[table].checked)


@pytest.mark.parametrize("table", list(TABLE_SPECS))
def test_main_date_and_id_are_stored_columns(table: str) -> None:
    spec = TABLE_SPECS[table]
    columns = _schema_columns(table)
    assert spec.main_date in columns
    assert spec.id_column is None or columns[spec.id_column] is True


def test_the_checks_see_a_difference() -> None:
    """The readers above are not vacuous: the real files have what they look for."""
    assert _schema_columns("contracts")["amount"] is True
    assert _schema_columns("contracts")["prepaid"] is False
    assert _checked_in_ingest("appointments") == {"appointment_id", "scheduled_at", "status"}


def test_every_table_is_in_the_store_and_in_coverage() -> None:
    assert set(store.TABLES) == set(TABLE_SPECS)
    parts = ("metrics/rows_by_table_and_month.sql", "models/core/store_coverage.sql")
    sql = "".join((QUERIES_DIR / part).read_text(encoding="utf-8") for part in parts)
    counted = set(re.findall(r"select '(\w+)'", sql))
    assert counted == set(TABLE_SPECS)
