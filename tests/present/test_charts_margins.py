"""Рентабельность's charts (clinic_bi/present/charts/margins.py): the quadrants are cut at the
medians and named, a negative margin per hour moves y to symlog, and the specs validate."""

from __future__ import annotations

import pandas as pd

from clinic_bi.present import charts

SERVICES = pd.DataFrame({
    "service": ["A", "B", "C", "D"],
    "revenue_per_hour": [2000.0, 4000.0, 20000.0, 30000.0],
    "margin_per_hour": [500.0, 9000.0, 1000.0, 15000.0],
    "revenue": [100.0, 200.0, 300.0, 400.0],
    "margin_share": [0.2, 0.5, 0.1, 0.5],
})  # fmt: skip


def test_the_quadrant_of_a_service() -> None:
    # medians 12 000 and 5 000: A both below, B cheap but profitable, C pricey, D a star
    keys = [charts.quadrant(x, y, 12000, 5000)
            for x, y in zip(SERVICES["revenue_per_hour"], SERVICES["margin_per_hour"], strict=True)]
    assert keys == ["low_low", "low_high", "high_low", "high_high"]
    assert charts.quadrant(12000, 5000, 12000, 5000) == "high_high"  # at the median: high


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_the_scatter_names_its_quadrants_and_colours_the_bad_one() -> None:
    spec = charts.margin_scatter(SERVICES, "ru").to_dict()  # validates
    texts = {v["text"] for layer in _layers(spec) if layer["mark"]["type"] == "text"
             for v in spec["datasets"][layer["data"]["name"]]}  # fmt: skip
    assert texts == {"много времени,\nмало денег", "звёзды", "дорого,\nно мало маржи",
                     "дёшево,\nно выгодно"}  # fmt: skip
    points = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "circle")
    rows = spec["datasets"][points["data"]["name"]]
    assert [r["quadrant"] for r in rows] == ["много времени, мало денег", "дёшево, но выгодно",
                                             "дорого, но мало маржи", "звёзды"]  # fmt: skip
    assert points["encoding"]["y"]["scale"]["type"] == "log"
    assert "12\xa0000\xa0₽ выручки" in " ".join(spec["title"]["subtitle"])  # the x median


def test_a_negative_margin_per_hour_puts_y_on_symlog() -> None:
    services = SERVICES.assign(margin_per_hour=[-500.0, 9000.0, 1000.0, 15000.0])
    spec = charts.margin_scatter(services, "en").to_dict()
    points = next(layer for layer in _layers(spec) if layer["mark"]["type"] == "circle")
    assert points["encoding"]["y"]["scale"]["type"] == "symlog"
    assert 0.0 in points["encoding"]["y"]["axis"]["values"]


def test_the_doctors_bars_leave_out_the_unknown() -> None:
    doctors = pd.DataFrame({"doctor": ["Иванов", "Петров", None],
                            "margin_per_hour": [3000.0, None, 1000.0],
                            "margin": [6000.0, None, 500.0], "hours": [2.0, 0.0, 0.5]})  # fmt: skip
    spec = charts.doctor_margin_bars(doctors, 2000.0, "ru").to_dict()
    bar = spec["layer"][0]
    rows = spec["datasets"][bar["data"]["name"]]
    assert [r["doctor"] for r in rows][0] == "Иванов"
    assert "Петров" not in [r["doctor"] for r in rows]
    assert rows[0]["margin_per_hour_text"] == "3 000 ₽"
