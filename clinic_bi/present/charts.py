"""Every chart of the app: a function that takes the API's DataFrame and the language and returns
an Altair chart. They compute nothing but layout (sorting, a top-N cut, a running sum for a
Pareto line); the figures come from clinic_bi.metrics.

Conventions: every chart has a title and axis titles in the chosen language (clinic_bi/present/words.py
and clinic_bi/present/figures.py: nothing of the app, clinic_bi/app); money axes read `32,9 млн ₽`, ratio
axes read `47 %` (Vega label expressions mirroring fmt.py), tooltips show the values formatted by
figures.show itself; a legend never has more than TOP_N entries + "прочие".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present import figures
from clinic_bi.present.words import label, show, t, table_label, value

TOP_N = 10
BAR_STEP = 26  # pixels per bar in horizontal bar charts
# Streamlit draws charts with autosize "fit": a chart's height includes its title and axes.
OVERHEAD = 105
PALETTE = ["#2a9d8f", "#e76f51", "#264653", "#e9c46a", "#8ab17d", "#f4a261", "#6d597a",
           "#457b9d", "#b56576", "#a8dadc", "#adb5bd"]  # fmt: skip
ABC_COLORS = {"A": "#2a9d8f", "B": "#e9c46a", "C": "#e76f51"}
MAIN = "#2a9d8f"
ACCENT = "#e76f51"
_MONTHS_RU = "['янв','фев','мар','апр','май','июн','июл','авг','сен','окт','ноя','дек']"
_MONTHS_EN = "['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']"


# -- axis label expressions (Vega) that read like fmt.py ------------------------------------------


def _grouped(expr: str, lang: str, digits: int = 0) -> str:
    text = f"format({expr}, ',.{digits}f')"
    if lang == "ru":
        # 12,345.6 -> 12 345,6
        return f"replace(replace(replace({text}, regexp(',', 'g'), '~'), '.', ','), regexp('~', 'g'), ' ')"
    return text


def money_expr(lang: str) -> str:
    v = "datum.value"
    if lang == "ru":
        return (
            f"abs({v}) >= 1e9 ? {_grouped(v + '/1e9', lang, 1)} + ' млрд ₽' : "
            f"abs({v}) >= 1e6 ? {_grouped(v + '/1e6', lang, 1)} + ' млн ₽' : "
            f"{_grouped(v, lang)} + ' ₽'"
        )
    return (
        f"abs({v}) >= 1e9 ? format({v}/1e9, ',.1f') + 'B ₽' : "
        f"abs({v}) >= 1e6 ? format({v}/1e6, ',.1f') + 'M ₽' : format({v}, ',.0f') + ' ₽'"
    )


def percent_expr(lang: str) -> str:
    if lang == "ru":
        return f"{_grouped('datum.value * 100', lang)} + ' %'"
    return "format(datum.value, '.0%')"


def count_expr(lang: str) -> str:
    return _grouped("datum.value", lang)


def month_expr(lang: str) -> str:
    names = _MONTHS_RU if lang == "ru" else _MONTHS_EN
    return f"{names}[month(datum.value)] + ' ' + year(datum.value)"


def axis_for(column: str, lang: str, **kwargs) -> alt.Axis:
    """An axis titled in `lang` whose labels read like fmt.py for the column's kind."""
    kind = figures.kind(column)
    if kind == "money":
        expr = money_expr(lang)
    elif kind == "ratio":
        expr = percent_expr(lang)
    else:
        expr = count_expr(lang)
    kwargs.setdefault("title", label(column, lang))
    return alt.Axis(labelExpr=expr, **kwargs)


def month_axis(lang: str, **kwargs) -> alt.Axis:
    kwargs.setdefault("title", label("month", lang))
    return alt.Axis(labelExpr=month_expr(lang), labelAngle=0, labelOverlap=True, labelSeparation=10,
                    **kwargs)


# -- data helpers -------------------------------------------------------------------------------


def with_text(frame: pd.DataFrame, columns: Sequence[str], lang: str) -> pd.DataFrame:
    """Add `<column>_text`: the value as fmt.py shows it, for tooltips and bar labels."""
    out = frame.copy()
    for column in columns:
        out[f"{column}_text"] = [show(column, v, lang) for v in out[column]]
    return out


def named(frame: pd.DataFrame, column: str, lang: str) -> pd.DataFrame:
    """Missing names (lines without a department, a lead without a channel) get a word."""
    out = frame.copy()
    out[column] = out[column].astype("object").where(out[column].notna(), value("none", lang))
    out[column] = out[column].replace({"unknown": value("unknown", lang)})
    return out


def top_n(
    frame: pd.DataFrame, category: str, by: str, lang: str, n: int = TOP_N,
    sums: Sequence[str] = (),
) -> pd.DataFrame:  # fmt: skip
    """The n largest rows by `by`; the rest folded into one "прочие" row whose `sums` columns
    are added up (other columns are left empty: a ratio cannot be summed)."""
    ordered = frame.sort_values(by, ascending=False, na_position="last")
    if len(ordered) <= n + 1:
        return ordered.reset_index(drop=True)
    head, rest = ordered.iloc[:n], ordered.iloc[n:]
    other = {column: None for column in frame.columns}
    other[category] = value("other", lang)
    for column in sums:
        other[column] = rest[column].sum()
    return pd.concat([head, pd.DataFrame([other])], ignore_index=True)


def _tooltip(columns: Sequence[str], lang: str, category: str | None = None) -> list[alt.Tooltip]:
    tips = [alt.Tooltip(f"{category}:N", title=label(category, lang))] if category else []
    return tips + [alt.Tooltip(f"{c}_text:N", title=label(c, lang)) for c in columns]


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=subtitle or "", anchor="start", fontSize=15)


# -- generic charts -----------------------------------------------------------------------------


def bars(
    frame: pd.DataFrame,
    category: str,
    measure: str,
    lang: str,
    title: str,
    *,
    extra: Sequence[str] = (),
    reference: float | None = None,
    reference_text: str | None = None,
    n: int = TOP_N,
    sums: Sequence[str] = (),
    color: str = MAIN,
    subtitle: str | None = None,
) -> alt.Chart:
    """Horizontal bars of `measure` per `category`, largest first, top n + "прочие", the value
    written at the end of each bar; an optional reference line (the clinic's level)."""
    data = top_n(named(frame, category, lang), category, measure, lang, n, sums)
    data = data[data[measure].notna()]
    data = with_text(data, [measure, *extra], lang)
    order = list(data[category])
    height = BAR_STEP * max(len(data), 2) + OVERHEAD + (18 if subtitle else 0)
    y = alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=220))
    base = alt.Chart(data).encode(y=y)
    bar = base.mark_bar(color=color, cornerRadiusEnd=3).encode(
        x=alt.X(f"{measure}:Q", axis=axis_for(measure, lang, tickCount=4)),
        tooltip=_tooltip([measure, *extra], lang, category),
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color="#333").encode(
        x=alt.X(f"{measure}:Q"), text=f"{measure}_text:N"
    )
    layers = [bar, text]
    if reference is not None and pd.notna(reference):
        ref = pd.DataFrame({"ref": [reference], "ref_text": [reference_text or ""]})
        rule = alt.Chart(ref).mark_rule(color=ACCENT, strokeDash=[5, 3], size=2).encode(x="ref:Q")
        note = alt.Chart(ref).mark_text(
            color=ACCENT, align="left", dx=4, dy=-6, baseline="bottom", fontWeight="bold"
        ).encode(x="ref:Q", y=alt.value(0), text="ref_text:N")
        layers = [bar, rule, text, note]  # the bar values stay readable on top of the line
    return alt.layer(*layers).properties(
        title=_title(title, subtitle), height=height, width="container"
    )


# -- Обзор ---------------------------------------------------------------------------------------


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


# -- Врачи ---------------------------------------------------------------------------------------


# The load-vs-check scatter's plot area in pixels, as drawn in a half-width column of a 1400-px
# window (a little less, to be safe): names are placed for it, and a wider window only moves the
# points further apart. Text of 11 px: about 6.3 px a character, 13 px a line.
SCATTER_PLOT_PX = (340.0, 320.0)
_CHAR_PX, _LINE_PX = 6.3, 13.0
# Where a name may go around its point, in the order tried: (anchor offset from the centre in
# radii and pixels, x then y; the text's align and baseline at the anchor).
_SPOTS: dict[str, tuple[float, float, float, float, str, str]] = {
    "top": (0, 0, -1, -2, "center", "bottom"),
    "right": (1, 3, 0, 0, "left", "middle"),
    "left": (-1, -3, 0, 0, "right", "middle"),
    "bottom": (0, 0, 1, 2, "center", "top"),
    "top_right": (0.7, 1, -0.7, -1, "left", "bottom"),
    "top_left": (-0.7, -1, -0.7, -1, "right", "bottom"),
    "bottom_right": (0.7, 1, 0.7, 1, "left", "top"),
    "bottom_left": (-0.7, -1, 0.7, 1, "right", "top"),
}

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y growing downwards


def _overlaps(a: Box, b: Box, gap: float = 1.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _anchor(spot: str, x: float, y: float, r: float) -> tuple[float, float]:
    kx, px, ky, py, _, _ = _SPOTS[spot]
    return x + kx * r + px, y + ky * r + py


def _spot_box(spot: str, x: float, y: float, r: float, width: float) -> Box:
    ax, ay = _anchor(spot, x, y, r)
    align, baseline = _SPOTS[spot][4:]
    x0 = {"left": ax, "right": ax - width}.get(align, ax - width / 2)
    y0 = {"top": ay, "bottom": ay - _LINE_PX}.get(baseline, ay - _LINE_PX / 2)
    return (x0, y0, x0 + width, y0 + _LINE_PX)


def label_spots(
    points: Sequence[tuple[float, float, float]],
    texts: Sequence[str],
    obstacles: Sequence[Box] = (),
    area: tuple[float, float] = SCATTER_PLOT_PX,
) -> list[str | None]:
    """Where each point's name goes — "top", "right", "left", "bottom" of it — or None when
    every spot would touch another name, a point or an obstacle, leave the plot, or sit nearer
    another point than its own (a name must say whose it is). Points are (x, y, radius) in
    pixels, taken in the order given (most important first): a crowded corner names its largest
    points and leaves the rest to the tooltip."""
    circles = [(x - r, y - r, x + r, y + r) for x, y, r in points]
    taken: list[Box] = list(obstacles)
    out: list[str | None] = []
    for i, ((x, y, r), text) in enumerate(zip(points, texts, strict=True)):
        width = _CHAR_PX * len(text) + 2
        chosen = None
        for spot in _SPOTS:
            box = _spot_box(spot, x, y, r, width)
            if not (box[0] >= 0 and box[1] >= 0 and box[2] <= area[0] and box[3] <= area[1]):
                continue
            if any(_overlaps(box, other) for other in taken):
                continue
            if any(_overlaps(box, c, 0) for j, c in enumerate(circles) if j != i):
                continue
            # nearer its own point than any other (a tie goes to the point named first)
            own = _gap(box, x, y, r)
            if any(
                _gap(box, *p) < own or (j < i and _gap(box, *p) <= own)
                for j, p in enumerate(points) if j != i
            ):  # fmt: skip
                continue
            chosen = spot
            taken.append(box)
            break
        out.append(chosen)
    return out


def _gap(box: Box, x: float, y: float, r: float) -> float:
    """How far a box is from the edge of the circle at (x, y) of radius r, in pixels."""
    dx = max(box[0] - x, 0.0, x - box[2])
    dy = max(box[1] - y, 0.0, y - box[3])
    return max((dx * dx + dy * dy) ** 0.5 - r, 0.0)


def _surnames(names: Sequence[str]) -> list[str]:
    """"Иванова А. С." → "Иванова"; the full name where two doctors share a surname."""
    first = [str(n).split(" ")[0] for n in names]
    return [f if first.count(f) == 1 else str(n) for f, n in zip(first, names, strict=True)]


def load_vs_check(doctors: pd.DataFrame, clinic_check: float | None, lang: str) -> alt.Chart:
    """Visits (load) against average check, one point per doctor, with the clinic's average
    check and the doctors' mean load as the quadrant lines and the quadrants named. Doctors are
    named by surname where the name has room (the largest revenue first, label_spots); every
    point names its doctor in the tooltip."""
    data = doctors[doctors["avg_check"].notna() & doctors["doctor"].notna()]
    data = data.sort_values("revenue", ascending=False, na_position="last")
    data = with_text(data, ["visits", "avg_check", "revenue", "return_rate"], lang)
    mean_visits = float(data["visits"].mean()) if len(data) else 0.0
    check = clinic_check if clinic_check is not None else float(data["avg_check"].mean())
    # room above and below the points for the quadrant names, so they never sit on a point
    x_max = float(data["visits"].max()) * 1.1 if len(data) else 1.0
    y_top = max(float(data["avg_check"].max()) if len(data) else 1.0, check) * 1.3
    y_min = -0.08 * y_top
    corners = pd.DataFrame(
        {
            "x": [x_max * 0.98, 0.02 * x_max, x_max * 0.98, 0.02 * x_max],
            "y": [y_min * 0.9, y_top * 0.99, y_top * 0.99, y_min * 0.9],
            "text": [t("q_busy_low", lang), t("q_free_high", lang), t("q_busy_high", lang),
                     t("q_free_low", lang)],  # fmt: skip
            "align": ["right", "left", "right", "left"],
            "base": ["middle", "top", "top", "middle"],
            "color": [ACCENT, ACCENT, "#777", "#777"],
        }
    )

    # Names, placed in pixels of the plot area (the scales' domains are fixed, so data and
    # pixels convert exactly; the width is SCATTER_PLOT_PX's estimate).
    width_px, height_px = SCATTER_PLOT_PX
    to_px = lambda vx, vy: (vx / x_max * width_px,  # noqa: E731
                            (y_top - vy) / (y_top - y_min) * height_px)  # fmt: skip
    top_revenue = float(data["revenue"].max()) if len(data) else 0.0
    points = []
    for vx, vy, revenue in zip(data["visits"], data["avg_check"], data["revenue"], strict=True):
        area = 60 + 540 * (float(revenue) / top_revenue if top_revenue > 0 else 0)  # the size scale
        points.append((*to_px(float(vx), float(vy)), (area / 3.1416) ** 0.5))
    obstacles = []
    for _, c in corners.iterrows():
        cx, cy = to_px(c["x"], c["y"])
        w = 6.8 * len(c["text"])
        x0 = cx - w if c["align"] == "right" else cx
        y0 = cy if c["base"] == "top" else cy - 8
        obstacles.append((x0, y0, x0 + w, y0 + 16))
    data["short"] = _surnames(list(data["doctor"]))
    data["spot"] = label_spots(points, list(data["short"]), obstacles)
    # each name's anchor, back in data units: beside its point by the radius and a gap
    anchors = []
    for (px, py, r), spot in zip(points, data["spot"], strict=True):
        ax, ay = _anchor(spot, px, py, r) if isinstance(spot, str) else (px, py)
        anchors.append((ax / width_px * x_max, y_top - ay / height_px * (y_top - y_min)))
    data["label_x"] = [a[0] for a in anchors]
    data["label_y"] = [a[1] for a in anchors]

    x = alt.X("visits:Q", scale=alt.Scale(domain=[0, x_max], nice=False),
              axis=axis_for("visits", lang, title=t("load_axis", lang)))  # fmt: skip
    y = alt.Y("avg_check:Q", scale=alt.Scale(domain=[y_min, y_top], nice=False),
              axis=axis_for("avg_check", lang))  # fmt: skip
    tips = _tooltip(["visits", "avg_check", "revenue", "return_rate"], lang, "doctor")
    points_layer = alt.Chart(data).mark_circle(opacity=0.85, color=MAIN).encode(
        x=x, y=y,
        size=alt.Size("revenue:Q", legend=None,
                      scale=alt.Scale(range=[60, 600], domain=[0, max(top_revenue, 1.0)])),
        tooltip=tips,
    )  # fmt: skip
    name_layers = [
        alt.Chart(data[data["spot"] == spot]).mark_text(
            fontSize=11, color="#333", align=align, baseline=baseline,
        ).encode(x="label_x:Q", y="label_y:Q", text="short:N", tooltip=tips)
        for spot, (*_, align, baseline) in _SPOTS.items()
        if (data["spot"] == spot).any()
    ]  # fmt: skip
    lines = pd.DataFrame({"x": [mean_visits], "y": [check]})
    vrule = alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#888").encode(x="x:Q")
    hrule = alt.Chart(lines).mark_rule(strokeDash=[4, 4], color="#888").encode(y="y:Q")
    quadrant_layers = []
    for _, row in corners.iterrows():
        quadrant_layers.append(
            alt.Chart(pd.DataFrame([row])).mark_text(
                align=row["align"], baseline=row["base"], fontStyle="italic", fontSize=12,
                color=row["color"], fontWeight="bold" if row["color"] == ACCENT else "normal",
            ).encode(x="x:Q", y="y:Q", text="text:N")  # fmt: skip
        )
    unnamed = int(data["spot"].isna().sum())
    subtitle = t("scatter_unnamed", lang, n=unnamed) if unnamed else None
    return alt.layer(vrule, hrule, points_layer, *name_layers, *quadrant_layers).properties(
        title=_title(t("scatter_title", lang), subtitle), height=480, width="container"
    )


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


# -- Направления ---------------------------------------------------------------------------------


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


# -- Услуги --------------------------------------------------------------------------------------


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


# -- Возвращаемость -------------------------------------------------------------------------------


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


# -- Воронка -------------------------------------------------------------------------------------


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
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(x="count:Q", text="text:N")
    return alt.layer(bar, text).properties(
        title=_title(t("funnel_steps_title", lang)), height=4 * 34 + OVERHEAD, width="container"
    )


def rates_heatmap(frame: pd.DataFrame, category: str, lang: str, title: str) -> alt.Chart:
    """Per channel (or operator): the funnel's conversion rates as a coloured table, the
    largest TOP_N by leads."""
    rates = ["booking_rate", "show_rate", "contract_rate", "overall_rate"]
    data = named(frame, category, lang).sort_values("leads", ascending=False).head(TOP_N)
    order = list(data[category])
    long = data.melt(id_vars=[category, "leads"], value_vars=rates, var_name="rate",
                     value_name="value")  # fmt: skip
    long["rate_label"] = [t(f"short_{r}", lang) for r in long["rate"]]
    long["value_text"] = [fmt.percent(v, lang) for v in long["value"]]
    long["leads_text"] = [fmt.number(v, lang) for v in long["leads"]]
    base = alt.Chart(long).encode(
        x=alt.X("rate_label:N", sort=[t(f"short_{r}", lang) for r in rates], title=None,
                axis=alt.Axis(labelAngle=0, orient="top", labelLimit=160)),
        y=alt.Y(f"{category}:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
    )  # fmt: skip
    rect = base.mark_rect().encode(
        color=alt.Color("value:Q", legend=None, scale=alt.Scale(scheme="tealblues", domain=[0, 1])),
        tooltip=[alt.Tooltip(f"{category}:N", title=label(category, lang)),
                 alt.Tooltip("leads_text:N", title=label("leads", lang)),
                 alt.Tooltip("rate_label:N", title=t("step", lang)),
                 alt.Tooltip("value_text:N", title="%")],
    )  # fmt: skip
    text = base.mark_text(fontSize=12).encode(
        text="value_text:N",
        color=alt.condition("datum.value > 0.5", alt.value("white"), alt.value("#222")),
    )
    return alt.layer(rect, text).properties(
        title=_title(title), height=BAR_STEP * max(len(order), 2) + OVERHEAD, width="container"
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


# -- Маркетинг -----------------------------------------------------------------------------------


def spend_vs_new(by_month: pd.DataFrame, lang: str) -> alt.Chart:
    """Spend (bars) and new patients (line) per month: Engine.marketing_by_month's rows for all
    channels together; leads and CAC in the tooltip."""
    data = with_text(by_month, ["spend", "new_patients", "leads", "cac"], lang)
    data["month"] = pd.to_datetime(data["month"])
    data["month_text"] = [fmt.month(m, lang) for m in data["month"]]
    tips = [alt.Tooltip("month_text:N", title=label("month", lang)),
            *_tooltip(["spend", "new_patients", "leads", "cac"], lang)]  # fmt: skip
    x = alt.X("month:T", timeUnit="yearmonth", axis=month_axis(lang), title=label("month", lang))
    spend = alt.Chart(data).mark_bar(color="#a8dadc", cornerRadiusEnd=2).encode(
        x=x, y=alt.Y("spend:Q", axis=axis_for("spend", lang, tickCount=4, titleColor="#457b9d")),
        tooltip=tips,
    )  # fmt: skip
    new = alt.Chart(data).mark_line(
        color=ACCENT, point=alt.OverlayMarkDef(color=ACCENT), strokeWidth=2.5
    ).encode(
        # each month's point over the middle of its bar, not at the month's first day
        x=alt.X("month:T", timeUnit="yearmonth", bandPosition=0.5, axis=month_axis(lang),
                title=label("month", lang)),
        y=alt.Y("new_patients:Q",
                axis=axis_for("new_patients", lang, orient="right", tickCount=4,
                              titleColor=ACCENT)),
        tooltip=tips,
    )  # fmt: skip
    return (
        alt.layer(spend, new)
        .resolve_scale(y="independent")
        .properties(title=_title(t("spend_vs_new", lang)), height=360, width="container")
    )


# -- Данные --------------------------------------------------------------------------------------


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
    data["month_end"] = data["month"] + pd.offsets.MonthBegin(1)
    tables = list(dict.fromkeys(data["table_label"]))
    return (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("month:T", axis=month_axis(lang, tickCount={"interval": "month", "step": 1})),
            x2="month_end:T",
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


def month_label(day: date | pd.Timestamp, lang: str) -> str:
    return fmt.month(pd.Timestamp(day).date(), lang)
