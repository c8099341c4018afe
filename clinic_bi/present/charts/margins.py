"""Рентабельность's charts: services on revenue per hour against margin per hour, with the four
quadrants cut at the clinic's medians and named in their corners, and the doctors' bars of margin
per hour. The figures come from clinic_bi.metrics.margins; this module only lays them out."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present.charts.base import (
    ACCENT,
    BAR_STEP,
    FIT_WIDTH,
    MAIN,
    _title,
    colour_if,
    inline,
    layer,
    money_expr,
    name_axis,
    named,
)
from clinic_bi.present.charts.revenue import round_log_ticks
from clinic_bi.present.words import label, t

SCATTER_PX = 420
# quadrant key → (x side, y side): "low" is below the clinic's median
QUADRANTS: dict[str, tuple[str, str]] = {
    "low_low": ("low", "low"),
    "high_high": ("high", "high"),
    "high_low": ("high", "low"),
    "low_high": ("low", "high"),
}


def quadrant(revenue_per_hour: float, margin_per_hour: float, x_median: float,
             y_median: float) -> str:  # fmt: skip
    """The quadrant key of a service: "low_low" (much time, little money) is below both medians;
    a value at a median counts as high."""
    x = "low" if revenue_per_hour < x_median else "high"
    y = "low" if margin_per_hour < y_median else "high"
    return f"{x}_{y}"


def _domain(values: pd.Series, median: float) -> list[float]:
    low, high = float(min(values.min(), median)), float(max(values.max(), median))
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    return [min(low - pad, 0.0) if low >= 0 else low - pad, high + pad]


def _log_axis(values: pd.Series) -> tuple[list[float], list[float]]:
    positive = values[values > 0]
    if not len(positive):
        return [1.0, 10.0], [1.0, 10.0]
    return round_log_ticks(float(positive.min()), float(positive.max()))


def _room_for_names(domain: list[float], kind: str, constant: float = 1000.0,
                    share: float = 0.12) -> list[float]:
    """`domain` widened by `share` of its span at both ends, measured on the axis as drawn (log
    or symlog), so the quadrants' two-line names in the corners sit above and below the points
    (issue 15's phone shot: the top service covered «звёзды»)."""
    if kind == "log":
        low, high = math.log10(domain[0]), math.log10(domain[1])
        pad = (high - low) * share
        return [10 ** (low - pad), 10 ** (high + pad)]

    def out(v: float) -> float:
        return math.copysign(math.log1p(abs(v) / constant), v)

    def back(u: float) -> float:
        return math.copysign(math.expm1(abs(u)) * constant, u)

    low, high = out(domain[0]), out(domain[1])
    pad = (high - low) * share
    return [back(low - pad), back(high + pad)]


def _symlog_ticks(domain: list[float]) -> list[float]:
    """0 and ±1, 5 × 10^k inside the domain (a symlog axis's own ticks crowd around 0)."""
    steps = sorted({0.0, *(sign * m * 10.0**e for sign in (1, -1) for e in range(3, 8)
                           for m in (1, 5))})  # fmt: skip
    return [v for v in steps if domain[0] <= v <= domain[1]]


def margin_scatter(services: pd.DataFrame, lang: str) -> alt.Chart:
    """Revenue per hour (x) against margin per hour (y), one point per service with both, sized
    by revenue; dashed lines at the medians over these services, the quadrants named."""
    data = services[services["revenue_per_hour"].notna()
                    & services["margin_per_hour"].notna()].copy()  # fmt: skip
    x_median = float(data["revenue_per_hour"].median()) if len(data) else 0.0
    y_median = float(data["margin_per_hour"].median()) if len(data) else 0.0
    data["quadrant"] = [t(f"mrg_q_{quadrant(x, y, x_median, y_median)}", lang)
                        for x, y in zip(data["revenue_per_hour"], data["margin_per_hour"],
                                        strict=True)]  # fmt: skip
    for column in ("revenue_per_hour", "margin_per_hour", "revenue"):
        data[f"{column}_text"] = [fmt.money(v, lang) for v in data[column]]
    data["margin_share_text"] = [fmt.percent(v, lang) for v in data["margin_share"]]
    # log axes (issue 15's demo: one service at 290 000 ₽ an hour flattened all the others);
    # a margin per hour of 0 or less cannot sit on a log axis, so then y is symlog
    x_domain, x_ticks = _log_axis(data["revenue_per_hour"])
    positive = bool(len(data)) and bool((data["margin_per_hour"] > 0).all())
    if positive:
        y_domain, y_ticks = _log_axis(data["margin_per_hour"])
        y_domain = _room_for_names(y_domain, "log")
        y_scale = alt.Scale(type="log", domain=y_domain, nice=False)
    else:
        y_domain = _domain(data["margin_per_hour"], y_median) if len(data) else [0.0, 1.0]
        y_ticks = _symlog_ticks(y_domain)
        y_domain = _room_for_names(y_domain, "symlog")
        y_scale = alt.Scale(type="symlog", constant=1000, domain=y_domain, nice=False)
    tips = [alt.Tooltip("service:N", title=label("service", lang)),
            alt.Tooltip("quadrant:N", title=" "),
            *[alt.Tooltip(f"{c}_text:N", title=label(c, lang))
              for c in ("revenue_per_hour", "margin_per_hour", "revenue", "margin_share")]]  # fmt: skip
    x = alt.X("revenue_per_hour:Q", scale=alt.Scale(type="log", domain=x_domain, nice=False),
              axis=alt.Axis(labelExpr=money_expr(lang), values=x_ticks,
                            title=t("mrg_x_log", lang)))  # fmt: skip
    y_axis = {"values": y_ticks} if y_ticks else {}
    y = alt.Y("margin_per_hour:Q", scale=y_scale,
              axis=alt.Axis(labelExpr=money_expr(lang), title=t("mrg_y_log", lang), **y_axis))  # fmt: skip
    low_low = t("mrg_q_low_low", lang)
    points = alt.Chart(data).mark_circle(opacity=0.75).encode(
        x=x, y=y,
        size=alt.Size("revenue:Q", legend=None, scale=alt.Scale(range=[40, 600])),
        color=colour_if(f"datum.quadrant == {low_low!r}", ACCENT, MAIN),
        tooltip=tips,
    )  # fmt: skip
    rules = [
        alt.Chart(inline({"v": x_median})).mark_rule(strokeDash=[4, 4], color="#888")
        .encode(x=alt.X("v:Q")),
        alt.Chart(inline({"v": y_median})).mark_rule(strokeDash=[4, 4], color="#888")
        .encode(y=alt.Y("v:Q")),
    ]  # fmt: skip
    corners = pd.DataFrame([
        {"x": x_domain[0] if sx == "low" else x_domain[1],
         "y": y_domain[0] if sy == "low" else y_domain[1],
         "align": "left" if sx == "low" else "right",
         "baseline": "bottom" if sy == "low" else "top",
         "text": t(f"mrg_q_{key}", lang).replace(", ", ",\n"), "key": key}
        for key, (sx, sy) in QUADRANTS.items()
    ])  # fmt: skip
    names = [
        alt.Chart(corners[corners["key"] == key]).mark_text(
            align=row["align"], baseline=row["baseline"], dx=6 if row["align"] == "left" else -6,
            dy=-4 if row["baseline"] == "bottom" else 4, fontSize=11, fontStyle="italic",
            lineBreak="\n",
            color=ACCENT if key == "low_low" else "#666",
        ).encode(x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))
        for key, row in corners.set_index("key", drop=False).iterrows()
    ]  # fmt: skip
    return layer(
        *rules, points, *names,
        title=_title(t("mrg_scatter_title", lang),
                     t("mrg_scatter_sub", lang, x=fmt.money(x_median, lang, nbsp=True),
                       y=fmt.money(y_median, lang, nbsp=True))),
        height=SCATTER_PX, width="container", autosize=FIT_WIDTH,
    )  # fmt: skip


def doctor_margin_bars(doctors: pd.DataFrame, clinic: float | None, lang: str) -> alt.Chart:
    """The doctors' margin per hour, highest first, the value at the end of each bar and the
    clinic's margin per hour as a line; doctors without one are left out."""
    data = named(doctors, "doctor", lang)
    data = data[data["margin_per_hour"].notna()].sort_values("margin_per_hour", ascending=False)
    data = data.copy()
    data["margin_per_hour_text"] = [fmt.money(v, lang) for v in data["margin_per_hour"]]
    data["margin_text"] = [fmt.money(v, lang) for v in data["margin"]]
    data["hours_text"] = [fmt.number(v, lang, 1) for v in data["hours"]]
    values = list(data["margin_per_hour"]) + ([clinic] if clinic is not None else [])
    low, high = min([0.0, *values]), max([0.0, *values])
    domain = [low * 1.15, high * 1.15 or 1.0]
    y = alt.Y("doctor:N", sort=list(data["doctor"]), title=None, axis=name_axis())
    x = alt.X("margin_per_hour:Q", scale=alt.Scale(domain=domain, nice=False),
              axis=alt.Axis(labelExpr=money_expr(lang), title=label("margin_per_hour", lang),
                            labelFlush=True))  # fmt: skip
    tips = [alt.Tooltip("doctor:N", title=label("doctor", lang)),
            *[alt.Tooltip(f"{c}_text:N", title=label(c, lang))
              for c in ("margin_per_hour", "margin", "hours")]]  # fmt: skip
    base = alt.Chart(data).encode(y=y)
    bar = base.mark_bar(cornerRadiusEnd=3, color=MAIN).encode(x=x, tooltip=tips)
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x=alt.X("margin_per_hour:Q"), text=alt.Text("margin_per_hour_text:N")
    )
    layers: list[alt.Chart] = [bar, text]
    subtitle = None
    if clinic is not None:
        layers.append(alt.Chart(inline({"v": clinic})).mark_rule(
            strokeDash=[4, 4], color="#444").encode(x=alt.X("v:Q")))  # fmt: skip
        subtitle = t("mrg_doctors_sub", lang, value=fmt.money(clinic, lang))
    return layer(
        *layers, title=_title(t("mrg_doctors_title", lang), subtitle),
        height=BAR_STEP * max(len(data), 2), width="container", autosize=FIT_WIDTH,
    )  # fmt: skip
