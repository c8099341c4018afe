"""What changed (issue 14, METRICS.md "What changed"): the period's revenue against the previous
period or the same days a year earlier, split into visits × average check and into the
contributions of departments, doctors, services and acquisition channels, with the biggest
movers, the members new or lost, and the months whose figures fall outside the forecast band.

Numbers only (dataclasses and DataFrames, no words: clinic_bi/present/changes_text.py writes the
sentences). The sums come from SQL (Engine.summary, and queries/metrics/
revenue_changes_by_member.sql: both periods per member of every dimension, in one query); this
module only subtracts and multiplies them, so every member table adds up to the total change
exactly (up to float rounding of the money that leaves DECIMAL at the edge).

The periods are the engine's own (engine.compared_periods: like with like, a period data_end falls
in up to data_end), and so are its honesty rules: a basis period lacking a month of services data,
or a previous period of another length, is not compared (`Changes.compared` False, `reason` says
why) rather than shown as a plain percentage.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from clinic_bi import periods
from clinic_bi.metrics.api import Filters, MetricsError
from clinic_bi.metrics.engine import (
    Engine,
    _narrowing_params,
    compared_periods,
    plain_value,
)

BASES: tuple[str, ...] = ("previous", "year")
DIMENSIONS: tuple[str, ...] = ("department", "doctor", "service", "channel")
# The figures checked against the forecast band, month by month (forecast.band_for's names), in
# the last BAND_MONTHS whole months of the period: each check refits a model on the months before
# it, and "what changed" is about the latest months.
BAND_FIGURES: tuple[str, ...] = ("revenue", "visits", "new_patients")
BAND_MONTHS = 3

# A member is a mover (named in a sentence) when its change is at least all three of: 5 % of the
# total change, 0.5 % of the basis period's revenue, 10 000 ₽; at most MOVERS_KEPT each way.
MOVER_SHARE_OF_CHANGE = 0.05
MOVER_SHARE_OF_BASE = 0.005
MOVER_FLOOR = 10_000.0
MOVERS_KEPT = 3

# Why a comparison is not made (Changes.reason).
REASONS: tuple[str, ...] = ("ahead", "gaps", "length", "no_data")

_NONE = "\x00none"  # stands for a missing member name while two periods are merged


def _band_for(engine: Engine, f: Filters, figure: str, month: date) -> tuple[float, ...] | None:
    """The forecast band of `figure` for `month` (clinic_bi.metrics.forecast.band_for: point,
    lo80, hi80, lo95, hi95), or None — also while that module does not exist yet."""
    source = band_source()
    return None if source is None else source(engine, f, figure, month)


def band_source() -> Any:
    """forecast.band_for, or None when the forecast module (written in parallel) is missing."""
    try:
        forecast = importlib.import_module("clinic_bi.metrics.forecast")
    except ImportError:
        return None
    return getattr(forecast, "band_for", None)


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Split:
    """R = V · C (visits × average check), split with no residual (METRICS.md "What changed"):
    visits_effect = (V₁ − V₀)·(C₀ + C₁)/2, check_effect = (C₁ − C₀)·(V₀ + V₁)/2; their sum is
    R₁ − R₀ exactly. Effects and check figures are None when a period has no visits."""

    revenue_0: float
    revenue_1: float
    change: float
    change_rel: float | None
    visits_0: int
    visits_1: int
    visits_rel: float | None
    check_0: float | None
    check_1: float | None
    check_rel: float | None
    visits_effect: float | None
    check_effect: float | None


@dataclass(frozen=True)
class ServiceEffects:
    """The services' split of the total change: Σ price + Σ volume + Σ mix + new − lost = ΔR."""

    price: float
    volume: float
    mix: float
    new: float
    lost: float  # the revenue the lost services had (a positive number; its effect is −lost)


@dataclass(frozen=True, eq=False)
class Changes:
    """The period against one basis ("previous" or "year"). `members[dimension]` has the columns
    member (None: rows without the attribute, "без указания"), revenue_0 (basis), revenue_1
    (current), change, change_rel (None where revenue_0 is 0), status ('both', 'new' or 'lost');
    departments also price_effect (Σ of their services' price effects), volume_effect,
    mix_effect, new_effect, lost_effect; services quantity_0, quantity_1, price_0, price_1,
    price_effect, volume_effect, mix_effect. Sorted by |change| descending. Empty when not
    `compared`. `outside`: month, figure, actual, point, lo80, hi80, lo95, hi95, side ('above',
    'below' or None; None also where actual or the band is missing)."""

    basis: str
    asked: Filters
    current: Filters
    base: Filters
    data_end: date | None
    compared: bool
    reason: str | None
    gaps: tuple[str, ...]
    same_periods: bool
    split: Split | None
    members: dict[str, pd.DataFrame] = field(default_factory=dict)
    services: ServiceEffects | None = None
    outside: pd.DataFrame = field(default_factory=pd.DataFrame)
    band_available: bool = False

    @property
    def partial(self) -> bool:
        """The period asked for runs past data_end: only its days up to data_end are compared."""
        return self.current.date_to < self.asked.date_to

    @property
    def threshold(self) -> float | None:
        """The least |change| a member needs to be named (MOVER_* above)."""
        if self.split is None:
            return None
        return max(MOVER_SHARE_OF_CHANGE * abs(self.split.change),
                   MOVER_SHARE_OF_BASE * abs(self.split.revenue_0), MOVER_FLOOR)

    def movers(self, dimension: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The members that moved most, up and down (at most MOVERS_KEPT each, |change| >=
        threshold), largest first."""
        frame = self.members.get(dimension)
        if frame is None or frame.empty or self.threshold is None:
            empty = pd.DataFrame(columns=["member", "change"])
            return empty, empty
        big = frame[frame["change"].abs() >= self.threshold]
        up = big[big["change"] > 0].sort_values("change", ascending=False, kind="stable")
        down = big[big["change"] < 0].sort_values("change", kind="stable")
        return up.head(MOVERS_KEPT).reset_index(drop=True), down.head(MOVERS_KEPT).reset_index(
            drop=True)

    def appeared(self, dimension: str) -> pd.DataFrame:
        """Members with revenue lines in the current period and none in the basis, by revenue."""
        return self._with_status(dimension, "new", "revenue_1")

    def disappeared(self, dimension: str) -> pd.DataFrame:
        """Members with lines in the basis period and none in the current one, by revenue."""
        return self._with_status(dimension, "lost", "revenue_0")

    def _with_status(self, dimension: str, status: str, by: str) -> pd.DataFrame:
        frame = self.members.get(dimension)
        if frame is None or frame.empty:
            return pd.DataFrame(columns=["member", by])
        part = frame[(frame["status"] == status) & frame["member"].notna()]
        return part.sort_values(by, ascending=False, kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Computing


def _rel(change: float | None, base: float | None) -> float | None:
    if change is None or base is None or base == 0:
        return None
    return change / abs(base)


def split(revenue_0: float, revenue_1: float, visits_0: int, visits_1: int) -> Split:
    """Visits × average check, the symmetric split (no residual)."""
    change = revenue_1 - revenue_0
    check_0 = revenue_0 / visits_0 if visits_0 else None
    check_1 = revenue_1 / visits_1 if visits_1 else None
    if check_0 is None or check_1 is None:
        visits_effect = check_effect = None
    else:
        visits_effect = (visits_1 - visits_0) * (check_0 + check_1) / 2
        check_effect = (check_1 - check_0) * (visits_0 + visits_1) / 2
    check_change = None if check_0 is None or check_1 is None else check_1 - check_0
    return Split(
        revenue_0=revenue_0, revenue_1=revenue_1, change=change,
        change_rel=_rel(change, revenue_0), visits_0=visits_0, visits_1=visits_1,
        visits_rel=_rel(visits_1 - visits_0, visits_0), check_0=check_0, check_1=check_1,
        check_rel=_rel(check_change, check_0), visits_effect=visits_effect,
        check_effect=check_effect,
    )  # fmt: skip


def _member_sums(engine: Engine, base: Filters, current: Filters) -> dict[str, pd.DataFrame]:
    """queries/metrics/revenue_changes_by_member.sql, both periods in one query, split by its
    dimension ('pair', 'department', 'service', 'doctor', 'channel'); a department's name is
    its member."""
    sums = engine.query("revenue_changes_by_member", {
        "date_from_0": base.date_from, "date_to_0": base.date_to,
        "date_from_1": current.date_from, "date_to_1": current.date_to,
        **_narrowing_params(current),
    })  # fmt: skip
    out = {name: part.reset_index(drop=True) for name, part in sums.groupby("dimension")}
    empty = sums.iloc[0:0]
    out = {name: out.get(name, empty) for name in ("pair", "department", "service", "doctor",
                                                   "channel")}  # fmt: skip
    out["department"] = out["department"].assign(member=out["department"]["department"])
    return out


def _keyed(column: pd.Series) -> pd.Series:
    """Member names as sort keys: a missing name is _NONE, which sorts first."""
    return column.astype(object).where(column.notna(), _NONE)


def _by_name(sums: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order of the members' names, a missing name first (the order ties keep)."""
    return sums.loc[_keyed(sums["member"]).sort_values(kind="stable").index]


def _changes(sums: pd.DataFrame) -> pd.DataFrame:
    """member_changes' columns, row for row of `sums` (its index and order)."""
    status = pd.Series("both", index=sums.index, dtype=object)
    status[sums["rows_1"] == 0] = "lost"
    status[sums["rows_0"] == 0] = "new"
    frame = pd.DataFrame({
        "member": sums["member"].astype(object).where(sums["member"].notna(), None),
        "revenue_0": sums["revenue_0"].astype("float64").fillna(0.0),
        "revenue_1": sums["revenue_1"].astype("float64").fillna(0.0),
        "status": status,
    }, index=sums.index)  # fmt: skip
    frame["change"] = frame["revenue_1"] - frame["revenue_0"]
    frame["change_rel"] = (frame["change"] / frame["revenue_0"].abs()).where(
        frame["revenue_0"] != 0).astype("float64")
    return frame


def member_changes(sums: pd.DataFrame) -> pd.DataFrame:
    """Per member (`sums`: revenue_changes_by_member's rows of one dimension): revenue_0,
    revenue_1, change, change_rel (None where revenue_0 is 0), status. A member without rows in
    one period is 'new' or 'lost' with 0 revenue there; a null member is a member too."""
    return _by_size(_changes(_by_name(sums)))


def _by_size(frame: pd.DataFrame) -> pd.DataFrame:
    """By |change| descending, ties in the order given."""
    order = frame["change"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _with_quantities(sums: pd.DataFrame) -> pd.DataFrame:
    frame = _changes(sums)
    return frame.assign(quantity_0=sums["quantity_0"], quantity_1=sums["quantity_1"])


def service_effects(sums: pd.DataFrame) -> pd.DataFrame:
    """Per service (`sums`: revenue_changes_by_member's rows of one dimension, with quantity_0
    and quantity_1): member_changes' columns and quantity_0, quantity_1, price_0, price_1
    (revenue / quantity, None where quantity <= 0), price_effect (P₁−P₀)·Q₀, volume_effect
    (Q₁−Q₀)·P₀ and mix_effect ΔR − price − volume (= (P₁−P₀)(Q₁−Q₀)) for a service sold in both
    periods; a new service's change is its revenue, a lost one's minus its revenue, and neither
    has these effects. Where a period's quantity is <= 0 (refunds only) there is no price: the
    whole change is mix."""
    return _by_size(_with_effects(_with_quantities(_by_name(sums))))


def _with_effects(frame: pd.DataFrame) -> pd.DataFrame:
    """service_effects' arithmetic, column by column (a loop over rows cost a third of Обзор's
    redraw on a 1M-line store): prices where the quantity is > 0, the effects of the services
    sold in both periods, the whole change as mix where a period has no price."""
    q0, q1 = (frame[c].astype("float64") for c in ("quantity_0", "quantity_1"))
    p0 = (frame["revenue_0"] / q0).where(q0 > 0)
    p1 = (frame["revenue_1"] / q1).where(q1 > 0)
    both = frame["status"] == "both"
    priced = both & p0.notna() & p1.notna()
    price = ((p1 - p0) * q0).where(priced)
    volume = ((q1 - q0) * p0).where(priced)
    mix = (frame["change"] - price - volume).where(priced, frame["change"]).where(both)
    extra = pd.DataFrame({"quantity_0": q0, "quantity_1": q1, "price_0": p0, "price_1": p1,
                          "price_effect": price, "volume_effect": volume, "mix_effect": mix},
                         index=frame.index).astype("float64")  # fmt: skip
    return pd.concat([frame.drop(columns=["quantity_0", "quantity_1"]), extra], axis=1)


def _number(value: Any) -> float | None:
    value = plain_value(value)
    return None if value is None else float(value)


def total_service_effects(services: pd.DataFrame) -> ServiceEffects:
    """The sums of service_effects' columns: price + volume + mix + new − lost = ΔR."""
    return ServiceEffects(
        price=float(services["price_effect"].sum()),
        volume=float(services["volume_effect"].sum()),
        mix=float(services["mix_effect"].sum()),
        new=float(services.loc[services["status"] == "new", "change"].sum()),
        lost=float(-services.loc[services["status"] == "lost", "change"].sum()),
    )


def department_changes(departments: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Per department (revenue_changes_by_member's 'department' rows, and its 'pair' rows for
    the services within each): member_changes' columns and the sums of its services' effects
    (service_effects within the department): price_effect, volume_effect, mix_effect, new_effect
    (its new services' revenue), lost_effect (minus its lost services' revenue); they add up to
    the department's change."""
    frame = member_changes(departments)
    # summed over the pairs in the order of (department, service) names, a missing name first
    pairs = pairs.assign(_department=_keyed(pairs["department"]), _service=_keyed(pairs["member"]))
    pairs = pairs.sort_values(["_department", "_service"], kind="stable")
    effects = _with_effects(_with_quantities(pairs))
    effects["department"] = pairs["_department"]
    effects["new_effect"] = effects["change"].where(effects["status"] == "new", 0.0)
    effects["lost_effect"] = effects["change"].where(effects["status"] == "lost", 0.0)
    sums = effects.groupby("department", sort=False)[
        ["price_effect", "volume_effect", "mix_effect", "new_effect", "lost_effect"]].sum()
    extra = sums.reindex(_keyed(frame["member"])).fillna(0.0).set_index(frame.index)
    return pd.concat([frame, extra.astype("float64")], axis=1)


def _revenue_gaps(engine: Engine, f: Filters, basis: str) -> tuple[list[str], bool]:
    """The months missing for revenue (Engine.comparison's gaps), and whether the periods are
    the same days a year apart (a twelve-month period: one comparison)."""
    comparison = engine.comparison(f, summary_only=True)
    row = comparison.table.set_index("metric").loc["revenue"]
    gaps = row["gaps"] if basis == "previous" else row["gaps_year"]
    return list(gaps), comparison.same_periods


def changes(engine: Engine, f: Filters, basis: str = "previous", band: bool = True) -> Changes:
    """The period `f` against `basis` ("previous": the previous period; "year": the same days a
    year earlier), as engine.compared_periods defines them. With band=False the forecast band
    is not checked (`outside` empty, `band_available` False): it costs seconds, a page draws it
    last (`outside_band`)."""
    if basis not in BASES:
        raise MetricsError(f"basis: one of {BASES}, not {basis!r}")
    with engine.snapshot():
        data_end = engine.facts().data_end
        current, previous, year_ago = compared_periods(f, data_end)
        base = previous if basis == "previous" else year_ago
        gaps, same = _revenue_gaps(engine, f, basis)
        head = {"basis": basis, "asked": f, "current": current, "base": base,
                "data_end": data_end, "gaps": tuple(gaps), "same_periods": same}
        outside, band_available = (outside_band(engine, f, current) if band
                                   else (pd.DataFrame(columns=_OUTSIDE_COLUMNS), False))
        tail = {"outside": outside, "band_available": band_available}
        reason = None
        if data_end is None or current.date_from > data_end:
            reason = "ahead"
        elif gaps:
            reason = "gaps"
        elif basis == "previous" and current.days != base.days:
            reason = "length"
        if reason is not None:
            return Changes(**head, compared=False, reason=reason, split=None, **tail)
        now, before = engine.summary(current), engine.summary(base)
        if not now.visits and not before.visits:
            return Changes(**head, compared=False, reason="no_data", split=None, **tail)
        sums = _member_sums(engine, base, current)
    services = service_effects(sums["service"])
    members = {
        "department": department_changes(sums["department"], sums["pair"]),
        "doctor": member_changes(sums["doctor"]),
        "service": services,
        "channel": member_changes(sums["channel"]),
    }
    return Changes(
        **head, compared=True, reason=None,
        split=split(float(before.revenue), float(now.revenue), before.visits, now.visits),
        members=members, services=total_service_effects(services), **tail,
    )  # fmt: skip


def whole_months(f: Filters) -> list[date]:
    """The first days of the calendar months that lie wholly inside f."""
    return [month for month in periods.months_touched(f.date_from, f.date_to)
            if month >= f.date_from and periods.month_end(month) <= f.date_to]


_OUTSIDE_COLUMNS = ["month", "figure", "actual", "point", "lo80", "hi80", "lo95", "hi95", "side"]


def outside_band(engine: Engine, f: Filters, current: Filters) -> tuple[pd.DataFrame, bool]:
    """Each of the last BAND_MONTHS whole months of the compared period `current` (f as asked:
    compared_periods(f, data_end)[0]), each BAND_FIGURES figure against its forecast
    band (one step ahead from the months before, forecast.band_for with the page's filters):
    side 'above' / 'below' when the actual figure lies outside the 95 % band. A month without
    visits has actual None (missing, never 0) and no side. Also whether a band source exists."""
    source = band_source()
    months = whole_months(current)[-BAND_MONTHS:]
    if source is None or not months:
        return pd.DataFrame(columns=_OUTSIDE_COLUMNS), source is not None
    monthly = engine.monthly(current)
    by_month = {pd.Timestamp(m).date(): row for m, row in
                zip(monthly["month"], monthly.to_dict("records"), strict=True)}
    rows = []
    for month in months:
        for figure in BAND_FIGURES:
            actual = by_month.get(month, {}).get(figure)
            actual = _number(actual)
            band = _band_for(engine, f, figure, month)
            point, lo80, hi80, lo95, hi95 = (None,) * 5 if band is None else (
                _number(v) for v in band)
            side = None
            if actual is not None and lo95 is not None and hi95 is not None:
                side = "above" if actual > hi95 else "below" if actual < lo95 else None
            rows.append(dict(zip(_OUTSIDE_COLUMNS, (month, figure, actual, point, lo80, hi80,
                                                     lo95, hi95, side), strict=True)))
    frame = pd.DataFrame(rows, columns=_OUTSIDE_COLUMNS)
    frame["side"] = pd.Series([r["side"] for r in rows], dtype=object)  # None, not NaN
    return frame, True


# ---------------------------------------------------------------------------------------------
# The report section


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return [{c: plain_value(row[c]) for c in columns} for row in frame.to_dict("records")]


def _basis_section(c: Changes) -> dict[str, Any]:
    out: dict[str, Any] = {
        "basis": c.basis,
        "date_from": _iso(c.base.date_from), "date_to": _iso(c.base.date_to),
        "compared": c.compared, "reason": c.reason, "gaps": list(c.gaps),
    }  # fmt: skip
    if not c.compared or c.split is None:
        return out
    out["split"] = {k: plain_value(v) for k, v in vars(c.split).items()}
    out["services"] = (
        {k: plain_value(v) for k, v in vars(c.services).items()} if c.services else None)
    out["threshold"] = c.threshold
    movers: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        up, down = c.movers(dimension)
        movers[dimension] = {
            "up": _records(up, ["member", "revenue_0", "revenue_1", "change"]),
            "down": _records(down, ["member", "revenue_0", "revenue_1", "change"]),
        }
        if dimension in ("doctor", "service"):
            movers[dimension]["new"] = _records(c.appeared(dimension), ["member", "revenue_1"])
            movers[dimension]["lost"] = _records(c.disappeared(dimension), ["member", "revenue_0"])
    out["movers"] = movers
    return out


def report_section(engine: Engine, f: Filters) -> dict[str, Any] | None:
    """The "what changed" section of `report --format json`: the compared period, then per basis
    ("previous"; "year" unless the previous period already is the same days a year earlier)
    whether it is compared (else `reason`: ahead / gaps / length / no_data, and `gaps` as
    'YYYY-MM'), the visits × check split, the services' price / volume / mix / new / lost, the
    movers up and down per dimension (and new / lost doctors and services), and the months outside
    the forecast band (`outside`: figure, month, actual, the 95 % band, side). None without data."""
    with engine.snapshot():
        if engine.facts().data_end is None:
            return None
        first = changes(engine, f, "previous")
        bases = [first] if first.same_periods else [first, changes(engine, f, "year")]
    outside = first.outside
    flagged = outside[outside["side"].notna()] if not outside.empty else outside
    return {
        "date_from": _iso(first.current.date_from),
        "date_to": _iso(first.current.date_to),
        "partial": first.partial,
        "bases": [_basis_section(c) for c in bases],
        "band_available": first.band_available,
        "outside": [
            {**r, "month": _iso(r["month"])} for r in _records(
                flagged, ["month", "figure", "actual", "point", "lo95", "hi95", "side"])
        ],
    }
