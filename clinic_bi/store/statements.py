"""The store statements of a load, a page edit and a removal: `queries/store/<name>.sql` for one
canonical table, split into its statements, and the bound parameters each statement names."""

from __future__ import annotations

from clinic_bi import store
from clinic_bi.paths import read_query


def table_sql(name: str, table: str) -> list[str]:
    """A store statement template for one canonical table. The table name is spliced in, but it
    is only ever one of store.TABLES (checked here): values are always bound parameters."""
    if table not in store.TABLES:
        raise ValueError(f"not a canonical table: {table!r}")
    text = read_query("store", name).replace("{table}", table)
    return [s for s in (strip_comments(p) for p in text.split(";\n")) if s]


def strip_comments(sql: str) -> str:
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    return "\n".join(lines).strip().rstrip(";")


def bind(sql: str, params: dict) -> dict:
    """Only the parameters the statement names (DuckDB refuses extra ones)."""
    return {k: v for k, v in params.items() if "$" + k in sql}
