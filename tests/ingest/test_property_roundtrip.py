"""Property: canonical rows written out as an export, in any of the styles clinics' systems use,
load back as the same rows."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_bi import store
from clinic_bi.ingest import loader

NAMES = ["Иванова А. С.", "Петров Д. В.", "Dr Smith", "Ким Ё. Ю."]
SERVICES = ["Пломба", "Коронка; цирконий", 'Консультация "первичная"', "Удаление, сложное"]
DEPTS = ["Терапия", "Ортопедия", "Детская стоматология", None]

rows_strategy = st.lists(
    st.fixed_dictionaries({
        "visit_date": st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31)),
        "patient_id": st.integers(1, 99999).map(str),
        "doctor": st.sampled_from(NAMES),
        "service": st.sampled_from(SERVICES),
        "amount": st.decimals(-100000, 9999999, places=2, allow_nan=False),
        "department": st.sampled_from(DEPTS),
        "quantity": st.integers(1, 5).map(Decimal),
    }),
    min_size=1,
    max_size=30,
)

style_strategy = st.fixed_dictionaries({
    "format": st.sampled_from(["csv", "xlsx"]),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]),
    "delimiter": st.sampled_from([";", ",", "\t"]),
    "decimal_comma": st.booleans(),
    "thousands": st.sampled_from(["", " ", "\u00a0"]),
    "date_format": st.sampled_from(["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y 00:00", "%d/%m/%Y"]),
    "headers": st.sampled_from([
        ["Дата приёма", "№ карты", "Врач", "Услуга", "Сумма", "Отделение", "Кол-во"],
        ["Дата оказания", "Номер карты", "Специалист", "Наименование услуги",
         "Сумма со скидкой", "Направление", "Количество"],
        ["date", "patient id", "doctor", "service", "amount", "department", "qty"],
    ]),
    "title_rows": st.integers(0, 3),
    "total_row": st.booleans(),
})


def money_text(value: Decimal, style: dict) -> str:
    sign = "-" if value < 0 else ""
    whole, frac = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    sep = style["thousands"]
    if style["encoding"] == "cp1251" and sep == "\u00a0":
        sep = "\u00a0"  # cp1251 has NBSP (0xA0)
    return sign + sep.join(groups) + ("," if style["decimal_comma"] else ".") + frac


def write_export(rows: list[dict], style: dict, folder: Path) -> Path:
    headers = style["headers"]
    keys = ["visit_date", "patient_id", "doctor", "service", "amount", "department", "quantity"]
    if style["format"] == "xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        for i in range(style["title_rows"]):
            ws.append([f"Отчёт об оказанных услугах, часть {i + 1}"])
        ws.append(headers)
        for r in rows:
            ws.append([r["visit_date"], int(r["patient_id"]), r["doctor"], r["service"],
                       float(r["amount"]), r["department"], int(r["quantity"])])
        if style["total_row"]:
            ws.append(["Итого", None, None, None, float(sum(r["amount"] for r in rows))])
        path = folder / "export.xlsx"
        wb.save(path)
        return path
    delim = style["delimiter"]
    if not style["decimal_comma"] and delim == ",":
        delim = ";"  # a comma-separated file with decimal points would need quoting: fine too,
        # but real exports with ',' delimiters use quoted values; keep the style realistic

    def cell(value: str) -> str:
        if delim in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    out = io.StringIO()
    for i in range(style["title_rows"]):
        out.write(f"Отчёт об оказанных услугах, часть {i + 1}\n")
    out.write(delim.join(cell(h) for h in headers) + "\n")
    for r in rows:
        values = {
            "visit_date": r["visit_date"].strftime(style["date_format"]),
            "patient_id": r["patient_id"],
            "doctor": r["doctor"],
            "service": r["service"],
            "amount": money_text(r["amount"], style),
            "department": r["department"] or "",
            "quantity": str(r["quantity"]),
        }
        out.write(delim.join(cell(values[k]) for k in keys) + "\n")
    if style["total_row"]:
        out.write(delim.join(["Итого", "", "", "", cell(money_text(
            sum(r["amount"] for r in rows), style)), "", ""]) + "\n")
    path = folder / "export.csv"
    path.write_bytes(out.getvalue().encode(style["encoding"]))
    return path


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, style=style_strategy)
def test_an_export_in_any_style_loads_back_as_the_same_rows(rows, style):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = write_export(rows, style, folder)
        con = store.connect(folder / "s.duckdb")
        try:
            result = loader.ingest_file(con, path, "salt", today=dt.date(2026, 1, 1))
            assert result.rows_rejected == 0, (result.issues, style)
            assert result.rows_skipped == (1 if style["total_row"] else 0)
            got = sorted(con.execute(
                "select visit_date, patient_id, doctor, service, amount, department, quantity "
                "from services").fetchall(), key=repr)
        finally:
            con.close()
    expected = sorted(
        [(r["visit_date"], r["patient_id"], r["doctor"], r["service"], r["amount"],
          r["department"], r["quantity"]) for r in rows], key=repr)
    assert got == expected, style
