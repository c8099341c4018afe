"""Every cell read right or reported (issue 12): numbers the owner cannot trust are worse than
none, so a cell that cannot be read is reported, never replaced by a guess. DATA.md "Reading
cells". Each test loads a small hand-made file and checks, worked out by hand, exactly what is
stored, which rows are rejected with which value, and what the file's notes say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from clinic_bi.ingest import messages

D = Decimal
HEAD = "Дата;№ карты;Врач;Услуга;Кол-во;Цена;Скидка;Сумма\n"


def rejects(st) -> list[tuple]:
    """(file line, column, value, severity) of every reported cell, in file order."""
    return st.rows("select row_number, column_name, value, severity from rejects "
                   "order by row_number, column_name")


def reason(st, row: int, column: str) -> str:
    """The reason the store keeps (a code), in Russian words."""
    code, value = st.rows("select reason, value from rejects where row_number = $r and "
                          "column_name = $c", {"r": row, "c": column})[0]
    return messages.reason(code, value)


def amounts(st) -> list[tuple]:
    return st.rows("select patient_id, amount from services order by patient_id")


# --- 1. an amount is computed only where its cell is empty ------------------------------------


def test_unreadable_amount_rejects_the_row_with_its_value_not_price_times_quantity(st):
    # each line has a price: the old fallback made 700, 1 000 and 2 × 300 − 50 = 550 of them
    r = st.load("s.csv", HEAD
                + "01.02.2025;1;A;S;1;700;;н/д\n"
                + "01.02.2025;2;A;S;1;1000;;бесплатно\n"
                + "01.02.2025;3;A;S;2;300;50;сто рублей\n"
                + "01.02.2025;4;A;S;1;400;;400\n")
    assert (r.rows_new, r.rows_rejected) == (1, 3)
    assert rejects(st) == [
        (2, "amount", "н/д", "rejected"),
        (3, "amount", "бесплатно", "rejected"),
        (4, "amount", "сто рублей", "rejected"),
    ]
    assert reason(st, 2, "amount") == "не читается как сумма"
    assert amounts(st) == [("4", D("400.00"))]
    assert st.one("select sum(amount) from services") == D("400.00")
    assert r.notes == []


def test_empty_amount_cell_beside_a_price_is_computed_and_noted_once(st):
    # 2 × 1 000 − 100 = 1 900; 1 × 800 − 0 = 800; line 4 keeps its own 50
    r = st.load("s.csv", HEAD
                + "01.02.2025;1;A;S;2;1000;100;\n"
                + "01.02.2025;2;A;S;;800;;\n"
                + "01.02.2025;3;A;S;1;999;;50\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (3, 0, 0)
    assert amounts(st) == [("1", D("1900.00")), ("2", D("800.00")), ("3", D("50.00"))]
    assert r.notes == ["Сумма не указана в 2 строках: посчитана как цена × количество − скидка."]


def test_export_without_an_amount_column_says_so(st):
    # 3 × 500 − 0 = 1 500
    r = st.load("s.csv", "Дата;№ карты;Врач;Услуга;Кол-во;Цена\n01.02.2025;1;A;S;3;500\n")
    assert amounts(st) == [("1", D("1500.00"))]
    assert r.notes == ["Сумма не указана в 1 строке: посчитана как цена × количество − скидка."]


def test_empty_amount_is_not_computed_from_a_cell_that_cannot_be_read(st):
    # the old fallback: 1 × 700 (quantity "две" taken as 1), 1 × 700 − 0 (discount "много" as 0)
    r = st.load("s.csv", HEAD
                + "01.02.2025;1;A;S;две;700;;\n"
                + "01.02.2025;2;A;S;1;700;много;\n"
                + "01.02.2025;3;A;S;1;н/д;;\n"
                + "01.02.2025;4;A;S;1;;;\n")
    assert (r.rows_new, r.rows_rejected) == (0, 4)
    assert rejects(st) == [
        (2, "quantity", "две", "rejected"),
        (3, "discount", "много", "rejected"),
        (4, "price", "н/д", "rejected"),
        (5, "amount", None, "rejected"),
    ]
    assert reason(st, 2, "quantity") == (
        "не читается как количество; сумма строки не указана, без количества её не посчитать")
    assert reason(st, 5, "amount") == "пустое значение (обязательное поле)"


# --- 2. refunds in accounting notation ----------------------------------------------------------


def test_refunds_in_brackets_trailing_minus_and_minus_sign_are_negative(st):
    # every line has a price of 1 500: a misread refund cell must not become +1 500
    r = st.load("s.csv", HEAD
                + "01.02.2025;1;A;S;1;1500;;(1 500,00)\n"
                + "01.02.2025;2;A;S;1;1500;;1 500,00-\n"
                + "01.02.2025;3;A;S;1;200;;−200\n"
                + "01.02.2025;4;A;S;1;1500;;н/д\n"
                + "01.02.2025;5;A;S;1;2000;;2 000,00\n"
                + "01.02.2025;6;A;S;1;300;;(300 руб.)\n")
    assert (r.rows_new, r.rows_rejected) == (5, 1)
    assert amounts(st) == [
        ("1", D("-1500.00")), ("2", D("-1500.00")), ("3", D("-200.00")),
        ("5", D("2000.00")), ("6", D("-300.00")),
    ]
    assert rejects(st) == [(5, "amount", "н/д", "rejected")]
    # revenue: 2 000 − 1 500 − 1 500 − 200 − 300
    assert st.one("select sum(amount) from services") == D("-1500.00")


def test_an_en_dash_before_digits_is_not_a_minus(st):
    r = st.load("s.csv", HEAD
                + "01.02.2025;1;A;S;1;200;;–200\n"
                + "01.02.2025;2;A;S;1;200;;— 200\n"
                + "01.02.2025;3;A;S;1;200;–50;200\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (1, 2, 1)
    assert rejects(st) == [
        (2, "amount", "–200", "rejected"),
        (3, "amount", "— 200", "rejected"),
        (4, "discount", "–50", "warning"),
    ]
    assert reason(st, 2, "amount") == (
        "не читается как сумма: тире перед числом — не минус (для возврата впишите «-»)")
    assert st.rows("select amount, discount from services") == [(D("200.00"), None)]


def test_negative_quantities_are_read_like_money(st):
    # a refund line: quantity −1 with amount −500, three spellings; units after a count
    r = st.load("s.csv", HEAD
                + "01.02.2025;1;A;S;(1);500;;-500\n"
                + "01.02.2025;2;A;S;1-;500;;(500)\n"
                + "01.02.2025;3;A;S;−1;500;;500-\n"
                + "01.02.2025;4;A;S;2 шт.;500;;1000\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (4, 0, 0)
    assert st.rows("select patient_id, quantity, amount from services order by 1") == [
        ("1", D("-1.000"), D("-500.00")), ("2", D("-1.000"), D("-500.00")),
        ("3", D("-1.000"), D("-500.00")), ("4", D("2.000"), D("1000.00")),
    ]


def test_contract_amount_in_brackets_and_unreadable_one(st):
    r = st.load("c.csv", "Номер договора;Дата договора;Сумма договора;Предоплата\n"
                "D1;01.02.2025;(10 000,00);0\nD2;01.02.2025;н/д;0\nD3;01.02.2025;5 000,00-;\n")
    assert (r.kind, r.rows_new, r.rows_rejected) == ("contracts", 2, 1)
    assert st.rows("select contract_id, amount from contracts order by 1") == [
        ("D1", D("-10000.00")), ("D3", D("-5000.00"))]
    assert rejects(st) == [(3, "amount", "н/д", "rejected")]


# --- 3. every other fallback: it reports -------------------------------------------------------


def test_unreadable_quantity_beside_a_given_amount_is_a_warning_that_says_1(st):
    r = st.load("s.csv", HEAD + "01.02.2025;1;A;S;две;;;3000\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (1, 0, 1)
    assert st.rows("select quantity, amount from services") == [(D("1.000"), D("3000.00"))]
    assert rejects(st) == [(2, "quantity", "две", "warning")]
    assert reason(st, 2, "quantity") == "не читается как количество; принято за 1"


def test_unreadable_price_or_discount_beside_a_given_amount_is_a_warning(st):
    r = st.load("s.csv", HEAD + "01.02.2025;1;A;S;1;дорого;;100\n01.02.2025;2;A;S;1;100;много;90\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (2, 0, 2)
    assert st.rows("select patient_id, price, discount, amount from services order by 1") == [
        ("1", None, None, D("100.00")), ("2", D("100.00"), None, D("90.00"))]
    assert rejects(st) == [(2, "price", "дорого", "warning"), (3, "discount", "много", "warning")]
    assert reason(st, 2, "price") == "не читается как сумма; оставлено пустым"


def test_spend_date_that_cannot_be_read_does_not_fall_back_on_the_month(st):
    r = st.load("spend.csv", "Дата;Месяц;Канал;Расход\n"
                "32.03.2025;март 2025;Яндекс;1000\n"   # the day is wrong: rejected
                ";апрель 2025;Яндекс;2000\n"            # no day: the month
                "05.05.2025;май 2025;Яндекс;3000\n"     # both agree
                "06.06.2025;июль 2025;VK;4000\n"        # they disagree: the day, a warning
                "07.07.2025;когда-то;VK;5000\n")        # a month that cannot be read: a warning
    assert (r.kind, r.rows_new, r.rows_rejected, r.warnings) == ("marketing_spend", 4, 1, 2)
    assert st.rows("select date, amount, is_monthly from marketing_spend order by date") == [
        (dt.date(2025, 4, 1), D("2000.00"), True),
        (dt.date(2025, 5, 5), D("3000.00"), False),
        (dt.date(2025, 6, 6), D("4000.00"), False),
        (dt.date(2025, 7, 7), D("5000.00"), False),
    ]
    assert rejects(st) == [
        (2, "date", "32.03.2025", "rejected"),
        (5, "month", "июль 2025", "warning"),
        (6, "month", "когда-то", "warning"),
    ]
    assert reason(st, 5, "month") == "месяц не совпадает с датой 06.06.2025: использована дата"


def test_patient_key_from_the_name_is_noted_and_its_unreadable_parts_reported(st):
    text = ("Дата;№ карты;ФИО;Телефон;Дата рождения;Врач;Услуга;Сумма\n"
            "01.02.2025;77;Иванов Иван;;;A;S;100\n"                         # card number
            "01.02.2025;;Петров Пётр;+7 912 345-67-89;;A;S;100\n"           # name + phone
            "01.02.2025;;Сидоров Сидор;12-34;01.01.1980;A;S;100\n"          # phone unreadable
            "01.02.2025;;Смирнова Анна;;давно;A;S;100\n")                   # birth unreadable
    r = st.load("s.csv", text)
    assert (r.rows_new, r.rows_rejected, r.warnings) == (4, 0, 2)
    assert rejects(st) == [(4, "phone", "12-34", "warning"), (5, "birth_date", "давно", "warning")]
    assert reason(st, 4, "phone") == ("не читается как телефон (нужно не меньше 10 цифр); "
                                      "номера карты нет, пациент опознан по ФИО без телефона")
    assert r.notes == ["Номер карты не указан в 3 строках: пациент опознан по ФИО (и телефону или "
                       "дате рождения, если они есть в файле)."]
    keys = [k for (k,) in st.rows("select patient_id from services order by _row")]
    assert keys[0] == "77" and all(k.startswith("h:") for k in keys[1:])
    assert st.one("select count(*) from services where patient_id like '%Петров%'") == 0


def test_unreadable_phone_in_leads_and_patients_is_a_warning(st):
    r = st.load("leads.csv", "ID;Дата создания;Стадия сделки;Телефон\n"
                "1;01.03.2025;Новая заявка;нет\n2;01.03.2025;Новая заявка;89123456789\n")
    assert (r.kind, r.rows_new, r.warnings) == ("leads", 2, 1)
    assert rejects(st) == [(2, "phone", "нет", "warning")]
    assert st.one("select count(phone_hash) from leads") == 1


def test_patient_birth_date_in_the_future_is_left_empty(st):
    # two-digit years: 55 is 2055 (00–68 → 20xx), 80 is 1980
    r = st.load("patients.csv", "№ карты;ФИО;Дата рождения;Пол\n"
                "1;Иванов Иван;05.02.55;М\n2;Петрова Анна;05.02.80;Ж\n")
    assert (r.kind, r.rows_new, r.warnings) == ("patients", 2, 1)
    assert st.rows("select patient_id, birth_date from patients order by 1") == [
        ("1", None), ("2", dt.date(1980, 2, 5))]
    assert rejects(st) == [(2, "birth_date", "05.02.55", "warning")]
    assert "в будущем" in reason(st, 2, "birth_date")


def test_already_reported_cells_stay_reported(st):
    # these reported before issue 12 too: the proof
    r = st.load("reviews.csv", "Дата;Оценка;Врач\n01.02.2025;пять;A\n01.02.2025;4;A\n")
    assert (r.kind, r.rows_new, r.rows_rejected) == ("reviews", 1, 1)
    assert rejects(st) == [(2, "rating", "пять", "rejected")]
    r = st.load("schedule.csv", "ID записи;Дата и время приёма;Статус;Ожидание\n"
                "A1;10.01.2025 09:00;Пришёл;долго\n")
    assert (r.kind, r.rows_new, r.warnings) == ("appointments", 1, 1)
    assert st.rows("select wait_min from appointments") == [(None,)]


# --- 4. dates in words --------------------------------------------------------------------------


def test_dates_in_words_and_with_a_year_mark(st):
    cells = ["5 февраля 2025 г.", "05 фев. 2025", "5.02.2025г.", "5 февр 2025", "1 мая 2025 года",
             "05.02.25", "5 Feb 2025", "5 ФЕВРАЛЯ 2025", "12 сент. 2025 г", "3 December 2024",
             "7 ноя 25", "05.02.2025 г."]
    text = "Дата;№ карты;Врач;Услуга;Сумма\n" + "".join(
        f"{c};{i};A;S;1\n" for i, c in enumerate(cells, start=10))
    r = st.load("s.csv", text)
    assert r.rows_rejected == 0, r.issues
    assert [d for (d,) in st.rows("select visit_date from services order by patient_id")] == [
        dt.date(2025, 2, 5), dt.date(2025, 2, 5), dt.date(2025, 2, 5), dt.date(2025, 2, 5),
        dt.date(2025, 5, 1), dt.date(2025, 2, 5), dt.date(2025, 2, 5), dt.date(2025, 2, 5),
        dt.date(2025, 9, 12), dt.date(2024, 12, 3), dt.date(2025, 11, 7), dt.date(2025, 2, 5),
    ]


def test_timestamps_in_words_keep_their_time(st):
    r = st.load("schedule.csv", "ID записи;Дата и время приёма;Статус\n"
                "A1;5 февраля 2025 г. в 14:30;Пришёл\n"
                "A2;05.02.2025, 09:15:30;Пришёл\n"
                "A3;1 мая 2025 года 10:00;Пришёл\n")
    assert (r.rows_new, r.rows_rejected) == (3, 0)
    assert st.rows("select appointment_id, scheduled_at from appointments order by 1") == [
        ("A1", dt.datetime(2025, 2, 5, 14, 30)), ("A2", dt.datetime(2025, 2, 5, 9, 15, 30)),
        ("A3", dt.datetime(2025, 5, 1, 10, 0)),
    ]


def test_months_in_words_for_ad_spend(st):
    r = st.load("spend.csv", "Месяц;Канал;Расход\nСент. 2025;A;1\nфевраля 2025;B;2\nмарка 2025;C;3\n")
    assert (r.rows_new, r.rows_rejected) == (2, 1)
    assert st.rows("select date from marketing_spend order by date") == [
        (dt.date(2025, 2, 1),), (dt.date(2025, 9, 1),)]
    assert rejects(st) == [(4, "date", "марка 2025", "rejected")]


def test_a_date_in_words_that_is_no_date_is_still_rejected(st):
    r = st.load("s.csv", "Дата;№ карты;Врач;Услуга;Сумма\n"
                "31 февраля 2025;1;A;S;1\n5 марка 2025;2;A;S;1\n5 февраля;3;A;S;1\n")
    assert (r.rows_new, r.rows_rejected) == (0, 3)
    assert [(c, v) for _, c, v, _ in rejects(st)] == [
        ("visit_date", "31 февраля 2025"), ("visit_date", "5 марка 2025"),
        ("visit_date", "5 февраля")]


# --- 5. a dash alone ----------------------------------------------------------------------------


def test_a_dash_in_an_optional_money_cell_is_zero_with_one_note(st):
    r = st.load("s.csv", "Дата;№ карты;Врач;Услуга;Цена;Скидка;Оплачено;Сумма\n"
                "01.02.2025;1;A;S;100;-;-;100\n"
                "01.02.2025;2;A;S;100;—;50;100\n"
                "01.02.2025;3;A;S;100; – ;100;100\n"
                "01.02.2025;4;A;S;-;10;100;90\n")
    assert (r.rows_new, r.rows_rejected, r.warnings) == (4, 0, 0)
    assert st.rows("select patient_id, price, discount, paid from services order by 1") == [
        ("1", D("100.00"), D("0.00"), D("0.00")), ("2", D("100.00"), D("0.00"), D("50.00")),
        ("3", D("100.00"), D("0.00"), D("100.00")), ("4", None, D("10.00"), D("100.00")),
    ]
    assert r.notes == [
        "Прочерк вместо скидки в 3 строках: прочитан как 0.",
        "Прочерк вместо оплаты в 1 строке: прочитан как 0.",
        "Прочерк вместо цены в 1 строке: цена оставлена пустой.",
    ]


def test_a_dash_in_a_required_amount_rejects_the_row_with_the_dash(st):
    # the price is there, but a dash in the amount cell says nothing about the amount
    r = st.load("s.csv", HEAD + "01.02.2025;1;A;S;1;100;;-\n01.02.2025;2;A;S;1;100;-;\n")
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert rejects(st) == [(2, "amount", "-", "rejected")]
    assert reason(st, 2, "amount").startswith("не читается как сумма: прочерк не говорит, сколько")
    # line 3: amount empty, discount a dash (0): 1 × 100 − 0
    assert amounts(st) == [("2", D("100.00"))]
    assert r.notes == ["Сумма не указана в 1 строке: посчитана как цена × количество − скидка.",
                       "Прочерк вместо скидки в 1 строке: прочитан как 0."]


def test_dashes_in_other_tables(st):
    r = st.load("c.csv", "Номер договора;Дата договора;Сумма договора;Предоплата\n"
                "D1;01.02.2025;1000;—\nD2;01.02.2025;-;0\n")
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert st.rows("select contract_id, prepaid from contracts") == [("D1", D("0.00"))]
    assert rejects(st) == [(3, "amount", "-", "rejected")]
    assert r.notes == ["Прочерк вместо предоплаты в 1 строке: прочитан как 0."]
    r = st.load("leads.csv", "ID;Дата создания;Стадия сделки;Сумма\n1;01.03.2025;Новая заявка;-\n")
    assert (r.kind, r.rows_new, r.warnings) == ("leads", 1, 0)
    assert st.rows("select amount from leads") == [(None,)]
    assert r.notes == ["Прочерк вместо суммы в 1 строке: сумма оставлена пустой."]


# --- thousands grouped with a dot or a comma ---------------------------------------------------


def test_a_dot_or_comma_before_three_digits_groups_thousands_in_money(st):
    """Money has two decimals at most: "1.500" and "1,500" are 1 500 ₽, never 1,5 ₽ (the reading
    before this rule: a 1 500 ₽ line loaded as 1,50 ₽ without a word); "12.345.678" groups twice.
    Two decimals stay decimals; a leading zero is no group."""
    text = HEAD + "".join(
        f"01.02.2025;{card};A;S;;;;{amount}\n"
        for card, amount in [(1, "1.500"), (2, "1,500"), (3, "12.345.678"), (4, "-1.500"),
                             (5, "1.50"), (6, "0.500"), (7, "1.234,5")]
    )
    r = st.load("svc.csv", text)
    assert (r.rows_new, r.rows_rejected) == (7, 0)
    assert amounts(st) == [("1", D("1500.00")), ("2", D("1500.00")), ("3", D("12345678.00")),
                           ("4", D("-1500.00")), ("5", D("1.50")), ("6", D("0.50")),
                           ("7", D("1234.50"))]


def test_a_number_from_a_numeric_spreadsheet_cell_is_never_read_as_grouped(st, tmp_path):
    """An Excel cell holding the number 999.125 is 999,125 ₽ (rounded to 999,13 ₽ as any third
    decimal is), not 999 125 ₽: the reader writes it as 999.1250 (sheets._fraction_text)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Дата", "№ карты", "Врач", "Услуга", "Сумма"])
    sheet.append(["01.02.2025", "1", "A", "S", 999.125])
    sheet.append(["01.02.2025", "2", "A", "S", "1.500"])  # a text cell: grouped
    path = tmp_path / "svc.xlsx"
    book.save(path)
    r = st.load(str(path))
    assert r.ok, r.error
    assert amounts(st) == [("1", D("999.13")), ("2", D("1500.00"))]
