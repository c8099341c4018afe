"""Charts of the money pages: the revenue trend (Обзор), a figure's monthly line (a doctor's card
on Врачи), traffic against money per department (Направления), and the services' Pareto and
volume against revenue per hour (Услуги). Врачи's scatter is scatter.py's; the ranked bars of
every page are base.py's.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from clinic_bi.present.charts.base import (
    ABC_COLORS,
    BAR_STEP,
    FIT_WIDTH,
    MAIN,
    _title,
    _tooltip,
    axis_for,
    bar_values,
    inline,
    layer,
    month_bar_width,
    month_x,
    name_axis,
    named,
    value_domain,
    with_months,
    with_text,
)
from clinic_bi.present.charts.scatter import _SPOTS, _anchor, label_spots
from clinic_bi.present.words import label, t

# -- Обзор -----------------------------------------------------------------------------------------


def revenue_trend(monthly: pd.DataFrame, lang: str) -> alt.Chart:
    data = with_months(with_text(monthly, ["revenue", "visits", "avg_check", "new_patients"], lang),
                       lang)  # fmt: skip
    return (
        alt.Chart(data)
        .mark_bar(color=MAIN, cornerRadiusEnd=2, width=month_bar_width(data["month"]))
        .encode(
            x=month_x(data["month"], lang),
            y=alt.Y("revenue:Q", axis=axis_for("revenue", lang, tickCount=5)),
            tooltip=[alt.Tooltip("month_text:N", title=label("month", lang)),
                     *_tooltip(["revenue", "visits", "avg_check", "new_patients"], lang)],
        )  # fmt: skip
        .properties(title=_title(t("trend_title", lang)), height=330, width="container")
    )


# -- Врачи: a doctor's card ------------------------------------------------------------------------


def monthly_line(monthly: pd.DataFrame, measure: str, lang: str, title: str) -> alt.Chart:
    data = with_months(with_text(monthly, [measure], lang), lang)
    return (
        alt.Chart(data)
        .mark_line(point=True, color=MAIN)
        .encode(
            x=month_x(data["month"], lang),
            y=alt.Y(f"{measure}:Q", axis=axis_for(measure, lang, tickCount=4)),
            tooltip=[alt.Tooltip("month_text:N", title=label("month", lang)),
                     *_tooltip([measure], lang)],
        )  # fmt: skip
        .properties(title=_title(title), height=300, width="container")
    )


# -- Направления -----------------------------------------------------------------------------------


TRAFFIC, MONEY = "#457b9d", MAIN


def traffic_vs_money(departments: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Patients and revenue per department, two bars a department in the same order (by
    patients), each measure on its own axis (patients above the plot, revenue below it), so the
    department that brings the traffic and the one that brings the money stand out. One chart
    the width of the page: it reads on a phone as on a wide screen."""
    data = named(departments, "department", lang)
    data = with_text(data, ["patients", "revenue", "share"], lang)
    order = list(data.sort_values("patients", ascending=False)["department"])
    measures = {"patients": TRAFFIC, "revenue": MONEY}
    names = [label(m, lang) for m in measures]
    long = data.melt(id_vars=["department", "patients_text", "revenue_text", "share_text"],
                     value_vars=list(measures), var_name="measure", value_name="value")  # fmt: skip
    long["measure_label"] = [label(m, lang) for m in long["measure"]]
    long["value_text"] = [long.at[i, f"{m}_text"] for i, m in enumerate(long["measure"])]
    tips = _tooltip(["patients", "revenue", "share"], lang, "department")
    base = alt.Chart(long).encode(
        y=alt.Y("department:N", sort=order, title=None, axis=name_axis(200),
                scale=alt.Scale(paddingInner=0.25)),
        yOffset=alt.YOffset("measure_label:N", scale=alt.Scale(domain=names, paddingInner=0.1)),
    )  # fmt: skip

    def panel(measure: str, color: str, orient: str) -> alt.LayerChart:
        part = base.transform_filter(alt.datum.measure == measure)
        # no grid: the two axes' lines would not meet; the bars carry their values
        x = alt.X("value:Q", scale=alt.Scale(domain=value_domain(data[measure]), nice=False),
                  axis=axis_for(measure, lang, tickCount=3, orient=orient, titleColor=color,
                                labelColor=color, grid=False))  # fmt: skip
        bar = part.mark_bar(color=color, cornerRadiusEnd=3).encode(x=x, tooltip=tips)
        return layer(bar, *bar_values(part, alt.X("value:Q"), "value_text:N"))

    return (
        layer(
            panel("patients", TRAFFIC, "top"), panel("revenue", MONEY, "bottom"),
            resolve=alt.Resolve(scale=alt.ScaleResolveMap(x="independent")),
            title=_title(t("traffic_vs_money", lang)), height=2 * BAR_STEP * max(len(order), 2),
            width="container", autosize=FIT_WIDTH,
        )  # fmt: skip
    )


# -- Услуги ----------------------------------------------------------------------------------------


def pareto(services: pd.DataFrame, lang: str) -> alt.Chart:
    """Revenue per service, largest first, coloured by ABC class, with the cumulative share. The
    ABC legend stands above the plot, off the cumulative curve."""
    data = services[services["revenue"].notna()].sort_values("revenue", ascending=False)
    data = data.reset_index(drop=True)
    data["rank"] = range(1, len(data) + 1)
    data["cumulative_share"] = data["share"].fillna(0).cumsum()
    data["abc"] = data["abc"].fillna("—")
    data = with_text(data, ["revenue", "share", "cumulative_share"], lang)
    tips = [alt.Tooltip("service:N", title=label("service", lang)),
            alt.Tooltip("abc:N", title="ABC"),
            *_tooltip(["revenue", "share", "cumulative_share"], lang)]  # fmt: skip
    x = alt.X("rank:O", title=t("pareto_x", lang), axis=alt.Axis(labels=False, ticks=False))
    bars_ = alt.Chart(data).mark_bar().encode(
        x=x,
        y=alt.Y("revenue:Q", axis=axis_for("revenue", lang, tickCount=4)),
        color=alt.Color("abc:N", title="ABC",
                        scale=alt.Scale(domain=list(ABC_COLORS), range=list(ABC_COLORS.values())),
                        legend=ABC_LEGEND),
        tooltip=tips,
    )  # fmt: skip
    line = alt.Chart(data).mark_line(color="#264653", strokeWidth=2).encode(
        x=x,
        y=alt.Y("cumulative_share:Q", scale=alt.Scale(domain=[0, 1]),
                axis=axis_for("cumulative_share", lang, orient="right", tickCount=5)),
        tooltip=tips,
    )  # fmt: skip
    marks = inline({"y": 0.8}, {"y": 0.95})
    rules = alt.Chart(marks).mark_rule(strokeDash=[3, 3], color="#999").encode(y=alt.Y("y:Q"))
    return (
        layer(
            bars_, layer(line, rules),
            resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
            title=_title(t("pareto_title", lang)), height=360, width="container",
        )
    )


# The ABC legend of Услуги's charts: a row above the plot, never on the data.
ABC_LEGEND = alt.Legend(orient="top", direction="horizontal", titleOrient="left")
# The volume chart's plot in pixels (its height is exact: autosize fit-x; the width is a
# half-width column's at 1440 px, a little less), where the numbers of the services are placed.
VOLUME_PLOT_PX = (340.0, 300.0)
NAMED_SERVICES = 5


def round_log_ticks(low: float, high: float) -> tuple[list[float], list[float]]:
    """A log axis from `low` to `high`: its domain and ticks, all round numbers of the 1-2-5
    series (1, 2, 5, 10, 20, 50 …), thinned to 1-5 or powers of ten over a wide range."""
    low, high = max(float(low), 1e-9), max(float(high), float(low), 1e-9)
    decades = math.log10(high / low)
    steps = (1, 2, 5) if decades <= 1.5 else (1, 5) if decades <= 3 else (1,)
    first, last = math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 1
    grid = sorted(m * 10.0**e for e in range(first, last + 1) for m in steps)
    lo = max(v for v in grid if v <= low * (1 + 1e-9))
    hi = min(v for v in grid if v >= high * (1 - 1e-9))
    if hi <= lo:
        hi = min(v for v in grid if v > lo)
    return [lo, hi], [v for v in grid if lo <= v <= hi]


def _log_px(value: float, domain: list[float], size: float, flip: bool) -> float:
    lo, hi = (math.log10(d) for d in domain)
    share = (math.log10(value) - lo) / (hi - lo)
    return (1 - share if flip else share) * size


def _log_value(px: float, domain: list[float], size: float, flip: bool) -> float:
    lo, hi = (math.log10(d) for d in domain)
    share = px / size
    return 10 ** (lo + (1 - share if flip else share) * (hi - lo))


def volume_vs_hour(services: pd.DataFrame, lang: str) -> alt.Chart:
    """Quantity against revenue per hour: bottom right = services that take the doctor's time
    and bring little. The ones of them that took the most hours are ringed and numbered on the
    chart, their names under the title by number (a name beside each point would not fit in
    the crowded corner, least of all on a phone). Both axes are logarithmic with round ticks
    (1, 5, 10, 50 …)."""
    # log scales: one costly rare service must not flatten all the others
    data = services[(services["revenue_per_hour"] > 0) & (services["quantity"] > 0)].copy()
    data["abc"] = data["abc"].fillna("—")
    data = with_text(data, ["quantity", "revenue_per_hour", "revenue", "avg_price"], lang)
    median = float(data["revenue_per_hour"].median()) if len(data) else 1.0
    x_domain, x_ticks = round_log_ticks(data["quantity"].min() if len(data) else 1.0,
                                        data["quantity"].max() if len(data) else 10.0)  # fmt: skip
    y_domain, y_ticks = round_log_ticks(data["revenue_per_hour"].min() if len(data) else 1.0,
                                        data["revenue_per_hour"].max() if len(data) else 10.0)  # fmt: skip
    data = _with_service_numbers(data, median, x_domain, y_domain)
    tips = [alt.Tooltip("service:N", title=label("service", lang)),
            *_tooltip(["quantity", "revenue_per_hour", "revenue", "avg_price"], lang)]  # fmt: skip
    x = alt.X("quantity:Q", scale=alt.Scale(type="log", domain=x_domain, nice=False),
              axis=axis_for("quantity", lang, values=x_ticks, title=t("quantity_log", lang)))  # fmt: skip
    y = alt.Y("revenue_per_hour:Q", scale=alt.Scale(type="log", domain=y_domain, nice=False),
              axis=axis_for("revenue_per_hour", lang, values=y_ticks,
                            title=t("per_hour_log", lang)))  # fmt: skip
    points = alt.Chart(data).mark_circle(size=90, opacity=0.8).encode(
        x=x, y=y,
        color=alt.Color("abc:N", title="ABC",
                        scale=alt.Scale(domain=list(ABC_COLORS), range=list(ABC_COLORS.values())),
                        legend=ABC_LEGEND),
        tooltip=tips,
    )  # fmt: skip
    named = data[data["number"].notna()].sort_values("number")
    rings = alt.Chart(named).mark_point(size=170, color="#222", strokeWidth=1.5).encode(
        x=x, y=y, tooltip=tips
    )
    rule = alt.Chart(inline({"y": median})).mark_rule(
        strokeDash=[4, 4], color="#888"
    ).encode(y=alt.Y("y:Q"))
    numbers = [
        # filters of the ringed services' data: one dataset for all the numbers
        alt.Chart(named).transform_filter(f"datum.spot === {spot!r}").mark_text(
            fontSize=11, fontWeight="bold", align=align, baseline=baseline, **paint
        ).encode(x=alt.X("label_x:Q"), y=alt.Y("label_y:Q"), text=alt.Text("number_text:N"),
                 tooltip=tips)  # fmt: skip
        for spot, (*_, align, baseline) in _SPOTS.items()
        if (named["spot"] == spot).any()
        for paint in ({"color": "white", "stroke": "white", "strokeWidth": 3}, {"color": "#222"})
    ]
    key = [f"{int(n)} — {name}" for n, name in zip(named["number"], named["service"], strict=True)]
    return layer(
        rule, points, rings, *numbers,
        title=_title(t("hour_title", lang), [t("hour_named", lang), *key]),
        height=VOLUME_PLOT_PX[1], width="container", autosize=FIT_WIDTH,
    )  # fmt: skip


def _with_service_numbers(
    data: pd.DataFrame, median: float, x_domain: list[float], y_domain: list[float]
) -> pd.DataFrame:
    """`data` with the services to point out, numbered 1, 2 … (`number`, else empty): those
    below the median revenue per hour that sell at least the median quantity — bottom right —
    the most hours first (revenue / revenue per hour), up to NAMED_SERVICES; and where each
    number goes (`spot`, `label_x`, `label_y`: beside its point, clear of the other numbers and
    of every point where there is room, label_spots)."""
    out = data.copy()
    out["hours"] = out["revenue"] / out["revenue_per_hour"]
    width, height = VOLUME_PLOT_PX
    radius = (170 / math.pi) ** 0.5  # the ring's
    px = {i: (_log_px(q, x_domain, width, False), _log_px(r, y_domain, height, True))
          for i, q, r in zip(out.index, out["quantity"], out["revenue_per_hour"], strict=True)}  # fmt: skip
    corner = out[(out["quantity"] >= out["quantity"].median()) & (out["revenue_per_hour"] < median)]
    chosen = list(corner.sort_values("hours", ascending=False).index[:NAMED_SERVICES])
    texts = [str(n) for n in range(1, len(chosen) + 1)]
    points = [(*px[i], radius) for i in chosen]
    others = [(x - 5.0, y - 5.0, x + 5.0, y + 5.0) for i, (x, y) in px.items() if i not in chosen]
    spots = label_spots(points, texts, others, VOLUME_PLOT_PX)
    if None in spots:  # a crowded corner: a number may then cross an unnamed point
        spots = label_spots(points, texts, (), VOLUME_PLOT_PX)
    out["number"] = None
    out["number_text"] = ""
    out["spot"] = None
    out["label_x"] = out["quantity"]
    out["label_y"] = out["revenue_per_hour"]
    for n, (i, spot) in enumerate(zip(chosen, spots, strict=True), start=1):
        out.at[i, "number"] = n
        out.at[i, "number_text"] = str(n)
        if spot is None:
            continue
        ax, ay = _anchor(spot, *px[i], radius)
        out.at[i, "spot"] = spot
        out.at[i, "label_x"] = _log_value(ax, x_domain, width, False)
        out.at[i, "label_y"] = _log_value(ay, y_domain, height, True)
    return out
