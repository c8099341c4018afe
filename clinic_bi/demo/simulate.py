"""The simulated clinic: `simulate` runs the steps in their fixed order on one generator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clinic_bi.demo import activity, people
from clinic_bi.demo.activity import _reviews, _spend
from clinic_bi.demo.draw import default_end, window


@dataclass
class DemoData:
    """The simulated clinic, one DataFrame per export (the writers only format them)."""

    patients: pd.DataFrame
    lines: pd.DataFrame
    appointments: pd.DataFrame
    leads: pd.DataFrame
    contracts: pd.DataFrame
    spend: pd.DataFrame
    reviews: pd.DataFrame


def simulate(patients: int = 6000, seed: int = 42, end: dt.date | None = None) -> DemoData:
    """The clinic's three years as DataFrames (no files written; `write_demo` formats them).

    Patients arrive over the window (5 % are old patients with earlier history); each comes to
    one or more departments, each department course (episode) is kept by one doctor and is a run
    of visits whose count and spacing are that doctor's habit; each visit bills a few lines of
    the department's price list. Leads, bookings, contracts, spend and reviews follow from them.
    """
    if patients < 1:
        raise ValueError("patients must be at least 1")
    end = end or default_end()
    start, _ = window(end)
    f = people.Frame(
        rng=np.random.default_rng(seed), n=patients, start=start, end=end,
        span=(end - start).days + 1, d_start=np.datetime64(start, "D"),
        d_end=np.datetime64(end, "D"),
    )  # fmt: skip
    p = people.patients(f)
    e = people.episodes(f, p)
    v = people.visits(f, p, e)
    lines = people.service_lines(f, p, v)
    pl = people.patient_leads(f, p, v)
    plist = people.patient_list(f, p, pl)
    people.label_lines(lines, plist)
    contracts = activity.plan_contracts(f, e, v, lines, plist)
    appts, o = activity.appointments(f, p, e, v, pl, plist)
    leads = activity.leads(f, p, pl, o, contracts)
    spend = _spend(f.rng, p.arrival[~p.pre], p.channel[~p.pre], start, end, f.n)
    reviews = _reviews(f.rng, v.doc_v, v.v_date, f.d_end, f.n)
    return DemoData(plist.frame, lines, appts, leads, contracts, spend, reviews)
