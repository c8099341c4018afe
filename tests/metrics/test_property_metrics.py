"""Properties of the metrics that hold for any data: parts add up to the whole, every rate lies in
[0, 1], funnel steps never increase, first + returning visits = visits."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from metrics_fixtures import make_store

from clinic_bi.metrics import Engine, Filters
from clinic_bi.present.report import build_report

START = dt.date(2024, 1, 1)
DOCTORS = ["A", "B", "C"]
DEPTS = ["Терапия", "Ортопедия", None]
CHANNELS = ["Сайт", "Директ", None]
STAGES = ["new", "booked", "visited", "contracted", "lost", None]
STATUSES = ["attended", "no_show", "cancelled", "planned"]

day = st.integers(0, 700).map(lambda d: START + dt.timedelta(days=d))
patient = st.integers(1, 12).map(lambda i: f"P{i}")

service_line = st.fixed_dictionaries({
    "visit_date": day,
    "patient_id": patient,
    "doctor": st.sampled_from(DOCTORS),
    "department": st.sampled_from(DEPTS),
    "service": st.sampled_from(["S1", "S2", "S3"]),
    "amount": st.integers(-2000, 50000),
    "branch": st.sampled_from(["Центр", "Север"]),
    "duration_min": st.sampled_from([None, 30, 60]),
})
lead = st.fixed_dictionaries({
    "created_at": day.map(lambda d: dt.datetime.combine(d, dt.time(10))),
    "channel": st.sampled_from(CHANNELS),
    "operator": st.sampled_from(["Оля", "Петя"]),
    "stage": st.sampled_from(STAGES),
    "patient_id": st.one_of(st.none(), patient),
})
appointment = st.fixed_dictionaries({
    "scheduled_at": day.map(lambda d: dt.datetime.combine(d, dt.time(9))),
    "status": st.sampled_from(STATUSES),
    "patient_id": patient,
    "doctor": st.sampled_from(DOCTORS),
})

dataset = st.fixed_dictionaries({
    "services": st.lists(service_line, min_size=1, max_size=40),
    "leads": st.lists(lead, max_size=15),
    "appointments": st.lists(appointment, max_size=15),
    "first_visit_dates": st.dictionaries(patient, day, max_size=3),
})
period = st.tuples(st.integers(0, 700), st.integers(0, 400)).map(
    lambda t: (START + dt.timedelta(days=t[0]), START + dt.timedelta(days=t[0] + t[1])))


def _rates(node, path="report"):
    """Every ratio in the report: keys ending in _rate or _share, and `share`."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k.endswith(("_rate", "_share")) or k == "share":
                yield f"{path}.{k}", v
            else:
                yield from _rates(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _rates(v, f"{path}[{i}]")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=dataset, span=period, doctor=st.sampled_from([None, "A"]))
def test_metric_invariants(data, span, doctor):
    with tempfile.TemporaryDirectory() as tmp:
        leads = [{**row, "lead_id": f"L{i}"} for i, row in enumerate(data["leads"])]
        appointments = [{**row, "appointment_id": f"A{i}"}
                        for i, row in enumerate(data["appointments"])]
        patients = [{"patient_id": p, "first_visit_date": d}
                    for p, d in data["first_visit_dates"].items()]
        path = make_store(Path(tmp), services=data["services"], leads=leads,
                          appointments=appointments, patients=patients)
        engine = Engine(path)
        try:
            f = Filters(date_from=span[0], date_to=span[1], doctor=doctor)
            report = build_report(engine, f)
        finally:
            engine.close()

    summary = report["summary"]
    # first + returning visits = visits
    assert summary["first_visits"] + summary["returning_visits"] == summary["visits"]
    # doctors' and departments' revenues add up to the total (departments include "none")
    for part in ("doctors", "departments"):
        total = sum(row["revenue"] for row in report[part])
        assert math.isclose(total, summary["revenue"], abs_tol=0.005), part
    assert math.isclose(sum(r["revenue"] for r in report["services"]), summary["revenue"],
                        abs_tol=0.005)
    assert math.isclose(sum(r["revenue"] for r in report["monthly"]), summary["revenue"],
                        abs_tol=0.005)
    # the return cohort and the not-yet-observable make up the new patients
    assert summary["return_cohort"] + summary["not_yet_observable"] == summary["new_patients"]
    # every rate lies in [0, 1] (or is null); shares may be negative only with refunds
    for where, value in _rates(report):
        if value is None:
            continue
        if where.endswith(".share"):
            continue
        assert 0.0 <= value <= 1.0, (where, value)
    # funnel steps never increase
    funnel = report["funnel"]
    if funnel is not None:
        for row in [funnel, *funnel["by_channel"], *funnel["by_operator"]]:
            assert row["leads"] >= row["booked"] >= row["visited"] >= row["contracted"], row
        assert sum(r["leads"] for r in funnel["by_channel"]) == funnel["leads"]
        assert sum(r["leads"] for r in funnel["by_operator"]) == funnel["leads"]
    shows = report["appointments"]
    if shows is not None and shows["show_up_rate"] is not None:
        assert shows["attended"] + shows["no_show"] > 0
