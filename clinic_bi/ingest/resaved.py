"""A re-saved export: the rows an earlier upload had that its newer version no longer has.

Tables without an id of the export's own (services, ad spend, reviews) key a row by its content
(DATA.md, "Loading rules"). The unchanged lines of a newer version of an export replace
themselves, but a line corrected in the medical system comes back under a new key, and the line
as it was would stay beside it: counted twice. So, inside the load's transaction, before the
upsert, each earlier upload of the same kind is compared with the new file over the days the new
file covers and the scopes it holds (TableSpec.resave_scope: services' branch and department, a
channel, a review source):

- when at least half of the earlier upload's rows there come again in the new file, the new file
  is a newer version of that export, and the earlier rows there that it no longer has step aside
  (to `<table>__replaced`, recorded in `superseded_rows`, so removing the new upload puts them
  back: queries/store/remove.sql);
- an upload that shares less (another branch's file, another doctor's, another month) is left
  alone: uploads accumulate.

Tables keyed by the export's own id need none of this: a corrected row carries its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from clinic_bi.tables import TABLE_SPECS

# An earlier upload is the same export when at least this share of its rows in the new file's
# days and scopes comes again, unchanged, in the new file.
SAME_EXPORT_SHARE = 0.5


@dataclass(frozen=True)
class Superseded:
    batch_id: int  # the earlier upload
    file_name: str
    rows: int  # its rows that stepped aside
    date_from: date
    date_to: date


def supersede(
    con: duckdb.DuckDBPyConnection, table: str, batch_id: int, days: tuple[Any, Any]
) -> list[Superseded]:
    """Within the load's transaction, after the new rows are in and before the upsert: move the
    rows of earlier versions of this export that the new file no longer has. `days`: the first
    and last date of the new upload's rows (the loader's period of it). Returns what was moved,
    per earlier upload."""
    spec = TABLE_SPECS[table]
    if spec.id_column is not None or days[0] is None:
        return []
    date_col = spec.main_date
    window = {"b": batch_id, "d0": days[0], "d1": days[1]}
    # most loads (a new month, a first file) have no earlier row in their days: nothing to
    # compare, and the scopes and candidates below would cost ~0.15 s of CPU at 1M lines
    earlier_in_days = con.execute(f"""
        select exists (
            select 1 from {table}
            where _batch_id <> $b and {date_col} between $d0 and $d1
        )""", window).fetchone()[0]
    if not earlier_in_days:
        return []
    scope = " and ".join(f"o.{c} is not distinct from n.{c}" for c in spec.resave_scope)
    in_scope = (f"exists (select 1 from new_scopes n where {scope})" if scope else "true")
    scope_cols = ", ".join(spec.resave_scope) or "1 as _all"
    # {table} and the column names come from TABLE_SPECS, never from a file; values are bound.
    con.execute(f"""
        create or replace temp table new_scopes as
        select distinct {scope_cols} from {table} where _batch_id = $b""", {"b": batch_id})
    con.execute(f"""
        create or replace temp table resave_candidates as
        with earlier as (
            select o._key, o._batch_id,
                   o._key in (select _key from {table} where _batch_id = $b) as again
            from {table} o
            where o._batch_id <> $b and o.{date_col} between $d0 and $d1 and {in_scope}
        ),
        same_export as (
            select _batch_id from earlier
            group by _batch_id
            having count(*) filter (where again) >= $share * count(*)
        )
        select e._key, e._batch_id from earlier e
        where not e.again and e._batch_id in (select _batch_id from same_export)""",
        {**window, "share": SAME_EXPORT_SHARE})
    moved = con.execute(f"""
        select c._batch_id, b.file_name, count(*), min(o.{date_col}), max(o.{date_col})
        from resave_candidates c
        join {table} o on o._key = c._key and o._batch_id = c._batch_id
        join batches b on b.batch_id = c._batch_id
        group by all order by c._batch_id""").fetchall()
    if moved:
        con.execute(f"""
            insert into {table}__replaced
            select o.* from {table} o
            join resave_candidates c on o._key = c._key and o._batch_id = c._batch_id""")
        con.execute("""
            insert into superseded_rows
            select $table, $b, _key, _batch_id from resave_candidates""",
            {"table": table, "b": batch_id})
        con.execute(f"""
            delete from {table} o using resave_candidates c
            where o._key = c._key and o._batch_id = c._batch_id""")
    con.execute("drop table resave_candidates")
    con.execute("drop table new_scopes")
    return [Superseded(b, name, n, _day(d0), _day(d1)) for b, name, n, d0, d1 in moved]


def _day(value: object) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]
