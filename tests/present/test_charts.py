"""Chart functions (no browser): each returns a titled Altair chart with axes named in the chosen
language; and the pure helpers of the UI: presets, URL state, labels, changes, downloads."""

from __future__ import annotations

import io
import json
from datetime import date

import altair as alt
import numpy as np
import pandas as pd
import pytest

from clinic_bi import fmt
from clinic_bi.app import downloads, i18n, state, view
from clinic_bi.app.extra import visits_per_patient
from clinic_bi.present import charts

MONTHS = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"])
DOCTORS = pd.DataFrame(
    {
        "doctor": ["Иванова А. С.", "Петров Д. В.", "Сидоров К. Л."],
        "visits": [120, 300, 80],
        "patients": [60, 250, 40],
        "new_patients": [10, 200, 5],
        "revenue": [1_200_000.0, 900_000.0, 2_000_000.0],
        "share": [0.29, 0.22, 0.49],
        "avg_check": [10_000.0, 3_000.0, 25_000.0],
        "return_rate": [0.8, 0.2, None],
        "return_cohort": [10, 100, 0],
        "returned": [8, 20, 0],
        "ltv": [20_000.0, 4_000.0, None],
    }
)
SERVICES = pd.DataFrame(
    {
        "service": ["Имплант", "Пломба", "Чистка", "Снимок"],
        "quantity": [10.0, 200.0, 150.0, 400.0],
        "revenue": [600_000.0, 400_000.0, 150_000.0, 40_000.0],
        "share": [0.504, 0.336, 0.126, 0.034],
        "abc": ["A", "B", "C", "C"],
        "avg_price": [60_000.0, 2_000.0, 1_000.0, 100.0],
        "patients": [10, 150, 140, 390],
        "revenue_per_hour": [30_000.0, 8_000.0, None, 1_200.0],
    }
)


def _cases(lang: str) -> dict[str, alt.TopLevelMixin]:
    monthly = pd.DataFrame({"month": MONTHS, "revenue": [1e6, 2e6, 1.5e6], "visits": [10, 20, 15],
                            "avg_check": [1e5, 1e5, 1e5], "new_patients": [3, 4, 5],
                            "first_visits": [3, 4, 5], "returning_visits": [7, 16, 10]})  # fmt: skip
    cohorts = pd.DataFrame({"cohort_month": [date(2025, 1, 1)] * 2 + [date(2025, 2, 1)],
                            "patients": [10, 10, 8], "month_offset": [1, 2, 1],
                            "retention": [0.3, 0.2, 0.25]})  # fmt: skip
    ltv = pd.DataFrame({"cohort_month": [date(2025, 1, 1)] * 2, "patients": [10, 10],
                        "month_offset": [0, 1], "revenue_per_patient": [5000.0, 7000.0]})  # fmt: skip
    funnel = pd.DataFrame({"channel": ["Сайт", "unknown"], "leads": [100, 20], "booked": [50, 5],
                           "visited": [40, 4], "contracted": [4, 0], "booking_rate": [0.5, 0.25],
                           "show_rate": [0.8, 0.8], "contract_rate": [0.1, 0.0],
                           "overall_rate": [0.04, 0.0]})  # fmt: skip
    weekday = pd.DataFrame({"weekday": [1, 2], "attended": [90, 80], "no_show": [10, 20],
                            "show_up_rate": [0.9, 0.8]})  # fmt: skip
    spend = pd.DataFrame({"month": [date(2025, 1, 1), date(2025, 2, 1)],
                          "spend": [100_000.0, 150_000.0], "new_patients": [10, 12],
                          "leads": [40, 50], "cac": [10_000.0, 12_500.0]})  # fmt: skip
    coverage = pd.DataFrame({"table_name": ["services", "services", "leads"],
                             "month": [date(2025, 1, 1), date(2025, 3, 1), date(2025, 1, 1)],
                             "rows": [10, 12, 5]})  # fmt: skip
    departments = DOCTORS.rename(columns={"doctor": "department"})
    return {
        "bars": charts.bars(DOCTORS, "doctor", "revenue", lang, "T", extra=["share"],
                            reference=1e6, reference_text="ref"),  # fmt: skip
        "revenue_trend": charts.revenue_trend(monthly, lang),
        "load_vs_check": charts.load_vs_check(DOCTORS, 8000.0, lang),
        "monthly_line": charts.monthly_line(monthly, "revenue", lang, "T"),
        "traffic_vs_money": charts.traffic_vs_money(departments, lang),
        "pareto": charts.pareto(SERVICES, lang),
        "volume_vs_hour": charts.volume_vs_hour(SERVICES, lang),
        "first_vs_returning": charts.first_vs_returning(monthly, lang),
        "retention_heatmap": charts.retention_heatmap(cohorts, lang),
        "ltv_curves": charts.ltv_curves(ltv, lang),
        "funnel_steps": charts.funnel_steps({"leads": 100, "booked": 50, "visited": 40,
                                             "contracted": 4}, lang),  # fmt: skip
        "rates_heatmap": charts.rates_heatmap(funnel, "channel", lang, "T"),
        "no_shows_weekday": charts.no_shows(weekday, "weekday", lang, "T"),
        "spend_vs_new": charts.spend_vs_new(spend, lang),
        "coverage": charts.coverage(coverage, lang),
    }


def _walk(node, key: str):
    """Every value stored under `key` anywhere in a spec."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from _walk(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)


RAW_NAMES = {"avg_check", "revenue", "visits", "return_rate", "month", "quantity", "share",
             "revenue_per_hour", "spend", "new_patients", "month_offset", "retention"}  # fmt: skip


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_chart_has_a_title_and_named_axes(lang: str) -> None:
    for name, chart in _cases(lang).items():
        spec = chart.to_dict()
        titles = [t["text"] if isinstance(t, dict) else t for t in _walk(spec, "title")]
        assert spec.get("title"), name
        assert not RAW_NAMES.intersection(str(t) for t in titles), (name, titles)
        if lang == "ru":
            english = {i18n.label(c, "en") for c in RAW_NAMES} - {"LTV"}
            assert not english.intersection(str(t) for t in titles), (name, titles)


def test_money_and_ratio_axes_read_like_fmt() -> None:
    spec = charts.bars(DOCTORS, "doctor", "revenue", "ru", "T").to_dict()
    exprs = list(_walk(spec, "labelExpr"))
    assert any("млн ₽" in e for e in exprs)
    spec = charts.bars(DOCTORS, "doctor", "return_rate", "ru", "T").to_dict()
    assert any("' %'" in e for e in _walk(spec, "labelExpr"))
    # the bar labels are fmt.py's own text
    values = spec["datasets"]
    texts = {row.get("return_rate_text") for rows in values.values() for row in rows}
    assert fmt.percent(0.8) in texts and fmt.percent(0.2) in texts


def test_bars_keep_the_top_n_and_fold_the_rest_into_others() -> None:
    frame = pd.DataFrame({"doctor": [f"Врач {i}" for i in range(15)],
                          "revenue": [float(100 - i) for i in range(15)]})  # fmt: skip
    folded = charts.top_n(frame, "doctor", "revenue", "ru", n=10, sums=["revenue"])
    assert list(folded["doctor"][:10]) == [f"Врач {i}" for i in range(10)]
    assert folded["doctor"].iloc[-1] == "прочие"
    assert folded["revenue"].iloc[-1] == sum(100 - i for i in range(10, 15))
    # the chart draws the ten, and writes the rest under its title: a "прочие" bar would dwarf
    # every real one (tests/present/test_charts_readable.py)
    spec = charts.bars(frame, "doctor", "revenue", "ru", "T", sums=["revenue"]).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 10 and "прочие" not in {r["doctor"] for r in rows}
    assert spec["title"]["subtitle"] == [f"Не вошли в график: ещё 5, вместе {fmt.money(sum(range(86, 91)))}."]
    # a ratio cannot be summed: without `sums` the rest is only counted
    spec = charts.bars(frame, "doctor", "revenue", "ru", "T").to_dict()
    assert len(next(iter(spec["datasets"].values()))) == 10
    assert spec["title"]["subtitle"] == ["Не вошли в график: ещё 5."]


def test_coverage_marks_a_missing_month_between_the_first_and_the_last() -> None:
    cov = pd.DataFrame({"table_name": ["services", "services"], "rows": [10, 12],
                        "month": [date(2025, 1, 1), date(2025, 3, 1)]})  # fmt: skip
    rows = next(iter(charts.coverage(cov, "ru").to_dict()["datasets"].values()))
    assert [(r["month_text"], r["status"]) for r in rows] == [
        ("янв 2025", "есть"), ("фев 2025", "пропуск"), ("мар 2025", "есть")]


def test_a_missing_channel_or_department_gets_a_word() -> None:
    frame = pd.DataFrame({"channel": ["unknown", None], "cac": [1.0, 2.0]})
    named = charts.named(frame, "channel", "ru")
    assert list(named["channel"]) == ["не указан", "без указания"]


def test_period_presets() -> None:
    end = date(2025, 11, 20)
    assert state.preset_range("this_month", end) == (date(2025, 11, 1), end)
    assert state.preset_range("last_month", end) == (date(2025, 10, 1), date(2025, 10, 31))
    assert state.preset_range("this_quarter", end) == (date(2025, 10, 1), end)
    assert state.preset_range("this_year", end) == (date(2025, 1, 1), end)
    assert state.preset_range("last_12m", end) == (date(2024, 12, 1), end)
    assert state.preset_range("last_month", date(2025, 1, 5)) == (date(2024, 12, 1),
                                                                   date(2024, 12, 31))


def test_url_state_round_trip_and_bad_values() -> None:
    query = {"period": ["custom"], "from": ["2025-01-01"], "to": ["2025-06-30"],
             "doctor": ["А", "Б"], "lang": ["en"], "h": ["90"], "src": ["demo"]}  # fmt: skip
    parsed = state.state_from_query(query)
    assert parsed["date_from"] == date(2025, 1, 1) and parsed["doctor"] == ["А", "Б"]
    assert parsed["return_window"] == 90 and parsed["lang"] == "en"
    again = state.query_from_state(parsed)
    assert again == {"period": "custom", "from": "2025-01-01", "to": "2025-06-30",
                     "doctor": ["А", "Б"], "lang": "en", "h": "90", "src": "demo"}  # fmt: skip
    broken = state.state_from_query({"period": ["custom"], "from": ["31.12.2025"], "h": ["-5"],
                                     "lang": ["de"]})  # fmt: skip
    assert broken["preset"] == state.DEFAULT_PRESET and broken["return_window"] == 180
    assert broken["lang"] == "ru"
    assert state.query_from_state(state.state_from_query({})) == {}


def test_every_phrase_and_label_exists_in_both_languages() -> None:
    for table in (i18n.PHRASES, i18n.LABELS, i18n.SHORT_LABELS, i18n.TABLES, i18n.EXPORTS,
                  i18n.VALUES, i18n.FIELDS):
        for key, pair in table.items():
            assert len(pair) == 2 and all(p.strip() for p in pair), key
    from clinic_bi.ingest.mapping import TABLE_SPECS

    for spec in TABLE_SPECS.values():
        for column in spec.columns:
            assert column.name in i18n.FIELDS, column.name


def test_change_text_of_a_card() -> None:
    assert view.change_text("money", 10.0, 0.1234, "ru") == "+12,3 %"
    assert view.change_text("count", -3.0, -0.05, "en") == "-5.0%"
    assert view.change_text("ratio", -0.0215, None, "ru") == "-2,2 п.п."
    assert view.change_text("money", 1.0, None, "ru") is None


def test_downloads_keep_numbers_and_name_columns() -> None:
    frame = pd.DataFrame({"doctor": ["Иванова"], "revenue": [1234.567], "share": [0.5]})
    table = downloads.export_frame(frame, ["doctor", "revenue", "share"], "ru")
    assert list(table.columns) == ["Врач", "Выручка", "Доля выручки"]
    csv = downloads.to_csv_bytes(table, "ru").decode("utf-8-sig")
    assert csv.splitlines() == ["Врач;Выручка;Доля выручки", "Иванова;1234,57;0,5"]
    back = pd.read_excel(io.BytesIO(downloads.to_xlsx_bytes(table)), engine="openpyxl")
    assert back.iloc[0].tolist() == ["Иванова", 1234.57, 0.5]


def test_downloads_neutralise_formulas_and_keep_negative_numbers() -> None:
    frame = pd.DataFrame({"Врач": ["=1+1", "@SUM(A1)", "-x", "Иванова"],
                          "Выручка": [-1500.5, 0.25, -0.00001, None]})  # fmt: skip
    lines = downloads.to_csv_bytes(frame, "ru").decode("utf-8-sig").splitlines()
    assert lines == ["Врач;Выручка", "'=1+1;-1500,5", "'@SUM(A1);0,25", "'-x;-0,00001",
                     "Иванова;"]  # fmt: skip
    back = pd.read_excel(io.BytesIO(downloads.to_xlsx_bytes(frame)), engine="openpyxl")
    assert list(back["Врач"]) == ["'=1+1", "'@SUM(A1)", "'-x", "Иванова"]
    assert back["Выручка"].iloc[0] == -1500.5


def test_visits_per_patient_is_null_without_patients() -> None:
    frame = pd.DataFrame({"doctor": ["А", "Б"], "visits": [10, 0], "patients": [4, 0]})
    out = visits_per_patient(frame)
    assert out["visits_per_patient"].iloc[0] == 2.5 and pd.isna(out["visits_per_patient"].iloc[1])


def test_charts_serialise_to_json() -> None:
    for name, chart in _cases("ru").items():
        assert json.dumps(chart.to_dict(), ensure_ascii=False), name


def test_scatter_names_never_overlap_and_the_largest_are_named() -> None:
    """The crowd of the demo's Врачи page: three doctors at ~250 visits and ~3 500 ₽, two at
    ~190 visits and ~8 000 ₽. Names go where they touch no other name and no point."""
    doctors = pd.DataFrame({
        "doctor": ["Иванова А. С.", "Волкова Т. И.", "Соколов М. А.", "Павлова Ю. Р.",
                   "Семёнова К. Д.", "Петров Д. В.", "Новикова И. А.", "Морозова Н. В.",
                   "Козлов А. П.", "Лебедева О. Ю.", "Кузнецова Е. Н.", "Зайцев С. Г.",
                   "Голубева Е. В.", "Виноградов П. Н."],
        "visits": [351, 192, 87, 201, 169, 222, 297, 277, 103, 244, 85, 50, 138, 101],
        "avg_check": [8617, 14694, 18952, 7937, 7766, 5135, 3407, 3369, 8823, 3549, 7215,
                      8554, 14263, 13172],
        "revenue": [3.0e6, 2.8e6, 1.6e6, 1.6e6, 1.3e6, 1.1e6, 1.0e6, 9.3e5, 9.1e5, 8.7e5,
                    6.1e5, 4.3e5, 2.0e6, 1.3e6],
        "return_rate": [0.9] * 14,
    })  # fmt: skip
    spec = charts.load_vs_check(doctors, 7788.0, "ru").to_dict()
    named = [row for rows in spec["datasets"].values() for row in rows
             if isinstance(row.get("spot"), str) and "label_x" in row]  # fmt: skip
    assert named and named[0]["doctor"] == "Иванова А. С."  # the largest revenue first
    # recompute the boxes the chart placed, in the pixels it assumed: none overlap
    w, h = charts.SCATTER_PLOT_PX
    x_max, y_top = 351 * 1.1, 18952 * 1.3
    y_min = -0.08 * y_top
    boxes, shown = [], set()
    for row in named:
        if row["doctor"] in shown:
            continue
        shown.add(row["doctor"])
        x = row["visits"] / x_max * w
        y = (y_top - row["avg_check"]) / (y_top - y_min) * h
        r = ((60 + 540 * row["revenue"] / 3.0e6) / 3.1416) ** 0.5
        boxes.append(charts._spot_box(row["spot"], x, y, r, 6.3 * len(row["short"]) + 2))
    assert len(boxes) >= 8
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not charts._overlaps(a, b, 0), (a, b)
    unnamed = len(doctors) - len(shown)
    if unnamed:
        assert str(unnamed) in spec["title"]["subtitle"]


def test_label_spots_leaves_a_crowd_to_the_tooltip() -> None:
    points = [(100.0, 100.0, 8.0)] * 3 + [(300.0, 200.0, 5.0)]
    spots = charts.label_spots(points, ["Лебедева", "Морозова", "Новикова", "Зайцев"])
    assert spots[0] is not None and spots[3] is not None
    assert spots[1:3] == [None, None]  # on top of the first point: no room left
    assert charts._surnames(["Иванова А. С.", "Иванова Б. В.", "Петров Д. В."]) == [
        "Иванова А. С.", "Иванова Б. В.", "Петров"]


# -- what the app sends: the columns a chart names, and specs built once -------------------------


def _leaves(node: dict, data: str | None = None):
    """Every drawn view of a spec with the name of the dataset it reads (its own or inherited)."""
    data = (node.get("data") or {}).get("name", data)
    if "layer" in node:
        for part in node["layer"]:
            yield from _leaves(part, data)
    else:
        yield node, data


def _named_fields(leaf: dict) -> set[str]:
    """The data fields a view reads: its encodings' and tooltips' fields, the `datum.x` of its
    conditions and filters."""
    import re

    fields = set(_walk(leaf.get("encoding", {}), "field"))
    tests = [*_walk(leaf, "test"), *_walk(leaf.get("transform", []), "filter")]
    for expression in tests:
        for dotted, quoted in re.findall(r"datum\.(\w+)|datum\['(\w+)'\]", str(expression)):
            fields.add(dotted or quoted)
    return {f for f in fields if f}


def _drawn(rows: list[dict], leaf: dict) -> list[dict]:
    """The rows a view draws: its data after its `datum.x === 'value'` filters (a layer drawn
    from a part of a frame may be given the whole frame and such a filter instead)."""
    import re

    for expression in _walk(leaf.get("transform", []), "filter"):
        match = re.fullmatch(r"datum\.(\w+) === '(\w+)'", str(expression))
        if match:
            rows = [r for r in rows if r.get(match[1]) == match[2]]
    return rows


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_lean_spec_keeps_every_field_a_mark_reads_and_the_rows(lang: str) -> None:
    """charts.spec (what the app sends) cuts each frame to the columns the chart names: every
    view still finds each field it draws or shows in a tooltip, in the same rows, in order."""
    full_specs = {name: chart.to_dict() for name, chart in _cases(lang).items()}
    for name, chart in _cases(lang).items():
        lean, full = charts.spec(chart), full_specs[name]
        lean_leaves, full_leaves = list(_leaves(lean)), list(_leaves(full))
        assert len(lean_leaves) == len(full_leaves), name
        for (leaf, lean_data), (full_leaf, full_data) in zip(lean_leaves, full_leaves,
                                                             strict=True):  # fmt: skip
            rows = _drawn(lean["datasets"][lean_data] if lean_data else [], leaf)
            before = _drawn(full["datasets"][full_data] if full_data else [], full_leaf)
            assert len(rows) == len(before), name
            for row, old in zip(rows, before, strict=True):
                kept = {k: v for k, v in old.items() if k in row}
                assert json.dumps(row, sort_keys=True) == json.dumps(kept, sort_keys=True), name
                assert _named_fields(leaf) <= set(row), (name, _named_fields(leaf) - set(row))
        assert len(json.dumps(lean)) <= len(json.dumps(full)), name


def test_no_chart_builds_a_channel_from_a_shorthand() -> None:
    """Every encoding is a channel object (alt.X("x:Q"), alt.Text, alt.YValue, colour_if), never
    a string, alt.value or alt.condition, which Altair turns into one through a lookup table it
    rebuilds each time (~7 ms an encoding; issue 17)."""
    from altair.utils import schemapi

    calls: list[str] = []
    original = schemapi.SchemaBase.from_dict.__func__

    def counting(cls, dct, validate=True):
        calls.append(cls.__name__)
        return original(cls, dct, validate)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schemapi.SchemaBase, "from_dict", classmethod(counting))
        for lang in ("ru", "en"):
            for chart in _cases(lang).values():
                charts.spec(chart)
    assert calls == []


def test_layers_sharing_a_frame_give_alt_layers_spec_without_copying_a_layer() -> None:
    """charts' `layer` puts a frame its layers share on the layer chart itself, as alt.layer
    does after deep-copying every layer three times (issue 17): the same spec, no deep copy."""
    from altair.utils import schemapi

    from clinic_bi.present.charts.base import layer

    def parts() -> list[alt.Chart]:
        base = alt.Chart(DOCTORS).encode(y=alt.Y("doctor:N"))
        return [base.mark_bar().encode(x=alt.X("revenue:Q")),
                base.mark_text(align="left").encode(x=alt.X("revenue:Q"), text=alt.Text("visits:Q"))]  # fmt: skip

    kwargs = {"title": "T", "height": 90, "width": "container"}
    assert layer(*parts(), **kwargs).to_dict() == alt.layer(*parts(), **kwargs).to_dict()
    copies: list[bool] = []  # True: a deep copy of the whole object
    original = schemapi.SchemaBase.copy

    def counting(self, deep=True, ignore=None):
        copies.append(deep is True)
        return original(self, deep, ignore)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schemapi.SchemaBase, "copy", counting)
        built = [*parts()]
        copies.clear()
        layer(*built, **kwargs)
        assert True not in copies
        alt.layer(*built, **kwargs)
        assert True in copies  # what the test would see if `layer` were alt.layer
    # layers with frames of their own: alt.layer's own way
    line = alt.Chart(charts.inline({"x": 1.0})).mark_rule().encode(x=alt.X("x:Q"))
    assert (layer(*parts(), line, **kwargs).to_dict()
            == alt.layer(*parts(), line, **kwargs).to_dict())  # fmt: skip


def test_a_chart_spec_is_kept_per_function_and_arguments() -> None:
    """view.chart(function, *args) keys its kept spec by the function and the arguments'
    content: an equal frame finds it, a frame differing in one value does not."""
    other = DOCTORS.copy()
    key = view._spec_key(charts.bars, (DOCTORS, "doctor", "revenue", "ru", "T"), {"n": 5})
    assert key == view._spec_key(charts.bars, (DOCTORS.copy(), "doctor", "revenue", "ru", "T"),
                                 {"n": 5})  # fmt: skip
    other.loc[1, "revenue"] += 1
    assert key != view._spec_key(charts.bars, (other, "doctor", "revenue", "ru", "T"), {"n": 5})
    assert key != view._spec_key(charts.bars, (DOCTORS, "doctor", "revenue", "ru", "T"), {"n": 6})
    assert key != view._spec_key(charts.monthly_line, (DOCTORS, "doctor", "revenue", "ru", "T"),
                                 {"n": 5})  # fmt: skip
    with pytest.raises(ValueError):
        view._spec_key(lambda: None, (), {})


def test_inline_rows_are_json() -> None:
    data = charts.inline({"v": np.float64(2.5), "n": np.int64(3), "t": "x", "gap": float("nan")})
    assert data.to_dict() == {"values": [{"v": 2.5, "n": 3.0, "t": "x", "gap": None}]}
