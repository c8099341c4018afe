"""Ids that Excel wrote in exponent form (`2,98725E+13`): different numbers became one, so the
cell is reported, never read as a number (a real public appointments export had 2 840 of its
2 999 card numbers like this)."""

from __future__ import annotations

from clinic_bi.ingest import messages

HINT = "Excel записал номер как число с округлением"


def test_a_patient_list_rejects_a_spoilt_card_number_with_the_hint(st):
    r = st.load("пациенты.csv", "№ карты;Пол\n2,98725E+13;ж\n2.98725E+13;м\n501;ж\n")
    assert (r.rows_new, r.rows_rejected) == (1, 2)
    assert st.rows("select patient_id from patients") == [("501",)]
    reasons = st.rows("select row_number, value, reason from rejects order by row_number")
    assert [(n, v) for n, v, _ in reasons] == [(2, "2,98725E+13"), (3, "2.98725E+13")]
    assert all(HINT in messages.reason(code, v) for _, v, code in reasons)


def test_a_lead_number_so_spoilt_rejects_the_lead(st):
    r = st.load("лиды.csv", "ID;Дата создания\n1,23457E+11;01.02.2025\n77;01.02.2025\n")
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert HINT in r.issues[0].reason


def test_an_optional_card_number_so_spoilt_is_a_warning_and_left_out(st):
    r = st.load("расписание.csv", "ID записи;Дата и время приёма;Статус;№ карты\n"
                                  "A1;10.01.2025 09:00;Пришёл;2,98725E+13\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (1, 0, 1)
    assert st.rows("select patient_id from appointments") == [(None,)]
    assert HINT in r.issues[0].reason and r.issues[0].severity == "warning"


def test_a_card_number_that_only_looks_numeric_is_kept(st):
    st.load("пациенты.csv", "№ карты;Пол\n2987250000000;ж\n00123;м\nE+12;ж\n")
    assert sorted(st.rows("select patient_id from patients")) == [("00123",), ("2987250000000",), ("E+12",)]


def test_a_phone_so_spoilt_says_why_it_is_left_out(st):
    r = st.load("лиды.csv", "ID;Дата создания;Телефон\n1;01.02.2025;3,80955E+11\n")
    assert (r.rows_new, r.warnings) == (1, 1)
    assert st.rows("select phone_hash from leads") == [(None,)]
    assert HINT in r.issues[0].reason
