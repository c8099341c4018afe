"""Looking ahead (METRICS.md "Forecast"): this month from the schedule, and a statistical forecast
of the monthly revenue, visits and new patients with its accuracy.

- `schedule_projection`: what is done so far in the month in progress, plus the appointments
  booked for the rest of it × each doctor's turnout × each doctor's revenue per visit
  (queries/metrics/schedule_projection_by_doctor.sql).
- `forecast`: exponential smoothing (statsmodels ETSModel; error, trend and seasonality chosen by
  AICc) over the whole months of a scope's history, with 80 % and 95 % intervals, and a
  rolling-origin backtest (MAPE, MASE, the gain over a (seasonal) naive forecast).
- `band_for`: the one-step-ahead band of one month, for "what changed".
- `report_section`: the JSON-ready part of the report.

The monthly figures come from the Engine (`monthly`, `coverage`, `facts`); only the fitting of
the model is done here, on those figures. A month missing from the services export is a gap,
never a zero; the month in progress is never a training month.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from clinic_bi import periods
from clinic_bi.metrics.api import Filters, MetricsError

FIGURES: tuple[str, ...] = ("revenue", "visits", "new_patients")
COUNT_FIGURES = frozenset({"visits", "new_patients"})  # a forecast of a count is never below 0

MIN_MONTHS = 12  # whole months (after the last gap) for any forecast
SEASONAL_MONTHS = 24  # for a seasonal model, and for the seasonal-naive benchmark
SEASON = 12
BACKTEST_MAX = 12  # origins of the rolling backtest: the last 12 months at most ...
BACKTEST_MIN = 6  # ... and no backtest with fewer than 6
HORIZON_MAX = 6
HISTORY_DAYS = 365  # the schedule projection's rates: the 365 days up to data_end
MIN_HISTORY = 10  # appointments (visits) a doctor needs for own rates; else the scope's

# Reasons (words: fc_reason_<code>)
SHORT = "short"  # fewer than MIN_MONTHS whole months
GAP = "gap"  # a missing month leaves fewer than MIN_MONTHS after it
NO_HISTORY = "no_history"  # no visits in the scope at all
NO_SEASONAL_SHORT = "no_seasonal_short"  # fewer than SEASONAL_MONTHS: no seasonal model tried
SEASONAL_NOT_CHOSEN = "seasonal_not_chosen"  # tried, AICc preferred a model without it
FIT_FAILED = "fit_failed"


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """This month from the schedule (METRICS.md "Forecast", This month from the schedule)."""

    month: date  # first day of the projected month
    data_end: date  # last day with visits
    done_revenue: float
    done_visits: int
    done_new_patients: int
    booked: int  # planned appointments rest_from .. month_end (narrowed by f)
    expected_visits_rest: float | None  # Σ booked × that doctor's turnout
    expected_revenue_rest: float | None  # Σ booked × turnout × revenue per visit
    projected_revenue: float | None
    projected_visits: float | None
    projected_new_patients: float | None  # None: the bookings carry no card numbers
    working_days_total: int | None = None
    month_end: date | None = None
    rest_from: date | None = None  # the first day still to come
    expected_new_patients_rest: float | None = None
    booked_new_patients: int = 0  # booked patients never seen before, each once
    show_up: float | None = None  # the scope's turnout (attended / booked and resolved)
    revenue_per_visit: float | None = None  # the scope's, over HISTORY_DAYS
    by_doctor: pd.DataFrame = field(default_factory=pd.DataFrame, compare=False)
    notes: tuple[str, ...] = ()  # word keys fc_note_<code>: what the figures leave out


class Backtest(NamedTuple):
    """The rolling-origin, one-step-ahead check of a model over its last months."""

    origins: tuple[date, ...]  # the months forecast, each from the whole months before it
    mape: float | None  # mean |error| / |actual| over origins with a nonzero actual
    mase: float | None  # model MAE / in-sample MAE of the naive forecast (training part)
    naive: str  # "seasonal_naive" (lag 12) or "naive" (lag 1)
    model_mae: float
    naive_mae: float
    ratio: float | None  # naive MAE / model MAE over the same origins: "N times more accurate"
    frame: pd.DataFrame  # month, actual, predicted, naive


@dataclass(frozen=True)
class Forecast:
    figure: str
    scope: str  # "clinic" / "department:<name>" / "doctor:<name>" / "filtered"
    # (the frames are left out of == and hash: a DataFrame has neither)
    history: pd.DataFrame = field(compare=False)  # month, value (NaN in a gap), is_training
    forecast: pd.DataFrame = field(compare=False)  # month, point, lo80, hi80, lo95, hi95
    model: str | None  # e.g. "ETS(A,Ad,N)"; None: no forecast (reason)
    seasonal: bool
    reason: str | None  # fc_reason_<code>: why no forecast / no seasonal model
    gaps: tuple[date, ...]  # missing months found in the history
    backtest: Backtest | None = field(compare=False)
    training_months: int = 0  # whole months the model was fitted on (after the last gap)
    last_whole_month: date | None = None


class _Spec(NamedTuple):
    error: str
    trend: str | None
    damped: bool
    seasonal: str | None

    @property
    def name(self) -> str:
        trend = "N" if self.trend is None else ("Ad" if self.damped else "A")
        season = "N" if self.seasonal is None else self.seasonal[0].upper()
        return f"ETS({self.error[0].upper()},{trend},{season})"


# -- months ------------------------------------------------------------------------------------


def last_whole_month(data_end: date) -> date:
    """The first day of the last month whose every day is on or before data_end."""
    if (data_end + timedelta(days=1)).day == 1:
        return data_end.replace(day=1)
    return (data_end.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_in_progress(data_end: date) -> date:
    """The month of data_end if data_end is not its last day, else the month after."""
    return periods.next_month(last_whole_month(data_end))


def _narrowing(f: Filters, date_from: date, date_to: date) -> Filters:
    return Filters(date_from, date_to, doctor=f.doctor, department=f.department, branch=f.branch)


def scope_of(f: Filters) -> str:
    """The scope a forecast is of: one doctor, one department, the clinic, or "filtered" (any
    other combination of the sidebar's names). A branch narrows every scope."""
    if f.doctor is None and f.department is None:
        return "clinic"
    if isinstance(f.doctor, str) and f.department is None:
        return f"doctor:{f.doctor}"
    if isinstance(f.department, str) and f.doctor is None:
        return f"department:{f.department}"
    return "filtered"


# -- the schedule projection ---------------------------------------------------------------------


def schedule_projection(engine: Any, f: Filters, month: date | None = None) -> Projection | None:
    """This month from the schedule: done month start .. data_end, plus the planned appointments
    of the rest of the month × each doctor's turnout (× revenue per visit). `month` None: the
    month in progress. None when there is no schedule or no visits. f narrows by doctor,
    department and branch; its dates are ignored."""
    facts = engine.facts()
    data_end = facts.data_end
    if not facts.appointments_rows or data_end is None:
        return None
    month = (month or month_in_progress(data_end)).replace(day=1)
    month_end = periods.month_end(month)
    rest_from = max(month, data_end + timedelta(days=1))
    done_revenue, done_visits, done_new = 0.0, 0, 0
    if month <= data_end:
        done = engine.monthly(_narrowing(f, month, min(month_end, data_end)))
        if len(done):
            done_revenue = float(done["revenue"].sum())
            done_visits = int(done["visits"].sum())
            done_new = int(done["new_patients"].sum())
    params = {
        "rest_from": rest_from,
        "month_end": month_end,
        "history_from": data_end - timedelta(days=HISTORY_DAYS - 1),
        "history_to": data_end,
        "min_history": MIN_HISTORY,
        **_names(f),
    }
    frame = engine.query("schedule_projection_by_doctor", params)
    total = frame.loc[frame["breakdown"] == "all"].iloc[0]
    by_doctor = frame.loc[frame["breakdown"] == "doctor"].drop(
        columns=["breakdown"]).reset_index(drop=True)  # fmt: skip
    booked = int(total["booked"])
    exp_visits = _float(total["expected_visits"])
    exp_revenue = _float(total["expected_revenue"])
    exp_new = _float(total["expected_new_patients"])
    notes: list[str] = []
    if rest_from > month_end:
        notes.append("month_over")
    elif booked == 0:
        notes.append("nothing_booked")
    else:
        notes.append("later_bookings")
    if booked and int(total["booked_with_card"]) == 0:
        exp_new = None  # the bookings do not say who is new
        notes.append("no_cards")
    elif booked and int(total["booked_with_card"]) < booked:
        notes.append("some_without_card")
    if len(by_doctor) and not (by_doctor["own_show_up"].astype(bool).all()
                               and by_doctor["own_revenue_per_visit"].astype(bool).all()):
        notes.append("scope_rates")  # fmt: skip
    if booked and (exp_visits is None or exp_revenue is None):
        notes.append("no_rates")
    return Projection(
        month=month,
        data_end=data_end,
        done_revenue=done_revenue,
        done_visits=done_visits,
        done_new_patients=done_new,
        booked=booked,
        expected_visits_rest=exp_visits,
        expected_revenue_rest=exp_revenue,
        projected_revenue=None if exp_revenue is None else done_revenue + exp_revenue,
        projected_visits=None if exp_visits is None else done_visits + exp_visits,
        projected_new_patients=None if exp_new is None else done_new + exp_new,
        month_end=month_end,
        rest_from=rest_from,
        expected_new_patients_rest=exp_new,
        booked_new_patients=int(total["booked_new_patients"]),
        show_up=_float(total["show_up"]),
        revenue_per_visit=_float(total["revenue_per_visit"]),
        by_doctor=by_doctor,
        notes=tuple(notes),
    )


def _names(f: Filters) -> dict[str, list[str] | None]:
    def listed(value: Any) -> list[str] | None:
        if value is None:
            return None
        return [value] if isinstance(value, str) else list(value)

    return {"doctor": listed(f.doctor), "department": listed(f.department),
            "branch": listed(f.branch)}  # fmt: skip


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


# -- the history ---------------------------------------------------------------------------------


def monthly_history(engine: Any, f: Filters, figure: str) -> tuple[pd.DataFrame, tuple[date, ...]]:
    """The scope's whole months, from its first month with a visit to the last whole month:
    month, value. A month in which the services export has no rows at all is a gap (value NaN,
    listed in the second item); a month the export covers but the scope has no visit in is a
    true 0. The month in progress is left out."""
    if figure not in FIGURES:
        raise MetricsError(f"figure: one of {FIGURES}, not {figure!r}")
    data_end = engine.facts().data_end
    empty = pd.DataFrame({"month": pd.Series(dtype="object"), "value": pd.Series(dtype=float)})
    if data_end is None:
        return empty, ()
    last = last_whole_month(data_end)
    start = engine.names().data_start
    if start is None or start > last:
        return empty, ()
    frame = engine.monthly(_narrowing(f, start, periods.month_end(last)))
    if frame.empty:
        return empty, ()
    coverage = engine.coverage()
    covered = {pd.Timestamp(m).date().replace(day=1)
               for m in coverage.loc[coverage["table_name"] == "services", "month"]}  # fmt: skip
    values = {pd.Timestamp(m).date(): float(v) for m, v in zip(frame["month"], frame[figure],
                                                              strict=True)}  # fmt: skip
    first = min(values)
    months = periods.months_touched(first, last)
    rows = [(m, values.get(m, 0.0 if m in covered else math.nan)) for m in months]
    gaps = tuple(m for m, v in rows if math.isnan(v))
    return pd.DataFrame(rows, columns=["month", "value"]), gaps


# -- the model -----------------------------------------------------------------------------------


def _candidates(values: np.ndarray, allow_seasonal: bool) -> list[_Spec]:
    """ETS models tried: additive error with no / additive / damped trend and no / additive
    seasonality; where every month is > 0 also multiplicative error with no / multiplicative
    seasonality. (A,*,M) and (M,*,A) are left out (unstable, as R's ets(restrict = TRUE)
    leaves out the former)."""
    positive = bool(np.all(values > 0))
    trends = [(None, False), ("add", False), ("add", True)]
    out = []
    for error, seasons in (("add", [None, "add"]), ("mul", [None, "mul"])):
        if error == "mul" and not positive:
            continue
        for trend, damped in trends:
            for season in seasons:
                if season is not None and not allow_seasonal:
                    continue
                out.append(_Spec(error, trend, damped, season))
    return out


def _fit(values: np.ndarray, spec: _Spec) -> tuple[Any, float]:
    """The fitted model on values / scale (the optimiser works badly on millions of roubles;
    the scale shifts every AIC by the same amount, so the choice does not move) and the scale.
    At most 200 optimiser iterations (a fit that needs more is slow and rarely the best)."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel  # ~0.5 s import: on demand

    scale = float(np.mean(np.abs(values))) or 1.0
    series = pd.Series(values / scale)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel(
            series, error=spec.error, trend=spec.trend, damped_trend=spec.damped,
            seasonal=spec.seasonal, seasonal_periods=SEASON if spec.seasonal else None,
        )  # fmt: skip
        result = model.fit(disp=False, maxiter=200)
    return result, scale


def _criterion(result: Any) -> float:
    for name in ("aicc", "aic"):
        value = float(getattr(result, name, math.nan))
        if math.isfinite(value):
            return value
    return math.inf


@lru_cache(maxsize=512)
def _select(values: tuple[float, ...], allow_seasonal: bool) -> _Spec | None:
    """The candidate with the lowest AICc (AIC where AICc is not finite); None if none fits."""
    array = np.asarray(values, dtype=float)
    if np.allclose(array, array[0]):
        return _Spec("add", None, False, None)  # a constant series: the level is the forecast
    best, best_value = None, math.inf
    for spec in _candidates(array, allow_seasonal):
        try:
            result, _ = _fit(array, spec)
        except Exception:  # noqa: BLE001 - a candidate that does not fit is not chosen
            continue
        value = _criterion(result)
        if value < best_value:
            best, best_value = spec, value
    return best


def _one_step(values: np.ndarray, spec: _Spec) -> float:
    if np.allclose(values, values[0]):
        return float(values[0])
    result, scale = _fit(values, spec)
    return float(np.asarray(result.forecast(1))[0]) * scale


def _intervals(values: np.ndarray, spec: _Spec, horizon: int) -> pd.DataFrame:
    """point, lo80, hi80, lo95, hi95 for the next `horizon` months (analytic intervals for the
    additive models, simulated with a fixed seed for the multiplicative ones)."""
    n = len(values)
    if np.allclose(values, values[0]):
        level = float(values[0])
        return pd.DataFrame({c: [level] * horizon for c in ("point", "lo80", "hi80", "lo95",
                                                           "hi95")})  # fmt: skip
    result, scale = _fit(values, spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prediction = result.get_prediction(start=n, end=n + horizon - 1,
                                           rng=np.random.default_rng(0))  # fmt: skip
        out = {"point": np.asarray(prediction.predicted_mean, dtype=float) * scale}
        for level, alpha in (("80", 0.2), ("95", 0.05)):
            frame = prediction.summary_frame(alpha=alpha)
            out[f"lo{level}"] = frame["pi_lower"].to_numpy(dtype=float) * scale
            out[f"hi{level}"] = frame["pi_upper"].to_numpy(dtype=float) * scale
    return pd.DataFrame(out)


def backtest(values: np.ndarray, months: list[date], spec: _Spec) -> Backtest | None:
    """Rolling origin, one step ahead: each of the last k months (k = min(12, n - the model's
    minimum training), at least 6) forecast by the chosen model refitted on the months before
    it, against the (seasonal) naive forecast of the same month. None with fewer than 6
    origins."""
    n = len(values)
    min_train = SEASONAL_MONTHS if spec.seasonal else MIN_MONTHS
    k = min(BACKTEST_MAX, n - min_train)
    if k < BACKTEST_MIN:
        return None
    lag = SEASON if n >= SEASONAL_MONTHS else 1
    first = n - k
    rows = []
    for i in range(first, n):
        # refitted from scratch: a start from the fit on all months would let them steer it
        predicted = _one_step(values[:i], spec)
        rows.append((months[i], float(values[i]), predicted, float(values[i - lag])))
    frame = pd.DataFrame(rows, columns=["month", "actual", "predicted", "naive"])
    errors = (frame["actual"] - frame["predicted"]).abs()
    naive_errors = (frame["actual"] - frame["naive"]).abs()
    nonzero = frame["actual"] != 0
    mape = float((errors[nonzero] / frame["actual"][nonzero].abs()).mean()) if nonzero.any() else None
    train = values[:first]
    in_sample = np.abs(train[lag:] - train[:-lag])
    scale = float(in_sample.mean()) if len(in_sample) else 0.0
    model_mae, naive_mae = float(errors.mean()), float(naive_errors.mean())
    return Backtest(
        origins=tuple(frame["month"]),
        mape=mape,
        mase=model_mae / scale if scale > 0 else None,
        naive="seasonal_naive" if lag == SEASON else "naive",
        model_mae=model_mae,
        naive_mae=naive_mae,
        ratio=naive_mae / model_mae if model_mae > 0 else None,
        frame=frame,
    )


@lru_cache(maxsize=256)
def _modelled(values: tuple[float, ...], months: tuple[date, ...], horizon: int,
              count: bool) -> tuple[_Spec | None, pd.DataFrame | None, Backtest | None]:  # fmt: skip
    """The chosen model, its forecast and its backtest, for one training series (cached: the
    page, the report and band_for ask again for the same series)."""
    array = np.asarray(values, dtype=float)
    spec = _select(values, len(values) >= SEASONAL_MONTHS)
    if spec is None:
        return None, None, None
    try:
        frame = _intervals(array, spec, horizon)
        checked = backtest(array, list(months), spec)
    except Exception:  # noqa: BLE001 - a model that fits but cannot forecast: no forecast
        return None, None, None
    if count:
        frame = frame.clip(lower=0.0)
    return spec, frame, checked


def forecast_series(
    values: list[float], months: list[date], horizon: int = HORIZON_MAX, count: bool = False
) -> tuple[str | None, pd.DataFrame | None, Backtest | None]:
    """The model the forecast would choose for a plain monthly series without gaps (a CSV's, in
    bench/forecast_backtest.py), its forecast (point, lo80, hi80, lo95, hi95) and backtest.
    (None, None, None) with fewer than MIN_MONTHS values or when no model fits."""
    if len(values) < MIN_MONTHS:
        return None, None, None
    spec, frame, checked = _modelled(tuple(float(v) for v in values), tuple(months), horizon,
                                     count)  # fmt: skip
    return (None if spec is None else spec.name), frame, checked


def _usable(history: pd.DataFrame) -> pd.DataFrame:
    """The months after the last gap."""
    missing = history["value"].isna().to_numpy()
    if not missing.any():
        return history
    last_gap = int(np.flatnonzero(missing)[-1])
    return history.iloc[last_gap + 1:]


def forecast(engine: Any, f: Filters, figure: str, horizon: int = HORIZON_MAX) -> Forecast:
    """The monthly forecast of `figure` for the scope f narrows to (its dates are ignored),
    from the month in progress on, `horizon` months (1..6)."""
    if not 1 <= horizon <= HORIZON_MAX:
        raise MetricsError(f"horizon: 1..{HORIZON_MAX} months, not {horizon!r}")
    history, gaps = monthly_history(engine, f, figure)
    data_end = engine.facts().data_end
    last = last_whole_month(data_end) if data_end is not None else None
    scope = scope_of(f)
    empty = pd.DataFrame(columns=["month", "point", "lo80", "hi80", "lo95", "hi95"])
    usable = _usable(history)
    n = len(usable)
    training = history.assign(is_training=history["month"].isin(set(usable["month"])))

    def none(reason: str) -> Forecast:
        return Forecast(figure, scope, training, empty, None, False, reason, gaps, None, n, last)

    if history.empty:
        return none(NO_HISTORY)
    if n < MIN_MONTHS:
        return none(GAP if gaps else SHORT)
    spec, frame, checked = _modelled(tuple(usable["value"]), tuple(usable["month"]), horizon,
                                     figure in COUNT_FIGURES)  # fmt: skip
    if spec is None or frame is None:
        return none(FIT_FAILED)
    assert last is not None
    months = [d.date() for d in pd.date_range(periods.next_month(last), periods=horizon, freq="MS")]
    frame = frame.assign(month=months)[["month", "point", "lo80", "hi80", "lo95", "hi95"]]
    seasonal = spec.seasonal is not None
    reason = None if seasonal else (NO_SEASONAL_SHORT if n < SEASONAL_MONTHS
                                    else SEASONAL_NOT_CHOSEN)  # fmt: skip
    return Forecast(figure, scope, training, frame, spec.name, seasonal, reason, gaps, checked, n,
                    last)  # fmt: skip


def band_for(
    engine: Any, f: Filters, figure: str, month: date
) -> tuple[float, float, float, float, float] | None:
    """(point, lo80, hi80, lo95, hi95) of `month` forecast one step ahead from the whole months
    before it (after the last gap before it), as the backtest does it: the model the forecast
    chose on the whole history, refitted on those months (chosen on them alone where they are
    too few for its seasonality). Choosing again for every month judged cost Что изменилось four
    seconds per filter change. None where fewer than MIN_MONTHS whole months come right before
    it, or `month` is later than the month in progress (the months before it are not all
    known)."""
    month = month.replace(day=1)
    history, _ = monthly_history(engine, f, figure)
    if history.empty or month > periods.next_month(history["month"].iloc[-1]):
        return None
    before = _usable(history.loc[history["month"] < month])
    if len(before) < MIN_MONTHS or before["month"].iloc[-1] != periods.months_back(month, 1):
        return None
    values = tuple(before["value"])
    whole = tuple(_usable(history)["value"])
    spec = _select(whole, len(whole) >= SEASONAL_MONTHS) if len(whole) >= MIN_MONTHS else None
    if spec is None or (spec.seasonal and len(values) < SEASONAL_MONTHS):
        spec = _select(values, len(values) >= SEASONAL_MONTHS)
    if spec is None:
        return None
    try:
        frame = _intervals(np.asarray(values, dtype=float), spec, 1)
    except Exception:  # noqa: BLE001
        return None
    if figure in COUNT_FIGURES:
        frame = frame.clip(lower=0.0)
    row = frame.iloc[0]
    return (float(row["point"]), float(row["lo80"]), float(row["hi80"]), float(row["lo95"]),
            float(row["hi95"]))  # fmt: skip


# -- who has enough history ------------------------------------------------------------------------


def forecastable(engine: Any, f: Filters) -> dict[str, tuple[str, ...]]:
    """The doctors and departments (within f's branch) with at least MIN_MONTHS whole months
    from their first visit to the last whole month: the scopes the page offers. (Gaps and the
    months after them are the forecast's own check, which says why when it declines.)"""
    data_end = engine.facts().data_end
    out: dict[str, tuple[str, ...]] = {"doctor": (), "department": ()}
    if data_end is None:
        return out
    last = last_whole_month(data_end)
    frame = engine.query("history_months_by_member",
                         {"date_to": periods.month_end(last), "branch": _names(f)["branch"]})  # fmt: skip
    for dimension in out:
        part = frame.loc[frame["dimension"] == dimension]
        keep = []
        for member, first in zip(part["member"], part["first_month"], strict=True):
            first_month = pd.Timestamp(first).date()
            span = (last.year - first_month.year) * 12 + last.month - first_month.month + 1
            if span >= MIN_MONTHS:
                keep.append(str(member))
        out[dimension] = tuple(keep)
    return out


# -- the report ----------------------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _plain(value: Any) -> Any:
    number = _float(value)
    return number


def report_section(engine: Any, f: Filters) -> dict | None:
    """The forecast part of the report, JSON-ready (METRICS.md "Forecast"), for the scope f
    narrows to (its dates are ignored): `month_in_progress`, `projection` (this month from the
    schedule, or None without a schedule) and `forecasts`, per figure: model (None: no forecast,
    `reason` says why), seasonal, gaps ('YYYY-MM-DD'), training_months, months (month, point,
    lo80, hi80, lo95, hi95) and backtest (origins, mape, mase, ratio, naive) or None. None
    without visits."""
    data_end = engine.facts().data_end
    if data_end is None:
        return None
    projection = schedule_projection(engine, f)
    out: dict[str, Any] = {
        "scope": scope_of(f),
        "data_end": _day(data_end),
        "month_in_progress": _day(month_in_progress(data_end)),
        "projection": None,
        "forecasts": {},
    }
    if projection is not None:
        out["projection"] = {
            "month": _day(projection.month),
            "done_revenue": projection.done_revenue,
            "done_visits": projection.done_visits,
            "done_new_patients": projection.done_new_patients,
            "booked": projection.booked,
            "expected_visits_rest": projection.expected_visits_rest,
            "expected_revenue_rest": projection.expected_revenue_rest,
            "projected_revenue": projection.projected_revenue,
            "projected_visits": projection.projected_visits,
            "projected_new_patients": projection.projected_new_patients,
            "notes": list(projection.notes),
        }
    for figure in FIGURES:
        result = forecast(engine, f, figure)
        checked = result.backtest
        out["forecasts"][figure] = {
            "model": result.model,
            "seasonal": result.seasonal,
            "reason": result.reason,
            "gaps": [_day(g) for g in result.gaps],
            "training_months": result.training_months,
            "months": [
                {"month": _day(row.month), **{c: _plain(getattr(row, c)) for c in
                                               ("point", "lo80", "hi80", "lo95", "hi95")}}
                for row in result.forecast.itertuples(index=False)
            ],  # fmt: skip
            "backtest": None if checked is None else {
                "origins": len(checked.origins),
                "first_origin": _day(checked.origins[0]),
                "last_origin": _day(checked.origins[-1]),
                "mape": checked.mape,
                "mase": checked.mase,
                "ratio": checked.ratio,
                "naive": checked.naive,
            },
        }
    return out
