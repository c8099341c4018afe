"""The calendar-month arithmetic the engine, the forecast, the reports and the pages share
(clinic_bi/periods.py), against pandas' month offsets and by hand at the year's and February's
edges."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from clinic_bi.periods import month_end, months_touched, next_month


def test_a_months_end_and_the_next_month_at_the_edges() -> None:
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)  # a leap year
    assert month_end(date(2025, 2, 1)) == date(2025, 2, 28)
    assert month_end(date(2025, 12, 31)) == date(2025, 12, 31)
    assert next_month(date(2025, 12, 31)) == date(2026, 1, 1)
    assert next_month(date(2025, 1, 31)) == date(2025, 2, 1)  # not March: 31.01 + 32 days
    assert months_touched(date(2024, 11, 30), date(2025, 1, 1)) == [
        date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1)]  # fmt: skip
    assert months_touched(date(2025, 3, 10), date(2025, 3, 9)) == [date(2025, 3, 1)]
    assert months_touched(date(2025, 3, 10), date(2025, 2, 28)) == []


def test_the_months_agree_with_pandas_month_offsets() -> None:
    rng = random.Random(17)
    for _ in range(3000):
        start = date(2019, 1, 1) + timedelta(days=rng.randrange(3000))
        end = start + timedelta(days=rng.randrange(-40, 800))
        stamp = pd.Timestamp(start)
        assert month_end(start) == (stamp + pd.offsets.MonthEnd(0)).date()
        assert next_month(start) == (stamp.replace(day=1) + pd.offsets.MonthBegin(1)).date()
        expected = list(pd.date_range(start.replace(day=1), end, freq="MS").date)
        assert months_touched(start, end) == expected
