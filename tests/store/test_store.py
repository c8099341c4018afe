"""The store's promises: nothing counted twice, removal undoes exactly, a failed load changes
nothing, rejected rows are reported, personal data never lands."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from clinic_bi import store
from clinic_bi.ingest import loader
from clinic_bi.ingest.parse import rejected_table
from clinic_bi.ingest.privacy import normalize_phone, phone_hash

D = Decimal
HEADER = "Дата;№ карты;Врач;Услуга;Сумма;Номер визита\n"
JAN = HEADER + (
    "30.01.2025;1;A;Пломба;1000;V1\n"
    "31.01.2025;2;A;Пломба;2000;V2\n"
    "31.01.2025;2;A;Пломба;2000;V2\n"  # a genuine second identical line (two fillings)
)
# February's export repeats the last day of January, then adds February
FEB = HEADER + (
    "31.01.2025;2;A;Пломба;2000;V2\n"
    "31.01.2025;2;A;Пломба;2000;V2\n"
    "01.02.2025;3;B;Коронка;30000;V3\n"
)


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every canonical table's rows and its history, order-independent."""
    out = {}
    for t in store.TABLES:
        out[t] = sorted(map(repr, con.table(t).fetchall()))
        out[t + "__replaced"] = sorted(map(repr, con.table(t + "__replaced").fetchall()))
    return out


def test_identical_lines_in_one_file_both_stay(st):
    r = st.load("jan.csv", JAN)
    assert (r.rows_new, r.rows_replaced) == (3, 0)
    # 1000 + 2000 + 2000
    assert st.one("select sum(amount) from services") == D("5000.00")


def test_reloading_the_same_file_counts_nothing_twice(st):
    first = st.load("jan.csv", JAN)
    before = snapshot(st.con)
    r = st.load("jan.csv", JAN)
    assert (r.duplicate_of, r.batch_id, r.rows_new, r.rows_replaced) == (first.batch_id, None, 0, 0)
    assert "уже загружен" in r.notes[0]
    assert snapshot(st.con) == before
    assert st.one("select count(*) from batches") == 1
    assert st.one("select sum(amount) from services") == D("5000.00")


def test_the_same_rows_under_another_file_name_replace_themselves(st):
    st.load("jan.csv", JAN)
    r = st.load("jan-copy.csv", JAN + "\n")  # other bytes, same rows
    assert (r.rows_new, r.rows_replaced) == (0, 3)
    assert st.one("select count(*) from services") == 3
    assert st.one("select sum(amount) from services") == D("5000.00")


def test_reloading_the_old_file_after_a_correction_keeps_the_correction(st):
    old = "ID;Дата создания;Статус\n7;01.03.2025;Новая заявка\n"
    st.load("l.csv", old)
    st.load("l-fixed.csv", "ID;Дата создания;Статус\n7;01.03.2025;Записан\n")
    assert st.load("l.csv", old).duplicate_of == 1
    assert st.rows("select stage from leads") == [("booked",)]


def test_overlapping_months_count_the_overlap_once(st):
    st.load("jan.csv", JAN)
    r = st.load("feb.csv", FEB)
    # the two 31.01 lines are already held; the 01.02 line is new
    assert (r.rows_new, r.rows_replaced) == (1, 2)
    # 1000 + 2000 + 2000 + 30000
    assert st.one("select sum(amount) from services") == D("35000.00")
    assert st.one("select count(*) from services") == 4


def test_removing_a_batch_restores_the_store_exactly(st):
    st.load("jan.csv", JAN)
    before = snapshot(st.con)
    feb = st.load("feb.csv", FEB)
    assert snapshot(st.con) != before
    loader.remove_batch(st.con, feb.batch_id)
    assert snapshot(st.con) == before
    # rows February also brought stay (January still holds them)
    assert st.one("select sum(amount) from services") == D("5000.00")


def test_removing_the_earlier_batch_keeps_rows_the_later_one_also_brought(st):
    jan = st.load("jan.csv", JAN)
    st.load("feb.csv", FEB)
    loader.remove_batch(st.con, jan.batch_id)
    # V1 (only in January) goes; the 31.01 lines stay because February brought them too
    assert st.rows("select visit_id, amount from services order by visit_id, amount") == [
        ("V2", D("2000.00")), ("V2", D("2000.00")), ("V3", D("30000.00"))
    ]


def test_removing_a_correction_brings_back_the_earlier_version(st):
    first = "ID;Дата создания;Статус\n7;01.03.2025;Новая заявка\n"
    fixed = "ID;Дата создания;Статус\n7;01.03.2025;Записан\n"
    st.load("l1.csv", first)
    second = st.load("l2.csv", fixed)
    assert st.rows("select lead_id, stage from leads") == [("7", "booked")]
    loader.remove_batch(st.con, second.batch_id)
    assert st.rows("select lead_id, stage from leads") == [("7", "new")]


def test_a_failure_inside_the_transaction_leaves_the_store_unchanged(st, monkeypatch):
    st.load("jan.csv", JAN)
    before = snapshot(st.con)
    journal = st.rows("select * from batches")
    version = store.data_version(st.con)
    path = st.write("feb.csv", FEB)
    upserted = []

    def fail(con, result, *args):
        # inside the transaction, the file's rows already in the table
        upserted.append(con.execute("select count(*) from services").fetchone()[0])
        raise RuntimeError("simulated failure during load")

    with monkeypatch.context() as patch:
        patch.setattr(loader, "_record_batch", fail)
        with pytest.raises(RuntimeError, match="simulated"):
            loader.ingest_file(st.con, path, st.salt)
    assert upserted == [4]  # January's 3 lines (its V2 pair taken over by February's) + V3
    assert snapshot(st.con) == before
    assert st.rows("select * from batches") == journal
    assert store.data_version(st.con) == version
    # and the store still takes the file afterwards
    assert st.load("feb.csv", FEB).rows_new == 1


def test_unreadable_required_values_are_rejected_with_row_column_value_reason(st, tmp_path):
    text = HEADER + (
        "30.01.2025;1;A;Пломба;1000;V1\n"
        "32.01.2025;2;A;Пломба;2000;V2\n"  # no such day
        "31.01.2025;3;A;Пломба;бесплатно;V3\n"
        "31.01.2025;;A;Пломба;500;V4\n"
        "31.01.2025;5;A;Пломба;700;V5\n"
    )
    r = st.load("bad.csv", text)
    assert (r.rows_new, r.rows_rejected) == (2, 3)
    assert [(i.row, i.column, i.value, i.severity) for i in r.issues] == [
        (3, "visit_date", "32.01.2025", "rejected"),
        (4, "amount", "бесплатно", "rejected"),
        (5, "patient_id", None, "rejected"),
    ]
    # the store keeps each reason as a code (clinic_bi/ingest/messages.py), in no language
    assert st.rows("select row_number, column_name, reason from rejects order by 1") == [
        (3, "visit_date", "unreadable;what=date"),
        (4, "amount", "unreadable;what=money"),
        (5, "patient_id", "empty"),
    ]
    assert [i.reason for i in r.issues] == [
        "такой даты нет", "не читается как сумма", "пустое значение (обязательное поле)"]
    assert [i.reason.in_lang("en") for i in r.issues] == [
        "there is no such date", "is not an amount", "empty, and the line cannot load without it"]
    frame = r.rejected_rows
    assert list(frame["Строка файла"]) == [3, 4, 5]
    assert list(frame["Дата"]) == ["32.01.2025", "31.01.2025", "31.01.2025"]
    assert list(frame["Причина"]) == [
        "Дата визита «32.01.2025»: такой даты нет",
        "Сумма «бесплатно»: не читается как сумма",
        "№ карты пациента: пустое значение (обязательное поле)",
    ]
    english = rejected_table(frame, "en")
    assert list(english.columns[-2:]) == ["Line", "Reason"]
    assert list(english["Reason"]) == [
        "Visit date «32.01.2025»: there is no such date",
        "Amount «бесплатно»: is not an amount",
        "Patient card number: empty, and the line cannot load without it",
    ]
    assert st.rows("select rows_read, rows_loaded, rows_rejected from batches") == [(5, 2, 3)]


def test_unreadable_optional_value_loads_row_with_a_warning(st):
    text = "Дата;№ карты;Врач;Услуга;Сумма;Кол-во\n01.02.2025;1;A;S;100;две\n"
    r = st.load("warn.csv", text)
    assert (r.rows_new, r.rows_rejected, r.warnings) == (1, 0, 1)
    assert st.rows("select quantity from services") == [(D("1.000"),)]
    assert r.issues[0].severity == "warning" and r.issues[0].value == "две"


def test_duplicate_ids_in_one_file_keep_the_last_and_report_the_rest(st):
    text = "ID;Дата создания;Статус\n5;01.03.2025;Новая заявка\n5;02.03.2025;Записан\n"
    r = st.load("dups.csv", text)
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert st.rows("select lead_id, created_at, stage from leads") == [
        ("5", dt.datetime(2025, 3, 2), "booked")
    ]
    assert st.one("select reason from rejects") == "same_id;row=3"
    assert r.issues[0].reason == "тот же номер, что в строке 3: загружена строка 3"
    assert r.issues[0].reason.in_lang("en") == "the same number as line 3: line 3 is loaded"


def test_missing_required_column_names_what_was_found_and_what_is_needed(st):
    text = "Дата;№ карты;Врач;Сумма\n01.02.2025;1;A;100\n"
    with pytest.raises(loader.LoadError) as err:
        st.load("noservice.csv", text)
    msg = str(err.value)
    assert "«Дата», «№ карты», «Врач», «Сумма»" in msg
    assert "service (Услуга, Наименование услуги, Номенклатура)" in msg
    assert st.one("select count(*) from batches") == 0


def test_phone_hash_in_sql_equals_python(st):
    st.load("pat.csv", "№ карты;Телефон\n1;8 (912) 000-00-01\n2;+7 912 000 00 02\n3;12-34\n")
    got = dict(st.rows("select patient_id, phone_hash from patients"))
    assert got == {
        "1": phone_hash(st.salt, "+79120000001"),
        "2": phone_hash(st.salt, "89120000002"),
        "3": None,
    }
    assert normalize_phone("8 (912) 000-00-01") == "79120000001"
    assert normalize_phone("9120000001") == "79120000001"


def test_no_name_phone_or_email_reaches_the_store_file(make_store, tmp_path):
    st = make_store(tmp_path)
    st.load("patients.csv", "№ карты;ФИО;Телефон;E-mail;Дата рождения\n"
                            "501;Задорожная Евлампия Карповна;+7 (999) 765-43-21;"
                            "zadorozhnaya@example.ru;01.02.1980\n")
    st.load("leads.csv", '"ID";"Имя";"Фамилия";"Телефон";"E-mail";"Дата создания";\n'
                         '"9";"Евлампия";"Задорожная";"89997654321";"zadorozhnaya@example.ru";'
                         '"01.03.2025 10:00:00";\n')
    st.load("services.csv", "Дата;ФИО пациента;Телефон;Врач;Услуга;Сумма\n"
                            "01.03.2025;Задорожная Евлампия Карповна;89997654321;A;S;100\n")
    st.con.execute("checkpoint")
    st.con.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("store.duckdb*")
                    if not p.name.endswith(".salt"))
    for secret in ("Задорожная", "Евлампия", "zadorozhnaya", "example.ru"):
        assert secret.encode("utf-8") not in blob, secret
    for digits in ("9997654321", "765-43-21", "79997654321"):
        assert digits.encode() not in blob, digits
    # ...while the link survives: the lead's hash matches the patient's
    con = store.connect(tmp_path / "store.duckdb", read_only=True)
    assert con.execute("select count(*) from leads l join patients p using (phone_hash)"
                       ).fetchone()[0] == 1
    con.close()


def test_salt_is_created_once_and_kept(tmp_path):
    from clinic_bi.store.salt import load_or_create_salt, salt_path

    db = tmp_path / "s.duckdb"
    first = load_or_create_salt(db)
    assert load_or_create_salt(db) == first
    assert len(first) == 32
    assert salt_path(db).stat().st_mode & 0o777 == 0o600


def test_a_patient_list_with_one_card_twice_keeps_the_last_and_names_the_card(st):
    # The patient list's key (patient_id) is not a required column (a name may stand for it),
    # so the duplicate check must not look for the key among the required ones.
    text = "№ карты;Дата рождения;Пол\n101;01.02.1980;ж\n101;03.04.1990;м\n"
    r = st.load("пациенты.csv", text)
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert st.rows("select patient_id, birth_date, gender from patients") == [
        ("101", dt.date(1990, 4, 3), "m")
    ]
    assert st.rows("select row_number, column_name, value from rejects") == [(2, "patient_id", "101")]


def test_several_phones_in_one_cell_are_each_hashed_and_a_lead_links_by_any(st):
    # Bitrix24 writes a contact's phones into one cell
    st.load("пациенты.csv", "№ карты;Телефон\n501;+7 903 000-00-02\n502;8 (912) 000-00-09\n")
    st.load("лиды.csv", "ID;Дата создания;Телефон\n"
                        "1;01.03.2025;+7 912 000-00-01, 8 903 000-00-02\n"
                        "2;02.03.2025;\"89120000009; 89120000009\"\n"
                        "3;03.03.2025;+7 912 000-00-01 +7 903 000-00-02\n")
    one, two = phone_hash(st.salt, "79120000001"), phone_hash(st.salt, "79030000002")
    assert one.count(",") == 0 and "," not in two
    got = dict(st.rows("select lead_id, phone_hash from leads"))
    assert got["1"] == ",".join(sorted([one, two]))
    assert got["2"] == phone_hash(st.salt, "89120000009")  # the same phone twice is one
    assert got["3"] is None  # 22 digits with no separator: no phone, and a warning says so
    assert st.one("select count(*) from rejects where column_name = 'phone'") == 1
    from clinic_bi.metrics import Engine

    with Engine(connection=st.con) as engine:
        engine.refresh()
        links = sorted(engine._con.execute(
            "select leads.lead_id, fct_lead_links.patient_id from fct_lead_links "
            "join leads on leads._key = fct_lead_links.lead_key"
        ).fetchall())
    assert links == [("1", "501"), ("2", "502")]


def test_a_contacts_phone_columns_are_all_read(st):
    # a real Bitrix24 lead export: the work phone filled in 1 244 of 1 356 rows, the mobile in 12
    st.load("пациенты.csv", "№ карты;Телефон\n501;+7 903 000-00-02\n502;+7 912 000-00-09\n")
    st.load("лиды.csv", "ID;Дата создания;Рабочий телефон;Мобильный телефон\n"
                        "1;01.03.2025;8 903 000-00-02;\n"
                        "2;02.03.2025;;+7 912 000-00-09\n"
                        "3;03.03.2025;8 495 000-00-00;+7 912 000-00-09\n")
    work, mobile = phone_hash(st.salt, "89030000002"), phone_hash(st.salt, "89120000009")
    landline = phone_hash(st.salt, "84950000000")
    assert dict(st.rows("select lead_id, phone_hash from leads")) == {
        "1": work, "2": mobile, "3": ",".join(sorted([landline, mobile])),
    }


def test_two_first_loads_at_once_share_one_salt(tmp_path, monkeypatch):
    # The other process writes its salt between our look and our link (a CLI race seen in CI:
    # the loser crashed with a bare FileExistsError).
    from clinic_bi.store import salt as salt_module

    db = tmp_path / "s.duckdb"
    real_link = os.link

    def link_after_the_other(src, dst):
        Path(dst).write_text("the-other-process-salt\n", encoding="ascii")
        return real_link(src, dst)

    monkeypatch.setattr(salt_module.os, "link", link_after_the_other)
    assert salt_module.load_or_create_salt(db) == "the-other-process-salt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb.salt"]  # no temp left
