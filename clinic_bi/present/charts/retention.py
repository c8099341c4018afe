"""Charts of Возвращаемость: first against returning visits per month, the cohorts' retention
heatmap and their cumulative revenue per patient (LTV curves).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present.charts.base import (
    ACCENT,
    MAIN,
    OVERHEAD,
    _title,
    _tooltip,
    axis_for,
    month_axis,
    month_expr,
    percent_expr,
    with_text,
)
from clinic_bi.present.words import label, t, value


def first_vs_returning(monthly: pd.DataFrame, lang: str) -> alt.Chart:
    kinds = {"first_visits": value("first", lang), "returning_visits": value("returning", lang)}
    long = monthly[["month", *kinds]].melt(id_vars=["month"], value_vars=list(kinds), var_name="kind",
                        value_name="visits")  # fmt: skip
    long["kind_of_visit"] = long["kind"].map(kinds)
    long = with_text(long, ["visits"], lang)
    long["month_text"] = [fmt.month(m, lang) for m in long["month"]]
    long["order"] = long["kind"].map({"first_visits": 1, "returning_visits": 0})
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("month:T", axis=month_axis(lang), timeUnit="yearmonth",
                    title=label("month", lang)),
            y=alt.Y("visits:Q", axis=axis_for("visits", lang, tickCount=5), stack=True),
            color=alt.Color("kind_of_visit:N", title=label("kind_of_visit", lang),
                            scale=alt.Scale(domain=list(kinds.values()), range=[ACCENT, MAIN]),
                            legend=alt.Legend(orient="top")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("month_text:N", title=label("month", lang)),
                     alt.Tooltip("kind_of_visit:N", title=label("kind_of_visit", lang)),
                     *_tooltip(["visits"], lang)],
        )  # fmt: skip
        .properties(title=_title(t("first_vs_returning", lang)), height=360, width="container")
    )


def retention_heatmap(cohorts: pd.DataFrame, lang: str) -> alt.Chart:
    """Cohort (month of first visit) × months after it, coloured by the share that came back."""
    data = cohorts[cohorts["retention"].notna()].copy()
    data["cohort"] = [fmt.month(m, lang) for m in data["cohort_month"]]
    data["cohort_month"] = pd.to_datetime(data["cohort_month"])
    data = with_text(data, ["retention"], lang)
    data["cohort_patients_text"] = [fmt.number(v, lang) for v in data["patients"]]
    order = list(dict.fromkeys(data.sort_values("cohort_month")["cohort"]))
    offsets = int(data["month_offset"].max()) if len(data) else 1
    show_text = offsets <= 18 and len(order) <= 18
    base = alt.Chart(data).encode(
        x=alt.X("month_offset:O", title=label("month_offset", lang),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:N", sort=order, title=label("cohort_month", lang)),
    )  # fmt: skip
    rect = base.mark_rect().encode(
        color=alt.Color("retention:Q", title=label("retention", lang),
                        scale=alt.Scale(scheme="tealblues", domainMin=0),
                        legend=alt.Legend(labelExpr=percent_expr(lang), orient="right")),
        tooltip=[alt.Tooltip("cohort:N", title=label("cohort_month", lang)),
                 alt.Tooltip("cohort_patients_text:N", title=label("cohort_patients", lang)),
                 alt.Tooltip("month_offset:O", title=label("month_offset", lang)),
                 alt.Tooltip("retention_text:N", title=label("retention", lang))],
    )  # fmt: skip
    layers = [rect]
    if show_text:
        layers.append(
            base.mark_text(fontSize=10).encode(
                text="retention_text:N",
                color=alt.condition("datum.retention > 0.25", alt.value("white"),
                                    alt.value("#222")),
            )  # fmt: skip
        )
    return alt.layer(*layers).properties(
        title=_title(t("heatmap_title", lang)), height=24 * max(len(order), 2) + OVERHEAD,
        width="container",
    )


def ltv_curves(cohorts: pd.DataFrame, lang: str) -> alt.Chart:
    """Cumulative revenue per patient by months since the first visit, one line per cohort; the
    colour runs from old cohorts (light) to new (dark), so the legend is one gradient."""
    data = cohorts[cohorts["revenue_per_patient"].notna()].copy()
    data["cohort"] = [fmt.month(m, lang) for m in data["cohort_month"]]
    data["cohort_month"] = pd.to_datetime(data["cohort_month"])
    data = with_text(data, ["revenue_per_patient"], lang)
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=1.6, opacity=0.85)
        .encode(
            x=alt.X("month_offset:Q", title=label("month_offset", lang),
                    axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("revenue_per_patient:Q",
                    axis=axis_for("revenue_per_patient", lang, tickCount=5)),
            color=alt.Color("cohort_month:T", title=t("cohort_short", lang),
                            scale=alt.Scale(scheme="viridis", reverse=True),
                            legend=alt.Legend(labelExpr=month_expr(lang), tickCount=4)),
            detail="cohort:N",
            tooltip=[alt.Tooltip("cohort:N", title=label("cohort_month", lang)),
                     alt.Tooltip("month_offset:Q", title=label("month_offset", lang)),
                     *_tooltip(["revenue_per_patient"], lang)],
        )  # fmt: skip
        .properties(title=_title(t("ltv_curves_title", lang)), height=380, width="container")
    )
