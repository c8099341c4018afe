"""Margins (METRICS.md "Margins"): gross margin of the service lines, per service, doctor and
department, the operating margin after fixed costs, and the price review of services.

The numbers are computed by queries/metrics/margin_*.sql over the models fct_service_lines,
fct_service_costs, fct_pay_rules and fct_fixed_costs; this module only passes the parameters,
takes the rows apart and (operating margin) subtracts the fixed costs of the period.

    materials of a line   cost × quantity of the preferred cost row (code match, then the
                          department's own row, then the latest valid_from ≤ visit_date); no
                          row: unknown (None), never 0
    pay of a line         the preferred rule of role 'doctor' (that doctor and department, that
                          doctor, every doctor of that department, every doctor; then the latest
                          valid_from): revenue rate × amount, after_materials rate × (amount −
                          materials), hour rate × hours, month the salary × the line's share of
                          the revenue of the doctor's lines of that calendar month under that
                          rule; plus the assistant's pay, found the same way (no assistant rule
                          adds nothing); no doctor rule: unknown
    margin of a line      amount − materials − pay; unknown when either is
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clinic_bi.metrics.api import Filters, MetricsError
from clinic_bi.metrics.engine import Engine, _narrowing_params, _period_params, plain_value

BREAKDOWNS: tuple[str, ...] = ("service", "doctor", "department")
ALLOCATIONS: tuple[str, ...] = ("none", "hours")

FIGURE_COLUMNS = [
    "lines",
    "revenue",
    "known_revenue",
    "materials",
    "pay",
    "margin",
    "margin_share",
    "hours",
    "margin_per_hour",
    "margin_per_chair_hour",
    "revenue_per_hour",
    "unknown_lines",
    "unknown_revenue",
    "unknown_revenue_share",
    "no_cost_lines",
    "no_rule_lines",
    "no_duration_lines",
]
PRICE_REVIEW_COLUMNS = [
    "service",
    "avg_price",
    "hours_per_unit",
    "margin_per_hour",
    "median_margin_per_hour",
    "price_needed",
]


def _json(value: Any) -> Any:
    """plain_value, and a pandas Timestamp (a month) as its date."""
    value = plain_value(value)
    return value.date() if isinstance(value, pd.Timestamp) else value


def _plain(row: Any, columns: list[str]) -> dict[str, Any]:
    return {column: plain_value(row[column]) for column in columns}


def _scope(engine: Engine, f: Filters) -> pd.DataFrame:
    return engine.query("margin_by_scope", {**_period_params(f), **_narrowing_params(f)})


def cost_rows(engine: Engine) -> dict[str, int]:
    """How many rows each cost table holds: service_costs, pay_rules, fixed_costs."""
    frame = engine.query("margin_cost_rows", {})
    return {k: int(v) for k, v in frame.iloc[0].items()}


def margin_summary(engine: Engine, f: Filters) -> dict[str, Any]:
    """The clinic's figures for the period and Filters (FIGURE_COLUMNS): margin_per_chair_hour
    is the margin per hour of every line with a duration (a chair-hour proxy: a real chair
    occupancy needs the schedule)."""
    frame = _scope(engine, f)
    return _plain(frame.loc[frame["breakdown"] == "all"].iloc[0], FIGURE_COLUMNS)


def margin_breakdown(engine: Engine, f: Filters, by: str) -> pd.DataFrame:
    """One row per service, doctor or department (`by`): the column `by` and FIGURE_COLUMNS,
    by revenue descending."""
    if by not in BREAKDOWNS:
        raise MetricsError(f"margin_breakdown: by must be one of {BREAKDOWNS}, got {by!r}")
    frame = _scope(engine, f)
    part = frame.loc[frame["breakdown"] == by, ["name", *FIGURE_COLUMNS]]
    return part.rename(columns={"name": by}).reset_index(drop=True)


def price_review(engine: Engine, f: Filters) -> pd.DataFrame:
    """The services whose margin per hour is below the median margin per hour of the services
    (those with one), with price_needed = avg_price + (median − margin_per_hour) × hours per
    unit: the price that would bring the service to the median, its costs unchanged. The worst
    first: by margin per hour, lowest first (a service that loses money per hour leads)."""
    frame = _scope(engine, f)
    part = frame.loc[(frame["breakdown"] == "service") & (frame["below_median"] == True)]  # noqa: E712
    part = part.rename(columns={"name": "service"})[PRICE_REVIEW_COLUMNS]
    return part.sort_values(["margin_per_hour", "service"], kind="stable").reset_index(drop=True)


def operating_margin(engine: Engine, f: Filters, allocate: str = "none") -> dict[str, Any]:
    """Gross margin − the fixed costs of the period (a month's amount × its days in the period /
    its days), for the clinic and per department.

    A department's own fixed costs count for it. The rest (department null: the whole clinic)
    are `unallocated`: with allocate="none" shown apart (the clinic's operating margin counts
    them, a department's does not); with allocate="hours" spread over the departments by their
    share of the hours of all the period's lines with a duration (unfiltered), so a department
    filter keeps its share. A doctor filter has no fixed costs of its own: operating is None."""
    if allocate not in ALLOCATIONS:
        raise MetricsError(f"operating_margin: allocate must be one of {ALLOCATIONS}")
    costs = engine.query(
        "margin_fixed_costs",
        {**_period_params(f), "department": _narrowing_params(f)["department"],
         "branch": _narrowing_params(f)["branch"]},
    )  # fmt: skip
    gross = margin_summary(engine, f)
    departments = margin_breakdown(engine, f, "department")
    clinic_hours = margin_summary(engine, Filters(f.date_from, f.date_to))["hours"] or 0.0
    costs["amount_in_period"] = costs["amount_in_period"].astype(float)
    own = costs.loc[costs["department"].notna()].groupby("department")["amount_in_period"].sum()
    unallocated = float(costs.loc[costs["department"].isna(), "amount_in_period"].sum())

    rows = []
    for _, dep in departments.iterrows():
        name = dep["department"]
        fixed = float(own.get(name, 0.0)) if name is not None else 0.0
        share = None
        if allocate == "hours":
            share = (plain_value(dep["hours"]) or 0.0) / clinic_hours if clinic_hours else 0.0
            fixed += unallocated * share
        margin = plain_value(dep["margin"])
        rows.append({
            "department": name, "margin": margin, "fixed_costs": fixed,
            "operating_margin": None if margin is None else margin - fixed, "hours_share": share,
        })  # fmt: skip
    if f.doctor is not None:
        clinic_fixed = None
    elif allocate == "hours" and f.department is not None:
        clinic_fixed = sum(r["fixed_costs"] for r in rows)
    elif f.department is not None:
        clinic_fixed = float(own.sum())
    else:
        clinic_fixed = float(own.sum()) + unallocated
    return {
        "allocate": allocate,
        "gross_margin": gross["margin"],
        "fixed_costs": clinic_fixed,
        "operating_margin": (
            None
            if clinic_fixed is None or gross["margin"] is None
            else gross["margin"] - clinic_fixed
        ),
        "unallocated": unallocated,
        "departments": rows,
        "items": [{k: _json(v) for k, v in r.items()} for r in costs.to_dict("records")],
    }


def report_section(engine: Engine, f: Filters, allocate: str = "none") -> dict[str, Any] | None:
    """The margins of the period, JSON-ready; None when no cost table holds rows."""
    rows = cost_rows(engine)
    if not any(rows.values()):
        return None

    def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [{k: plain_value(v) for k, v in r.items()} for r in frame.to_dict("records")]

    return {
        "cost_rows": rows,
        "clinic": margin_summary(engine, f),
        **{f"by_{by}": records(margin_breakdown(engine, f, by)) for by in BREAKDOWNS},
        "price_review": records(price_review(engine, f)),
        "operating": _iso_months(operating_margin(engine, f, allocate))
        if rows["fixed_costs"] else None,
    }


def _iso_months(operating: dict[str, Any]) -> dict[str, Any]:
    """The operating margin with its items' months as 'YYYY-MM-DD' (CLI.md: JSON holds days as
    text; a date object made `report --format json` fail on every store with fixed costs)."""
    items = [{**item, "month": item["month"].isoformat() if item.get("month") else None}
             for item in operating["items"]]  # fmt: skip
    return {**operating, "items": items}
