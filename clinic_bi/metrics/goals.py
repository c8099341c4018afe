"""Goals and pacing (METRICS.md "Goals and pacing"): the goals the store holds, the month to
date against them, and the past months' goal against the actual.

A goal is (month, scope, scope_name, figure, goal): scope 'clinic', 'department' or 'doctor',
figure 'revenue', 'visits' or 'new_patients' (the engine's figures of the same names, for the
scope's Filters). The goals are written by the ingest (a goals file) and by
clinic_bi/store/goals.py (the page's edits); here they are only read (model fct_goals).

Pacing of the month M that holds data_end + 1 day … or any month asked:
    done            the figure from M's first day to min(data_end, M's last day)
    share           done / goal (None for a goal of 0)
    working days    clinic_bi/metrics/workdays.py, for the scope
    needed_per_day  max(goal − done, 0) / working days left (None when none are left)
    expected        goal × working days passed / working days in M (where done "should" be)
    projected       the month-end from the forecast's schedule projection where there is one
                    (clinic_bi.metrics.forecast.schedule_projection; revenue and visits only),
                    else done / working days passed × working days in M; done itself for a
                    month that is over
    status          'green' projected ≥ goal, 'amber' ≥ AMBER_SHARE × goal, else 'red';
                    None when nothing is projected or no working day of M has passed yet
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from clinic_bi.metrics import forecast
from clinic_bi.metrics.api import Filters
from clinic_bi.metrics.engine import Engine, plain_value
from clinic_bi.metrics.workdays import WorkingDays, working_days
from clinic_bi.periods import month_end

FIGURES: tuple[str, ...] = ("revenue", "visits", "new_patients")
SCOPES: tuple[str, ...] = ("clinic", "department", "doctor")
# Amber from 90 % of the goal projected, green from 100 %.
AMBER_SHARE = 0.9

GOAL_COLUMNS = ["month", "scope", "scope_name", "figure", "goal", "batch_id", "known"]


@dataclass(frozen=True)
class Pace:
    """One goal of the month to date (see the module's definitions)."""

    month: date
    scope: str
    scope_name: str | None
    figure: str
    goal: float
    known: bool  # the store knows the name (a doctor / department with visits); the clinic: True
    data_end: date | None
    done: float | None
    share: float | None
    workdays_total: int
    workdays_passed: int
    workdays_left: int
    workdays_source: str  # 'schedule', 'calendar' or 'mixed'
    needed_per_day: float | None
    expected: float | None
    projected: float | None
    projection_source: str | None  # 'schedule' (the forecast), 'pace', 'actual' (month over)
    status: str | None  # 'green', 'amber', 'red'


def scope_filters(scope: str, scope_name: str | None, date_from: date, date_to: date) -> Filters:
    """The engine's Filters of a goal's scope over a period."""
    if scope == "doctor":
        return Filters(date_from, date_to, doctor=scope_name)
    if scope == "department":
        return Filters(date_from, date_to, department=scope_name)
    return Filters(date_from, date_to)


def goals(engine: Engine, date_from: date, date_to: date) -> pd.DataFrame:
    """The goals of the months starting in [date_from, date_to]: month (date), scope,
    scope_name, figure, goal (float), batch_id, and known (the name is one the store has
    visits of, the sidebar's names; a goal naming someone else is kept and flagged)."""
    frame = engine.query("goals_by_month_and_scope", {"date_from": date_from, "date_to": date_to})
    if frame.empty:
        return pd.DataFrame(columns=GOAL_COLUMNS)
    names = engine.names()
    known = {"doctor": set(names.doctors), "department": set(names.departments)}
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["goal"] = frame["goal"].astype(float)
    frame["scope_name"] = frame["scope_name"].astype(object).where(frame["scope_name"].notna(),
                                                                   None)
    frame["known"] = [
        scope == "clinic" or name in known.get(scope, set())
        for scope, name in zip(frame["scope"], frame["scope_name"], strict=True)
    ]
    return frame[GOAL_COLUMNS].reset_index(drop=True)


def paced_month(data_end: date | None) -> date | None:
    """The month the owner is in the middle of: the one holding the day after data_end (data to
    the 30th of November: December, with nothing done yet)."""
    if data_end is None:
        return None
    return (data_end + timedelta(days=1)).replace(day=1)


def done_in_month(
    engine: Engine, scope: str, scope_name: str | None, figure: str, month: date,
    data_end: date | None,
) -> float | None:
    """The figure from the month's first day to min(data_end, the month's end); 0 for the month
    that starts the day after data_end (nothing done yet); None where data_end lies before the
    day before the month (the days between are not in the store) or there is no data."""
    start = month.replace(day=1)
    if data_end is None or data_end < start - timedelta(days=1):
        return None
    if data_end < start:
        return 0.0
    f = scope_filters(scope, scope_name, start, min(data_end, month_end(start)))
    summary = engine.summary(f)
    return float(getattr(summary, figure))


def status_of(projected: float | None, goal: float) -> str | None:
    """'green' projected ≥ goal, 'amber' projected ≥ AMBER_SHARE × goal, else 'red'."""
    if projected is None:
        return None
    if projected >= goal:
        return "green"
    if projected >= AMBER_SHARE * goal:
        return "amber"
    return "red"


def pace_of(
    goal: float, done: float | None, days: WorkingDays, data_end: date | None,
    scheduled: float | None = None,
) -> dict[str, Any]:
    """The arithmetic of one goal (no engine): share, working days passed / left, needed per
    remaining working day, expected by now, projected month-end and its source, status.
    `scheduled` is the forecast's projected month-end where it has one."""
    passed, left = days.passed(data_end), days.left(data_end)
    over = data_end is not None and data_end >= month_end(days.month)
    share = None if done is None or goal == 0 else done / goal
    needed = None if done is None or left == 0 else max(goal - done, 0.0) / left
    expected = None if days.total == 0 else goal * passed / days.total
    if done is not None and over:
        projected, source = done, "actual"
    elif scheduled is not None:
        projected, source = float(scheduled), "schedule"
    elif done is not None and passed > 0:
        projected, source = done / passed * days.total, "pace"
    else:
        projected, source = None, None
    return {
        "share": share,
        "workdays_total": days.total,
        "workdays_passed": passed,
        "workdays_left": left,
        "workdays_source": days.source,
        "needed_per_day": needed,
        "expected": expected,
        "projected": projected,
        "projection_source": source,
        # before the month's first working day is over the projection is only what is booked
        # (bookings still to come are not in it): no colour yet rather than a red that misleads
        "status": None if passed == 0 and not over else status_of(projected, goal),
    }


def _scheduled(engine: Engine, f: Filters, month: date, figure: str) -> float | None:
    """The forecast's projected month-end of `figure` for the scope (METRICS.md "Forecast":
    the schedule projection), or None without a schedule. New patients are not projected from
    the schedule here: few first visits are booked ahead, so the booked ones alone would read as
    a collapse (the pace projects them instead)."""
    if figure == "new_patients":
        return None
    projection = forecast.schedule_projection(engine, f, month)
    if projection is None:
        return None
    value = getattr(projection, f"projected_{figure}", None)
    return None if value is None else float(value)


def month_to_date(engine: Engine, month: date | None = None) -> list[Pace]:
    """Every goal of `month` (default: paced_month(data_end)) paced to data_end."""
    with engine.snapshot():
        data_end = engine.facts().data_end
        month = (month or paced_month(data_end) or date.today()).replace(day=1)
        frame = goals(engine, month, month)
        out: list[Pace] = []
        days_by_scope: dict[tuple[str, str | None], WorkingDays] = {}
        for row in frame.itertuples(index=False):
            scope_key = (row.scope, row.scope_name)
            f = scope_filters(row.scope, row.scope_name, month, month_end(month))
            if scope_key not in days_by_scope:
                days_by_scope[scope_key] = working_days(engine, f, month)
            days = days_by_scope[scope_key]
            # a name the store does not know has no figures: nothing done, nothing projected
            # (shown and flagged, never a 0)
            done = (done_in_month(engine, row.scope, row.scope_name, row.figure, month, data_end)
                    if row.known else None)
            over = data_end is not None and data_end >= month_end(month)
            scheduled = (None if over or not row.known
                         else _scheduled(engine, f, month, row.figure))
            out.append(Pace(
                month=month, scope=row.scope, scope_name=row.scope_name, figure=row.figure,
                goal=float(row.goal), known=bool(row.known), data_end=data_end, done=done,
                **pace_of(float(row.goal), done, days, data_end, scheduled),
            ))  # fmt: skip
        return out


def past_months(engine: Engine, date_from: date, date_to: date) -> pd.DataFrame:
    """The goals of the months that are over by data_end (their last day ≤ data_end), starting
    in [date_from, date_to], against the actual: month, scope, scope_name, figure, goal, known,
    actual, share (actual / goal), has_data (the store holds services of that month; without,
    actual is None: a missing month is flagged, never 0)."""
    columns = ["month", "scope", "scope_name", "figure", "goal", "known", "actual", "share",
               "has_data"]
    with engine.snapshot():
        data_end = engine.facts().data_end
        if data_end is None:
            return pd.DataFrame(columns=columns)
        frame = goals(engine, date_from, date_to)
        frame = frame[[month_end(m) <= data_end for m in frame["month"]]]
        if frame.empty:
            return pd.DataFrame(columns=columns)
        coverage = engine.coverage()
        covered = {
            pd.Timestamp(m).date()
            for m in coverage.loc[coverage["table_name"] == "services", "month"]
        }
        first, last = min(frame["month"]), month_end(max(frame["month"]))
        actual_by_scope: dict[tuple[str, str | None], pd.DataFrame] = {}
        actuals: list[float | None] = []
        for row in frame.itertuples(index=False):
            key = (row.scope, row.scope_name)
            if key not in actual_by_scope:
                monthly = engine.monthly(scope_filters(row.scope, row.scope_name, first, last))
                monthly["month"] = pd.to_datetime(monthly["month"]).dt.date
                actual_by_scope[key] = monthly.set_index("month")
            monthly = actual_by_scope[key]
            if row.month not in covered or not row.known:
                actuals.append(None)
            elif row.month in monthly.index:
                actuals.append(float(monthly.at[row.month, row.figure]))
            else:  # the clinic has data that month, the scope had nothing
                actuals.append(0.0)
        out = frame.drop(columns=["batch_id"]).copy()
        # object columns: a missing actual stays None (shown "—"), not NaN
        out["actual"] = pd.Series(actuals, index=out.index, dtype=object)
        out["share"] = pd.Series(
            [None if a is None or goal == 0 else a / goal
             for a, goal in zip(actuals, out["goal"], strict=True)],
            index=out.index, dtype=object,
        )
        out["has_data"] = [m in covered for m in out["month"]]
        return out[columns].reset_index(drop=True)


def _json_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def report_section(engine: Engine, f: Filters) -> dict | None:
    """The goals section of the report (JSON-ready), or None when the store holds no goals.

    {"month": 'YYYY-MM-DD' (the paced month, paced_month(data_end)), "data_end": …,
     "month_to_date": [one dict per goal of that month: the fields of Pace, dates as text],
     "past_months": [one dict per goal of a month over by data_end that starts within f's
     period: month, scope, scope_name, figure, goal, known, actual, share, has_data]}

    f's period chooses the past months; its doctor / department / branch filters are not
    applied (each goal has its own scope)."""
    facts = engine.facts()
    if not facts.goals_rows:
        return None
    paces = month_to_date(engine)
    month = paces[0].month if paces else paced_month(facts.data_end)
    past = past_months(engine, f.date_from.replace(day=1), f.date_to)
    mtd = []
    for p in paces:
        row = {k: plain_value(v) for k, v in asdict(p).items()}
        row["month"], row["data_end"] = _json_date(p.month), _json_date(p.data_end)
        mtd.append(row)
    past_rows = []
    for r in past.to_dict("records"):
        r["month"] = _json_date(r["month"])
        r["known"], r["has_data"] = bool(r["known"]), bool(r["has_data"])
        for k in ("goal", "actual", "share"):
            r[k] = None if r[k] is None or pd.isna(r[k]) else float(r[k])
        past_rows.append(r)
    return {
        "month": _json_date(month),
        "data_end": _json_date(facts.data_end),
        "month_to_date": mtd,
        "past_months": past_rows,
    }
