"""METRICS.md "Quality of service": avg_rating, reviews, negative_share (<= 3 of 5, <= 6 of 10),
avg_wait_min (max(0, started - scheduled) over attended appointments, else wait_min)."""

from __future__ import annotations

import pandas as pd
import pytest
from metrics_fixtures import engine_for, period

from clinic_bi.metrics import Engine

JANUARY = period("2025-01-01", "2025-01-31")


def review(day: str, doctor: str, rating: float, scale: int = 5) -> dict[str, object]:
    return {"date": day, "doctor": doctor, "rating": rating, "rating_scale": scale}


def visit(appointment_id: str, doctor: str, scheduled: str, **more: object) -> dict[str, object]:
    return {
        "appointment_id": appointment_id,
        "doctor": doctor,
        "scheduled_at": scheduled,
        "status": more.pop("status", "attended"),
        **more,
    }


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    ter, ort = {"department": "Терапия"}, {"department": "Ортопедия"}
    return engine_for(
        tmp_path_factory.mktemp("quality"),
        reviews=[
            review("2025-01-05", "A", 5),  # 5 of 5
            review("2025-01-06", "A", 3),  # 3 of 5: negative
            review("2025-01-07", "B", 7, 10),  # 7 of 10 = 3.5 of 5: not negative
            review("2025-01-08", "B", 6, 10),  # 6 of 10 = 3.0 of 5: negative
            review("2025-02-01", "A", 1),  # outside January
        ],
        appointments=[
            visit("W1", "A", "2025-01-10 09:00", started_at="2025-01-10 09:12", **ter),  # 12
            visit("W2", "A", "2025-01-10 10:00", started_at="2025-01-10 09:55", **ter),  # early: 0
            visit("W3", "B", "2025-01-11 10:00", wait_min=7, **ort),  # the export's own 7
            visit("W4", "B", "2025-01-11 11:00", **ort),  # no times: not counted
            visit("W5", "B", "2025-01-12 10:00", status="no_show", wait_min=30, **ort),
            visit("W6", "A", "2025-02-01 09:00", started_at="2025-02-01 10:00", **ter),  # Feb
            # both times and a wait_min: the times win -> 20
            visit("W7", "B", "2025-01-13 11:00", started_at="2025-01-13 11:20", wait_min=99,
                  **ort),
        ],
    )  # fmt: skip


def test_ratings_and_negative_share(engine: Engine) -> None:
    q = engine.quality(JANUARY).total
    assert q.reviews == 4
    # on the 5-point scale: (5 + 3 + 3.5 + 3) / 4 = 3.625
    assert q.avg_rating == pytest.approx(3.625)
    assert q.negative_share == 0.5  # the 3 of 5 and the 6 of 10
    doctors = engine.quality(JANUARY).by_doctor.set_index("doctor")
    assert doctors.loc["A", ["reviews", "avg_rating", "negative_share"]].tolist() == [2, 4.0, 0.5]
    assert doctors.loc["B", "avg_rating"] == pytest.approx(3.25)  # (3.5 + 3) / 2
    assert doctors.loc["B", "negative_share"] == 0.5


def test_waiting_time(engine: Engine) -> None:
    q = engine.quality(JANUARY).total
    # W1 12, W2 0 (taken in early), W3 7 (wait_min), W7 20 (times win over wait_min 99)
    assert q.timed_appointments == 4
    assert q.avg_wait_min == pytest.approx((12 + 0 + 7 + 20) / 4)
    doctors = engine.quality(JANUARY).by_doctor.set_index("doctor")
    assert doctors.loc["A", "avg_wait_min"] == 6.0  # (12 + 0) / 2
    assert doctors.loc["B", "avg_wait_min"] == 13.5  # (7 + 20) / 2


def test_filters(engine: Engine) -> None:
    a = engine.quality(period("2025-01-01", "2025-01-31", doctor="A")).total
    assert (a.reviews, a.avg_rating, a.avg_wait_min) == (2, 4.0, 6.0)
    # department narrows the waits (appointments have one), not the reviews (they do not)
    ter = engine.quality(period("2025-01-01", "2025-01-31", department="Терапия")).total
    assert (ter.reviews, ter.avg_wait_min) == (4, 6.0)


def test_a_period_without_reviews_or_waits(engine: Engine) -> None:
    q = engine.quality(period("2025-03-01", "2025-03-31"))
    assert (q.total.reviews, q.total.avg_rating, q.total.negative_share) == (0, None, None)
    assert q.total.avg_wait_min is None
    assert q.by_doctor.empty
    assert pd.isna(engine.quality(JANUARY).by_doctor["avg_rating"]).sum() == 0
