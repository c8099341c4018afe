"""Что изменилось: cached data access, the sentences with their links, and the page's charts and
tables (pages/11_changes.py is a thin script over this; Обзор calls `top_sentences` and
`draw_sentences`).

A sentence's link is a button, not a URL: the filters live in the session (state.py), which a
page link with query parameters would not change inside a session. The button writes the link's
period and names into the filter state and switches page; the page then writes them to the URL.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import data, state
from clinic_bi.app.downloads import download_buttons
from clinic_bi.app.i18n import label, t, value
from clinic_bi.app.safe import md
from clinic_bi.metrics import Filters
from clinic_bi.metrics.changes import Changes, outside_band
from clinic_bi.metrics.changes import changes as compute_changes
from clinic_bi.metrics.engine import compared_periods
from clinic_bi.present import changes_text, figures, words_changes
from clinic_bi.present.changes_text import Link, Sentence
from clinic_bi.present.charts import ACCENT, BAR_STEP, MAIN, money_expr

BARS_SHOWN = 15
NBSP = "\u00a0"
NEUTRAL = "#264653"

# The columns of each dimension's table (words_changes.COLUMNS names them).
TABLE_COLUMNS: dict[str, list[str]] = {
    "department": ["member", "change", "change_rel", "revenue_0", "revenue_1", "price_effect",
                   "volume_effect", "mix_effect", "new_effect", "lost_effect"],
    "doctor": ["member", "change", "change_rel", "revenue_0", "revenue_1", "status"],
    "service": ["member", "change", "change_rel", "price_effect", "volume_effect", "mix_effect",
                "status", "quantity_0", "quantity_1", "price_0", "price_1", "revenue_0",
                "revenue_1"],
    "channel": ["member", "change", "change_rel", "revenue_0", "revenue_1"],
}
_COUNTS = {"quantity_0", "quantity_1"}
_RATIOS = {"change_rel"}
_MEMBER_LABEL = {"department": "department", "doctor": "doctor", "service": "service",
                 "channel": "channel"}


# -- data ------------------------------------------------------------------------------------------


@st.cache_data(max_entries=64, ttl=data.TTL, show_spinner=False)
def _changes(path: str, version: int, f: Filters, basis: str) -> Changes:
    with data.engine_for(Path(path)) as engine:
        return compute_changes(engine, f, basis, band=False)


@st.cache_data(max_entries=32, ttl=data.TTL, show_spinner=False)
def _outside(path: str, version: int, f: Filters) -> tuple[pd.DataFrame, bool]:
    with data.engine_for(Path(path)) as engine:
        current = compared_periods(f, engine.facts().data_end)[0]
        return outside_band(engine, f, current)


def changes_for(page: state.Page, basis: str = "previous") -> Changes:
    """The page's period against `basis` (cached per store version and filters), without the
    forecast band (seconds: `with_band` adds it, drawn last)."""
    assert page.info is not None and page.filters is not None
    return _changes(str(page.info.path), page.info.version, page.filters, basis)


def with_band(page: state.Page, c: Changes) -> Changes:
    """`c` with the last whole months checked against the forecast band (cached)."""
    assert page.info is not None and page.filters is not None
    frame, available = _outside(str(page.info.path), page.info.version, page.filters)
    return dataclasses.replace(c, outside=frame, band_available=available)


def top_sentences(page: state.Page, n: int = 3) -> list[Sentence]:
    """Обзор's three sentences: the period against the previous one (changes_text.top_sentences),
    without the forecast band (its seconds are the Что изменилось page's)."""
    return changes_text.top_sentences(changes_for(page, "previous"), page.lang, n)


# -- the sentences and their links -------------------------------------------------------------


def _follow(link: Link, page: state.Page) -> None:
    """Open the link's page with its filters: write them into the session's filter state."""
    flt = st.session_state["flt"]
    query = {k: (v if isinstance(v, list) else [v]) for k, v in link.params.items()}
    query.update(lang=[page.lang], src=[flt["src"]])
    wanted = state.state_from_query(query)
    for key in ("preset", "date_from", "date_to", *state.NAME_FILTERS):
        flt[key] = wanted[key]
    st.switch_page(state.PAGE_SCRIPTS[link.page])


SENTENCES_SHOWN = 5


def draw_sentences(sentences: list[Sentence], page: state.Page, key: str,
                   shown: int | None = SENTENCES_SHOWN) -> None:
    """Each sentence as a line of text (the names in it from the clinic's files, shown literally)
    and, where a page shows it, a small button that opens that page with the sentence's filter;
    beyond `shown` sentences, the rest in an expander."""
    if shown is not None and len(sentences) > shown:
        draw_sentences(sentences[:shown], page, key, None)
        rest = sentences[shown:]
        with st.expander(t("chg_more_sentences", page.lang, n=len(rest))):
            _draw(rest, page, key, shown)
        return
    _draw(sentences, page, key, 0)


def _literal(text: str) -> str:
    """safe.md, keeping the no-break spaces that hold a sum and its unit on one line (md folds
    every run of whitespace into one space)."""
    return NBSP.join(md(part) for part in text.split(NBSP))


def _draw(sentences: list[Sentence], page: state.Page, key: str, first: int) -> None:
    for i, sentence in enumerate(sentences, start=first):
        text, go = st.columns([5, 1], vertical_alignment="center", gap="small")
        text.markdown(_literal(sentence.text))
        if sentence.link is not None and sentence.link.page in state.PAGE_SCRIPTS:
            where = t(f"nav_{sentence.link.page}", page.lang)
            if go.button(where, key=f"{key}_go_{i}", type="tertiary",
                         icon=":material/arrow_forward:", help=t("chg_open", page.lang,
                                                                 page=where)):
                _follow(sentence.link, page)


# -- charts ----------------------------------------------------------------------------------------


def _signed(amount: float, lang: str) -> str:
    return changes_text.signed_money(amount, lang)


def waterfall(steps: list[tuple[str, float]], lang: str, title: str) -> alt.Chart:
    """A waterfall: the first step is the basis total, the middle ones changes, the last the
    current total; each change bar runs from the running sum before it. The axis starts below
    the lowest running sum, not at zero (a change of a few per cent would be invisible beside two
    whole totals): the subtitle says so."""
    rows, running = [], 0.0
    last = len(steps) - 1
    for i, (name, amount) in enumerate(steps):
        if i in (0, last):
            start, end, kind, text = 0.0, amount, "total", fmt.money(amount, lang)
            running = amount
        else:
            start, end = running, running + amount
            running = end
            kind, text = ("up" if amount >= 0 else "down"), _signed(amount, lang)
        rows.append({"step": name, "start": start, "end": end, "kind": kind, "text": text})
    frame = pd.DataFrame(rows)
    sums = [r["end"] for r in rows] + [r["start"] for r in rows if r["kind"] != "total"]
    low, high = min(sums), max(sums)
    floor = 0.0 if low <= 0 else max(0.0, low - max(high - low, abs(high) * 0.02) * 1.5)
    frame["start"] = frame["start"].clip(lower=floor)
    colors = alt.Scale(domain=["total", "up", "down"], range=[NEUTRAL, MAIN, ACCENT])
    base = alt.Chart(frame).encode(
        x=alt.X("step:N", sort=[r["step"] for r in rows], title=None,
                axis=alt.Axis(labelAngle=0, labelLimit=90, labelOverlap=False, labelFontSize=10)),
    )  # fmt: skip
    bars = base.mark_bar(cornerRadius=2).encode(
        y=alt.Y("start:Q", title=None,
                scale=alt.Scale(domain=[floor, high + (high - floor) * 0.12], nice=False),
                axis=alt.Axis(labelExpr=money_expr(lang), tickCount=5)),
        y2="end:Q",
        color=alt.Color("kind:N", scale=colors, legend=None),
        tooltip=[alt.Tooltip("step:N", title=" "), alt.Tooltip("text:N", title="₽")],
    )  # fmt: skip
    labels = base.mark_text(dy=-7, fontSize=10, color="#333").encode(
        y=alt.Y("top:Q"), text="text:N",
    ).transform_calculate(top="max(datum.start, datum.end)")
    subtitle = t("chg_axis_from", lang, value=fmt.money(floor, lang)) if floor > 0 else ""
    return alt.layer(bars, labels).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=15),
        height=260, width="container",
    )  # fmt: skip


def change_bars(frame: pd.DataFrame, dimension: str, lang: str, title: str) -> alt.Chart:
    """The members' changes as bars left and right of zero, the largest |change| first; beyond
    BARS_SHOWN, the rest are one "прочие" bar (their changes add up)."""
    data = frame[["member", "change"]].copy()
    data["member"] = [changes_text.member_name(m, dimension, lang) for m in frame["member"]]
    if len(data) > BARS_SHOWN + 1:
        rest = data.iloc[BARS_SHOWN:]
        data = pd.concat([data.iloc[:BARS_SHOWN], pd.DataFrame(
            [{"member": f"{value('other', lang)} ({len(rest)})", "change": rest["change"].sum()}])],
            ignore_index=True)  # fmt: skip
    data["text"] = [_signed(v, lang) for v in data["change"]]
    data["up"] = data["change"] >= 0
    # room for the values beyond the bars' ends; no empty half when every change has one sign
    low = min([0.0, *(float(v) for v in data["change"])]) * 1.8
    high = max([0.0, *(float(v) for v in data["change"])]) * 1.8
    low, high = (low or -high * 0.02), (high or -low * 0.02)
    if low == high == 0:
        low, high = -1.0, 1.0
    base = alt.Chart(data).encode(
        y=alt.Y("member:N", sort=list(data["member"]), title=None,
                axis=alt.Axis(labelLimit={"expr": "clamp(containerSize()[0] * 0.35, 80, 220)"})),
    )  # fmt: skip
    x = alt.X("change:Q", scale=alt.Scale(domain=[low, high], nice=False),
              axis=alt.Axis(labelExpr=money_expr(lang), tickCount=5,
                            title=words_changes.COLUMNS["change"][0 if lang == "ru" else 1]))
    bar = base.mark_bar(cornerRadius=2).encode(
        x=x, color=alt.condition("datum.up", alt.value(MAIN), alt.value(ACCENT)),
        tooltip=[alt.Tooltip("member:N", title=" "), alt.Tooltip("text:N", title="Δ")],
    )  # fmt: skip
    right = base.transform_filter("datum.change >= 0").mark_text(
        align="left", dx=4, fontSize=11, color="#333").encode(x="change:Q", text="text:N")
    left = base.transform_filter("datum.change < 0").mark_text(
        align="right", dx=-4, fontSize=11, color="#333").encode(x="change:Q", text="text:N")
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555").encode(x="zero:Q")
    return alt.layer(bar, zero, right, left).properties(
        title=alt.TitleParams(title, anchor="start", fontSize=15),
        height=BAR_STEP * max(len(data), 2), width="container",
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )  # fmt: skip


# -- tables ----------------------------------------------------------------------------------------


def _column_label(column: str, dimension: str, lang: str) -> str:
    if column == "member":
        return label(_MEMBER_LABEL[dimension], lang)
    pair = words_changes.COLUMNS[column]
    return pair[0] if lang == "ru" else pair[1]


def _cell(column: str, v: Any, lang: str) -> str:
    if column == "member":
        return str(v)
    if column == "status":
        pair = words_changes.STATUS.get(str(v))
        return fmt.DASH if pair is None else pair[0 if lang == "ru" else 1]
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return fmt.DASH
    if column in _RATIOS:
        return changes_text.signed_percent(v, lang)
    if column in _COUNTS:
        return fmt.number(v, lang, 0 if float(v).is_integer() else 1)
    if column in ("change", "price_effect", "volume_effect", "mix_effect", "new_effect",
                  "lost_effect"):
        sign = "+" if v > 0 else changes_text.MINUS if v < 0 else ""
        return sign + fmt.money(abs(v), lang, compact=False)
    return fmt.money(v, lang, compact=False)


def members_table(frame: pd.DataFrame, dimension: str, lang: str, key: str) -> None:
    """A dimension's table: every member with its revenue before and now, the change and its
    effects, formatted as fmt.py writes them (a Styler: columns still sort by number), with the
    Excel/CSV downloads (numbers, money rounded to kopecks)."""
    columns = TABLE_COLUMNS[dimension]
    shown = frame.loc[:, columns].reset_index(drop=True).copy()
    shown["member"] = [changes_text.member_name(m, dimension, lang) for m in shown["member"]]
    names = {c: _column_label(c, dimension, lang) for c in columns}
    renamed = shown.rename(columns=names)
    styler = renamed.style.format({names[c]: (lambda v, c=c: _cell(c, v, lang)) for c in columns})
    st.dataframe(styler, hide_index=True, width="stretch",
                 height=min(38 + 35 * max(len(shown), 1), 460))  # fmt: skip
    export = shown.copy()
    for column in columns:
        if column not in ("member", "status", *_COUNTS, *_RATIOS):
            export[column] = pd.to_numeric(export[column], errors="coerce").round(2)
    export["status"] = [_cell("status", v, lang) for v in export["status"]] if (
        "status" in export) else None
    export = export.loc[:, columns].rename(columns=names)
    download_buttons(export, list(export.columns), lang, f"changes_{dimension}", key)


def _amount(figure: str, value: float, lang: str) -> str:
    return figures.amount(figure, value, lang, nbsp=True)


def outside_table(outside: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The months against the band, as text: month, figure, actual, the 95 % band, the side."""
    rows = []
    show = _amount
    for r in outside.to_dict("records"):
        band = (fmt.DASH if r["lo95"] is None or pd.isna(r["lo95"]) else
                f"{show(r['figure'], r['lo95'], lang)} — {show(r['figure'], r['hi95'], lang)}")
        side = {"above": ("выше", "above"), "below": ("ниже", "below")}.get(r["side"] or "",
                                                                           ("внутри", "inside"))
        if r["actual"] is None or pd.isna(r["actual"]) or r["lo95"] is None or pd.isna(r["lo95"]):
            side = (fmt.DASH, fmt.DASH)
        rows.append({
            label("month", lang): fmt.month(r["month"], lang),
            t("chg_outside_figure", lang): label(r["figure"], lang),
            t("chg_outside_actual", lang): show(r["figure"], r["actual"], lang)
            if r["actual"] is not None and not pd.isna(r["actual"]) else fmt.DASH,
            t("chg_outside_band", lang): band,
            t("chg_outside_side", lang): side[0 if lang == "ru" else 1],
        })  # fmt: skip
    return pd.DataFrame(rows)
