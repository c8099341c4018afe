"""The shared SQL rules (queries/models/macros/filtered_visits.sql), each on a few hand-made rows with
the figures worked out by hand: kept_by_filters, counted_visits, next_visit_after, is_observable
and returned_within. The macros are loaded into an in-memory DuckDB, as the engine loads them."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from clinic_bi.paths import QUERIES_DIR

RULES = (QUERIES_DIR / "models" / "macros" / "filtered_visits.sql").read_text(encoding="utf-8")


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # dim_names as the model builds it: codes by name within each attribute
    con.execute(
        """
        create temp table dim_names as
        select * from (values
            ('doctor', 'Ахметова', 1), ('doctor', 'Белов', 2),
            ('department', 'Терапия', 1), ('branch', 'Центр', 1)
        ) v(attribute, name, code)
        """
    )
    # the file ends with the table macro filtered_visits, which reads fct_visits
    con.execute(
        "create temp table fct_visits (doctor_code integer, department_code integer, "
        "branch_code integer)"
    )
    con.execute(RULES)
    return con


def _values(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list:
    return [row[0] for row in con.execute(sql, params or {}).fetchall()]


ROWS = """
    select * from (values
        ('r1', 1, 1, 1), ('r2', 2, 1, null), ('r3', 2, null, 1), ('r4', null, 1, 1)
    ) v(row_name, doctor_code, department_code, branch_code)
"""


@pytest.mark.parametrize(
    ("doctor", "department", "branch", "kept"),
    [
        (None, None, None, ["r1", "r2", "r3", "r4"]),  # no filter keeps rows without names too
        (["Ахметова"], None, None, ["r1"]),
        (["Ахметова", "Белов"], None, None, ["r1", "r2", "r3"]),  # no doctor: not kept
        (None, ["Терапия"], None, ["r1", "r2", "r4"]),
        (["Белов"], None, ["Центр"], ["r3"]),  # the attributes' rules are and-ed
        (["Нет такого"], None, None, []),  # a name without a code keeps nothing
        ([], None, None, []),  # an empty list is not "all"
    ],
)
def test_kept_by_filters(con, doctor, department, branch, kept) -> None:
    sql = f"""
        select row_name from ({ROWS})
        where kept_by_filters(
            doctor_code, department_code, branch_code, $doctor, $department, $branch
        )
        order by row_name
    """
    assert _values(con, sql, {"doctor": doctor, "department": department, "branch": branch}) == kept


def test_kept_by_filters_with_an_attribute_the_rows_lack(con) -> None:
    # reviews carry only a doctor: null for the other lists, whatever the user chose
    sql = f"""
        select row_name from ({ROWS})
        where kept_by_filters(doctor_code, null, null, $doctor, null, null)
        order by row_name
    """
    assert _values(con, sql, {"doctor": ["Белов"]}) == ["r2", "r3"]


def test_counted_visits(con) -> None:
    # grain g; a single_part row is a visit; split visits (key k1 in two rows of group 1, k2 in
    # one row of group 1 and one of group 2) count once per key in each group that has a part
    rows = """
        select * from (values
            (1, true, null, true), (1, true, null, false),
            (1, false, 'k1', true), (1, false, 'k1', false),
            (1, false, 'k2', false), (2, false, 'k2', false),
            (2, true, null, false)
        ) v(g, single_part, visit_key, is_first_visit)
    """
    sql = f"""
        select
            g,
            counted_visits(single_part, visit_key, true) as visits,
            counted_visits(single_part, visit_key, is_first_visit) as first_visits,
        from ({rows})
        group by grouping sets ((), (g))
        order by g nulls first
    """
    # all: 3 single + k1 + k2 = 5 visits; first: the first single row and k1 (a part of it is)
    # group 1: 2 single + k1 + k2 = 4, first 2; group 2: 1 single + k2 = 2, first 0
    assert con.execute(sql).fetchall() == [(None, 5, 2), (1, 4, 2), (2, 2, 0)]
    assert con.execute(f"select counted_visits(single_part, visit_key, true) from ({rows}) "
                       "where g = 3").fetchall() == [(0,)]  # fmt: skip


def test_next_visit_after(con) -> None:
    rows = """
        select * from (values
            -- p1: a row starting on the first day comes back on 20 Jan, another starts 15 Jan
            (1, date '2025-01-10', date '2025-01-20'), (1, date '2025-01-15', date '2025-02-01'),
            -- p2: two rows starting on the first day: the earlier of their second days
            (2, date '2025-01-10', date '2025-01-30'), (2, date '2025-01-10', date '2025-01-12'),
            -- p3: never came back
            (3, date '2025-01-10', null)
        ) v(p, first_date, second_date)
    """
    # the first day comes from a window, as in metrics/activity_by_member.sql's member rows
    sql = f"""
        with r as (select *, min(first_date) over (partition by p) as first_day from ({rows}))
        select p, next_visit_after(first_date, second_date, first_day) from r
        group by p order by p
    """
    assert con.execute(sql).fetchall() == [
        (1, date(2025, 1, 15)),
        (2, date(2025, 1, 12)),
        (3, None),
    ]


@pytest.mark.parametrize(
    ("first_day", "window", "observable"),
    [
        # 2025-06-30 - 180 days = 2025-01-01
        (date(2025, 1, 1), 180, True),
        (date(2025, 1, 2), 180, False),
        (date(2024, 6, 30), 365, True),  # 2025-06-30 - 365 days = 2024-06-30
        (date(2024, 7, 1), 365, False),
        (date(2025, 6, 30), 0, True),
    ],
)
def test_is_observable(con, first_day, window, observable) -> None:
    sql = "select is_observable($first, date '2025-06-30', $window)"
    assert _values(con, sql, {"first": first_day, "window": window}) == [observable]


@pytest.mark.parametrize(
    ("next_day", "returned"),
    [
        (date(2025, 6, 30), True),  # 2025-01-01 + 180 days: the window's last day counts
        (date(2025, 1, 2), True),
        (date(2025, 7, 1), False),
        (None, None),  # no later visit: not returned (null is not true in a filter)
    ],
)
def test_returned_within(con, next_day, returned) -> None:
    sql = "select returned_within(date '2025-01-01', $next, 180)"
    assert _values(con, sql, {"next": next_day}) == [returned]
