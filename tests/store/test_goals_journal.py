"""Goals in the store (DATA.md "goals"): a page edit is one batch of the journal, a later batch
replaces a goal and removing it puts the earlier value back, a goals file loads through the
normal ingest keyed the same way, and a failed save leaves the store as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.metrics import Engine
from clinic_bi.metrics import goals as metric_goals
from clinic_bi.store import goals as store_goals
from clinic_bi.store.goals import Goal, GoalError, save_goals
from clinic_bi.store.salt import load_or_create_salt

DEC = date(2026, 12, 1)


def _values(con) -> dict[str, float | None]:
    return store_goals.stored_goals(con)


def _batches(con) -> list[tuple]:
    return con.execute("select batch_id, kind, file_name, rows_loaded, rows_replaced "
                       "from batches order by batch_id").fetchall()


def test_an_edit_is_a_batch_and_undoing_it_puts_the_earlier_value_back(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "s.duckdb")
    first = save_goals(con, [Goal(DEC, "clinic", None, "revenue", 5_000_000),
                             Goal(DEC, "doctor", " Петров  Д. В. ", "visits", 60)], user="anna")
    assert first is not None
    assert _values(con) == {"2026-12|clinic||revenue": 5_000_000,
                            "2026-12|doctor|Петров Д. В.|visits": 60}  # the name tidied
    assert _batches(con) == [(first, "goals", "План: правка на странице (anna)", 2, 0)]
    # a second edit: the revenue changes, the visits are as they were (not written again)
    second = save_goals(con, [Goal(DEC, "clinic", None, "revenue", 5_500_000),
                              Goal(DEC, "doctor", "Петров Д. В.", "visits", 60)])
    assert _batches(con)[-1] == (second, "goals", "План: правка на странице", 1, 1)
    assert _values(con)["2026-12|clinic||revenue"] == 5_500_000
    assert con.execute("select count(*) from goals__replaced").fetchone()[0] == 1
    loader.remove_batch(con, second)  # «Отменить последнюю правку», or Данные's remove
    assert _values(con)["2026-12|clinic||revenue"] == 5_000_000
    assert con.execute("select count(*) from goals__replaced").fetchone()[0] == 0
    loader.remove_batch(con, first)
    assert _values(con) == {}
    con.close()


def test_nothing_changed_writes_no_batch(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "s.duckdb")
    save_goals(con, [Goal(DEC, "clinic", None, "revenue", 100)])
    before = store.data_version(con)
    assert save_goals(con, [Goal(DEC, "clinic", None, "revenue", 100)]) is None
    # no goal where there was none is no change either
    assert save_goals(con, [Goal(DEC, "clinic", None, "visits", None)]) is None
    assert len(_batches(con)) == 1 and store.data_version(con) == before
    con.close()


def test_a_cleared_goal_is_a_row_with_no_value_and_undo_brings_it_back(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    save_goals(con, [Goal(DEC, "clinic", None, "revenue", 100)])
    cleared = save_goals(con, [Goal(DEC, "clinic", None, "revenue", None)])
    assert _values(con) == {"2026-12|clinic||revenue": None}
    con.close()
    with Engine(path) as engine:
        assert metric_goals.goals(engine, DEC, DEC).empty  # no goal
    con = store.connect(path)
    loader.remove_batch(con, cleared)
    con.close()
    with Engine(path) as engine:
        assert metric_goals.goals(engine, DEC, DEC)["goal"].tolist() == [100]


@pytest.mark.parametrize(
    "goal",
    [
        Goal(DEC, "clinic", None, "revenue", -1),
        Goal(DEC, "doctor", "  ", "revenue", 10),
        Goal(DEC, "branch", "Центр", "revenue", 10),
        Goal(DEC, "clinic", None, "profit", 10),
    ],
)
def test_a_goal_that_cannot_be_saved_writes_nothing(tmp_path: Path, goal: Goal) -> None:
    con = store.connect(tmp_path / "s.duckdb")
    with pytest.raises(GoalError):
        save_goals(con, [Goal(DEC, "clinic", None, "visits", 5), goal])
    assert _values(con) == {} and _batches(con) == []
    con.close()


def test_a_failure_inside_the_transaction_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = store.connect(tmp_path / "s.duckdb")
    save_goals(con, [Goal(DEC, "clinic", None, "revenue", 100)])

    def fail(_con) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "bump_data_version", fail)
    with pytest.raises(RuntimeError):
        save_goals(con, [Goal(DEC, "clinic", None, "revenue", 200),
                         Goal(DEC, "clinic", None, "visits", 7)])
    assert _values(con) == {"2026-12|clinic||revenue": 100}
    assert len(_batches(con)) == 1
    assert con.execute("select count(*) from goals__replaced").fetchone()[0] == 0
    con.close()


GOALS_CSV = """Месяц;Уровень;Направление или врач;Показатель;Цель
12.2026;клиника;;выручка;5 800 000
декабрь 2026;врач;Петров Д. В.;визиты;62
2026-12;;;новые пациенты;210
13.2026;клиника;;выручка;1
12.2026;филиал;Центр;выручка;1
12.2026;клиника;;прибыль;1
12.2026;клиника;;визиты;-5
12.2026;врач;;выручка;1
12.2026;;Ортопедия;выручка;1
12.2026;клиника;;визиты;много
"""


def test_a_goals_file_loads_with_reasons_and_a_page_edit_replaces_its_value(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.duckdb"
    file = tmp_path / "планы.csv"
    file.write_text(GOALS_CSV, encoding="utf-8")
    con = store.connect(path)
    result = loader.ingest_file(con, file, load_or_create_salt(path))
    assert result.kind == "goals"
    assert (result.rows_loaded, result.rows_rejected) == (3, 7)
    # an empty scope with no name is the clinic
    assert _values(con) == {"2026-12|clinic||revenue": 5_800_000,
                            "2026-12|doctor|Петров Д. В.|visits": 62,
                            "2026-12|clinic||new_patients": 210}
    reasons = con.execute("select row_number, column_name, reason from rejects "
                          "order by row_number").fetchall()
    assert reasons == [
        (5, "month", "unreadable;what=month"),
        (6, "scope", "unreadable;what=goal_scope"),
        (7, "figure", "unreadable;what=goal_figure"),
        (8, "value", "goal_negative"),
        (9, "scope_name", "goal_no_name"),
        (10, "scope", "goal_no_scope"),
        (11, "value", "unreadable;what=goal_value"),
    ]
    words = [i.reason.in_lang("en") for i in result.issues]
    assert "a goal below zero" in words
    # the page's edit of the same goal replaces the file's value; undoing it brings it back
    edit = save_goals(con, [Goal(DEC, "doctor", "Петров Д. В.", "visits", 70)])
    assert con.execute("select count(*) from goals").fetchone()[0] == 3
    assert _values(con)["2026-12|doctor|Петров Д. В.|visits"] == 70
    loader.remove_batch(con, edit)
    assert _values(con)["2026-12|doctor|Петров Д. В.|visits"] == 62
    con.close()


def test_a_store_without_the_goals_table_still_reads(tmp_path: Path) -> None:
    """A store the previous release wrote has no goals table until a writer opens it: the
    engine (read-only) reads it as no goals."""
    path = tmp_path / "s.duckdb"
    con = store.connect(path)
    con.execute("drop table goals__replaced")
    con.execute("drop table goals")
    con.close()
    with Engine(path) as engine:
        assert engine.facts().goals_rows == 0
        assert metric_goals.goals(engine, DEC, DEC).empty
    con = store.connect(path)  # the next writer creates it
    assert con.execute("select count(*) from goals").fetchone()[0] == 0
    con.close()
