"""METRICS.md "Marketing: CAC, CPL, ROMI" (acquisition channel, spend, cac, cpl, romi,
ltv_to_cac) and "LTV" (Channel LTV).

Patients and how they were acquired:
    P1  patients.channel = Яндекс (also has an older Сайт lead: the list wins)
        lines 2025-01-20 10000, 2025-05-01 5000
    P2  no channel in the list; leads: Сайт 2024-12-01 (earliest), Яндекс 2025-01-05 -> Сайт
        line 2025-02-10 4000
    P3  no channel, no lead -> unknown; line 2025-03-15 1000
Spend: Яндекс 30000 on 2025-01-01, 02-01 and 04-01; Сайт 10000 on 03-01; ВК 5000 on 02-01.
Leads in Q1: L_b (Яндекс, P2), L_c (Яндекс), L_d (Сайт).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from metrics_fixtures import engine_for, line, period

from clinic_bi.metrics import Engine

Q1 = period("2025-01-01", "2025-03-31")


def spend(day: str, channel: str, amount: float) -> dict[str, object]:
    return {"date": day, "channel": channel, "amount": amount}


def lead(lead_id: str, created: str, channel: str, **more: object) -> dict[str, object]:
    return {"lead_id": lead_id, "created_at": created + " 12:00:00", "channel": channel, **more}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return engine_for(
        tmp_path_factory.mktemp("marketing"),
        patients=[
            {"patient_id": "P1", "channel": "Яндекс"},
            {"patient_id": "P2"},
            {"patient_id": "P3", "channel": " "},  # blank: no channel
        ],
        leads=[
            lead("L_e", "2024-11-01", "Сайт", patient_id="P1"),
            lead("L_a", "2024-12-01", "Сайт", patient_id="P2"),
            lead("L_b", "2025-01-05", "Яндекс", patient_id="P2"),
            lead("L_c", "2025-01-10", "Яндекс"),
            lead("L_d", "2025-03-02", "Сайт"),
        ],
        services=[
            line("2025-01-20", "P1", "A", 10000),
            line("2025-05-01", "P1", "A", 5000),
            line("2025-02-10", "P2", "B", 4000),
            line("2025-03-15", "P3", "A", 1000),
        ],
        marketing_spend=[
            spend("2025-01-01", "Яндекс", 30000),
            spend("2025-02-01", "Яндекс", 30000),
            spend("2025-04-01", "Яндекс", 30000),
            spend("2025-03-01", "Сайт", 10000),
            spend("2025-02-01", "ВК", 5000),
        ],
    )


def test_cac_cpl_romi_per_channel(engine: Engine) -> None:
    rows = engine.marketing(Q1)
    assert list(rows["channel"]) == ["unknown", "ВК", "Сайт", "Яндекс"]
    m = rows.set_index("channel")
    # Яндекс: spend 30000 + 30000 (April is outside), leads L_b and L_c, new patient P1
    assert m.loc["Яндекс", ["spend", "leads", "new_patients"]].tolist() == [60000, 2, 1]
    assert m.loc["Яндекс", "cac"] == 60000  # 60000 / 1
    assert m.loc["Яндекс", "cpl"] == 30000  # 60000 / 2
    # revenue to date of P1 = 10000 + 5000 (May counts: "to date"); (15000 - 60000) / 60000
    assert m.loc["Яндекс", "new_patient_revenue"] == 15000
    assert m.loc["Яндекс", "romi"] == pytest.approx(-0.75)
    # Сайт: P2's earliest lead (2024-12-01) is Сайт; spend 10000, lead L_d
    assert m.loc["Сайт", ["spend", "leads", "new_patients"]].tolist() == [10000, 1, 1]
    assert m.loc["Сайт", ["cac", "cpl"]].tolist() == [10000, 10000]
    assert m.loc["Сайт", "romi"] == pytest.approx(-0.6)  # (4000 - 10000) / 10000
    # ВК: spend without new patients or leads: cac and cpl have no denominator
    assert m.loc["ВК", ["spend", "leads", "new_patients"]].tolist() == [5000, 0, 0]
    assert pd.isna(m.loc["ВК", "cac"]) and pd.isna(m.loc["ВК", "cpl"])
    assert m.loc["ВК", "romi"] == -1.0  # (0 - 5000) / 5000
    # unknown: P3 (blank list channel, no lead); nothing spent on it -> no cac (not 0 ₽: issue
    # 13, item 7), romi undefined
    assert m.loc["unknown", ["spend", "new_patients"]].tolist() == [0, 1]
    assert pd.isna(m.loc["unknown", "cac"])
    assert pd.isna(m.loc["unknown", "romi"])


def test_a_month_with_spend_but_no_new_patients_has_no_cac(engine: Engine) -> None:
    april = engine.marketing(period("2025-04-01", "2025-04-30")).set_index("channel")
    assert list(april.index) == ["Яндекс"]
    assert april.loc["Яндекс", ["spend", "new_patients"]].tolist() == [30000, 0]
    assert pd.isna(april.loc["Яндекс", "cac"])  # never 0, never infinity
    assert april.loc["Яндекс", "romi"] == -1.0


def test_filters_narrow_the_new_patients_not_the_spend(engine: Engine) -> None:
    m = engine.marketing(period("2025-01-01", "2025-03-31", doctor="B")).set_index("channel")
    # only P2 (doctor B) is a new patient under the filter; spend and leads stay whole, and
    # 'unknown' (no spend, no lead, no new patient left) drops out of the rows
    assert m["new_patients"].to_dict() == {"ВК": 0, "Сайт": 1, "Яндекс": 0}
    assert m.loc["Яндекс", "spend"] == 60000
    assert pd.isna(m.loc["Яндекс", "cac"])


def test_ltv_to_cac_uses_the_channel_ltv_12m(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        patients=[
            {"patient_id": "P1", "channel": "Яндекс"},
            {"patient_id": "P2", "channel": "Яндекс"},
            {"patient_id": "P3", "channel": "Сайт"},
        ],
        services=[
            line("2023-01-15", "P1", "A", 1000),
            line("2023-06-01", "P1", "A", 2000),
            line("2024-01-14", "P1", "A", 4000),
            line("2024-01-15", "P1", "A", 8000),  # = first(P1) + 365: outside the 12 months
            line("2023-03-01", "P2", "A", 500),
            line("2023-12-01", "P3", "A", 300),  # after data_end - 365 = 2023-07-01
            line("2024-06-30", "P9", "A", 100),  # data_end
        ],
        marketing_spend=[{"date": "2023-01-01", "channel": "Яндекс", "amount": 15000}],
    )
    # the cohort months: data_end 2024-06-30 - 365 days = 2023-07-01, not a month's end, so the
    # newest twelve whole months with a year behind every patient are July 2022 - June 2023
    assert engine.ltv_cohort_months() == (dt.date(2022, 7, 1), dt.date(2023, 6, 30))
    m = engine.marketing(period("2023-01-01", "2023-12-31")).set_index("channel")
    # Яндекс: cac = 15000 / 2; its cohort patients P1 and P2 (first seen in the cohort months):
    # ltv_12m = (P1 1000 + 2000 + 4000 + P2 500) / 2 = 3750; their CAC the same 15000 / 2
    assert m.loc["Яндекс", "cac"] == 7500
    assert m.loc["Яндекс", "ltv_12m_cohorts"] == 3750
    assert m.loc["Яндекс", "ltv_to_cac_cohorts"] == 0.5  # 3750 / 7500
    # romi: revenue to date 15000 + 500 = 15500; (15500 - 15000) / 15000
    assert m.loc["Яндекс", "new_patient_revenue"] == 15500
    assert m.loc["Яндекс", "romi"] == pytest.approx(500 / 15000)
    # Сайт: nothing spent, so no CAC (not 0 ₽); P3 came after the cohort months: no LTV
    assert pd.isna(m.loc["Сайт", "cac"]) and pd.isna(m.loc["Сайт", "cpl"])
    assert pd.isna(m.loc["Сайт", "ltv_12m_cohorts"]) and pd.isna(m.loc["Сайт", "ltv_to_cac_cohorts"])


def test_channel_ltv_does_not_depend_on_the_period(tmp_path: Path) -> None:
    """The default period (recent months) has no patient a year old: LTV 12 мес. and LTV/CAC
    still show, from the cohort months (issue 13, item 7)."""
    engine = engine_for(
        tmp_path,
        patients=[{"patient_id": "P1", "channel": "ВК"}, {"patient_id": "P2", "channel": "ВК"}],
        services=[
            line("2024-02-10", "P1", "A", 2000), line("2024-08-10", "P1", "A", 1000),
            line("2025-05-01", "P2", "A", 700),  # a new patient of the period, too young
            line("2025-05-31", "P9", "A", 1),  # data_end: cohort months June 2023 - May 2024
        ],
        marketing_spend=[{"date": "2024-02-01", "channel": "ВК", "amount": 4000},
                         {"date": "2025-05-01", "channel": "ВК", "amount": 900}],
    )
    m = engine.marketing(period("2025-05-01", "2025-05-31")).set_index("channel")
    assert m.loc["ВК", "cac"] == 900  # May: 900 / P2
    assert m.loc["ВК", "ltv_12m_cohorts"] == 3000  # P1: 2000 + 1000 within 365 days
    assert m.loc["ВК", "ltv_to_cac_cohorts"] == 0.75  # 3000 / (4000 / 1)


def test_marketing_by_month(engine: Engine) -> None:
    rows = engine.marketing_by_month(Q1)
    keys = [(m.strftime("%m"), c if isinstance(c, str) else None) for m, c in
            zip(rows["month"], rows["channel"], strict=True)]  # fmt: skip
    assert keys == [
        ("01", None), ("01", "Яндекс"),
        ("02", None), ("02", "ВК"), ("02", "Сайт"), ("02", "Яндекс"),
        ("03", None), ("03", "unknown"), ("03", "Сайт"),
    ]  # fmt: skip
    figures = rows[["spend", "leads", "new_patients"]].values.tolist()
    # January: Яндекс 30000, leads L_b and L_c, P1 (first 01-20) -> CAC 30000, CPL 15000
    assert figures[0] == figures[1] == [30000, 2, 1]
    assert rows["cac"][0] == 30000 and rows["cpl"][0] == 15000
    # February: Яндекс 30000 + ВК 5000, no lead, P2 (Сайт, 02-10): total CAC 35000 / 1
    assert figures[2] == [35000, 0, 1] and rows["cac"][2] == 35000 and pd.isna(rows["cpl"][2])
    assert pd.isna(rows["cac"][3])  # ВК: spend without new patients
    assert rows["cac"][4] == 0  # Сайт: a new patient without spend this month
    # March: Сайт 10000 and L_d; P3 (unknown, 03-15)
    assert figures[6] == [10000, 1, 1] and figures[7] == [0, 0, 1] and figures[8] == [10000, 1, 0]
    # the months add up to the period's figures
    totals = rows[rows["channel"].isna()]
    assert totals["spend"].sum() == engine.marketing(Q1)["spend"].sum() == 75000
