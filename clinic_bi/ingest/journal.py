"""The journal of uploads (the store's `batches`): what was loaded (list_batches), whether this
very file was loaded the same way before (same_upload), and undoing one upload (remove_batch).

The journal row itself is written inside the load's transaction by loader._record_batch, which
stays in loader.py: tests/hooks patches it there to pause a load inside its transaction.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from clinic_bi import store
from clinic_bi.ingest.mapping import Mapping
from clinic_bi.ingest.messages import Text
from clinic_bi.ingest.results import LoadError
from clinic_bi.store.statements import bind, table_sql


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "select batch_id, loaded_at, file_name, kind, rows_loaded, rows_new, rows_replaced, "
        "rows_rejected, rows_skipped, period_from, period_to, profile, file_sha256, "
        "file_total, total_source, loaded_total, rejected_total, rejected_unread "
        "from batches order by batch_id"
    ).df()


def same_upload(con: duckdb.DuckDBPyConnection, sha: str, mapping: Mapping
                ) -> tuple[int, datetime] | None:
    """The latest upload of the file with this hash, mapped the same way: (batch_id, loaded_at)."""
    rows = con.execute(
        "select batch_id, loaded_at from batches where file_sha256 = $sha and kind = $kind "
        "and mapping = cast($mapping as json) order by batch_id desc limit 1",
        {"sha": sha, "kind": mapping.table,
         "mapping": json.dumps(mapping.header_map(), ensure_ascii=False)},
    ).fetchall()
    return (rows[0][0], rows[0][1]) if rows else None


def remove_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> str:
    """Undo one upload in one transaction. Returns the kind it was; raises LoadError if there
    is no such upload."""
    row = con.execute(
        "select kind, file_name from batches where batch_id = $b", {"b": batch_id}
    ).fetchone()
    if row is None:
        raise LoadError(Text("refusal_no_batch", batch=batch_id))
    kind = row[0]
    with store.transaction(con):
        for stmt in table_sql("remove.sql", kind):
            con.execute(stmt, bind(stmt, {"batch_id": batch_id}))
        con.execute("delete from rejects where batch_id = $b", {"b": batch_id})
        con.execute("delete from batches where batch_id = $b", {"b": batch_id})
        store.bump_data_version(con)
    return kind
