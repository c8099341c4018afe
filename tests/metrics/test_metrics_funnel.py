"""METRICS.md "Funnel: lead -> booking -> visit -> contract" and "Appointment show-up".

Leads of Q1 2025 (W = 90 days unless a test says otherwise):

    L1  01-05  Яндекс  Оля   stage new    phone 8 (912) 000-00-01 = P1's +79120000001;
                                          P1's appointment created 01-06, attended
    L2  01-10  Сайт    Петя  stage NULL   phone of P2; P2's service line on 04-10 = day 90
    L3  01-15  Сайт    Петя  stage booked P3; P3's line on 04-16 = day 91; P3's attended
                                          appointment was created 01-01, before the lead
    L4  02-01  Яндекс  Оля   stage lost   P4; P4's contract signed 02-20
    L5  02-10  Яндекс  —     stage contracted, no patient
    L6  03-01  —       Оля   no patient; appointment A6 carries lead_id L6, cancelled
    L7  03-05  Сайт    Оля   stage new, a phone that matches nobody
    L8  04-02  Яндекс  Оля   stage contracted: outside the period
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from metrics_fixtures import engine_for, line, period

from clinic_bi.metrics import Engine

Q1 = period("2025-01-01", "2025-03-31")


def lead(lead_id: str, created: str, channel: str | None, operator: str | None, **more: object):
    return {
        "lead_id": lead_id,
        "created_at": created + " 10:00:00",
        "channel": channel,
        "operator": operator,
        **more,
    }


def appointment(appointment_id: str, scheduled: str, status: str, **more: object):
    return {"appointment_id": appointment_id, "scheduled_at": scheduled, "status": status, **more}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return engine_for(
        tmp_path_factory.mktemp("funnel"),
        patients=[
            {"patient_id": "P1", "phone": "+79120000001"},
            {"patient_id": "P2", "phone": "+7 912 000-00-02"},
            {"patient_id": "P3"},
            {"patient_id": "P4"},
        ],
        leads=[
            lead("L1", "2025-01-05", "Яндекс", "Оля", phone="8 (912) 000-00-01", stage="new"),
            lead("L2", "2025-01-10", "Сайт", "Петя", phone="89120000002", stage=None,
                 stage_raw="Какое-то слово CRM"),
            lead("L3", "2025-01-15", "Сайт", "Петя", patient_id="P3", stage="booked"),
            lead("L4", "2025-02-01", "Яндекс", "Оля", patient_id="P4", stage="lost"),
            lead("L5", "2025-02-10", "Яндекс", None, stage="contracted"),
            lead("L6", "2025-03-01", None, "Оля"),
            lead("L7", "2025-03-05", "Сайт", "Оля", phone="89990000000", stage="new"),
            lead("L8", "2025-04-02", "Яндекс", "Оля", stage="contracted"),
        ],
        appointments=[
            # Fri 01-10: P1's booking made the day after L1, attended
            appointment("A1", "2025-01-10 09:00", "attended", patient_id="P1", doctor="A",
                        created_at="2025-01-06 12:00"),
            # Sun 01-12: P3's visit booked on 01-01, before L3 existed
            appointment("A3", "2025-01-12 10:00", "attended", patient_id="P3", doctor="A",
                        created_at="2025-01-01 12:00"),
            # Mon 01-13: a no-show of doctor B
            appointment("A9", "2025-01-13 10:00", "no_show", patient_id="P9", doctor="B"),
            # Mon 03-03: L6's appointment, cancelled
            appointment("A6", "2025-03-03 10:00", "cancelled", doctor="B", lead_id="L6"),
            # Mon 03-31: planned
            appointment("A10", "2025-03-31 10:00", "planned", patient_id="P1", doctor="A"),
            # after the period
            appointment("A11", "2025-04-07 10:00", "no_show", patient_id="P1", doctor="A"),
        ],
        services=[
            line("2025-01-10", "P1", "A", 3000),
            line("2025-01-12", "P3", "A", 1000),
            line("2025-04-10", "P2", "A", 2000),
            line("2025-04-16", "P3", "A", 1000),
        ],
        contracts=[
            {"contract_id": "C1", "signed_at": "2025-02-20", "amount": 90000, "patient_id": "P4"},
        ],
    )  # fmt: skip


def test_funnel_overall(engine: Engine) -> None:
    t = engine.funnel(Q1).total
    assert t.leads == 7  # L1 .. L7 (L8 is created in April)
    # booked: L1 (P1's appointment created 01-06 in [01-05, 04-05]), L2 (closes down from its
    # visit), L3 (stage), L4 (closes down from its contract), L5 (stage), L6 (appointment with
    # its lead_id, even cancelled); not L7
    assert t.booked == 6
    # visited: L1 (its stage `new` lags: A1 attended), L2 (P2's line on 04-10 = lead day + 90),
    # L4 (contract => visited), L5 (stage); not L3 (line on day 91; A3 was booked before the
    # lead), not L6 (cancelled), not L7
    assert t.visited == 4
    assert t.contracted == 2  # L4 (P4 signed 02-20, in the window), L5 (stage)
    assert t.booking_rate == pytest.approx(6 / 7)
    assert t.show_rate == pytest.approx(4 / 6)
    assert t.contract_rate == 0.5  # 2 / 4
    assert t.overall_rate == pytest.approx(2 / 7)


def test_funnel_window_is_a_parameter(engine: Engine) -> None:
    t = engine.funnel(period("2025-01-01", "2025-03-31", funnel_window=89)).total
    # L2's only evidence, P2's line on day 90, is now outside [lead day, lead day + 89]
    assert (t.booked, t.visited) == (5, 3)


def test_funnel_by_channel(engine: Engine) -> None:
    rows = engine.funnel(Q1).by_channel
    # by name; a lead without a channel counts as 'unknown' (sorts before Cyrillic)
    assert list(rows["channel"]) == ["unknown", "Сайт", "Яндекс"]
    by = rows.set_index("channel")
    # Яндекс: L1, L4, L5 all booked and visited; L4 and L5 contracted
    assert by.loc["Яндекс", ["leads", "booked", "visited", "contracted"]].tolist() == [3, 3, 3, 2]
    assert by.loc["Яндекс", "contract_rate"] == pytest.approx(2 / 3)
    # Сайт: L2 (booked, visited), L3 (booked), L7 (nothing)
    assert by.loc["Сайт", ["leads", "booked", "visited", "contracted"]].tolist() == [3, 2, 1, 0]
    assert by.loc["Сайт", "show_rate"] == 0.5
    # unknown: L6 booked, never visited -> show rate 0, contract rate without a denominator
    assert by.loc["unknown", ["leads", "booked", "visited"]].tolist() == [1, 1, 0]
    assert by.loc["unknown", "show_rate"] == 0.0
    assert pd.isna(by.loc["unknown", "contract_rate"])


def test_funnel_by_operator(engine: Engine) -> None:
    rows = engine.funnel(Q1).by_operator
    assert rows["operator"].tolist()[:2] == ["Оля", "Петя"] and pd.isna(rows["operator"][2])
    # Оля: L1 (b, v), L4 (b, v, c), L6 (b), L7 (-)
    assert rows.iloc[0][["leads", "booked", "visited", "contracted"]].tolist() == [4, 3, 2, 1]
    assert rows.iloc[0]["overall_rate"] == 0.25
    # Петя: L2 (b, v), L3 (b)
    assert rows.iloc[1][["leads", "booked", "visited", "contracted"]].tolist() == [2, 2, 1, 0]
    # no operator: L5
    assert rows.iloc[2][["leads", "booked", "visited", "contracted"]].tolist() == [1, 1, 1, 1]


def test_a_lead_linked_only_by_phone(engine: Engine) -> None:
    only_l1 = engine.funnel(period("2025-01-05", "2025-01-05")).total
    # L1 has no patient_id; its phone 8 (912) 000-00-01 hashes like P1's +79120000001
    assert (only_l1.leads, only_l1.booked, only_l1.visited) == (1, 1, 1)


def test_show_up(engine: Engine) -> None:
    s = engine.show_up(Q1)
    # scheduled in Q1: A1 attended, A3 attended, A9 no-show, A6 cancelled, A10 planned
    total = s.total
    assert (total.attended, total.no_show, total.cancelled, total.planned) == (2, 1, 1, 1)
    assert total.show_up_rate == pytest.approx(2 / 3)  # 2 / (2 + 1): cancelled apart
    doctors = s.by_doctor.set_index("doctor")
    assert doctors.loc["A", "show_up_rate"] == 1.0  # A1, A3 attended (A10 planned)
    assert doctors.loc["B", ["no_show", "cancelled"]].tolist() == [1, 1]
    assert doctors.loc["B", "show_up_rate"] == 0.0  # 0 / (0 + 1)
    days = s.by_weekday.set_index("weekday")
    assert sorted(days.index) == [1, 5, 7]  # Monday (A9, A6, A10), Friday (A1), Sunday (A3)
    assert days.loc[1, ["attended", "no_show", "cancelled", "planned"]].tolist() == [0, 1, 1, 1]
    assert days.loc[1, "show_up_rate"] == 0.0
    assert days.loc[5, "show_up_rate"] == 1.0
    b = engine.show_up(period("2025-01-01", "2025-03-31", doctor="B")).total
    assert (b.attended, b.no_show, b.show_up_rate) == (0, 1, 0.0)


def test_a_period_without_appointments_has_no_show_up_rate(engine: Engine) -> None:
    total = engine.show_up(period("2025-02-01", "2025-02-28")).total
    assert (total.attended, total.no_show, total.show_up_rate) == (0, 0, None)


def test_phone_linking_ignores_leads_without_phone_or_patient(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        patients=[{"patient_id": "P1"}],  # no phone: a lead without phone must not match it
        leads=[lead("L1", "2025-01-05", "Сайт", "Оля")],
        services=[line("2025-01-06", "P1", "A", 100)],
    )
    assert engine.funnel(Q1).total.visited == 0
