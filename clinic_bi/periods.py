"""The named periods of the sidebar and the command line ("this month", "last month" …), counted
back from the last day of loaded data (the month the latest export reaches, not the calendar's),
and the calendar-month arithmetic every part of the app shares (a month's last day, the next
month, the months a span touches). Streamlit-free, so the CLI's `report --period` and `send
--period` read them as the pages do."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

PERIOD_PRESETS: tuple[str, ...] = ("this_month", "last_month", "this_quarter", "this_year",
                                   "last_12m")


def _month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of day's month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    """The first day of the month after day's."""
    return month_end(day) + timedelta(days=1)


def months_touched(start: date, end: date) -> list[date]:
    """The first days of the months from start's to end's, both included (none if end is
    before start's month)."""
    out = []
    month = _month_start(start)
    while month <= end:
        out.append(month)
        month = next_month(month)
    return out


def months_back(day: date, months: int) -> date:
    """The first day of the month `months` before day's month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def preset_range(preset: str, anchor: date) -> tuple[date, date]:
    """The dates of a preset, counted back from `anchor` (the last day of data: "this month" is
    the month the latest export reaches, not the calendar's)."""
    if preset == "this_month":
        return _month_start(anchor), anchor
    if preset == "last_month":
        end = _month_start(anchor) - timedelta(days=1)
        return _month_start(end), end
    if preset == "this_quarter":
        return date(anchor.year, (anchor.month - 1) // 3 * 3 + 1, 1), anchor
    if preset == "this_year":
        return date(anchor.year, 1, 1), anchor
    if preset == "last_12m":
        return months_back(anchor, 11), anchor
    raise ValueError(f"not a preset with fixed dates: {preset!r}")
