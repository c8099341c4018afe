"""The owner's report as a PDF (issue 16): the report object of `build_report` (report_files.
owner_report) typeset on A4 by typst, with the app's own charts.

`render(report, filters, lang)` computes nothing: it lays out what the report object holds, in the
words the text report and the pages use (figures.py names every figure, words*.py the rest, fmt.py
writes every number), and says which export a section needs where the object has None for it. The
layout is a list of blocks (a heading, a paragraph, cards, a table, a chart …) written to
doc.json; the template clinic_bi/present/report_pdf/report.typ reads it as data, so no name is
ever read as typst markup. Charts are clinic_bi/present/charts' functions fed from the report
object and drawn by vl-convert, one call each.

The face is Source Sans Pro (SIL OFL 1.1), from the PyPI package font-source-sans-pro: a sans
with Cyrillic and ₽ in its upright weights, given to typst and to vl-convert both, so the charts'
text is measured and drawn in the face of the page (charts go in as SVG). Without that package
the text falls back to typst's embedded New Computer Modern (Cyrillic and ₽; Libertinus Serif
has no ₽) and the charts to PNG in vl-convert's own Liberation Sans. Its italics have no
Cyrillic, so the template never slants text.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clinic_bi import fmt
from clinic_bi.metrics import Filters
from clinic_bi.present import figures, forecast_text, words
from clinic_bi.tables import TABLE_SPECS

TEMPLATE = Path(__file__).with_name("report_pdf") / "report.typ"
FONT, FALLBACK_FONT = "Source Sans Pro", "New Computer Modern"
# A chart's width in Vega pixels for the full text width (A4 less the margins, ~500 pt): a bar
# chart fits its whole drawing in CHART_PX, so its 10–11 px labels print at about 8,5 pt; a
# monthly chart's width is its plot's, the axis added (PLOT_PX). Charts beside a table take
# HALF_CHART_PX in about half the width.
CHART_PX = 600
PLOT_PX = 520
HALF_CHART_PX = 250
SHORT_TABLE = 12  # a table of at most this many rows (a top 10 and its "и ещё") never splits
TOP = 10  # rows of a ranked table before "и ещё K"
# The headline cards, in Обзор's order (app/view.KPIS).
KPIS = ("revenue", "visits", "patients", "new_patients", "avg_check", "return_rate", "ltv")
NBSP = fmt.NBSP

Block = dict[str, Any]
Cell = str | dict[str, Any]


def render(report: dict[str, Any], filters: Filters, lang: str) -> bytes:
    """The PDF of one report object, in `lang` ("ru" or "en")."""
    doc = _Doc(lang)
    _title(doc, report, filters)
    for section in (_headline, _changes, _trend, _forecast, _plan, _departments, _doctors,
                    _services, _returns, _funnel, _marketing, _service_quality, _margins,
                    _call_lists, _definitions):  # fmt: skip
        section(doc, report)
    return _compile(doc)


# -- the document -----------------------------------------------------------------------------


class _Doc:
    """The blocks of the report in order, and the charts they name."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.blocks: list[Block] = []
        self.charts: dict[str, dict[str, Any]] = {}  # file name -> Vega-Lite spec
        self.meta: dict[str, Any] = {}

    def add(self, kind: str, **fields: Any) -> Block:
        block = {"kind": kind, **fields}
        if kind == "table" and len(fields.get("rows", [])) <= SHORT_TABLE:
            block.setdefault("breakable", False)
        self.blocks.append(block)
        return block

    def t(self, key: str, **kwargs: Any) -> str:
        return words.t(key, self.lang, **kwargs)

    def heading(self, text: str, level: int = 1) -> None:
        self.add("heading", text=text, level=level)

    def para(self, text: str, **fields: Any) -> None:
        """A paragraph of the report's own words (`sticky=True`: it stays with what follows)."""
        self.add("para", text=prose(text, self.lang), **fields)

    def missing(self, table: str) -> None:
        """The export a section needs, as the pages say it (state.needs_data)."""
        spec = TABLE_SPECS[table]
        pick = 0 if self.lang == "ru" else 1
        self.add("missing", text=prose(self.t("rf_needs", table=spec.title[pick],
                                              export=spec.export[pick]), self.lang))  # fmt: skip

    def chart(self, chart: Any, width: int = CHART_PX, height: int | None = None,
              share: float = 1.0) -> Block:  # fmt: skip
        """One chart of clinic_bi/present/charts at `width` Vega pixels, `share` of the width
        of the text (or of its column)."""
        sized = chart.properties(width=width, **({"height": height} if height else {}))
        name = f"chart{len(self.charts) + 1}"
        self.charts[name] = sized.to_dict()
        return {"kind": "chart", "file": name, "width": share}

    def show(self, key: str, value: Any) -> str:
        """A figure's value with no-break spaces (58 900 ₽, 47,4 % never split)."""
        return figures.show(key, value, self.lang, nbsp=True)


# -- typography --------------------------------------------------------------------------------

_UNITS = r"(?:₽|%|млн|млрд|п\.п\.|pp|мин|min|дн\.|дней|дня|день)"
_TIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\d) (?=\d{3}(?!\d))"), NBSP),  # 12 345
    (re.compile(rf"(?<=[\d.,]) (?={_UNITS}(?!\w))"), NBSP),  # 47,4 %, 32,9 млн, 5 дней
    (re.compile(r"(?:(?<=млн)|(?<=млрд)|(?<=\dM)|(?<=\dB)) (?=₽)"), NBSP),  # млн ₽, 32.9M ₽
    (re.compile(r" (?=— )"), NBSP),  # an em dash never starts a line
    (re.compile(r"(?<=№) "), NBSP),
)
_SHORT_RU = re.compile(r"(?<![\w-])([вксоуиаВКСОУИА]|на|по|за|от|до|из|не) ")


def prose(text: str, lang: str) -> str:
    """Text of the report's own sentences set the Russian way: no-break spaces inside a number,
    before ₽, % and units and before an em dash, after a one-letter preposition or conjunction
    (ru), straight double quotes as «ёлочки» (ru) or “curly” ones (en). A name in a table cell
    is printed as it is and never passes through here (one inside a sentence does)."""
    for pattern, space in _TIES:
        text = pattern.sub(space, text)
    if lang == "ru":
        text = _SHORT_RU.sub(lambda m: m.group(1) + NBSP, text)
        return re.sub(r'"([^"]*)"', "«\\1»", text)
    return re.sub(r'"([^"]*)"', "“\\1”", text)


def _cell(text: str, tone: str | None = None, **more: Any) -> Cell:
    return {"text": text, "tone": tone, **more} if tone or more else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(value: Any, lang: str) -> str:
    """A name from the data as it is; an empty one as «без указания», CRM's unknown as «не указан»."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return words.value("none", lang)
    if value == "unknown":
        return words.value("unknown", lang)
    return str(value)


def _span(period: dict[str, str], lang: str) -> str:
    return f"{fmt.day(period['from'], lang)} — {fmt.day(period['to'], lang)}"


def _tone(name: str, change: Any) -> str | None:
    """Green where the change is good for the figure, red where bad (figures.up_is_good)."""
    figure = figures.get(name)
    if figure is None or figure.up_is_good is None or fmt.is_missing(change) or change == 0:
        return "muted"
    return "good" if (change > 0) == figure.up_is_good else "bad"


# -- the title ---------------------------------------------------------------------------------


def _title(doc: _Doc, report: dict[str, Any], filters: Filters) -> None:
    from clinic_bi.present.report import filters_text

    lang, period = doc.lang, report["period"]
    start, end = fmt.day(period["from"], lang), fmt.day(period["to"], lang)
    title = doc.t("report_title", start=start, end=end)
    lines = []
    summary = report.get("summary")
    if summary is not None and summary.get("data_end"):
        lines.append(_cap(doc.t("report_data_end", day=fmt.day(summary["data_end"], lang))))
    lines.append(f"{doc.t('report_filters')}: {filters_text(filters, lang)}")
    doc.add("title", kicker=doc.t("rf_kicker"), title=prose(title, lang),
            lines=[prose(line, lang) for line in lines])  # fmt: skip
    doc.meta = {"title": title, "footer": title}


# -- the headline cards ------------------------------------------------------------------------


def _headline(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(doc.t("report_summary"))
    comparison = report.get("comparison")
    summary = report.get("summary")
    if summary is None:
        doc.missing("services")
        return
    if comparison is None:  # a report object built without its comparison
        cards = [{"label": figures.get(k).label(doc.lang), "value": doc.show(k, summary[k]),
                  "lines": []} for k in KPIS]  # fmt: skip
        doc.add("cards", per_row=4, cards=cards, height=3.4)
        return
    rows = {row["metric"]: row for row in comparison["figures"]}
    names = list(KPIS)
    if comparison.get("ltv_age_days") and "ltv_at_age" in rows:
        names.append("ltv_at_age")  # what LTV is compared by (the pages show it for LTV)
    cards = [_card(doc, name, rows[name], comparison) for name in names if name in rows]
    doc.add("cards", per_row=4, cards=cards, height=3.4 if comparison["same_periods"] else 4.4)
    doc.add("notes", items=[prose(n, doc.lang) for n in _headline_notes(doc, report)])


def _card(doc: _Doc, name: str, row: dict[str, Any], comparison: dict[str, Any]) -> dict:
    """A figure's card: its value, then against the previous period and a year earlier — the
    change where the two compare (METRICS.md "Comparison"), else why not: a month missing
    from the data, periods of different length, LTV that grows with its cohort's age."""
    lang = doc.lang
    one = comparison["same_periods"]
    against = [("year_earlier", "_year", "report_year_earlier")] if one else [
        ("previous", "", "report_previous"), ("year_earlier", "_year", "report_year_earlier")]
    now = comparison["compared_period"]
    lines: list[Cell] = []
    for column, suffix, word in against:
        # one comparison for twelve months: the previous period is the year earlier, and its
        # change is the `change` columns (as the cards of Обзор)
        key = "" if one else suffix
        period_word = doc.t(word)
        other = comparison["previous_period" if column == "previous" else "year_earlier_period"]
        gaps = sorted(set(row["gaps"]) | set(row["gaps_year"])) if one else row[f"gaps{suffix}"]
        change = row[f"change{key}"]
        text = figures.change_text(row["kind"], change, row[f"change{key}_rel"], lang)
        value = doc.show(name, row[column])
        if name == "ltv":
            lines.append(_cell(doc.t("rf_compared_none", period=period_word, value=value),
                               "muted"))  # fmt: skip
            continue
        if gaps:
            lines.append(_cell(doc.t("rf_card_gap", period=period_word,
                                     months=figures.months_text(gaps, lang)), "warn"))  # fmt: skip
        elif text is not None:
            lines.append(_cell(doc.t("rf_compared", period=period_word, value=value,
                                     change=text.replace(" ", NBSP)), _tone(name, change)))  # fmt: skip
        elif not suffix and _days(now) != _days(other) and row[column] is not None:
            lines.append(_cell(doc.t("rf_card_length", period=period_word), "warn"))
        else:
            lines.append(_cell(doc.t("rf_compared_none", period=period_word, value=value),
                               "muted"))  # fmt: skip
    if name == "ltv":
        too_young = not comparison.get("ltv_age_days")
        lines.append(_cell(doc.t("rf_ltv_too_young" if too_young else "rf_ltv_not_compared"),
                           "muted"))  # fmt: skip
    label = figures.get(name).label(lang) if figures.get(name) else words.label(name, lang)
    return {"label": label, "value": doc.show(name, row["current"]),
            "lines": [_prose_cell(c, lang) for c in lines]}  # fmt: skip


def _prose_cell(cell: Cell, lang: str) -> Cell:
    if isinstance(cell, str):
        return prose(cell, lang)
    return {**cell, "text": prose(cell["text"], lang)}


def _days(period: dict[str, str]) -> int:
    return (date.fromisoformat(period["to"]) - date.fromisoformat(period["from"])).days + 1


def _headline_notes(doc: _Doc, report: dict[str, Any]) -> list[str]:
    """Under the cards: the periods compared (report.py's wording), the days compared where the
    data end inside the period, the age LTV is compared at."""
    lang, c = doc.lang, report["comparison"]
    now, prev, year = c["compared_period"], c["previous_period"], c["year_earlier_period"]
    head = f"{_cap(doc.t('report_current'))}: {_span(now, lang)}"
    if not c["same_periods"]:
        head += f"; {doc.t('report_previous')}: {_span(prev, lang)}"
    notes = [head + f"; {doc.t('report_year_earlier')}: {_span(year, lang)}."]
    if now["to"] < report["period"]["to"]:
        key = "rf_partial_one" if c["same_periods"] else "rf_partial"
        notes.append(doc.t(key, data_end=fmt.day(now["to"], lang), now=_span(now, lang),
                           prev=_span(prev, lang), year=_span(year, lang)))  # fmt: skip
    if c.get("ltv_age_days"):
        notes.append(_cap(doc.t("report_ltv_age", days=c["ltv_age_days"])) + ".")
    return notes


# -- what changed, the months ------------------------------------------------------------------


def _changes(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(doc.t("report_changes"))
    section = report.get("changes")
    if section is None:
        doc.missing("services")
        return
    sentences = section.get("sentences", {}).get(doc.lang, [])
    if sentences:
        doc.add("bullets", items=[prose(s, doc.lang) for s in sentences])
    else:
        doc.para(doc.t("report_empty"), tone="muted")


def _monthly_frame(report: dict[str, Any]) -> pd.DataFrame | None:
    rows = report.get("monthly")
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    frame["month"] = pd.to_datetime(frame["month"] + "-01")
    return frame


def _trend(doc: _Doc, report: dict[str, Any]) -> None:
    from clinic_bi.present import charts

    monthly = _monthly_frame(report)
    if monthly is None:
        return
    doc.blocks.append(doc.chart(charts.revenue_trend(monthly, doc.lang), width=PLOT_PX,
                                height=210))  # fmt: skip


# -- the forecast and the plan -----------------------------------------------------------------


def _forecast(doc: _Doc, report: dict[str, Any]) -> None:
    from clinic_bi.present import charts

    lang = doc.lang
    doc.heading(doc.t("report_forecast"))
    section = report.get("forecast")
    if section is None:
        doc.missing("services")
        return
    p = section["projection"]
    if p is not None:
        doc.para(_cap(doc.t("fc_report_projection", month=fmt.month(p["month"], lang),
                            done=fmt.money(p["done_revenue"], lang), booked=p["booked"],
                            revenue=fmt.money(p["projected_revenue"], lang),
                            visits=fmt.number(p["projected_visits"], lang))) + ".",
                 sticky=True)  # fmt: skip
    else:
        doc.para(doc.t("fc_no_schedule"), tone="muted", sticky=True)
    found = section["forecasts"]
    revenue = found.get("revenue")
    if revenue is not None and revenue["model"] is not None:
        history, ahead = _forecast_frames(report, revenue)
        spot = None if p is None else (pd.Timestamp(p["month"]), p["projected_revenue"])
        doc.blocks.append(doc.chart(charts.forecast_chart(history, ahead, "revenue", lang,
                                                          model=revenue["model"],
                                                          projection=spot),
                                    width=PLOT_PX, height=150))  # fmt: skip
    _forecast_table(doc, found)
    notes = []
    for figure, result in found.items():
        name = figures.get(figure).label(lang)
        if result["model"] is None:
            line = forecast_text.no_forecast_line(result["reason"], result["training_months"],
                                                  result["gaps"], lang)  # fmt: skip
        else:
            line = " ".join(forecast_text.accuracy_lines(
                result["model"], result["training_months"], result["reason"],
                result["seasonal"], result["backtest"], lang)[::2])  # the model, the accuracy
        notes.append(prose(f"{name}. {line}", lang))
    doc.add("notes", items=notes)


def _forecast_frames(report: dict[str, Any], result: dict[str, Any]
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """The chart's months: the period's actual revenue (the report's months) and the forecast.
    A period that ends before the months the forecast starts from draws the forecast alone (a
    dashed line across the months between would join what does not join)."""
    ahead = pd.DataFrame(result["months"])
    ahead["month"] = pd.to_datetime(ahead["month"])
    monthly = _monthly_frame(report)
    history = pd.DataFrame({"month": pd.Series(dtype="datetime64[ns]"),
                            "value": pd.Series(dtype="float64")})  # fmt: skip
    if monthly is not None and len(ahead):
        last = monthly["month"].max()
        if (last + pd.offsets.MonthBegin(1)) == ahead["month"].min():
            history = pd.DataFrame({"month": monthly["month"], "value": monthly["revenue"]})
    return history, ahead


def _forecast_table(doc: _Doc, found: dict[str, Any]) -> None:
    """The months ahead of the three figures side by side: the forecast and its 80 % interval."""
    lang = doc.lang
    shown = [k for k, r in found.items() if r["model"] is not None and r["months"]]
    if not shown:
        return
    months = [m["month"] for m in found[shown[0]]["months"]]
    header = [[_cell("", None), *(_cell(figures.get(k).label(lang), None, colspan=2)
                                  for k in shown)],
              [words.label("month", lang), *([doc.t("fc_legend_forecast"),
                                              doc.t("fc_legend_band80")] * len(shown))]]  # fmt: skip
    rows = []
    for i, month in enumerate(months):
        row: list[Cell] = [fmt.month(month, lang)]
        for figure in shown:
            m = found[figure]["months"][i]
            row += [figures.amount(figure, m["point"], doc.lang, nbsp=True),
                    _cell(f"{figures.amount(figure, m['lo80'], doc.lang, nbsp=True)} — "
                          f"{figures.amount(figure, m['hi80'], doc.lang, nbsp=True)}", "muted")]  # fmt: skip
        rows.append(row)
    doc.add("table", header=header, rows=rows, align=["left"] + ["right"] * 2 * len(shown),
            columns=[1.2] + [1, 1.7] * len(shown))  # fmt: skip




def _plan(doc: _Doc, report: dict[str, Any]) -> None:
    lang = doc.lang
    doc.heading(doc.t("report_plan"))
    section = report.get("plan")
    if section is None:
        doc.missing("goals")
        return
    t = doc.t
    doc.para(_cap(t("plan_report_month", month=fmt.month(section["month"], lang),
                    day=fmt.day(section["data_end"], lang))))  # fmt: skip

    def scope(row: dict[str, Any]) -> str:
        return row["scope_name"] or t("plan_scope_clinic")

    if section["month_to_date"]:
        rows = []
        for r in section["month_to_date"]:
            figure = r["figure"]
            rows.append([scope(r), t(f"plan_figure_{figure}"), figures.amount(figure, r["goal"], doc.lang, nbsp=True),
                         figures.amount(figure, r["done"], doc.lang, nbsp=True), fmt.percent(r["share"], lang, nbsp=True),
                         figures.amount(figure, r["needed_per_day"], doc.lang, nbsp=True),
                         figures.amount(figure, r["projected"], doc.lang, nbsp=True),
                         _cell(t(f"plan_status_{r['status'] or 'none'}"),
                               {"green": "good", "amber": "warn", "red": "bad"}.get(
                                   r["status"] or "", "muted"))])  # fmt: skip
        header = [[t("plan_col_name"), t("plan_col_figure"), t("plan_col_goal"),
                   t("plan_report_done"), t("plan_col_share"), t("plan_report_needed"),
                   t("plan_report_projected"), t("plan_report_status")]]  # fmt: skip
        doc.add("table", header=header, rows=rows, align=["left", "left"] + ["right"] * 5 + ["left"],
                columns=[1.5, 1.45, 1, 0.95, 0.75, 1.1, 1, 1.4])  # fmt: skip
    else:
        doc.para(_cap(t("plan_report_no_goals")) + ".", tone="muted")
    if section["past_months"]:
        doc.heading(t("plan_past_title"), level=2)
        rows = [[fmt.month(r["month"], lang), scope(r), t(f"plan_figure_{r['figure']}"),
                 figures.amount(r["figure"], r["goal"], doc.lang, nbsp=True),
                 figures.amount(r["figure"], r["actual"], doc.lang, nbsp=True),
                 _cell(fmt.percent(r["share"], lang, nbsp=True), _goal_tone(r["share"]))]
                for r in section["past_months"]]  # fmt: skip
        header = [[t("plan_col_month"), t("plan_col_name"), t("plan_col_figure"),
                   t("plan_col_goal"), t("plan_col_actual"), t("plan_col_share")]]
        doc.add("table", header=header, rows=rows, align=["left"] * 3 + ["right"] * 3,
                columns=[0.9, 1.6, 1.3, 1, 1, 0.8])  # fmt: skip


def _goal_tone(share: Any) -> str | None:
    """The plan's status colours (words_plan plan_status_*): at the goal or above green, 90–100 %
    amber, under 90 % red."""
    if fmt.is_missing(share):
        return None
    return "good" if share >= 1 else "warn" if share >= 0.9 else "bad"


# -- departments, doctors, services ------------------------------------------------------------


def _ranked(rows: list[dict[str, Any]], by: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (r[by] is None, -(r[by] or 0)))


def _member_rows(doc: _Doc, rows: list[dict[str, Any]], dimension: str,
                 keys: Sequence[str]) -> list[list[Cell]]:  # fmt: skip
    own = figures.own_names(dimension)
    out = []
    for r in rows:
        cells: list[Cell] = [_name(r[dimension], doc.lang)]
        cells += [doc.show(own.get(k, k), r[k]) for k in keys]
        out.append(cells)
    return out


MEMBER_KEYS = ("revenue", "share", "visits", "patients", "new_patients", "avg_check",
               "return_rate", "ltv")  # fmt: skip


def _member_table(doc: _Doc, rows: list[dict[str, Any]], dimension: str, more_key: str) -> None:
    own = figures.own_names(dimension)
    ranked = _ranked(rows, "revenue")
    head, rest = (ranked, []) if len(ranked) <= TOP + 1 else (ranked[:TOP], ranked[TOP:])
    header = [[words.short_label(dimension, doc.lang),
               *(words.short_label(own.get(k, k), doc.lang) for k in MEMBER_KEYS)]]
    doc.add("table", header=header, rows=_member_rows(doc, head, dimension, MEMBER_KEYS),
            align=["left"] + ["right"] * len(MEMBER_KEYS),
            columns=[2.3, 1.15, 0.8, 0.8, 0.9, 0.7, 0.95, 1.0, 1.05],
            more=_more(doc, rest, more_key))  # fmt: skip


def _more(doc: _Doc, rest: list[dict[str, Any]], key: str) -> str | None:
    """What a table leaves out: how many rows and their revenue with its share."""
    if not rest:
        return None
    total = doc.show("revenue", sum(r["revenue"] or 0 for r in rest))
    shares = [r["share"] for r in rest if r.get("share") is not None]
    if shares:
        total += f" ({doc.show('share', sum(shares))})"
    return prose(doc.t(key, n=len(rest), value=total), doc.lang)


def _bars(doc: _Doc, rows: list[dict[str, Any]], dimension: str, title_key: str,
          extra: Sequence[str]) -> Block:  # fmt: skip
    from clinic_bi.present import charts

    frame = pd.DataFrame(rows)
    chart = charts.bars(frame, dimension, "revenue", doc.lang, doc.t(title_key),
                        extra=list(extra), sums=["revenue", "share"])  # fmt: skip
    return doc.chart(chart)


def _departments(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(doc.t("report_departments"))
    rows = report.get("departments")
    if rows is None:
        doc.missing("services")
        return
    if not rows:
        doc.para(doc.t("report_empty"), tone="muted")
        return
    doc.blocks.append(_bars(doc, rows, "department", "rf_by_department", ["share", "patients"]))
    _member_table(doc, rows, "department", "rf_more_rows")


def _doctors(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(doc.t("report_doctors"))
    rows = report.get("doctors")
    if rows is None:
        doc.missing("services")
        return
    if not rows:
        doc.para(doc.t("report_empty"), tone="muted")
        return
    doc.blocks.append(_bars(doc, rows, "doctor", "rf_top_doctors",
                            ["share", "visits", "avg_check"]))  # fmt: skip
    _member_table(doc, rows, "doctor", "rf_more_doctors")


SERVICE_COLUMNS = ("quantity", "revenue", "share", "abc", "avg_price", "patients",
                   "revenue_per_hour")  # fmt: skip


def _services(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(doc.t("report_services"))
    rows = report.get("services")
    if rows is None:
        doc.missing("services")
        return
    if not rows:
        doc.para(doc.t("report_empty"), tone="muted")
        return
    ranked = _ranked(rows, "revenue")
    head, rest = (ranked, []) if len(ranked) <= TOP + 1 else (ranked[:TOP], ranked[TOP:])
    body = [[_name(r["service"], doc.lang),
             *(r["abc"] or fmt.DASH if k == "abc" else doc.show(k, r[k]) for k in SERVICE_COLUMNS)]
            for r in head]  # fmt: skip
    header = [[words.short_label("service", doc.lang),
               *(words.short_label(k, doc.lang) for k in SERVICE_COLUMNS)]]
    doc.add("table", header=header, rows=body,
            align=["left", "right", "right", "right", "center", "right", "right", "right"],
            columns=[3.2, 1, 1.1, 0.8, 0.5, 1, 0.9, 1],
            more=_more(doc, rest, "rf_more_services"))  # fmt: skip


# -- returns, the funnel, marketing, quality ---------------------------------------------------


def _pairs(doc: _Doc, record: dict[str, Any], keys: Sequence[str]) -> Block:
    """One row per figure: its full name, its value."""
    rows = [[words.label(k, doc.lang), doc.show(k, record[k])] for k in keys]
    return {"kind": "table", "header": [], "rows": rows, "align": ["left", "right"],
            "columns": [2.4, 1], "size": 9, "breakable": False}


RETURN_KEYS = ("return_rate", "return_cohort", "not_yet_observable", "first_visits",
               "returning_visits", "ltv", "ltv_12m")  # fmt: skip


def _returns(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(figures.get("return_rate").label(doc.lang))
    summary = report.get("summary")
    if summary is None:
        doc.missing("services")
        return
    left, right = RETURN_KEYS[:4], RETURN_KEYS[4:]
    doc.add("columns", widths=[1, 1], children=[[_pairs(doc, summary, left)],
                                                [_pairs(doc, summary, right)]],
            sticky=True)  # fmt: skip
    doc.add("notes", items=[prose(f"{figures.get(k).label(doc.lang)}: "
                                  f"{figures.get(k).definition(doc.lang)}", doc.lang)
                            for k in ("return_rate", "not_yet_observable")])  # fmt: skip


FUNNEL_COLUMNS = ("leads", "booked", "visited", "contracted", "booking_rate", "show_rate",
                  "contract_rate", "overall_rate")  # fmt: skip


def _funnel(doc: _Doc, report: dict[str, Any]) -> None:
    from clinic_bi.present import charts

    doc.heading(doc.t("report_funnel"))
    funnel = report.get("funnel")
    if funnel is None:
        doc.missing("leads")
        return
    if not funnel["leads"]:
        doc.para(doc.t("report_empty"), tone="muted")
        return
    steps = doc.chart(charts.funnel_steps(funnel, doc.lang), width=HALF_CHART_PX, height=120)
    rates = _pairs(doc, funnel, FUNNEL_COLUMNS[4:])
    doc.add("columns", widths=[1.25, 1], children=[[steps], [rates]])
    for key, name in (("by_channel", "channel"), ("by_operator", "operator")):
        rows = funnel[key]
        if not rows:
            continue
        doc.heading(doc.t(f"report_{key}"), level=2)
        body = [[_name(r[name], doc.lang), *(doc.show(k, r[k]) for k in FUNNEL_COLUMNS)]
                for r in _ranked(rows, "leads")]  # fmt: skip
        header = [[words.short_label(name, doc.lang),
                   *(words.short_label(k, doc.lang) for k in FUNNEL_COLUMNS)]]
        doc.add("table", header=header, rows=body, align=["left"] + ["right"] * 8,
                columns=[1.5] + [0.98] * 4 + [1.0] * 4)  # fmt: skip


MARKETING_COLUMNS = ("spend", "leads", "new_patients", "cac", "cpl", "romi")


def _marketing(doc: _Doc, report: dict[str, Any]) -> None:
    doc.heading(doc.t("report_marketing"))
    rows = report.get("marketing")
    if rows is None:
        doc.missing("marketing_spend")
        return
    if not rows:
        doc.para(doc.t("report_empty"), tone="muted")
        return
    body = [[_name(r["channel"], doc.lang), *(doc.show(k, r[k]) for k in MARKETING_COLUMNS)]
            for r in _ranked(rows, "spend")]  # fmt: skip
    header = [[words.short_label("channel", doc.lang),
               *(words.short_label(k, doc.lang) for k in MARKETING_COLUMNS)]]
    doc.add("table", header=header, rows=body, align=["left"] + ["right"] * 6,
            columns=[2] + [1] * 6)  # fmt: skip


APPOINTMENT_KEYS = ("attended", "no_show", "cancelled", "show_up_rate")
QUALITY_KEYS = ("reviews", "avg_rating", "negative_share", "avg_wait_min")


def _service_quality(doc: _Doc, report: dict[str, Any]) -> None:
    """Appointments and the quality of service side by side: two short lists of figures."""
    halves: list[list[Block]] = []
    pick = 0 if doc.lang == "ru" else 1
    for key, table, keys in (("appointments", "appointments", APPOINTMENT_KEYS),
                             ("quality", "reviews", QUALITY_KEYS)):  # fmt: skip
        blocks: list[Block] = [{"kind": "heading", "text": doc.t(f"report_{key}"), "level": 1}]
        section = report.get(key)
        if section is None:
            spec = TABLE_SPECS[table]
            blocks.append({"kind": "missing", "text": prose(doc.t(
                "rf_needs", table=spec.title[pick], export=spec.export[pick]), doc.lang)})
        elif key == "quality" and section["reviews"] is None:
            blocks.append(_pairs(doc, section, ("avg_wait_min",)))
            blocks.append({"kind": "notes", "items": [prose(doc.t(
                "rf_needs_reviews", export=TABLE_SPECS["reviews"].export[pick]), doc.lang)]})
        else:
            blocks.append(_pairs(doc, section, keys))
        halves.append(blocks)
    doc.add("columns", widths=[1, 1], children=halves)


# -- margins, whom to call, definitions --------------------------------------------------------


def _margins(doc: _Doc, report: dict[str, Any]) -> None:
    from clinic_bi.present import charts

    lang, t = doc.lang, doc.t
    doc.heading(t("report_margins"))
    section = report.get("margins")
    if section is None:
        doc.add("missing", text=prose(t("mrg_no_costs"), lang))
        return
    c = section["clinic"]
    doc.para(t("mrg_report_clinic", margin=fmt.money(c["margin"], lang),
               share=fmt.percent(c["margin_share"], lang),
               per_hour=fmt.money(c["margin_per_hour"], lang)) + ".", sticky=True)  # fmt: skip
    if c["unknown_lines"]:
        doc.para(_cap(t("mrg_unknown", share=fmt.percent(c["unknown_revenue_share"], lang, 0),
                        revenue=fmt.money(c["unknown_revenue"], lang),
                        lines=int(c["unknown_lines"]), no_cost=c["no_cost_lines"],
                        no_rule=c["no_rule_lines"], no_duration=c["no_duration_lines"])),
                 tone="warn", sticky=True)  # fmt: skip
    o = section["operating"]
    if o is not None and o["fixed_costs"] is not None:
        doc.para(t("mrg_report_operating", operating=fmt.money(o["operating_margin"], lang),
                   fixed=fmt.money(o["fixed_costs"], lang),
                   allocate=t(f"mrg_allocate_{o['allocate']}")) + ".", sticky=True)  # fmt: skip
    doctors = [r for r in section["by_doctor"] if r["margin_per_hour"] is not None]
    if doctors:
        frame = pd.DataFrame(doctors)
        doc.blocks.append(doc.chart(charts.doctor_margin_bars(frame, c["margin_per_hour"], lang)))
    review = section["price_review"]
    if review:
        doc.heading(_cap(t("mrg_report_review", n=len(review),
                           median=fmt.money(review[0]["median_margin_per_hour"], lang))),
                    level=2)  # fmt: skip
        keys = ("avg_price", "margin_per_hour", "price_needed")
        head, rest = (review, []) if len(review) <= TOP + 1 else (review[:TOP], review[TOP:])
        body = [[_name(r["service"], lang), *(_money_cell(doc, k, r[k]) for k in keys)]
                for r in head]  # fmt: skip
        header = [[words.label("service", lang), *(words.label(k, lang) for k in keys)]]
        more = prose(t("rf_more_services_plain", n=len(rest)), lang) if rest else None
        doc.add("table", header=header, rows=body, align=["left", "right", "right", "right"],
                columns=[3, 1, 1, 1.2], more=more)  # fmt: skip


def _money_cell(doc: _Doc, key: str, value: Any) -> Cell:
    text = fmt.money(value, doc.lang, nbsp=True)
    return _cell(text, "bad") if key == "margin_per_hour" and value is not None and value < 0 else text


def _call_lists(doc: _Doc, report: dict[str, Any]) -> None:
    lang, t = doc.lang, doc.t
    doc.heading(t("report_call_lists"))
    section = report.get("call_lists")
    if section is None:
        doc.missing("services")
        return
    head = (t("call_summary", n=section["patients"], value=fmt.money(section["value"], lang))
            if section["patients"] else t("call_summary_none"))
    doc.para(f"{_cap(head)} · {t('call_report_as_of', day=fmt.day(section['as_of'], lang))}")
    next_month = words.call_lists_month(section["as_of"], lang)
    rows = [[t(f"call_list_{name}", month=next_month),
             fmt.count(found["patients"], lang, ("пациент", "пациента", "пациентов"),
                       ("patient", "patients"), nbsp=True),
             fmt.money(found["value"], lang, nbsp=True)]
            for name, found in section["lists"].items()]  # fmt: skip
    header = [[t("rf_call_list"), words.label("patients", lang), words.label("call_value", lang)]]
    doc.add("table", header=header, rows=rows, align=["left", "right", "right"],
            columns=[2.2, 1, 1], size=9)  # fmt: skip


def _definitions(doc: _Doc, report: dict[str, Any]) -> None:
    """What the figures mean, in the registry's words, for the sections the report holds (the
    text report's footnote)."""
    from clinic_bi.present.report import definitions as text_definitions

    lines = text_definitions(report, doc.lang)
    if not lines:
        return
    doc.heading(lines[1])
    items = []
    for line in lines[2:]:
        name, _, text = line.strip().partition(": ")
        items.append({"name": name, "text": prose(text, doc.lang)})
    doc.add("definitions", items=items)


# -- typesetting -------------------------------------------------------------------------------


def _font_dir() -> Path | None:
    """Source Sans Pro's folder, from the font-source-sans-pro package; None without it."""
    try:
        import font_source_sans_pro
    except ImportError:
        return None
    folder = Path(font_source_sans_pro.font_directory)
    return folder if (folder / "SourceSansPro-Regular.otf").exists() else None


@functools.cache
def _chart_fonts(folder: Path) -> None:
    """vl-convert learns the face once per process."""
    import vl_convert as vlc

    vlc.register_font_directory(str(folder))


def _draw(specs: dict[str, dict[str, Any]], folder: Path | None) -> dict[str, bytes]:
    """Each chart as one vl-convert call: SVG in the report's face (typst draws its text with
    the same font files), or PNG in vl-convert's own face without them."""
    import vl_convert as vlc

    out: dict[str, bytes] = {}
    if folder is not None:
        _chart_fonts(folder)
        config = {"font": FONT}
        for name, spec in specs.items():
            out[f"{name}.svg"] = vlc.vegalite_to_svg(spec, config=config).encode("utf-8")
        return out
    for name, spec in specs.items():
        out[f"{name}.png"] = vlc.vegalite_to_png(spec, scale=2)
    return out


def _compile(doc: _Doc) -> bytes:
    """The blocks, the charts and the template in a folder of their own, compiled by typst
    with the report's fonts only (no system font: the same PDF on every machine)."""
    import typst

    folder = _font_dir()
    drawn = _draw(doc.charts, folder)
    suffix = ".svg" if folder is not None else ".png"
    for block in _all_blocks(doc.blocks):
        if block["kind"] == "chart":
            block["file"] += suffix
    data = {
        "meta": {**doc.meta, "author": "clinic_bi", "lang": doc.lang,
                 "font": FONT if folder is not None else FALLBACK_FONT},
        "blocks": doc.blocks,
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="clinic_bi_pdf_") as tmp:
        root = Path(tmp)
        shutil.copyfile(TEMPLATE, root / "report.typ")
        (root / "doc.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for name, content in drawn.items():
            (root / name).write_bytes(content)
        return typst.compile(str(root / "report.typ"), root=str(root), format="pdf",
                             font_paths=[str(folder)] if folder is not None else [],
                             ignore_system_fonts=True)  # fmt: skip


def _all_blocks(blocks: list[Block]) -> list[Block]:
    out = []
    for block in blocks:
        out.append(block)
        if block["kind"] == "columns":
            for column in block["children"]:
                out += _all_blocks(column)
    return out
