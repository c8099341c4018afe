"""What every chart is made of: sizes and colours, axes and legends whose labels read like fmt.py
(Vega label expressions), titles and tooltips, the data helpers (values as text, missing names,
the top-N fold, a month's label), `bars`, the ranked bar chart every page uses, and `spec`, the
Vega-Lite spec the app sends (each frame cut to the columns the chart names: `lean`).

Building is kept cheap (issue 17): every encoding is a channel object (alt.X("x:Q"), alt.Text,
colour_if), never a shorthand string, alt.value or alt.condition (Altair rebuilds a lookup table
for each of those, ~7 ms); a layered chart gets its title, size and resolve in `layer(...)`
itself, not through .properties() / .resolve_scale() (each of which validates and rebuilds
the whole layer); a line or a label of a row or two is `inline` data, not a DataFrame.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd
from altair.utils.schemapi import SchemaBase, debug_mode

from clinic_bi import fmt
from clinic_bi.present import figures
from clinic_bi.present.words import label, show, t, value

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


# -- the month axis of every monthly chart ---------------------------------------------------------

# Fewer months than this are drawn as bars of the width they would have among this many, in the
# middle of the chart: one month is one narrow bar, not a bar across the whole chart.
MIN_MONTH_BANDS = 6
MONTH_PADDING = 0.2  # the gap between two months' bars, a share of a month's band


def _month_outer(count: int) -> float:
    """The band scale's outer padding (in bands, at most 1: Vega-Lite's limit) for `count`
    months: wider margins for a few months."""
    return min(1.0, max(MONTH_PADDING / 2, (MIN_MONTH_BANDS - count) / 2))


def month_bar_width(months: Sequence) -> alt.RelativeBandSize:
    """A monthly bar's width as a share of its month's band: the whole band from MIN_MONTH_BANDS
    months on, less for fewer, so that a bar is never wider than among MIN_MONTH_BANDS months."""
    count = max(len(month_domain(months, "en")), 1)
    bands = count - MONTH_PADDING + 2 * _month_outer(count)
    return alt.RelativeBandSize(min(1.0, bands / MIN_MONTH_BANDS))


def month_domain(months: Sequence, lang: str) -> list[str]:
    """Every month from the first to the last of `months` (gaps included, none after the last),
    as month_label writes them: the bands of a month axis, in order."""
    days = pd.to_datetime(pd.Series(list(months))).dropna()
    if days.empty:
        return []
    first = days.min().to_period("M").to_timestamp()
    last = days.max().to_period("M").to_timestamp()
    return [month_label(m, lang) for m in pd.date_range(first, last, freq="MS")]


def month_x(months: Sequence, lang: str, field: str = "month_text", **axis) -> alt.X:
    """The x of a monthly chart: one band per calendar month from the first month of `months` to
    the last, labelled under the band's middle (bars fill their band, a line's points sit on its
    middle), every band of one width, a month without rows an empty band. `field` holds
    month_label's text of each row's month."""
    domain = month_domain(months, lang)
    outer = _month_outer(len(domain))
    axis.setdefault("title", label("month", lang))
    return alt.X(
        f"{field}:O",
        scale=alt.Scale(type="band", domain=domain, paddingInner=MONTH_PADDING,
                        paddingOuter=outer),
        axis=alt.Axis(labelAngle=0, labelOverlap=True, labelSeparation=8, labelPadding=4,
                      **axis),
    )  # fmt: skip


def with_months(frame: pd.DataFrame, lang: str, column: str = "month") -> pd.DataFrame:
    """`frame` with `month_text`, the text of its month (month_x's field), its month a
    timestamp."""
    out = frame.copy()
    out[column] = pd.to_datetime(out[column])
    out["month_text"] = [month_label(m, lang) for m in out[column]]
    return out


def name_axis(widest: int = 220, share: float = 0.35) -> alt.Axis:
    """The axis of the names of bar rows (doctors, services): their labels take at most `share`
    of the chart's container, at most `widest` pixels (a phone's column leaves the bars room for
    their values; the full name is in the tooltip)."""
    return alt.Axis(labelLimit={"expr": f"clamp(containerSize()[0] * {share}, 80, {widest})"})


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


def inline(*rows: dict) -> alt.InlineData:
    """A few rows as a chart's data, without a DataFrame: Altair serialises a frame of one row
    in ~5 ms (a reference line, a quadrant's name). Numbers become floats, NaN None (JSON)."""
    def plain(v: object) -> object:
        if v is None or isinstance(v, (str, bool)):
            return v
        return None if pd.isna(v) else float(v)  # type: ignore[arg-type]

    return alt.InlineData(values=[{k: plain(v) for k, v in row.items()} for row in rows])


def colour_if(test: str, yes: str, no: str) -> alt.ColorValue:
    """A mark's colour: `yes` where the Vega expression `test` holds, else `no` — the spec of
    alt.condition(test, alt.value(yes), alt.value(no)), built without it: Altair turns that
    dict (as any shorthand string, "x:Q", or alt.value) into a channel through a lookup table
    it rebuilds on every call, ~7 ms each, a third of a page's chart building (issue 17). So
    every encoding here is a channel object: alt.X("x:Q"), alt.Text(...), alt.YValue(0)."""
    return alt.ColorValue(no, condition={"test": test, "value": yes})


# -- titles and tooltips ---------------------------------------------------------------------------


def _tooltip(columns: Sequence[str], lang: str, category: str | None = None) -> list[alt.Tooltip]:
    tips = [alt.Tooltip(f"{category}:N", title=label(category, lang))] if category else []
    return tips + [alt.Tooltip(f"{c}_text:N", title=label(c, lang)) for c in columns]


# A title or subtitle line longer than this is wrapped: Vega cuts a line at the chart's width,
# and a chart on a phone is ~350 px wide (about 43 characters of the title, 56 of a subtitle).
TITLE_CHARS, SUBTITLE_CHARS = 43, 56


def _title(text: str, subtitle: str | Sequence[str] | None = None) -> alt.TitleParams:
    """A chart's title; `subtitle` a line or a list of lines under it; each line wrapped at
    TITLE_CHARS or SUBTITLE_CHARS."""
    lines = [subtitle] if isinstance(subtitle, str) else list(subtitle or [])
    wrapped = [part for line in lines for part in textwrap.wrap(line, SUBTITLE_CHARS)]
    heading = textwrap.wrap(text, TITLE_CHARS) or [text]
    return alt.TitleParams(heading if len(heading) > 1 else text, subtitle=wrapped or "",
                           anchor="start", fontSize=15)  # fmt: skip


# -- the ranked bar chart every page uses ----------------------------------------------------------

# Bar charts keep BAR_STEP pixels a bar whatever their title, notes and axes take: their height is
# the plot's (autosize "fit-x": the width fits the column, the height grows with the decorations).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
MUTED = "#c4c4c4"  # a bar that is shown but not ranked (too few reviews)
# Room right of the longest bar for its value, as a share of the axis.
VALUE_ROOM = 1.35


def _split_top(
    frame: pd.DataFrame, category: str, measure: str, n: int, order: Sequence[str] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows drawn (the n largest by `measure`, or all rows in `order`) and the rest. As
    top_n: one row more than n is drawn rather than folded."""
    if order is not None:
        ranked = frame.set_index(category, drop=False).reindex(
            [o for o in order if o in set(frame[category])]
        ).reset_index(drop=True)  # fmt: skip
    else:
        ranked = frame.sort_values(measure, ascending=False, na_position="last")
    ranked = ranked.reset_index(drop=True)
    if len(ranked) <= n + 1:
        return ranked, ranked.iloc[0:0]
    return ranked.iloc[:n], ranked.iloc[n:]


def _texts(columns: Sequence[str]) -> list[str]:
    return [f"{c}_text" for c in columns]


def _only(frame: pd.DataFrame, *columns: str | None) -> pd.DataFrame:
    """The columns a chart draws, before its layers are built: Altair writes out a layer's
    whole frame as text to name it (`alt.layer` of layers that share a frame), ~1 ms a column
    for each layer."""
    wanted = list(dict.fromkeys(c for c in columns if c))
    return frame.loc[:, [c for c in wanted if c in frame.columns]]


def rest_note(rest: pd.DataFrame, measure: str, sums: Sequence[str], lang: str) -> str | None:
    """What the bars leave out, as one line under the title: how many rows and, where the
    measure adds up, their sum (with their share where there is one) — a "прочие" bar would
    dwarf every real one."""
    if rest.empty:
        return None
    if measure not in sums:
        return t("others_hidden", lang, n=len(rest))
    total = show(measure, rest[measure].sum(), lang)
    if "share" in sums and "share" in rest and rest["share"].notna().any():
        total = f"{total} ({show('share', rest['share'].sum(), lang)})"
    return t("others_sum", lang, n=len(rest), value=total)


def _subtitle(*lines: str | None) -> list[str] | None:
    kept = [line for line in lines if line]
    return kept or None


def value_domain(values: Sequence[float], reference: float | None = None) -> list[float]:
    """A bar axis from 0 (or below the lowest negative value) to past the largest value, with
    room for the values written at the bars' ends."""
    numbers = [float(v) for v in values if v is not None and pd.notna(v)]
    if reference is not None and pd.notna(reference):
        numbers.append(float(reference))
    top = max([*numbers, 0.0])
    low = min([*numbers, 0.0])
    if top <= 0 and low >= 0:
        top = 1.0
    return [low * VALUE_ROOM, top * VALUE_ROOM]


# Figures that cannot pass a value: a share ends at 100 %, a rating at 5 (reviews are read on a
# 5-point scale, METRICS.md). Their bar axes leave room for the values but no tick past it.
NATURAL_MAX = {"avg_rating": (5.0, [0, 1, 2, 3, 4, 5])}
_RATIO_TICKS = (1.0, [0, 0.25, 0.5, 0.75, 1.0])


def _ticks(measure: str, values: pd.Series, domain: Sequence[float]) -> dict:
    """A bar axis's ticks: four of Vega's, or the natural ones of a bounded figure whose axis
    runs past its bound (room for the values written at the bars' ends)."""
    bound = NATURAL_MAX.get(measure) or (_RATIO_TICKS if figures.kind(measure) == "ratio" else None)
    top = values.max() if len(values) else None
    if bound and domain[0] >= 0 and top is not None and domain[1] > bound[0] >= top:
        return {"values": bound[1]}
    return {"tickCount": 4}


def bar_values(base: alt.Chart, x: alt.X, text: str, **mark) -> list[alt.Chart]:
    """The values written at the bars' ends: a white outline of the text first, so that a
    reference line drawn under them never runs through a value, then the text."""
    mark = {"align": "left", "dx": 4, "fontSize": 11, **mark}
    halo = base.mark_text(color="white", stroke="white", strokeWidth=4, strokeJoin="round",
                          **mark).encode(x=x, text=alt.Text(text))  # fmt: skip
    value = base.mark_text(color="#333", **mark).encode(x=x, text=alt.Text(text))
    return [halo, value]


def reference_layers(
    reference: float, reference_text: str | None, domain: Sequence[float], field: str = "ref"
) -> list[alt.Chart]:
    """The clinic's level: a dashed line and its name above the plot, written towards the
    middle of the chart so it is never cut at the right edge."""
    ref = inline({field: reference, "ref_text": reference_text or ""})
    rule = alt.Chart(ref).mark_rule(color=ACCENT, strokeDash=[5, 3], size=2).encode(
        x=alt.X(f"{field}:Q")
    )
    low, high = domain
    right_half = high > low and (reference - low) / (high - low) > 0.55
    note = alt.Chart(ref).mark_text(
        color=ACCENT, align="right" if right_half else "left", dx=-4 if right_half else 4, dy=-6,
        baseline="bottom", fontWeight="bold",
    ).encode(x=alt.X(f"{field}:Q"), y=alt.YValue(0), text=alt.Text("ref_text:N"))  # fmt: skip
    return [rule, note]


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
    order: Sequence[str] | None = None,
    muted: str | None = None,
    text: str | None = None,
) -> alt.Chart:
    """Horizontal bars of `measure` per `category`, largest first (or in `order`), top n, the
    value written at the end of each bar; what is left out is a note under the title, never a
    "прочие" bar; an optional reference line (the clinic's level). `muted` names a boolean
    column whose rows are drawn grey; `text` a column to write instead of the value."""
    data, rest = _split_top(named(frame, category, lang), category, measure, n, order)
    data = data[data[measure].notna()]
    data = with_text(data, [measure, *extra], lang)
    order = list(data[category])
    domain = value_domain(data[measure], reference)
    y = alt.Y(f"{category}:N", sort=order, title=None, axis=name_axis())
    base = alt.Chart(_only(data, category, measure, *_texts([measure, *extra]), muted, text))
    base = base.encode(y=y)
    fill = colour_if(f"datum['{muted}']", MUTED, color) if muted else alt.ColorValue(color)
    # labelFlush: the last tick's label ends at the plot's edge instead of being cut there
    x = alt.X(f"{measure}:Q", axis=axis_for(measure, lang, labelFlush=True,
                                            **_ticks(measure, data[measure], domain)),
              scale=alt.Scale(domain=domain, nice=False))  # fmt: skip
    bar = base.mark_bar(cornerRadiusEnd=3).encode(
        x=x, color=fill, tooltip=_tooltip([measure, *extra], lang, category)
    )
    layers: list[alt.Chart] = [bar]
    values = bar_values(base, alt.X(f"{measure}:Q"), f"{text or measure + '_text'}:N")
    if reference is not None and pd.notna(reference):
        rule, note = reference_layers(float(reference), reference_text, domain)
        layers += [rule, *values, note]  # the values stay readable on top of the line
    else:
        layers += values
    note = rest_note(rest, measure, sums, lang)
    return layer(
        *layers, title=_title(title, _subtitle(subtitle, note)),
        height=BAR_STEP * max(len(data), 2), width="container", autosize=FIT_WIDTH,
    )  # fmt: skip


def deviation_bars(
    frame: pd.DataFrame,
    category: str,
    measure: str,
    reference: float,
    lang: str,
    title: str,
    *,
    extra: Sequence[str] = (),
    n: int = TOP_N,
    subtitle: str | None = None,
) -> alt.Chart:
    """Per `category`, how far `measure` is from the clinic's `reference`: bars left and right
    of a zero line (the clinic), coloured by whether the difference is good or bad for the
    figure, each bar labelled with the figure itself. For a figure whose values all lie close
    to the clinic's (waiting times of 6,2–6,9 min): bars from zero would all look alike and the
    clinic's line would cross every label."""
    data, rest = _split_top(named(frame, category, lang), category, measure, n, None)
    data = data[data[measure].notna()].copy()
    data["difference"] = data[measure] - reference
    data = with_text(data, [measure, *extra], lang)
    figure = figures.get(measure)
    good_up = figure.up_is_good if figure is not None else None
    data["worse"] = [
        bool(d > 0) if good_up is False else bool(d < 0) if good_up else False
        for d in data["difference"]
    ]
    order = list(data[category])
    reach = max([abs(float(d)) for d in data["difference"]] + [1e-9]) * 1.45
    unit = (figure.unit_ru if lang == "ru" else figure.unit_en) if figure is not None else ""
    digits = figure.digits if figure is not None else 1
    signed = f"(datum.value > 0 ? '+' : datum.value < 0 ? '−' : '') + {_grouped('abs(datum.value)', lang, digits)}"
    if unit:
        signed += f" + ' {unit}'"
    base = alt.Chart(
        _only(data, category, measure, "difference", "worse", *_texts([measure, *extra]))
    ).encode(y=alt.Y(f"{category}:N", sort=order, title=None, axis=name_axis()))
    x = alt.X("difference:Q", scale=alt.Scale(domain=[-reach, reach], nice=False),
              axis=alt.Axis(labelExpr=signed, tickCount=5, labelFlush=True,
                            title=t("vs_clinic_axis", lang)))  # fmt: skip
    bar = base.mark_bar(cornerRadius=2).encode(
        x=x,
        color=colour_if("datum.worse", ACCENT, MAIN),
        tooltip=_tooltip([measure, *extra], lang, category),
    )
    zero = alt.Chart(inline({"zero": 0.0})).mark_rule(color="#555", size=1.5).encode(
        x=alt.X("zero:Q")
    )
    right = base.transform_filter("datum.difference >= 0")
    left = base.transform_filter("datum.difference < 0")
    labels = [
        *bar_values(right, alt.X("difference:Q"), f"{measure}_text:N"),
        *bar_values(left, alt.X("difference:Q"), f"{measure}_text:N", align="right", dx=-4),
    ]
    note = rest_note(rest, measure, (), lang)
    return layer(
        bar, zero, *labels, title=_title(title, _subtitle(subtitle, note)),
        height=BAR_STEP * max(len(data), 2), width="container", autosize=FIT_WIDTH,
    )  # fmt: skip


# -- what is sent: only the columns a chart names --------------------------------------------------

_CHILDREN = ("layer", "hconcat", "vconcat", "concat", "spec")


def _frames(node: object) -> list[object]:
    """Every chart in `node` (itself, its layers and concatenations) that holds a DataFrame."""
    found = []
    if isinstance(node, SchemaBase):
        if isinstance(node._kwds.get("data"), pd.DataFrame):
            found.append(node)
        for key in _CHILDREN:
            child = node._kwds.get(key)
            for part in child if isinstance(child, list) else [child]:
                found += _frames(part)
    return found


def lean(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """`chart` (changed in place) with each of its data frames cut to the columns its spec
    mentions anywhere — an encoding's field, a tooltip, a sort, a filter's or a condition's
    `datum.x` — so that what is drawn, tooltips included, stays the same.

    The frames a chart function gets are the API's whole tables (Врачи's has some twenty
    columns, each also with its `_text`): serialising one costs ~1 ms a column, and every
    column is sent to the browser in every layer (issue 17: the load-vs-check chart sent 57 KB
    for 40 doctors). A column is kept if its name occurs anywhere in the spec without its data,
    so nothing a mark reads is ever dropped (Vega-Lite reads only fields the spec names; no
    chart here uses `tooltip: true`, which would show every field)."""
    holders = _frames(chart)
    if not holders:
        return chart
    text = "\n".join(_words(chart))
    cut: dict[int, pd.DataFrame] = {}  # one cut frame per frame: layers sharing one still share
    for holder in holders:
        frame = holder._kwds["data"]
        if id(frame) not in cut:
            keep = [c for c in frame.columns if str(c) in text]
            cut[id(frame)] = frame.loc[:, keep] if len(keep) < len(frame.columns) else frame
        holder._kwds["data"] = cut[id(frame)]
    return chart


def _words(node: object) -> list[str]:
    """Every string in a chart's spec but its data: field names, shorthands ("x:Q"), titles,
    expressions, sorts (a walk of the chart objects, without serialising them)."""
    words: list[str] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            words.append(item)
        elif isinstance(item, dict):
            words.extend(str(key) for key in item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, SchemaBase):
            stack.extend(item._args)
            stack.extend(value for key, value in item._kwds.items()
                         if value is not alt.Undefined
                         and not (key == "data" and isinstance(value, pd.DataFrame)))  # fmt: skip
    return words


def layer(*layers: alt.TopLevelMixin, **kwargs: object) -> alt.LayerChart:
    """`alt.layer(*layers, **kwargs)`, without the copies Altair makes where they change nothing.

    alt.layer deep-copies every layer three times (to lift a frame the layers share onto the
    layer chart, hashing it first; then twice for params) and validates each copy: two thirds
    of building Обзор's bar charts (issue 17). Where every layer is a plain chart drawing the
    same frame, with no params and no size of its own, the result is the same: the frame goes
    on the layer chart and the layers are taken as they are (shallow copies without it).
    Anything else goes through alt.layer."""
    shared = layers[0].data if layers else alt.Undefined
    simple = isinstance(shared, pd.DataFrame) and all(
        type(part) is alt.Chart and part.data is shared
        and all(part._get(key) is alt.Undefined for key in ("params", "height", "width", "view"))
        for part in layers
    )  # fmt: skip
    if not simple:
        return alt.layer(*layers, **kwargs)
    bare = []
    for part in layers:
        part = part.copy(deep=False)
        part.data = alt.Undefined
        bare.append(part)
    with debug_mode(False):  # validated by tests/present/test_charts.py, not on every build
        chart = alt.LayerChart(data=shared, **kwargs)
    chart.layer = bare
    return chart


def spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec the app sends (`lean`, without Altair's JSON-schema validation:
    tests/present/test_charts.py validates every chart function instead)."""
    return lean(chart).to_dict(validate=False)
