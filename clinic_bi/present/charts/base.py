"""What every chart is made of: sizes and colours, axes and legends whose labels read like fmt.py
(Vega label expressions), titles and tooltips, the data helpers (values as text, missing names,
the top-N fold, a month's label), and `bars`, the ranked bar chart every page uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd

from clinic_bi import fmt
from clinic_bi.present import figures
from clinic_bi.present.words import label, show, value

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


# -- axis label expressions (Vega) that read like fmt.py -------------------------------------------


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


# -- data helpers ----------------------------------------------------------------------------------


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


def month_label(day: date | pd.Timestamp, lang: str) -> str:
    return fmt.month(pd.Timestamp(day).date(), lang)


# -- titles and tooltips ---------------------------------------------------------------------------


def _tooltip(columns: Sequence[str], lang: str, category: str | None = None) -> list[alt.Tooltip]:
    tips = [alt.Tooltip(f"{category}:N", title=label(category, lang))] if category else []
    return tips + [alt.Tooltip(f"{c}_text:N", title=label(c, lang)) for c in columns]


def _title(text: str, subtitle: str | None = None) -> alt.TitleParams:
    return alt.TitleParams(text, subtitle=subtitle or "", anchor="start", fontSize=15)


# -- the ranked bar chart every page uses ----------------------------------------------------------


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

