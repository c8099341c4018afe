"""Malformed CSV lines: reported with their line number and a reason, never silently cut."""

from __future__ import annotations

from decimal import Decimal

D = Decimal


def test_line_with_too_many_fields_is_rejected_and_later_rows_keep_their_numbers(st):
    text = (
        "Дата;№ карты;Врач;Услуга;Сумма\n"
        "01.02.2025;1;A;S;100\n"
        "02.02.2025;2;A;S;200;лишнее;поле\n"
        "03.02.2025;3;A;S;300\n"
        "04.02.2025;4;A;S\n"  # too few fields: the amount is missing
    )
    r = st.load("ragged.csv", text)
    assert (r.rows_read, r.rows_new, r.rows_rejected) == (4, 2, 2)
    assert [(i.row, i.column) for i in r.issues] == [(3, None), (5, "amount")]
    assert "больше полей" in r.issues[0].reason
    assert r.issues[0].value == "02.02.2025;2;A;S;200;лишнее;поле"
    # the row after the rejected line still carries its own line number
    assert st.rows("select _row, amount from services order by _row") == [
        (2, D("100.00")), (4, D("300.00"))
    ]
    assert list(r.rejected_rows["Строка файла"]) == [3, 5]


def test_invalid_utf8_halfway_rejects_only_the_damaged_line(st):
    data = ("Дата;№ карты;Врач;Услуга;Сумма\n01.02.2025;1;Иванова;Пломба;100\n".encode()
            + b"02.02.2025;2;\xff\xfe\xc3;S;200\n"
            + "03.02.2025;3;Петров;Пломба;300\n".encode())
    r = st.load("damaged.csv", data)
    assert "UTF-8" in r.fmt  # not mistaken for Windows-1251
    assert (r.rows_new, r.rows_rejected) == (2, 1)
    assert r.issues[0].row == 3 and "кодировк" in r.issues[0].reason
    assert st.rows("select _row, doctor from services order by _row") == [
        (2, "Иванова"), (4, "Петров")
    ]


def test_a_one_megabyte_cell_loads(st):
    big = "х" * 1_000_000
    text = f"Дата,Врач,Оценка,Отзыв\n2025-01-12,A,5,{big}\n2025-01-13,B,4,коротко\n"
    r = st.load("long.csv", text)
    assert (r.rows_new, r.rows_rejected) == (2, 0)
    assert st.one("select max(length(text)) from reviews") == 1_000_000
