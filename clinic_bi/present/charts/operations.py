"""Charts of the lead and schedule pages and of the data page: the funnel's steps and its rates
per channel or operator, no-shows per weekday or doctor (Воронка), spend against new patients
(Маркетинг), and the months each table covers (Данные).
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present.charts.base import (
    ACCENT,
    BAR_STEP,
    FIT_WIDTH,
    MAIN,
    OVERHEAD,
    TOP_N,
    _title,
    _tooltip,
    axis_for,
    bars,
    colour_if,
    deviation_bars,
    layer,
    month_bar_width,
    month_x,
    name_axis,
    named,
    with_months,
    with_text,
)
from clinic_bi.present.words import label, short_label, show, t, table_label

# A cell's text turns white past this share of its column's colour scale (the darker half).
TEXT_FLIP = 0.5

# -- Воронка ---------------------------------------------------------------------------------------


def funnel_steps(steps: dict[str, float], lang: str) -> alt.Chart:
    """The four steps as bars, each labelled with its count and its share of the leads."""
    names = ["leads", "booked", "visited", "contracted"]
    leads = steps.get("leads") or 0
    data = pd.DataFrame(
        {
            "step": [label(n, lang) for n in names],
            "count": [steps.get(n) or 0 for n in names],
        }
    )
    data["of_leads"] = [c / leads if leads else None for c in data["count"]]
    data["text"] = [
        f"{fmt.number(c, lang)} · {fmt.percent(r, lang)}" if r is not None else fmt.number(c, lang)
        for c, r in zip(data["count"], data["of_leads"], strict=True)
    ]
    base = alt.Chart(data).encode(
        y=alt.Y("step:N", sort=list(data["step"]), title=None, axis=alt.Axis(labelLimit=200))
    )
    bar = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("count:Q", axis=axis_for("leads", lang, title=t("count", lang), tickCount=4)),
        color=alt.Color("step:N", legend=None, sort=list(data["step"]),
                        scale=alt.Scale(range=["#a8dadc", "#457b9d", "#2a9d8f", "#264653"])),
        tooltip=[alt.Tooltip("step:N", title=t("step", lang)),
                 alt.Tooltip("text:N", title=t("count", lang))],
    )  # fmt: skip
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(
        x=alt.X("count:Q"), text=alt.Text("text:N")
    )
    return layer(
        bar, text, title=_title(t("funnel_steps_title", lang)), height=4 * 34 + OVERHEAD,
        width="container",
    )


RATES = ("booking_rate", "show_rate", "contract_rate", "overall_rate")


def _two_line_labels(labels: list[str]) -> str:
    """A Vega label expression writing each label longer than 10 characters of several words on
    two lines ("Заявка →" over "договор"): four columns' headers side by side in a phone's
    width."""
    cases = {}
    for text in labels:
        words = text.split(" ")
        if len(words) > 1 and len(text) > 10:
            cut = (len(words) + 1) // 2
            cases[text] = [" ".join(words[:cut]), " ".join(words[cut:])]
    if not cases:
        return "datum.label"
    table = ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}"
                      for k, v in cases.items())  # fmt: skip
    return f"({{{table}}})[datum.label] || datum.label"


def rates_heatmap(frame: pd.DataFrame, category: str, lang: str, title: str) -> alt.Chart:
    """Per channel (or operator): the funnel's conversion rates as a coloured table, the
    largest TOP_N by leads. The columns are named as the table below names them (the figures'
    short names), and each column is coloured on its own scale, from 0 to its largest value: a
    contract rate of 5 % is as dark as a show rate of 90 % when each is its column's best."""
    data = named(frame, category, lang).sort_values("leads", ascending=False).head(TOP_N)
    order = list(data[category])
    long = data.melt(id_vars=[category, "leads"], value_vars=list(RATES), var_name="rate",
                     value_name="value")  # fmt: skip
    long["rate_label"] = [short_label(r, lang) for r in long["rate"]]
    tops = long.groupby("rate")["value"].max()
    long["relative"] = [v / tops[r] if pd.notna(v) and tops[r] else 0.0
                        for r, v in zip(long["rate"], long["value"], strict=True)]  # fmt: skip
    long["value_text"] = [fmt.percent(v, lang) for v in long["value"]]
    long["leads_text"] = [fmt.number(v, lang) for v in long["leads"]]
    headers = [short_label(r, lang) for r in RATES]
    base = alt.Chart(long).encode(
        x=alt.X("rate_label:N", sort=headers, title=None,
                axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160, labelOverlap=False,
                              labelExpr=_two_line_labels(headers),
                              # a phone's four columns are ~55 px: the headers a size smaller there
                              labelFontSize={"expr": "containerSize()[0] < 420 ? 9 : 11"})),
        y=alt.Y(f"{category}:N", sort=order, title=None, axis=name_axis(200, 0.3)),
    )  # fmt: skip
    rect = base.mark_rect().encode(
        color=alt.Color("relative:Q", legend=None,
                        scale=alt.Scale(scheme="tealblues", domain=[0, 1])),
        tooltip=[alt.Tooltip(f"{category}:N", title=label(category, lang)),
                 alt.Tooltip("leads_text:N", title=label("leads", lang)),
                 alt.Tooltip("rate_label:N", title=t("step", lang)),
                 alt.Tooltip("value_text:N", title="%")],
    )  # fmt: skip
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("value_text:N"),
        color=colour_if(f"datum.relative > {TEXT_FLIP}", "white", "#222"),
    )  # fmt: skip
    return layer(
        rect, text, title=_title(title, t("heat_by_column", lang)),
        height=BAR_STEP * max(len(order), 2), width="container", autosize=FIT_WIDTH,
    )


def no_shows(frame: pd.DataFrame, category: str, lang: str, title: str) -> alt.Chart:
    """The no-show share (1 − show-up rate) per weekday or per doctor."""
    data = frame.copy()
    data["no_show_rate"] = 1 - data["show_up_rate"]
    if category == "weekday":
        data["weekday"] = [fmt.weekday(d, lang) for d in data["weekday"]]
        data = data.set_index("weekday").reindex(
            [fmt.weekday(d, lang) for d in range(1, 8)]
        ).dropna(subset=["no_show_rate"]).reset_index()  # fmt: skip
        data = with_text(data, ["no_show_rate", "no_show", "attended"], lang)
        return (
            alt.Chart(data)
            .mark_bar(color=ACCENT, cornerRadiusEnd=2)
            .encode(
                x=alt.X("weekday:N", sort=list(data["weekday"]), title=label("weekday", lang),
                        axis=alt.Axis(labelAngle=0)),
                y=alt.Y("no_show_rate:Q", axis=axis_for("no_show_rate", lang, tickCount=4)),
                tooltip=_tooltip(["no_show_rate", "no_show", "attended"], lang, "weekday"),
            )  # fmt: skip
            .properties(title=_title(title), height=300, width="container")
        )
    return bars(data, category, "no_show_rate", lang, title, extra=["no_show", "attended"],
                color=ACCENT, n=15)  # fmt: skip


# -- Маркетинг -------------------------------------------------------------------------------------


def spend_vs_new(by_month: pd.DataFrame, lang: str) -> alt.Chart:
    """Spend (bars) and new patients (line) per month: Engine.marketing_by_month's rows for all
    channels together; leads and CAC in the tooltip. Each month's point over its bar's middle."""
    data = with_months(with_text(by_month, ["spend", "new_patients", "leads", "cac"], lang), lang)
    tips = [alt.Tooltip("month_text:N", title=label("month", lang)),
            *_tooltip(["spend", "new_patients", "leads", "cac"], lang)]  # fmt: skip
    x = month_x(data["month"], lang)
    spend = alt.Chart(data).mark_bar(color="#a8dadc", cornerRadiusEnd=2,
                                     width=month_bar_width(data["month"])).encode(
        x=x, y=alt.Y("spend:Q", axis=axis_for("spend", lang, tickCount=4, titleColor="#457b9d")),
        tooltip=tips,
    )  # fmt: skip
    new = alt.Chart(data).mark_line(
        color=ACCENT, point=alt.OverlayMarkDef(color=ACCENT), strokeWidth=2.5
    ).encode(
        x=x,
        y=alt.Y("new_patients:Q",
                axis=axis_for("new_patients", lang, orient="right", tickCount=4,
                              titleColor=ACCENT)),
        tooltip=tips,
    )  # fmt: skip
    return (
        layer(
            spend, new, resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent")),
            title=_title(t("spend_vs_new", lang)), height=360, width="container",
        )
    )


# -- Данные ----------------------------------------------------------------------------------------


def coverage(cov: pd.DataFrame, lang: str) -> alt.Chart:
    """Months × tables (Engine.coverage: table_name, month, rows): a month with rows is filled, a
    missing month between a table's first and last month is marked red (a gap in the exports)."""
    frames = []
    for table, part in cov.groupby("table_name", sort=False):
        months = pd.to_datetime(part["month"])
        full = pd.DataFrame({"month": pd.date_range(months.min(), months.max(), freq="MS")})
        full = full.merge(part.assign(month=months)[["month", "rows"]], on="month", how="left")
        full["table_name"] = table
        frames.append(full)
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["table_name", "month", "rows"]
    )  # fmt: skip
    data["status"] = [
        t("coverage_present", lang) if pd.notna(r) else t("coverage_missing", lang)
        for r in data["rows"]
    ]
    data["table_label"] = [table_label(x, lang) for x in data["table_name"]]
    data["month_text"] = [fmt.month(m, lang) for m in data["month"]]
    data["rows_text"] = [fmt.number(r, lang) if pd.notna(r) else "—" for r in data["rows"]]
    data["month"] = pd.to_datetime(data["month"])
    tables = list(dict.fromkeys(data["table_label"]))
    return (
        alt.Chart(data)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=month_x(data["month"], lang),
            # a band scale: each table's bar fills its row (0.15 apart), however few tables
            y=alt.Y("table_label:N", sort=tables, title=None, axis=alt.Axis(labelLimit=220),
                    scale=alt.Scale(type="band", paddingInner=0.15, paddingOuter=0.1)),
            color=alt.Color("status:N", title=None,
                            scale=alt.Scale(domain=[t("coverage_present", lang),
                                                    t("coverage_missing", lang)],
                                            range=[MAIN, "#e63946"]),
                            legend=alt.Legend(orient="top")),
            tooltip=[alt.Tooltip("table_label:N", title=label("table", lang)),
                     alt.Tooltip("month_text:N", title=label("month", lang)),
                     alt.Tooltip("rows_text:N", title=label("rows", lang))],
        )  # fmt: skip
        # the height includes the title, the legend and the month axis (~200 px with "fit")
        .properties(title=_title(t("coverage", lang)), height=34 * max(len(tables), 2) + 200,
                    width="container")  # fmt: skip
    )


# -- Качество --------------------------------------------------------------------------------------

# A doctor is ranked by rating (or negative share) from this many reviews in the period; with
# fewer, the mean of a handful of reviews is chance (5,0 from 3 reviews), so the doctor is
# listed after the ranked ones, grey. docs/METRICS.md "Quality of service".
MIN_REVIEWS = 10


def ranked_by_reviews(
    by_doctor: pd.DataFrame, measure: str, min_reviews: int = MIN_REVIEWS
) -> pd.DataFrame:
    """The doctors with reviews, in the order of the rating charts: those with at least
    `min_reviews` reviews by `measure`, largest first, then the others (`few` true) the same
    way; a tie goes to more reviews, then to the name."""
    data = by_doctor[(by_doctor["reviews"] > 0) & by_doctor[measure].notna()].copy()
    data["few"] = data["reviews"] < min_reviews
    return data.sort_values(["few", measure, "reviews", "doctor"],
                            ascending=[True, False, False, True]).reset_index(drop=True)  # fmt: skip


def review_bars(
    by_doctor: pd.DataFrame,
    measure: str,
    lang: str,
    title: str,
    *,
    min_reviews: int = MIN_REVIEWS,
    extra: tuple[str, ...] = (),
    color: str = MAIN,
    reference: float | None = None,
    reference_text: str | None = None,
) -> alt.Chart:
    """A review figure per doctor (average rating, negative share), each bar labelled with the
    figure and its number of reviews; ranked as ranked_by_reviews ranks them, the doctors with
    too few reviews grey at the bottom."""
    data = ranked_by_reviews(by_doctor, measure, min_reviews)
    data["bar_text"] = [
        t("rated_value", lang, value=show(measure, v, lang), n=fmt.number(r, lang))
        for v, r in zip(data[measure], data["reviews"], strict=True)
    ]
    note = t("reviews_in_brackets", lang)
    if data["few"].any():
        note += " " + t("few_reviews", lang, m=min_reviews)
    return bars(data, "doctor", measure, lang, title, extra=["reviews", *extra],
                n=max(len(data), 1), order=list(data["doctor"]), muted="few", text="bar_text",
                color=color, subtitle=note, reference=reference,
                reference_text=reference_text)  # fmt: skip


def wait_bars(by_doctor: pd.DataFrame, clinic_wait: float, lang: str, title: str) -> alt.Chart:
    """Each doctor's waiting time against the clinic's, as minutes more or less than it
    (deviation_bars): waits of 6,2–6,9 min read as −0,3 … +0,4 min, not as equal bars."""
    data = by_doctor[by_doctor["avg_wait_min"].notna()]
    spread = None
    if len(data):
        low, high = data["avg_wait_min"].min(), data["avg_wait_min"].max()
        spread = t("wait_spread", lang, clinic=show("avg_wait_min", clinic_wait, lang),
                   low=show("avg_wait_min", low, lang), high=show("avg_wait_min", high, lang))  # fmt: skip
    return deviation_bars(data, "doctor", "avg_wait_min", clinic_wait, lang, title,
                          extra=["timed_appointments"], n=max(len(data), 1), subtitle=spread)  # fmt: skip
