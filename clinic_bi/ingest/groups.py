"""Grouped MIS reports (DATA.md "Grouped reports"): the doctor, department or branch written once,
in a group header row above its lines («Врач: Соколов Д. А.», «Отделение: Терапия»), instead of
in a column of every line.

    raw → group_cells   (temp table: the rows that may have one filled cell, cheaply told)
        → group_headers (temp table: the ones that head a group, of what, with which value:
                         queries/ingest/group_headers.sql; name-only rows are checked by
                         group_patients.sql against a report grouped by patient)
        → group_state   (temp table: per header row, the doctor, department and branch in force
                         from it to the next one: group_state.sql)

parse._stage then reads `raw` joined (ASOF) to the last header row at or above each row
(view `group_source`, `source`): a line takes its group's value where its own cell is empty or the file has no such
column (`carried`), and a header row loses its first cell, so it is skipped as a blank row is
(`first_cell`). A file without group rows costs one scan of `raw` whose test is whether two
cells are empty (the prefilter below); `group_source` is then `raw` and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from clinic_bi.ingest.mapping import Mapping
from clinic_bi.ingest.messages import Text
from clinic_bi.paths import read_query
from clinic_bi.store.statements import bind
from clinic_bi.tables import TABLE_SPECS

# The tables whose files may be grouped: their lines have a doctor and a department. A name-only
# row (no label) may head a doctor group only in services without a doctor column.
GROUPED = ("services", "appointments", "contracts")
KINDS = ("doctor", "department", "branch")
# where a patient is told apart in a line: the card number, else the name it is keyed by
_PATIENT = ("patient_id", "_name", "_last_name", "_phone")


@dataclass(frozen=True)
class Groups:
    """What a file's group header rows were taken for (parse_file words it in the notes)."""

    headers: int  # group header rows kept: skipped, their value carried to the lines below
    kinds: tuple[str, ...]  # of KINDS, the ones they name
    example: str  # the first one's text
    by_name: int  # of them, name-only rows taken for doctor groups
    refused: int  # name-only rows not taken: each heads one patient's lines
    refused_example: str
    own_column: bool = False  # the file has a column for one of `kinds` too


def find_groups(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> Groups | None:
    """The temp view `group_source` that `staged` reads (`source`): `raw`, joined to the temp
    table `group_state` when the file has group header rows; and what they are (None: none).
    Drops what an earlier load left."""
    drop(con)
    _make_source(con, grouped=False)
    if mapping.table not in GROUPED or not _group_cells(con, mapping):
        return None
    by_name = mapping.table == "services" and "doctor" not in mapping.canonical()
    sql = read_query("ingest", "group_headers.sql")
    con.execute("create temp table group_headers as " + sql, bind(sql, {"by_name": by_name}))
    labelled, named = con.execute(
        "select count(*) filter (where not is_by_name), count(*) filter (where is_by_name) "
        "from group_headers"
    ).fetchall()[0]
    if not labelled and not named:
        return None
    names_ok = bool(named) and _names_head_doctors(con, mapping)
    if not labelled and not names_ok:
        return Groups(0, (), "", 0, named, _example(con, True))
    sql = read_query("ingest", "group_state.sql")
    con.execute("create temp table group_state as " + sql, {"names_ok": names_ok})
    _make_source(con, grouped=True)
    kinds = {k for (k,) in con.execute(
        "select distinct attribute from group_headers where not is_by_name or $ok", {"ok": names_ok}
    ).fetchall()}
    return Groups(
        headers=labelled + (named if names_ok else 0),
        kinds=tuple(k for k in KINDS if k in kinds),
        example=_example(con, not labelled),
        by_name=named if names_ok else 0,
        refused=0 if names_ok else named,
        refused_example="" if names_ok else _example(con, True),
        own_column=bool(kinds & mapping.canonical()),
    )


def _group_cells(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> int:
    """Temp table `group_cells`: `_row` and `_cells` (the row's cells, a list) of the rows of
    `raw` that may have one filled cell; returns how many. Their test is cheap, a string
    comparison: two cells, of columns every line fills, empty or starting with a space (a row
    with one filled cell has one of any two empty). A cell of no-break spaces alone passes
    neither: such a row is read as a line, as before. group_headers.sql keeps the rows with
    exactly one filled cell."""
    rel = con.table("raw")
    width = len(rel.columns) - 1
    prefilter = _prefilter(mapping, width)
    if prefilter is not None:
        rel = rel.filter(prefilter)
    cells = [duckdb.ColumnExpression(f"c{i}") for i in range(width)]
    rel.project(
        duckdb.ColumnExpression("_row"), duckdb.FunctionExpression("list_value", *cells).alias("_cells")
    ).create_view("group_cells_in", replace=True)
    n = con.execute("select count(*) from group_cells_in").fetchall()[0][0]
    if n:
        con.execute("create temp table group_cells as select * from group_cells_in")
    return n


def _prefilter(mapping: Mapping, width: int) -> duckdb.Expression | None:
    """A row with one filled cell has at least one of any two cells empty: two columns that
    every data line fills (the table's required ones), each NULL or below '!' (empty or
    starting with a space: a string comparison, no regex)."""
    spec = TABLE_SPECS[mapping.table]
    sources = mapping.sources()
    wanted = [*spec.required, *(c for group in spec.one_of for c in group)]
    positions: list[int] = []
    for name in wanted:
        for p in sources.get(name, [])[:1]:
            if p < width and p not in positions:
                positions.append(p)
    if len(positions) < 2:
        return None
    bang = duckdb.ConstantExpression("!")
    test = None
    for p in positions[:2]:
        c = duckdb.ColumnExpression(f"c{p}")
        empty = c.isnull() | (c < bang)
        test = empty if test is None else test | empty
    return test


def _names_head_doctors(con: duckdb.DuckDBPyConnection, mapping: Mapping) -> bool:
    """Name-only rows head doctors' groups when one of them heads lines of two patients or more
    (group_patients.sql); a file with no patient column to tell is not taken."""
    sources = mapping.sources()
    cols = [sources[c][0] for c in _PATIENT if sources.get(c)]
    if not cols:
        return False
    con.table("raw").project(
        duckdb.ColumnExpression("_row"), duckdb.ColumnExpression(f"c{cols[0]}").alias("_patient")
    ).create_view("group_lines", replace=True)
    most = con.execute(read_query("ingest", "group_patients.sql")).fetchall()[0][0]
    return most >= 2


def _example(con: duckdb.DuckDBPyConnection, by_name: bool) -> str:
    """The text of the first header row, labelled or (by_name) name-only."""
    rows = con.execute(
        "select cell_text from group_headers where is_by_name = $by_name "
        "order by _group_row limit 1", {"by_name": by_name}
    ).fetchall()
    return rows[0][0] if rows else ""


def source(con: duckdb.DuckDBPyConnection) -> tuple[duckdb.DuckDBPyRelation, bool]:
    """What `staged` reads (the view `group_source` find_groups made): `raw`, or `raw` with the
    groups in force at each row (`_group_row`, `_group_doctor` …, NULL above the first
    header); and whether it is the latter."""
    try:
        rel = con.table("group_source")
    except duckdb.CatalogException:  # find_groups did not run: no groups
        return con.table("raw"), False
    return rel, "_group_row" in rel.columns


def _make_source(con: duckdb.DuckDBPyConnection, grouped: bool) -> None:
    if grouped:
        con.execute(
            "create or replace temp view group_source as select * from raw "
            "asof left join group_state on raw._row >= group_state._group_row"
        )
    else:
        con.execute("create or replace temp view group_source as select * from raw")


def first_cell(first: duckdb.Expression) -> duckdb.Expression:
    """A row's first filled cell (`_first_cells`), none for a group header row: skipped, as a
    blank row is (is_total_text)."""
    header = duckdb.ColumnExpression("_group_row") == duckdb.ColumnExpression("_row")
    return duckdb.CaseExpression(header, duckdb.ConstantExpression(None).cast(
        duckdb.sqltype("VARCHAR"))).otherwise(first)


def carried(kind: str, cell: duckdb.Expression | None) -> duckdb.Expression:
    """A line's doctor, department or branch: its own cell where filled, else its group's."""
    group = duckdb.ColumnExpression("_group_" + kind)
    if cell is None:
        return group
    # the string comparison first: most cells are filled and need no regex
    own = (cell >= duckdb.ConstantExpression("!")) | duckdb.FunctionExpression("is_filled", cell)
    return duckdb.CaseExpression(own, cell).otherwise(group)


def notes(groups: Groups | None) -> list[Text]:
    """The file's notes on its group rows (DATA.md "Grouped reports"; messages.py words them)."""
    if groups is None:
        return []
    out = []
    if groups.headers:
        out.append(Text("note_groups", kinds=list(groups.kinds), rows=groups.headers,
                        example=groups.example, own_column=groups.own_column))
    if groups.by_name:
        out.append(Text("note_groups_by_name", rows=groups.by_name))
    if groups.refused:
        out.append(Text("note_groups_refused", rows=groups.refused,
                        example=groups.refused_example))
    return out


def drop(con: duckdb.DuckDBPyConnection) -> None:
    """The group tables and views of a load (parse_file drops them once it is done)."""
    for view in ("group_source", "group_cells_in", "group_lines"):
        con.execute("drop view if exists " + view)
    for table in ("group_cells", "group_headers", "group_state"):
        con.execute("drop table if exists " + table)
