"""The owner's report as an XLSX workbook (issue 16): the report object of `build_report` written
with xlsxwriter — a Сводка / Summary sheet, then a sheet per section the store has data for.

Every figure is a number in its cell with a native number format, so the workbook can be summed,
sorted and charted; the formats follow the figures' kinds (figures.py):

    money   #,##0 "₽"      the `,` is Excel's thousands separator *placeholder*: a Russian Excel
                           shows the locale's separator (58 900 ₽), an English one 58,900 ₽. A
                           literal space (`# ##0`) would group only the last three digits.
    ratio   0.0%           a fraction (0.474 -> 47,4 %); the digits are the figure's
    count   #,##0          whole numbers; a fractional count (a quantity of 2,5) gets #,##0.00
    number  #,##0.0        the figure's digits, with its unit in the format ("6,5 мин")
    day     dd.mm.yyyy     a real date (yyyy-mm-dd in English, as fmt.day writes it)
    month   mmm yyyy       the first day of the month, with a locale tag ([$-419] Russian,
                           [$-409] English) so the month's name is in the report's language

A change is a relative change as a fraction (+0.0%) or, for a ratio, percentage points as a
number of points (+0.0 "п.п."); where the comparison is not made (a month missing from the
data, periods of unequal length, LTV to date) the cell says why instead.

Columns are named as the app's table downloads name them (words.label: the figures' full names
of figures.py, the other columns of words.py and the features' word modules); money keeps its
kopecks (rounded to 2 decimals, as the downloads do). Text from the clinic's files (a doctor, a
service, a channel) is always written as a string, never as a formula: `strings_to_formulas` is
off and every text cell goes through `write_string`; one that starts with = + - @ or a tab /
carriage return also carries Excel's quote prefix, so editing it keeps it text.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from clinic_bi import fmt
from clinic_bi.metrics import Filters
from clinic_bi.present import figures, forecast_text, words, words_margins, words_report_file
from clinic_bi.present.report import (
    APPOINTMENT_KEYS,
    BREAKDOWN_KEYS,
    FUNNEL_KEYS,
    MARKETING_KEYS,
    MONTHLY_KEYS,
    QUALITY_KEYS,
    SERVICE_KEYS,
    filters_text,
)
from clinic_bi.tables import TABLE_SPECS

# -- number formats ------------------------------------------------------------------------------

MONEY = '#,##0 "₽"'
COUNT = "#,##0"
DATE = {"ru": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
MONTH = {"ru": "[$-419]mmm yyyy", "en": "[$-409]mmm yyyy"}
CHANGE = "+0.0%;-0.0%;0.0%"
# the axis of a money chart in millions: `,,` divides by a million
MILLIONS = {"ru": '#,##0.0,, "млн ₽"', "en": '#,##0.0,,"M ₽"'}
MAX_WIDTH = 50
TABLE_STYLE = "Table Style Medium 2"
_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
# Columns that hold names, not numbers (words.COLUMNS also names counts: rows, lines).
TEXT_COLUMNS = frozenset({
    "doctor", "department", "main_department", "branch", "service", "abc", "channel",
    "operator", "weekday", "table", "kind_of_visit", "member", "status", "scope_name",
    "goal_scope", "goal_figure", "card", "contract_id", "pending", "item",
})  # fmt: skip


def num_format(kind: str, lang: str) -> str | None:
    """The Excel number format of a cell kind: money, count, ratio<digits>, number<digits>
    [|unit], points (percentage points), change (a relative change), date, month; text: None."""
    if kind == "money":
        return MONEY
    if kind.startswith("count"):
        return COUNT
    if kind == "change":
        return CHANGE
    if kind == "points":
        unit = figures.POINTS[lang]
        return f'+0.0 "{unit}";-0.0 "{unit}";0.0 "{unit}"'
    if kind == "date":
        return DATE[lang]
    if kind == "month":
        return MONTH[lang]
    if kind.startswith("ratio"):
        digits = int(kind[5:] or 1)
        return ("0." + "0" * digits if digits else "0") + "%"
    if kind.startswith("number"):
        spec, _, unit = kind[6:].partition("|")
        digits = int(spec or 0)
        text = "#,##0" + ("." + "0" * digits if digits else "")
        return f'{text} "{unit}"' if unit else text
    return None


def column_kind(column: str, lang: str) -> str:
    """How a column's cells are written: a figure by its kind and digits (figures.py), the
    margins' columns by words_margins' sets, months and days as dates, else text / a count."""
    figure = figures.get(column)
    if figure is not None:
        if figure.kind == "ratio":
            return f"ratio{figure.digits}"
        if figure.kind == "number":
            unit = figure.unit_ru if lang == "ru" else figure.unit_en
            return f"number{figure.digits}" + (f"|{unit}" if unit else "")
        if figure.kind == "count" and figure.digits:
            return f"count{figure.digits}"
        return figure.kind
    if column in words_margins.MONEY:
        return "money"
    if column in words_margins.RATIOS:
        return "ratio1"
    if column in words_margins.DECIMALS:
        return "number1"
    if column == "month":
        return "month"
    if column.endswith("_date") or column in ("as_of", "data_end"):
        return "date"
    if column in TEXT_COLUMNS:
        return "text"
    return "count"


# -- words ---------------------------------------------------------------------------------------


def _t(key: str, lang: str, **kwargs: Any) -> str:
    """A phrase of words_report_file (the report file's own words) or of words.py."""
    pair = words_report_file.PHRASES.get(key)
    if pair is None:
        return words.t(key, lang, **kwargs)
    text = pair[0] if lang == "ru" else pair[1]
    return fmt.phrase(text, lang, **kwargs) if kwargs else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def sheet_name(text: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\ ."""
    return _SHEET_NAME_BAD.sub(" ", text).strip()[:31].strip() or "Sheet"


# -- cells ---------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    try:
        return bool(value != value)  # a NaN of numpy
    except (TypeError, ValueError):  # pd.NA: its truth is ambiguous
        return True


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 7:
        text = value[:10] if len(value) >= 10 else value[:7] + "-01"
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    return None


def _shown(kind: str, value: Any, lang: str) -> str:
    """The text a cell shows (for the column's width): fmt.py's writing of the kind."""
    if isinstance(value, str):
        return value
    if kind == "money":
        return fmt.money(value, lang, compact=False)
    if kind.startswith("ratio") or kind == "change":
        return "+" + fmt.percent(value, lang)
    if kind == "points":
        return "+" + fmt.number(value, lang, 1) + " " + figures.POINTS[lang]
    if kind.startswith("number"):
        spec, _, unit = kind[6:].partition("|")
        return fmt.number(value, lang, int(spec or 0)) + (f" {unit}" if unit else "")
    return fmt.number(value, lang)


@dataclass
class _Sheet:
    """One worksheet being written: a row cursor and each column's widest text."""

    book: _Book
    ws: Worksheet
    name: str
    row: int = 0
    widths: dict[int, int] = field(default_factory=dict)
    last_col: int = 0
    tables: int = 0

    @property
    def lang(self) -> str:
        return self.book.lang

    def fit(self, col: int, text: str) -> None:
        self.widths[col] = max(self.widths.get(col, 0), len(text))
        self.last_col = max(self.last_col, col)

    def put(self, row: int, col: int, value: Any, kind: str = "text", *, bold: bool = False,
            measure: bool = True, wrap: int = 0) -> None:  # fmt: skip
        """One cell: a number with its kind's format, a date as a date, text as a string
        (never a formula), an empty cell for None / NaN. `wrap`: text wraps in a column about
        that wide (a note between figures, which cannot run over into the next cell)."""
        lang = self.lang
        if _missing(value):
            # empty, with the column's format (a value typed in later reads the same)
            if num_format(kind, lang) is not None:
                self.ws.write_blank(row, col, None, self.book.fmt(kind, bold=bold))
            return
        if kind in ("date", "month"):
            day = _as_date(value)
            if day is None:
                return
            self.ws.write_datetime(row, col, datetime(day.year, day.month, day.day),
                                   self.book.fmt(kind, bold=bold))  # fmt: skip
            if measure:
                self.fit(col, fmt.day(day, lang) if kind == "date" else fmt.month(day, lang))
            return
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            text = value
            risky = text.startswith(_DANGEROUS_START)
            self.ws.write_string(row, col, text,
                                 self.book.fmt("text", bold=bold, quote=risky, wrap=bool(wrap)))
            if measure:
                self.fit(col, text[:wrap] if wrap else text)
            return
        if kind == "text":
            kind = "count"
        number = float(value)
        if kind == "money":
            number = round(number, 2)
        elif kind.startswith("count"):
            # a count's digits show only where it has a fraction (figures.show): a quantity
            # of 2,5; a projected 327,5 visits reads as 327, as on the page
            digits = int(kind[5:] or 0)
            kind = f"number{digits}" if digits and not number.is_integer() else "count"
        self.ws.write_number(row, col, number, self.book.fmt(kind, bold=bold))
        if measure:
            self.fit(col, _shown(kind, number, lang))

    # -- blocks

    def title(self, text: str, *, big: bool = False) -> None:
        self.ws.write_string(self.row, 0, text, self.book.heading(big))
        self.row += 1

    def line(self, text: str) -> None:
        """A sentence: written whole, not counted in the column's width (it runs over)."""
        self.put(self.row, 0, text, measure=False)
        self.row += 1

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def pairs(self, rows: Sequence[tuple[str, Any, str]]) -> tuple[int, int]:
        """Name | value lines (a figure's full name and its value); returns the rows used."""
        first = self.row
        for name, value, kind in rows:
            self.put(self.row, 0, name)
            self.put(self.row, 1, value, kind)
            self.row += 1
        return first, self.row - 1

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Any]],
              kinds: Sequence[str], *, freeze: bool = False) -> tuple[int, int] | None:  # fmt: skip
        """An Excel table (its own autofilter and banding): a header row of `columns`, then the
        rows. Returns the first and last data row, None (and a line) when there are no rows."""
        if not rows:
            self.line(words.t("report_empty", self.lang))
            return None
        header = self.row
        last = header + len(rows)
        self.tables += 1
        name = re.sub(r"\W", "_", f"Table_{self.book.sheets}_{self.tables}", flags=re.ASCII)
        self.ws.add_table(header, 0, last, len(columns) - 1, {
            "name": name, "style": TABLE_STYLE, "autofilter": True,
            "columns": [{"header": c, "header_format": self.book.header} for c in columns],
        })  # fmt: skip
        for col, text in enumerate(columns):
            self.fit(col, text + "  ")  # the filter button
        for offset, values in enumerate(rows, start=1):
            for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
                self.put(header + offset, col, value, kind)
        if freeze and header == 0:
            self.ws.freeze_panes(1, 1)
        self.row = last + 1
        return header + 1, last

    def chart(self, chart: Any) -> None:
        """A chart at the top, to the right of everything on the sheet."""
        self.ws.insert_chart(0, self.last_col + 2, chart, {"x_scale": 1.4, "y_scale": 1.3,
                                                           "object_position": 1})  # fmt: skip

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, min(max(width + 2, 6), MAX_WIDTH))


class _Book:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self.buffer, {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        })  # fmt: skip
        self._formats: dict[tuple[str, bool, bool, bool], Any] = {}
        self.header = self.wb.add_format({"bold": True, "valign": "top"})
        self._headings = {
            False: self.wb.add_format({"bold": True, "font_size": 12}),
            True: self.wb.add_format({"bold": True, "font_size": 14}),
        }
        self.sheets = 0

    def fmt(self, kind: str, *, bold: bool = False, quote: bool = False, wrap: bool = False) -> Any:
        key = (kind, bold, quote, wrap)
        if key not in self._formats:
            props: dict[str, Any] = {}
            code = num_format(kind, self.lang)
            if code is not None:
                props["num_format"] = code
            if bold:
                props["bold"] = True
            if quote:
                props["quote_prefix"] = True
            if wrap:
                props.update(text_wrap=True, valign="top")
            self._formats[key] = self.wb.add_format(props) if props else None
        return self._formats[key]

    def heading(self, big: bool) -> Any:
        return self._headings[big]

    def sheet(self, name: str) -> _Sheet:
        self.sheets += 1
        shown = sheet_name(name)
        return _Sheet(self, self.wb.add_worksheet(shown), shown)

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


# -- the sheets ----------------------------------------------------------------------------------


def _label(column: str, lang: str) -> str:
    """A column's name, as the table downloads name it (words.label: a figure's full name)."""
    return words.label(column, lang)


def _name(value: Any, column: str, lang: str) -> Any:
    """A row's name: 'не указан' for the unknown channel, 'без указания' for a missing one."""
    if _missing(value):
        return words.value("none", lang)
    if column == "channel" and value == "unknown":
        return words.value("unknown", lang)
    return value


def _records_table(sheet: _Sheet, records: list[dict[str, Any]], keys: Sequence[str],
                   names: Sequence[str] | None = None, *,
                   freeze: bool = False) -> tuple[int, int] | None:  # fmt: skip
    """A list of report records as a table, the first column the rows' names (or months):
    `keys` are the records' keys, `names` the columns' registry names where they differ (a
    doctor's own return rate: return_rate_doctor)."""
    lang = sheet.lang
    names = list(names or keys)
    kinds = [column_kind(n, lang) for n in names]
    if kinds[0] not in ("month", "date"):
        kinds[0] = "text"
    rows = []
    for record in records:
        values = [record.get(k) for k in keys]
        if kinds[0] == "text":
            values[0] = _name(values[0], keys[0], lang)
        rows.append(values)
    return sheet.table([_label(n, lang) for n in names], rows, kinds, freeze=freeze)


def _change_cell(figure: dict[str, Any], suffix: str, kind: str, flag: str | None) -> tuple[Any, str]:
    """The change of one figure against one period: percentage points for a ratio, a relative
    change else; the flag's text where the comparison is not made."""
    if flag:
        return flag, "text"
    if kind == "ratio":
        change = figure.get(f"change{suffix}")
        return (None if _missing(change) else change * 100), "points"
    return figure.get(f"change{suffix}_rel"), "change"


def _days(span: dict[str, str]) -> int:
    return (date.fromisoformat(span["to"]) - date.fromisoformat(span["from"])).days + 1


def _flags(figure: dict[str, Any], comparison: dict[str, Any], data_end: str | None,
           lang: str) -> tuple[str | None, str | None]:  # fmt: skip
    """Why a figure is not compared with the previous period and with a year earlier (METRICS.md
    "Comparison"), or None where it is: a month missing from the data of a table that feeds it,
    two periods of unequal length, a period after the data's end, LTV to date."""
    now = comparison["compared_period"]
    if data_end is not None and now["from"] > data_end:
        text = _t("rf_xlsx_ahead", lang, day=fmt.day(data_end, lang))
        return text, text
    if figure["metric"] == "ltv":
        text = _t("rf_ltv_not_compared", lang)
        return text, text
    if figure["metric"] == "ltv_at_age" and not comparison.get("ltv_age_days"):
        text = _t("rf_ltv_too_young", lang)
        return text, text
    out: list[str | None] = []
    for gaps, span in ((figure.get("gaps") or [], comparison["previous_period"]),
                       (figure.get("gaps_year") or [], None)):
        if gaps:
            out.append(words.t("report_gaps", lang, months=figures.months_text(sorted(gaps), lang)))
        elif span is not None and _days(span) != _days(now):
            # a year earlier is the same calendar days: only the previous period can differ
            out.append(_t("rf_xlsx_unequal", lang, n=_days(now), m=_days(span)))
        else:
            out.append(None)
    return out[0], out[1]


def _missing_exports(report: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(the table's name, a line: the sheets it leaves out or incomplete, and what to upload)
    for every table whose data the report lacks."""
    names = _sheet_names(lang)
    quality = report.get("quality")
    margins = report.get("margins")
    # (table, the sheets, whether they are left out (True) or only incomplete)
    missing: list[tuple[str, list[str], bool]] = []
    if report.get("summary") is None:
        sheets = ["doctors", "departments", "services", "monthly", "forecast", "call_lists"]
        missing.append(("services", [names[k] for k in sheets], True))
    if report.get("funnel") is None:
        missing.append(("leads", [names["funnel"]], True))
    if report.get("marketing") is None:
        missing.append(("marketing_spend", [names["marketing"]], True))
    if report.get("appointments") is None:
        missing.append(("appointments", [names["quality"]], quality is None))
    if quality is None or quality.get("reviews") is None:
        missing.append(("reviews", [names["quality"]], quality is None))
    if "plan" in report and report.get("plan") is None:
        missing.append(("goals", [names["plan"]], True))
    if "margins" in report:
        held = (margins or {}).get("cost_rows") or {}
        for table in ("service_costs", "pay_rules", "fixed_costs"):
            if not held.get(table):
                missing.append((table, [names["margins"]], margins is None))
    out = []
    for table, sheets, left_out in missing:
        spec = TABLE_SPECS[table]
        export = spec.export[0] if lang == "ru" else spec.export[1]
        shown = ", ".join(f"«{s}»" if lang == "ru" else s for s in dict.fromkeys(sheets))
        key = ("rf_xlsx_missing_part" if not left_out else
               "rf_xlsx_missing_one" if len(sheets) == 1 else "rf_xlsx_missing_many")
        out.append((words.table_label(table, lang),
                    _cap(_t(key, lang, sheets=shown, export=export))))
    return out


def _sheet_names(lang: str) -> dict[str, str]:
    keys = {
        "summary": "report_summary", "doctors": "report_doctors",
        "departments": "report_departments", "services": "report_services",
        "monthly": "report_monthly", "funnel": "rf_xlsx_sheet_funnel",
        "marketing": "report_marketing", "quality": "rf_xlsx_sheet_quality",
        "forecast": "report_forecast", "plan": "report_plan", "margins": "report_margins",
        "call_lists": "report_call_lists",
    }  # fmt: skip
    return {k: sheet_name(_t(v, lang)) for k, v in keys.items()}


def _summary_sheet(book: _Book, report: dict[str, Any], filters: Filters) -> None:
    lang = book.lang
    sheet = book.sheet(_sheet_names(lang)["summary"])
    period = report["period"]
    summary = report.get("summary")
    data_end = (summary or {}).get("data_end") or (report.get("forecast") or {}).get("data_end")
    sheet.title(words.t("report_title", lang, start=fmt.day(period["from"], lang),
                        end=fmt.day(period["to"], lang)), big=True)  # fmt: skip
    sheet.skip()
    comparison = report.get("comparison")
    info: list[tuple[str, Any, Any, str]] = [
        (_t("rf_xlsx_period", lang), period["from"], period["to"], "date"),
    ]
    if data_end:
        info.append((_t("rf_xlsx_data_end", lang), data_end, None, "date"))
    if comparison:
        now = comparison["compared_period"]
        if now != {"from": period["from"], "to": period["to"]}:
            info.append((_t("rf_xlsx_compared", lang), now["from"], now["to"], "date"))
        if not comparison["same_periods"]:
            p = comparison["previous_period"]
            info.append((_cap(words.t("report_previous", lang)), p["from"], p["to"], "date"))
        y = comparison["year_earlier_period"]
        info.append((_cap(words.t("report_year_earlier", lang)), y["from"], y["to"], "date"))
    for name, a, b, kind in info:
        sheet.put(sheet.row, 0, name, bold=True)
        sheet.put(sheet.row, 1, a, kind)
        sheet.put(sheet.row, 2, b, kind)
        sheet.row += 1
    sheet.put(sheet.row, 0, words.t("report_filters", lang), bold=True)
    sheet.put(sheet.row, 1, filters_text(filters, lang), measure=False)
    sheet.row += 2

    missing = _missing_exports(report, lang)
    if missing:
        sheet.title(_t("rf_xlsx_missing_title", lang))
        for export, text in missing:
            sheet.put(sheet.row, 0, export)
            sheet.put(sheet.row, 1, text, measure=False)
            sheet.row += 1
        sheet.skip()

    if summary is not None:
        _headline(sheet, report, data_end)

    changes = report.get("changes")
    found = (changes or {}).get("top") or ((changes or {}).get("sentences", {}).get(lang) or [])[:3]
    if found:
        sheet.title(words.t("report_changes", lang))
        for sentence in found:
            sheet.line(sentence)
    sheet.finish()


def _headline(sheet: _Sheet, report: dict[str, Any], data_end: str | None) -> None:
    """The headline figures: this period, the previous one and a year earlier, with changes."""
    lang = sheet.lang
    summary = report["summary"]
    comparison = report.get("comparison")
    one = bool(comparison and comparison["same_periods"])
    columns = [words.t("report_metric", lang), words.t("report_current", lang)]
    if comparison:
        if not one:
            columns += [words.t("report_previous", lang), words.t("report_change", lang)]
        columns += [words.t("report_year_earlier", lang), words.t("report_change", lang)]
    columns.append(_t("rf_xlsx_definition", lang))
    sheet.title(words.t("report_comparison" if comparison else "report_summary", lang))
    for col, text in enumerate(columns):
        sheet.put(sheet.row, col, _cap(text), bold=True, measure=col < len(columns) - 1)
    sheet.row += 1
    listed: set[str] = set()
    for figure in (comparison or {}).get("figures", []):
        name = figure["metric"]
        entry = figures.get(name)
        if entry is None:
            continue
        listed.add(name)
        kind = column_kind(name, lang)
        flag, flag_year = _flags(figure, comparison, data_end, lang)
        cells: list[tuple[Any, str]] = [(entry.label(lang), "text"), (figure["current"], kind)]
        if not one:
            cells += [(figure["previous"], kind), _change_cell(figure, "", entry.kind, flag)]
        cells += [(figure["year_earlier"], kind),
                  _change_cell(figure, "_year", entry.kind, flag_year)]
        cells.append((entry.definition(lang), "text"))
        for col, (value, cell_kind) in enumerate(cells):
            last = col == len(cells) - 1
            sheet.put(sheet.row, col, value, cell_kind, measure=not last,
                      wrap=24 if cell_kind == "text" and col > 0 and not last else 0)
        sheet.row += 1
    for name in (k for k in summary if k != "data_end" and k not in listed):
        entry = figures.get(name)
        if entry is None:
            continue
        sheet.put(sheet.row, 0, entry.label(lang))
        sheet.put(sheet.row, 1, summary[name], column_kind(name, lang))
        sheet.put(sheet.row, len(columns) - 1, entry.definition(lang), measure=False)
        sheet.row += 1
    if comparison and comparison.get("ltv_age_days"):
        sheet.line(words.t("report_ltv_age", lang, days=comparison["ltv_age_days"]))
    sheet.skip()


def _doctors_like(book: _Book, title: str, records: list[dict[str, Any]], dimension: str,
                  chart: bool = False) -> None:  # fmt: skip
    """Врачи / Направления: the breakdown with the doctor's or department's own return rate
    and LTV under their own names (figures.own_names)."""
    lang = book.lang
    sheet = book.sheet(title)
    own = figures.own_names(dimension)
    keys = (dimension, *BREAKDOWN_KEYS)
    names = (dimension, *(own.get(k, k) for k in BREAKDOWN_KEYS))
    rows = _records_table(sheet, records, keys, names, freeze=True)
    if chart and rows is not None:
        first, last = rows
        col = keys.index("revenue")
        bar = book.wb.add_chart({"type": "bar"})
        bar.add_series({
            "name": _label("revenue", lang),
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, col, last, col],
            "data_labels": {"value": True, "num_format": MILLIONS[lang]},
        })  # fmt: skip
        bar.set_title({"name": _t("rf_by_department", lang)})
        bar.set_legend({"none": True})
        bar.set_y_axis({"reverse": True})  # the first row at the top
        bar.set_x_axis({"num_format": MILLIONS[lang], "major_gridlines": {"visible": True}})
        sheet.chart(bar)
    sheet.finish()


def _monthly_sheet(book: _Book, records: list[dict[str, Any]], title: str) -> None:
    lang = book.lang
    sheet = book.sheet(title)
    rows = _records_table(sheet, records, MONTHLY_KEYS, freeze=True)
    if rows is not None:
        first, last = rows
        revenue, visits = MONTHLY_KEYS.index("revenue"), MONTHLY_KEYS.index("visits")
        column = book.wb.add_chart({"type": "column"})
        column.add_series({
            "name": _label("revenue", lang),
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, revenue, last, revenue],
        })  # fmt: skip
        line = book.wb.add_chart({"type": "line"})
        line.add_series({
            "name": _label("visits", lang),
            "categories": [sheet.name, first, 0, last, 0],
            "values": [sheet.name, first, visits, last, visits],
            "y2_axis": True, "marker": {"type": "circle"},
        })  # fmt: skip
        column.combine(line)
        column.set_title({"name": words.t("trend_title", lang)})
        column.set_x_axis({"num_format": MONTH[lang], "text_axis": True})
        column.set_y_axis({"num_format": MILLIONS[lang], "name": _label("revenue", lang)})
        line.set_y2_axis({"num_format": COUNT, "name": _label("visits", lang)})
        column.set_legend({"position": "bottom"})
        sheet.chart(column)
    sheet.finish()


def _funnel_sheet(book: _Book, funnel: dict[str, Any], title: str) -> None:
    lang = book.lang
    sheet = book.sheet(title)
    sheet.title(words.t("report_funnel", lang))
    first, _ = sheet.pairs([(_label(k, lang), funnel[k], column_kind(k, lang))
                            for k in FUNNEL_KEYS])  # fmt: skip
    bar = book.wb.add_chart({"type": "bar"})
    bar.add_series({
        "name": words.t("funnel_steps_title", lang),
        "categories": [sheet.name, first, 0, first + 3, 0],
        "values": [sheet.name, first, 1, first + 3, 1],
        "data_labels": {"value": True, "num_format": COUNT},
    })  # fmt: skip
    bar.set_title({"name": words.t("funnel_steps_title", lang)})
    bar.set_legend({"none": True})
    bar.set_y_axis({"reverse": True})
    bar.set_x_axis({"num_format": COUNT, "major_gridlines": {"visible": True}})
    for key, name in (("by_channel", "channel"), ("by_operator", "operator")):
        sheet.skip()
        sheet.title(words.t(f"report_{key}", lang))
        _records_table(sheet, funnel.get(key) or [], (name, *FUNNEL_KEYS))
    sheet.chart(bar)
    sheet.finish()


def _quality_sheet(book: _Book, report: dict[str, Any], title: str) -> None:
    lang = book.lang
    sheet = book.sheet(title)
    for key, keys in (("appointments", APPOINTMENT_KEYS), ("quality", QUALITY_KEYS)):
        section = report.get(key)
        if section is None:
            continue
        sheet.title(words.t(f"report_{key}", lang))
        # without reviews, the quality section holds only the waiting time
        sheet.pairs([(_label(k, lang), section[k], column_kind(k, lang)) for k in keys
                     if section[k] is not None or k == "avg_wait_min"])
        sheet.skip()
    sheet.finish()


def _forecast_sheet(book: _Book, section: dict[str, Any], title: str) -> None:
    lang = book.lang
    t = words.t
    sheet = book.sheet(title)
    p = section.get("projection")
    if p is not None:
        sheet.title(t("fc_projection_title", lang, month=fmt.month(p["month"], lang)))
        columns = [t("plan_col_figure", lang),
                   t("fc_done", lang, day=fmt.day(section["data_end"], lang)),
                   t("fc_expected", lang), t("fc_projected", lang)]  # fmt: skip
        # money on the revenue row, counts below: the kind goes with the row, not the column
        rows = (
            ("revenue", ("done_revenue", "expected_revenue_rest", "projected_revenue")),
            ("visits", ("done_visits", "expected_visits_rest", "projected_visits")),
            ("new_patients", ("done_new_patients", None, "projected_new_patients")),
        )
        for col, text in enumerate(columns):
            sheet.put(sheet.row, col, text, bold=True)
        sheet.row += 1
        for figure, keys in rows:
            sheet.put(sheet.row, 0, _label(figure, lang))
            for col, key in enumerate(keys, start=1):
                sheet.put(sheet.row, col, p.get(key) if key else None, column_kind(figure, lang))
            sheet.row += 1
        sheet.pairs([(t("fc_booked", lang), p["booked"], "count")])
        for note in p.get("notes") or []:
            sheet.line(t(f"fc_note_{note}", lang, day=fmt.day(section["data_end"], lang)))
    else:
        sheet.line(t("fc_no_schedule", lang))
    chart_rows: tuple[int, int] | None = None
    for name, result in (section.get("forecasts") or {}).items():
        sheet.skip()
        months = result.get("months") or []
        sheet.title(t("fc_forecast_title", lang, figure=_label(name, lang), n=len(months)))
        if result.get("model") is None:
            sheet.line(forecast_text.no_forecast_line(result["reason"], result["training_months"],
                                                      result.get("gaps") or [], lang))  # fmt: skip
            continue
        for text in forecast_text.accuracy_lines(result["model"], result["training_months"],
                                                 result["reason"], result["seasonal"],
                                                 result["backtest"], lang):  # fmt: skip
            sheet.line(text)
        keys = ("month", "point", "lo80", "hi80", "lo95", "hi95")
        kind = column_kind(name, lang)
        header = [_label("month", lang), *(words.label(f"fc_{k}", lang) for k in keys[1:])]
        rows = [[m[k] for k in keys] for m in months]
        at = sheet.table(header, rows, ["month", *([kind] * 5)])
        if name == "revenue":
            chart_rows = at
    if chart_rows is not None:
        first, last = chart_rows
        chart = book.wb.add_chart({"type": "line"})
        for col, dash in ((1, None), (2, "dash"), (3, "dash"), (4, "round_dot"), (5, "round_dot")):
            series = {
                "name": [sheet.name, first - 1, col],
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, col, last, col],
            }
            if dash:
                series["line"] = {"dash_type": dash, "width": 1.25}
            chart.add_series(series)
        chart.set_title({"name": t("fc_forecast_title", lang, figure=_label("revenue", lang),
                                   n=last - first + 1)})  # fmt: skip
        chart.set_x_axis({"num_format": MONTH[lang], "text_axis": True})
        chart.set_y_axis({"num_format": MILLIONS[lang]})
        chart.set_legend({"position": "bottom"})
        sheet.chart(chart)
    sheet.finish()


def _plan_sheet(book: _Book, section: dict[str, Any], title: str) -> None:
    lang = book.lang
    t = words.t
    sheet = book.sheet(title)

    def scope(row: dict[str, Any]) -> str:
        return row.get("scope_name") or t("plan_scope_clinic", lang)

    def kind(row: dict[str, Any]) -> str:
        return "money" if row["figure"] == "revenue" else "count"

    sheet.title(t("plan_report_month", lang, month=fmt.month(section["month"], lang),
                  day=fmt.day(section["data_end"], lang)))  # fmt: skip
    mtd = section.get("month_to_date") or []
    if mtd:
        columns = [t(k, lang) for k in ("plan_col_name", "plan_col_figure", "plan_col_goal",
                                        "plan_report_done", "plan_col_share",
                                        "plan_report_needed", "plan_report_projected",
                                        "plan_report_status")]  # fmt: skip
        rows, kinds = [], []
        for r in mtd:
            rows.append([scope(r), t(f"plan_figure_{r['figure']}", lang), r["goal"], r["done"],
                         r["share"], r["needed_per_day"], r["projected"],
                         t(f"plan_status_{r['status'] or 'none'}", lang)])  # fmt: skip
            kinds.append(kind(r))
        _mixed_table(sheet, columns, rows, kinds, money_cols=(2, 3, 5, 6), ratio_cols=(4,))
    else:
        sheet.line(t("plan_report_no_goals", lang))
    past = section.get("past_months") or []
    if past:
        sheet.skip()
        sheet.title(t("plan_past_title", lang))
        columns = [t(k, lang) for k in ("plan_col_month", "plan_col_name", "plan_col_figure",
                                        "plan_col_goal", "plan_col_actual", "plan_col_share")]
        rows = [[r["month"], scope(r), t(f"plan_figure_{r['figure']}", lang), r["goal"],
                 r["actual"], r["share"]] for r in past]  # fmt: skip
        _mixed_table(sheet, columns, rows, [kind(r) for r in past], money_cols=(3, 4),
                     ratio_cols=(5,), month_cols=(0,))  # fmt: skip
    sheet.finish()


def _mixed_table(sheet: _Sheet, columns: list[str], rows: list[list[Any]], row_kinds: list[str],
                 *, money_cols: Sequence[int], ratio_cols: Sequence[int] = (),
                 month_cols: Sequence[int] = ()) -> None:  # fmt: skip
    """A table whose figure columns change kind by row (a goal in roubles or in visits): written
    as a table of texts first, then each figure cell with the row's kind."""
    kinds = ["text"] * len(columns)
    for col in ratio_cols:
        kinds[col] = "ratio1"
    for col in month_cols:
        kinds[col] = "month"
    for col in money_cols:
        kinds[col] = "count"
    at = sheet.table(columns, rows, kinds)
    if at is None:
        return
    first, _ = at
    for offset, (values, kind) in enumerate(zip(rows, row_kinds, strict=True)):
        for col in money_cols:
            sheet.put(first + offset, col, values[col], kind)


def _margins_sheet(book: _Book, section: dict[str, Any], title: str) -> None:
    lang = book.lang
    t = words.t
    sheet = book.sheet(title)
    c = section["clinic"]
    sheet.title(t("mrg_title", lang))
    keys = ("revenue", "known_revenue", "materials", "pay", "margin", "margin_share", "hours",
            "margin_per_hour", "margin_per_chair_hour", "revenue_per_hour", "unknown_revenue",
            "unknown_revenue_share", "unknown_lines")
    sheet.pairs([(_label(k, lang), c.get(k), column_kind(k, lang)) for k in keys])
    if c.get("unknown_lines"):
        sheet.line(_cap(t("mrg_unknown", lang,
                          share=fmt.percent(c["unknown_revenue_share"], lang, 0),
                          revenue=fmt.money(c["unknown_revenue"], lang),
                          lines=int(c["unknown_lines"]),
                          no_cost=fmt.number(c["no_cost_lines"], lang),
                          no_rule=fmt.number(c["no_rule_lines"], lang),
                          no_duration=fmt.number(c["no_duration_lines"], lang))))  # fmt: skip
    o = section.get("operating")
    if o is not None and o.get("fixed_costs") is not None:
        sheet.skip()
        sheet.title(t("mrg_operating_title", lang))
        sheet.pairs([
            (t("mrg_gross", lang), o["gross_margin"], "money"),
            (t("mrg_fixed", lang), o["fixed_costs"], "money"),
            (t("mrg_operating", lang), o["operating_margin"], "money"),
        ])  # fmt: skip
        sheet.line(t("mrg_used_hours" if o["allocate"] == "hours" else "mrg_used_none", lang,
                     amount=fmt.money(o.get("unallocated"), lang)))  # fmt: skip
    columns = ("revenue", "materials", "pay", "margin", "margin_share", "hours",
               "margin_per_hour", "revenue_per_hour", "unknown_revenue_share")
    for by, heading in (("doctor", "mrg_doctors_table"), ("department", "mrg_departments_table"),
                        ("service", "mrg_services_table")):
        sheet.skip()
        sheet.title(t(heading, lang))
        _records_table(sheet, section.get(f"by_{by}") or [], (by, *columns))
    review = section.get("price_review") or []
    sheet.skip()
    sheet.title(t("mrg_review_title", lang))
    _records_table(sheet, review, ("service", "avg_price", "hours_per_unit", "margin_per_hour",
                                   "median_margin_per_hour", "price_needed"))  # fmt: skip
    sheet.finish()


def _calls_sheet(book: _Book, section: dict[str, Any], title: str) -> None:
    lang = book.lang
    t = words.t
    sheet = book.sheet(title)
    sheet.title(t("call_title", lang) + " · " + t("call_report_as_of", lang,
                                                 day=fmt.day(section["as_of"], lang)))
    head = (t("call_summary", lang, n=section["patients"], value=fmt.money(section["value"], lang))
            if section["patients"] else t("call_summary_none", lang))
    sheet.line(_cap(head))
    sheet.line(t("call_summary_help", lang))
    sheet.skip()
    next_month = words.call_lists_month(section["as_of"], lang)
    rows = []
    for name, found in (section.get("lists") or {}).items():
        rows.append([t(f"call_list_{name}", lang, month=next_month), found.get("patients"),
                     found.get("rows"), found.get("value")])  # fmt: skip
    columns = [_t("rf_call_list", lang), _label("patients", lang), _label("rows", lang),
               _label("call_value", lang)]  # fmt: skip
    sheet.table(columns, rows, ["text", "count", "count", "money"])
    sheet.skip()
    sheet.line(_t("rf_xlsx_calls_app", lang))
    sheet.finish()


def render(report: dict[str, Any], filters: Filters, lang: str) -> bytes:
    """The workbook's bytes: a Сводка / Summary sheet (the period, the filters, the data's end,
    the exports missing, the headline figures against the previous period and a year earlier,
    what changed), then a sheet per section the report holds."""
    if lang not in ("ru", "en"):
        raise ValueError(f"lang must be 'ru' or 'en', not {lang!r}")
    book = _Book(lang)
    period = report["period"]
    book.wb.set_properties({
        "title": words.t("report_title", lang, start=fmt.day(period["from"], lang),
                         end=fmt.day(period["to"], lang)),
        "subject": _t("rf_xlsx_subject", lang),
        "author": "clinic_bi",
        "company": "",
        "comments": _t("rf_xlsx_comments", lang),
    })  # fmt: skip
    names = _sheet_names(lang)
    _summary_sheet(book, report, filters)
    if report.get("doctors") is not None:
        _doctors_like(book, names["doctors"], report["doctors"], "doctor")
    if report.get("departments") is not None:
        _doctors_like(book, names["departments"], report["departments"], "department",
                      chart=True)  # fmt: skip
    if report.get("services") is not None:
        sheet = book.sheet(names["services"])
        _records_table(sheet, report["services"], SERVICE_KEYS, freeze=True)
        sheet.finish()
    if report.get("monthly") is not None:
        _monthly_sheet(book, report["monthly"], names["monthly"])
    if report.get("funnel") is not None:
        _funnel_sheet(book, report["funnel"], names["funnel"])
    if report.get("marketing") is not None:
        sheet = book.sheet(names["marketing"])
        _records_table(sheet, report["marketing"], MARKETING_KEYS, freeze=True)
        sheet.finish()
    if report.get("appointments") is not None or report.get("quality") is not None:
        _quality_sheet(book, report, names["quality"])
    if report.get("forecast") is not None:
        _forecast_sheet(book, report["forecast"], names["forecast"])
    if report.get("plan") is not None:
        _plan_sheet(book, report["plan"], names["plan"])
    if report.get("margins") is not None:
        _margins_sheet(book, report["margins"], names["margins"])
    if report.get("call_lists") is not None:
        _calls_sheet(book, report["call_lists"], names["call_lists"])
    return book.close()
