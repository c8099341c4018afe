"""What follows from the care: treatment-plan contracts, the schedule's bookings, CRM leads,
ad spend and reviews. Each step draws from the one generator in the fixed order, which is why
they stay in one module (about 400 lines): moving a step moves no draw, but splitting the order
over files would hide it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clinic_bi.demo.catalogue import (
    BRANCHES,
    CHANNELS,
    COST_PER_NEW,
    DEPARTMENTS,
    DOCTORS,
    DUTY,
    FEMALE_NAMES,
    KID,
    LEAD_ONLY_CHANNEL_P,
    LEAD_TITLES,
    MALE_NAMES,
    ODN,
    OPERATORS,
    ORT,
    REVIEW_SOURCES,
    REVIEW_TEXTS,
    SEO_FEE,
    SUR,
    TER,
)
from clinic_bi.demo.draw import _emails, _female_surname, _names, _no_sunday, _pick
from clinic_bi.demo.people import Episodes, Frame, PatientLeads, PatientList, Patients, Visits


@dataclass
class LeadOnly:
    """Requests that never became patients."""

    o_at: np.ndarray
    o_status: np.ndarray
    o_surname: np.ndarray
    o_first: np.ndarray
    o_phone: np.ndarray
    n_other: int


def _doc_names() -> np.ndarray:
    return np.array([d.name for d in DOCTORS], dtype=object)


def plan_contracts(
    f: Frame, e: Episodes, v: Visits, lines: pd.DataFrame, plist: PatientList
) -> pd.DataFrame:
    """Contracts: treatment plans of the expensive departments."""
    rng, ne, ep_pat, ep_dep, ep_doc = f.rng, e.ne, e.ep_pat, e.ep_dep, e.ep_doc
    v_date, v_ep, card, full_name = v.v_date, v.v_ep, plist.card, plist.full_name
    doc_names = _doc_names()
    ep_total = lines.groupby("ep")["amount"].sum().reindex(range(ne), fill_value=0.0).to_numpy()
    first_ep_visit = pd.Series(v_date).groupby(v_ep).min().reindex(range(ne)).to_numpy()
    c_ep = np.flatnonzero(
        np.isin(ep_dep, [ORT, ODN, SUR]) & (ep_total >= 50_000) & (rng.random(ne) < 0.85)
    )
    contracts = _contracts(
        rng,
        date=first_ep_visit[c_ep].astype("datetime64[D]"),
        pat=ep_pat[c_ep],
        card=card[ep_pat[c_ep]],
        patient=full_name[ep_pat[c_ep]],
        doctor=doc_names[ep_doc[c_ep]],
        department=np.array(DEPARTMENTS, dtype=object)[ep_dep[c_ep]],
        plan_total=ep_total[c_ep],
    )
    return contracts


def _contracts(rng: np.random.Generator, plan_total: np.ndarray, **columns) -> pd.DataFrame:
    """A signed plan per expensive course: its amount a little above what the course billed in
    the window (50k–400k ₽), often with a prepayment; numbered per year (`Д-2025/0042`)."""
    nc = len(plan_total)
    amount = np.clip(np.round(plan_total * rng.uniform(1.0, 1.2, nc), -3), 50_000, 400_000)
    prepaid = np.where(
        rng.random(nc) < 0.6, np.round(amount * rng.choice([0.2, 0.3, 0.5], nc), -3), np.nan
    )
    contracts = pd.DataFrame({**columns, "amount": amount, "prepaid": prepaid})
    contracts = contracts.sort_values(["date", "card"], kind="stable", ignore_index=True)
    year = contracts["date"].dt.year
    seq = contracts.groupby(year).cumcount() + 1
    contracts["number"] = "Д-" + year.astype(str) + "/" + seq.astype(str).str.zfill(4)
    return contracts



def _attended(
    f: Frame, v: Visits, pl: PatientLeads, full_name: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """The visits as the schedule shows them; a first visit booked from a lead keeps its time."""
    rng, v_date, v_time, v_pat, nv = f.rng, v.v_date, v.v_time, v.v_pat, v.nv
    doc_v, v_branch = v.doc_v, v.v_branch
    has_lead, first_visit, first_time, booked_at = (
        pl.has_lead, pl.first_visit, pl.first_time, pl.booked_at,
    )  # fmt: skip
    is_first_visit = v_date == first_visit[v_pat]
    lead_booked = has_lead[v_pat] & is_first_visit & (v_time == first_time[v_pat])
    created = (
        v_date.astype("datetime64[m]")
        - rng.integers(1, 21, nv).astype("timedelta64[D]")
        + rng.integers(9 * 60, 21 * 60, nv).astype("timedelta64[m]")
    )
    created = np.where(lead_booked, booked_at[v_pat], created)
    late = np.clip(np.round(rng.normal(6, 6, nv)), -10, 45).astype(int)
    attended = pd.DataFrame(
        {
            "at": v_time,
            "pat": v_pat,
            "doc": doc_v,
            "branch": v_branch,
            "status": "Пришёл",
            "created": created,
            "started": v_time + late.astype("timedelta64[m]"),
            "name": full_name[v_pat],
        }
    )
    return attended, lead_booked


def lead_only(f: Frame, p: Patients, pl: PatientLeads) -> LeadOnly:
    rng, start, span, has_lead, other_phones = f.rng, f.start, f.span, pl.has_lead, p.other_phones
    # Lead-only people: requests that never became patients.
    n_lead_pat = int(has_lead.sum())
    n_other = round(n_lead_pat * 0.85)
    o_at = np.datetime64(start, "m") + rng.integers(0, span * 1440, n_other).astype(
        "timedelta64[m]"
    )
    o_status = _pick(
        rng,
        (
            "Записан на приём", "Отказ", "Некачественный лид", "Не дозвонились", "Дубль",
            "В работе", "Не обработан", "Перезвонить",
        ),
        n_other,
        (0.18, 0.28, 0.15, 0.2, 0.05, 0.06, 0.04, 0.04),
    )  # fmt: skip
    o_female = rng.random(n_other) < 0.65
    _, o_surname, o_first, _ = _names(rng, o_female)
    o_phone = other_phones[:n_other]
    return LeadOnly(o_at, o_status, o_surname, o_first, o_phone, n_other)


def _lead_appointments(f: Frame, v: Visits, o: LeadOnly) -> pd.DataFrame:
    rng, d_end, doc_branch = f.rng, f.d_end, v.doc_branch
    o_at, o_status, o_surname, o_first = o.o_at, o.o_status, o.o_surname, o.o_first
    o_booked = np.flatnonzero(o_status == "Записан на приём")
    nb = len(o_booked)
    ob_at = o_at[o_booked].astype("datetime64[D]") + rng.integers(1, 8, nb).astype("timedelta64[D]")
    ob_at = _no_sunday(ob_at).astype("datetime64[m]") + (
        9 * 60 + 30 * rng.integers(0, 22, nb)
    ).astype("timedelta64[m]")
    entry_docs = np.array([i for i, d in enumerate(DOCTORS) if d.department in (TER, KID, SUR)])
    ob_doc = entry_docs[rng.integers(0, len(entry_docs), nb)]
    ob_branch = np.where(doc_branch[ob_doc] == "", _pick(rng, BRANCHES, nb), doc_branch[ob_doc])
    lead_appts = pd.DataFrame(
        {
            "at": ob_at,
            "pat": -1,
            "doc": ob_doc,
            "branch": ob_branch,
            "status": np.where(
                ob_at > d_end.astype("datetime64[m]") + np.timedelta64(1440, "m"),
                "Запланирован",
                np.where(rng.random(nb) < 0.7, "Не пришёл", "Отменён"),
            ),
            "created": o_at[o_booked] + rng.integers(5, 120, nb).astype("timedelta64[m]"),
            "started": np.datetime64("NaT"),
            "name": (
                pd.Series(o_surname[o_booked], dtype=str) + " "
                + pd.Series(o_first[o_booked], dtype=str)
            ).to_numpy(dtype=object),
        }
    )  # fmt: skip
    return lead_appts


def _missed(
    f: Frame, v: Visits, lead_booked: np.ndarray, lead_appts: pd.DataFrame, full_name: np.ndarray
) -> pd.DataFrame:
    rng, start, nv, v_date, v_pat = f.rng, f.start, v.nv, v.v_date, v.v_pat
    doc_v, v_branch = v.doc_v, v.v_branch
    # Patients' missed and cancelled bookings (they came later), about 8 % and 6 % of all.
    total = nv / 0.86
    n_miss = max(0, round(0.08 * total) - int((lead_appts["status"] == "Не пришёл").sum()))
    n_cancel = max(0, round(0.06 * total) - int((lead_appts["status"] == "Отменён").sum()))
    rebooked = np.flatnonzero(~lead_booked)  # a first visit booked from a lead was not missed
    src = rng.choice(rebooked, size=min(len(rebooked), n_miss + n_cancel), replace=False)
    ms = len(src)
    m_day = _no_sunday(v_date[src] - rng.integers(2, 15, ms).astype("timedelta64[D]"))
    m_at = m_day.astype("datetime64[m]") + (9 * 60 + 30 * rng.integers(0, 22, ms)).astype(
        "timedelta64[m]"
    )
    missed = pd.DataFrame(
        {
            "at": m_at,
            "pat": v_pat[src],
            "doc": doc_v[src],
            "branch": v_branch[src],
            "status": np.where(np.arange(ms) < n_miss, "Не пришёл", "Отменён"),
            "created": m_at
            - rng.integers(1, 15, ms).astype("timedelta64[D]")
            - rng.integers(0, 600, ms).astype("timedelta64[m]"),
            "started": np.datetime64("NaT"),
            "name": full_name[v_pat[src]],
        }
    )
    missed = missed[missed["at"] >= np.datetime64(start, "m")]
    return missed


def _planned(f: Frame, p: Patients, e: Episodes, v: Visits, full_name: np.ndarray) -> pd.DataFrame:
    rng, d_end, home, doc_branch = f.rng, f.d_end, p.home, v.doc_branch
    ep_pat, ep_doc, pl_ep, pl_date = e.ep_pat, e.ep_doc, v.pl_ep, v.pl_date
    # Already booked visits after the window's end.
    pl_pat, pl_doc = ep_pat[pl_ep], ep_doc[pl_ep]
    npl = len(pl_ep)
    pl_at = pl_date.astype("datetime64[m]") + (9 * 60 + 30 * rng.integers(0, 22, npl)).astype(
        "timedelta64[m]"
    )
    planned_df = pd.DataFrame(
        {
            "at": pl_at,
            "pat": pl_pat,
            "doc": pl_doc,
            "branch": np.where(doc_branch[pl_doc] == "", home[pl_pat], doc_branch[pl_doc]),
            "status": "Запланирован",
            "created": d_end.astype("datetime64[m]")
            - rng.integers(0, 20 * 1440, npl).astype("timedelta64[m]"),
            "started": np.datetime64("NaT"),
            "name": full_name[pl_pat],
        }
    )
    return planned_df


def appointments(
    f: Frame, p: Patients, e: Episodes, v: Visits, pl: PatientLeads, plist: PatientList
) -> tuple[pd.DataFrame, LeadOnly]:
    """Every booking: attended visits, lead-only bookings, missed and cancelled ones, planned;
    and the lead-only people (drawn between the attended visits and their bookings)."""
    card, full_name, doc_names = plist.card, plist.full_name, _doc_names()
    attended, lead_booked = _attended(f, v, pl, full_name)
    o = lead_only(f, p, pl)
    lead_appts = _lead_appointments(f, v, o)
    missed = _missed(f, v, lead_booked, lead_appts, full_name)
    planned_df = _planned(f, p, e, v, full_name)
    appts = pd.concat([attended, lead_appts, missed, planned_df], ignore_index=True)
    appts = appts.sort_values(["created", "at"], kind="stable", ignore_index=True)
    appts["id"] = 500_001 + np.arange(len(appts))
    appts["card"] = np.where(appts["pat"] >= 0, card[appts["pat"].clip(lower=0)], -1)
    appts["doctor"] = doc_names[appts["doc"].to_numpy()]
    appts["department"] = np.array(DEPARTMENTS, dtype=object)[
        np.array([d.department for d in DOCTORS])[appts["doc"].to_numpy()]
    ]
    appts = appts.sort_values(["at", "id"], kind="stable", ignore_index=True)
    return appts, o


def _lead_people(
    f: Frame, p: Patients, pl: PatientLeads, contracts: pd.DataFrame
) -> tuple[np.ndarray, ...]:
    """Patients' leads: their CRM status and who wrote (a child's parent)."""
    rng, is_child, family, surname, first_name = f.rng, p.is_child, p.family, p.surname, p.first_name
    has_lead, lead_at = pl.has_lead, pl.lead_at
    lp = np.flatnonzero(has_lead)
    contract_day = contracts.groupby("pat")["date"].min()
    c_first = contract_day.reindex(lp).to_numpy()
    lead_day = lead_at[lp].astype("datetime64[D]")
    contracted = ~np.isnat(c_first) & (c_first <= lead_day + np.timedelta64(90, "D"))
    r = rng.random(len(lp))
    p_status = np.where(
        contracted,
        np.where(r < 0.85, "Договор заключён", "Пришёл на приём"),
        np.where(r < 0.80, "Пришёл на приём", np.where(r < 0.94, "Записан на приём", "В работе")),
    )
    # A child's request comes from a parent: mother's or father's name, the family surname.
    nlp = len(lp)
    parent_female = rng.random(nlp) < 0.75
    p_first = np.where(
        is_child[lp],
        np.where(parent_female, _pick(rng, FEMALE_NAMES, nlp), _pick(rng, MALE_NAMES, nlp)),
        first_name[lp],
    )
    p_surname = np.where(
        is_child[lp],
        np.where(parent_female, _female_surname(family[lp]), family[lp]),
        surname[lp],
    )
    return lp, p_status, p_first, p_surname


def leads(
    f: Frame, p: Patients, pl: PatientLeads, o: LeadOnly, contracts: pd.DataFrame
) -> pd.DataFrame:
    """The CRM's leads: patients' requests and lead-only people's, in order of creation."""
    lp, p_status, p_first, p_surname = _lead_people(f, p, pl, contracts)
    rng, lead_at, pat_phone, channel = f.rng, pl.lead_at, p.pat_phone, p.channel
    o_at, o_status, o_first, o_surname, o_phone, n_other = (
        o.o_at, o.o_status, o.o_first, o.o_surname, o.o_phone, o.n_other,
    )  # fmt: skip
    n_all = len(lp) + n_other
    leads = pd.DataFrame(
        {
            "created": np.concatenate([lead_at[lp], o_at]),
            "status": np.concatenate([p_status, o_status]),
            "first": np.concatenate([p_first, o_first]),
            "surname": np.concatenate([p_surname, o_surname]),
            "phone10": np.concatenate([pat_phone[lp], o_phone]),
            "channel": np.concatenate(
                [channel[lp], _pick(rng, CHANNELS, n_other, LEAD_ONLY_CHANNEL_P)]
            ),
            "operator": np.concatenate(
                [
                    _pick(rng, OPERATORS, len(lp), (0.38, 0.30, 0.22, 0.10)),
                    _pick(rng, OPERATORS, n_other, (0.25, 0.25, 0.20, 0.30)),
                ]
            ),
        }
    )
    leads["title"] = [
        titles[i % len(titles)]
        for titles, i in zip(
            leads["channel"].map(LEAD_TITLES), rng.integers(0, 6, n_all), strict=True
        )
    ]
    leads["amount"] = np.where(
        rng.random(n_all) < 0.4,
        rng.choice([3000, 5000, 10000, 15000, 30000, 60000, 150000], n_all),
        np.nan,
    )
    leads["surname"] = np.where(rng.random(n_all) < 0.15, "", leads["surname"])
    leads["email"] = _emails(rng, leads["first"].to_numpy(), leads["surname"].to_numpy())
    leads["phone_style"] = rng.choice(3, n_all, p=(0.7, 0.2, 0.1))
    leads["created"] = leads["created"].astype("datetime64[s]") + rng.integers(0, 60, n_all).astype(
        "timedelta64[s]"
    )
    leads = leads.sort_values("created", kind="stable", ignore_index=True)
    leads["id"] = 4_500 + np.cumsum(1 + (rng.random(n_all) < 0.05))
    return leads


def _spend(
    rng: np.random.Generator,
    arrival: np.ndarray,
    channel: np.ndarray,
    start: dt.date,
    end: dt.date,
    n: int,
) -> pd.DataFrame:
    """Monthly spend per paid channel: its cost per new patient × the month's new patients
    (with noise); Сайт (SEO) is a fixed agency fee. Рекомендация costs nothing."""
    new_counts = pd.crosstab(pd.Series(arrival).dt.to_period("M"), channel)
    months = pd.period_range(start, end, freq="M")
    rows = []
    for ch in CHANNELS[:5]:
        counts = new_counts.get(ch, pd.Series(0, index=new_counts.index))
        counts = counts.reindex(months, fill_value=0).to_numpy()
        noise = rng.uniform(0.85, 1.15, len(months))
        if ch in COST_PER_NEW:
            value = COST_PER_NEW[ch] * counts * noise
        else:
            value = SEO_FEE * noise * max(0.05, n / 6000)
        rows.append(pd.DataFrame({"month": months, "channel": ch, "amount": np.round(value, -2)}))
    spend = pd.concat(rows, ignore_index=True).sort_values(["month", "channel"], kind="stable")
    return spend[spend["amount"] > 0].reset_index(drop=True)


def _reviews(
    rng: np.random.Generator, doc_v: np.ndarray, v_date: np.ndarray, d_end: np.datetime64, n: int
) -> pd.DataFrame:
    """One review per ten patients, left within a week of a visit; mostly 4–5 stars, except for
    the duty doctor, who also collects more of them."""
    nv = len(doc_v)
    nr = min(nv, max(1, n // 10))
    visit_w = np.where(doc_v == DUTY, 1.6, 1.0)
    rv = rng.choice(nv, size=nr, replace=False, p=visit_w / visit_w.sum())
    r_doc = doc_v[rv]
    r_date = np.minimum(v_date[rv] + rng.integers(0, 8, nr).astype("timedelta64[D]"), d_end)
    good = (0.04, 0.03, 0.07, 0.18, 0.68)
    poor = (0.14, 0.09, 0.15, 0.22, 0.40)
    rating = np.where(r_doc == DUTY, rng.choice(5, nr, p=poor) + 1, rng.choice(5, nr, p=good) + 1)
    text_idx = rng.integers(0, 100, nr)
    text = np.array(
        [REVIEW_TEXTS[s][i % len(REVIEW_TEXTS[s])] for s, i in zip(rating, text_idx, strict=True)],
        dtype=object,
    )
    text = np.where(rng.random(nr) < 0.15, "", text)  # a rating with no words
    return pd.DataFrame(
        {
            "date": r_date.astype("datetime64[D]"),
            "doctor": np.array([d.name for d in DOCTORS], dtype=object)[r_doc],
            "rating": rating,
            "source": _pick(rng, REVIEW_SOURCES, nr, (0.5, 0.25, 0.25)),
            "text": text,
        }
    ).sort_values(["date", "doctor"], kind="stable", ignore_index=True)

