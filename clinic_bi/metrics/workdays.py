"""Working days of a month for a scope (METRICS.md "Goals and pacing", working days).

The rule, day by day:
- a day the schedule reaches (between the first and the last scheduled day of the whole store,
  queries/metrics/schedule_by_day.sql) is a working day when the scope has an appointment that
  day, of any status (a cancelled or planned appointment still says the doctor works then);
- a day the schedule does not reach (no schedule loaded, or the month runs past its last day —
  a schedule exported to the 15th says nothing of the 20th) is a working day by the calendar:
  Monday to Saturday, except the Russian public holidays and the days off moved onto weekdays
  (the `holidays` library's Russia calendar, which carries the government's transfers).

So a month with a full schedule counts the clinic's own working days (a doctor's days for a
doctor's goal); a store without a schedule counts the calendar's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import holidays

from clinic_bi.metrics.api import Filters
from clinic_bi.metrics.engine import Engine, _narrowing_params
from clinic_bi.periods import month_end


@dataclass(frozen=True)
class WorkingDays:
    """The working days of one month (sorted) and how many of them were decided by the
    schedule (the rest by the calendar)."""

    month: date
    days: tuple[date, ...]
    from_schedule: int

    @property
    def total(self) -> int:
        return len(self.days)

    def passed(self, through: date | None) -> int:
        """Working days on or before `through` (data_end); all of them for a month that is
        over, none before the month."""
        if through is None:
            return 0
        return sum(1 for d in self.days if d <= through)

    def left(self, through: date | None) -> int:
        """Working days after `through` to the month's end."""
        return self.total - self.passed(through)

    @property
    def source(self) -> str:
        """'schedule', 'calendar' or 'mixed' (part of the month each)."""
        if self.from_schedule == 0:
            return "calendar"
        calendar_days = sum(1 for _ in self.days) - self.from_schedule
        return "schedule" if calendar_days == 0 else "mixed"


@cache
def _russian_days_off(year: int) -> frozenset[date]:
    return frozenset(holidays.Russia(years=year))


def is_calendar_working_day(day: date) -> bool:
    """Monday to Saturday, not a Russian public holiday nor a day off moved onto a weekday."""
    return day.isoweekday() <= 6 and day not in _russian_days_off(day.year)


def calendar_working_days(month: date) -> tuple[date, ...]:
    """The month's working days by the calendar alone (a store without a schedule)."""
    start = month.replace(day=1)
    return tuple(
        d for d in (start.replace(day=i) for i in range(1, month_end(start).day + 1))
        if is_calendar_working_day(d)
    )


def working_days(engine: Engine, f: Filters, month: date) -> WorkingDays:
    """The working days of `month` for the scope of `f` (its doctor / department / branch; its
    dates are not used): see the module's rule."""
    start = month.replace(day=1)
    frame = engine.query(
        "schedule_by_day",
        {"date_from": start, "date_to": month_end(start), **_narrowing_params(f)},
    )
    days: list[date] = []
    from_schedule = 0
    for row in frame.itertuples(index=False):
        day = row.day.date() if hasattr(row.day, "date") else row.day
        if bool(row.in_schedule):
            if int(row.appointments) > 0:
                days.append(day)
                from_schedule += 1
        elif is_calendar_working_day(day):
            days.append(day)
    return WorkingDays(start, tuple(days), from_schedule)
