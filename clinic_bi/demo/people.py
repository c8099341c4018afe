"""The demo's people and their care: patients, department courses (episodes), visits, service
lines and the patient list. Each step draws from the one generator in the fixed order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clinic_bi.demo.catalogue import (
    BRANCHES,
    CHANNELS,
    DEPARTMENTS,
    DOCTORS,
    EXTRA_LINES,
    HYG,
    KID,
    MAIN_WEIGHTS,
    NEW_CHANNEL_P,
    ODN,
    OLD_CHANNEL_P,
    ORT,
    PRICE_RISE,
    SERVICES,
    SUR,
    TER,
)
from clinic_bi.demo.draw import (
    _cumsum_by_group,
    _days,
    _exactly,
    _names,
    _no_sunday,
    _pick,
    _rank_in_group,
    _unique_phones,
)


@dataclass
class Frame:
    """What every step shares: the generator, the size and the window."""

    rng: np.random.Generator
    n: int
    start: dt.date
    end: dt.date
    span: int
    d_start: np.datetime64
    d_end: np.datetime64


@dataclass
class Patients:
    is_child: np.ndarray
    female: np.ndarray
    pre: np.ndarray
    arrival: np.ndarray
    first_before: np.ndarray
    age: np.ndarray
    birth: np.ndarray
    home: np.ndarray
    channel: np.ndarray
    family: np.ndarray
    surname: np.ndarray
    first_name: np.ndarray
    patronymic: np.ndarray
    pat_phone: np.ndarray
    other_phones: np.ndarray


@dataclass
class Episodes:
    ep_pat: np.ndarray
    ep_dep: np.ndarray
    ep_start: np.ndarray
    ep_doc: np.ndarray
    k: np.ndarray
    ne: int


@dataclass
class Visits:
    v_ep: np.ndarray
    v_pos: np.ndarray
    v_date: np.ndarray
    v_time: np.ndarray
    v_id: np.ndarray
    doc_v: np.ndarray
    v_pat: np.ndarray
    v_dep: np.ndarray
    v_branch: np.ndarray
    doc_branch: np.ndarray
    pl_ep: np.ndarray
    pl_date: np.ndarray
    nv: int


@dataclass
class PatientLeads:
    """Each patient's first visit and, for those who left a request first, its times."""

    first_visit: np.ndarray
    first_time: np.ndarray
    has_lead: np.ndarray
    lead_at: np.ndarray
    booked_at: np.ndarray


@dataclass
class PatientList:
    card: np.ndarray
    full_name: np.ndarray
    frame: pd.DataFrame


def patients(f: Frame) -> Patients:
    rng, n, start, span, d_start = f.rng, f.n, f.start, f.span, f.d_start
    is_child = _exactly(rng, np.ones(n, dtype=bool), 0.5)
    female = rng.random(n) < np.where(is_child, 0.5, 0.6)
    pre = rng.random(n) < 0.05  # first seen before the window
    offs = np.arange(span)
    workdays = offs[(offs + (start.weekday())) % 7 != 6]
    growth = 1.0 + 0.5 * workdays / span  # the clinic grows: more new patients later on
    arrival_off = rng.choice(workdays, size=n, p=growth / growth.sum())
    early = workdays[workdays < min(span, 240)]
    arrival_off = np.where(pre, rng.choice(early, size=n), arrival_off)
    arrival = _days(start, arrival_off)
    first_before = d_start - rng.integers(60, 3000, n).astype("timedelta64[D]")
    age = np.where(
        is_child,
        rng.integers(2, 18, n),
        np.clip(np.round(rng.normal(41, 14, n)), 18, 84).astype(int),
    )
    age = np.where(pre & is_child, np.maximum(age, 6), age)  # old enough to have a history
    birth = arrival - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    # first seen at two years old at the earliest
    first_before = np.maximum(first_before, birth + np.timedelta64(2 * 365 + 1, "D"))
    home = np.where(rng.random(n) < 0.6, BRANCHES[0], BRANCHES[1])
    channel = np.where(
        pre,
        _pick(rng, CHANNELS, n, OLD_CHANNEL_P),
        _pick(rng, CHANNELS, n, NEW_CHANNEL_P),
    )
    family, surname, first_name, patronymic = _names(rng, female)
    phone10 = _unique_phones(rng, n + 3 * n)  # patients first, then lead-only people
    pat_phone = phone10[:n]
    other_phones = phone10[n:]
    return Patients(
        is_child, female, pre, arrival, first_before, age, birth, home, channel,
        family, surname, first_name, patronymic, pat_phone, other_phones,
    )  # fmt: skip


def episodes(f: Frame, p: Patients) -> Episodes:
    """Departments a patient comes to; episodes = (patient, department), each kept by a doctor
    and `k` visits long."""
    rng, n, d_end = f.rng, f.n, f.d_end
    is_child, age, arrival, home, pre = p.is_child, p.age, p.arrival, p.home, p.pre
    adult = ~is_child
    member = np.zeros((n, 6), dtype=bool)
    member[:, TER] = _exactly(rng, adult, 0.72)
    member[:, ORT] = _exactly(rng, adult, 0.41)
    member[:, KID] = is_child
    member[:, SUR] = _exactly(rng, adult, 0.28)
    member[:, HYG] = _exactly(rng, adult, 0.45)
    member[:, ODN] = _exactly(rng, adult, 0.04) | _exactly(rng, is_child & (age >= 7), 0.12)
    member[adult & ~member.any(axis=1), TER] = True
    priority = (KID, TER, HYG, SUR, ORT, ODN)
    entry = np.full(n, -1)
    for dep in reversed(priority):
        entry = np.where(member[:, dep], dep, entry)
    ep_pat, ep_dep = np.nonzero(member)
    ne = len(ep_pat)
    lo = np.array([0, 14, 0, 7, 7, 0])[ep_dep]
    hi = np.array([60, 400, 60, 300, 365, 180])[ep_dep]
    delay = rng.integers(lo, hi + 1)
    delay = np.where((ep_dep == HYG) & (rng.random(ne) < 0.3), 0, delay)
    delay = np.where(ep_dep == entry[ep_pat], 0, delay)
    ep_start = _no_sunday(arrival[ep_pat] + delay.astype("timedelta64[D]"))
    keep = ep_start <= d_end
    ep_pat, ep_dep, ep_start = ep_pat[keep], ep_dep[keep], ep_start[keep]
    ne = len(ep_pat)

    # Doctor: by department weight, among those working in the patient's branch.
    ep_doc = np.zeros(ne, dtype=int)
    ep_home = home[ep_pat]
    for dep in range(6):
        for branch in BRANCHES:
            idx = [i for i, d in enumerate(DOCTORS) if d.department == dep]
            w = np.array([DOCTORS[i].weight * (DOCTORS[i].branch in (None, branch)) for i in idx])
            mask = (ep_dep == dep) & (ep_home == branch)
            ep_doc[mask] = np.array(idx)[rng.choice(len(idx), size=mask.sum(), p=w / w.sum())]

    p_single = np.array([d.p_single for d in DOCTORS])[ep_doc]
    extra = np.array([d.extra for d in DOCTORS])[ep_doc]
    k = np.where(rng.random(ne) < p_single, 1, 2 + rng.poisson(extra))
    k = np.where(pre[ep_pat], np.maximum(k, 2), k)  # long-standing patients keep coming
    return Episodes(ep_pat, ep_dep, ep_start, ep_doc, k, ne)


def visits(f: Frame, p: Patients, e: Episodes) -> Visits:
    """The visits of each episode, their times and visit numbers; those booked after `end`
    become planned appointments."""
    rng, d_end, home = f.rng, f.d_end, p.home
    ep_pat, ep_dep, ep_start, ep_doc, k, ne = e.ep_pat, e.ep_dep, e.ep_start, e.ep_doc, e.k, e.ne
    v_ep = np.repeat(np.arange(ne), k)
    nv = len(v_ep)
    v_pos = np.arange(nv) - np.repeat(np.cumsum(k) - k, k)
    doc_v = ep_doc[v_ep]
    p_short = np.array([d.p_short for d in DOCTORS])[doc_v]
    rec_lo = np.array([d.recall[0] for d in DOCTORS])[doc_v]
    rec_hi = np.array([d.recall[1] for d in DOCTORS])[doc_v]
    gap = np.where(
        rng.random(nv) < p_short, rng.integers(5, 22, nv), rng.integers(rec_lo, rec_hi + 1)
    )
    gap = np.where(v_pos == 0, 0, gap)
    v_date = _no_sunday(ep_start[v_ep] + _cumsum_by_group(gap, k).astype("timedelta64[D]"))
    planned = (v_date > d_end) & (v_date <= d_end + np.timedelta64(30, "D"))
    # visits after `end` that are already booked become planned appointments
    pl_ep, pl_date = v_ep[planned], v_date[planned]
    keep = v_date <= d_end
    v_ep, v_pos, v_date, doc_v = v_ep[keep], v_pos[keep], v_date[keep], doc_v[keep]
    nv = len(v_ep)
    v_pat = ep_pat[v_ep]
    v_dep = ep_dep[v_ep]
    doc_branch = np.array([d.branch or "" for d in DOCTORS], dtype=object)
    v_branch = np.where(doc_branch[doc_v] == "", home[v_pat], doc_branch[doc_v])

    # Times: each doctor's patients of a day an hour apart from a random first slot.
    slot_rank = _rank_in_group(pd.DataFrame({"doc": doc_v, "day": v_date}), rng)
    base = (doc_v * 7 + v_date.astype(np.int64) * 3) % 10  # the doctor's first slot that day
    v_minute = 9 * 60 + ((base + 2 * slot_rank) % 24) * 30
    v_time = v_date.astype("datetime64[m]") + v_minute.astype("timedelta64[m]")
    order = np.lexsort((doc_v, v_time))
    v_id = np.empty(nv, dtype=np.int64)
    v_id[order] = 100_001 + np.arange(nv)
    return Visits(
        v_ep, v_pos, v_date, v_time, v_id, doc_v, v_pat, v_dep, v_branch, doc_branch,
        pl_ep, pl_date, nv,
    )  # fmt: skip


def _services(f: Frame, p: Patients, v: Visits) -> tuple[np.ndarray, ...]:
    """Each visit's lines (visit index, position) and their services: a first visit starts with
    the department's consultation, an orthodontic course's second visit with its appliance."""
    rng, pre = f.rng, p.pre
    v_pos, v_pat, v_dep, nv = v.v_pos, v.v_pat, v.v_dep, v.nv
    extra_lines = np.minimum(rng.poisson(np.array(EXTRA_LINES)[v_dep]), 3)
    n_lines = 1 + extra_lines
    l_v = np.repeat(np.arange(nv), n_lines)
    nl = len(l_v)
    l_pos = np.arange(nl) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    l_dep = v_dep[l_v]
    svc = np.full(nl, -1)
    consult_of = np.full(6, -1)
    for i, s in enumerate(SERVICES):
        if s.role == "consult":
            consult_of[s.department] = i
    is_consult = (l_pos == 0) & (v_pos[l_v] == 0) & ~pre[v_pat[l_v]] & (consult_of[l_dep] >= 0)
    is_main = (l_pos == 0) & (v_pos[l_v] == 1) & (l_dep == ODN)
    for dep in range(6):
        idx = np.array([i for i, s in enumerate(SERVICES) if s.department == dep])
        w = np.array([SERVICES[i].weight for i in idx])
        m = (l_dep == dep) & ~is_consult & ~is_main
        svc[m] = idx[rng.choice(len(idx), size=m.sum(), p=w / w.sum())]
    svc[is_consult] = consult_of[l_dep[is_consult]]
    main_idx = np.array([i for i, s in enumerate(SERVICES) if s.code in MAIN_WEIGHTS])
    main_w = np.array([MAIN_WEIGHTS[SERVICES[i].code] for i in main_idx])
    svc[is_main] = main_idx[rng.choice(len(main_idx), size=is_main.sum(), p=main_w)]

    return l_v, l_pos, svc, is_consult


def service_lines(f: Frame, p: Patients, v: Visits) -> pd.DataFrame:
    """The billed lines: prices rising each year, some discounts and unpaid amounts, a handful
    of refunds."""
    l_v, l_pos, svc, is_consult = _services(f, p, v)
    rng, n, d_start, nl = f.rng, f.n, f.d_start, len(l_v)
    v_date, v_pat, doc_v, v_dep = v.v_date, v.v_pat, v.doc_v, v.v_dep
    v_branch, v_id, v_ep = v.v_branch, v.v_id, v.v_ep
    l_dep = v_dep[l_v]
    l_date = v_date[l_v]
    years_in = ((l_date - d_start).astype(np.int64) // 365).astype(float)
    base_price = np.array([s.price for s in SERVICES], dtype=float)[svc]
    price = np.round(base_price * (1 + PRICE_RISE) ** years_in / 50) * 50
    multi = np.array([s.multi for s in SERVICES])[svc]
    qty = 1 + (multi & (rng.random(nl) < 0.15)).astype(int)
    pct = np.where(rng.random(nl) < 0.12, rng.choice([5, 10, 15, 20], nl), 0)
    discount = np.round(price * qty * pct / 100, 2)
    amount = price * qty - discount
    r = rng.random(nl)
    paid = np.where(r < 0.03, 0.0, np.where(r < 0.06, np.round(amount / 2, -2), amount))

    lines = pd.DataFrame(
        {
            "visit_date": l_date,
            "card": 0,  # filled below, once card numbers are known
            "pat": v_pat[l_v],
            "doc": doc_v[l_v],
            "department": np.array(DEPARTMENTS, dtype=object)[l_dep],
            "svc": svc,
            "quantity": qty,
            "price": price,
            "discount": discount,
            "amount": amount,
            "paid": paid,
            "branch": v_branch[l_v],
            "visit_id": v_id[l_v],
            "ep": v_ep[l_v],
            "pos": l_pos,
        }
    )
    # A handful of refunds: a line billed back within the same visit.
    n_refunds = max(1, n // 400)
    refundable = np.flatnonzero(~is_consult & (price >= 2000))
    src = rng.choice(refundable, size=min(n_refunds, len(refundable)), replace=False)
    refunds = lines.iloc[src].copy()
    refunds["quantity"] = -refunds["quantity"]
    for col in ("discount", "amount", "paid"):
        refunds[col] = 0.0 - refunds[col]  # 0.0 - x, not -x: no "-0,00" in the files
    refunds["pos"] = refunds["pos"] + 10
    lines = pd.concat([lines, refunds], ignore_index=True)
    lines = lines.sort_values(["visit_date", "visit_id", "pos"], kind="stable", ignore_index=True)
    return lines


def patient_leads(f: Frame, p: Patients, v: Visits) -> PatientLeads:
    rng, n, channel, pre = f.rng, f.n, p.channel, p.pre
    v_date, v_time, v_pat = v.v_date, v.v_time, v.v_pat
    first_visit = pd.Series(v_date).groupby(v_pat).min().reindex(range(n)).to_numpy()
    first_time = pd.Series(v_time).groupby(v_pat).min().reindex(range(n)).to_numpy()

    # Leads of patients: most who came through a paid or web channel left a request first.
    p_lead = np.where(channel == "Рекомендация", 0.2, 0.88)
    has_lead = ~pre & (rng.random(n) < p_lead)
    lead_lag = rng.integers(0, 8, n).astype("timedelta64[D]")
    lead_clock = rng.integers(8 * 60, 23 * 60, n).astype("timedelta64[m]")
    lead_at = first_visit.astype("datetime64[m]") - lead_lag + lead_clock
    too_late = lead_at > first_time - np.timedelta64(60, "m")
    lead_at = np.where(too_late, lead_at - np.timedelta64(1, "D"), lead_at)
    booked_at = lead_at + rng.integers(5, 240, n).astype("timedelta64[m]")
    booked_at = np.minimum(booked_at, first_time - np.timedelta64(30, "m"))
    return PatientLeads(first_visit, first_time, has_lead, lead_at, booked_at)


def patient_list(f: Frame, p: Patients, pl: PatientLeads) -> PatientList:
    """Card numbers (issued in order of registration) and the patient list."""
    rng, n, pre, first_before = f.rng, f.n, p.pre, p.first_before
    has_lead, booked_at, first_visit = pl.has_lead, pl.booked_at, pl.first_visit
    surname, first_name, patronymic = p.surname, p.first_name, p.patronymic
    pat_phone, birth, female, channel = p.pat_phone, p.birth, p.female, p.channel
    registered = np.where(
        pre,
        first_before,
        np.where(
            has_lead,
            booked_at.astype("datetime64[D]"),
            first_visit - rng.integers(0, 4, n).astype("timedelta64[D]"),
        ),
    ).astype("datetime64[D]")
    reg_order = np.lexsort((rng.random(n), registered))
    card = np.empty(n, dtype=np.int64)
    card[reg_order] = 10_000 + np.cumsum(1 + (rng.random(n) < 0.03))
    full_name = (
        pd.Series(surname, dtype=str) + " " + pd.Series(first_name, dtype=str) + " "
        + pd.Series(patronymic, dtype=str)
    ).to_numpy(dtype=object)  # fmt: skip
    listed_channel = np.where(rng.random(n) < 0.08, "", channel)
    patients_df = pd.DataFrame(
        {
            "card": card,
            "name": full_name,
            "phone10": pat_phone,
            "birth": birth.astype("datetime64[D]"),
            "gender": np.where(female, "Ж", "М"),
            "first_before": np.where(pre, first_before, np.datetime64("NaT")),
            "channel": listed_channel,
            "registered": registered,
        }
    )
    return PatientList(card, full_name, patients_df)


def label_lines(lines: pd.DataFrame, plist: PatientList) -> None:
    """Fill in the lines' card, patient, doctor and service columns (no drawing)."""
    card, full_name = plist.card, plist.full_name
    lines["card"] = card[lines["pat"].to_numpy()]
    lines["patient"] = full_name[lines["pat"].to_numpy()]
    doc_names = np.array([d.name for d in DOCTORS], dtype=object)
    lines["doctor"] = doc_names[lines["doc"].to_numpy()]
    lines["code"] = np.array([s.code for s in SERVICES], dtype=object)[lines["svc"].to_numpy()]
    lines["service"] = np.array([s.name for s in SERVICES], dtype=object)[lines["svc"].to_numpy()]
    lines["minutes"] = np.array([s.minutes for s in SERVICES])[lines["svc"].to_numpy()]
