"""The demo's writers: one per export, each reproducing its format's quirks, and `write_demo`."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from clinic_bi.demo.catalogue import (
    BRANCHES,
    CLINIC,
    COST_RISE,
    DEPARTMENTS,
    FIXED_COSTS,
    FIXED_RISE,
    HOURLY_HYGIENIST,
    HOURLY_RATE,
    HYG,
    LINE_COLUMNS,
    MONTHS,
    NBSP,
    ORT,
    OVERLAP_DAYS,
    PRICE_RISE,
    RAISED_DOCTOR,
    SERVICE_HEADERS_IDENT,
    SERVICES,
    SUR,
    service_cost,
)
from clinic_bi.demo.draw import default_end, window
from clinic_bi.demo.simulate import DemoData, simulate


def _dates(values: pd.Series, fmt: str) -> pd.Series:
    return pd.Series(pd.to_datetime(values)).dt.strftime(fmt).fillna("")


def _money(values: pd.Series | np.ndarray, thousands: str, suffix: str = "") -> list[str]:
    """`12 345,00` with the given thousands separator; empty where the value is missing."""
    return [
        "" if np.isnan(v) else f"{v:,.2f}".replace(",", thousands).replace(".", ",") + suffix
        for v in np.asarray(values, dtype=float)
    ]


def _csv(frame: pd.DataFrame, path: Path, *, sep: str, encoding: str, newline: str) -> Path:
    frame.to_csv(path, sep=sep, index=False, encoding=encoding, lineterminator=newline)
    return path


def write_patients(data: DemoData, path: Path) -> Path:
    p = data.patients.sort_values("card", ignore_index=True)
    frame = pd.DataFrame(
        {
            "№ карты": p["card"],
            "ФИО": p["name"],
            "Телефон": "8" + p["phone10"].astype(str),
            "Дата рождения": _dates(p["birth"], "%d.%m.%Y"),
            "Пол": p["gender"],
            "Дата первого визита": _dates(p["first_before"], "%d.%m.%Y"),
            "Откуда узнал": p["channel"],
            "Дата регистрации": _dates(p["registered"], "%d.%m.%Y"),
        }
    )
    return _csv(frame, path, sep=";", encoding="utf-8-sig", newline="\r\n")


def write_ident(lines: pd.DataFrame, path: Path, first: dt.date, last: dt.date) -> Path:
    """IDENT "Оказанные услуги": title rows, a blank row, the header, real date cells, Итого."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Оказанные услуги")
    for letter, width in zip("ABCDEFGHIJKLMNO", (12, 9, 34, 18, 22, 10, 40), strict=False):
        ws.column_dimensions[letter].width = width
    ws.append(["Отчёт «Оказанные услуги»"])
    ws.append([f"Период: {first:%d.%m.%Y} – {last:%d.%m.%Y}"])
    ws.append([CLINIC])
    ws.append([])
    ws.append(list(SERVICE_HEADERS_IDENT))
    columns = [lines[c].tolist() for c in LINE_COLUMNS[1:]]
    for day, *rest in zip(lines["visit_date"].dt.date.tolist(), *columns, strict=True):
        cell = WriteOnlyCell(ws, value=day)
        cell.number_format = "DD.MM.YYYY"
        ws.append([cell, *rest])
    total: list = ["Итого"] + [None] * (len(SERVICE_HEADERS_IDENT) - 1)
    for col in ("quantity", "discount", "amount", "paid"):
        total[LINE_COLUMNS.index(col)] = round(float(lines[col].sum()), 2)
    ws.append(total)
    wb.save(path)
    return path


def write_medesk(lines: pd.DataFrame, path: Path) -> Path:
    """Medesk CSV as Excel saves it: cp1251, `;`, decimal comma, NBSP between thousands."""
    frame = pd.DataFrame(
        {
            "Дата оказания": _dates(lines["visit_date"], "%d.%m.%Y"),
            "Номер карты": lines["card"],
            "ФИО пациента": lines["patient"],
            "Специалист": lines["doctor"],
            "Направление": lines["department"],
            "Артикул": lines["code"],
            "Наименование услуги": lines["service"],
            "Количество": lines["quantity"],
            "Стоимость": _money(lines["price"], NBSP),
            "Сумма скидки": _money(lines["discount"], NBSP),
            "Сумма со скидкой": _money(lines["amount"], NBSP),
            "Поступило": _money(lines["paid"], NBSP),
            "Филиал": lines["branch"],
            "Длительность, мин": lines["minutes"],
            "Номер визита": lines["visit_id"],
        }
    )
    return _csv(frame, path, sep=";", encoding="cp1251", newline="\r\n")


def _phone_styles(phone10: pd.Series, style: pd.Series) -> pd.Series:
    p = phone10.astype(str)
    a, b, c, d = p.str.slice(0, 3), p.str.slice(3, 6), p.str.slice(6, 8), p.str.slice(8, 10)
    dashed = b + "-" + c + "-" + d
    return pd.Series(
        np.select(
            [style == 0, style == 1],
            ["+7 (" + a + ") " + dashed, "+7" + p],
            "8 " + a + " " + dashed,
        ),
        index=phone10.index,
        dtype=str,
    )


def write_bitrix(data: DemoData, path: Path) -> Path:
    """Bitrix24 CSV: UTF-8 with BOM, every field quoted, `;` after every field, CRLF."""
    ld = data.leads
    amount = ld["amount"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    frame = pd.DataFrame(
        {
            "ID": ld["id"].astype(str),
            "Название лида": ld["title"],
            "Статус": ld["status"],
            "Имя": ld["first"],
            "Фамилия": ld["surname"],
            "Телефон": _phone_styles(ld["phone10"], ld["phone_style"]),
            "E-mail": ld["email"],
            "Источник": ld["channel"],
            "Ответственный": ld["operator"],
            "Дата создания": _dates(ld["created"], "%d.%m.%Y %H:%M:%S"),
            "Возможная сумма": amount,
        }
    ).astype(str)
    quoted = '"' + frame.apply(lambda col: col.str.replace('"', '""', regex=False)) + '";'
    header = "".join(f'"{h}";' for h in frame.columns)
    body = quoted.sum(axis=1).tolist()
    path.write_bytes(("\ufeff" + "\r\n".join([header, *body]) + "\r\n").encode("utf-8"))
    return path


def write_schedule(data: DemoData, path: Path) -> Path:
    ap = data.appointments
    frame = pd.DataFrame(
        {
            "ID записи": ap["id"],
            "Дата и время приёма": _dates(ap["at"], "%d.%m.%Y %H:%M"),
            "№ карты": ap["card"].map(lambda v: "" if v < 0 else str(v)),
            "Пациент": ap["name"],
            "Врач": ap["doctor"],
            "Отделение": ap["department"],
            "Статус": ap["status"],
            "Дата записи": _dates(ap["created"], "%d.%m.%Y %H:%M"),
            "Пациент принят в": _dates(ap["started"], "%d.%m.%Y %H:%M"),
            "Филиал": ap["branch"],
        }
    )
    return _csv(frame, path, sep="\t", encoding="utf-8", newline="\n")


def write_contracts(data: DemoData, path: Path) -> Path:
    c = data.contracts
    frame = pd.DataFrame(
        {
            "Номер договора": c["number"],
            "Дата договора": _dates(c["date"], "%d.%m.%Y"),
            "№ карты": c["card"],
            "Пациент": c["patient"],
            "Врач": c["doctor"],
            "Отделение": c["department"],
            "Сумма договора": _money(c["amount"], " ", " руб."),
            "Предоплата": _money(c["prepaid"], " ", " руб."),
        }
    )
    return _csv(frame, path, sep=";", encoding="cp1251", newline="\r\n")


def write_spend(data: DemoData, path: Path) -> Path:
    s = data.spend
    wb = Workbook()
    ws = wb.active
    ws.title = "Расходы"
    ws.append(["Месяц", "Канал", "Расход, ₽"])
    for month, channel, amount in zip(s["month"], s["channel"], s["amount"], strict=True):
        ws.append([f"{MONTHS[month.month - 1]} {month.year}", channel, float(amount)])
    ws.append(["Итого", None, float(s["amount"].sum())])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 14
    wb.save(path)
    return path


def write_reviews(data: DemoData, path: Path) -> Path:
    r = data.reviews
    frame = pd.DataFrame(
        {
            "Дата": _dates(r["date"], "%Y-%m-%d"),
            "Врач": r["doctor"],
            "Оценка": r["rating"],
            "Площадка": r["source"],
            "Отзыв": r["text"],
        }
    )
    frame.to_csv(
        path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    return path


def write_goals(lines: pd.DataFrame, end: dt.date, path: Path) -> Path:
    """The manager's plan, as a planning sheet kept by hand: for the last three whole months and
    the month after `end`, the clinic's revenue, visits and new patients, the largest
    department's and doctor's revenue — each goal 5 % above the mean of the three months before
    it, rounded as people round a plan."""
    frame = lines.assign(month=pd.to_datetime(lines["visit_date"]).dt.to_period("M"))
    first = frame.groupby("card")["month"].min()
    monthly = pd.DataFrame({
        "revenue": frame.groupby("month")["amount"].sum(),
        "visits": frame.drop_duplicates(["card", "doctor", "visit_date"]).groupby("month").size(),
        "new_patients": first.value_counts(),
    }).fillna(0)  # fmt: skip
    by_department = frame.groupby(["month", "department"])["amount"].sum()
    by_doctor = frame.groupby(["month", "doctor"])["amount"].sum()
    department = frame.groupby("department")["amount"].sum().idxmax()
    doctor = frame.groupby("doctor")["amount"].sum().idxmax()
    last = pd.Period(end, "M")
    wb = Workbook()
    ws = wb.active
    ws.title = "План"
    ws.append(["Месяц", "Уровень", "Направление или врач", "Показатель", "Цель"])
    for month in (last - 2, last - 1, last, last + 1):
        before = [month - k for k in (3, 2, 1)]

        def goal(series: pd.Series, step: int, months: list = before) -> float:
            mean = float(series.reindex(months).fillna(0).mean()) * 1.05
            return float(round(mean / step) * step)

        label = f"{month.month:02d}.{month.year}"
        ws.append([label, "клиника", None, "выручка", goal(monthly["revenue"], 10_000)])
        ws.append([label, "клиника", None, "визиты", goal(monthly["visits"], 10)])
        ws.append([label, "клиника", None, "новые пациенты", goal(monthly["new_patients"], 5)])
        ws.append([label, "направление", department, "выручка",
                   goal(by_department.xs(department, level="department"), 10_000)])
        ws.append([label, "врач", doctor, "выручка",
                   goal(by_doctor.xs(doctor, level="doctor"), 5_000)])
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["D"].width = 16
    wb.save(path)
    return path


def write_price_costs(start: dt.date, last_year: dt.date, path: Path) -> Path:
    """The price list as the MIS exports it, with the cost column the clinic filled in: code,
    name, the price list's section (not a department: left unused on load), today's price
    (thrown away on load), the materials and lab cost of one unit. A few services the lab
    raised at `last_year` have a second row with its date."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Прайс"
    ws.append(["Код услуги", "Наименование услуги", "Раздел прайса", "Цена", "Себестоимость",
               "Действует с"])
    years = (last_year - start).days // 365
    for s in SERVICES:
        price = float(round(s.price * (1 + PRICE_RISE) ** years / 50) * 50)
        cost = service_cost(s)
        ws.append([s.code, s.name, DEPARTMENTS[s.department], price, cost, None])
        if s.code in COST_RISE:
            raised = float(round(cost * (1 + COST_RISE[s.code]) / 10) * 10)
            ws.append([s.code, s.name, DEPARTMENTS[s.department], price, raised,
                       last_year.strftime("%d.%m.%Y")])
    ws.column_dimensions["B"].width = 42
    ws.column_dimensions["C"].width = 22
    wb.save(path)
    return path


def write_pay_rules(last_year: dt.date, path: Path) -> Path:
    """The doctors' pay as the clinic writes it down: a general rule, the orthopedists', an
    hourly hygienist, the surgery assistants, and one raise with its date (Russian words,
    rates as "30 %")."""
    rows = [
        ["", "", "% после материалов", "30 %", "", "врач"],
        ["", DEPARTMENTS[ORT], "% от выручки", "25 %", "", "врач"],
        [HOURLY_HYGIENIST, DEPARTMENTS[HYG], "в час", f"{HOURLY_RATE:,}".replace(",", " ") + " ₽",
         "", "врач"],
        ["", DEPARTMENTS[SUR], "% от выручки", "5 %", "", "ассистент"],
        [RAISED_DOCTOR, "", "за вычетом материалов", "35 %", last_year.strftime("%d.%m.%Y"),
         "врач"],
    ]
    frame = pd.DataFrame(rows, columns=["Врач", "Отделение", "Схема оплаты", "Процент",
                                        "Действует с", "Роль"])
    return _csv(frame, path, sep=";", encoding="utf-8-sig", newline="\r\n")


def write_fixed_costs(start: dt.date, end: dt.date, path: Path) -> Path:
    """The fixed costs per month and branch for every month of the window, as the accountant
    keeps them: rent, administrators, utilities (more in the heating months)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Постоянные расходы"
    ws.append(["Месяц", "Филиал", "Статья", "Сумма, ₽"])
    for month in pd.period_range(start, end, freq="M"):
        years = (month.start_time.date() - start).days // 365
        for branch in BRANCHES:
            for item, base in FIXED_COSTS[branch].items():
                amount = base * (1 + FIXED_RISE) ** years
                if item == "Коммунальные услуги" and month.month in (11, 12, 1, 2, 3):
                    amount *= 1.3
                ws.append([f"{MONTHS[month.month - 1]} {month.year}", branch, item,
                           float(round(amount / 100) * 100)])
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["C"].width = 22
    wb.save(path)
    return path


def write_demo(
    out_dir: Path, patients: int = 6000, seed: int = 42, end: dt.date | None = None
) -> list[Path]:
    """Write the demo exports into `out_dir` (created if needed) and return their paths.

    Three years ending on `end` (default: the last day of the previous month); `patients` scales
    everything else. The same arguments give the same data.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    end = end or default_end()
    _, slices = window(end)
    data = simulate(patients=patients, seed=seed, end=end)
    lines = data.lines
    day = lines["visit_date"]
    paths = [write_patients(data, out_dir / "patients.csv")]
    for first, last in slices[:-1]:
        part = lines[(day >= pd.Timestamp(first)) & (day <= pd.Timestamp(last))]
        paths.append(write_ident(part, out_dir / f"ident_services_{first.year}.xlsx", first, last))
    first, last = slices[-1]
    overlap_from = pd.Timestamp(first - dt.timedelta(days=OVERLAP_DAYS))
    part = lines[(day >= overlap_from) & (day <= pd.Timestamp(last))]
    paths.append(write_medesk(part, out_dir / f"medesk_services_{first.year}.csv"))
    paths.append(write_bitrix(data, out_dir / "bitrix_leads.csv"))
    paths.append(write_schedule(data, out_dir / "schedule.csv"))
    paths.append(write_contracts(data, out_dir / "contracts.csv"))
    paths.append(write_spend(data, out_dir / "marketing_spend.xlsx"))
    paths.append(write_reviews(data, out_dir / "reviews.csv"))
    paths.append(write_goals(lines, end, out_dir / "plan_goals.xlsx"))
    start = slices[0][0]
    paths.append(write_price_costs(start, slices[-1][0], out_dir / "price_costs.xlsx"))
    paths.append(write_pay_rules(slices[-1][0], out_dir / "pay_rules.csv"))
    paths.append(write_fixed_costs(start, end, out_dir / "fixed_costs.xlsx"))
    return paths
