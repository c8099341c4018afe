"""What pages draw with: KPI cards, tables with their downloads, charts.

Tables show values formatted by fmt.py (a pandas Styler, so a column still sorts by its number)
under column names of the chosen language; the downloads carry the same columns as numbers.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from clinic_bi import fmt
from clinic_bi.app import i18n
from clinic_bi.app.downloads import download_buttons
from clinic_bi.app.i18n import label, show, t, value
from clinic_bi.metrics import Comparison
from clinic_bi.present import charts
from clinic_bi.present import figures as registry

# The KPI cards of Обзор, in order (names of Engine.comparison's metrics).
KPIS: tuple[str, ...] = (
    "revenue", "visits", "patients", "new_patients", "avg_check", "return_rate", "ltv",
)  # fmt: skip

TEXT_COLUMNS = {"doctor", "department", "branch", "service", "channel", "operator",
                "main_department", "abc", "file_name", "kind", "profile"}  # fmt: skip


def change_text(kind: str, change: Any, change_rel: Any, lang: str) -> str | None:
    """A change as a card shows it: relative for money and counts (+12,3 %), in percentage
    points for a ratio (+2,1 п.п.), always with an ASCII sign (st.metric colours a delta by it).
    None when there is nothing to compare with. The rule is figures.change_text's."""
    return registry.change_text(kind, change, change_rel, lang)


def kpi_value(name: str, kind: str, current: Any, lang: str) -> str:
    """A card's value: the figure as figures.show writes it (`kind` is the comparison's, the
    same as the registry's: tests/present/test_figures.py)."""
    return registry.show(name, current, lang)


def kpi_cards(comparison: Comparison, lang: str, names: Sequence[str] = KPIS) -> None:
    """The headline cards. Each compares like with like (METRICS.md "Comparison"): a change is
    shown only where both periods hold the data that feed the figure (else the missing months
    are named), once where the previous period is the same days a year earlier, and LTV at
    equal age stands in for LTV to date. The "?" says what the figure is and what it was."""
    table = comparison.table.set_index("metric")
    names = [_kpi_name(n, comparison) for n in names]
    with st.container(key="kpi_cards"):
        st.html(_KPI_CSS)
        per_row = 4
        for start in range(0, len(names), per_row):
            columns = st.columns(per_row)
            for column, name in zip(columns, names[start : start + per_row], strict=False):
                with column.container(border=True):
                    _kpi_card(name, table.loc[name], comparison, lang)


# Phone widths: the cards two by two and smaller, so the first chart is not two screens down.
_KPI_CSS = """<style>
@media (max-width: 640px) {
  .st-key-kpi_cards [data-testid="stHorizontalBlock"] { flex-wrap: wrap; gap: 0.5rem; }
  .st-key-kpi_cards [data-testid="stColumn"] { min-width: calc(50% - 0.25rem) !important;
                                                 flex: 1 1 calc(50% - 0.25rem) !important; }
  .st-key-kpi_cards [data-testid="stMetricValue"] { font-size: 1.25rem; }
  .st-key-kpi_cards [data-testid="stVerticalBlockBorderWrapper"] { padding: 0.5rem; }
}
</style>"""


def _kpi_name(name: str, comparison: Comparison) -> str:
    """LTV is compared at equal age where the period's new patients have 90 days behind them."""
    return "ltv_at_age" if name == "ltv" and comparison.ltv_age else name


def _kpi_card(name: str, row: pd.Series, comparison: Comparison, lang: str) -> None:
    kind = str(row["kind"])
    prev, year = comparison.previous, comparison.year_earlier
    one = comparison.same_periods  # a 12-month period: the previous period is a year earlier
    delta = change_text(kind, row["change"], row["change_rel"], lang)
    year_delta = None if one else change_text(kind, row["change_year"], row["change_year_rel"], lang)
    was = t("kpi_was", lang, period=_span(prev, lang),
            value=kpi_value(name, kind, row["previous"], lang))
    if not one:
        was += " " + t("kpi_was", lang, period=_span(year, lang),
                       value=kpi_value(name, kind, row["year_earlier"], lang))
    figure = registry.get(name)
    help_text = (figure.definition(lang) if figure else "") + "\n\n" + was
    st.metric(
        _kpi_label(name, comparison, lang), kpi_value(name, kind, row["current"], lang),
        delta=delta, help=help_text,
        delta_description=t("vs_year" if one else "vs_previous", lang) if delta else None,
    )  # fmt: skip
    gaps, gaps_year = list(row["gaps"]), [] if one else list(row["gaps_year"])
    lines = []
    if gaps or gaps_year:
        months = sorted(set(gaps) | set(gaps_year))
        which = ("kpi_no_data" if (bool(gaps) == bool(gaps_year)) or one
                 else "kpi_no_data_previous" if gaps else "kpi_no_data_year")
        lines.append(_note(t(which, lang, months=registry.months_text(months, lang)), "#8a6d00"))
    if name == "ltv":
        lines.append(_note(t("kpi_ltv_not_compared", lang), "#999"))
    elif year_delta:
        color = "green" if not year_delta.startswith("-") else "red"
        arrow = "▲" if color == "green" else "▼"
        lines.append(f":{color}[{arrow} {year_delta}] " + _note(t("vs_year", lang), "#777"))
    elif not one and not gaps_year:
        lines.append(_note("— " + t("vs_year", lang), "#999"))
    for line in lines:
        st.markdown(line, unsafe_allow_html=True)


def _note(text: str, color: str) -> str:
    return f"<span style='color:{color};font-size:0.85em'>{text}</span>"


def _kpi_label(name: str, comparison: Comparison, lang: str) -> str:
    if name != "ltv_at_age":
        return label(name, lang)
    if comparison.ltv_age_partial and comparison.data_end is not None:
        last = comparison.data_end - timedelta(days=comparison.ltv_age or 0)
        return t("kpi_ltv_age_partial", lang, days=comparison.ltv_age, day=fmt.day(last, lang))
    return t("kpi_ltv_age", lang, days=comparison.ltv_age)


def _span(f: Any, lang: str) -> str:
    return f"{fmt.day(f.date_from, lang)} — {fmt.day(f.date_to, lang)}"


def comparison_caption(comparison: Comparison, lang: str) -> None:
    """Under the cards: what the changes compare, when it is not the period as asked (data_end
    inside the period: the days up to it, with the same days before)."""
    if not comparison.partial or comparison.data_end is None:
        return
    c, p, y = comparison.current, comparison.previous, comparison.year_earlier
    key = "compare_partial_one" if comparison.same_periods else "compare_partial"
    st.caption(t(key, lang, data_end=fmt.day(comparison.data_end, lang), now=_span(c, lang),
                 prev=_span(p, lang), year=_span(y, lang)))


def _formatter(column: str, lang: str):
    figure = registry.get(column)
    if figure is not None and (figure.kind != "count" or figure.digits):
        return lambda v: show(column, v, lang)
    if column in TEXT_COLUMNS:
        return lambda v: value("none", lang) if v is None or pd.isna(v) else str(v)
    return lambda v: (
        fmt.number(v, lang)
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        else str(v)
    )


def table(
    frame: pd.DataFrame,
    columns: Sequence[str],
    lang: str,
    name: str,
    key: str,
    height: int | str = "auto",
) -> None:
    """A table with the chosen columns, named and formatted in `lang`, and its downloads."""
    shown = frame.loc[:, list(columns)].reset_index(drop=True)
    for column in columns:
        if column in TEXT_COLUMNS and shown[column].dtype != object:
            shown[column] = shown[column].astype(object)
        if column == "channel":
            shown[column] = shown[column].replace({"unknown": value("unknown", lang)})
    names = {c: label(c, lang) for c in columns}
    shown = shown.rename(columns=names)
    styler = shown.style.format({names[c]: _formatter(c, lang) for c in columns}, na_rep="—")
    if height == "auto":
        height = min(38 + 35 * max(len(shown), 1), 640)
    st.dataframe(styler, hide_index=True, width="stretch", height=height, placeholder="—",
                 column_config=column_config(columns, lang))  # fmt: skip
    download_buttons(frame, columns, lang, name, key)


def column_config(columns: Sequence[str], lang: str) -> dict[str, Any]:
    """Every figure's header carries its definition as a tooltip (the registry's, issue 13:
    one click away), after the full name where the header is the short one; the first column
    (the name of the row) is pinned, so a wide table scrolls under it."""
    config: dict[str, Any] = {}
    for i, column in enumerate(columns):
        full, short = label(column, lang), i18n.short_label(column, lang)
        pinned = i == 0 and column in TEXT_COLUMNS
        figure = registry.get(column)
        parts = [full] if short != full else []
        if figure is not None:
            parts.append(figure.definition(lang))
        if not parts and not pinned:
            continue
        config[full] = st.column_config.Column(
            short, help=" — ".join(parts) or None, pinned=pinned or None
        )
    return config


def chart(figure: alt.TopLevelMixin | Callable[..., alt.TopLevelMixin], *args: Any,
          **kwargs: Any) -> None:
    """Draw a chart of clinic_bi/present/charts/: a built chart, or — cheaper on a rerun — a
    chart function with its arguments, `view.chart(charts.bars, frame, "doctor", ...)`, whose
    spec is then built once per arguments and kept (`_cached_spec`). Either way the spec is
    `charts.spec`: only the data columns the chart names, and no JSON-schema validation
    (tests/present/test_charts.py validates every chart function instead)."""
    if isinstance(figure, alt.TopLevelMixin):
        spec = charts.spec(figure)
    else:
        spec = _cached_spec(_spec_key(figure, args, kwargs), _call=(figure, args, kwargs))
    st.vega_lite_chart(spec, width="stretch")


def _spec_key(function: Callable, args: tuple, kwargs: dict) -> str:
    """The chart function and every argument's bytes: equal bytes are equal arguments (a frame
    pickled differently only misses the cache), so no two charts ever share a spec."""
    name = f"{function.__module__}.{function.__qualname__}"
    if "<locals>" in name:
        raise ValueError(f"view.chart caches by name: {name} must be a module's function")
    raw = pickle.dumps((name, args, sorted(kwargs.items())), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(raw).hexdigest()


@st.cache_data(max_entries=256, ttl=6 * 3600, show_spinner=False)
def _cached_spec(key: str, _call: tuple) -> dict:
    """A chart's spec, built once per (function, arguments): the frames a page passes come
    from data.metric's cache, so a rerun, a page switch or a return to a filter seen before
    draws the same charts again without Altair (issue 17: building and serialising the charts
    was two thirds of a cached rerun). Keyed by the arguments' content, so never stale after a
    load; bounded by max_entries and ttl."""
    function, args, kwargs = _call
    return charts.spec(function(*args, **kwargs))


def section(title: str) -> None:
    st.markdown(f"#### {title}")


def vs_clinic_cards(figures: Sequence[tuple[str, Any, Any]], lang: str) -> None:
    """A doctor's (or a department's) figures, each against the clinic's where one applies:
    (name, own value, clinic value or None)."""
    per_row = 4
    for start in range(0, len(figures), per_row):
        columns = st.columns(per_row)
        for column, (name, own, clinic) in zip(columns, figures[start : start + per_row],
                                               strict=False):  # fmt: skip
            delta = None
            kind = registry.kind(name) or "count"
            if clinic is not None and own is not None and not pd.isna(own) and not pd.isna(clinic):
                change = float(own) - float(clinic)
                delta = change_text(kind, change, change / abs(clinic) if clinic else None, lang)
            # the metric's own border, not a bordered container around it: one message less
            # a card
            column.metric(
                label(name, lang), show(name, own, lang), delta=delta, border=True,
                delta_description=t("clinic_level", lang, value=show(name, clinic, lang))
                if clinic is not None else None,
            )  # fmt: skip
