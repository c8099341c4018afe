"""The Engine: models built once per data_version, no lock held on the store between calls, a
live connection as an alternative source; and the SQL files keep the house style."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from metrics_fixtures import insert, line, make_store, new_store, period, writing

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.metrics import MODELS, Engine, Filters
from clinic_bi.paths import QUERIES_DIR, SAMPLE_DATA_DIR

JANUARY = period("2025-01-01", "2025-01-31")


def test_models_are_built_once_per_data_version(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    engine = Engine(path)
    assert engine.summary(JANUARY).revenue == 100
    engine.doctors(JANUARY)
    engine.services(JANUARY)
    assert engine.builds == 1  # three queries, one build
    with writing(path) as con:  # an upload: new rows and a new data_version
        insert(con, "services", [line("2025-01-11", "P2", "A", 250)])
    assert engine.summary(JANUARY).revenue == 350  # 100 + 250
    assert engine.builds == 2


def test_an_unchanged_store_is_not_opened_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    engine = Engine(path)
    engine.summary(JANUARY)
    opened = []
    attach = engine._store_attached
    monkeypatch.setattr(engine, "_store_attached", lambda: opened.append(1) or attach())
    assert engine.summary(period("2025-01-01", "2025-01-15")).revenue == 100
    assert opened == []  # neither the file nor its log changed: no attach to read the version
    with writing(path) as con:
        insert(con, "services", [line("2025-01-11", "P2", "A", 250)])
    assert engine.summary(period("2025-01-01", "2025-01-15")).revenue == 350
    assert opened == [1]


def test_the_engine_holds_no_lock_on_the_store(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    engine = Engine(path)
    assert engine.summary(JANUARY).revenue == 100
    # a writer in the same process opens the file read-write between two calls, reads what the
    # engine read, and lands a line the engine then counts
    with writing(path) as con:
        assert con.execute("select sum(amount) from services").fetchone()[0] == 100
        insert(con, "services", [line("2025-01-20", "P2", "B", 250)])
    assert engine.summary(JANUARY).revenue == 350  # 100 + 250
    assert engine.builds == 2


def test_a_comparison_is_kept_per_data_version_and_a_caller_cannot_change_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100),
                                          line("2024-12-10", "P2", "A", 40)])  # fmt: skip
    engine = Engine(path)

    def revenue(comparison) -> tuple[float, float]:
        row = comparison.table.set_index("metric").loc["revenue"]
        return row["current"], row["previous"]

    first = engine.comparison(JANUARY, summary_only=True)
    assert revenue(first) == (100, 40)  # January; December, the previous 31 days
    first.table.loc[:, "current"] = -1.0  # a caller's edit of its copy
    asked = []
    run = engine._run
    monkeypatch.setattr(engine, "_run", lambda *a: asked.append(a[0]) or run(*a))
    assert revenue(engine.comparison(JANUARY, summary_only=True)) == (100, 40)
    assert asked == []  # answered from what was kept, no query asked (not even remembered ones)
    with writing(path) as con:  # an upload: a new data version
        insert(con, "services", [line("2025-01-11", "P3", "A", 250)])
    assert revenue(engine.comparison(JANUARY, summary_only=True)) == (350, 40)  # 100 + 250
    assert "activity_in_period" in asked


def test_names_list_the_visits_names_sorted_and_the_first_month(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[
        line("2025-03-10", "P1", "Петров", 100, department="Хирургия", branch="Центр"),
        line("2024-11-30", "P2", "Антонов", 200, department="Терапия"),  # no branch
        line("2025-01-05", "P3", "Петров", 300, department="Терапия", branch="Юг"),
    ])
    names = Engine(path).names()
    assert names.doctors == ("Антонов", "Петров")
    assert names.departments == ("Терапия", "Хирургия")
    assert names.branches == ("Центр", "Юг")  # a line without a branch adds no name
    assert names.data_start == date(2024, 11, 1)  # the month of 30.11.2024, the first visit
    empty = Engine(new_store(tmp_path / "empty")).names()
    assert (empty.doctors, empty.departments, empty.branches, empty.data_start) == (
        (), (), (), None)  # fmt: skip


def test_names_leave_out_doctors_only_the_schedule_or_the_reviews_know(tmp_path: Path) -> None:
    # dim_names codes them (a filter on them keeps their appointments and reviews), but the
    # sidebar lists what has visits, as the breakdowns did
    path = make_store(
        tmp_path,
        services=[line("2025-03-10", "P1", "Петров", 100, department="Терапия", branch="Центр")],
        appointments=[{"appointment_id": "A1", "doctor": "Новикова", "department": "Ортопедия",
                       "branch": "Юг", "scheduled_at": "2025-04-01 10:00",
                       "status": "scheduled"}],
        reviews=[{"date": "2025-03-11", "doctor": "Сидоров", "rating": 5, "rating_scale": 5}],
    )  # fmt: skip
    names = Engine(path).names()
    assert (names.doctors, names.departments, names.branches) == (
        ("Петров",), ("Терапия",), ("Центр",))  # fmt: skip


def test_names_are_what_the_breakdowns_and_monthly_list_on_the_sample_store(
    tmp_path: Path,
) -> None:
    """Engine.names() against what the sidebar (clinic_bi/app/data.py, _store_info) read before:
    the members of the three breakdowns over all the data and the first month of monthly()."""
    path = tmp_path / "sample.duckdb"
    assert all(r.ok for r in loader.ingest_paths(path, [SAMPLE_DATA_DIR]))
    with Engine(path) as engine:
        names = engine.names()
        everything = Filters(date(1900, 1, 1), engine.facts().data_end)
        for dimension, listed in (
            ("doctor", names.doctors),
            ("department", names.departments),
            ("branch", names.branches),
        ):
            members = engine.breakdown(everything, dimension)[dimension].dropna()
            assert listed == tuple(sorted(str(m) for m in members)), dimension
            assert listed, dimension  # the sample names some of each
        months = engine.monthly(everything)
        assert names.data_start == pd.Timestamp(months["month"].iloc[0]).date()


def test_a_snapshot_pins_one_version(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    engine = Engine(path)
    with engine.snapshot():
        with writing(path) as con:
            insert(con, "services", [line("2025-01-11", "P2", "A", 250)])
        assert engine.summary(JANUARY).revenue == 100  # still the version the block began with
    assert engine.summary(JANUARY).revenue == 350


def test_engine_on_a_live_connection(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    con = store.connect(path)
    engine = Engine(connection=con)
    assert engine.summary(JANUARY).revenue == 100
    insert(con, "services", [line("2025-01-12", "P3", "A", 50)])
    store.bump_data_version(con)
    assert engine.summary(JANUARY).revenue == 150
    # the models are temp tables of the engine's cursor: nothing is written to the store
    names = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    assert not names & set(MODELS)
    con.close()


def test_a_missing_or_foreign_file_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(store.StoreError, match="не найдено"):
        Engine(tmp_path / "none.duckdb").summary(JANUARY)
    foreign = tmp_path / "other.duckdb"
    duckdb.connect(str(foreign)).close()
    with pytest.raises(store.StoreError):
        Engine(foreign).summary(JANUARY)


CANONICAL = "services|leads|appointments|contracts|marketing_spend|reviews|patients"
SQL_FILES = sorted((QUERIES_DIR / "models").glob("*/*.sql")) + sorted(
    (QUERIES_DIR / "metrics").glob("*.sql")
)


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: str(p.relative_to(QUERIES_DIR)))
def test_sql_files_keep_the_house_style(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(ln for ln in text.splitlines() if ln.startswith("--"))
    assert text.startswith("-- ")
    for word in ("Grain:", "Parameters:", "METRICS.md"):
        assert word in header, word
    if "as table" in text or "temp table" in text:  # a file of scalar macros has no `final`
        assert text.rstrip().splitlines()[-1] == "select * from final"
    code = "\n".join(ln.split("--")[0] for ln in text.splitlines())
    assert not re.search(r"\b(SELECT|FROM|WHERE|GROUP BY|JOIN)\b", code), "lower-case SQL"
    if path.parent.parent.name == "models":
        assert "$" not in code, "models take no parameters"
        assert path.stem in MODELS, "every model is built"
    else:
        # metric queries read only the models, never the canonical tables
        assert not re.search(rf"\b(from|join)\s+({CANONICAL})\b", code)


def test_model_contract_checks(tmp_path: Path) -> None:
    path = make_store(
        tmp_path,
        services=[
            line("2025-01-10", "P1", "A", 100, visit_id="V1"),
            line("2025-01-10", "P1", "A", 50, visit_id="V1"),
            # V2 is used for two patients: doubtful data, a warning
            line("2025-01-11", "P2", "A", 100, visit_id="V2"),
            line("2025-01-11", "P3", "A", 100, visit_id="V2"),
        ],
        leads=[
            {"lead_id": "L1", "created_at": "2025-01-01 10:00", "stage": "booked"},
            {"lead_id": "L2", "created_at": "2025-01-01 11:00", "stage_raw": "Думает"},
        ],
        reviews=[{"date": "2025-01-12", "rating": 7, "rating_scale": 5}],  # above its scale
        appointments=[
            {"appointment_id": "A1", "scheduled_at": "2025-01-10 09:00", "status": "attended"},
            # a word no list knows: loaded with no status until the clinic maps it
            {"appointment_id": "A2", "scheduled_at": "2025-01-10 10:00", "status": None,
             "status_raw": "Визит завершён успешно"},
        ],
    )
    checks = Engine(path).model_checks()
    errors = checks[checks["severity"] == "error"]
    assert errors["failing_rows"].sum() == 0, errors
    warnings = checks[checks["severity"] == "warning"].set_index("check_name")["failing_rows"]
    assert warnings.to_dict() == {
        "a visit_id belongs to one patient and one day": 1,  # V2
        "the CRM stage mapped to a canonical stage": 1,  # L2's "Думает"
        "rating within 0 .. rating_scale": 1,  # 7 of 5
        "the schedule status mapped to a canonical status": 1,  # A2
    }


def test_while_another_process_writes_the_built_models_are_served(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    engine = Engine(path)
    assert engine.summary(JANUARY).revenue == 100
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        engine.forget_results()
        assert engine.summary(JANUARY).revenue == 100  # the version already built
        assert engine.builds == 1
        with pytest.raises(store.StoreError, match="занято"):
            Engine(path, lock_wait_seconds=0.3).summary(JANUARY)  # nothing built to serve
    finally:
        holder.kill()
        holder.wait()


HOLD_WRITE_LOCK = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
time.sleep(30)
"""


def test_a_store_this_process_holds_open_asks_for_the_connection(tmp_path: Path) -> None:
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    con = store.connect(path)
    try:
        with pytest.raises(store.StoreError, match="connection"):
            Engine(path).summary(JANUARY)
        assert Engine(connection=con).summary(JANUARY).revenue == 100
    finally:
        con.close()


def test_the_engine_draws_no_progress_bar(tmp_path: Path) -> None:
    """DuckDB draws a progress bar on stdout for a query over two seconds (a model build at 10M
    lines), which would land inside `report --format json`. Checked in a fresh interpreter:
    under pytest the option already reads false."""
    path = make_store(tmp_path, services=[line("2025-01-10", "P1", "A", 100)])
    code = (
        "import sys; from clinic_bi.metrics import Engine; e = Engine(sys.argv[1]); "
        "print(e._con.execute(\"select current_setting('enable_progress_bar')\").fetchone()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "False"
