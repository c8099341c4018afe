"""The report's looking-ahead sections (issue 14): the forecast, the plan, what changed and whom
to call, and the margins (issue 15) — in JSON as each metric module's `report_section` builds it, and as text.

`sections(engine, f)` is what `report --format json` adds to CLI.md's keys (each None where the
store lacks what it needs); `lines(key, section, lang)` writes one of them for the text report.
The words are the pages' own (words_forecast, words_plan, words_changes, words_calls), so a
figure reads the same on the page and in the report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clinic_bi import fmt
from clinic_bi.metrics import Engine, Filters, calls, changes, forecast, goals, margins
from clinic_bi.present import changes_text, figures, forecast_text, words

# The keys added to the report, in its order (CLI.md "Report keys").
KEYS: tuple[str, ...] = ("forecast", "plan", "changes", "call_lists", "margins")


def sections(engine: Engine, f: Filters, lang: str | None = None,
             fixed_costs: str = "none") -> dict[str, Any]:
    """The five sections of one period, JSON-ready; the margins' fixed costs left unallocated
    or, with fixed_costs="hours", spread over the departments by chair hours. With `lang`, the
    changes section also holds its sentences in that language (`sentences`: the text report
    prints them) and the three Обзор shows first (`top`: the XLSX and the mail's body)."""
    out = {
        "forecast": forecast.report_section(engine, f),
        "plan": goals.report_section(engine, f),
        "changes": changes.report_section(engine, f),
        "call_lists": calls.report_section(engine, f),
        "margins": margins.report_section(engine, f, fixed_costs),
    }
    if out["changes"] is not None:
        found = changes.changes(engine, f, "previous")
        out["changes"]["sentences"] = {
            language: changes_text.report_lines(found, language)
            for language in ((lang,) if lang else ("ru", "en"))
        }
        if lang:  # the files' and the mail's three, ranked as Обзор ranks them (not in the JSON)
            out["changes"]["top"] = [s.text for s in changes_text.top_sentences(found, lang)]
    return out


# -- text --------------------------------------------------------------------------------------




def _aligned(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for cells in rows:
        parts = [cells[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        out.append("    " + "  ".join(parts).rstrip())
    return out


def forecast_lines(section: dict[str, Any], lang: str) -> list[str]:
    """This month from the schedule, then per figure its model and accuracy and the months ahead
    with the 80 % and 95 % intervals."""
    out = []
    p = section["projection"]
    if p is not None:
        month = fmt.month(p["month"], lang)
        out.append("  " + words.t("fc_report_projection", lang, month=month,
                                  done=fmt.money(p["done_revenue"], lang), booked=p["booked"],
                                  revenue=fmt.money(p["projected_revenue"], lang),
                                  visits=fmt.number(p["projected_visits"], lang)))  # fmt: skip
    else:
        out.append("  " + words.t("fc_no_schedule", lang))
    for figure, result in section["forecasts"].items():
        name = figures.get(figure).label(lang)
        out.append(f"  {name}")
        if result["model"] is None:
            out.append("    " + forecast_text.no_forecast_line(
                result["reason"], result["training_months"], result["gaps"], lang))
            continue
        for line in forecast_text.accuracy_lines(
            result["model"], result["training_months"], result["reason"], result["seasonal"],
            result["backtest"], lang,
        ):  # fmt: skip
            out.append(f"    {line}")
        rows = [[words.label("month", lang), words.t("fc_legend_forecast", lang),
                 words.t("fc_legend_band80", lang), words.t("fc_legend_band95", lang)]]
        for m in result["months"]:
            rows.append([
                fmt.month(m["month"], lang), figures.amount(figure, m["point"], lang),
                f"{figures.amount(figure, m['lo80'], lang)} — {figures.amount(figure, m['hi80'], lang)}",
                f"{figures.amount(figure, m['lo95'], lang)} — {figures.amount(figure, m['hi95'], lang)}",
            ])  # fmt: skip
        out += _aligned(rows)
    return out


def plan_lines(section: dict[str, Any], lang: str) -> list[str]:
    """The paced month's goals (done, goal, share, needed per working day, projected, status),
    then the past months' goal against the actual."""
    t = words.t

    def scope(row: dict[str, Any]) -> str:
        return row["scope_name"] or t("plan_scope_clinic", lang)

    out = ["  " + t("plan_report_month", lang, month=fmt.month(section["month"], lang),
                    day=fmt.day(section["data_end"], lang))]  # fmt: skip
    if section["month_to_date"]:
        rows = [[t("plan_col_name", lang), t("plan_col_figure", lang), t("plan_col_goal", lang),
                 t("plan_report_done", lang), t("plan_col_share", lang),
                 t("plan_report_needed", lang), t("plan_report_projected", lang),
                 t("plan_report_status", lang)]]  # fmt: skip
        for r in section["month_to_date"]:
            rows.append([
                scope(r), t(f"plan_figure_{r['figure']}", lang),
                figures.amount(r["figure"], r["goal"], lang),
                figures.amount(r["figure"], r["done"], lang), fmt.percent(r["share"], lang),
                figures.amount(r["figure"], r["needed_per_day"], lang),
                figures.amount(r["figure"], r["projected"], lang),
                t(f"plan_status_{r['status'] or 'none'}", lang),
            ])  # fmt: skip
        out += _aligned(rows)
    else:
        out.append("    " + t("plan_report_no_goals", lang))
    if section["past_months"]:
        out.append("  " + t("plan_past_title", lang))
        rows = [[t("plan_col_month", lang), t("plan_col_name", lang), t("plan_col_figure", lang),
                 t("plan_col_goal", lang), t("plan_col_actual", lang), t("plan_col_share", lang)]]
        for r in section["past_months"]:
            rows.append([
                fmt.month(r["month"], lang), scope(r), t(f"plan_figure_{r['figure']}", lang),
                figures.amount(r["figure"], r["goal"], lang),
                figures.amount(r["figure"], r["actual"], lang), fmt.percent(r["share"], lang),
            ])  # fmt: skip
        out += _aligned(rows)
    return out


def changes_lines(section: dict[str, Any], lang: str) -> list[str]:
    """The sentences of Что изменилось, one per line."""
    found = section.get("sentences", {}).get(lang, [])
    return [f"  {s}" for s in found]


def call_lines(section: dict[str, Any], lang: str) -> list[str]:
    """The Обзор line, then each list's rows and value."""
    t = words.t
    head = (t("call_summary", lang, n=section["patients"], value=fmt.money(section["value"], lang))
            if section["patients"] else t("call_summary_none", lang))
    out = [f"  {head} · " + t("call_report_as_of", lang, day=fmt.day(section["as_of"], lang))]
    next_month = words.call_lists_month(section["as_of"], lang)
    rows = []
    for name, found in section["lists"].items():
        rows.append([t(f"call_list_{name}", lang, month=next_month),
                     fmt.count(found["patients"], lang, ("пациент", "пациента", "пациентов"),
                               ("patient", "patients")),
                     fmt.money(found["value"], lang)])  # fmt: skip
    return out + _aligned(rows)


def margins_lines(section: dict[str, Any], lang: str) -> list[str]:
    """The clinic's margin and its unknown share (the page's sentence), the operating margin,
    the doctors by margin per hour and the price review."""
    t = words.t
    c = section["clinic"]
    out = ["  " + t("mrg_report_clinic", lang, margin=fmt.money(c["margin"], lang),
                    share=fmt.percent(c["margin_share"], lang),
                    per_hour=fmt.money(c["margin_per_hour"], lang))]  # fmt: skip
    if c["unknown_lines"]:
        out.append("  " + t("mrg_unknown", lang,
                            share=fmt.percent(c["unknown_revenue_share"], lang, 0),
                            revenue=fmt.money(c["unknown_revenue"], lang),
                            lines=int(c["unknown_lines"]), no_cost=c["no_cost_lines"],
                            no_rule=c["no_rule_lines"], no_duration=c["no_duration_lines"]))  # fmt: skip
    o = section["operating"]
    if o is not None and o["fixed_costs"] is not None:
        out.append("  " + t("mrg_report_operating", lang,
                            operating=fmt.money(o["operating_margin"], lang),
                            fixed=fmt.money(o["fixed_costs"], lang),
                            allocate=t(f"mrg_allocate_{o['allocate']}", lang)))  # fmt: skip
    doctors = sorted((r for r in section["by_doctor"] if r["margin_per_hour"] is not None),
                     key=lambda r: -r["margin_per_hour"])  # fmt: skip
    if doctors:
        rows = [[words.label("doctor", lang), words.label("margin_per_hour", lang),
                 words.label("margin", lang), words.label("margin_share", lang)]]
        for r in doctors:
            rows.append([r["doctor"] or fmt.DASH, fmt.money(r["margin_per_hour"], lang),
                         fmt.money(r["margin"], lang), fmt.percent(r["margin_share"], lang)])
        out += _aligned(rows)
    review = section["price_review"]
    if review:
        out.append("  " + t("mrg_report_review", lang, n=len(review),
                            median=fmt.money(review[0]["median_margin_per_hour"], lang)))  # fmt: skip
        rows = [[words.label("service", lang), words.label("avg_price", lang),
                 words.label("margin_per_hour", lang), words.label("price_needed", lang)]]
        for r in review:
            rows.append([r["service"], fmt.money(r["avg_price"], lang),
                         fmt.money(r["margin_per_hour"], lang),
                         fmt.money(r["price_needed"], lang)])  # fmt: skip
        out += _aligned(rows)
    return out


LINES: dict[str, Callable[[dict[str, Any], str], list[str]]] = {
    "forecast": forecast_lines,
    "plan": plan_lines,
    "changes": changes_lines,
    "call_lists": call_lines,
    "margins": margins_lines,
}


def lines(key: str, section: dict[str, Any], lang: str) -> list[str]:
    return LINES[key](section, lang)
