"""Benchmark and accuracy of the forecast (METRICS.md "Forecast"): the backtest figures and the time
each scope takes, on a store or on a plain monthly CSV.

    .venv/bin/python bench/forecast_backtest.py --store PATH [--doctors]
    .venv/bin/python bench/forecast_backtest.py --csv PATH --column NAME [--month-column month]

For a store: the clinic's revenue, visits and new patients (and, with --doctors, every doctor's
and department's), each with the model chosen, the rolling-origin one-step backtest (origins,
MAPE, MASE, how many times more accurate than the (seasonal) naive forecast) and the seconds the
fit and the backtest took; then this month from the schedule. For a CSV: the same for its column
(the first column, or --month-column, holds the month).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from time import perf_counter

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import pandas as pd  # noqa: E402

from clinic_bi.metrics import Engine, Filters  # noqa: E402
from clinic_bi.metrics import forecast as fc  # noqa: E402


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _num(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _row(name: str, figure: str, model: str | None, months: int, backtest, seconds: float,
         reason: str | None = None) -> str:  # fmt: skip
    if model is None:
        return f"{name:<34} {figure:<13} no forecast ({reason}); {months} months  {seconds:5.2f} s"
    if backtest is None:
        return (f"{name:<34} {figure:<13} {model:<13} {months:>3} mo  no backtest"
                f"{'':>40} {seconds:5.2f} s")
    return (f"{name:<34} {figure:<13} {model:<13} {months:>3} mo  "
            f"origins {len(backtest.origins):>2}  MAPE {_pct(backtest.mape):>8}  "
            f"MASE {_num(backtest.mase):>5}  x{_num(backtest.ratio, 1):>4} vs {backtest.naive:<14} "
            f"{seconds:5.2f} s")


def _store(path: Path, doctors: bool) -> None:
    with Engine(path) as engine:
        started = perf_counter()
        facts = engine.facts()
        print(f"store {path}: data to {facts.data_end}, models built in "
              f"{perf_counter() - started:.2f} s")  # fmt: skip
        if facts.data_end is None:
            print("no visits")
            return
        f = Filters(date(2000, 1, 1), facts.data_end)
        scopes = [("clinic", f)]
        if doctors:
            found = fc.forecastable(engine, f)
            scopes += [(f"department:{n}", Filters(f.date_from, f.date_to, department=n))
                       for n in found["department"]]  # fmt: skip
            scopes += [(f"doctor:{n}", Filters(f.date_from, f.date_to, doctor=n))
                       for n in found["doctor"]]  # fmt: skip
        total = 0.0
        for name, scoped in scopes:
            for figure in fc.FIGURES:
                started = perf_counter()
                result = fc.forecast(engine, scoped, figure)
                seconds = perf_counter() - started
                total += seconds
                print(_row(name, figure, result.model, result.training_months, result.backtest,
                           seconds, result.reason))  # fmt: skip
        print(f"all forecasts: {total:.2f} s (a page fits one scope and one figure)")
        started = perf_counter()
        p = fc.schedule_projection(engine, f)
        seconds = perf_counter() - started
        if p is None:
            print("no schedule: no projection")
        else:
            print(f"schedule projection of {p.month:%Y-%m} ({seconds:.2f} s): done "
                  f"{p.done_revenue:,.0f} ₽ / {p.done_visits} visits, booked {p.booked}, expected "
                  f"rest {_num(p.expected_revenue_rest, 0)} ₽ / {_num(p.expected_visits_rest, 1)} "
                  f"visits; month-end {_num(p.projected_revenue, 0)} ₽, "
                  f"{_num(p.projected_visits, 1)} visits, "
                  f"{_num(p.projected_new_patients, 1)} new patients")  # fmt: skip


def _csv(path: Path, column: str, month_column: str | None) -> None:
    frame = pd.read_csv(path)
    month_column = month_column or frame.columns[0]
    frame[month_column] = pd.to_datetime(frame[month_column]).dt.to_period("M").dt.to_timestamp()
    frame = frame.sort_values(month_column)
    months = [m.date() for m in frame[month_column]]
    full = pd.date_range(months[0], months[-1], freq="MS")
    if len(full) != len(months):
        print(f"warning: {len(full) - len(months)} months missing; using those after the last gap")
        missing = sorted(set(full.date) - set(months))
        keep = frame[month_column].dt.date > missing[-1]
        frame, months = frame[keep], [m for m in months if m > missing[-1]]
    values = [float(v) for v in frame[column]]
    print(f"csv {path} [{column}]: {len(values)} months, {months[0]:%Y-%m} .. {months[-1]:%Y-%m}")
    for window in (None, 60, 36, 24):  # the whole series, and the last 5, 3 and 2 years of it
        part_values = values if window is None else values[-window:]
        part_months = months if window is None else months[-window:]
        started = perf_counter()
        model, forecast, backtest = fc.forecast_series(part_values, part_months)
        seconds = perf_counter() - started
        name = "whole series" if window is None else f"last {window} months"
        print(_row(name, column, model, len(part_values), backtest, seconds))
        if window is None and forecast is not None:
            print(forecast.round(4).to_string(index=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", type=Path)
    source.add_argument("--csv", type=Path)
    parser.add_argument("--column", help="the CSV's value column")
    parser.add_argument("--month-column", help="the CSV's month column (default: the first)")
    parser.add_argument("--doctors", action="store_true", help="also every doctor and department")
    args = parser.parse_args()
    if args.store:
        _store(args.store, args.doctors)
    else:
        if not args.column:
            parser.error("--csv needs --column")
        _csv(args.csv, args.column, args.month_column)


if __name__ == "__main__":
    main()
