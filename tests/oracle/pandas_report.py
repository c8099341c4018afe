"""METRICS.md in plain pandas: the analyst-in-a-notebook alternative to the engine.

Two uses:

- issue 3's cross-check: an implementation written from METRICS.md's text alone (not from the
  engine's SQL, and calling nothing of clinic_bi), whose report must equal the engine's;
- issue 5's benchmark: the "obvious alternative" the engine must be clearly faster than.

It is written the way a competent analyst would write it in a notebook: the canonical tables read
once into DataFrames, then vectorised pandas (boolean masks, groupby, merge, merge_asof), no
Python loop over data rows.

    tables = load_tables("store.duckdb")         # once
    prepared = prepare(tables)                   # once per data change (optional)
    report = pandas_report(prepared, "2025-01-01", "2025-12-31", doctor="Иванова А. С.")

`prepare` computes what does not depend on the period or the filters (visit keys, first(p),
data_end, lead -> patient links, acquisition channels); `pandas_report` accepts the raw tables too
and then prepares them itself. The result has the keys and shapes of CLI.md's JSON report.

Where METRICS.md is silent, this follows the choices the engine documented (numbered 1-13 in the
comments, as in the brief of issue 3), so that the numbers can agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

# The canonical columns each figure needs (DATA.md names), read once from the store.
COLUMNS: dict[str, tuple[str, ...]] = {
    "services": (
        "visit_date", "patient_id", "doctor", "department", "branch", "visit_id", "service",
        "quantity", "amount", "duration_min",
    ),
    "patients": ("patient_id", "first_visit_date", "channel", "phone_hash"),
    "leads": ("lead_id", "created_at", "channel", "operator", "stage", "patient_id", "phone_hash"),
    "appointments": (
        "appointment_id", "scheduled_at", "status", "patient_id", "doctor", "department",
        "branch", "created_at", "lead_id", "started_at", "wait_min",
    ),
    "contracts": ("contract_id", "signed_at", "patient_id", "lead_id"),
    "marketing_spend": ("date", "channel", "amount"),
    "reviews": ("date", "rating", "rating_scale", "doctor"),
}  # fmt: skip

DAY = pd.Timedelta(days=1)
Names = str | tuple[str, ...] | list[str] | None


# ---------------------------------------------------------------------------------------------
# Loading


def load_tables(db_path: Path | str) -> dict[str, pd.DataFrame]:
    """The canonical tables of a store as DataFrames (money as float64, dates as datetime64)."""
    con = duckdb.connect(
        str(db_path),
        read_only=True,
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False},
    )
    try:
        tables = {}
        for name, columns in COLUMNS.items():
            # .df() turns DECIMAL into float64: money as float, as an analyst would have it
            tables[name] = con.table(name).select(*columns).df()
    finally:
        con.close()
    for frame in tables.values():
        for column in frame.columns:
            if frame[column].dtype == object and frame[column].isna().all():
                frame[column] = frame[column].astype("str")  # an all-null text column
    return tables


def _blank_to_missing(values: pd.Series) -> pd.Series:
    """Choice 5: a blank channel is a missing one."""
    values = values.astype("str")
    return values.where(values.str.strip().ne("") & values.notna())


# ---------------------------------------------------------------------------------------------
# What does not depend on the period or the filters


@dataclass
class Prepared:
    tables: dict[str, pd.DataFrame]
    services: pd.DataFrame  # + visit key `vk`, `first` = first(p), `is_first`
    data_end: pd.Timestamp | None
    lead_links: pd.DataFrame  # lead_id, patient_id: every patient card a lead links to
    channel: pd.Series  # acquisition channel by patient_id (patients known to either source)


def prepare(tables: dict[str, pd.DataFrame]) -> Prepared:
    services = tables["services"].copy()
    patients = tables["patients"]
    leads = tables["leads"]

    # Visit key: visit_id where the line has one, else (patient_id, doctor, visit_date). Both
    # become one integer key space (ids first, then the triples).
    has_id = services["visit_id"].notna().to_numpy()
    vk = np.empty(len(services), dtype="int64")
    id_codes, uniques = pd.factorize(services.loc[has_id, "visit_id"])
    vk[has_id] = id_codes
    triples = services.loc[~has_id, ["patient_id", "doctor", "visit_date"]]
    vk[~has_id] = (
        len(uniques)
        + triples.groupby(["patient_id", "doctor", "visit_date"], sort=False).ngroup().to_numpy()
    )
    services["vk"] = vk

    # first(p): the earliest visit_date in all loaded lines, or patients.first_visit_date when
    # that is earlier.
    first = services.groupby("patient_id", sort=False)["visit_date"].min()
    listed = patients.dropna(subset=["first_visit_date"]).groupby("patient_id")["first_visit_date"]
    first = pd.concat([first, listed.min()]).groupby(level=0, sort=False).min()
    # (reindex rather than map: map of an empty datetime Series fails in pandas 3.1)
    services["first"] = first.reindex(services["patient_id"]).to_numpy()
    services["is_first"] = services["visit_date"].eq(services["first"])
    data_end = services["visit_date"].max() if len(services) else None

    # Leads link to patients by patient_id when the lead has one, else by phone hash against the
    # patients table. Choice 5: a phone shared by several cards links the lead to each of them.
    by_id = leads.loc[leads["patient_id"].notna(), ["lead_id", "patient_id"]]
    # A phone_hash cell lists every phone of the export's cell, comma-separated: any one links.
    def each_phone(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(phone_hash=frame["phone_hash"].str.split(",")).explode("phone_hash")

    phones = each_phone(patients.dropna(subset=["phone_hash"])[["phone_hash", "patient_id"]])
    by_phone = each_phone(leads.loc[
        leads["patient_id"].isna() & leads["phone_hash"].notna(), ["lead_id", "phone_hash"]
    ]).merge(phones.drop_duplicates(), on="phone_hash")[["lead_id", "patient_id"]]
    links = pd.concat([by_id, by_phone], ignore_index=True).drop_duplicates()

    # Acquisition channel: patients.channel; else the channel of the earliest lead (choice 5:
    # the earliest lead *with* a channel; ties broken by lead_id); else 'unknown' (at use).
    lead_channel = leads.assign(channel=_blank_to_missing(leads["channel"])).dropna(
        subset=["channel"]
    )[["lead_id", "created_at", "channel"]]
    from_leads = (
        links.merge(lead_channel, on="lead_id")
        .sort_values(["created_at", "lead_id"], kind="stable")
        .drop_duplicates("patient_id")
        .set_index("patient_id")["channel"]
    )
    own = (
        patients.assign(channel=_blank_to_missing(patients["channel"]))
        .dropna(subset=["channel"])
        .drop_duplicates("patient_id")
        .set_index("patient_id")["channel"]
    )
    channel = own.combine_first(from_leads)
    return Prepared(tables, services, data_end, links, channel)


# ---------------------------------------------------------------------------------------------
# Helpers


def _names(value: Names) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _narrow(frame: pd.DataFrame, **filters: Names) -> pd.DataFrame:
    """The rows matching every given filter (a missing value matches no name)."""
    mask = None
    for column, value in filters.items():
        names = _names(value)
        if names is None:
            continue
        hit = frame[column].isin(names)
        mask = hit if mask is None else mask & hit
    return frame if mask is None else frame[mask]


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else float(numerator / denominator)


def _ratios(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Element-wise ratio, NaN (→ null) where the denominator is 0."""
    return (numerator / denominator.where(denominator != 0)).astype("float64")


def _in_days(values: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """values (dates or timestamps) on a calendar day in [start, end]."""
    return values.ge(start) & values.lt(end + DAY)


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
    return value


def _records(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """Output rows (a few hundred at most) as JSON-ready dicts: NaN -> None, numpy -> Python."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame[keys].to_dict("records")]


def _by_revenue(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Choice 13: revenue descending, then name. Revenue compared in whole cents, so that two
    equal sums of float money cannot swap places on rounding noise."""
    cents = frame["revenue"].mul(100).round()
    return frame.assign(_cents=-cents).sort_values(["_cents", name], kind="stable")


# ---------------------------------------------------------------------------------------------
# The report


def pandas_report(
    tables: dict[str, pd.DataFrame] | Prepared,
    date_from: date | str,
    date_to: date | str,
    doctor: Names = None,
    department: Names = None,
    branch: Names = None,
    return_window: int = 180,
    funnel_window: int = 90,
) -> dict[str, Any]:
    prep = tables if isinstance(tables, Prepared) else prepare(tables)
    t = prep.tables
    start, end = pd.Timestamp(date_from), pd.Timestamp(date_to)
    ctx = _Context(prep, start, end, doctor, department, branch, return_window, funnel_window)
    report: dict[str, Any] = {
        "period": {"from": start.date().isoformat(), "to": end.date().isoformat()},
        "summary": None,
        "doctors": None,
        "departments": None,
        "services": None,
        "monthly": None,
        "funnel": None,
        "marketing": None,
        "appointments": None,
        "quality": None,
    }
    # Choice 11: a section is null when its source table is empty.
    if len(prep.services):
        report["summary"] = ctx.summary()
        report["doctors"] = ctx.breakdown("doctor")
        report["departments"] = ctx.breakdown("department")
        report["services"] = ctx.services()
        report["monthly"] = ctx.monthly()
    if len(t["leads"]):
        report["funnel"] = ctx.funnel()
    if len(t["marketing_spend"]):
        report["marketing"] = ctx.marketing()
    if len(t["appointments"]):
        report["appointments"] = ctx.appointments()
    if len(t["reviews"]) or len(t["appointments"]):
        quality = ctx.quality()
        if not len(t["reviews"]):
            quality.update(reviews=None, avg_rating=None, negative_share=None)
        report["quality"] = quality
    return report


BREAKDOWN_KEYS = [
    "visits", "patients", "new_patients", "revenue", "share", "avg_check", "return_rate", "ltv",
]  # fmt: skip
FUNNEL_KEYS = [
    "leads", "booked", "visited", "contracted", "booking_rate", "show_rate", "contract_rate",
    "overall_rate",
]  # fmt: skip


class _Context:
    """One period and one set of filters over prepared tables."""

    def __init__(self, prep: Prepared, start: pd.Timestamp, end: pd.Timestamp, doctor: Names,
                 department: Names, branch: Names, return_window: int,
                 funnel_window: int) -> None:  # fmt: skip
        self.prep = prep
        self.start, self.end = start, end
        self.filters = {"doctor": doctor, "department": department, "branch": branch}
        self.h = pd.Timedelta(days=return_window)
        self.w = pd.Timedelta(days=funnel_window)
        s = prep.services
        # Filters narrow the lines every figure is computed from; first(p) (column `first`)
        # keeps coming from the whole history.
        self.lines = _narrow(s, **self.filters)
        self.period = self.lines[_in_days(self.lines["visit_date"], start, end)]
        self._new: pd.DataFrame | None = None

    @property
    def data_end(self) -> pd.Timestamp:
        assert self.prep.data_end is not None
        return self.prep.data_end

    # -- revenue, visits, returns, LTV ----------------------------------------------------

    def new_patients(self) -> pd.DataFrame:
        """Choice 1: patients with first(p) in P who have a (filtered) line on first(p): the
        cohort of the return rate and LTV. Columns patient_id, first."""
        if self._new is None:
            firsts = self.period[self.period["is_first"]]
            self._new = firsts.drop_duplicates("patient_id")[["patient_id", "first"]]
        return self._new

    def summary(self) -> dict[str, Any]:
        p = self.period
        revenue = float(p["amount"].sum())
        visits = int(p["vk"].nunique())
        patients = int(p["patient_id"].nunique())
        new = self.new_patients()
        # lines (filtered, whole history) of the new patients; all are on or after first(p)
        lines = self.lines[self.lines["patient_id"].isin(new["patient_id"])]
        # return rate: cohort observable for H days; returned = a (filtered) visit on a later
        # day within H (choice 2: refund-only visits count, the same day does not)
        observable = new["first"].le(self.data_end - self.h)
        cohort = int(observable.sum())
        later = lines["visit_date"].gt(lines["first"]) & lines["visit_date"].le(
            lines["first"] + self.h
        )
        returned_ids = lines.loc[later & lines["first"].le(self.data_end - self.h), "patient_id"]
        returned = int(returned_ids.nunique())
        # LTV to date and over the first 12 months
        ltv = _ratio(lines["amount"].sum(), len(new))
        year = pd.Timedelta(days=365)
        old_enough = lines["first"].le(self.data_end - year)
        ltv_12m = _ratio(
            lines.loc[old_enough & lines["visit_date"].lt(lines["first"] + year), "amount"].sum(),
            int(new["first"].le(self.data_end - year).sum()),
        )
        # A visit is first when it is on its patient's first(p). METRICS.md is silent on a
        # visit key whose lines fall on several days (one visit_id reused): such a visit is
        # first if any of its lines is, so first_visits + returning_visits = visits, as in the
        # engine.
        first_visits = int(p.loc[p["is_first"], "vk"].nunique())
        return {
            "revenue": revenue,
            "visits": visits,
            "patients": patients,
            "avg_check": _ratio(revenue, visits),
            "new_patients": len(new),
            "first_visits": first_visits,
            "returning_visits": visits - first_visits,
            "return_rate": _ratio(returned, cohort),
            "return_cohort": cohort,
            "not_yet_observable": len(new) - cohort,
            "ltv": ltv,
            "ltv_12m": ltv_12m,
            "data_end": self.data_end.date().isoformat(),
        }

    def breakdown(self, dim: str) -> list[dict[str, Any]]:
        p = self.period
        grouped = p.groupby(dim, sort=False, dropna=False)
        out = pd.DataFrame({
            "visits": grouped["vk"].nunique(),
            "patients": grouped["patient_id"].nunique(),
            "revenue": grouped["amount"].sum(),
        })  # fmt: skip
        # new patients: their first clinic visit is with this member
        firsts = p[p["is_first"]].groupby(dim, dropna=False)["patient_id"].nunique()
        out["new_patients"] = firsts.reindex(out.index, fill_value=0).astype("int64")
        total = p["amount"].sum()
        out["share"] = out["revenue"] / total if total != 0 else np.nan
        out["avg_check"] = _ratios(out["revenue"], out["visits"])

        # firstD(p): the earliest (filtered) visit of p with the member, whole history
        keys = [dim, "patient_id"]
        first_with = (
            self.lines.groupby(keys, sort=False, dropna=False)["visit_date"].min().rename("fd")
        ).reset_index()
        cohort = first_with[_in_days(first_with["fd"], self.start, self.end)]
        # their lines with the member (all on or after firstD(p))
        lines = self.lines[[*keys, "visit_date", "amount"]].merge(cohort, on=keys)
        # doctor / department LTV: cohort = firstD(p) in P, revenue with D to date
        out["ltv"] = _ratios(
            lines.groupby(dim, dropna=False)["amount"].sum().reindex(out.index),
            cohort.groupby(dim, dropna=False).size().reindex(out.index, fill_value=0),
        )
        # doctor / department return rate: observable cohort, a later visit with D within H
        limit = self.data_end - self.h
        observable = cohort[cohort["fd"].le(limit)]
        back = lines[
            lines["fd"].le(limit)
            & lines["visit_date"].gt(lines["fd"])
            & lines["visit_date"].le(lines["fd"] + self.h)
        ].drop_duplicates(keys)
        out["return_rate"] = _ratios(
            back.groupby(dim, dropna=False).size().reindex(out.index, fill_value=0),
            observable.groupby(dim, dropna=False).size().reindex(out.index, fill_value=0),
        )
        out = _by_revenue(out.rename_axis(dim).reset_index(), dim)
        return _records(out, [dim, *BREAKDOWN_KEYS])

    def services(self) -> list[dict[str, Any]]:
        p = self.period
        grouped = p.groupby("service", sort=False)
        out = pd.DataFrame({
            "quantity": grouped["quantity"].sum(),
            "revenue": grouped["amount"].sum(),
            "patients": grouped["patient_id"].nunique(),
        })  # fmt: skip
        total = p["amount"].sum()
        out["share"] = out["revenue"] / total if total != 0 else np.nan
        out["avg_price"] = _ratios(out["revenue"], out["quantity"])
        # Choice 3: revenue per hour from the lines with a duration only, on both sides
        timed = p[p["duration_min"].notna()]
        hours = (timed["quantity"] * timed["duration_min"] / 60).groupby(timed["service"]).sum()
        timed_revenue = timed.groupby("service")["amount"].sum()
        hours = hours.reindex(out.index)
        out["revenue_per_hour"] = timed_revenue.reindex(out.index) / hours.where(hours > 0)
        out = _by_revenue(out.rename_axis("service").reset_index(), "service")
        # ABC (choice 4: none when the total is <= 0; equal revenues ordered by name). A while
        # the cumulative share *before* the service is < 80 %, B while < 95 %, else C; computed
        # in whole cents so a share of exactly 80 % is not decided by float noise.
        cents = out["revenue"].mul(100).round()
        total_cents = cents.sum()
        before = cents.cumsum() - cents
        out["abc"] = None
        if total_cents > 0:
            out["abc"] = np.select(
                [before * 100 < 80 * total_cents, before * 100 < 95 * total_cents],
                ["A", "B"],
                "C",
            )
        keys = ["service", "quantity", "revenue", "share", "abc", "avg_price", "patients",
                "revenue_per_hour"]  # fmt: skip
        return _records(out, keys)

    def monthly(self) -> list[dict[str, Any]]:
        # Choice 12: only months with visits, clipped to the period (P already is).
        p = self.period
        month = p["visit_date"].dt.to_period("M")
        grouped = p.groupby(month)
        out = pd.DataFrame({
            "revenue": grouped["amount"].sum(),
            "visits": grouped["vk"].nunique(),
            "patients": grouped["patient_id"].nunique(),
        })  # fmt: skip
        firsts = p[p["is_first"]]
        new = firsts.groupby(month[p["is_first"]])["patient_id"].nunique()
        out["new_patients"] = new.reindex(out.index, fill_value=0).astype("int64")
        out["avg_check"] = _ratios(out["revenue"], out["visits"])
        out = out.sort_index()
        out.index = out.index.strftime("%Y-%m")
        out = out.rename_axis("month").reset_index()
        return _records(out, ["month", "revenue", "visits", "patients", "new_patients",
                              "avg_check"])  # fmt: skip

    # -- funnel -----------------------------------------------------------------------------

    def _lead_steps(self) -> pd.DataFrame:
        """The leads created in P with booked / visited / contracted flags. Choice 6: the
        funnel ignores doctor / department / branch."""
        t = self.prep.tables
        leads = t["leads"]
        leads = leads[_in_days(leads["created_at"], self.start, self.end)]
        day = leads["created_at"].dt.normalize()
        out = pd.DataFrame({
            "lead_id": leads["lead_id"],
            "channel": _blank_to_missing(leads["channel"]).fillna("unknown"),  # choice 5
            "operator": leads["operator"],
        })  # fmt: skip
        stage = leads["stage"]
        booked = stage.isin(["booked", "visited", "contracted"])
        visited = stage.isin(["visited", "contracted"])
        contracted = stage.eq("contracted")

        apps, contracts = t["appointments"], t["contracts"]
        # records that carry the lead's own id
        by_lead = apps[apps["lead_id"].notna()]
        booked |= leads["lead_id"].isin(by_lead["lead_id"])
        visited |= leads["lead_id"].isin(by_lead.loc[by_lead["status"].eq("attended"), "lead_id"])
        contracted |= leads["lead_id"].isin(contracts["lead_id"].dropna())

        # records of the patients the lead links to, on a day in [lead day, lead day + W]
        pairs = pd.DataFrame({"lead_id": leads["lead_id"], "day": day}).merge(
            self.prep.lead_links, on="lead_id"
        )
        app_day = apps["created_at"].fillna(apps["scheduled_at"]).dt.normalize()
        booked |= leads["lead_id"].isin(self._within(pairs, apps["patient_id"], app_day))
        attended = apps["status"].eq("attended")
        visited |= leads["lead_id"].isin(
            self._within(pairs, apps.loc[attended, "patient_id"], app_day[attended])
        )
        s = self.prep.services
        visited |= leads["lead_id"].isin(self._within(pairs, s["patient_id"], s["visit_date"]))
        contracted |= leads["lead_id"].isin(
            self._within(pairs, contracts["patient_id"], contracts["signed_at"])
        )
        # the steps close downwards
        visited |= contracted
        booked |= visited
        out["booked"] = booked.to_numpy()
        out["visited"] = visited.to_numpy()
        out["contracted"] = contracted.to_numpy()
        return out

    def _within(self, pairs: pd.DataFrame, patient: pd.Series, day: pd.Series) -> pd.Series:
        """lead_ids of `pairs` (lead_id, day, patient_id) whose patient has an event on a day
        in [lead day, lead day + W]: the first event on or after the lead day, by merge_asof."""
        events = (
            pd.DataFrame({"patient_id": patient, "event_day": day})
            .dropna()
            .drop_duplicates()
            .sort_values("event_day")
        )
        events["patient_id"] = events["patient_id"].astype("str")
        left = pairs.sort_values("day")
        left = left.assign(patient_id=left["patient_id"].astype("str"))
        if not len(events) or not len(left):
            return pd.Series([], dtype="str")
        hit = pd.merge_asof(left, events, left_on="day", right_on="event_day", by="patient_id",
                            direction="forward")  # fmt: skip
        return hit.loc[hit["event_day"].le(hit["day"] + self.w), "lead_id"]

    @staticmethod
    def _steps(counts: pd.DataFrame) -> pd.DataFrame:
        counts["booking_rate"] = _ratios(counts["booked"], counts["leads"])
        counts["show_rate"] = _ratios(counts["visited"], counts["booked"])
        counts["contract_rate"] = _ratios(counts["contracted"], counts["visited"])
        counts["overall_rate"] = _ratios(counts["contracted"], counts["leads"])
        return counts

    def funnel(self) -> dict[str, Any]:
        steps = self._lead_steps()
        flags = steps[["booked", "visited", "contracted"]]
        total = self._steps(pd.DataFrame({
            "leads": [len(steps)], **{k: [int(flags[k].sum())] for k in flags},
        }))  # fmt: skip
        parts = {}
        for dim in ("channel", "operator"):
            grouped = steps.groupby(dim, dropna=False)
            counts = grouped[["booked", "visited", "contracted"]].sum().astype("int64")
            counts.insert(0, "leads", grouped.size())
            counts = self._steps(counts).rename_axis(dim).reset_index()
            # choice 13: by name
            parts[dim] = _records(counts.sort_values(dim, kind="stable"), [dim, *FUNNEL_KEYS])
        return {
            **_records(total, FUNNEL_KEYS)[0],
            "by_channel": parts["channel"],
            "by_operator": parts["operator"],
        }

    # -- marketing ----------------------------------------------------------------------------

    def marketing(self) -> list[dict[str, Any]]:
        t = self.prep.tables
        # Choice 7: spend and leads are the channel's whole; the filters narrow only the new
        # patients and their revenue.
        spend_rows = t["marketing_spend"]
        spend_rows = spend_rows[_in_days(spend_rows["date"], self.start, self.end)]
        spend = spend_rows.groupby("channel")["amount"].sum()
        leads = t["leads"]
        leads = leads[_in_days(leads["created_at"], self.start, self.end)]
        lead_counts = _blank_to_missing(leads["channel"]).fillna("unknown").value_counts()
        new = self.new_patients()
        channel = pd.Series(self.prep.channel.reindex(new["patient_id"]).to_numpy()).fillna(
            "unknown"
        )
        new_counts = channel.value_counts()
        # revenue to date of the new patients (their filtered lines from first(p) on)
        lines = self.lines[self.lines["patient_id"].isin(new["patient_id"])]
        revenue_by_patient = lines.groupby("patient_id")["amount"].sum()
        revenue = revenue_by_patient.groupby(
            self.prep.channel.reindex(revenue_by_patient.index).fillna("unknown").to_numpy()
        ).sum()
        # rows: the union of channels with spend, leads or new patients
        names = sorted(set(spend.index) | set(lead_counts.index) | set(new_counts.index))
        out = pd.DataFrame(index=pd.Index(names, name="channel"))
        out["spend"] = spend.reindex(out.index, fill_value=0.0).astype("float64")
        out["leads"] = lead_counts.reindex(out.index, fill_value=0).astype("int64")
        out["new_patients"] = new_counts.reindex(out.index, fill_value=0).astype("int64")
        revenue = revenue.reindex(out.index, fill_value=0.0)
        # a channel nothing was spent on (no spend row in the period) has no CAC and no CPL
        paid = out.index.isin(spend.index)
        out["cac"] = _ratios(out["spend"], out["new_patients"]).where(paid)
        out["cpl"] = _ratios(out["spend"], out["leads"]).where(paid)
        out["romi"] = _ratios(revenue - out["spend"], out["spend"])
        return _records(out.reset_index(), ["channel", "spend", "leads", "new_patients", "cac",
                                            "cpl", "romi"])  # fmt: skip

    # -- appointments and quality -----------------------------------------------------------

    def _appointments_in_period(self) -> pd.DataFrame:
        apps = self.prep.tables["appointments"]
        apps = apps[_in_days(apps["scheduled_at"], self.start, self.end)]
        return _narrow(apps, **self.filters)

    def appointments(self) -> dict[str, Any]:
        counts = self._appointments_in_period()["status"].value_counts()
        attended, no_show = int(counts.get("attended", 0)), int(counts.get("no_show", 0))
        return {
            "attended": attended,
            "no_show": no_show,
            "cancelled": int(counts.get("cancelled", 0)),
            "show_up_rate": _ratio(attended, attended + no_show),
        }

    def quality(self) -> dict[str, Any]:
        # Choice 8: reviews follow only the doctor filter; waiting times all three.
        reviews = self.prep.tables["reviews"]
        reviews = _narrow(reviews[_in_days(reviews["date"], self.start, self.end)],
                          doctor=self.filters["doctor"])  # fmt: skip
        # choice 9: on a 5-point scale; negative = <= 3 of 5 (<= 6 of 10)
        five = reviews["rating"] * 5 / reviews["rating_scale"].astype("float64")
        apps = self._appointments_in_period()
        apps = apps[apps["status"].eq("attended")]
        # choice 10: both times win over wait_min; either is floored at 0
        timed = (apps["started_at"] - apps["scheduled_at"]).dt.total_seconds() / 60
        wait = timed.where(timed.notna(), apps["wait_min"]).clip(lower=0).dropna()
        return {
            "reviews": len(reviews),
            "avg_rating": float(five.mean()) if len(five) else None,
            "negative_share": float(five.le(3).mean()) if len(five) else None,
            "avg_wait_min": float(wait.mean()) if len(wait) else None,
        }


# ---------------------------------------------------------------------------------------------
# Comparing two reports


def report_differences(actual: Any, expected: Any, where: str = "") -> list[str]:
    """Where two reports differ: the same keys in the same order, the same list lengths and
    order, counts and names equal and of the same type, floats within 1e-9 relative (money is
    summed as float here and as DECIMAL in the engine)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or list(actual) != list(expected):
            return [f"{where}: keys {list(actual or {})} != {list(expected)}"]
        return [
            d for k in expected for d in report_differences(actual[k], expected[k], f"{where}.{k}")
        ]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: {actual!r} != {expected!r}"]
        return [
            d
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for d in report_differences(a, e, f"{where}[{i}]")
        ]
    if isinstance(expected, float):
        if not isinstance(actual, float) or not math.isclose(
            actual, expected, rel_tol=1e-9, abs_tol=1e-9
        ):
            return [f"{where}: {actual!r} != {expected!r}"]
        return []
    if type(actual) is not type(expected) or actual != expected:
        return [f"{where}: {actual!r} != {expected!r}"]
    return []
