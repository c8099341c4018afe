"""Charts of Возвращаемость: first against returning visits per month, the cohorts' retention
heatmap and their cumulative revenue per patient (LTV curves).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present.charts.base import (
    ACCENT,
    FIT_WIDTH,
    MAIN,
    _title,
    _tooltip,
    axis_for,
    colour_if,
    layer,
    month_bar_width,
    month_x,
    percent_expr,
    with_months,
    with_text,
)
from clinic_bi.present.words import label, t, value

# A cell's text turns white past this share of the colour scale's top (its darker half).
TEXT_FLIP = 0.5
# The heatmap writes its values when a cell is this wide, the row names and title taking about
# _HEAT_LABELS_PX of the chart's width.
_CELL_TEXT_PX, _HEAT_LABELS_PX = 36, 140
# One colour a cohort, each distinct from the others (and none too pale on white).
COHORT_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                 "#7f7f7f", "#bcbd22", "#17becf", "#264653", "#e9c46a"]  # fmt: skip


def first_vs_returning(monthly: pd.DataFrame, lang: str) -> alt.Chart:
    kinds = {"first_visits": value("first", lang), "returning_visits": value("returning", lang)}
    long = monthly[["month", *kinds]].melt(id_vars=["month"], value_vars=list(kinds), var_name="kind",
                        value_name="visits")  # fmt: skip
    long["kind_of_visit"] = long["kind"].map(kinds)
    long = with_months(with_text(long, ["visits"], lang), lang)
    long["order"] = long["kind"].map({"first_visits": 1, "returning_visits": 0})
    return (
        alt.Chart(long)
        .mark_bar(width=month_bar_width(long["month"]))
        .encode(
            x=month_x(long["month"], lang),
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
    top = float(data["retention"].max()) if len(data) else 1.0
    rect = base.mark_rect().encode(
        color=alt.Color("retention:Q", title=label("retention", lang),
                        scale=alt.Scale(scheme="tealblues", domain=[0, max(top, 1e-9)]),
                        legend=alt.Legend(labelExpr=percent_expr(lang), orient="bottom",
                                          direction="horizontal", gradientLength=180)),
        tooltip=[alt.Tooltip("cohort:N", title=label("cohort_month", lang)),
                 alt.Tooltip("cohort_patients_text:N", title=label("cohort_patients", lang)),
                 alt.Tooltip("month_offset:O", title=label("month_offset", lang)),
                 alt.Tooltip("retention_text:N", title=label("retention", lang))],
    )  # fmt: skip
    layers = [rect]
    # the values only where a cell is wide enough for them (on a phone: the tooltip)
    wide_enough = f"(containerSize()[0] - {_HEAT_LABELS_PX}) / {offsets} >= {_CELL_TEXT_PX} ? 1 : 0"
    if show_text:
        layers.append(
            base.mark_text(fontSize=10, opacity={"expr": wide_enough}).encode(
                text=alt.Text("retention_text:N"),
                # white on the darker half of the colour scale, dark on the lighter half
                color=colour_if(f"datum.retention > {top * TEXT_FLIP!r}", "white", "#222"),
            )  # fmt: skip
        )
    # the plot's own height (fit-x): a row a cohort of 24 px, whatever the legend takes
    return layer(
        *layers, title=_title(t("heatmap_title", lang)), height=24 * max(len(order), 2),
        width="container", autosize=FIT_WIDTH,
    )


def ltv_curves(cohorts: pd.DataFrame, lang: str) -> alt.Chart:
    """Cumulative revenue per patient by months since the first visit, one line per cohort, each
    cohort its own colour (COHORT_COLORS, named in the legend); the newest len(COHORT_COLORS)
    cohorts when there are more."""
    data = cohorts[cohorts["revenue_per_patient"].notna()].copy()
    data["cohort_month"] = pd.to_datetime(data["cohort_month"])
    months = sorted(data["cohort_month"].unique())
    kept = months[-len(COHORT_COLORS):]
    data = data[data["cohort_month"].isin(kept)]
    data["cohort"] = [fmt.month(m, lang) for m in data["cohort_month"]]
    data = with_text(data, ["revenue_per_patient"], lang)
    names = [fmt.month(m, lang) for m in kept]
    subtitle = t("ltv_newest", lang, n=len(kept)) if len(months) > len(kept) else None
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=18))
        .encode(
            x=alt.X("month_offset:Q", title=label("month_offset", lang),
                    axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("revenue_per_patient:Q",
                    axis=axis_for("revenue_per_patient", lang, tickCount=5)),
            color=alt.Color("cohort:N", title=t("cohort_short", lang),
                            scale=alt.Scale(domain=names, range=COHORT_COLORS[: len(names)]),
                            # six columns across a wide chart, three on a phone
                            legend=alt.Legend(orient="bottom", symbolType="stroke",
                                              symbolStrokeWidth=3, labelLimit=120,
                                              columns={"expr": "containerSize()[0] > 640 ? 6 : 3"})),
            tooltip=[alt.Tooltip("cohort:N", title=label("cohort_month", lang)),
                     alt.Tooltip("month_offset:Q", title=label("month_offset", lang)),
                     *_tooltip(["revenue_per_patient"], lang)],
        )  # fmt: skip
        .properties(title=_title(t("ltv_curves_title", lang), subtitle), height=380,
                    width="container")  # fmt: skip
    )
