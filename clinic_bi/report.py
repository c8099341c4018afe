"""`python -m clinic_bi report`: the whole set of metrics of a period, as JSON or as text.

`build_report` renders the Python API (clinic_bi.metrics) into the JSON object of CLI.md; it
computes nothing itself. `format_text` turns that object into a readable page; `run_report` is
what the CLI calls with its parsed arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from clinic_bi import fmt
from clinic_bi.metrics import Engine, Filters, MetricsError, open_engine, plain_value
from clinic_bi.paths import default_db_path
from clinic_bi.store import StoreError

# The keys of CLI.md, in its order. The API returns more columns; the report keeps these.
SUMMARY_KEYS = (
    "revenue", "visits", "patients", "avg_check", "new_patients", "first_visits",
    "returning_visits", "return_rate", "return_cohort", "not_yet_observable", "ltv", "ltv_12m",
    "data_end",
)  # fmt: skip
BREAKDOWN_KEYS = (
    "visits", "patients", "new_patients", "revenue", "share", "avg_check", "return_rate", "ltv",
)  # fmt: skip
SERVICE_KEYS = (
    "service", "quantity", "revenue", "share", "abc", "avg_price", "patients", "revenue_per_hour",
)  # fmt: skip
MONTHLY_KEYS = ("month", "revenue", "visits", "patients", "new_patients", "avg_check")
FUNNEL_KEYS = (
    "leads", "booked", "visited", "contracted", "booking_rate", "show_rate", "contract_rate",
    "overall_rate",
)  # fmt: skip
MARKETING_KEYS = ("channel", "spend", "leads", "new_patients", "cac", "cpl", "romi")
APPOINTMENT_KEYS = ("attended", "no_show", "cancelled", "show_up_rate")
QUALITY_KEYS = ("reviews", "avg_rating", "negative_share", "avg_wait_min")

# How each figure is shown in text. Anything not listed is a count.
MONEY = {"revenue", "avg_check", "ltv", "ltv_12m", "spend", "cac", "cpl", "avg_price",
         "revenue_per_hour", "revenue_per_patient"}  # fmt: skip
RATIOS = {"share", "return_rate", "booking_rate", "show_rate", "contract_rate", "overall_rate",
          "romi", "negative_share", "show_up_rate", "returning_share"}  # fmt: skip
DECIMALS = {"quantity": 2, "avg_rating": 1, "visits_per_patient": 2}


# ---------------------------------------------------------------------------------------------
# JSON


def _json_value(value: Any) -> Any:
    """What JSON can hold: plain numbers (null for a NaN ratio) and days as 'YYYY-MM-DD'."""
    value = plain_value(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _record(source: Any, keys: Sequence[str]) -> dict[str, Any]:
    return {key: _json_value(getattr(source, key)) for key in keys}


def _records(frame: pd.DataFrame, keys: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for row in frame[list(keys)].itertuples(index=False):
        rows.append({key: _json_value(value) for key, value in zip(keys, row, strict=True)})
    return rows


def _months(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["month"] = row["month"][:7]
    return rows


def _comparison(engine: Engine, f: Filters) -> dict[str, Any]:
    result = engine.comparison(f)
    return {
        "previous_period": {
            "from": result.previous.date_from.isoformat(),
            "to": result.previous.date_to.isoformat(),
        },
        "year_earlier_period": {
            "from": result.year_earlier.date_from.isoformat(),
            "to": result.year_earlier.date_to.isoformat(),
        },
        "figures": _records(result.table, list(result.table.columns)),
    }


def build_report(
    engine_or_path: Engine | Path | str, filters: Filters, *, comparison: bool = False
) -> dict[str, Any]:
    """The report object of CLI.md for one period. A section whose source table holds no rows
    is None (services: summary, doctors, departments, services, monthly; leads: funnel;
    marketing_spend: marketing; appointments: appointments; quality: reviews and appointments
    both empty). `comparison=True` adds a `comparison` key (previous period, a year earlier)."""
    f = filters
    with open_engine(engine_or_path) as engine, engine.snapshot():
        facts = engine.facts()
        has_services = facts.services_rows > 0
        report: dict[str, Any] = {
            "period": {"from": f.date_from.isoformat(), "to": f.date_to.isoformat()},
            "summary": None,
            "doctors": None,
            "departments": None,
            "services": None,
            "monthly": None,
            "funnel": None,
            "marketing": None,
            "appointments": None,
            "quality": None,
        }
        if has_services:
            report["summary"] = _record(engine.summary(f), SUMMARY_KEYS)
            report["doctors"] = _records(engine.doctors(f), ("doctor", *BREAKDOWN_KEYS))
            report["departments"] = _records(engine.departments(f), ("department", *BREAKDOWN_KEYS))
            report["services"] = _records(engine.services(f), SERVICE_KEYS)
            report["monthly"] = _months(_records(engine.monthly(f), MONTHLY_KEYS))
        if facts.leads_rows > 0:
            funnel = engine.funnel(f)
            report["funnel"] = {
                **_record(funnel.total, FUNNEL_KEYS),
                "by_channel": _records(funnel.by_channel, ("channel", *FUNNEL_KEYS)),
                "by_operator": _records(funnel.by_operator, ("operator", *FUNNEL_KEYS)),
            }
        if facts.marketing_spend_rows > 0:
            report["marketing"] = _records(engine.marketing(f), MARKETING_KEYS)
        if facts.appointments_rows > 0:
            report["appointments"] = _record(engine.show_up(f).total, APPOINTMENT_KEYS)
        if facts.reviews_rows > 0 or facts.appointments_rows > 0:
            quality = _record(engine.quality(f).total, QUALITY_KEYS)
            if facts.reviews_rows == 0:
                quality.update(reviews=None, avg_rating=None, negative_share=None)
            report["quality"] = quality
        if comparison and has_services:
            report["comparison"] = _comparison(engine, f)
    return report


# ---------------------------------------------------------------------------------------------
# Text

_LABELS = {
    "ru": {
        "title": "Отчёт клиники за {start} — {end}",
        "data_end": "данные по {day}",
        "no_data": "нет данных",
        "filters": "Фильтры",
        "windows": "окно возврата {h} дн., окно воронки {w} дн.",
        "doctor_filter": "врач",
        "department_filter": "отделение",
        "branch_filter": "филиал",
        "summary": "Сводка",
        "doctors": "Врачи",
        "departments": "Отделения",
        "services": "Услуги",
        "monthly": "По месяцам",
        "funnel": "Воронка: заявка → запись → визит → договор",
        "by_channel": "По каналам",
        "by_operator": "По операторам",
        "marketing": "Маркетинг",
        "appointments": "Записи на приём",
        "quality": "Качество сервиса",
        "comparison": "Сравнение",
        "empty": "нет строк за период",
        "previous": "пред. период",
        "year_earlier": "год назад",
        "change": "изм.",
        "current": "период",
        "metric": "показатель",
        "revenue": "Выручка",
        "visits": "Визиты",
        "patients": "Пациенты",
        "avg_check": "Средний чек",
        "new_patients": "Новые пациенты",
        "first_visits": "Первичные визиты",
        "returning_visits": "Повторные визиты",
        "returning_share": "Доля повторных",
        "return_rate": "Возвращаемость",
        "return_cohort": "Когорта возврата",
        "not_yet_observable": "Рано судить о возврате",
        "ltv": "LTV",
        "ltv_12m": "LTV 12 мес.",
        "revenue_per_patient": "Выручка на пациента",
        "visits_per_patient": "Визитов на пациента",
        "doctor": "Врач",
        "department": "Отделение",
        "service": "Услуга",
        "quantity": "Кол-во",
        "share": "Доля",
        "abc": "ABC",
        "avg_price": "Ср. цена",
        "revenue_per_hour": "Выручка/час",
        "month": "Месяц",
        "leads": "Заявки",
        "booked": "Записаны",
        "visited": "Пришли",
        "contracted": "Договор",
        "booking_rate": "Запись",
        "show_rate": "Доходимость",
        "contract_rate": "Конверсия в договор",
        "overall_rate": "Сквозная конверсия",
        "channel": "Канал",
        "operator": "Оператор",
        "spend": "Расход",
        "cac": "CAC",
        "cpl": "CPL",
        "romi": "ROMI",
        "attended": "Пришли",
        "no_show": "Не пришли",
        "cancelled": "Отменены",
        "show_up_rate": "Явка",
        "reviews": "Отзывы",
        "avg_rating": "Средняя оценка",
        "negative_share": "Доля негативных",
        "avg_wait_min": "Ожидание, мин",
        "leads_total": "Заявки",
        "none": "не указано",
    },
    "en": {
        "title": "Clinic report {start} — {end}",
        "data_end": "data up to {day}",
        "no_data": "no data",
        "filters": "Filters",
        "windows": "return window {h} days, funnel window {w} days",
        "doctor_filter": "doctor",
        "department_filter": "department",
        "branch_filter": "branch",
        "summary": "Summary",
        "doctors": "Doctors",
        "departments": "Departments",
        "services": "Services",
        "monthly": "By month",
        "funnel": "Funnel: lead → booking → visit → contract",
        "by_channel": "By channel",
        "by_operator": "By operator",
        "marketing": "Marketing",
        "appointments": "Appointments",
        "quality": "Quality of service",
        "comparison": "Comparison",
        "empty": "no rows in the period",
        "previous": "previous",
        "year_earlier": "year ago",
        "change": "chg.",
        "current": "period",
        "metric": "figure",
        "revenue": "Revenue",
        "visits": "Visits",
        "patients": "Patients",
        "avg_check": "Average check",
        "new_patients": "New patients",
        "first_visits": "First visits",
        "returning_visits": "Returning visits",
        "returning_share": "Returning share",
        "return_rate": "Return rate",
        "return_cohort": "Return cohort",
        "not_yet_observable": "Too recent to judge",
        "ltv": "LTV",
        "ltv_12m": "LTV 12 months",
        "revenue_per_patient": "Revenue per patient",
        "visits_per_patient": "Visits per patient",
        "doctor": "Doctor",
        "department": "Department",
        "service": "Service",
        "quantity": "Qty",
        "share": "Share",
        "abc": "ABC",
        "avg_price": "Avg price",
        "revenue_per_hour": "Revenue/hour",
        "month": "Month",
        "leads": "Leads",
        "booked": "Booked",
        "visited": "Visited",
        "contracted": "Contract",
        "booking_rate": "Booking",
        "show_rate": "Show rate",
        "contract_rate": "Contract rate",
        "overall_rate": "Overall",
        "channel": "Channel",
        "operator": "Operator",
        "spend": "Spend",
        "cac": "CAC",
        "cpl": "CPL",
        "romi": "ROMI",
        "attended": "Attended",
        "no_show": "No-show",
        "cancelled": "Cancelled",
        "show_up_rate": "Show-up",
        "reviews": "Reviews",
        "avg_rating": "Average rating",
        "negative_share": "Negative share",
        "avg_wait_min": "Wait, min",
        "leads_total": "Leads",
        "none": "not given",
    },
}


def _show(key: str, value: Any, lang: str) -> str:
    if key == "month":
        return fmt.month(value, lang)
    if key == "data_end":
        return fmt.day(value, lang)
    if isinstance(value, str):
        return value
    if key in MONEY:
        return fmt.money(value, lang)
    if key in RATIOS:
        return fmt.percent(value, lang)
    if key == "avg_wait_min":
        return fmt.number(value, lang, 1)
    if key == "quantity" and value is not None and float(value).is_integer():
        return fmt.number(value, lang)
    return fmt.number(value, lang, DECIMALS.get(key, 0))


def _table(rows: list[dict[str, Any]], keys: Sequence[str], labels: dict[str, str],
           lang: str) -> list[str]:  # fmt: skip
    """Aligned columns: the first (a name) left, figures right."""
    header = [labels[k] for k in keys]
    body = []
    for row in rows:
        first = row[keys[0]]
        cells = [labels["none"] if first is None else _show(keys[0], first, lang)]
        cells += [_show(k, row[k], lang) for k in keys[1:]]
        body.append(cells)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(keys))]

    def line(cells: list[str]) -> str:
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), *(line(c) for c in body)]


def _pairs(record: dict[str, Any], keys: Sequence[str], labels: dict[str, str],
           lang: str) -> list[str]:  # fmt: skip
    shown = {k: _show(k, record[k], lang) for k in keys}
    width = max(len(labels[k]) for k in keys)
    value_width = max(len(v) for v in shown.values())
    return [f"  {labels[k].ljust(width)}  {shown[k].rjust(value_width)}" for k in keys]


def _change(change: Any, relative: Any, kind: str, lang: str) -> str:
    """A ratio's change in percentage points; any other figure's change in per cent."""
    if change is None:
        return fmt.DASH
    if kind == "ratio":
        return fmt.number(change * 100, lang, 1) + (" п.п." if lang == "ru" else " pp")
    return fmt.percent(relative, lang)


def _comparison_lines(comparison: dict[str, Any], labels: dict[str, str], lang: str) -> list[str]:
    prev, year = comparison["previous_period"], comparison["year_earlier_period"]
    out = [
        f"  {labels['previous']}: {fmt.day(prev['from'], lang)} — {fmt.day(prev['to'], lang)}; "
        f"{labels['year_earlier']}: {fmt.day(year['from'], lang)} — {fmt.day(year['to'], lang)}"
    ]
    rows = []
    for figure in comparison["figures"]:
        key = figure["metric"]
        if key not in labels:
            continue

        kind = figure["kind"]
        rows.append({
            "metric": labels[key],
            "current": _show(key, figure["current"], lang),
            "previous": _show(key, figure["previous"], lang),
            "change": _change(figure["change"], figure["change_rel"], kind, lang),
            "year_earlier": _show(key, figure["year_earlier"], lang),
            "change_year": _change(figure["change_year"], figure["change_year_rel"], kind, lang),
        })  # fmt: skip
    keys = ("metric", "current", "previous", "change", "year_earlier", "change_year")
    names = {**labels, "change_year": labels["change"]}
    return out + _table(rows, keys, names, lang)


def format_text(report: dict[str, Any], lang: str = "ru", filters: Filters | None = None) -> str:
    """The report as a readable page: labels in `lang` ("ru" or "en"), money as '58 900 ₽' /
    '32,9 млн ₽', ratios as '47,4 %', null as '—'. With `filters`, a line says which."""
    labels = _LABELS[lang]
    period = report["period"]
    title = labels["title"].format(
        start=fmt.day(period["from"], lang), end=fmt.day(period["to"], lang)
    )
    summary = report.get("summary")
    if summary is not None:
        title += " · " + labels["data_end"].format(day=fmt.day(summary["data_end"], lang))
    out = [title]
    if filters is not None:
        out.append(f"{labels['filters']}: {_filters_text(filters, lang)}")

    sections: list[tuple[str, Callable[[Any], list[str]]]] = [
        ("summary", lambda s: _pairs(s, SUMMARY_KEYS[:-1], labels, lang)),
        ("comparison", lambda c: _comparison_lines(c, labels, lang)),
        ("doctors", lambda r: _table(r, ("doctor", *BREAKDOWN_KEYS), labels, lang)),
        ("departments", lambda r: _table(r, ("department", *BREAKDOWN_KEYS), labels, lang)),
        ("services", lambda r: _table(r, SERVICE_KEYS, labels, lang)),
        ("monthly", lambda r: _table(r, MONTHLY_KEYS, labels, lang)),
        ("funnel", lambda s: _funnel_lines(s, labels, lang)),
        ("marketing", lambda r: _table(r, MARKETING_KEYS, labels, lang)),
        ("appointments", lambda s: _pairs(s, APPOINTMENT_KEYS, labels, lang)),
        ("quality", lambda s: _pairs(s, QUALITY_KEYS, labels, lang)),
    ]
    for key, render in sections:
        if key not in report:
            continue
        value = report[key]
        out += ["", labels[key]]
        if value is None:
            out.append(f"  {labels['no_data']}")
        elif isinstance(value, list) and not value:
            out.append(f"  {labels['empty']}")
        else:
            out += render(value)
    return "\n".join(out) + "\n"


def _funnel_lines(funnel: dict[str, Any], labels: dict[str, str], lang: str) -> list[str]:
    out = _pairs(funnel, FUNNEL_KEYS, labels, lang)
    for key, name in (("by_channel", "channel"), ("by_operator", "operator")):
        if funnel[key]:
            out += ["", f"  {labels[key]}"]
            out += _table(funnel[key], (name, *FUNNEL_KEYS), labels, lang)
    return out


# ---------------------------------------------------------------------------------------------
# CLI


def _filters_text(f: Filters, lang: str = "ru") -> str:
    labels = _LABELS[lang]
    parts = []
    for name in ("doctor", "department", "branch"):
        value = getattr(f, name)
        if value is not None:
            shown = value if isinstance(value, str) else ", ".join(value)
            parts.append(f"{labels[name + '_filter']} {shown}")
    parts.append(labels["windows"].format(h=f.return_window, w=f.funnel_window))
    return "; ".join(parts)


def run_report(args: argparse.Namespace) -> int:
    """`report` with parsed arguments (see CLI.md): prints the report, returns the exit code
    (0 done, 2 bad arguments, 1 the store cannot be read)."""
    try:
        filters = Filters(
            date_from=args.date_from,
            date_to=args.date_to,
            doctor=getattr(args, "doctor", None),
            department=getattr(args, "department", None),
            branch=getattr(args, "branch", None),
            return_window=getattr(args, "return_window", 180),
            funnel_window=getattr(args, "funnel_window", 90),
        )
    except MetricsError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    db = getattr(args, "db", None)
    path = Path(db) if db else default_db_path()
    output = getattr(args, "format", "text") or "text"
    try:
        if output == "json":
            report = build_report(path, filters)
            text = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
        else:
            text = format_text(build_report(path, filters, comparison=True), filters=filters)
    except StoreError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0
