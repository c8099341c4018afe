"""A newer version of an export keyed by content (services): the earlier rows it no longer has
step aside, and only then (clinic_bi/ingest/resaved.py; DATA.md, "Loading rules"). Every
expected sum is added up by hand from the lines written here."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clinic_bi import store
from clinic_bi.ingest.loader import ingest_paths, remove_batch

D = Decimal
HEADER = "Дата;№ карты;Врач;Отделение;Услуга;Сумма\n"


def lines(*rows: str) -> str:
    return HEADER + "".join(r + "\n" for r in rows)


JANUARY = lines(
    "10.01.2025;1;Иванова;Терапия;Приём;1000",
    "20.01.2025;2;Иванова;Терапия;Пломба;2000",
    "30.01.2025;3;Петров;Терапия;Снимок;500",
    "31.01.2025;4;Сидоров;Хирургия;Удаление;3000",
)  # 6 500


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "clinic.duckdb"


def load(db: Path, tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [result] = ingest_paths(db, [path])
    assert result.ok, result.error
    return result


def revenue(db: Path) -> Decimal:
    con = store.connect(db, read_only=True)
    try:
        return con.execute("select coalesce(sum(amount), 0) from services").fetchone()[0]
    finally:
        con.close()


def remove(db: Path, batch_id: int) -> None:
    con = store.connect(db)
    try:
        remove_batch(con, batch_id)
    finally:
        con.close()


def test_a_corrected_line_in_a_resaved_file_is_counted_once_and_undone_exactly(
    db: Path, tmp_path: Path
) -> None:
    first = load(db, tmp_path, "услуги январь.csv", JANUARY)
    # the browser saves the second download under another name; the content says what it is
    again = load(db, tmp_path, "услуги январь (1).csv", JANUARY.replace(";2000\n", ";2500\n"))
    assert (again.rows_new, again.rows_replaced, again.rows_superseded) == (1, 3, 1)
    assert revenue(db) == D("1000") + D("2500") + D("500") + D("3000")
    [note] = [n for n in again.notes if getattr(n, "key", "") == "note_superseded"]
    assert "«услуги январь.csv»" in note and "нет 1 строки" in note
    assert f"№ {first.batch_id}" in note
    assert "20.01.2025" in note  # the days whose lines stepped aside
    assert "no longer has 1 line" in note.in_lang("en")

    remove(db, again.batch_id)  # the store as if the second file had never been loaded
    assert revenue(db) == D("6500")
    remove(db, first.batch_id)
    assert revenue(db) == D("0")


def test_removing_the_earlier_upload_first_leaves_only_the_newer_file(
    db: Path, tmp_path: Path
) -> None:
    first = load(db, tmp_path, "a.csv", JANUARY)
    again = load(db, tmp_path, "b.csv", JANUARY.replace(";2000\n", ";2500\n"))
    remove(db, first.batch_id)
    # the newer file's four lines stay; the earlier upload's copies and its superseded line go
    assert revenue(db) == D("7000")
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from superseded_rows").fetchone()[0] == 0
    finally:
        con.close()
    remove(db, again.batch_id)
    assert revenue(db) == D("0")
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("select count(*) from superseded_rows").fetchone()[0] == 0
        assert con.execute("select count(*) from services__replaced").fetchone()[0] == 0
    finally:
        con.close()


def test_the_next_months_export_that_repeats_the_last_days_replaces_only_those_days(
    db: Path, tmp_path: Path
) -> None:
    load(db, tmp_path, "январь.csv", JANUARY)
    february = lines(
        "30.01.2025;3;Петров;Терапия;Снимок;500",  # as in January
        "31.01.2025;4;Сидоров;Хирургия;Удаление;3200",  # corrected since
        "05.02.2025;5;Петров;Терапия;Приём;1000",
    )
    result = load(db, tmp_path, "февраль.csv", february)
    # January's 30th–31st: one of two lines comes again (half): the 31st's old line steps aside;
    # the 10th and the 20th lie outside the new file's days and stay
    assert result.rows_superseded == 1
    assert revenue(db) == D("1000") + D("2000") + D("500") + D("3200") + D("1000")


def test_exports_of_other_doctors_or_departments_for_the_same_days_only_add(
    db: Path, tmp_path: Path
) -> None:
    load(db, tmp_path, "иванова.csv", lines(
        "10.01.2025;1;Иванова;Терапия;Приём;1000",
        "20.01.2025;2;Иванова;Терапия;Пломба;2000",
    ))
    other = load(db, tmp_path, "петров.csv", lines(
        "12.01.2025;3;Петров;Терапия;Снимок;500",
        "18.01.2025;6;Петров;Терапия;Приём;1000",
    ))
    assert other.rows_superseded == 0  # the same days, the same department, nothing in common
    surgery = load(db, tmp_path, "хирургия.csv", lines(
        "10.01.2025;1;Иванова;Терапия;Приём;1000",  # one line shared (a consultation)
        "15.01.2025;4;Сидоров;Хирургия;Удаление;3000",
    ))
    # in its days (10th–15th) Иванова's upload has one line, and it comes again: nothing is
    # missing from it; Петров's has the 12th, and nothing of his comes again: another export
    assert surgery.rows_superseded == 0
    assert revenue(db) == D("1000") + D("2000") + D("500") + D("1000") + D("3000")


def test_a_newer_version_of_one_departments_export_leaves_the_other_departments_alone(
    db: Path, tmp_path: Path
) -> None:
    load(db, tmp_path, "январь.csv", lines(
        "10.01.2025;1;Иванова;Терапия;Приём;1000",
        "20.01.2025;2;Иванова;Терапия;Пломба;2000",
        "25.01.2025;4;Сидоров;Хирургия;Удаление;3000",
        "30.01.2025;3;Петров;Терапия;Снимок;500",
    ))
    therapy = load(db, tmp_path, "терапия.csv", lines(
        "10.01.2025;1;Иванова;Терапия;Приём;1000",
        "20.01.2025;2;Иванова;Терапия;Пломба;2000",
        "30.01.2025;3;Петров;Терапия;Снимок;700",  # corrected
    ))
    # within Терапия two of three lines come again: the old 500 steps aside; Хирургия's line of
    # the 25th lies in the file's days but in a department the file does not hold
    assert therapy.rows_superseded == 1
    assert revenue(db) == D("1000") + D("2000") + D("3000") + D("700")
