"""Call lists (METRICS.md "Call lists"): each list's membership and values on tiny hand-made
stores, worked out by hand. data_end ("today") is the last visit date of each store."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from clinic_bi import store
from clinic_bi.metrics import Engine, Filters, calls
from clinic_bi.store import call_settings
from clinic_bi.store.call_settings import CallSettings, CallSettingsError
from tests.metrics_fixtures import engine_for, line, make_store

ALL = Filters(date(2020, 1, 1), date(2030, 12, 31))



def appt(pid: str, at: str, status: str, doctor: str = "Белов", **more: Any) -> dict[str, Any]:
    return {"appointment_id": f"{pid}-{at}", "patient_id": pid, "scheduled_at": at,
            "status": status, "doctor": doctor, "department": more.pop("department", "Терапия"),
            **more}  # fmt: skip


def ids(frame) -> list[str]:
    return list(frame["patient_id"])


# -- lapsed ---------------------------------------------------------------------------------------


def test_lapsed_membership_interval_by_department_and_future_appointment(tmp_path: Path) -> None:
    # data_end = 2026-11-30 (patient E's visit). Cut-offs: hygiene 6 months -> 2026-05-30,
    # therapy 12 -> 2025-11-30.
    engine = engine_for(
        tmp_path,
        services=[
            # A: hygiene, last 2026-05-29 -> before 2026-05-30: lapsed
            line("2026-05-29", "A", "Белов", 3000, department="Гигиена"),
            # B: hygiene on the cut-off day itself: not lapsed (more than N months is strict)
            line("2026-05-30", "B", "Белов", 3000, department="Гигиена"),
            # C: therapy, 2026-01-10: 10 months < 12: not lapsed
            line("2026-01-10", "C", "Белов", 5000, department="Терапия"),
            # D: therapy 2025-11-29 (> 12 months) but booked for December: not lapsed
            line("2025-11-29", "D", "Белов", 5000, department="Терапия"),
            # F: therapy 2025-06-01 with a cancelled December appointment: still lapsed
            line("2023-06-01", "F", "Белов", 10000, department="Терапия"),
            line("2025-06-01", "F", "Белов", 20000, department="Терапия"),
            # G: therapy long ago, then hygiene 2026-04-01: the LAST visit's department (6) decides
            line("2024-01-01", "G", "Белов", 1000, department="Терапия"),
            line("2026-04-01", "G", "Белов", 1000, department="Гигиена"),
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
        ],
        appointments=[
            appt("D", "2026-12-05 10:00", "planned"),
            appt("F", "2026-12-07 10:00", "cancelled"),
        ],
    )
    frame = calls.call_list(engine, "lapsed", settings=CallSettings())
    # values: A 3000 over max(0.5 y, 1) = 3000; F 30000 over (2026-11-30 - 2023-06-01 =
    # 1278 days = 3.499 y) = 8573.57; G 2000 over (1064 days / 365.25 = 2.913 y) = 686.56
    assert ids(frame) == ["F", "A", "G"]
    rows = frame.set_index("patient_id")
    assert rows.loc["F", "value"] == pytest.approx(30000 / (1278 / 365.25), abs=0.01)
    assert rows.loc["A", "value"] == pytest.approx(3000.0)
    assert rows.loc["G", "value"] == pytest.approx(2000 / (1064 / 365.25), abs=0.01)
    assert rows.loc["G", "lapse_months"] == 6 and rows.loc["F", "lapse_months"] == 12
    assert rows.loc["F", "months_since"] == 17  # 2025-06-01 -> 2026-11-30
    assert rows.loc["A", "last_visit_date"].date() == date(2026, 5, 29)


def test_lapsed_follows_the_clinic_settings_and_the_default(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-03-01", "A", "Белов", 1000, department="Эстетика"),  # no word: default
            line("2026-03-01", "B", "Белов", 1000, department="Гигиена"),
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
        ],
    )
    # default 12: A (9 months) not lapsed; hygiene 6: B lapsed
    assert ids(calls.call_list(engine, "lapsed", settings=CallSettings())) == ["B"]
    # the clinic sets Эстетика to 8 months and hygiene to 10: A lapsed, B not
    own = CallSettings().with_months({"Эстетика": 8, "Гигиена": 10})
    assert ids(calls.call_list(engine, "lapsed", settings=own)) == ["A"]


def test_lapsed_leaves_out_the_patients_gone_longer_than_the_limit(tmp_path: Path) -> None:
    # data_end 2026-11-30; therapy N = 12 months; L = 24 months -> from 2024-11-30 on
    engine = engine_for(
        tmp_path,
        services=[
            line("2024-11-29", "OLD", "Белов", 1000, department="Терапия"),  # a day over L
            line("2024-11-30", "EDGE", "Белов", 1000, department="Терапия"),  # L's own day: kept
            line("2025-06-01", "MID", "Белов", 1000, department="Терапия"),
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
        ],
    )
    assert sorted(ids(calls.call_list(engine, "lapsed", settings=CallSettings()))) == [
        "EDGE", "MID"]
    longer = CallSettings(lapsed_within_months=36)
    assert sorted(ids(calls.call_list(engine, "lapsed", settings=longer))) == [
        "EDGE", "MID", "OLD"]
    with pytest.raises(CallSettingsError):
        CallSettings(lapsed_within_months=1).check()


def test_lapsed_filters_apply_to_the_last_visit_not_the_period(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[
            line("2025-01-10", "A", "Ахметова", 1000, department="Терапия", branch="Центр"),
            line("2025-02-10", "B", "Белов", 1000, department="Терапия", branch="Север"),
            # A's last visit is with Белов in Север
            line("2025-03-10", "A", "Белов", 1000, department="Терапия", branch="Север"),
            line("2026-11-30", "E", "Белов", 1000, department="Терапия", branch="Центр"),
        ],
    )
    s = CallSettings()
    assert sorted(ids(calls.call_list(engine, "lapsed", ALL, s))) == ["A", "B"]
    north = Filters(date(2026, 11, 1), date(2026, 11, 30), branch=("Север",))  # period ignored
    assert sorted(ids(calls.call_list(engine, "lapsed", north, s))) == ["A", "B"]
    centre = Filters(date(2026, 11, 1), date(2026, 11, 30), branch=("Центр",))
    assert ids(calls.call_list(engine, "lapsed", centre, s)) == []
    akhmetova = Filters(date(2026, 11, 1), date(2026, 11, 30), doctor=("Ахметова",))
    assert ids(calls.call_list(engine, "lapsed", akhmetova, s)) == []


# -- missed ---------------------------------------------------------------------------------------


def test_missed_not_rebooked_membership(tmp_path: Path) -> None:
    # data_end 2026-11-30; M = 60 days -> from 2026-10-01; N = 14 days -> up to 2026-11-16
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000),
            line("2026-06-01", "A", "Белов", 12000),  # A's history: 12000 over 1 year
            line("2026-06-01", "C", "Белов", 2000),
            line("2026-10-20", "C", "Белов", 2000),  # C came back after the no-show
            line("2026-06-01", "D", "Белов", 2000),
        ],
        appointments=[
            appt("A", "2026-11-02 10:00", "no_show"),  # nothing after: listed
            appt("B", "2026-11-10 10:00", "cancelled"),  # rebooked for December: not listed
            appt("B", "2026-12-03 10:00", "planned"),
            appt("C", "2026-10-15 10:00", "no_show"),  # a visit on 2026-10-20: not listed
            appt("D", "2026-11-05 10:00", "no_show"),  # rebooked, cancelled again: listed
            appt("D", "2026-11-12 10:00", "cancelled"),  # ... the latest one is shown
            appt("F", "2026-11-25 10:00", "no_show"),  # only 5 days ago: not yet
            appt("G", "2026-09-20 10:00", "no_show"),  # 71 days ago: beyond M
            appt("H", "2026-10-05 10:00", "no_show", doctor="Ахметова"),  # never visited
        ],
    )
    frame = calls.call_list(engine, "missed", settings=CallSettings())
    rows = frame.set_index("patient_id")
    assert sorted(rows.index) == ["A", "D", "H"]
    assert rows.loc["A", "value"] == pytest.approx(12000.0)  # 12000 / max(0.5 y, 1)
    assert rows.loc["A", "value_basis"] == "patient_year"
    assert rows.loc["D", "missed_date"].date() == date(2026, 11, 12)
    assert rows.loc["D", "status"] == "cancelled" and rows.loc["D", "days_since"] == 18
    # H has no visit: the average visit of Ахметова, who has none either -> no value
    assert pd.isna(rows.loc["H", "value_basis"]) and pd.isna(rows.loc["H", "value"])
    assert ids(frame)[:2] == ["A", "D"]  # by value; H (no value) last


def test_missed_value_falls_back_to_the_doctors_average_visit(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000),
            line("2026-11-29", "F", "Белов", 5000),  # Белов: 6000 over 2 visits = 3000
        ],
        appointments=[appt("H", "2026-11-01 10:00", "no_show")],
    )
    frame = calls.call_list(engine, "missed", settings=CallSettings())
    assert ids(frame) == ["H"]
    assert frame.loc[0, "value"] == pytest.approx(3000.0)
    assert frame.loc[0, "value_basis"] == "doctor_visit"


def test_missed_settings_move_the_window(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[line("2026-11-30", "E", "Белов", 1000)],
        appointments=[appt("A", "2026-11-25 10:00", "no_show")],  # 5 days ago
    )
    assert ids(calls.call_list(engine, "missed", settings=CallSettings())) == []
    soon = CallSettings(rebook_days=3)
    assert ids(calls.call_list(engine, "missed", settings=soon)) == ["A"]


# -- plans ----------------------------------------------------------------------------------------


def test_plans_not_started_and_not_finished(tmp_path: Path) -> None:
    # data_end 2026-11-30, K = 90 days -> idle since before 2026-09-01
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
            # A: signed 2026-03-01 at a consultation (2000), nothing after: not started, 48000 left
            line("2026-03-01", "A", "Белов", 2000, department="Ортопедия"),
            # B: 20000 of 50000 done in ortho, plus 9000 of therapy that does not count
            line("2026-03-01", "B", "Белов", 0, department="Ортопедия"),
            line("2026-04-01", "B", "Белов", 20000, department="Ортопедия"),
            line("2026-05-01", "B", "Белов", 9000, department="Терапия"),
            # C: paid in full: not listed
            line("2026-04-01", "C", "Белов", 30000, department="Ортопедия"),
            # D: a visit in October (within K days): not listed
            line("2026-10-15", "D", "Белов", 1000, department="Ортопедия"),
            # F: idle, but booked for December: not listed
            line("2026-04-01", "F", "Белов", 1000, department="Ортопедия"),
            # Ахметова signed K2; her own patient P keeps her in the sidebar's list of doctors
            line("2026-11-30", "P", "Ахметова", 1000, department="Терапия"),
            # G: a department the visits do not know: every department's revenue counts
            line("2026-04-01", "G", "Белов", 7000, department="Терапия"),
        ],
        appointments=[appt("F", "2026-12-10 10:00", "planned")],
        contracts=[
            {"contract_id": "K1", "signed_at": "2026-03-01", "amount": 50000, "patient_id": "A",
             "department": "Ортопедия"},
            {"contract_id": "K2", "signed_at": "2026-03-01", "amount": 50000, "patient_id": "B",
             "department": "Ортопедия", "doctor": "Ахметова"},
            {"contract_id": "K3", "signed_at": "2026-03-01", "amount": 30000, "patient_id": "C",
             "department": "Ортопедия"},
            {"contract_id": "K4", "signed_at": "2026-03-01", "amount": 30000, "patient_id": "D",
             "department": "Ортопедия"},
            {"contract_id": "K5", "signed_at": "2026-03-01", "amount": 30000, "patient_id": "F",
             "department": "Ортопедия"},
            {"contract_id": "K6", "signed_at": "2026-03-01", "amount": 10000, "patient_id": "G",
             "department": "Имплантация"},
        ],
    )
    frame = calls.call_list(engine, "plans", settings=CallSettings())
    rows = frame.set_index("contract_id")
    assert list(frame["contract_id"]) == ["K1", "K2", "K6"]  # by amount left
    assert rows.loc["K1", "amount_left"] == pytest.approx(48000.0)
    assert rows.loc["K1", "plan_state"] == "not_started"
    assert rows.loc["K2", "amount_left"] == pytest.approx(30000.0)
    assert rows.loc["K2", "plan_state"] == "not_finished"
    assert rows.loc["K2", "doctor"] == "Ахметова"  # the contract's doctor
    assert rows.loc["K6", "amount_left"] == pytest.approx(3000.0)
    assert (frame["value"] == frame["amount_left"]).all()
    # the doctor filter reads the row's doctor: only K2 is Ахметова's
    mine = Filters(date(2026, 1, 1), date(2026, 1, 31), doctor=("Ахметова",))
    assert list(calls.call_list(engine, "plans", mine, CallSettings())["contract_id"]) == ["K2"]
    # K = 300 days: the signing (274 days ago) is recent enough: nothing listed
    assert calls.call_list(engine, "plans", settings=CallSettings(plan_idle_days=300)).empty


# -- recall ---------------------------------------------------------------------------------------


def test_hygiene_recall_due_next_month(tmp_path: Path) -> None:
    # data_end 2026-11-30: next month December 2026; hygiene 6 months -> last hygiene in June
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
            line("2026-06-15", "A", "Белов", 4000, department="Гигиена"),  # due 2026-12-15
            line("2026-06-30", "B", "Белов", 4000, department="Профгигиена"),  # a word inside
            line("2026-07-01", "C", "Белов", 4000, department="Гигиена"),  # due January
            line("2026-05-31", "D", "Белов", 4000, department="Гигиена"),  # due November
            line("2026-06-10", "F", "Белов", 4000, department="Гигиена"),  # booked already
            line("2026-06-10", "G", "Белов", 4000, department="Терапия"),  # not hygiene
            # H: hygiene in June, a therapy visit after: still due for hygiene
            line("2026-06-20", "H", "Белов", 4000, department="Гигиена"),
            line("2026-09-01", "H", "Белов", 6000, department="Терапия"),
        ],
        appointments=[appt("F", "2026-12-10 10:00", "planned")],
    )
    frame = calls.call_list(engine, "recall", settings=CallSettings())
    rows = frame.set_index("patient_id")
    assert sorted(rows.index) == ["A", "B", "H"]
    assert rows.loc["A", "due_date"].date() == date(2026, 12, 15)
    assert rows.loc["H", "value"] == pytest.approx(10000.0)  # 10000 over max(0.45 y, 1)
    assert ids(frame)[0] == "H"


# -- summary, settings, report ----------------------------------------------------------------


def test_summary_counts_distinct_patients_and_their_largest_value(tmp_path: Path) -> None:
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000, department="Терапия"),
            # A: lapsed therapy (12000 over 1 y) and a missed appointment (the same 12000)
            line("2025-06-01", "A", "Белов", 12000, department="Терапия"),
            # B: hygiene recall due (4000 a year) and a plan of 20000 in a department the visits
            # do not know, so the 4000 of the signing day counts: 16000 left, the largest
            line("2026-06-15", "B", "Белов", 4000, department="Гигиена"),
        ],
        appointments=[appt("A", "2026-11-02 10:00", "no_show")],
        contracts=[{"contract_id": "K1", "signed_at": "2026-06-15", "amount": 20000,
                    "patient_id": "B", "department": "Ортопедия"}],  # fmt: skip
    )
    lists = calls.call_lists(engine, settings=CallSettings())
    assert ids(lists["lapsed"]) == ["A"] and ids(lists["missed"]) == ["A"]
    assert ids(lists["recall"]) == ["B"] and ids(lists["plans"]) == ["B"]
    # A: 12000 / (547 days / 365.25 = 1.498 y) = 8012.80 in both lists; B: max(4000, 16000)
    assert calls.summary(engine, settings=CallSettings()) == calls.CallSummary(
        2, pytest.approx(12000 / (547 / 365.25) + 16000, abs=0.02)
    )


def test_settings_are_kept_in_the_store_and_read_by_the_lists(tmp_path: Path) -> None:
    path = make_store(
        tmp_path,
        services=[line("2026-03-01", "A", "Белов", 1000, department="Терапия"),
                  line("2026-11-30", "E", "Белов", 1000, department="Терапия")],  # fmt: skip
    )
    with store.connect(path) as con:
        assert call_settings.read(con) == CallSettings()  # nothing saved: the defaults
        version = store.data_version(con)
        call_settings.save(con, CallSettings().with_months({"Терапия": 6}))
        assert store.data_version(con) == version  # settings are not data
    engine = Engine(path)
    assert ids(calls.call_list(engine, "lapsed")) == ["A"]  # therapy at 6 months: lapsed
    assert calls.report_section(engine, ALL)["settings"]["months_by_department"] == {"Терапия": 6}


def test_settings_out_of_range_are_refused_and_a_bad_value_reads_as_defaults(
    tmp_path: Path,
) -> None:
    with pytest.raises(CallSettingsError):
        CallSettings(missed_days=10, rebook_days=14).check()
    with pytest.raises(CallSettingsError):
        CallSettings().with_months({"Терапия": 0}).check()
    path = make_store(tmp_path)
    with store.connect(path) as con:
        with pytest.raises(CallSettingsError):
            call_settings.save(con, CallSettings(plan_idle_days=0))
        con.execute("insert into meta values ('call_settings', '{\"missed_days\": \"x\"}')")
        assert call_settings.read(con) == CallSettings()


def test_report_section_is_json_ready(tmp_path: Path) -> None:
    import json

    engine = engine_for(
        tmp_path,
        services=[line("2025-06-01", "A", "Белов", 12000, department="Терапия"),
                  line("2026-11-30", "E", "Белов", 1000, department="Терапия")],  # fmt: skip
    )
    section = calls.report_section(engine, ALL, CallSettings())
    assert json.loads(json.dumps(section)) == section
    assert section["as_of"] == "2026-11-30" and section["patients"] == 1
    assert section["lists"]["lapsed"]["top"][0]["last_visit_date"] == "2025-06-01"
    assert section["lists"]["missed"] == {"rows": 0, "patients": 0, "value": None, "top": []}
    empty = Engine(make_store(tmp_path / "empty"))
    assert calls.report_section(empty, ALL) is None


def test_narrowing_the_clinics_lists_equals_the_queries_own(tmp_path: Path) -> None:
    # Обзор narrows the clinic's lists in pandas (calls.narrowed); the page asks the queries.
    # Rows in every list, with two doctors, departments and branches, one row without a branch:
    # for each choice of names the two give the same rows.
    engine = engine_for(
        tmp_path,
        services=[
            line("2026-11-30", "E", "Белов", 1000, department="Терапия", branch="Центр"),
            line("2025-06-01", "A", "Белов", 12000, department="Терапия", branch="Центр"),
            line("2025-07-01", "A2", "Ахметова", 9000, department="Терапия", branch="Север"),
            line("2026-04-01", "B", "Ахметова", 5000, department="Гигиена", branch="Север"),
            line("2026-06-10", "R", "Белов", 4000, department="Гигиена"),  # no branch
            line("2026-06-01", "C", "Белов", 3000, department="Терапия", branch="Север"),
            line("2026-03-01", "D", "Ахметова", 0, department="Ортопедия", branch="Центр"),
        ],
        appointments=[appt("C", "2026-11-02 10:00", "no_show", branch="Север")],
        contracts=[{"contract_id": "K1", "signed_at": "2026-03-01", "amount": 50000,
                    "patient_id": "D", "department": "Ортопедия"}],  # fmt: skip
    )
    every = calls.call_lists(engine, ALL)
    assert all(len(frame) for frame in every.values())  # each list has a row to narrow
    choices = [
        {}, {"doctor": ("Белов",)}, {"doctor": ("Ахметова",)}, {"branch": ("Север",)},
        {"branch": ("Центр",)}, {"department": ("Гигиена",)},
        {"doctor": ("Белов",), "branch": ("Север",)}, {"department": ("Терапия", "Гигиена")},
    ]
    for names in choices:
        f = Filters(date(2026, 1, 1), date(2026, 1, 31), **names)
        queried = calls.call_lists(engine, f)
        for name, frame in calls.narrowed(every, f).items():
            assert sorted(frame["patient_id"]) == sorted(queried[name]["patient_id"]), (names, name)
        assert calls.summary_of(calls.narrowed(every, f)) == calls.summary(engine, f), names
