"""One small hand-made file per quirk of real exports; each test asserts the exact loaded values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl

D = Decimal


def services(st, order_by: str = "_row"):
    return st.rows(
        "select visit_date, patient_id, doctor, service, amount, department from services "
        "order by " + order_by
    )


def test_utf8_bom_semicolon(st):
    text = "\ufeffДата приёма;№ карты;Врач;Услуга;Сумма\n10.01.2025;101;Иванова А. С.;Пломба;4500\n"
    r = st.load("bom.csv", text)
    assert (r.kind, r.rows_new, r.rows_rejected) == ("services", 1, 0)
    assert "UTF-8 с BOM" in r.fmt
    assert services(st) == [(dt.date(2025, 1, 10), "101", "Иванова А. С.", "Пломба", D("4500.00"),
                             None)]


def test_cp1251_decimal_comma_nbsp_thousands_and_currency(st):
    text = (
        "Дата приёма;№ карты;Врач;Услуга;Сумма\n"
        "10.01.2025;101;Иванова А. С.;Коронка;12\u00a0345,50\n"
        "11.01.2025;102;Петров И. И.;Пломба;1500 руб.\n"
        "12.01.2025;103;Петров И. И.;Имплант;45 000,00 р.\n"
    )
    r = st.load("cp1251.csv", text, encoding="cp1251")
    assert "Windows-1251" in r.fmt
    assert r.rows_rejected == 0
    assert [row[2:5] for row in services(st)] == [
        ("Иванова А. С.", "Коронка", D("12345.50")),
        ("Петров И. И.", "Пломба", D("1500.00")),
        ("Петров И. И.", "Имплант", D("45000.00")),
    ]


def test_cp1251_whose_first_letter_is_the_fourth_byte(st):
    # "ab;Д…": the file's first four bytes end in Cyrillic "Д" (0xC4), which could begin a UTF-8
    # character; the next byte shows it does not. Once read as UTF-8.
    text = "ab;Дата приёма;№ карты;Врач;Услуга;Сумма\nx;10.01.2025;101;Иванова А. С.;Пломба;4500\n"
    r = st.load("fourth.csv", text, encoding="cp1251")
    assert "Windows-1251" in r.fmt
    assert (r.rows_new, r.rows_rejected) == (1, 0)
    assert [row[2:5] for row in services(st)] == [("Иванова А. С.", "Пломба", D("4500.00"))]


def test_tab_delimited(st):
    text = "Дата\tКод пациента\tДоктор\tНаименование услуги\tИтого\n2025-02-03\tP7\tDr A\tRx\t500\n"
    r = st.load("tab.txt", text)
    assert "табуляция" in r.fmt
    assert services(st) == [(dt.date(2025, 2, 3), "P7", "Dr A", "Rx", D("500.00"), None)]


def test_comma_delimited_quoted_fields_with_commas_and_quotes(st):
    text = (
        'date,patient id,doctor,service,amount,department\n'
        '2025-03-01,P1,"Smith, J.","Crown ""Zirconia"", 1 unit",25000,Ортопедия\n'
    )
    r = st.load("quoted.csv", text)
    assert r.rows_rejected == 0
    assert services(st) == [
        (dt.date(2025, 3, 1), "P1", "Smith, J.", 'Crown "Zirconia", 1 unit', D("25000.00"),
         "Ортопедия")
    ]


def test_bitrix_leads_csv_trailing_semicolon_stage_words_and_phone_hash(st):
    from clinic_bi.ingest.privacy import phone_hash

    text = (
        '\ufeff"ID";"Название лида";"Статус";"Имя";"Фамилия";"Телефон";"E-mail";"Источник";'
        '"Ответственный";"Дата создания";"Возможная сумма";\r\n'
        '"17";"Заявка с сайта";"Записан на приём";"Ольга";"Смирнова";"+7 (912) 345-67-89";'
        '"o@example.ru";"Яндекс.Директ";"[5] Анна Смирнова";"05.01.2025 10:15:00";"";\r\n'
        '"18";"Звонок";"Некачественный лид";"Иван";"Петров";"";"";"Сайт";"Анна Смирнова";'
        '"06.01.2025 11:00:00";"3 000";\r\n'
    )
    r = st.load("leads.csv", text)
    assert (r.kind, r.rows_new, r.rows_rejected) == ("leads", 2, 0)
    assert r.profile == "Битрикс24: лиды"
    rows = st.rows(
        "select lead_id, created_at, channel, operator, stage, stage_raw, phone_hash, amount "
        "from leads order by lead_id"
    )
    assert rows == [
        ("17", dt.datetime(2025, 1, 5, 10, 15), "Яндекс.Директ", "Анна Смирнова", "booked",
         "Записан на приём", phone_hash(st.salt, "89123456789"), None),
        ("18", dt.datetime(2025, 1, 6, 11, 0), "Сайт", "Анна Смирнова", "lost",
         "Некачественный лид", None, D("3000.00")),
    ]


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_xlsx_title_rows_total_row_date_cells_and_excel_serials(st):
    path = _xlsx(
        st.root / "ident.xlsx",
        [
            ["Отчёт «Оказанные услуги»"],
            ["Период: 01.01.2025 – 31.01.2025"],
            [],
            ["Дата приёма", "№ карты", "Пациент", "Врач", "Отделение", "Услуга", "Кол-во",
             "Цена", "Скидка", "Сумма"],
            [dt.datetime(2025, 1, 10), 101, "Смирнова Ольга Петровна", "Иванова А. С.",
             "Терапия", "Пломба", 2, 3000, 600, 5400],
            [45667, 102, "Петров Иван", "Иванова А. С.", "Терапия", "Осмотр", 1, 800.5, 0,
             800.5],  # 45667 = 2025-01-10 as an Excel serial number
            ["Итого", None, None, None, None, None, 3, None, 600, 6200.5],
        ],
    )
    r = st.load(str(path))
    assert (r.rows_new, r.rows_rejected, r.rows_skipped) == (2, 0, 1)
    assert "заголовок в строке 4" in r.fmt
    assert st.rows(
        "select _row, visit_date, patient_id, quantity, price, discount, amount "
        "from services order by _row"
    ) == [
        (5, dt.date(2025, 1, 10), "101", D("2.000"), D("3000.00"), D("600.00"), D("5400.00")),
        (6, dt.date(2025, 1, 10), "102", D("1.000"), D("800.50"), D("0.00"), D("800.50")),
    ]


def test_bitrix_html_xls_deals(st):
    html = (
        '<html><head><meta http-equiv="Content-type" content="text/html;charset=UTF-8" />'
        "</head><body><table border=1><tr><th>ID</th><th>Название сделки</th>"
        "<th>Стадия сделки</th><th>Сумма</th><th>Валюта</th><th>Ответственный</th>"
        "<th>Контакт</th><th>Источник</th><th>Дата создания</th><th>Направление</th></tr>"
        "<tr><td>301</td><td>Имплантация</td><td>Сделка успешна</td><td>150 000</td>"
        "<td>RUB</td><td>Оля</td><td>Иван Петров</td><td>ПроДокторов</td>"
        "<td>01.03.2025 09:30:00</td><td>Общая</td></tr></table></body></html>"
    )
    r = st.load("deals.xls", html)
    assert (r.kind, r.rows_new, r.profile) == ("leads", 1, "Битрикс24: сделки")
    assert "HTML" in r.fmt
    assert st.rows("select lead_id, stage, amount, operator, channel, created_at from leads") == [
        ("301", "contracted", D("150000.00"), "Оля", "ПроДокторов", dt.datetime(2025, 3, 1, 9, 30))
    ]


def test_date_spellings_in_one_column(st):
    text = (
        "Дата;№ карты;Врач;Услуга;Сумма\n"
        "31.12.2025;1;A;S;1\n"
        "31.12.2025 14:30;2;A;S;1\n"
        "31.12.2025 14:30:00;3;A;S;1\n"
        "2025-12-30;4;A;S;1\n"
        "29/12/2025;5;A;S;1\n"
        "28.12.25;6;A;S;1\n"
    )
    r = st.load("dates.csv", text)
    assert r.rows_rejected == 0
    assert st.rows("select patient_id, visit_date from services order by patient_id") == [
        ("1", dt.date(2025, 12, 31)), ("2", dt.date(2025, 12, 31)), ("3", dt.date(2025, 12, 31)),
        ("4", dt.date(2025, 12, 30)), ("5", dt.date(2025, 12, 29)), ("6", dt.date(2025, 12, 28)),
    ]


def test_timestamps_keep_time(st):
    text = (
        "ID записи;Дата и время приёма;Статус;Пациент принят в\n"
        "A1;10.01.2025 09:00;Пришёл;10.01.2025 09:20\n"
        "A2;2025-01-11T10:00:00+03:00;Не пришёл;\n"
    )
    r = st.load("schedule.csv", text)
    assert r.kind == "appointments"
    assert st.rows("select appointment_id, scheduled_at, status, started_at from appointments "
                   "order by 1") == [
        ("A1", dt.datetime(2025, 1, 10, 9, 0), "attended", dt.datetime(2025, 1, 10, 9, 20)),
        ("A2", dt.datetime(2025, 1, 11, 10, 0), "no_show", None),
    ]


def test_amount_from_price_quantity_discount_when_absent(st):
    # 2 × 3 000 − 500 = 5 500; 1 × 800 − 0 = 800
    text = "Дата;№ карты;Врач;Услуга;Количество;Цена;Скидка\n" \
           "01.02.2025;1;A;S;2;3000;500\n01.02.2025;2;A;S;;800;\n"
    r = st.load("noamount.csv", text)
    assert r.rows_rejected == 0
    assert st.rows("select amount, quantity from services order by patient_id") == [
        (D("5500.00"), D("2.000")), (D("800.00"), D("1.000"))
    ]


def test_headers_with_units_case_yo_and_stray_spaces(st):
    text = ("  ДАТА ПРИЕМА ;Номер карты; Врач ,оказавший услугу;Услуга;Сумма, руб.;"
            "Стоимость (₽);Длительность, мин\n"
            "03.02.2025;9;B;S;900;1000;30\n")
    r = st.load("units.csv", text)
    assert r.mapping == {
        "  ДАТА ПРИЕМА ": "visit_date", "Номер карты": "patient_id",
        " Врач ,оказавший услугу": "doctor", "Услуга": "service", "Сумма, руб.": "amount",
        "Стоимость (₽)": "price", "Длительность, мин": "duration_min",
    }
    assert st.rows("select amount, price, duration_min from services") == [
        (D("900.00"), D("1000.00"), D("30.00"))
    ]


def test_negative_refund_line_is_kept(st):
    text = "Дата;№ карты;Врач;Услуга;Сумма\n01.02.2025;1;A;Возврат;-1 500,00\n"
    st.load("refund.csv", text)
    assert st.one("select amount from services") == D("-1500.00")


def test_marketing_months_in_every_spelling(st):
    text = ("Месяц;Канал;Расход, ₽\nмарт 2025;Яндекс.Директ;30 000\n04.2025;VK Реклама;1000,5\n"
            "2025-05;Сайт;700\nМай 2025 г.;2ГИС;100\nИтого;;31800,5\n")
    r = st.load("spend.csv", text)
    assert (r.kind, r.rows_new, r.rows_skipped) == ("marketing_spend", 4, 1)
    assert st.rows("select date, channel, amount, is_monthly from marketing_spend order by _row") == [
        (dt.date(2025, 3, 1), "Яндекс.Директ", D("30000.00"), True),
        (dt.date(2025, 4, 1), "VK Реклама", D("1000.50"), True),
        (dt.date(2025, 5, 1), "Сайт", D("700.00"), True),
        (dt.date(2025, 5, 1), "2ГИС", D("100.00"), True),
    ]


def test_reviews_scale_detected_per_file(st):
    st.load("reviews5.csv", "Дата,Врач,Оценка\n2025-01-12,A,5\n2025-01-13,A,3\n")
    st.load("reviews10.csv", "Дата;Врач;Оценка\n12.01.2025;B;9,5\n13.01.2025;B;6\n")
    assert st.rows("select doctor, rating, rating_scale from reviews order by doctor, date") == [
        ("A", D("5.00"), 5), ("A", D("3.00"), 5), ("B", D("9.50"), 10), ("B", D("6.00"), 10)
    ]


def test_patient_column_holding_names_is_dropped_and_card_number_kept(st):
    text = "Дата;№ карты;Пациент;Врач;Услуга;Сумма\n01.02.2025;77;Сидоров Пётр;A;S;100\n"
    r = st.load("named.csv", text)
    assert r.mapping["Пациент"] == "_name"
    assert st.rows("select patient_id from services") == [("77",)]


def test_patient_column_holding_card_numbers_is_the_id(st):
    text = "Дата;Пациент;Врач;Услуга;Сумма\n01.02.2025;10234;A;S;100\n"
    r = st.load("ids.csv", text)
    assert r.mapping["Пациент"] == "patient_id"
    assert st.rows("select patient_id from services") == [("10234",)]


def test_no_card_number_derives_a_salted_key_from_name_and_phone(st):
    text = ("Дата;ФИО пациента;Телефон;Врач;Услуга;Сумма\n"
            "01.02.2025;Сидоров Пётр;8 912 000 00 01;A;S;100\n"
            "02.02.2025;СИДОРОВ  ПЁТР;+7 (912) 000-00-01;A;S;200\n"
            "02.02.2025;Сидорова Анна;+7 (912) 000-00-01;A;S;300\n")
    st.load("nocard.csv", text)
    ids = [r[0] for r in st.rows("select patient_id from services order by amount")]
    assert ids[0] == ids[1]  # same person spelt differently
    assert ids[2] != ids[0]
    assert all(i.startswith("h:") and len(i) == 18 for i in ids)
    assert "Сидоров" not in "".join(ids)


def test_unknown_appointment_status_loads_kept_and_named_for_the_data_page(st):
    text = ("ID записи;Дата и время приёма;Статус\nA1;10.01.2025 09:00;Пришёл\n"
            "A2;10.01.2025 10:00;Явка ?\nA3;10.01.2025 11:00;\n")
    r = st.load("sched.csv", text)
    assert (r.rows_new, r.rows_rejected) == (2, 1)  # A3: an empty status is still rejected
    assert (r.issues[0].row, r.issues[0].column) == (4, "status")
    assert st.rows("select appointment_id, status, status_raw from appointments order by 1") == [
        ("A1", "attended", "Пришёл"), ("A2", None, "Явка ?")
    ]
    assert any("Статусы записей без соответствия: «Явка ?» (1)" in n and "«Данные»" in n
               for n in r.notes)


def test_a_status_mapped_on_the_data_page_is_used_by_the_next_load(st):
    from clinic_bi.ingest import word_choices

    word_choices.save(st.con, "status", "Явка ?", "attended")
    r = st.load("sched.csv", "ID записи;Дата и время приёма;Статус\nA2;10.01.2025 10:00;явка ?\n")
    assert st.rows("select status from appointments") == [("attended",)]
    assert not any("без соответствия" in n for n in r.notes)


def test_unknown_lead_stage_loads_and_is_reported(st):
    text = "ID;Дата создания;Статус\n1;01.02.2025;Думает\n2;01.02.2025;Записан\n"
    r = st.load("lead_stage.csv", text)
    assert r.rows_new == 2
    assert st.rows("select lead_id, stage, stage_raw from leads order by 1") == [
        ("1", None, "Думает"), ("2", "booked", "Записан")
    ]
    assert any("«Думает» (1)" in n for n in r.notes)


def test_csv_with_title_rows_and_total_row(st):
    text = (
        "Отчёт по оказанным услугам;;;;\n"
        "Период: 01.03.2025 - 31.03.2025;;;;\n"
        ";;;;\n"
        "Дата оказания;Номер карты;Специалист;Наименование услуги;Сумма со скидкой\n"
        "01.03.2025;11;Б;Чистка;3 500,00\n"
        "02.03.2025;12;Б;Чистка;3 500,00\n"
        "Итого:;;;;7 000,00\n"
    )
    r = st.load("titled.csv", text, encoding="cp1251")
    assert (r.rows_new, r.rows_rejected, r.rows_skipped) == (2, 0, 1)
    assert "заголовок в строке 4" in r.fmt
    assert st.rows("select _row, patient_id, amount from services order by _row") == [
        (5, "11", D("3500.00")), (6, "12", D("3500.00"))
    ]


def test_xlsx_date_cells_are_shown_in_whole_seconds(st):
    """A column of Excel date cells is turned into text in bulk; a rejected cell is shown as
    the file has it, without the microseconds Arrow's %S would add."""
    path = _xlsx(
        st.root / "dates.xlsx",
        [
            ["Дата приёма", "№ карты", "Врач", "Услуга", "Сумма"],
            [dt.datetime(2025, 1, 10, 9, 30), 101, "Иванова А. С.", "Пломба", 5400],
            [dt.datetime(2095, 2, 1, 10, 15), 102, "Иванова А. С.", "Осмотр", 800],
        ],
    )
    r = st.load(str(path), today=dt.date(2025, 6, 1))
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert (r.issues[0].row, r.issues[0].value) == (3, "2095-02-01 10:15:00")
