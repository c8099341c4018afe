"""Charts an owner reads in ten seconds (issue 13, items 9–14 and 17's Врачи part), checked on
their Vega-Lite specs without a browser: month axes of one band a month, no "прочие" bar, round
log ticks, distinct cohort colours, readable heatmap text, bars of a fixed height whose values a
reference line never crosses, a fair rating order, the funnel's column names and colours, and
quadrant names that fit a phone."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pytest

from clinic_bi import fmt
from clinic_bi.app import i18n, view
from clinic_bi.present import charts


def _layers(spec: dict) -> list[dict]:
    """The leaf views of a (nested) layer spec, in drawing order."""
    if "layer" not in spec:
        return [spec]
    return [leaf for layer in spec["layer"] for leaf in _layers(layer)]


def _rows(spec: dict, leaf: dict | None = None) -> list[dict]:
    """The rows of a view's dataset (the spec's only dataset when `leaf` is None)."""
    name = (leaf or spec).get("data", {}).get("name") or spec.get("data", {}).get("name")
    if name is None:
        assert len(spec["datasets"]) == 1
        return next(iter(spec["datasets"].values()))
    return spec["datasets"][name]


def _mark(leaf: dict) -> dict:
    mark = leaf["mark"]
    return mark if isinstance(mark, dict) else {"type": mark}


def _monthly(months: list[str]) -> pd.DataFrame:
    n = len(months)
    return pd.DataFrame({
        "month": pd.to_datetime(months), "revenue": [1e6] * n, "visits": [10] * n,
        "avg_check": [1e5] * n, "new_patients": [3] * n, "first_visits": [3] * n,
        "returning_visits": [7] * n, "spend": [1e5] * n, "leads": [40] * n, "cac": [1e4] * n,
    })  # fmt: skip


MONTHLY_CHARTS = {
    "revenue_trend (Обзор)": lambda m, lang: charts.revenue_trend(m, lang),
    "first_vs_returning (Возвращаемость)": lambda m, lang: charts.first_vs_returning(m, lang),
    "spend_vs_new (Маркетинг)": lambda m, lang: charts.spend_vs_new(m, lang),
    "monthly_line (Врачи)": lambda m, lang: charts.monthly_line(m, "revenue", lang, "T"),
}


# -- 9. month axes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(MONTHLY_CHARTS))
def test_a_monthly_chart_has_one_band_a_month_and_none_after_the_last(name: str) -> None:
    """Labels under the bars' middles (a band scale, not a time scale whose ticks sit on the
    months' first days), every month from the first to the last — a month without rows too —
    and no month after the last."""
    monthly = _monthly(["2025-01-01", "2025-02-01", "2025-04-01"])  # March is missing
    spec = MONTHLY_CHARTS[name](monthly, "ru").to_dict()
    xs = [leaf["encoding"]["x"] for leaf in _layers(spec) if "x" in leaf.get("encoding", {})]
    assert xs
    for x in xs:
        assert x["type"] == "ordinal" and x["field"] == "month_text", name
        assert x["scale"]["type"] == "band", name
        assert x["scale"]["domain"] == ["янв 2025", "фев 2025", "мар 2025", "апр 2025"], name
        assert "timeUnit" not in x
    for leaf in _layers(spec):
        rows = _rows(spec, leaf)
        assert {r["month_text"] for r in rows} <= set(xs[0]["scale"]["domain"])


def test_the_coverage_of_the_data_page_has_the_same_month_axis() -> None:
    cov = pd.DataFrame({"table_name": ["services", "services"], "rows": [10, 12],
                        "month": [date(2025, 1, 1), date(2025, 3, 1)]})  # fmt: skip
    x = charts.coverage(cov, "en").to_dict()["encoding"]["x"]
    assert x["type"] == "ordinal" and x["scale"]["domain"] == ["Jan 2025", "Feb 2025", "Mar 2025"]


def _bar_share_of_width(spec: dict) -> float:
    """How much of the plot's width one month's bar takes: Vega's band scale divides the width
    into n − paddingInner + 2 × paddingOuter steps; a band is a step less its inner padding; a
    bar with a relative width takes that share of its band."""
    leaf = next(leaf for leaf in _layers(spec) if _mark(leaf)["type"] == "bar")
    scale = leaf["encoding"]["x"]["scale"] if "x" in leaf["encoding"] else spec["encoding"]["x"]["scale"]
    n, inner, outer = len(scale["domain"]), scale["paddingInner"], scale["paddingOuter"]
    band = (1 - inner) / (n - inner + 2 * outer)
    return band * _mark(leaf).get("width", {"band": 1})["band"]


@pytest.mark.parametrize("name", ["revenue_trend (Обзор)", "first_vs_returning (Возвращаемость)",
                                  "spend_vs_new (Маркетинг)"])  # fmt: skip
def test_a_one_month_period_is_one_narrow_bar_as_wide_as_among_six(name: str) -> None:
    one = MONTHLY_CHARTS[name](_monthly(["2025-05-01"]), "en").to_dict()
    six = MONTHLY_CHARTS[name](_monthly([f"2025-0{m}-01" for m in range(1, 7)]), "en").to_dict()
    twelve = MONTHLY_CHARTS[name](_monthly([f"2025-{m:02d}-01" for m in range(1, 13)]), "en")
    assert _bar_share_of_width(one) == pytest.approx(_bar_share_of_width(six))
    assert _bar_share_of_width(one) < 0.15  # not a bar across the chart
    assert _bar_share_of_width(twelve.to_dict()) == pytest.approx(0.8 / 12)  # equal widths


# -- 10. Услуги ------------------------------------------------------------------------------------

MANY_SERVICES = pd.DataFrame({
    "service": [f"Услуга {i:02d}" for i in range(40)],
    "revenue": [6e6 - 1e5 * i for i in range(40)],
    "quantity": [10.0 + i for i in range(40)],
    "share": [0.02] * 40,
})  # fmt: skip


def test_the_rest_is_a_note_under_the_title_not_a_bar() -> None:
    """15 services drawn; the 25 others (their 102,5 млн ₽ would be a bar 17 times the
    largest) are a line under the title."""
    spec = charts.bars(MANY_SERVICES, "service", "revenue", "ru", "T", extra=["quantity", "share"],
                       sums=["revenue", "quantity", "share"], n=15).to_dict()  # fmt: skip
    rows = _rows(spec)
    assert [r["service"] for r in rows] == [f"Услуга {i:02d}" for i in range(15)]
    assert "прочие" not in {r["service"] for r in rows}
    rest = sum(6e6 - 1e5 * i for i in range(15, 40))
    assert spec["title"]["subtitle"] == [
        f"Не вошли в график: ещё 25, вместе {fmt.money(rest)} ({fmt.percent(0.5)})."
    ]


def _legends(spec: dict) -> list[dict]:
    return [leaf["encoding"]["color"]["legend"] for leaf in _layers(spec)
            if "legend" in leaf.get("encoding", {}).get("color", {})]  # fmt: skip


SERVICES = pd.DataFrame({
    # bottom right (quantity >= the median 150, revenue per hour < the median 6 000):
    # Чистка (hours 300 000 / 2 000 = 150), Осмотр (400 000 / 1 000 = 400), Снимок (hours 40)
    "service": ["Имплант", "Коронка", "Пломба", "Чистка", "Осмотр", "Снимок", "Отбеливание"],
    "quantity": [10.0, 20.0, 150.0, 300.0, 800.0, 400.0, 5.0],
    "revenue": [600_000.0, 500_000.0, 400_000.0, 300_000.0, 400_000.0, 40_000.0, 50_000.0],
    "revenue_per_hour": [30_000.0, 20_000.0, 6_000.0, 2_000.0, 1_000.0, 1_000.0, 40_000.0],
    "share": [0.26, 0.22, 0.17, 0.13, 0.17, 0.02, 0.02],
    "abc": ["A", "A", "B", "B", "B", "C", "C"],
    "avg_price": [60_000.0, 25_000.0, 2_667.0, 1_000.0, 500.0, 100.0, 10_000.0],
})  # fmt: skip


def test_the_abc_legends_stand_off_the_plot() -> None:
    """Not inside a corner of the plot ("top-right" sat on the Pareto curve)."""
    for chart in (charts.pareto(SERVICES, "ru"), charts.volume_vs_hour(SERVICES, "ru")):
        legends = _legends(chart.to_dict())
        assert legends and all(legend["orient"] in {"top", "bottom"} for legend in legends)


def _is_1_2_5(value: float) -> bool:
    mantissa = value / 10 ** math.floor(math.log10(value) + 1e-9)
    return round(mantissa, 9) in {1.0, 2.0, 5.0}


def test_the_log_axes_tick_round_1_2_5_numbers() -> None:
    spec = charts.volume_vs_hour(SERVICES, "ru").to_dict()
    points = next(leaf for leaf in _layers(spec) if _mark(leaf)["type"] == "circle")
    for channel in ("x", "y"):
        encoding = points["encoding"][channel]
        ticks, domain = encoding["axis"]["values"], encoding["scale"]["domain"]
        assert encoding["scale"]["type"] == "log"
        assert len(ticks) >= 3 and all(_is_1_2_5(v) for v in ticks), ticks
        assert ticks[0] == domain[0] and ticks[-1] == domain[1]  # the axis ends on a tick
    # quantities 5 … 800 and 1 000 … 40 000 ₽ an hour
    assert points["encoding"]["x"]["axis"]["values"] == [5, 10, 50, 100, 500, 1000]
    assert points["encoding"]["y"]["axis"]["values"] == [1000, 5000, 10_000, 50_000]
    assert charts.round_log_ticks(1.2, 6.9) == ([1, 10], [1, 2, 5, 10])
    assert charts.round_log_ticks(1, 6000)[1] == [1, 10, 100, 1000, 10_000]


def test_the_services_that_take_the_most_hours_for_little_are_numbered_and_named() -> None:
    """Bottom right of the medians (quantity 150, revenue per hour 6 000 ₽): Осмотр (400
    hours), Чистка (150), Снимок (40) — numbered on the chart, named under the title."""
    spec = charts.volume_vs_hour(SERVICES, "ru").to_dict()
    assert spec["title"]["subtitle"][-3:] == ["1 — Осмотр", "2 — Чистка", "3 — Снимок"]
    numbers = {r["service"]: r["number_text"] for leaf in _layers(spec)
               if _mark(leaf)["type"] == "text" and _mark(leaf)["color"] == "#222"
               for r in _rows(spec, leaf)}  # fmt: skip
    assert numbers == {"Осмотр": "1", "Чистка": "2", "Снимок": "3"}


# -- 11. Возвращаемость ----------------------------------------------------------------------------


def test_each_cohort_line_has_its_own_colour_and_a_named_legend() -> None:
    months = pd.date_range("2025-01-01", periods=11, freq="MS")
    ltv = pd.DataFrame({"cohort_month": [m.date() for m in months for _ in range(2)],
                        "patients": [10] * 22, "month_offset": [0, 1] * 11,
                        "revenue_per_patient": [5000.0, 7000.0] * 11})  # fmt: skip
    color = charts.ltv_curves(ltv, "ru").to_dict()["encoding"]["color"]
    assert color["type"] == "nominal"  # a symbol legend of names, not a gradient
    assert "scheme" not in color["scale"]
    assert color["scale"]["domain"] == [fmt.month(m.date()) for m in months]
    colours = color["scale"]["range"]
    assert len(colours) == 11 and len(set(colours)) == 11


def test_heatmap_text_is_white_on_the_darker_half_of_its_scale() -> None:
    """The retention scale runs from 0 to the largest share (25 % here): a 20 % cell is dark,
    so its text is white; a 5 % cell is light, its text dark."""
    cohorts = pd.DataFrame({"cohort_month": [date(2025, 1, 1)] * 3, "patients": [10] * 3,
                            "month_offset": [1, 2, 3], "retention": [0.25, 0.20, 0.05]})  # fmt: skip
    spec = charts.retention_heatmap(cohorts, "ru").to_dict()
    rect, text = _layers(spec)
    assert rect["encoding"]["color"]["scale"]["domain"] == [0, 0.25]
    condition = text["encoding"]["color"]["condition"]
    threshold = float(re.fullmatch(r"datum\.retention > ([\d.e-]+)", condition["test"])[1])
    assert condition["value"] == "white" and text["encoding"]["color"]["value"] == "#222"
    assert 0.05 < threshold < 0.20  # 20 %: white text, 5 %: dark text


# -- 12. Направления, Врачи: bars ------------------------------------------------------------------

DEPARTMENTS = pd.DataFrame({
    "department": ["Ортодонтия", "Ортопедия", "Терапия", "Гигиена"],
    "patients": [164, 426, 1168, 735],
    "revenue": [8.8e6, 13.3e6, 15.6e6, 8.5e6],
    "share": [0.19, 0.29, 0.34, 0.18],
    "return_rate": [0.618, 0.552, 0.298, 0.188],
})  # fmt: skip


def test_bars_keep_their_step_whatever_the_title_notes_and_axes_take() -> None:
    """The height is the plot's (autosize fit-x), BAR_STEP a bar: a reference note and a
    subtitle add to the chart, they do not squash the bars."""
    plain = charts.bars(DEPARTMENTS, "department", "return_rate", "ru", "T").to_dict()
    noted = charts.bars(DEPARTMENTS, "department", "return_rate", "ru", "T", reference=0.542,
                        reference_text="клиника: 54,2 %", subtitle="a note").to_dict()  # fmt: skip
    for spec in (plain, noted):
        assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
        assert spec["height"] == charts.BAR_STEP * 4


def test_the_clinic_note_is_written_towards_the_middle_never_off_the_edge() -> None:
    def note(reference: float) -> dict:
        spec = charts.bars(DEPARTMENTS, "department", "return_rate", "ru", "T",
                           reference=reference, reference_text="клиника").to_dict()  # fmt: skip
        return next(_mark(leaf) for leaf in _layers(spec) if _mark(leaf).get("fontWeight") == "bold")

    assert note(0.6)["align"] == "right" and note(0.6)["dx"] < 0  # near the right edge
    assert note(0.1)["align"] == "left" and note(0.1)["dx"] > 0


def test_the_values_are_drawn_over_the_reference_line_with_a_white_outline() -> None:
    spec = charts.bars(DEPARTMENTS, "department", "return_rate", "ru", "T", reference=0.542,
                       reference_text="клиника: 54,2 %").to_dict()  # fmt: skip
    kinds = [(_mark(leaf)["type"], _mark(leaf).get("stroke"), leaf["encoding"].get("text"))
             for leaf in _layers(spec)]  # fmt: skip
    rule = next(i for i, k in enumerate(kinds) if k[0] == "rule")
    halo = next(i for i, k in enumerate(kinds) if k[0] == "text" and k[1] == "white")
    value = next(i for i, k in enumerate(kinds) if k[0] == "text" and k[1] is None
                 and k[2] == kinds[halo][2])  # fmt: skip
    assert rule < halo < value
    assert _mark(_layers(spec)[halo])["strokeWidth"] >= 3


def test_a_share_axis_has_room_for_the_values_but_no_tick_past_100_percent() -> None:
    frame = DEPARTMENTS.assign(return_rate=[0.949, 0.6, 0.3, 0.1])
    spec = charts.bars(frame, "department", "return_rate", "ru", "T").to_dict()
    x = _layers(spec)[0]["encoding"]["x"]
    assert x["scale"]["domain"][1] > 1.2 and max(x["axis"]["values"]) == 1.0


def test_traffic_and_money_are_one_chart_as_wide_as_the_page() -> None:
    """Not two 400-px panels side by side (past a phone's edge): one layered chart the width
    of its container, two bars a department on two axes."""
    spec = charts.traffic_vs_money(DEPARTMENTS, "ru").to_dict()
    assert "hconcat" not in spec and spec["width"] == "container"
    assert spec["autosize"]["type"] == "fit-x"
    assert spec["resolve"] == {"scale": {"x": "independent"}}
    bars = [leaf for leaf in _layers(spec) if _mark(leaf)["type"] == "bar"]
    assert [b["encoding"]["x"]["axis"]["orient"] for b in bars] == ["top", "bottom"]


# -- 13. Качество ----------------------------------------------------------------------------------

QUALITY = pd.DataFrame({
    "doctor": ["Акимова", "Белов", "Васина", "Громов", "Дёмина", "Ершов"],
    "reviews": [3, 12, 40, 9, 10, 0],
    "avg_rating": [5.0, 4.8, 4.6, 4.9, 4.6, None],
    "negative_share": [0.0, 0.083, 0.15, 0.0, 0.2, None],
    "timed_appointments": [100, 200, 300, 50, 80, 120],
    "avg_wait_min": [6.9, 6.2, 6.5, 6.6, 6.4, 6.3],
})  # fmt: skip


def test_ratings_rank_only_the_doctors_with_enough_reviews() -> None:
    """From 10 reviews a doctor is ranked by rating (a tie: more reviews first): Белов 4,8
    (12), Васина 4,6 (40), Дёмина 4,6 (10); then, grey, those with fewer, by rating: Акимова
    5,0 (3), Громов 4,9 (9). Ершов has no review: no bar."""
    assert charts.MIN_REVIEWS == 10
    order = list(charts.ranked_by_reviews(QUALITY, "avg_rating")["doctor"])
    assert order == ["Белов", "Васина", "Дёмина", "Акимова", "Громов"]
    spec = charts.review_bars(QUALITY, "avg_rating", "ru", "T").to_dict()
    bar = _layers(spec)[0]
    assert bar["encoding"]["y"]["sort"] == order
    rows = {r["doctor"]: r for r in _rows(spec)}
    assert [rows[d]["few"] for d in order] == [False, False, False, True, True]
    assert rows["Акимова"]["bar_text"] == "5,0 (3)" and rows["Белов"]["bar_text"] == "4,8 (12)"
    assert bar["encoding"]["color"]["condition"]["test"] == "datum['few']"
    assert "10" in " ".join(spec["title"]["subtitle"])
    # the negative share the same way: worst first among the ranked; Громов and Акимова both
    # 0 %: more reviews first
    assert list(charts.ranked_by_reviews(QUALITY, "negative_share")["doctor"]) == [
        "Дёмина", "Васина", "Белов", "Громов", "Акимова"]  # fmt: skip


def test_waiting_times_are_drawn_as_minutes_more_or_less_than_the_clinic() -> None:
    """Waits of 6,2–6,9 min against the clinic's 6,5: bars from a zero line (the clinic), so the
    clinic's line crosses no label; each bar still says its minutes."""
    spec = charts.wait_bars(QUALITY, 6.5, "ru", "T").to_dict()
    bar = _layers(spec)[0]
    assert bar["encoding"]["x"]["field"] == "difference"
    low, high = bar["encoding"]["x"]["scale"]["domain"]
    assert low == pytest.approx(-high) and high > 0.4
    rows = {r["doctor"]: r for r in _rows(spec, bar)}
    assert rows["Акимова"]["difference"] == pytest.approx(0.4)
    assert rows["Акимова"]["worse"] and not rows["Белов"]["worse"]  # a longer wait is worse
    assert rows["Акимова"]["avg_wait_min_text"] == "6,9 мин"
    assert not [leaf for leaf in _layers(spec) if _mark(leaf).get("strokeDash")]
    assert "6,5 мин" in " ".join(spec["title"]["subtitle"])


# -- 14. Воронка -----------------------------------------------------------------------------------

FUNNEL = pd.DataFrame({
    "channel": ["Сайт", "Реклама", "Рекомендация"], "leads": [100, 80, 20],
    "booked": [50, 40, 15], "visited": [45, 30, 14], "contracted": [5, 1, 2],
    "booking_rate": [0.5, 0.5, 0.75], "show_rate": [0.9, 0.75, 0.93],
    "contract_rate": [0.11, 0.033, 0.143], "overall_rate": [0.05, 0.0125, 0.1],
})  # fmt: skip
RATES = ["booking_rate", "show_rate", "contract_rate", "overall_rate"]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_funnel_heatmap_names_its_columns_as_the_table_does(lang: str) -> None:
    rows = _rows(charts.rates_heatmap(FUNNEL, "channel", lang, "T").to_dict())
    headers = list(dict.fromkeys(r["rate_label"] for r in rows))
    config = view.column_config(["channel", *RATES], lang)
    table = [config[i18n.label(r, lang)]["label"] if i18n.label(r, lang) in config
             else i18n.label(r, lang) for r in RATES]  # fmt: skip
    assert headers == table
    if lang == "ru":
        assert "→ визит" not in headers and "Доходимость" in headers


def test_each_funnel_column_is_coloured_on_its_own_scale() -> None:
    """A contract rate's best (14,3 %) as dark as a show rate's best (93 %)."""
    spec = charts.rates_heatmap(FUNNEL, "channel", "ru", "T").to_dict()
    rect, text = _layers(spec)
    assert rect["encoding"]["color"]["field"] == "relative"
    rows = _rows(spec)
    for rate in RATES:
        cells = [r for r in rows if r["rate"] == rate]
        best = max(cells, key=lambda r: r["value"])
        assert best["relative"] == 1.0, rate
    assert "datum.relative" in text["encoding"]["color"]["condition"]["test"]


# -- 17. Врачи on a phone --------------------------------------------------------------------------

DOCTORS = pd.DataFrame({
    "doctor": ["Иванова А. С.", "Петров Д. В.", "Сидоров К. Л."],
    "visits": [120, 300, 80], "avg_check": [10_000.0, 3_000.0, 25_000.0],
    "revenue": [1_200_000.0, 900_000.0, 2_000_000.0], "return_rate": [0.8, 0.2, None],
})  # fmt: skip
PHONE_PLOT_PX = 280  # the scatter's plot on a 390-px screen


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_two_quadrant_names_fit_side_by_side_on_a_phone(lang: str) -> None:
    """Each quadrant name on two lines: the two names of a row (left and right corner) are
    narrower together than a phone's plot (12-px italic: ~6.8 px a character)."""
    spec = charts.load_vs_check(DOCTORS, 8000.0, lang).to_dict()
    names = {}
    for leaf in _layers(spec):
        mark = _mark(leaf)
        if mark.get("fontStyle") == "italic":
            (row,) = _rows(spec, leaf)
            assert mark["lineBreak"] == "\n"
            names[(mark["baseline"], mark["align"])] = row["text"].split("\n")
    assert len(names) == 4
    for baseline in ("top", "bottom"):
        widths = [6.8 * max(len(line) for line in names[(baseline, side)])
                  for side in ("left", "right")]  # fmt: skip
        assert sum(widths) + 20 < PHONE_PLOT_PX, names
