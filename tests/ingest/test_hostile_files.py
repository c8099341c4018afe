"""Hostile and broken files: each gets a clear message naming the file and what to do, and the
store is unchanged, or only the valid rows load with the rest reported."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from clinic_bi.ingest import loader
from clinic_bi.ingest.mapping import Profile

D = Decimal
SERVICES = "Дата;№ карты;Врач;Услуга;Сумма\n"


def journal(st) -> list[tuple]:
    return st.rows("select batch_id, file_name from batches")


def refused(st, name: str, content: bytes | str, *fragments: str) -> str:
    before = journal(st)
    with pytest.raises(loader.LoadError) as err:
        st.load(name, content)
    msg = str(err.value)
    assert msg.startswith(name), msg
    for f in fragments:
        assert f in msg, msg
    assert journal(st) == before
    assert st.one("select count(*) from services") == 0
    return msg


def test_empty_file(st):
    refused(st, "empty.csv", b"", "файл пуст")


def test_header_with_no_rows(st):
    refused(st, "header.csv", SERVICES, "нет ни одной строки данных")


def test_binary_junk_named_csv(st):
    junk = bytes(range(256)) * 64
    refused(st, "junk.csv", junk, "не текстовый файл")


def test_truncated_xlsx(st, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Дата", "№ карты", "Врач", "Услуга", "Сумма"])
    wb.active.append([dt.date(2025, 1, 1), 1, "A", "S", 100])
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    refused(st, "cut.xlsx", data[: len(data) // 2], "повреждён", "Выгрузите отчёт заново")


def test_zip_bomb_is_refused_by_declared_size_before_expanding(st, monkeypatch):
    monkeypatch.setenv("CLINIC_BI_MAX_UNZIPPED_MB", "5")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))  # 20 MB of zeros
    data = buf.getvalue()
    assert len(data) < 100_000  # tiny on disk
    refused(st, "bomb.xlsx", data, "ГБ данных", "CLINIC_BI_MAX_UNZIPPED_MB")


def test_file_over_the_upload_limit(st, monkeypatch):
    monkeypatch.setenv("CLINIC_BI_MAX_UPLOAD_MB", "0.01")  # 10 KB
    text = SERVICES + "01.02.2025;1;A;S;100\n" * 1000
    refused(st, "big.csv", text, "больше предела", "CLINIC_BI_MAX_UPLOAD_MB")


def test_thousands_of_columns(st):
    header = ";".join(f"col{i}" for i in range(3000))
    refused(st, "wide.csv", header + "\n" + ";".join("1" * 3000) + "\n", "3000 столбцов")


def test_duplicate_headers_use_the_first_and_say_so(st):
    text = "Дата;№ карты;Врач;Услуга;Сумма;Сумма\n01.02.2025;1;A;S;100;999\n"
    r = st.load("dup.csv", text)
    assert st.one("select amount from services") == D("100.00")
    assert r.notes == ["Столбец «Сумма» встречается в заголовке дважды (№ 5 и № 6): "
                       "использован столбец № 5. Проверьте выгрузку."]


def test_negative_quantity_with_positive_amount_loads_with_a_warning(st):
    text = SERVICES.replace("Сумма", "Кол-во;Сумма") + "01.02.2025;1;A;S;-1;100\n"
    r = st.load("neg.csv", text)
    assert (r.rows_new, r.warnings) == (1, 1)
    assert r.issues[0].column == "quantity" and "отрицательное количество" in r.issues[0].reason


def test_dates_in_the_future_are_rejected(st):
    text = SERVICES + "01.02.2025;1;A;S;100\n01.02.2095;2;A;S;200\n"
    r = loader.ingest_file(st.con, st.write("future.csv", text), st.salt,
                           today=dt.date(2025, 6, 1))
    assert (r.rows_new, r.rows_rejected) == (1, 1)
    assert r.issues[0].row == 3 and "дата в будущем (позже 01.06.2025)" in r.issues[0].reason


def test_future_appointments_are_plans_not_errors(st):
    text = "ID записи;Дата и время приёма;Статус\nA1;01.02.2095 10:00;Запланирован\n"
    r = st.load("plan.csv", text)
    assert (r.rows_new, r.rows_rejected) == (1, 0)


def test_wrong_kind_of_file_for_the_chosen_profile(st):
    profile = Profile.from_dict({"name": "Битрикс: лиды", "table": "leads",
                                 "columns": {"ID": "lead_id", "Дата создания": "created_at"}})
    text = SERVICES + "01.02.2025;1;A;S;100\n"
    with pytest.raises(loader.LoadError) as err:
        st.load("svc.csv", text, profile=profile)
    assert "ждёт столбец «ID»" in str(err.value)
    assert journal(st) == []
