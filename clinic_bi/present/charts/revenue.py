"""Charts of the money pages: the revenue trend (Обзор), a figure's monthly line (a doctor's card
on Врачи), traffic against money per department (Направления), and the services' Pareto and
volume against revenue per hour (Услуги). Врачи's scatter is scatter.py's; the ranked bars of
every page are base.py's.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present.charts.base import (
    ABC_COLORS,
    BAR_STEP,
    MAIN,
    _title,
    _tooltip,
    axis_for,
    month_axis,
    named,
    with_text,
)
from clinic_bi.present.words import label, t

# -- Обзор -----------------------------------------------------------------------------------------


def revenue_trend(monthly: pd.DataFrame, lang: str) -> alt.Chart:
    data = with_text(monthly, ["revenue", "visits", "avg_check", "new_patients"], lang)
    data["month_text"] = [fmt.month(m, lang) for m in data["month"]]
    return (
        alt.Chart(data)
        .mark_bar(color=MAIN, cornerRadiusEnd=2)
        .encode(
            x=alt.X("month:T", axis=month_axis(lang), timeUnit="yearmonth",
                    title=label("month", lang)),
            y=alt.Y("revenue:Q", axis=axis_for("revenue", lang, tickCount=5)),
            tooltip=[alt.Tooltip("month_text:N", title=label("month", lang)),
                     *_tooltip(["revenue", "visits", "avg_check", "new_patients"], lang)],
        )  # fmt: skip
        .properties(title=_title(t("trend_title", lang)), height=330, width="container")
    )


# -- Врачи: a doctor's card ------------------------------------------------------------------------


def monthly_line(monthly: pd.DataFrame, measure: str, lang: str, title: str) -> alt.Chart:
    data = with_text(monthly, [measure], lang)
    data["month_text"] = [fmt.month(m, lang) for m in data["month"]]
    return (
        alt.Chart(data)
        .mark_line(point=True, color=MAIN)
        .encode(
            x=alt.X("month:T", axis=month_axis(lang), title=label("month", lang)),
            y=alt.Y(f"{measure}:Q", axis=axis_for(measure, lang, tickCount=4)),
            tooltip=[alt.Tooltip("month_text:N", title=label("month", lang)),
                     *_tooltip([measure], lang)],
        )  # fmt: skip
        .properties(title=_title(title), height=300, width="container")
    )


# -- Направления -----------------------------------------------------------------------------------


def traffic_vs_money(departments: pd.DataFrame, lang: str) -> alt.HConcatChart:
    """Patients and revenue per department side by side, in the same order (by patients), so
    the department that brings the traffic and the one that brings the money stand out."""
    data = named(departments, "department", lang)
    data = with_text(data, ["patients", "revenue", "share"], lang)
    order = list(data.sort_values("patients", ascending=False)["department"])
    height = BAR_STEP * max(len(data), 2) + 70
    y = alt.Y("department:N", sort=order, title=None, axis=alt.Axis(labelLimit=200))
    tips = _tooltip(["patients", "revenue", "share"], lang, "department")

    def panel(measure: str, color: str, hide_labels: bool) -> alt.LayerChart:
        axis_y = alt.Y("department:N", sort=order, title=None,
                       axis=None if hide_labels else alt.Axis(labelLimit=200))  # fmt: skip
        base = alt.Chart(data).encode(y=axis_y if hide_labels else y)
        # room right of the longest bar for its value
        top = float(data[measure].max()) if len(data) and data[measure].notna().any() else 1.0
        bar = base.mark_bar(color=color, cornerRadiusEnd=3).encode(
            x=alt.X(f"{measure}:Q", axis=axis_for(measure, lang, tickCount=3),
                    scale=alt.Scale(domain=[0, max(top, 1.0) * 1.22], nice=False)),
            tooltip=tips,
        )  # fmt: skip
        text = base.mark_text(align="left", dx=4, fontSize=11).encode(
            x=f"{measure}:Q", text=f"{measure}_text:N"
        )
        return alt.layer(bar, text).properties(
            title=alt.TitleParams(label(measure, lang), fontSize=13, anchor="start"),
            height=height, width=400,
        )

    return alt.hconcat(panel("patients", "#457b9d", False), panel("revenue", MAIN, True)).properties(
        title=_title(t("traffic_vs_money", lang))
    )


# -- Услуги ----------------------------------------------------------------------------------------


def pareto(services: pd.DataFrame, lang: str) -> alt.Chart:
    """Revenue per service, largest first, coloured by ABC class, with the cumulative share."""
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
                        legend=alt.Legend(orient="top-right")),
        tooltip=tips,
    )  # fmt: skip
    line = alt.Chart(data).mark_line(color="#264653", strokeWidth=2).encode(
        x=x,
        y=alt.Y("cumulative_share:Q", scale=alt.Scale(domain=[0, 1]),
                axis=axis_for("cumulative_share", lang, orient="right", tickCount=5)),
        tooltip=tips,
    )  # fmt: skip
    marks = pd.DataFrame({"y": [0.8, 0.95]})
    rules = alt.Chart(marks).mark_rule(strokeDash=[3, 3], color="#999").encode(y="y:Q")
    return (
        alt.layer(bars_, alt.layer(line, rules))
        .resolve_scale(y="independent")
        .properties(title=_title(t("pareto_title", lang)), height=360, width="container")
    )


def volume_vs_hour(services: pd.DataFrame, lang: str) -> alt.Chart:
    """Quantity against revenue per hour: bottom right = services that take the doctor's time
    and bring little."""
    # log scales: one costly rare service must not flatten all the others
    data = services[(services["revenue_per_hour"] > 0) & (services["quantity"] > 0)].copy()
    data["abc"] = data["abc"].fillna("—")
    data = with_text(data, ["quantity", "revenue_per_hour", "revenue", "avg_price"], lang)
    median = float(data["revenue_per_hour"].median()) if len(data) else 0.0
    points = alt.Chart(data).mark_circle(size=90, opacity=0.8).encode(
        x=alt.X("quantity:Q", scale=alt.Scale(type="log"),
                axis=axis_for("quantity", lang, tickCount=5, title=t("quantity_log", lang))),
        y=alt.Y("revenue_per_hour:Q", scale=alt.Scale(type="log"),
                axis=axis_for("revenue_per_hour", lang, tickCount=5,
                              title=t("per_hour_log", lang))),
        color=alt.Color("abc:N", title="ABC",
                        scale=alt.Scale(domain=list(ABC_COLORS), range=list(ABC_COLORS.values())),
                        legend=alt.Legend(orient="top-right")),
        tooltip=[alt.Tooltip("service:N", title=label("service", lang)),
                 *_tooltip(["quantity", "revenue_per_hour", "revenue", "avg_price"], lang)],
    )  # fmt: skip
    rule = alt.Chart(pd.DataFrame({"y": [median]})).mark_rule(
        strokeDash=[4, 4], color="#888"
    ).encode(y=alt.Y("y:Q", scale=alt.Scale(type="log")))
    return alt.layer(rule, points).properties(
        title=_title(t("hour_title", lang), t("hour_caption", lang)), height=400, width="container"
    )
