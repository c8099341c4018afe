"""The metric API's types: typed filters in, small result dataclasses out (docs/METRICS.md).

`Filters` is what every metric takes (a period, and optionally doctors, departments, branches
and the return and funnel windows); the dataclasses are what the single-row metric families
return; `HEADLINE_FIGURES` names the figures a comparison covers, with their kinds. The engine
that computes them is `clinic_bi.metrics.engine`; how they look is `clinic_bi.present.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pandas as pd

BREAKDOWN_DIMENSIONS: tuple[str, ...] = ("doctor", "department", "branch")

class MetricsError(ValueError):
    """A request the engine cannot answer, with a message a user can act on."""


# ---------------------------------------------------------------------------------------------
# Filters


Names = str | tuple[str, ...] | None


def _as_date(value: date | datetime | str, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise MetricsError(f"{name}: ожидается дата в виде ГГГГ-ММ-ДД, получено {value!r}.")


def _as_names(value: str | Sequence[str] | None) -> Names:
    """A single name stays a str; several become a tuple (hashable, for caches); none is None."""
    if value is None or isinstance(value, str):
        return value or None
    names = tuple(dict.fromkeys(str(v) for v in value))
    return names or None


def _name_list(value: Names) -> list[str] | None:
    """The bound form: a list for `list_contains`, or null for "all"."""
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _minus_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Filters:
    """What the user asked for. doctor, department and branch take one name, several (any
    sequence; kept as a tuple) or None for all. Dates may be given as `YYYY-MM-DD` strings."""

    date_from: date
    date_to: date
    doctor: Names = None
    department: Names = None
    branch: Names = None
    return_window: int = 180
    funnel_window: int = 90

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "date_from", _as_date(self.date_from, "date_from"))
        set_(self, "date_to", _as_date(self.date_to, "date_to"))
        for name in ("doctor", "department", "branch"):
            set_(self, name, _as_names(getattr(self, name)))
        if self.date_from > self.date_to:
            raise MetricsError(f"Начало периода {self.date_from} позже его конца {self.date_to}.")
        for name in ("return_window", "funnel_window"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise MetricsError(f"{name}: ожидается целое число дней >= 0, получено {value!r}.")

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous_period(self) -> Filters:
        """The period of equal length that ends the day before this one starts; for twelve
        whole calendar months, the twelve months before (the same days a year earlier)."""
        if self.is_twelve_months:
            return self.year_earlier()
        return replace(
            self,
            date_from=self.date_from - timedelta(days=self.days),
            date_to=self.date_from - timedelta(days=1),
        )

    @property
    def is_twelve_months(self) -> bool:
        """From the 1st of a month to the last day of the month eleven months later."""
        after = self.date_to + timedelta(days=1)
        return (self.date_from.day == 1 and after.day == 1
                and (after.year - self.date_from.year) * 12 + after.month - self.date_from.month == 12)

    def year_earlier(self) -> Filters:
        """The same calendar days a year earlier (29 February becomes the 28th)."""
        return replace(
            self, date_from=_minus_year(self.date_from), date_to=_minus_year(self.date_to)
        )


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class StoreFacts:
    """Facts about the whole store that do not move with the period (model store_facts)."""

    data_end: date | None
    services_rows: int
    leads_rows: int
    appointments_rows: int
    contracts_rows: int
    marketing_spend_rows: int
    reviews_rows: int
    patients_rows: int
    goals_rows: int
    service_costs_rows: int = 0
    pay_rules_rows: int = 0
    fixed_costs_rows: int = 0


@dataclass(frozen=True)
class StoreNames:
    """The doctors, departments and branches a filter can pick (model dim_names), each sorted,
    and the first month with a visit (None without visits): what the sidebar offers."""

    doctors: tuple[str, ...]
    departments: tuple[str, ...]
    branches: tuple[str, ...]
    data_start: date | None


@dataclass(frozen=True)
class Summary:
    """queries/metrics/activity_in_period.sql. Ratios are None when their denominator is 0."""

    data_end: date | None
    revenue: float
    visits: int
    patients: int
    avg_check: float | None
    revenue_per_patient: float | None
    visits_per_patient: float | None
    new_patients: int
    first_visits: int
    returning_visits: int
    returning_share: float | None
    return_cohort: int
    returned: int
    not_yet_observable: int
    return_rate: float | None
    ltv_cohort: int
    ltv: float | None
    ltv_12m_cohort: int
    ltv_12m: float | None


@dataclass(frozen=True)
class FunnelSteps:
    leads: int
    booked: int
    visited: int
    contracted: int
    booking_rate: float | None
    show_rate: float | None
    contract_rate: float | None
    overall_rate: float | None


@dataclass(frozen=True, eq=False)
class Funnel:
    """queries/metrics/funnel_by_channel_and_operator.sql: all leads of the period, then per
    channel and per operator (DataFrames with the FunnelSteps columns after `channel` / `operator`)."""

    total: FunnelSteps
    by_channel: pd.DataFrame
    by_operator: pd.DataFrame


@dataclass(frozen=True)
class ShowUpCounts:
    attended: int
    no_show: int
    cancelled: int
    planned: int
    show_up_rate: float | None


@dataclass(frozen=True, eq=False)
class ShowUp:
    """queries/metrics/show_up_by_doctor_and_weekday.sql: overall, per doctor, per ISO weekday
    (1 = Monday)."""

    total: ShowUpCounts
    by_doctor: pd.DataFrame
    by_weekday: pd.DataFrame


@dataclass(frozen=True)
class QualityFigures:
    reviews: int
    avg_rating: float | None
    negative_share: float | None
    timed_appointments: int
    avg_wait_min: float | None


@dataclass(frozen=True, eq=False)
class Quality:
    """queries/metrics/quality_by_doctor.sql: overall and per doctor."""

    total: QualityFigures
    by_doctor: pd.DataFrame


# The headline figures the comparison repeats for the other two periods, with how to show them.
HEADLINE_FIGURES: tuple[tuple[str, str], ...] = (
    ("revenue", "money"),
    ("visits", "count"),
    ("patients", "count"),
    ("avg_check", "money"),
    ("revenue_per_patient", "money"),
    ("visits_per_patient", "number"),
    ("new_patients", "count"),
    ("first_visits", "count"),
    ("returning_visits", "count"),
    ("returning_share", "ratio"),
    ("return_rate", "ratio"),
    ("ltv", "money"),
    ("ltv_12m", "money"),
    ("ltv_at_age", "money"),  # the comparison's own (Engine.comparison), not a Summary field
    ("leads", "count"),
    ("overall_rate", "ratio"),
    ("show_up_rate", "ratio"),
    ("avg_rating", "number"),
    ("avg_wait_min", "number"),
)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Every headline figure for the period, the previous period and the same days a year
    earlier (METRICS.md "Comparison"). `table` columns: metric, kind (money / count / ratio /
    number), current, previous, change, change_rel, gaps, year_earlier, change_year,
    change_year_rel, gaps_year. `change` is current - other (for a ratio: in fractions, i.e.
    percentage points / 100), None where the two are not compared (a month missing from a table
    that feeds the figure, listed in `gaps` as 'YYYY-MM'; periods of different length; LTV to
    date); `change_rel` is change / |other|, None when the other figure is 0 or None.
    `current` is the period compared: the one asked for (`asked`), up to data_end when data_end
    falls inside it. `ltv_age` is the age in days ltv_at_age compares at (None: the period's new
    patients have not 90 days behind them yet), `ltv_age_partial` whether only part of the
    period's new patients are that old."""

    current: Filters
    previous: Filters
    year_earlier: Filters
    table: pd.DataFrame
    asked: Filters | None = None
    data_end: date | None = None
    ltv_age: int | None = None
    ltv_age_partial: bool = False

    @property
    def partial(self) -> bool:
        """The period asked for runs past data_end, and only its days up to data_end compare."""
        return self.asked is not None and self.current.date_to < self.asked.date_to

    @property
    def same_periods(self) -> bool:
        """The previous period is the same days a year earlier (a 12-month period): one
        comparison, not two."""
        return (self.previous.date_from, self.previous.date_to) == (
            self.year_earlier.date_from, self.year_earlier.date_to)


# ---------------------------------------------------------------------------------------------
# The engine
