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
from clinic_bi.present import figures, report_ahead, words
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
        "compared_period": {
            "from": result.current.date_from.isoformat(),
            "to": result.current.date_to.isoformat(),
        },
        "previous_period": {
            "from": result.previous.date_from.isoformat(),
            "to": result.previous.date_to.isoformat(),
        },
        "year_earlier_period": {
            "from": result.year_earlier.date_from.isoformat(),
            "to": result.year_earlier.date_to.isoformat(),
        },
        "same_periods": result.same_periods,
        "ltv_age_days": result.ltv_age,
        "figures": _records(result.table, list(result.table.columns)),
    }


def build_report(
    engine_or_path: Engine | Path | str, filters: Filters, *, comparison: bool = False,
    ahead: bool = False, lang: str | None = None, fixed_costs: str = "none",
) -> dict[str, Any]:
    """The report object of CLI.md for one period. A section whose source table holds no rows
    is None (services: summary, doctors, departments, services, monthly; leads: funnel;
    marketing_spend: marketing; appointments: appointments; quality: reviews and appointments
    both empty). `comparison=True` adds a `comparison` key (previous period, a year earlier);
    `ahead=True` the looking-ahead sections (report_ahead.KEYS: forecast, plan, changes,
    call_lists, margins), the sentences of `changes` in `lang` (both languages without), the
    margins' fixed costs `fixed_costs` ("none": unallocated, "hours": by chair hours)."""
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
        if ahead:
            report.update(report_ahead.sections(engine, f, lang, fixed_costs))
    return report


# ---------------------------------------------------------------------------------------------
# Text

# Figures are named and written by clinic_bi/present/figures.py (a table's header is a figure's short
# name, a line of its own its full name), other columns and the report's words by words.py.


def _word(key: str, lang: str, **kwargs: Any) -> str:
    return words.t(f"report_{key}", lang, **kwargs)


def _show(key: str, value: Any, lang: str) -> str:
    if key == "month":
        return fmt.month(value, lang)
    if key == "data_end":
        return fmt.day(value, lang)
    if isinstance(value, str):
        return value
    return figures.show(key, value, lang)


def _table(rows: list[dict[str, Any]], keys: Sequence[str], lang: str,
           header: Sequence[str] | None = None) -> list[str]:  # fmt: skip
    """Aligned columns under the short names: the first (a name) left, figures right."""
    header = list(header) if header is not None else [words.short_label(k, lang) for k in keys]
    body = []
    for row in rows:
        first = row[keys[0]]
        cells = [words.value("none", lang) if first is None else _show(keys[0], first, lang)]
        cells += [_show(k, row[k], lang) for k in keys[1:]]
        body.append(cells)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(keys))]

    def line(cells: list[str]) -> str:
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), *(line(c) for c in body)]


def _member_table(rows: list[dict[str, Any]], dimension: str, lang: str) -> list[str]:
    """A doctors' or departments' table: their own return rate and LTV under their own names
    (figures.py: return_rate_doctor, ltv_doctor …), not the clinic's."""
    own = figures.own_names(dimension)
    keys = (dimension, *(own.get(k, k) for k in BREAKDOWN_KEYS))
    renamed = [{own.get(k, k): v for k, v in row.items()} for row in rows]
    return _table(renamed, keys, lang)


def _pairs(record: dict[str, Any], keys: Sequence[str], lang: str) -> list[str]:
    """One line per figure: its full name, its value."""
    names = {k: words.label(k, lang) for k in keys}
    shown = {k: _show(k, record[k], lang) for k in keys}
    width = max(len(names[k]) for k in keys)
    value_width = max(len(v) for v in shown.values())
    return [f"  {names[k].ljust(width)}  {shown[k].rjust(value_width)}" for k in keys]


def _change(change: Any, relative: Any, kind: str, lang: str) -> str:
    """figures.change_text without a plus sign: percentage points for a ratio, per cent else."""
    return figures.change_text(kind, change, relative, lang, signed=False) or fmt.DASH


def _comparison_lines(comparison: dict[str, Any], lang: str) -> list[str]:
    """The comparison as the cards make it (METRICS.md "Comparison"): the periods compared, one
    comparison where the previous period is a year earlier, and no change where a month is
    missing from the data of a figure (the months are named below the table)."""
    now, prev, year = (comparison[k] for k in ("compared_period", "previous_period",
                                                "year_earlier_period"))  # fmt: skip
    one = comparison["same_periods"]

    def span(p: dict[str, str]) -> str:
        return f"{fmt.day(p['from'], lang)} — {fmt.day(p['to'], lang)}"

    head = f"  {_word('current', lang)}: {span(now)}"
    if not one:
        head += f"; {_word('previous', lang)}: {span(prev)}"
    out = [head + f"; {_word('year_earlier', lang)}: {span(year)}"]
    rows, gaps = [], set()
    for figure in comparison["figures"]:
        key = figure["metric"]
        if figures.get(key) is None:
            continue
        kind = figure["kind"]
        missing = sorted(set(figure["gaps"]) | set(figure["gaps_year"]))
        gaps.update(missing)
        mark = " *" if missing else ""
        rows.append({
            "metric": words.label(key, lang) + mark,
            "current": _show(key, figure["current"], lang),
            "previous": _show(key, figure["previous"], lang),
            "change": _change(figure["change"], figure["change_rel"], kind, lang),
            "year_earlier": _show(key, figure["year_earlier"], lang),
            "change_year": _change(figure["change_year"], figure["change_year_rel"], kind, lang),
        })  # fmt: skip
    keys = (("metric", "current", "year_earlier", "change_year") if one else
            ("metric", "current", "previous", "change", "year_earlier", "change_year"))
    header = [_word("change" if k == "change_year" else k, lang) for k in keys]
    out += _table(rows, keys, lang, header)
    if gaps:
        out.append("  * " + _word("gaps", lang, months=figures.months_text(sorted(gaps), lang)))
    if comparison.get("ltv_age_days"):
        out.append("  " + _word("ltv_age", lang, days=comparison["ltv_age_days"]))
    return out


def format_text(report: dict[str, Any], lang: str = "ru", filters: Filters | None = None) -> str:
    """The report as a readable page: labels in `lang` ("ru" or "en"), money as '58 900 ₽' /
    '32,9 млн ₽', ratios as '47,4 %', null as '—'. With `filters`, a line says which."""
    period = report["period"]
    title = _word("title", lang, start=fmt.day(period["from"], lang),
                  end=fmt.day(period["to"], lang))  # fmt: skip
    summary = report.get("summary")
    if summary is not None:
        title += " · " + _word("data_end", lang, day=fmt.day(summary["data_end"], lang))
    out = [title]
    if filters is not None:
        out.append(f"{_word('filters', lang)}: {filters_text(filters, lang)}")

    sections: list[tuple[str, Callable[[Any], list[str]]]] = [
        ("summary", lambda s: _pairs(s, SUMMARY_KEYS[:-1], lang)),
        ("comparison", lambda c: _comparison_lines(c, lang)),
        ("doctors", lambda r: _member_table(r, "doctor", lang)),
        ("departments", lambda r: _member_table(r, "department", lang)),
        ("services", lambda r: _table(r, SERVICE_KEYS, lang)),
        ("monthly", lambda r: _table(r, MONTHLY_KEYS, lang)),
        ("funnel", lambda s: _funnel_lines(s, lang)),
        ("marketing", lambda r: _table(r, MARKETING_KEYS, lang)),
        ("appointments", lambda s: _pairs(s, APPOINTMENT_KEYS, lang)),
        ("quality", lambda s: _pairs(s, QUALITY_KEYS, lang)),
        *((key, lambda s, key=key: report_ahead.lines(key, s, lang)) for key in report_ahead.KEYS),
    ]
    for key, render in sections:
        if key not in report:
            continue
        value = report[key]
        out += ["", _word(key, lang)]
        if value is None:
            out.append(f"  {_word('no_data', lang)}")
        elif isinstance(value, list) and not value:
            out.append(f"  {_word('empty', lang)}")
        else:
            out += render(value)
    out += definitions(report, lang)
    return "\n".join(out) + "\n"


def definitions(report: dict[str, Any], lang: str) -> list[str]:
    """The footnote: what each headline figure and the doctors' own figures mean, in the
    registry's words (figures.py), for the sections the report holds."""
    names: list[str] = []
    if report.get("summary"):
        names += [k for k in SUMMARY_KEYS[:-1] if figures.get(k) is not None]
    if report.get("comparison"):
        names.append("ltv_at_age")
    if report.get("doctors"):
        names += ["return_rate_doctor", "ltv_doctor"]
    if report.get("departments"):
        names += ["return_rate_department", "ltv_department"]
    if not names:
        return []
    out = ["", _word("definitions", lang)]
    for name in dict.fromkeys(names):
        figure = figures.get(name)
        out.append(f"  {figure.label(lang)}: {figure.definition(lang)}")
    return out


def _funnel_lines(funnel: dict[str, Any], lang: str) -> list[str]:
    out = _pairs(funnel, FUNNEL_KEYS, lang)
    for key, name in (("by_channel", "channel"), ("by_operator", "operator")):
        if funnel[key]:
            out += ["", f"  {_word(key, lang)}"]
            out += _table(funnel[key], (name, *FUNNEL_KEYS), lang)
    return out


# ---------------------------------------------------------------------------------------------
# CLI


def filters_text(f: Filters, lang: str = "ru") -> str:
    """The doctors, departments and branches a report is narrowed to and its return and funnel
    windows, as the header line reads them (the text, PDF and XLSX reports share it)."""
    parts = []
    for name in ("doctor", "department", "branch"):
        value = getattr(f, name)
        if value is not None:
            shown = value if isinstance(value, str) else ", ".join(value)
            parts.append(f"{_word(name + '_filter', lang)} {shown}")
    parts.append(_word("windows", lang, h=f.return_window, w=f.funnel_window))
    return "; ".join(parts)


def resolve_period(args: argparse.Namespace, path: Path) -> tuple[str, str]:
    """--from/--to as given, or the dates of --period counted back from the store's last day of
    data (StoreError when the store cannot be read, MetricsError when neither or both are
    given)."""
    from clinic_bi.periods import preset_range

    preset = getattr(args, "period", None)
    given = (getattr(args, "date_from", None), getattr(args, "date_to", None))
    if preset and any(given):
        raise MetricsError("укажите либо --period, либо --from и --to, не всё вместе.")
    if not preset:
        if not all(given):
            raise MetricsError("укажите --from и --to (ГГГГ-ММ-ДД) или --period.")
        return given  # type: ignore[return-value]
    with open_engine(path) as engine:
        end = engine.facts().data_end
    if end is None:
        raise MetricsError("в хранилище ещё нет услуг, а --period отсчитывается от последнего "
                           "дня данных: укажите --from и --to.")
    start, stop = preset_range(preset, end)
    return start.isoformat(), stop.isoformat()


def run_report(args: argparse.Namespace) -> int:
    """`report` with parsed arguments (see CLI.md): prints the report (or writes the PDF / XLSX
    to --out), returns the exit code (0 done, 2 bad arguments, 1 the store cannot be read)."""
    db = getattr(args, "db", None)
    path = Path(db) if db else default_db_path()
    output = getattr(args, "format", "text") or "text"
    lang = getattr(args, "lang", "ru") or "ru"
    out = getattr(args, "out", None)
    if output in ("pdf", "xlsx") and not out:
        print(f"report: --format {output} записывает файл: укажите --out ФАЙЛ.", file=sys.stderr)
        return 2
    try:
        date_from, date_to = resolve_period(args, path)
        filters = Filters(
            date_from=date_from,
            date_to=date_to,
            doctor=getattr(args, "doctor", None),
            department=getattr(args, "department", None),
            branch=getattr(args, "branch", None),
            return_window=getattr(args, "return_window", 180),
            funnel_window=getattr(args, "funnel_window", 90),
        )
    except MetricsError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    try:
        ahead = getattr(args, "ahead", True)
        fixed_costs = getattr(args, "fixed_costs", "none") or "none"
        if output in ("pdf", "xlsx"):
            from clinic_bi.paths import open_private
            from clinic_bi.present.report_files import render_file

            data = render_file(path, filters, output, lang, fixed_costs)
            with open_private(Path(out)) as fh:
                fh.write(data)
            return 0
        if output == "json":
            report = build_report(path, filters, ahead=ahead, fixed_costs=fixed_costs)
            text = json.dumps(report, ensure_ascii=False, indent=1) + "\n"
        else:
            text = format_text(build_report(path, filters, comparison=True, ahead=ahead,
                                            lang=lang, fixed_costs=fixed_costs),
                               lang=lang, filters=filters)  # fmt: skip
    except StoreError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0
